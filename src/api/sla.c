/*
 * sla: the time-limit resources — the working calendars (list, replace,
 * import .ics), the supervision orders (督办) a supervisor works through,
 * (the outbox's resources are api/outbox.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/calendar.h"
#include "app/supervise.h"
#include "api/api.h"
#include "core/roles.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- calendars ---------------------------------------------------------------- */

/* Administrators are warned this many days before a calendar's holidays run out. */
enum { CALENDAR_WARN_DAYS = 60 };

/*
 * How far the calendar called name reaches at now: "data_until" (31
 * December of its last year of holidays, or null when it needs none) and
 * "days_left"; when that is within CALENDAR_WARN_DAYS, also appended to
 * expiring as {"name", "data_until", "days_left"}.
 */
static void data_reach(app *a, const char *name, int64_t now, json_t *item, json_t *expiring)
{
    const calendar *cal = sla_calendar(&app_pol(a)->sla, name);
    int year;
    int64_t left;
    if (!cal || !calendar_data_year(cal, &year)) {
        json_object_set_new(item, "data_until", json_null());
        json_object_set_new(item, "days_left", json_null());
        return;
    }
    bool soon = calendar_data_expiring(cal, now, CALENDAR_WARN_DAYS, &year, &left);
    char until[16];
    snprintf(until, sizeof until, "%04d-12-31", year);
    json_object_set_new(item, "data_until", json_string(until));
    json_object_set_new(item, "days_left", json_integer(left));
    if (soon)
        json_array_append_new(expiring, json_pack("{s:s,s:s,s:I}", "name", name, "data_until", until, "days_left",
                                                  (json_int_t)left));
}

static json_t *calendars_json(app *a)
{
    const char *def;
    json_t *cals = app_calendars(a, &def);
    json_t *items = json_array(), *expiring = json_array();
    const char *name;
    json_t *doc;
    int64_t now = time_now();
    json_object_foreach(cals, name, doc)
    {
        json_t *item = json_pack("{s:s,s:b,s:O}", "name", name, "default", strcmp(name, def) == 0, "calendar", doc);
        data_reach(a, name, now, item, expiring);
        json_array_append_new(items, item);
    }
    json_t *j = json_pack("{s:s,s:o,s:o,s:i}", "default", def, "items", items, "expiring", expiring, "warn_days",
                          CALENDAR_WARN_DAYS);
    json_decref(cals);
    return j;
}

void h_calendars_list(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    api_json(rs, 200, calendars_json(a));
}

static void calendar_done(app *a, api_req *rq, http_resp *rs, const char *name, long replanned, json_t *extra)
{
    char subject[96];
    snprintf(subject, sizeof subject, "config:calendar:%.64s", name);
    json_t *detail = json_pack("{s:s,s:I}", "change", extra ? "calendar_import" : "calendar_put", "replanned",
                               (json_int_t)replanned);
    api_audit(a, rq, "config_change", subject, detail);
    json_decref(detail);
    json_t *cals = app_calendars(a, NULL);
    json_t *j = json_pack("{s:s,s:O,s:I}", "name", name, "calendar", json_object_get(cals, name), "replanned",
                          (json_int_t)replanned);
    if (extra)
        json_object_update(j, extra);
    json_decref(extra);
    json_decref(cals);
    api_json(rs, 200, j);
}

