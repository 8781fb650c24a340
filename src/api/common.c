/* common: error rendering, body parsing and the JSON shapes shared by resources. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "sec/ratelimit.h"
#include "app/inapp.h"
#include "app/pii.h"
#include "core/erasure.h"
#include "core/notify.h"
#include "core/roles.h"
#include "util/jsonw.h"
#include "util/xalloc.h"
#include "util/timeutil.h"
#include "util/utf8.h"

void api_json(http_resp *rs, int status, json_t *j)
{
    rs->status = status;
    rs->content_type = "application/json; charset=utf-8";
    buf_clear(&rs->body);
    jsonw_append(&rs->body, j, false);
    json_decref(j);
}

void api_error(http_resp *rs, int status, const char *code, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages quote what the client sent (a JSON parser's "near '…'", a
     * name from the URL) and may be cut mid-character: JSON needs UTF-8. */
    utf8_scrub(msg);
    json_t *err = json_pack("{s:s,s:s}", "code", code, "message", msg);
    if (field && *field) {
        char f[128];
        snprintf(f, sizeof f, "%s", field);
        utf8_scrub(f);
        json_object_set_new(err, "field", json_string(f));
    }
    api_json(rs, status, json_pack("{s:o}", "error", err));
}

static int status_of(const char *code)
{
    static const struct {
        const char *code;
        int status;
    } map[] = {
        {"bad_json", 400},          {"bad_request", 400},        {CERR_UNKNOWN_FIELD, 400},        {"unauthenticated", 401},
        {"forbidden", 403},         {"not_found", 404},          {"version_conflict", 409},
        {"action_not_allowed", 409}, {"conflict", 409},          {"gone", 410},
        {"body_too_large", 413},    {"file_too_large", 413},     {"unsupported_type", 415},
        {"attachments_limit", 422},
        {"validation_failed", 422}, {"unknown_unit", 422},       {"unknown_category", 422},
        {"invalid_pack", 422},      {"rate_limited", 429},       {"unavailable", 503},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].code, code) == 0)
            return map[i].status;
    return 400;
}

void api_cerr(http_resp *rs, const cerr *e)
{
    api_error(rs, status_of(e->code), e->code, e->field, "%s", e->message);
}

bool api_limited(const api_req *rq, http_resp *rs, const char *bucket, int per, int window_s, const char *message)
{
    if (ratelimit_hit(bucket, rq->client, per, window_s, time_now()))
        return false;
    char after[16];
    snprintf(after, sizeof after, "%d", window_s);
    http_set_header(rs, "Retry-After", after);
    api_error(rs, 429, "rate_limited", NULL, "%s", message);
    return true;
}

int api_failed(http_resp *rs, int rc, const cerr *e)
{
    if (rc == CERR_USER)
        api_cerr(rs, e);
    else if (rc)
        api_store_error(rs, rc);
    return rc;
}

void api_store_error(http_resp *rs, int rc)
{
    if (rc == STORE_UNAVAILABLE)
        api_error(rs, 503, "unavailable", NULL, "数据库暂时无法写入，请稍后重试 (the store is unavailable; retry)");
    else if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "不存在 (not found)");
    else if (rc == STORE_CONFLICT)
        api_error(rs, 409, "conflict", NULL, "已存在 (already exists)");
    else
        api_error(rs, 500, "internal", NULL, "服务器内部错误 (internal error)");
}

int api_members(const json_t *obj, const char *prefix, const char *const *known, http_resp *rs)
{
    cerr e = CERR_INIT;
    if (cerr_members(&e, obj, prefix, known) == 0)
        return 0;
    api_cerr(rs, &e);
    return -1;
}

