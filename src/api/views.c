/*
 * Saved views of the complaint list (docs/api.md "Saved views"): a name and
 * the list's filters, one user's own or shared with a unit and the units
 * below it, shown as the list's tabs with their counts. A view's filters
 * are applied within the scope of whoever opens it.
 *
 *   GET    /api/v1/views[?counts=true]
 *   POST   /api/v1/views {"name", "filters": {PARAMETER: VALUE, …}, "shared"}
 *   DELETE /api/v1/views/{id}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/views.h"
#include "util/jsonw.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

enum { VIEW_NAME_MAX = 40, VIEW_FILTERS_MAX = 2000, VIEWS_PER_USER = 50 };

/* The list's parameters a view may hold: all but paging, export and counting. */
static bool view_param(const char *k)
{
    static const char *const not[] = {"cursor", "limit", "format", "clear", "total"};
    for (size_t i = 0; i < sizeof not / sizeof not[0]; i++)
        if (strcmp(k, not[i]) == 0)
            return false;
    return listq_known(k);
}

/* listq_get_fn over a view's filters (a JSON object of strings). */
static const char *filter_of(void *filters, const char *key)
{
    return json_string_value(json_object_get(filters, key));
}

/* The filters parsed for the caller as the list would: 0, or -1 with the error sent (naming "filters.…"). */
static int parse_for(app *a, api_req *rq, json_t *filters, listq *l, http_resp *rs)
{
    l->caller_id = rq->who.id;
    cerr e = CERR_INIT;
    if (listq_parse(l, filter_of, filters, app_pol(a), app_org(a), rq->who.unit, time_now(), &e)) {
        char field[128];
        snprintf(field, sizeof field, "filters.%s", e.field);
        api_error(rs, 422, "validation_failed", field, "filters.%s", e.message);
        return -1;
    }
    return api_listq_ready(a, l, "filters.", rs);
}

static json_t *view_json(app *a, const saved_view *v, json_t *filters)
{
    return json_pack("{s:I,s:s,s:o,s:b,s:o,s:o,s:s}", "id", (json_int_t)v->id, "name", v->name, "filters", filters,
                     "shared", v->unit != 0, "unit", v->unit ? api_unit_ref(a, v->unit) : json_null(), "created_by",
                     api_user_ref(a, v->created_by), "created_at", api_time(a, v->created_at));
}

