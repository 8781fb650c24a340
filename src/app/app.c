/* app: see app.h. */
#include "app/app.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ledger.h"
#include "app/pii.h"
#include "app/result.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- snapshots ------------------------------------------------------------------ */

static app_snap *snap_new(void)
{
    static atomic_ulong last_seq;
    app_snap *s = xcalloc(1, sizeof *s);
    atomic_init(&s->refs, 1);
    s->seq = atomic_fetch_add(&last_seq, 1) + 1;
    policy_init(&s->pol);
    org_init(&s->org);
    return s;
}

void app_snap_release(app_snap *s)
{
    if (!s)
        return;
    long before = atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel);
    assert(before > 0);
    if (before == 1) {
        policy_release(&s->pol);
        org_release(&s->org);
        free(s);
    }
}

app_snap *app_acquire(app *a)
{
    pthread_mutex_lock(&a->snap_mu);
    app_snap *s = a->snap;
    assert(s);
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&a->snap_mu);
    return s;
}

/* What the calling thread holds between app_enter and app_leave. */
static _Thread_local struct {
    const app *a;
    app_snap *s;
    int depth;
} held;

void app_enter(app *a)
{
    assert(held.depth == 0 || held.a == a);
    if (held.depth++ == 0) {
        held.a = a;
        held.s = app_acquire(a);
    }
}

void app_leave(app *a)
{
    assert(held.depth > 0 && held.a == a);
    (void)a;
    if (--held.depth == 0) {
        app_snap_release(held.s);
        held.s = NULL;
        held.a = NULL;
    }
}

const app_snap *app_cur(const app *a)
{
    assert(held.depth > 0 && held.a == a && held.s);
    (void)a;
    return held.s;
}

/*
 * Makes fresh (building, taken over) current if base is still current, and
 * then has the calling thread hold it if it holds one; else frees fresh.
 * True when fresh was installed.
 */
static bool install(app *a, const app_snap *base, app_snap *fresh)
{
    pthread_mutex_lock(&a->snap_mu);
    app_snap *old = a->snap == base ? a->snap : NULL;
    if (old)
        a->snap = fresh;
    pthread_mutex_unlock(&a->snap_mu);
    if (!old) {
        app_snap_release(fresh);
        return false;
    }
    app_snap_release(old);
    if (held.depth > 0 && held.a == a) {
        app_snap *was = held.s;
        held.s = app_acquire(a);
        app_snap_release(was);
    }
    return true;
}

static void org_copy(org *to, const org *from)
{
    for (size_t i = 0; i < from->n; i++)
        org_add(to, &from->units[i]);
}

/*
 * A new snapshot (building) on base: the policy of pack (borrowed) at
 * version, or base's when pack is NULL; the units of units (taken over,
 * left empty), or a copy of base's when NULL. NULL with e when pack is
 * invalid.
 */
static app_snap *snap_build(const app_snap *base, json_t *pack, int64_t version, org *units, cerr *e)
{
    app_snap *s = snap_new();
    json_t *from = pack ? pack : base->pol.raw;
    if (from && policy_load(&s->pol, from, e)) {
        app_snap_release(s);
        return NULL;
    }
    s->pol_version = pack ? version : base->pol_version;
    if (units) {
        s->org = *units;
        org_init(units);
        s->org_gen = base->org_gen + 1;
    } else {
        org_copy(&s->org, &base->org);
        s->org_gen = base->org_gen;
    }
    return s;
}

static bool org_same(const org *x, const org *y)
{
    if (x->n != y->n)
        return false;
    for (size_t i = 0; i < x->n; i++) {
        const unit *u = &x->units[i], *v = &y->units[i];
        if (u->id != v->id || u->parent != v->parent || strcmp(u->code, v->code) != 0 ||
            strcmp(u->name, v->name) != 0 || strcmp(u->type, v->type) != 0 ||
            strcmp(u->name_en ? u->name_en : "", v->name_en ? v->name_en : "") != 0)
            return false;
    }
    return true;
}

/* The stored configuration version (0 when none is recorded). */
static int stored_version(app *a, int64_t *version)
{
    char *text = NULL;
    int rc = store_config_get(a->db, "pack_version", &text);
    *version = rc == 0 ? strtoll(text, NULL, 10) : 0;
    free(text);
    return rc == STORE_NOTFOUND ? 0 : rc;
}

