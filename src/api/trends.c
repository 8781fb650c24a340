/*
 * trends: GET /api/v1/trends — what rises now under the pack's early-warning
 * rules (app/trend.h; seed 002: 通過數據分析與顧客反饋,建立客戶服務危機的
 * 早期預警機制), for the supervisor board: a business line's rise for every
 * caller, a station's for those whose scope holds it. The same rises are
 * told to each rule's unit by the deadline sweeper, once a day. The board
 * (GET /board) carries the same list as its "trends".
 */
#include <stdlib.h>

#include "api/api.h"
#include "app/trend.h"
#include "core/trend.h"
#include "util/timeutil.h"

json_t *api_trends_json(app *a, api_req *rq, int *rc)
{
    trend_alerts l;
    if ((*rc = app_trends(a, time_now(), &l)) != 0)
        return NULL;
    json_t *items = json_array();
    app_enter(a);
    int64_t root = org_scope_root(app_org(a), rq->who.unit);
    for (size_t i = 0; i < l.n; i++) {
        const trend_alert *al = &l.items[i];
        /* a station's rise is for those whose scope holds the station; a business line's for all */
        if (al->by == TREND_BY_UNIT && !(rq->who.roles & R_ADMIN) && !org_within(app_org(a), al->unit, root))
            continue;
        json_t *j = json_pack("{s:s,s:s,s:s,s:I,s:f,s:I,s:i,s:i,s:i}", "rule", al->rule, "name",
                              rq->en && al->name_en ? al->name_en : al->name, "by",
                              al->by == TREND_BY_UNIT ? "unit" : "category", "count", (json_int_t)al->count, "usual",
                              (double)al->usual_x100 / 100.0, "baseline", (json_int_t)al->baseline, "window_days",
                              al->window_days, "baseline_days", al->baseline_days, "rise_percent", al->rise_percent);
        if (al->by == TREND_BY_UNIT) {
            json_object_set_new(j, "unit", api_unit_ref(a, al->unit));
        } else {
            const category *c = policy_category(app_pol(a), al->category);
            json_object_set_new(j, "category",
                                json_pack("{s:s,s:s}", "code", al->category, "name",
                                          c ? (rq->en && c->name_en ? c->name_en : c->name) : al->category));
        }
        json_object_set_new(j, "notify_unit", api_unit_ref(a, al->notify_unit));
        json_array_append_new(items, j);
    }
    app_leave(a);
    trend_alerts_release(&l);
    return items;
}

void h_trends(app *a, api_req *rq, http_resp *rs)
{
    int rc;
    json_t *items = api_trends_json(a, rq, &rc);
    if (!items)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, json_pack("{s:o}", "items", items));
}
