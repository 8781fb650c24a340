/*
 * board: GET /api/v1/board, the supervisor board's data in one reply — the
 * overview (as GET /stats/overview), the overdue, warning and unassigned
 * lists, and the extension requests awaiting a decision — each scoped to
 * what the caller may see, as the complaint list scopes it. Each list is a
 * complaint-list query (listq) with fixed parameters, so its filters, scope
 * and rendering are the list's own; the pending extensions are found by the
 * store (the list's `extension=requested`), not by reading every open order.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/listq.h"
#include "util/timeutil.h"

/* Reads a NULL-terminated {key, value, …} array as the list's query. */
static const char *fixed_query(void *ctx, const char *key)
{
    for (const char *const *kv = ctx; *kv; kv += 2)
        if (strcmp(kv[0], key) == 0)
            return kv[1];
    return NULL;
}

/*
 * One section: the list for query kv at now, {"items", "more"} (a new
 * reference), or NULL with the failure rendered into rs. full: whole
 * complaints (the extension's request is not in a summary).
 */
static json_t *section(app *a, api_req *rq, const char *const *kv, int64_t now, bool full, http_resp *rs)
{
    listq l;
    listq_init(&l);
    cerr e = CERR_INIT;
    json_t *out = NULL;
    if (listq_parse(&l, fixed_query, (void *)kv, app_pol(a), app_org(a), rq->who.unit, now, &e)) {
        api_cerr(rs, &e); /* a programmer's error: the queries are fixed */
        goto out;
    }
    l.f.full = full;
    out = api_complaint_page(a, rq, &l.f, rs);
    if (out) {
        json_object_set_new(out, "more", json_boolean(!json_is_null(json_object_get(out, "next_cursor"))));
        json_object_del(out, "next_cursor");
    }
out:
    listq_release(&l);
    return out;
}

static bool no_parameter(const char *name)
{
    (void)name;
    return false;
}

void h_board(app *a, api_req *rq, http_resp *rs)
{
    /* The board takes no parameter. */
    if (api_query_known(rq, rs, no_parameter))
        return;
    static const char *const overdue[] = {"status", "open", "overdue", "true", "sort", "deadline", "limit", "50", NULL};
    static const char *const warning[] = {"status", "open", "warning", "true", "sort", "deadline", "limit", "100", NULL};
    static const char *const queue[] = {"status", "registered", "sort", "deadline", "limit", "50", NULL};
    static const char *const extensions[] = {"extension", "requested", "sort", "deadline", "limit", "50", NULL};
    static const struct {
        const char *name;
        const char *const *query;
        bool full;
    } sections[] = {
        {"overdue", overdue, false},
        {"warning", warning, false},
        {"queue", queue, false},
        {"extensions", extensions, true},
    };
    int64_t now = time_now();
    int rc;
    json_t *body = api_stats_json(a, rq, now, &rc);
    if (!body) {
        api_store_error(rs, rc);
        return;
    }
    body = json_pack("{s:o}", "stats", body);
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        json_t *s = section(a, rq, sections[i].query, now, sections[i].full, rs);
        if (!s) {
            json_decref(body);
            return;
        }
        json_object_set_new(body, sections[i].name, s);
    }
    /* Who carries what (指派到人): the open work of each person in the caller's scope. */
    json_t *load = api_workload_json(a, org_scope_root(app_org(a), rq->who.unit), &rc);
    if (!load) {
        json_decref(body);
        api_store_error(rs, rc);
        return;
    }
    json_object_set_new(body, "workload", load);
    /* The early warnings (api/trends.c): in the board's one call, not a call of their own. */
    json_t *trends = api_trends_json(a, rq, &rc);
    if (!trends) {
        json_decref(body);
        api_store_error(rs, rc);
        return;
    }
    json_object_set_new(body, "trends", trends);
    api_json(rs, 200, body);
}