json_t *api_body(api_req *rq, http_resp *rs, const char *const *known)
{
    json_error_t jerr;
    json_t *j = json_loadb(rq->body.data, rq->body.len, JSON_REJECT_DUPLICATES, &jerr);
    if (!j) {
        api_error(rs, 400, "bad_json", NULL, "请求体不是合法的 JSON (line %d: %s)", jerr.line, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        api_error(rs, 400, "bad_json", NULL, "请求体应为 JSON 对象 (the body must be a JSON object)");
        return NULL;
    }
    if (known && api_members(j, NULL, known, rs)) {
        json_decref(j);
        return NULL;
    }
    return j;
}

actor api_actor(const api_req *rq)
{
    actor who = {rq->who.id, rq->who.roles, rq->who.unit};
    return who;
}

reach_caller api_reach_caller(const api_req *rq)
{
    reach_caller by = {rq->who.roles, rq->who.unit, rq->tok.kind == 't'};
    return by;
}

bool api_reaches(app *a, const api_req *rq, int64_t unit_id)
{
    reach_caller by = api_reach_caller(rq);
    cerr e = CERR_INIT;
    return unit_id > 0 && reach_unit(app_org(a), &by, unit_id, NULL, &e) == 0;
}

int api_reach_refused(app *a, api_req *rq, const cerr *e, int64_t unit_id, http_resp *rs)
{
    if (strcmp(e->code, "forbidden") == 0) {
        const unit *u = unit_id > 0 ? org_find(app_org(a), unit_id) : NULL;
        json_t *why = json_pack("{s:s,s:s*,s:s*}", "reason", "reach", "field", *e->field ? e->field : NULL, "unit",
                                u ? u->code : NULL);
        int64_t units[2] = {rq->who.unit, unit_id};
        api_audit_denied(a, rq, NULL, why, units, u ? 2 : 1);
        json_decref(why);
    }
    api_cerr(rs, e);
    return -1;
}

int api_reach_unit(app *a, api_req *rq, int64_t unit_id, const char *field, http_resp *rs)
{
    reach_caller by = api_reach_caller(rq);
    cerr e = CERR_INIT;
    if (reach_unit(app_org(a), &by, unit_id, field, &e) == 0)
        return 0;
    return api_reach_refused(a, rq, &e, unit_id, rs);
}

int api_roles(const json_t *roles, unsigned *out, http_resp *rs)
{
    *out = 0;
    if (!json_is_array(roles) || json_array_size(roles) == 0) {
        api_error(rs, 422, "validation_failed", "roles", "roles: 应为非空的角色列表 (a non-empty list of roles)");
        return -1;
    }
    size_t i;
    const json_t *r;
    json_array_foreach(roles, i, r)
    {
        unsigned bit = json_is_string(r) ? role_parse(json_string_value(r)) : 0;
        if (!bit) {
            api_error(rs, 422, "validation_failed", "roles", "roles[%zu]: 未知角色 (unknown role)", i);
            return -1;
        }
        *out |= bit;
    }
    return 0;
}

json_t *api_time(const app *a, int64_t t)
{
    if (!t)
        return json_null();
    char s[40];
    time_format(t, app_pol(a)->tz_offset, s, sizeof s);
    return json_string(s);
}

json_t *api_roles_json(unsigned roles)
{
    json_t *j = json_array();
    for (unsigned bit = 1; bit <= R_ADMIN; bit <<= 1)
        if (roles & bit)
            json_array_append_new(j, json_string(role_name(bit)));
    return j;
}

json_t *api_user_json(app *a, const user *u)
{
    json_t *roles = api_roles_json(u->roles);
    json_t *j = json_pack("{s:I,s:s,s:s,s:o,s:o,s:b,s:b}", "id", (json_int_t)u->id, "username", u->username, "name",
                          u->name, "roles", roles, "unit", api_unit_ref(a, u->unit), "active", u->active,
                          "must_change_password", u->must_change_password);
    /* What the UI offers: "pii" = may ask to see customer data in clear (app/pii.h). */
    actor who = {u->id, u->roles, u->unit};
    json_object_set_new(j, "permissions", json_pack("{s:b}", "pii", app_pii_may_unmask(a, &who)));
    json_t *notify = json_array();
    for (int i = 0; notify_channel_name(i); i++)
        if (u->notify & (1u << i))
            json_array_append_new(notify, json_string(notify_channel_name(i)));
    json_object_set_new(j, "email", u->email ? json_string(u->email) : json_null());
    json_object_set_new(j, "phone", u->phone ? json_string(u->phone) : json_null());
    json_object_set_new(j, "notify", notify);
    return j;
}

static json_t *category_ref(app *a, const char *code, bool en)
{
    int i = policy_category_index(app_pol(a), code);
    if (i < 0)
        return json_pack("{s:s,s:s,s:[]}", "code", code, "name", code, "path");
    json_t *path = json_array();
    for (int k = i, steps = 0; k >= 0 && steps < 16; k = app_pol(a)->tax.cats[k].parent, steps++) {
        const category *c = &app_pol(a)->tax.cats[k];
        json_array_insert_new(path, 0, json_string(en && c->name_en ? c->name_en : c->name));
    }
    const category *c = &app_pol(a)->tax.cats[i];
    json_t *j = json_object();
    json_object_set_new(j, "code", json_string(c->code));
    json_object_set_new(j, "name", json_string(c->name));
    json_object_set_new(j, "name_en", c->name_en ? json_string(c->name_en) : json_null());
    json_object_set_new(j, "path", path);
    return j;
}

/* Converts stored instants inside a data block ("at", "occurred_at") to text. */
static json_t *render_block(app *a, json_t *block, bool with_by)
{
    if (!json_is_object(block))
        return json_null();
    json_t *o = jsonw_copy(block);
    static const char *times[] = {"at", "replied_at", "occurred_at", "confirmed_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        json_t *v = json_object_get(o, times[i]);
        if (json_is_integer(v))
            json_object_set_new(o, times[i], api_time(a, json_integer_value(v)));
    }
    if (with_by && json_is_integer(json_object_get(o, "by")))
        json_object_set_new(o, "by", api_user_ref(a, json_integer_value(json_object_get(o, "by"))));
    static const char *units[] = {"unit", "responsible_unit"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        json_t *v = json_object_get(o, units[i]);
        if (json_is_integer(v))
            json_object_set_new(o, units[i], api_unit_ref(a, json_integer_value(v)));
    }
    json_t *fen = json_object_get(o, "compensation_fen");
    if (json_is_integer(fen)) {
        json_object_set_new(o, "compensation", json_real((double)json_integer_value(fen) / 100.0));
        json_object_del(o, "compensation_fen");
    }
    return o;
}

/* Each of an array of blocks rendered (a new array; [] when arr is none). */
static json_t *render_blocks(app *a, const json_t *arr)
{
    json_t *out = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(arr, i, b)
        json_array_append_new(out, render_block(a, b, true));
    return out;
}

/*
 * A pending matter (core/cases.h closing.pending; 003 未了事宜): its status,
 * reason and date in every list — the ledger (未了事宜台帐) is the list
 * filtered by it; on the page also who recorded and agreed to it, what
 * remains, the contacts with the customer and the settling.
 */
static json_t *render_pending(app *a, const json_t *m, bool full, bool en)
{
    if (!json_is_object(m))
        return json_null();
    const cases_policy *cp = &app_pol(a)->cases;
    const char *reason = json_string_value(json_object_get(m, "reason"));
    const cases_choice *r = cases_choice_find(cp->pend_reasons, cp->npend_reasons, reason);
    json_t *o =
        full ? render_block(a, (json_t *)m, true)
             : json_pack("{s:O?,s:O?}", "status", json_object_get(m, "status"), "reason", json_object_get(m, "reason"));
    const char *name = r ? (en && r->name_en ? r->name_en : r->name) : reason;
    json_object_set_new(o, "reason_name", json_string(name ? name : ""));
    static const char *times[] = {"since", "settled_at", "promised_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        if (json_is_integer(json_object_get(m, times[i])))
            json_object_set_new(o, times[i], api_time(a, json_integer_value(json_object_get(m, times[i]))));
    if (!full)
        return o;
    static const char *people[] = {"settled_by", "approved_by"};
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
        if (json_is_integer(json_object_get(m, people[i])))
            json_object_set_new(o, people[i], api_user_ref(a, json_integer_value(json_object_get(m, people[i]))));
    json_object_set_new(o, "contacts", render_blocks(a, json_object_get(m, "contacts")));
    return o;
}

/* Amounts kept in fen ("amount_fen") are shown in yuan ("amount"). */
static json_t *yuan_keys(json_t *o)
{
    const char *k;
    json_t *v;
    void *tmp;
    json_t *add = json_object();
    json_object_foreach_safe(o, tmp, k, v)
    {
        size_t n = strlen(k);
        if (n > 4 && strcmp(k + n - 4, "_fen") == 0 && json_is_integer(v)) {
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)(n - 4), k);
            json_object_set_new(add, key, json_real((double)json_integer_value(v) / 100.0));
            json_object_del(o, k);
        }
    }
    json_object_update(o, add);
    json_decref(add);
    return o;
}