void h_calendar_put(app *a, api_req *rq, http_resp *rs)
{
    if (api_reach_unit(a, rq, 0, NULL, rs)) /* the calendars hold for the whole organisation */
        return;
    json_t *doc = api_body(rq, rs, NULL); /* a calendar document: the pack's check names any unknown key */
    if (!doc)
        return;
    long replanned = 0;
    cerr e = CERR_INIT;
    int rc = app_set_calendar(a, rq->params[0], doc, time_now(), &replanned, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        calendar_done(a, rq, rs, rq->params[0], replanned, NULL);
    json_decref(doc);
}

void h_calendar_ics(app *a, api_req *rq, http_resp *rs)
{
    if (api_reach_unit(a, rq, 0, NULL, rs))
        return;
    if (!rq->body.len) {
        api_error(rs, 400, "bad_request", NULL, "请求体应为 iCalendar 文本 (send the .ics file as the body)");
        return;
    }
    size_t imported = 0;
    long replanned = 0;
    cerr e = CERR_INIT;
    int rc = app_import_ics(a, rq->params[0], rq->body.data, rq->body.len, time_now(), &imported, &replanned, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        calendar_done(a, rq, rs, rq->params[0], replanned, json_pack("{s:I}", "imported", (json_int_t)imported));
}

/* ---- supervision orders ----------------------------------------------------------- */

/* The units whose supervisions the caller sees: all for an administrator,
 * else the caller's scope (a heap array, NULL for all). */
static int64_t *visible_units(app *a, const api_req *rq, size_t *n)
{
    *n = 0;
    if (rq->who.roles & R_ADMIN)
        return NULL;
    int64_t root = org_scope_root(app_org(a), rq->who.unit);
    int64_t *ids = org_subtree(app_org(a), root, n);
    if (!*n) {
        free(ids);
        ids = xcalloc(1, sizeof *ids); /* nothing visible: an impossible unit */
        *n = 1;
    }
    return ids;
}

static json_t *supervision_json(app *a, const supervision *v)
{
    complaint c;
    complaint_init(&c);
    json_t *cref = json_null();
    if (store_complaint_get(a->db, v->complaint_id, NULL, &c) == 0)
        cref = json_pack("{s:I,s:s,s:s,s:i}", "id", (json_int_t)c.id, "number", c.number, "status",
                         status_name(c.status), "level", c.level);
    complaint_release(&c);
    return json_pack("{s:I,s:o,s:I,s:s,s:i,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:s?}", "id", (json_int_t)v->id, "complaint",
                     cref, "event_seq", (json_int_t)v->event_seq, "clock", v->clock, "level", v->level, "unit",
                     api_unit_ref(a, v->unit), "supervisor", api_user_ref(a, v->supervisor_user), "deadline",
                     api_time(a, v->deadline), "created_at", api_time(a, v->created_at), "status", v->status,
                     "closed_at", api_time(a, v->closed_at), "closed_by", api_user_ref(a, v->closed_by), "note",
                     v->note);
}

void h_supervisions_list(app *a, api_req *rq, http_resp *rs)
{
    supervision_filter f = {.status = "open", .limit = 100};
    const char *v;
    if ((v = http_query(rq->http, "status")) && *v) {
        if (strcmp(v, "all") == 0)
            f.status = NULL;
        else if (strcmp(v, "open") == 0 || strcmp(v, "closed") == 0)
            f.status = v;
        else {
            api_error(rs, 400, "bad_request", "status", "status: expected open, closed or all");
            return;
        }
    }
    if ((v = http_query(rq->http, "limit")) && *v) {
        char *end;
        long n = strtol(v, &end, 10);
        if (*end || n < 1 || n > 500) {
            api_error(rs, 400, "bad_request", "limit", "limit: expected 1–500");
            return;
        }
        f.limit = (int)n;
    }
    complaint c;
    complaint_init(&c);
    if ((v = http_query(rq->http, "complaint")) && *v) {
        if (api_load_complaint(a, rq, v, &c, rs)) {
            complaint_release(&c);
            return;
        }
        f.complaint_id = c.id;
    }
    complaint_release(&c);
    int64_t *units = visible_units(a, rq, &f.n_units);
    f.units = units;
    supervision_list l = {0};
    int rc = store_supervision_list(a->db, &f, &l);
    free(units);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, supervision_json(a, &l.items[i]));
    supervision_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

void h_supervision_close(app *a, api_req *rq, http_resp *rs)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    if (*end || id <= 0) {
        api_error(rs, 404, "not_found", NULL, "督办单不存在 (no such supervision order)");
        return;
    }
    static const char *const known[] = {"note", NULL};
    json_t *in = rq->body.len ? api_body(rq, rs, known) : json_object();
    if (!in)
        return;
    const json_t *note = json_object_get(in, "note");
    if (note && !json_is_null(note) && (!json_is_string(note) || strlen(json_string_value(note)) > 5000)) {
        api_error(rs, 422, "validation_failed", "note",
                  "note: 应为不超过 5000 字的文本 (text of at most 5000 characters)");
        json_decref(in);
        return;
    }
    supervision_filter f = {.id = id, .limit = 1};
    int64_t *units = visible_units(a, rq, &f.n_units);
    f.units = units;
    supervision_list l = {0};
    int rc = store_supervision_list(a->db, &f, &l);
    free(units);
    if (rc == 0 && l.n == 0)
        api_error(rs, 404, "not_found", NULL, "督办单不存在 (no such supervision order)");
    else if (rc)
        api_store_error(rs, rc);
    else {
        cerr e = CERR_INIT;
        actor who = api_actor(rq);
        rc = app_supervision_close(a, &who, &l.items[0], json_string_value(note), time_now(), &e);
        if (rc == CERR_USER)
            api_cerr(rs, &e);
        else if (rc)
            api_store_error(rs, rc);
        else {
            supervision_list_release(&l);
            store_supervision_list(a->db, &(supervision_filter){.id = id, .limit = 1}, &l);
            api_json(rs, 200, l.n ? supervision_json(a, &l.items[0]) : json_object());
        }
    }
    supervision_list_release(&l);
    json_decref(in);
}