void h_views_list(app *a, api_req *rq, http_resp *rs)
{
    const char *c = http_query(rq->http, "counts");
    if (c && strcmp(c, "true") != 0 && strcmp(c, "false") != 0) {
        api_error(rs, 400, "bad_request", "counts", "counts: expected true or false");
        return;
    }
    bool counts = c && strcmp(c, "true") == 0;
    saved_view_list l = {0};
    int rc = app_views_of(a, rq->who.id, rq->who.unit, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        json_t *filters = json_loads(l.items[i].filters, 0, NULL);
        json_t *j = view_json(a, &l.items[i], filters ? filters : json_object());
        if (counts) {
            /* A view whose filters no longer parse (a unit removed, …) counts nothing and says so. */
            listq q;
            listq_init(&q);
            http_resp scratch = {0};
            int64_t total = -1;
            if (parse_for(a, rq, json_object_get(j, "filters"), &q, &scratch) == 0 &&
                store_complaint_total(a->db, &q.f, &total) != 0)
                total = -1;
            http_resp_release(&scratch);
            listq_release(&q);
            json_object_set_new(j, "count", total >= 0 ? json_integer(total) : json_null());
        }
        json_array_append_new(items, j);
    }
    saved_view_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

void h_views_add(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"name", "filters", "shared", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    listq q;
    listq_init(&q);
    const json_t *name = json_object_get(in, "name"), *shared = json_object_get(in, "shared");
    json_t *filters = json_object_get(in, "filters");
    long chars = json_is_string(name) ? utf8_count(json_string_value(name)) : -1;
    char *text = NULL;
    if (chars < 1 || chars > VIEW_NAME_MAX) {
        api_error(rs, 422, "validation_failed", "name", "name: 应为 1–%d 字的名称 (1–%d characters)", VIEW_NAME_MAX,
                  VIEW_NAME_MAX);
        goto out;
    }
    if (shared && !json_is_boolean(shared)) {
        api_error(rs, 422, "validation_failed", "shared", "shared: 应为 true 或 false (expected a boolean)");
        goto out;
    }
    if (!json_is_object(filters)) {
        api_error(rs, 422, "validation_failed", "filters", "filters: 应为列表参数的对象 (an object of the list's parameters)");
        goto out;
    }
    const char *k;
    json_t *v;
    json_object_foreach(filters, k, v)
    {
        char field[64];
        snprintf(field, sizeof field, "filters.%s", k);
        utf8_scrub(field);
        if (!view_param(k)) {
            api_error(rs, 400, "unknown_field", field, "%s: 列表没有这个参数 (not a parameter of the list)", field);
            goto out;
        }
        if (!json_is_string(v)) {
            api_error(rs, 422, "validation_failed", field, "%s: 应为文本 (expected a string, as in a query string)", field);
            goto out;
        }
    }
    text = jsonw_dumps(filters, true);
    if (strlen(text) > VIEW_FILTERS_MAX) {
        api_error(rs, 422, "validation_failed", "filters", "filters: 过长 (at most %d bytes)", VIEW_FILTERS_MAX);
        goto out;
    }
    if (parse_for(a, rq, filters, &q, rs))
        goto out;
    bool is_shared = json_is_true(shared);
    if (is_shared && !(rq->who.roles & (R_SUPERVISOR | R_MANAGER | R_ADMIN))) {
        api_error(rs, 403, "forbidden", "shared", "shared: 只有主管、经理和管理员可以共享视图 (only supervisors, managers and administrators share views)");
        goto out;
    }
    if (is_shared && !rq->who.unit) {
        api_error(rs, 422, "validation_failed", "shared", "shared: 您没有所属单位，无法共享 (you belong to no unit to share with)");
        goto out;
    }
    saved_view_list mine = {0};
    int rc = store_view_list(a->db, rq->who.id, NULL, 0, &mine);
    size_t own = mine.n;
    saved_view_list_release(&mine);
    if (rc == 0 && !is_shared && own >= VIEWS_PER_USER) {
        api_error(rs, 422, "validation_failed", "name", "name: 已有 %d 个视图，请先删除不用的 (at most %d views each)",
                  VIEWS_PER_USER, VIEWS_PER_USER);
        goto out;
    }
    saved_view sv = {.filters = text, .owner_user = is_shared ? 0 : rq->who.id, .unit = is_shared ? rq->who.unit : 0,
                     .created_by = rq->who.id, .created_at = time_now()};
    snprintf(sv.name, sizeof sv.name, "%s", json_string_value(name));
    if (rc == 0)
        rc = store_view_add(a->db, &sv);
    if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 201, view_json(a, &sv, json_incref(filters)));
out:
    free(text);
    listq_release(&q);
    json_decref(in);
}

void h_views_delete(app *a, api_req *rq, http_resp *rs)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    saved_view v = {0};
    int rc = *end || id <= 0 ? STORE_NOTFOUND : store_view_get(a->db, id, &v);
    /* Seen: one's own, or shared with one's unit or a unit above it. */
    bool seen = rc == 0 && (v.owner_user == rq->who.id || (v.unit && rq->who.unit &&
                                                             org_within(app_org(a), rq->who.unit, v.unit)));
    if (rc == STORE_NOTFOUND || (rc == 0 && !seen))
        api_error(rs, 404, "not_found", NULL, "视图不存在 (no such view)");
    else if (rc)
        api_store_error(rs, rc);
    else if (v.unit && (!(rq->who.roles & (R_SUPERVISOR | R_MANAGER | R_ADMIN)) ||
                        !org_within(app_org(a), v.unit, rq->who.unit)))
        api_error(rs, 403, "forbidden", NULL, "只有本单位或上级单位的主管、经理和管理员可以删除共享视图 (only supervisors, managers and administrators of its unit or above remove a shared view)");
    else if ((rc = store_view_delete(a->db, id)))
        api_store_error(rs, rc);
    else
        api_json(rs, 200, json_pack("{s:I}", "id", (json_int_t)id));
    free(v.filters);
}
