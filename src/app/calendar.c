/* calendar: see calendar.h. */
#include "app/calendar.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/act.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"


/* ---- calendars and time limits ------------------------------------------------ */

json_t *app_calendars(app *a, const char **default_name)
{
    app_enter(a);
    if (default_name)
        *default_name = app_pol(a)->sla.default_calendar;
    json_t *docs = json_deep_copy(app_pol(a)->sla.cal_docs); /* never share the pack's values: app.h */
    app_leave(a);
    return docs;
}

/* Calendar changes are rare administrative steps: one at a time. */
static pthread_mutex_t calendar_mu = PTHREAD_MUTEX_INITIALIZER;

static int set_calendar_locked(app *a, const char *name, const json_t *doc, int64_t now, long *replanned, cerr *e);

int app_set_calendar(app *a, const char *name, const json_t *doc, int64_t now, long *replanned, cerr *e)
{
    pthread_mutex_lock(&calendar_mu);
    app_enter(a);
    int rc = set_calendar_locked(a, name, doc, now, replanned, e);
    app_leave(a);
    pthread_mutex_unlock(&calendar_mu);
    return rc;
}

static int set_calendar_locked(app *a, const char *name, const json_t *doc, int64_t now, long *replanned, cerr *e)
{
    *replanned = 0;
    if (!*name || strlen(name) >= SLA_NAME_MAX)
        return cerr_set(e, "validation_failed", "name", "name: 1–%d 个字符 (1–%d characters)", SLA_NAME_MAX - 1,
                        SLA_NAME_MAX - 1);
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return cerr_set(e, "validation_failed", "name",
                            "name: 只能包含小写字母、数字、- 和 _ (lower-case letters, digits, - and _ only)");
    json_t *pack = json_deep_copy(app_pol(a)->raw);
    json_t *cals = json_object_get(pack, "calendars");
    if (!json_is_object(cals)) {
        cals = json_deep_copy(app_pol(a)->sla.cal_docs);
        json_object_set_new(pack, "calendars", cals);
    }
    json_object_set_new(cals, name, jsonw_copy(doc));
    int rc = app_set_pack(a, pack, e);
    json_decref(pack);
    if (rc)
        return rc;
    return app_replan(a, name, now, replanned);
}

/* "YYYY-MM-DD" of a day number into out, appended to arr unless present. */
static void add_day(json_t *arr, int32_t day)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    char s[16];
    snprintf(s, sizeof s, "%04lld-%02u-%02u", (long long)y, m, d);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return;
    }
    json_array_append_new(arr, json_string(s));
}

int app_import_ics(app *a, const char *name, const char *text, size_t len, int64_t now, size_t *imported,
                   long *replanned, cerr *e)
{
    *imported = 0;
    *replanned = 0;
    app_snap *s = app_acquire(a);
    json_t *old = json_deep_copy(json_object_get(s->pol.sla.cal_docs, name));
    app_snap_release(s);
    if (!old)
        return cerr_set(e, "not_found", "calendar", "没有名为 %s 的日历 (no calendar called \"%s\")", name, name);
    calendar tmp;
    calendar_init(&tmp);
    calendar_error err;
    if (calendar_import_ics(&tmp, text, len, imported, &err) != CALENDAR_OK) {
        calendar_release(&tmp);
        json_decref(old);
        return cerr_set(e, "validation_failed", err.path, "%s: %s", err.path, err.message);
    }
    json_t *doc = old;
    static const char *keys[] = {"holidays", "workdays"};
    const calendar_days *sets[] = {&tmp.holidays, &tmp.workdays};
    for (int k = 0; k < 2; k++) {
        json_t *arr = json_object_get(doc, keys[k]);
        if (!json_is_array(arr)) {
            arr = json_array();
            json_object_set_new(doc, keys[k], arr);
        }
        for (size_t i = 0; i < sets[k]->len; i++)
            add_day(arr, sets[k]->day[i]);
    }
    calendar_release(&tmp);
    int rc = app_set_calendar(a, name, doc, now, replanned, e);
    json_decref(doc);
    return rc;
}

enum { REPLAN_BATCH = 200 };

struct replan_arg {
    const char *calendar;
    int64_t now;
};

/* app_event_fn of a re-plan after a change of a calendar; 1 if cur does not use it. */
static int replan_event(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    const struct replan_arg *r = arg;
    if (!status_open(cur->status) || !workflow_uses_calendar(cur, r->calendar))
        return 1;
    actor sys = {0, R_SYSTEM, 0};
    wf_ctx ctx = {app_pol(a), app_org(a), &sys, r->now, NULL, 0, NULL};
    int rc = workflow_step(&ctx, cur, "replan", NULL, ev, e) || !json_object_get(ev->payload, "clocks");
    return rc;
}

/* Re-plans one complaint on its current state, through the versioned update
 * (retried when someone acts meanwhile). 0 when a replan event was written. */
static int replan_one(app *a, int64_t id, const char *name, int64_t now)
{
    cerr e = CERR_INIT;
    struct replan_arg r = {name, now};
    int rc = app_change(a, id, replan_event, &r, false, &e);
    if (rc == STORE_CONFLICT)
        log_warn("replan: complaint %lld keeps changing and was not re-planned", (long long)id);
    return rc == 0 ? 0 : -1;
}

int app_replan(app *a, const char *name, int64_t now, long *replanned)
{
    *replanned = 0;
    actor sys = {0, R_SYSTEM, 0};
    complaint_filter f = {.status = -1, .limit = REPLAN_BATCH, .now = now, .full = true};
    complaint_page page = {0};
    complaint *next = xcalloc(REPLAN_BATCH, sizeof *next);
    event *evs = xcalloc(REPLAN_BATCH, sizeof *evs);
    store_write *w = xcalloc(REPLAN_BATCH, sizeof *w);
    int rc = 0;
    app_enter(a);
    for (;;) {
        rc = store_complaint_list(a->db, &f, &page);
        if (rc)
            break;
        size_t n = 0;
        wf_ctx ctx = {app_pol(a), app_org(a), &sys, now, NULL, 0, NULL};
        for (size_t i = 0; i < page.n; i++) {
            complaint *c = &page.items[i];
            if (!workflow_uses_calendar(c, name))
                continue;
            cerr e = CERR_INIT;
            event_init(&evs[n]);
            if (workflow_step(&ctx, c, "replan", NULL, &evs[n], &e) != 0 ||
                !json_object_get(evs[n].payload, "clocks")) {
                event_release(&evs[n]); /* nothing moved (or the calendar cannot place it) */
                continue;
            }
            evs[n].key = app_events_key(a);
            event_seal(&evs[n]);
            complaint_copy(&next[n], c);
            workflow_apply(&next[n], &evs[n]);
            w[n] = (store_write){.c = &next[n], .was = c, .ev = &evs[n]};
            n++;
        }
        if (n)
            rc = store_complaint_write(a->db, w, n, app_pol(a)->tz_offset);
        for (size_t i = 0; i < n; i++) {
            if (rc == 0 && w[i].rc == 0)
                (*replanned)++;
            else if (rc == 0 && w[i].rc == STORE_CONFLICT && replan_one(a, next[i].id, name, now) == 0)
                (*replanned)++; /* someone acted meanwhile: decided again on their state */
            complaint_release(&next[i]);
            event_release(&evs[i]);
        }
        bool more = page.more && page.n;
        if (more) {
            f.has_cursor = true;
            f.cursor_id = page.items[page.n - 1].id;
        }
        complaint_page_release(&page);
        if (rc || !more)
            break;
    }
    app_leave(a);
    free(next);
    free(evs);
    free(w);
    return rc;
}