/* Compensations or penalty entries of a complaint, rendered. */
static json_t *render_list(app *a, const json_t *list)
{
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        json_t *o = yuan_keys(render_block(a, it, true));
        static const char *times[] = {"decided_at", "waived_at"};
        for (size_t k = 0; k < 2; k++)
            if (json_is_integer(json_object_get(o, times[k])))
                json_object_set_new(o, times[k], api_time(a, json_integer_value(json_object_get(o, times[k]))));
        static const char *users[] = {"decided_by", "waived_by"};
        for (size_t k = 0; k < 2; k++)
            if (json_is_integer(json_object_get(o, users[k])))
                json_object_set_new(o, users[k], api_user_ref(a, json_integer_value(json_object_get(o, users[k]))));
        if (json_is_integer(json_object_get(o, "approver_unit")))
            json_object_set_new(o, "approver_unit",
                                api_unit_ref(a, json_integer_value(json_object_get(o, "approver_unit"))));
        json_array_append_new(out, o);
    }
    return out;
}

json_t *api_clocks_json(app *a, const json_t *clocks, int64_t now)
{
    json_t *arr = json_array();
    /* In the order of the stages, the overall promise and the progress reply last. */
    for (int k = 0; k < SLA__COUNT; k++) {
        const char *name = sla_clock_name(k);
        const json_t *ck = json_object_get(clocks, name);
        if (!json_is_object(ck))
            continue;
        bool open = sla_open(ck);
        /* Built member by member: json_pack parses its format on every call,
         * and this runs for every clock of every complaint shown. */
        const json_t *lim = json_object_get(ck, "limit"), *until = json_object_get(lim, "until");
        json_t *limit;
        if (json_is_integer(until)) {
            limit = jsonw_copy(lim);
            json_object_set_new(limit, "until", api_time(a, json_integer_value(until)));
        } else {
            limit = lim ? json_incref((json_t *)lim) : json_null(); /* the reply only reads it */
        }
        json_t *j = json_object();
        json_object_set_new(j, "name", json_string(name));
        json_t *state = json_object_get(ck, "state");
        json_object_set_new(j, "state", state ? json_incref(state) : json_null());
        static const char *const instants[] = {"started_at", "deadline", "warning_at", "ended_at"};
        for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++)
            json_object_set_new(j, instants[i], api_time(a, json_integer_value(json_object_get(ck, instants[i]))));
        json_t *cal = json_object_get(ck, "calendar");
        json_object_set_new(j, "calendar", cal ? json_incref(cal) : json_null());
        json_object_set_new(j, "limit", limit);
        json_object_set_new(j, "remaining_minutes",
                            open ? json_integer(sla_remaining_minutes(&app_pol(a)->sla, ck, now)) : json_null());
        json_object_set_new(j, "paused_at", api_time(a, json_integer_value(json_object_get(ck, "paused_at"))));
        json_object_set_new(j, "warned", json_boolean(json_is_true(json_object_get(ck, "warned"))));
        json_object_set(j, "supervision_level", json_object_get(ck, "level"));
        json_object_set(j, "extensions", json_object_get(ck, "extensions"));
        json_array_append_new(arr, j);
    }
    return arr;
}

