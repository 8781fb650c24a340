/*
 * duty: the on-duty roster of a unit for nights and holidays (app/duty.h,
 * migration 028) — read and replaced as a whole by an administrator, or by
 * a supervisor or manager for a unit within their reach.
 */

#include "app/duty.h"
#include "api/api.h"
#include "util/timeutil.h"

/* The unit of the path ({id}: an id or a code) within the caller's reach; 0 when refused (rs rendered). */
static int64_t duty_unit(app *a, api_req *rq, http_resp *rs)
{
    int64_t id = api_unit_id(a, rq->params[0]);
    if (!id) {
        api_error(rs, 404, "not_found", NULL, "单位不存在 (no such unit)");
        return 0;
    }
    return api_reach_unit(a, rq, id, "unit", rs) ? 0 : id;
}

/* {unit, entries: [{user, from, to}], on_duty: who is on duty for it now (or above it), or null}. */
static void render(app *a, http_resp *rs, int64_t unit_id, const duty_list *l)
{
    duty_list now = {0};
    int64_t t = time_now();
    int rc = store_duty_at(a->db, t, &now);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(items, json_pack("{s:o,s:o,s:o}", "user", api_user_ref(a, l->items[i].user), "from",
                                               api_time(a, l->items[i].from), "to", api_time(a, l->items[i].to)));
    app_enter(a);
    int64_t on = duty_on_call(app_org(a), now.items, now.n, unit_id, t);
    app_leave(a);
    duty_list_release(&now);
    api_json(rs, 200,
             json_pack("{s:o,s:o,s:o}", "unit", api_unit_ref(a, unit_id), "entries", items, "on_duty",
                       on ? api_user_ref(a, on) : json_null()));
}

/* GET /units/{id}/duty */
void h_unit_duty_get(app *a, api_req *rq, http_resp *rs)
{
    int64_t unit_id = duty_unit(a, rq, rs);
    if (!unit_id)
        return;
    duty_list l = {0};
    int rc = app_duty_list(a, unit_id, &l);
    if (rc)
        api_store_error(rs, rc);
    else
        render(a, rs, unit_id, &l);
    duty_list_release(&l);
}

/* PUT /units/{id}/duty {"entries": [{user, from, to}]}: replaces the roster ([] clears it). */
void h_unit_duty_put(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"entries", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    int64_t unit_id = duty_unit(a, rq, rs);
    duty_list l = {0};
    cerr e = CERR_INIT;
    int rc = unit_id ? app_duty_set(a, unit_id, json_object_get(in, "entries"), &l, &e) : 0;
    if (!unit_id) {
        ; /* refused */
    } else if (rc == CERR_USER) {
        api_cerr(rs, &e);
    } else if (rc) {
        api_store_error(rs, rc);
    } else {
        api_audit_unit_change(a, rq, unit_id,
                              json_pack("{s:s,s:I}", "change", "duty_roster", "entries", (json_int_t)l.n));
        render(a, rs, unit_id, &l);
    }
    duty_list_release(&l);
    json_decref(in);
}