/* The pack of version (0: the active one without a version), parsed into *pack
 * (new reference). STORE_NOTFOUND without a pack, or a STORE_* code. */
static int stored_pack(app *a, int64_t version, json_t **pack)
{
    char *text = NULL;
    pack_version v = {0};
    int rc = version ? store_pack_version_get(a->db, version, &v) : STORE_NOTFOUND;
    if (rc == 0) {
        text = v.pack;
        v.pack = NULL;
    } else if (rc == STORE_NOTFOUND) {
        rc = store_config_get(a->db, "pack", &text);
    }
    pack_version_release(&v);
    *pack = rc == 0 ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (rc == 0 && !*pack) {
        log_error("the stored policy pack is not valid JSON");
        rc = STORE_ERROR;
    }
    return rc;
}

int app_refresh(app *a, bool *changed)
{
    if (changed)
        *changed = false;
    int64_t version = 0;
    org units;
    org_init(&units);
    json_t *pack = NULL;
    int rc = stored_version(a, &version);
    if (rc == 0)
        rc = store_unit_load(a->db, &units);
    for (bool done = rc != 0; !done;) {
        app_snap *base = app_acquire(a);
        bool new_pack = version > base->pol_version;
        bool new_units = units.n >= base->org.n && !org_same(&units, &base->org);
        if (new_pack && !pack && (rc = stored_pack(a, version, &pack)) == STORE_NOTFOUND) {
            rc = 0;
            new_pack = base->pol_version < 0; /* no pack yet (before init): loaded as empty */
        }
        done = rc != 0 || !(new_pack || new_units);
        if (!done) {
            cerr e = CERR_INIT;
            org mine;
            org_init(&mine);
            if (new_units)
                org_copy(&mine, &units);
            app_snap *fresh = snap_build(base, new_pack ? pack : NULL, version, new_units ? &mine : NULL, &e);
            org_release(&mine);
            if (!fresh) {
                log_error("the stored policy pack (version %lld) is damaged: %s", (long long)version, e.message);
                rc = STORE_ERROR;
            } else if (new_pack && !pack) {
                fresh->pol_version = version; /* no pack stored: an empty policy */
            }
            done = !fresh || install(a, base, fresh);
            if (fresh && done && changed)
                *changed = true;
        }
        app_snap_release(base);
    }
    json_decref(pack);
    org_release(&units);
    assert(rc <= 0);
    return rc;
}

int app_open(app *a, const char *url, bool need_pack, char *err, size_t errlen)
{
    return app_open_with(a, url, NULL, need_pack, err, errlen);
}

int app_open_with(app *a, const char *url, const store_options *so, bool need_pack, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->snap_mu, NULL);
    a->snap = snap_new();
    a->snap->pol_version = -1;
    a->db = store_open_with(url, so, err, errlen);
    if (!a->db)
        return -1;
    if (app_refresh(a, NULL)) {
        snprintf(err, errlen, "cannot load the configuration from the database (is its policy pack damaged?)");
        return -1;
    }
    if (need_pack && !a->snap->pol.name) {
        snprintf(err, errlen, "the database has no policy pack: run `redress init --pack NAME` first");
        return -1;
    }
    return 0;
}

void app_close(app *a)
{
    if (held.depth > 0 && held.a == a) {
        held.depth = 1;
        app_leave(a);
    }
    app_pii_close(a);
    store_close(a->db);
    a->db = NULL;
    app_snap_release(a->snap);
    a->snap = NULL;
    pthread_mutex_destroy(&a->snap_mu);
}

int app_reload_org(app *a)
{
    return app_refresh(a, NULL);
}

int app_set_pack(app *a, json_t *pack, cerr *e)
{
    app_snap *s = app_acquire(a);
    const char *reason = s->pol.name ? "calendar changed" : "initial pack";
    app_snap_release(s);
    return app_pack_publish(a, pack, 0, reason, 0, time_now(), NULL, e);
}