json_t *api_complaint_json(app *a, const complaint *c, bool full, bool en, int64_t now)
{
    json_t *d = c->data;
    bool overdue = status_open(c->status) && c->stage_due && c->stage_due < now;
    bool warning = status_open(c->status) && c->warn_at && c->warn_at <= now;
    /* Member by member (json_pack parses its format on every call): this
     * runs for every complaint of every list page and reply. */
    json_t *j = json_object();
    json_object_set_new(j, "id", json_integer(c->id));
    json_object_set_new(j, "number", json_string(c->number));
    json_object_set_new(j, "status", json_string(status_name(c->status)));
    json_object_set_new(j, "status_label", json_string(status_label(c->status, en)));
    json_object_set_new(j, "stage", json_string(stage_name(stage_of(c->status))));
    json_object_set_new(j, "level", json_integer(c->level));
    json_object_set_new(j, "nature", *c->nature ? json_string(c->nature) : json_null());
    json_object_set_new(j, "channel", json_string(c->channel));
    json_object_set_new(j, "first_contact", json_boolean(c->first_contact));
    json_object_set_new(j, "received_at", api_time(a, c->received_at));
    json_object_set_new(j, "created_at", api_time(a, c->created_at));
    json_object_set_new(j, "updated_at", api_time(a, c->updated_at));
    json_object_set_new(j, "closed_at", api_time(a, c->closed_at));
    json_t *cust = jsonw_copy(json_object_get(d, "customer"));
    if (json_is_object(cust) && !json_object_get(cust, "email"))
        json_object_set_new(cust, "email", json_null());
    json_object_set_new(j, "customer", cust ? cust : json_null());
    json_object_set_new(j, "subject_unit", api_unit_ref(a, c->subject_unit));
    json_t *staff = json_object_get(d, "subject_staff");
    json_object_set_new(j, "subject_staff", staff ? json_incref(staff) : json_null());
    json_object_set_new(j, "category", category_ref(a, c->category, en));
    json_object_set_new(j, "owner_unit", api_unit_ref(a, c->owner_unit));
    json_t *deadlines = json_object();
    json_object_set_new(deadlines, "stage", api_time(a, c->stage_due));
    json_object_set_new(deadlines, "overall", api_time(a, c->overall_due));
    json_object_set_new(j, "deadlines", deadlines);
    json_object_set_new(j, "overdue", json_boolean(overdue));
    /* The time limit promised to the customer (intake's promised_at). */
    json_object_set_new(j, "promised_at", api_time(a, c->overall_due));
    json_object_set_new(j, "warning", json_boolean(warning));
    json_object_set_new(j, "waiting", json_boolean(json_object_get(d, "waiting") != NULL));
    /* Recorded as unresolvable (core/cases.h): when, in every list; by whom and why on the page. */
    const json_t *unres = json_object_get(d, "unresolvable");
    json_object_set_new(j, "unresolvable",
                        full || !json_is_object(unres)
                            ? render_block(a, (json_t *)unres, true)
                            : json_pack("{s:o}", "at", api_time(a, json_integer_value(json_object_get(unres, "at")))));
    json_object_set_new(j, "pending_matter", render_pending(a, json_object_get(d, "pending_matter"), full, en));
    json_object_set_new(j, "version", json_integer(c->version));
    /* Appeals (申诉) and the pack's kinds (咨询, 报修 …) are marked in every list. */
    json_object_set_new(j, "kind", json_string(cases_kind(c)));
    json_object_set_new(j, "kind_name", json_string(taxonomy_kind_name(&app_pol(a)->tax, cases_kind(c), en)));
    const char *src = json_string_value(json_object_get(d, "appeal_source"));
    const cases_choice *ch = cases_choice_find(app_pol(a)->cases.sources, app_pol(a)->cases.nsources, src);
    json_object_set_new(j, "appeal_source",
                        !src ? json_null()
                             : json_pack("{s:s,s:s}", "code", src, "name",
                                         ch ? (en && ch->name_en ? ch->name_en : ch->name) : src));
    const char *prio = json_string_value(json_object_get(d, "priority"));
    json_object_set_new(j, "priority", json_string(prio ? prio : "normal"));
    json_t *assignee = json_object_get(d, "assignee");
    json_object_set_new(j, "assignee", json_is_integer(assignee) ? api_user_ref(a, json_integer_value(assignee)) : json_null());
    /* The known fault it is about (系统公告, api/announcements.c), in every list too. */
    json_int_t ann = json_integer_value(json_object_get(d, "announcement"));
    json_object_set_new(j, "announcement", ann ? json_integer(ann) : json_null());
    /* Where another system sent it from: its own number for it and the partner (docs/api.md "Partner systems"). */
    static const char *const origin[] = {"external_ref", "partner"};
    for (size_t k = 0; k < 2; k++) {
        const char *v = json_string_value(json_object_get(d, origin[k]));
        json_object_set_new(j, origin[k], v ? json_string(v) : json_null());
    }
    /* The unit the routing rules suggest (the board's dispatch starts from it). */
    const json_t *ru = json_object_get(d, "route_unit");
    json_object_set_new(j, "route_unit", json_is_integer(ru) ? api_unit_ref(a, json_integer_value(ru)) : json_null());
    if (!full)
        return j;
    api_rules_json(a, c, j);
    json_t *comps = render_list(a, json_object_get(d, "compensations"));
    size_t ci;
    json_t *cv;
    json_array_foreach(comps, ci, cv)
    {
        const char *kind = json_string_value(json_object_get(cv, "kind"));
        const cases_choice *k = cases_choice_find(app_pol(a)->cases.kinds, app_pol(a)->cases.nkinds, kind);
        json_object_set_new(cv, "kind_label", json_string(k ? (en && k->name_en ? k->name_en : k->name) : kind ? kind : ""));
    }
    json_object_set_new(j, "compensations", comps);
    json_object_set_new(j, "penalties", render_list(a, json_object_get(d, "penalties")));
    json_object_set_new(j, "corrections", render_list(a, json_object_get(d, "corrections")));
    json_object_set_new(j, "clocks", api_clocks_json(a, json_object_get(d, "clocks"), now));
    json_object_set_new(j, "scope", json_string(json_string_value(json_object_get(d, "scope")) ? json_string_value(json_object_get(d, "scope")) : "general"));
    json_object_set_new(j, "wait", render_block(a, json_object_get(d, "waiting"), true));
    json_t *ext = render_block(a, json_object_get(d, "extension"), true);
    if (json_is_object(ext)) {
        static const char *xt[] = {"deadline", "old_deadline", "decided_at"};
        for (size_t k = 0; k < 3; k++) {
            json_t *v = json_object_get(ext, xt[k]);
            if (json_is_integer(v))
                json_object_set_new(ext, xt[k], api_time(a, json_integer_value(v)));
        }
        if (json_is_integer(json_object_get(ext, "decided_by")))
            json_object_set_new(ext, "decided_by", api_user_ref(a, json_integer_value(json_object_get(ext, "decided_by"))));
    }
    json_object_set_new(j, "extension", ext);
    json_object_set_new(j, "progress_replies", render_blocks(a, json_object_get(d, "progress_replies")));
    json_object_set_new(j, "acknowledgement", render_block(a, json_object_get(d, "acknowledgement"), true));
    json_object_set_new(j, "solution_proposal", render_block(a, json_object_get(d, "solution_proposal"), true));
    json_object_set_new(j, "handover", render_block(a, json_object_get(d, "handover"), true));
    /* 客户确认 (core/cases.h closing.confirmation): what the pack asks of this complaint, and each answer so far */
    unsigned need = cases_confirmations_needed(&app_pol(a)->cases, &app_pol(a)->tax, c);
    json_t *conf = json_pack("{s:[]}", "needed");
    for (unsigned w = CONFIRM_RECORD; w <= CONFIRM_RESULT; w <<= 1) {
        if (need & w)
            json_array_append_new(json_object_get(conf, "needed"), json_string(cases_confirmation_name(w)));
        json_object_set_new(conf, cases_confirmation_name(w),
                            render_block(a, json_object_get(json_object_get(d, "confirmations"), cases_confirmation_name(w)), true));
    }
    json_object_set_new(j, "confirmations", conf);
    /* A cooperating partner's on-site service (SI): the need confirmed, and each visit. */
    json_object_set_new(j, "onsite_request", render_block(a, json_object_get(d, "onsite_request"), true));
    json_object_set_new(j, "onsite_visits", render_list(a, json_object_get(d, "onsite_visits")));
    /* 复核 (core/review.h): pending, approved or returned, under the pack's name of the step. */
    json_t *rv = render_block(a, json_object_get(d, "review"), true);
    if (json_is_object(rv)) {
        const review_policy *rp = &app_pol(a)->review;
        const char *name = en ? rp->name_en : rp->name;
        json_object_set_new(rv, "name", json_string(name ? name : en ? "Review" : "复核"));
        json_t *since = json_object_get(rv, "since");
        if (json_is_integer(since))
            json_object_set_new(rv, "since", api_time(a, json_integer_value(since)));
    }
    json_object_set_new(j, "review", rv);
    json_object_set_new(j, "warnings", json_integer(json_integer_value(json_object_get(d, "warnings"))));
    json_object_set_new(j, "supervisions", json_integer(json_integer_value(json_object_get(d, "supervisions"))));
    json_t *occ = json_object_get(d, "occurred_at");
    json_object_set_new(j, "occurred_at", json_is_integer(occ) ? api_time(a, json_integer_value(occ)) : json_null());
    static const char *texts[] = {"place", "description", "demand", "evidence"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_t *v = json_object_get(d, texts[i]);
        json_object_set_new(j, texts[i], v ? json_incref(v) : json_null());
    }
    json_object_set_new(j, "confirmed", json_boolean(json_is_true(json_object_get(d, "confirmed"))));
    json_object_set_new(j, "complex", json_boolean(json_is_true(json_object_get(d, "complex"))));
    json_object_set_new(j, "anonymised", json_boolean(erasure_done(c))); /* core/erasure.h */
    json_t *assists = json_array();
    size_t i;
    json_t *as;
    json_array_foreach(json_object_get(d, "assists"), i, as) json_array_append_new(assists, render_block(a, as, true));
    json_object_set_new(j, "assists", assists);
    static const char *blocks[] = {"answer",  "dispatch", "resolution", "invalid",     "reply",
                                   "revisit", "reopen",   "closing",    "fault_answer"};
    for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++) {
        json_t *b = render_block(a, json_object_get(d, blocks[k]), true);
        json_object_set_new(j, blocks[k], json_is_object(b) ? yuan_keys(b) : b);
    }
    /* An unresolvable case's closing: who agreed, who recorded it and when (core/cases.h). */
    json_t *cl = json_object_get(j, "closing"), *ur = json_object_get(cl, "unresolvable");
    if (json_is_integer(json_object_get(cl, "approved_by")))
        json_object_set_new(cl, "approved_by", api_user_ref(a, json_integer_value(json_object_get(cl, "approved_by"))));
    if (json_is_object(ur)) {
        json_object_set_new(ur, "marked_at", api_time(a, json_integer_value(json_object_get(ur, "marked_at"))));
        json_object_set_new(ur, "marked_by", api_user_ref(a, json_integer_value(json_object_get(ur, "marked_by"))));
    }
    json_object_set_new(j, "handler_unit", api_unit_ref(a, c->handler_unit));
    json_object_set_new(j, "created_by", api_user_ref(a, c->created_by));
    static const char *counts[] = {"transfers", "escalations", "reopens", "revisit_attempts", "review_returns"};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++)
        json_object_set_new(j, counts[k], json_integer(json_integer_value(json_object_get(d, counts[k]))));
    return j;
}

