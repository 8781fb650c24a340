/*
 * checkpoints: GET /api/v1/checkpoints — the newest stored checkpoints of
 * the event log (core/chain.h, docs/operations.md "Integrity"), for an
 * auditor to keep apart from the database and compare later with `redress
 * verify --against FILE`. A checkpoint holds counts, digests and a MAC of
 * the whole installation, no customer data and nothing of a unit.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api.h"
#include "store/checkpoints.h"
#include "util/jsonr.h"

enum { CHECKPOINTS_DEFAULT = 10, CHECKPOINTS_MAX = 100 };

void h_checkpoint_list(app *a, api_req *rq, http_resp *rs)
{
    long limit = CHECKPOINTS_DEFAULT;
    const char *v = http_query(rq->http, "limit");
    if (v && *v) {
        char *end;
        limit = strtol(v, &end, 10);
        if (*end || limit < 1 || limit > CHECKPOINTS_MAX) {
            api_error(rs, 400, "bad_request", "limit", "limit: expected 1–%d", CHECKPOINTS_MAX);
            return;
        }
    }
    checkpoint *cps;
    size_t n;
    int rc = store_checkpoint_list(a->db, &cps, &n);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = n; i > 0 && json_array_size(items) < (size_t)limit; i--) {
        char *text = checkpoint_json(&cps[i - 1]);
        json_error_t jerr;
        json_array_append_new(items, jsonr_loads(text, &jerr));
        free(text);
    }
    free(cps);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}