int app_pack_publish(app *a, json_t *pack, int64_t by, const char *reason, int64_t source, int64_t now,
                     int64_t *version, cerr *e)
{
    app_snap *base = app_acquire(a);
    app_snap *fresh = snap_build(base, pack, 0, NULL, e);
    if (!fresh) {
        app_snap_release(base);
        return CERR_USER;
    }
    char *text = json_dumps(pack, JSON_COMPACT | JSON_SORT_KEYS);
    pack_version v = {0, now, by, source, (char *)reason, text};
    int rc = store_pack_version_add(a->db, &v);
    free(text);
    if (rc) {
        app_snap_release(fresh);
        app_snap_release(base);
        return cerr_set(e, "unavailable", "", "cannot store the pack");
    }
    if (version)
        *version = v.version;
    /* Versions only grow: whatever is current and older gives way to this
     * one (built again on it if the units changed meanwhile). */
    fresh->pol_version = v.version;
    while (!install(a, base, fresh)) {
        app_snap_release(base);
        base = app_acquire(a);
        if (base->pol_version >= v.version)
            break;
        fresh = snap_build(base, pack, v.version, NULL, e);
        assert(fresh); /* the same pack loaded a moment ago */
    }
    app_snap_release(base);
    return 0;
}

int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, pii_memo *memo,
               cerr *e)
{
    event ev;
    event_init(&ev);
    rules_outcome o;
    rules_outcome_init(&o);
    app_enter(a);
    int rc = app_intake_graded(a, who, input, now, &ev, &o, e);
    /* Customer data is sealed here, before the event is hashed and stored. */
    pii_keyrow k;
    if (rc == 0)
        rc = app_pii_seal_intake(a, &ev, &k, memo, e);
    if (rc == 0)
        rc = store_complaint_create_keyed(a->db, app_pol(a)->number_prefix, app_pol(a)->tz_offset, &ev, out, &k);
    /* The complaint stands even if a notification cannot be queued; the rule that fired is in its event. */
    if (rc == 0 && app_rules_notify(a, out, &o, now))
        log_msg(LOG_WARN, "complaint %s: the rules' notifications could not be queued", out->number);
    /* Clustering needs the stored complaint; a failure leaves it ungrouped, never lost. */
    bool grouped = false;
    if (rc == 0 && app_cluster(a, out, ev.payload, now, &grouped))
        log_msg(LOG_WARN, "complaint %s: crisis clustering failed", out->number);
    /* The grouping re-graded it: return what is stored. */
    if (rc == 0 && grouped)
        rc = store_complaint_get(a->db, out->id, NULL, out);
    app_leave(a);
    rules_outcome_release(&o);
    event_release(&ev);
    assert(app_result_ok(rc));
    return rc;
}

/* One attempt of app_act; STORE_CONFLICT is returned as is for the retry loop. */
static int act_once(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
                    int64_t expected_version, int64_t now, complaint *out, cerr *e)
{
    complaint cur;
    complaint_init(&cur);
    event ev;
    event_init(&ev);
    int rc = store_complaint_get(a->db, id, NULL, &cur);
    if (rc == STORE_NOTFOUND) {
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
        goto out;
    }
    if (rc)
        goto out;
    if (expected_version >= 0 && expected_version != cur.version) {
        rc = cerr_set(e, "version_conflict", "", "工单已被他人更新，请刷新后重试 (version %lld is current)",
                      (long long)cur.version);
        goto out;
    }
    /* A dispatch that names no unit goes where the routing rules sent it. */
    json_t *routed = NULL;
    json_t *route = json_object_get(cur.data, "route_unit");
    if (strcmp(action, "dispatch") == 0 && route && json_is_object(input) && !json_object_get(input, "unit")) {
        routed = json_copy((json_t *)input);
        json_object_set(routed, "unit", route);
    }
    wf_ctx ctx = {app_pol(a), app_org(a), who, now};
    rc = workflow_step(&ctx, &cur, action, routed ? routed : input, &ev, e) ? CERR_USER : 0;
    json_decref(routed);
    if (rc == 0)
        rc = app_pii_seal_step(a, &cur, &ev, e);
    if (rc)
        goto out;
    event_seal(&ev);
    complaint_release(out);
    complaint_copy(out, &cur);
    workflow_apply(out, &ev);
    ledger_rows rows;
    ledger_rows_init(&rows);
    if (ledger_rows_of(a, out, &ev, &rows)) {
        /* Ledger entries, compensations and their notice go in the event's transaction. */
        store_write w = {.c = out, .was = &cur, .ev = &ev, .msgs = rows.msgs, .nmsgs = rows.nmsgs, .pens = rows.pens,
                         .npens = rows.npens, .comps = rows.comps, .ncomps = rows.ncomps};
        rc = store_complaint_write(a->db, &w, 1, app_pol(a)->tz_offset);
        if (rc == 0)
            rc = w.rc;
    } else {
        rc = store_complaint_update(a->db, &cur, out, &ev, app_pol(a)->tz_offset);
    }
    ledger_rows_release(&rows);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
out:
    complaint_release(&cur);
    event_release(&ev);
    return rc;
}

