/*
 * search_index: the search index's state for an administrator — the rows
 * waiting in its recent level — and a merge on demand (jobs/merge.h does
 * the same in the background; docs/api.md "Search index").
 */
#include <string.h>

#include "api/api.h"
#include "app/search.h"

/* Rows merged in one transaction by a merge on demand. */
enum { MERGE_BATCH = 500 };

static bool no_param(const char *name)
{
    (void)name;
    return false;
}

/* 400 naming a query parameter (these routes take none); true when sent. */
static bool refused_param(api_req *rq, http_resp *rs)
{
    const char *unknown = http_query_unknown(rq->http, no_param);
    if (unknown)
        api_error(rs, 400, "bad_request", unknown, "%s: 未知的参数 (unknown parameter)", unknown);
    return unknown != NULL;
}

/* The reply of both routes: the recent level's rows now, and (merged >= 0) what was merged. */
static void reply_state(app *a, http_resp *rs, long merged)
{
    int64_t recent = 0;
    int rc = store_search_recent_count(a->db, &recent, NULL);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *j = json_pack("{s:I}", "recent_rows", (json_int_t)recent);
    if (merged >= 0)
        json_object_set_new(j, "merged_rows", json_integer(merged));
    api_json(rs, 200, j);
}

void h_search_index_get(app *a, api_req *rq, http_resp *rs)
{
    if (refused_param(rq, rs))
        return;
    reply_state(a, rs, -1);
}

void h_search_index_merge(app *a, api_req *rq, http_resp *rs)
{
    if (refused_param(rq, rs))
        return;
    long moved = 0;
    int rc = app_search_merge(a, MERGE_BATCH, 0, &moved);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    reply_state(a, rs, moved);
}
