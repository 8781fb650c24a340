/*
 * appeals: an appeal's report to the regulator (docs/api.md "Appeals") —
 * read, written by the branch, submitted, reviewed by headquarters, sent —
 * and the appeals' statistics by month and year (app/appeal.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/appeal.h"
#include "app/contacts.h"
#include "store/appeals.h"
#include "util/timeutil.h"

static json_t *report_json(app *a, const appeal_report *r)
{
    json_t *j = json_pack("{s:I,s:b,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:b,s:o,s:o,s:o,s:b,s:I}", "complaint",
                          (json_int_t)r->complaint_id, "registered", r->registered, "unit", api_unit_ref(a, r->unit),
                          "received_at", api_time(a, r->received_at), "due_at", api_time(a, r->due_at), "status",
                          r->status, "report", r->report ? json_string(r->report) : json_null(), "mediation",
                          r->mediation ? json_string(r->mediation) : json_null(), "review_note",
                          r->review_note ? json_string(r->review_note) : json_null(), "filed", r->filed,
                          "reviewed_by", r->reviewed_by ? api_user_ref(a, r->reviewed_by) : json_null(), "reviewed_at",
                          api_time(a, r->reviewed_at), "sent_at", api_time(a, r->sent_at), "late", r->late, "version",
                          (json_int_t)r->version);
    json_t *first = json_null();
    complaint c;
    complaint_init(&c);
    if (r->first_complaint && store_complaint_get(a->db, r->first_complaint, NULL, &c) == 0)
        first = json_pack("{s:I,s:s}", "id", (json_int_t)c.id, "number", c.number);
    complaint_release(&c);
    json_object_set_new(j, "first_complaint", first);
    json_object_set_new(j, "submitted_at", api_time(a, r->submitted_at));
    /* Sent late: who is assessed for it, and the pack's penalty (appeals.late_penalty). */
    json_object_set_new(j, "assessment",
                        r->assessed_unit ? json_pack("{s:o,s:f,s:i}", "unit", api_unit_ref(a, r->assessed_unit), "amount",
                                                     (double)r->penalty_fen / 100.0, "points", r->penalty_points)
                                         : json_null());
    return j;
}

/* The contact who answers for the report's unit, and the unit that named them; null when none does. */
static json_t *contact_json(app *a, int64_t unit_id)
{
    appeal_contact c;
    if (app_contact_of(a, unit_id, &c) != 0)
        return json_null();
    return json_pack("{s:o,s:o}", "user", api_user_ref(a, c.user), "unit", api_unit_ref(a, c.unit));
}

static void reply(app *a, http_resp *rs, int rc, const cerr *e, appeal_report *r)
{
    json_t *j;
    if (rc == CERR_USER)
        api_cerr(rs, e);
    else if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "该申诉尚无报告 (the appeal has no report yet)");
    else if (rc)
        api_store_error(rs, rc);
    else if (!(j = api_appeal_report_json(a, r, false)))
        api_store_error(rs, STORE_UNAVAILABLE);
    else
        api_json(rs, 200, j);
}

json_t *api_appeal_report_json(app *a, appeal_report *r, bool clear)
{
    if (app_appeal_view(a, r, clear))
        return NULL;
    json_t *j = report_json(a, r);
    json_object_set_new(j, "contact", contact_json(a, r->unit));
    return j;
}

void h_appeal_report_get(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    appeal_report r = {0};
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0)
        reply(a, rs, store_appeal_get(a->db, c.id, &r), NULL, &r);
    appeal_report_release(&r);
    complaint_release(&c);
}

void h_appeal_report_put(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"registered", "first_complaint", "report", "mediation", "filed", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    complaint c;
    complaint_init(&c);
    appeal_report r = {0};
    cerr e = CERR_INIT;
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0)
        reply(a, rs, app_appeal_edit(a, &c, in, &r, &e), &e, &r);
    appeal_report_release(&r);
    complaint_release(&c);
    json_decref(in);
}

void h_appeal_report_act(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"note", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    const json_t *nv = json_object_get(in, "note");
    complaint c;
    complaint_init(&c);
    appeal_report r = {0};
    cerr e = CERR_INIT;
    if (nv && !json_is_string(nv)) {
        api_error(rs, 422, "validation_failed", "note", "note: 应为文本 (expected a string)");
    } else if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0) {
        actor who = api_actor(rq);
        reply(a, rs, app_appeal_act(a, &who, c.id, rq->params[1], json_string_value(nv), time_now(), &r, &e), &e, &r);
    }
    appeal_report_release(&r);
    complaint_release(&c);
    json_decref(in);
}

static bool stats_known(const char *name)
{
    return strcmp(name, "year") == 0;
}

void h_appeal_stats(app *a, api_req *rq, http_resp *rs)
{
    const char *unknown = http_query_unknown(rq->http, stats_known);
    if (unknown) {
        api_error(rs, 400, "bad_request", unknown, "%s: 未知参数 (unknown query parameter)", unknown);
        return;
    }
    const char *y = http_query(rq->http, "year");
    char *end = NULL;
    long year = y && *y ? strtol(y, &end, 10) : 0;
    if (!y || !*y || *end || year < 2000 || year > 2100) {
        api_error(rs, 400, "bad_request", "year", "year: 应为年份，如 2026 (expected a year such as 2026)");
        return;
    }
    app_enter(a);
    int64_t root = org_scope_root(app_org(a), rq->who.unit);
    app_leave(a);
    json_t *out = NULL;
    int rc = app_appeal_stats(a, (int)year, root, &out);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(out, "assessed"), i, x)
    {
        json_object_set_new(x, "unit", api_unit_ref(a, json_integer_value(json_object_get(x, "unit"))));
        json_object_set_new(x, "amount", json_real((double)json_integer_value(json_object_get(x, "penalty_fen")) / 100.0));
        json_object_del(x, "penalty_fen");
    }
    api_json(rs, 200, out);
}

/* PUT /units/{id}/appeals-contact: names a unit's appeals contact (申诉接口人), or with null removes it. */
void h_unit_contact_put(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"user", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    int64_t unit_id = api_unit_id(a, rq->params[0]);
    const json_t *uv = json_object_get(in, "user");
    cerr e = CERR_INIT;
    int64_t user_id = 0;
    int rc = 0;
    if (!unit_id) {
        api_error(rs, 404, "not_found", NULL, "单位不存在 (no such unit)");
    } else if (!uv) {
        api_error(rs, 422, "validation_failed", "user",
                  "user: 必填：用户名、用户编号或 null (required: a username, a user id or null)");
    } else if (!api_reach_unit(a, rq, unit_id, "unit", rs)) {
        actor who = api_actor(rq);
        rc = app_contact_set(a, &who, unit_id, uv, time_now(), &user_id, &e);
        if (rc == CERR_USER) {
            api_cerr(rs, &e);
        } else if (rc) {
            api_store_error(rs, rc);
        } else {
            api_audit_unit_change(a, rq, unit_id,
                                  json_pack("{s:s,s:I}", "change", "appeals_contact", "user", (json_int_t)user_id));
            api_json(rs, 200,
                     json_pack("{s:o,s:o}", "unit", api_unit_ref(a, unit_id), "appeals_contact",
                               user_id ? api_user_ref(a, user_id) : json_null()));
        }
    }
    json_decref(in);
}