json_t *api_complaint_page(app *a, api_req *rq, const complaint_filter *f, http_resp *rs)
{
    complaint_page page = {0};
    int rc = store_complaint_list(a->db, f, &page);
    if (rc == 0)
        rc = app_pii_view(a, page.items, page.n, false);
    if (rc) {
        api_store_error(rs, rc);
        complaint_page_release(&page);
        return NULL;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(items, api_complaint_json(a, &page.items[i], f->full, rq->en, f->now));
    json_t *next = json_null();
    if (page.more && page.n) {
        const complaint *last = &page.items[page.n - 1];
        char cur[64];
        listq_cursor_next(f, last, cur, sizeof cur);
        next = json_string(cur);
    }
    complaint_page_release(&page);
    return json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
}

void api_send_sheet(app *a, const api_req *rq, http_resp *rs, sheet *sh, sheet_format fmt, int rc, const char *action,
                    const char *subject, json_t *detail, const char *name)
{
    buf file;
    buf_init(&file);
    if (rc == 0 && sheet_close(sh, &file))
        rc = STORE_ERROR;
    else if (rc)
        sheet_close(sh, &file);
    if (rc == 0 && api_audit(a, rq, action, subject, detail))
        rc = STORE_UNAVAILABLE; /* nothing leaves unrecorded */
    json_decref(detail);
    if (rc) {
        api_store_error(rs, rc);
        buf_release(&file);
        return;
    }
    buf_clear(&rs->body);
    buf_append(&rs->body, file.data, file.len);
    buf_release(&file);
    rs->status = 200;
    rs->content_type = sheet_mime(fmt);
    char disp[128];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", name, sheet_ext(fmt));
    http_set_header(rs, "Content-Disposition", disp);
}

int api_query_known(api_req *rq, http_resp *rs, bool (*known)(const char *name))
{
    const char *unknown = http_query_unknown(rq->http, known);
    if (!unknown)
        return 0;
    char name[48];
    snprintf(name, sizeof name, "%s", unknown);
    utf8_scrub(name);
    api_error(rs, 400, "bad_request", name, "%s: 未知参数 (unknown query parameter)", name);
    return -1;
}

bool api_may_see(app *a, const api_req *rq, const complaint *c)
{
    /* A partner system sees the complaints it sent, nothing else. */
    if (rq->tok.kind == 't' && rq->tok.partner[0]) {
        const char *from = json_string_value(json_object_get(c->data, "partner"));
        if (!from || strcmp(from, rq->tok.partner) != 0)
            return false;
    }
    return app_sees(app_org(a), rq->who.unit, c);
}

int api_hidden(app *a, api_req *rq, const int64_t *units, size_t n)
{
    json_t *why = json_pack("{s:s}", "reason", "scope");
    api_audit_denied(a, rq, NULL, why, units, n);
    json_decref(why);
    return STORE_NOTFOUND;
}

int api_load_complaint(app *a, api_req *rq, const char *key, complaint *out, http_resp *rs)
{
    int rc = store_complaint_find(a->db, key, out);
    if (rc == 0 && !api_may_see(a, rq, out)) {
        int64_t units[3] = {out->owner_unit, out->subject_unit, out->handler_unit};
        rc = api_hidden(a, rq, units, out->handler_unit ? 3 : 2);
    }
    if (rc == STORE_NOTFOUND) {
        api_error(rs, 404, "not_found", NULL, "工单不存在 (no such complaint)");
        return -1;
    }
    if (rc) {
        api_store_error(rs, rc);
        return -1;
    }
    return 0;
}

/* ---- what a customer, or the system that sent the complaint, is shown ---- */

/* What a customer is told about each step; internal steps are not shown. */
static const char *public_label(const char *action, bool en)
{
    static const struct {
        const char *action, *zh, *en;
    } labels[] = {
        {"intake", "已受理您的投诉", "Your complaint was received"},
        {"dispatch", "已转交责任单位处理", "Passed to the responsible unit"},
        {"accept", "责任单位正在处理", "The responsible unit is working on it"},
        {"resolve", "已处理完毕，等待答复", "Handled; a reply is coming"},
        {"invalidate", "已核实，等待答复", "Checked; a reply is coming"},
        {"reply", "已答复您", "We replied to you"},
        {"revisit", "已回访", "We followed up"},
        {"reopen", "已重新处理", "Reopened for further handling"},
        {"answer", "已当场答复并办结", "Answered and closed"},
        {"close", "已办结", "Closed"},
        {"close_unaccepted", "已办结（已向您说明公司立场）", "Closed (our position was explained to you)"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].action, action) == 0)
            return en ? labels[i].en : labels[i].zh;
    return NULL;
}