int app_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
            int64_t expected_version, int64_t now, complaint *out, cerr *e)
{
    /*
     * Without If-Match the caller means "whatever is current": when another
     * step lands between our read and our write, decide again on the new
     * state (the guards run again, so nothing illegal slips through).
     */
    app_enter(a);
    int rc;
    for (int attempt = 0;; attempt++) {
        rc = act_once(a, who, id, action, input, expected_version, now, out, e);
        assert(app_result_ok(rc));
        if (rc != STORE_CONFLICT)
            break;
        if (expected_version >= 0 || !app_retry(rc, attempt)) {
            rc = cerr_set(e, "version_conflict", "", "工单已被他人更新，请刷新后重试 (someone acted first)");
            break;
        }
    }
    app_leave(a);
    return rc;
}

int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen)
{
    complaint stored, rebuilt;
    complaint_init(&stored);
    complaint_init(&rebuilt);
    event_list evs = {0};
    int rc = -1;
    if (store_complaint_get(a->db, id, NULL, &stored) || store_event_list(a->db, id, &evs)) {
        snprintf(msg, msglen, "complaint %lld: cannot be read", (long long)id);
        goto out;
    }
    uint8_t prev[32] = {0};
    for (size_t i = 0; i < evs.n; i++) {
        event *e = &evs.items[i];
        if (e->seq != (int64_t)i + 1) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %zu) does not match its stored columns or is out of order",
                     stored.number, (long long)e->id, i + 1);
            goto out;
        }
        if (memcmp(e->prev, prev, 32) != 0) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %lld) does not follow the previous event's hash",
                     stored.number, (long long)e->id, (long long)e->seq);
            goto out;
        }
        if (!event_hash_ok(e) || e->complaint_id != id) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %lld, %s) was altered: its hash does not match",
                     stored.number, (long long)e->id, (long long)e->seq, e->action);
            goto out;
        }
        workflow_apply(&rebuilt, e);
        memcpy(prev, e->hash, 32);
    }
    const char *diff = evs.n ? complaint_diff(&stored, &rebuilt) : "events";
    if (diff) {
        snprintf(msg, msglen, "complaint %s (id %lld): the stored row differs from its events in \"%s\"",
                 stored.number, (long long)id, diff);
        goto out;
    }
    rc = 0;
out:
    complaint_release(&stored);
    complaint_release(&rebuilt);
    event_list_release(&evs);
    return rc;
}

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

int app_change(app *a, int64_t id, app_event_fn build, void *arg, bool erase, cerr *e)
{
    int rc = STORE_CONFLICT;
    app_enter(a);
    for (int attempt = 0; attempt == 0 || app_retry(rc, attempt - 1); attempt++) {
        complaint cur, next;
        complaint_init(&cur);
        complaint_init(&next);
        event ev;
        event_init(&ev);
        rc = store_complaint_get(a->db, id, NULL, &cur);
        if (rc == 0)
            rc = build(a, &cur, &ev, arg, e);
        if (rc == 0) {
            event_seal(&ev);
            complaint_release(&next); /* complaint_copy overwrites without releasing */
            complaint_copy(&next, &cur);
            workflow_apply(&next, &ev);
            rc = erase ? store_complaint_erase(a->db, &cur, &next, &ev, app_pol(a)->tz_offset)
                       : store_complaint_update(a->db, &cur, &next, &ev, app_pol(a)->tz_offset);
        }
        complaint_release(&cur);
        complaint_release(&next);
        event_release(&ev);
    }
    app_leave(a);
    assert(rc == 1 || app_result_ok(rc));
    return rc;
}

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
    wf_ctx ctx = {app_pol(a), app_org(a), &sys, r->now};
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
        wf_ctx ctx = {app_pol(a), app_org(a), &sys, now};
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