json_t *api_public_complaint(app *a, const complaint *c, const event_list *evs, bool en)
{
    json_t *progress = json_array();
    for (size_t i = 0; i < evs->n; i++) {
        const char *label = public_label(evs->items[i].action, en);
        if (label)
            json_array_append_new(progress, json_pack("{s:o,s:s}", "at", api_time(a, evs->items[i].at), "label", label));
    }
    json_t *reply = json_null();
    json_t *r = json_object_get(c->data, "reply");
    if (!r)
        r = json_object_get(c->data, "answer");
    if (json_is_object(r)) {
        json_t *content = json_object_get(r, "content");
        if (!content)
            content = json_object_get(r, "answer");
        reply = json_pack("{s:o,s:O?}", "at", api_time(a, json_integer_value(json_object_get(r, "at"))), "content",
                          content);
    }
    int ci = policy_category_index(app_pol(a), c->category);
    const category *cat = ci >= 0 ? &app_pol(a)->tax.cats[ci] : NULL;
    return json_pack("{s:s,s:s,s:s,s:o,s:{s:s,s:s},s:o,s:o,s:o}", "number", c->number, "status",
                     status_name(c->status), "status_label", status_label(c->status, en), "received_at",
                     api_time(a, c->received_at), "category", "code", c->category, "name",
                     cat ? (en && cat->name_en ? cat->name_en : cat->name) : c->category, "promised_at",
                     api_time(a, c->overall_due), "progress", progress, "reply", reply);
}
