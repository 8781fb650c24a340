/* sweep: see sweep.h. */
#include "jobs/sweep.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/duty.h"
#include "app/trend.h"
#include "app/pending.h"
#include "app/unresolvable.h"
#include "app/result.h"
#include "app/rules.h"
#include "app/verify.h"
#include "core/workflow.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "jobs/retention.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/worker.h"
#include "util/xalloc.h"

/*
 * Decided items go to the store in chunks, each written by a thread of its
 * own (each chunk is one durable transaction) while the sweep's thread
 * decides the next, so that reading and planning and the store's writer
 * use both cores. Up to SLOTS chunks may be under way: one being written
 * and the others queued behind it (the store's group commit takes the
 * queued ones together), so the writer never waits for the next. A chunk
 * leaves as soon as a slot is free and it holds CHUNK_MIN items, so the
 * writer starts early and the last chunk is short; while every slot is
 * busy it grows, up to CHUNK_MAX, to what the writer could not take yet.
 */
enum { MAX_CHAIN = 8, MAX_MSGS = 5, CHUNK_MIN = 32, CHUNK_MAX = 250, SLOTS = 8 };

/* One event of the sweep with the state it leads to and the rows it causes. */
typedef struct item {
    complaint c;
    complaint was; /* c before ev, scalars only (data NULL): store_write.was */
    event ev;
    outbox_msg msgs[MAX_MSGS];
    size_t nmsgs;
    supervision sup;
    size_t nsups;
} item;

typedef struct run {
    app *a;
    int64_t now;
    sweep_stats *st;
    void (*report)(const char *line, void *arg);
    void *arg;
    app_people people; /* who may be told, at now (app/duty.h) */
    bool people_loaded;
    item *items;
    size_t n, cap;
    int64_t *retry;
    size_t nretry;
} run;

static void items_release(item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        complaint_release(&items[i].c);
        event_release(&items[i].ev);
        for (size_t k = 0; k < items[i].nmsgs; k++)
            free(items[i].msgs[k].payload);
    }
}

static void items_clear(run *r)
{
    items_release(r->items, r->n);
    r->n = 0;
}

/* Who may be told, read once per sweep (none when the store fails). */
static const app_people *people(run *r)
{
    if (!r->people_loaded && app_people_load(r->a, r->now, &r->people) != 0)
        log_warn("sweep: the users and the on-duty rosters could not be read");
    r->people_loaded = true;
    return &r->people;
}

/* The first active user with role at unit or the nearest unit above it that has one; 0 if none. */
static int64_t nearest_with_role(run *r, int64_t unit_id, unsigned role)
{
    const user *u = NULL;
    return app_people_with_role(r->a, people(r), unit_id, role, &u, 1) ? u->id : 0;
}

static void add_msg(item *it, const char *channel, int64_t user_id, int64_t unit_id, const char *tmpl,
                    const char *payload)
{
    if (it->nmsgs == MAX_MSGS || (!user_id && !unit_id))
        return;
    outbox_msg *m = &it->msgs[it->nmsgs++];
    memset(m, 0, sizeof *m);
    m->created_at = it->ev.at;
    m->complaint_id = it->c.id;
    snprintf(m->channel, sizeof m->channel, "%s", channel);
    m->recipient_user = user_id;
    m->recipient_unit = user_id ? 0 : unit_id;
    snprintf(m->template_name, sizeof m->template_name, "%s", tmpl);
    m->payload = xstrdup(payload);
    /* The event is unique (complaint, seq), so is (event, recipient). */
    snprintf(m->key, sizeof m->key, "c%lld/e%lld/%s/%s%lld", (long long)it->c.id, (long long)it->ev.seq, tmpl,
             user_id ? "user" : "unit", (long long)(user_id ? user_id : unit_id));
}

/*
 * Outside the working time of unit_id, the person on duty for it is told
 * of the event as well, by sms and in-app (000 第十四条: 夜间若有紧急情况，
 * 也必须及时通知到人); the keys end in "/duty/<channel>". Who is texted
 * already (the assignee on duty) is not texted twice.
 */
static void duty_rows(run *r, item *it, int64_t unit_id, const char *tmpl, const char *payload)
{
    int64_t duty = app_people_on_duty(r->a, people(r), unit_id);
    size_t from = it->nmsgs;
    bool texted = false; /* the person on duty carries the order too: one text */
    for (size_t k = 0; k < it->nmsgs; k++)
        texted |= it->msgs[k].recipient_user == duty && strcmp(it->msgs[k].channel, "sms") == 0;
    if (duty && !texted)
        add_msg(it, "sms", duty, 0, tmpl, payload);
    if (duty)
        add_msg(it, "internal", duty, 0, tmpl, payload);
    for (size_t k = from; k < it->nmsgs; k++) {
        outbox_msg *m = &it->msgs[k];
        size_t len = strlen(m->key);
        snprintf(m->key + len, sizeof m->key - len, "/duty/%s", m->channel);
    }
}

static void put_member(buf *b, const char *key, const char *value)
{
    buf_putc(b, b->len ? ',' : '{');
    jsonw_string(b, key, strlen(key));
    buf_putc(b, ':');
    jsonw_string(b, value, strlen(value));
}

/*
 * What a notification says, as JSON text with its keys in order (as every
 * payload in the outbox is written). Written here rather than built as a
 * jansson object and dumped: a sweep writes one or two for every warning.
 */
static void msg_payload(buf *b, const item *it, const char *clock, const char *deadline, const char *warning_at,
                        int level, const char *why)
{
    put_member(b, "clock", clock);
    buf_puts(b, ",\"complaint_id\":");
    jsonw_int(b, it->c.id);
    put_member(b, "deadline", deadline);
    put_member(b, "event", it->ev.action);
    if (level) {
        buf_puts(b, ",\"level\":");
        jsonw_int(b, level);
    }
    put_member(b, "number", it->c.number);
    put_member(b, "warning_at", warning_at);
    put_member(b, "why", why);
    buf_putc(b, '}');
}

/* What the event causes: notifications, and a supervision order for a breach. */
static void side_rows(run *r, item *it)
{
    app *a = r->a;
    const json_t *p = it->ev.payload;
    const char *clock = json_string_value(json_object_get(p, "clock"));
    int64_t deadline = json_integer_value(json_object_get(p, "deadline"));
    char dl[40], wa[40];
    time_format(deadline, app_pol(a)->tz_offset, dl, sizeof dl);
    time_format(json_integer_value(json_object_get(p, "warning_at")), app_pol(a)->tz_offset, wa, sizeof wa);
    buf msg;
    buf_init(&msg);
    if (strcmp(it->ev.action, "warn") == 0) {
        /* The responsible unit (the owner; for a review, the reviewing unit:
         * core's "unit"), and the owner's person who carries the order: its
         * assignee, else who accepted it (001: 预警工单或者预警短信). */
        msg_payload(&msg, it, clock ? clock : "", dl, wa, 0,
                    "时限已过预警点 (the warning point of the time limit has passed)");
        int64_t unit_id = json_integer_value(json_object_get(p, "unit"));
        if (!unit_id)
            unit_id = it->c.owner_unit;
        int64_t person = json_integer_value(json_object_get(it->c.data, "assignee"));
        if (!person)
            person = json_integer_value(json_object_get(json_object_get(it->c.data, "accepted"), "by"));
        add_msg(it, "internal", 0, unit_id, "sla_warning", msg.data);
        if (person && unit_id == it->c.owner_unit)
            add_msg(it, "sms", person, 0, "sla_warning", msg.data);
        duty_rows(r, it, unit_id, "sla_warning", msg.data);
    } else {
        int level = (int)json_integer_value(json_object_get(p, "supervision_level"));
        int64_t unit_id = json_integer_value(json_object_get(p, "supervise_unit"));
        int64_t boss = nearest_with_role(r, unit_id, R_SUPERVISOR);
        if (!boss)
            boss = nearest_with_role(r, unit_id, R_MANAGER);
        supervision *v = &it->sup;
        memset(v, 0, sizeof *v);
        v->complaint_id = it->c.id;
        v->event_seq = it->ev.seq;
        snprintf(v->clock, sizeof v->clock, "%s", clock ? clock : "");
        v->level = level;
        v->unit = unit_id;
        v->supervisor_user = boss;
        v->deadline = deadline;
        v->created_at = it->ev.at;
        it->nsups = 1;
        msg_payload(&msg, it, clock ? clock : "", dl, wa, level,
                    "时限已超期，请督办 (the time limit has run out: supervise it)");
        add_msg(it, "internal", 0, unit_id, "supervision", msg.data);
        if (boss)
            add_msg(it, "sms", boss, 0, "supervision", msg.data);
        duty_rows(r, it, unit_id, "supervision", msg.data);
    }
    buf_release(&msg);
}

static item *push_item(run *r)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->items = xrealloc(r->items, r->cap * sizeof *r->items);
    }
    item *it = &r->items[r->n++];
    memset(it, 0, sizeof *it);
    return it;
}

/* Decides every due step of complaint id, chained on the same version line. */
static void decide(run *r, const wf_ctx *ctx, int64_t id)
{
    complaint first;
    complaint_init(&first);
    if (store_complaint_get(r->a->db, id, NULL, &first) != 0) {
        complaint_release(&first);
        return;
    }
    /* Each step decides on the state the previous one left (the last item),
     * so a chain of steps shares one version line. */
    size_t prev = SIZE_MAX;
    for (int k = 0; k < MAX_CHAIN; k++) {
        const complaint *cur = prev == SIZE_MAX ? &first : &r->items[prev].c;
        event ev;
        event_init(&ev);
        cerr e = CERR_INIT;
        int rc = workflow_sweep_step(ctx, cur, &ev, &e);
        if (rc != 0) {
            if (rc < 0) {
                log_warn("sweep: complaint %lld: %s", (long long)id, e.message);
                r->st->errors++;
            }
            event_release(&ev);
            break;
        }
        if (k == 0)
            r->st->complaints++;
        ev.key = app_events_key(r->a);
        event_seal(&ev);
        item *it = push_item(r);
        cur = prev == SIZE_MAX ? &first : &r->items[prev].c; /* push_item may have moved the items */
        if (prev == SIZE_MAX) {
            it->c = first; /* taken over */
            complaint_init(&first);
        } else {
            complaint_copy(&it->c, cur);
        }
        it->was = it->c;
        it->was.data = NULL;
        workflow_apply(&it->c, &ev);
        it->ev = ev;
        side_rows(r, it);
        prev = (size_t)(it - r->items);
    }
    complaint_release(&first);
}

static void report_item(run *r, const item *it)
{
    const char *action = it->ev.action;
    if (strcmp(action, "warn") == 0)
        r->st->warned++;
    else if (strcmp(action, "breach") == 0)
        r->st->breached++;
    else
        r->st->supervised++;
    if (!r->report)
        return;
    const json_t *p = it->ev.payload;
    char dl[40], line[320];
    time_format(json_integer_value(json_object_get(p, "deadline")), app_pol(r->a)->tz_offset, dl, sizeof dl);
    const unit *u = org_find(app_org(r->a), it->sup.unit ? it->sup.unit : it->c.owner_unit);
    int len = snprintf(line, sizeof line, "%-9s %s  %-8s deadline %s  unit %s", action, it->c.number,
                       json_string_value(json_object_get(p, "clock")), dl, u ? u->code : "?");
    if (it->nsups && len > 0 && (size_t)len < sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, "  supervision level %d", it->sup.level);
    r->report(line, r->arg);
}

/* A chunk of decided items on its way to the store. */
typedef struct chunk {
    app *a;
    int tz_offset; /* the sweep's policy's, for the write on another thread */
    item *items; /* owned */
    size_t n;
    store_write *w;
    int rc;
    pthread_t thread;
    bool threaded;
    atomic_bool done; /* the write has returned */
} chunk;

/* The chunks under way, oldest first from slot[head]. */
typedef struct pipeline {
    chunk slot[SLOTS];
    int head, n;
} pipeline;

static void *chunk_main(void *arg)
{
    chunk *k = arg;
    k->rc = store_complaint_write(k->a->db, k->w, k->n, k->tz_offset);
    atomic_store(&k->done, true);
    return NULL;
}

/* Hands the decided items of r to k (idle) and starts writing them. */
static void chunk_start(run *r, chunk *k)
{
    k->a = r->a;
    k->tz_offset = app_pol(r->a)->tz_offset;
    k->items = r->items;
    k->n = r->n;
    r->items = NULL;
    r->n = r->cap = 0;
    k->w = xcalloc(k->n, sizeof *k->w);
    for (size_t i = 0; i < k->n; i++)
        k->w[i] = (store_write){.c = &k->items[i].c,
                                .was = &k->items[i].was,
                                .ev = &k->items[i].ev,
                                .msgs = k->items[i].msgs,
                                .nmsgs = k->items[i].nmsgs,
                                .sups = &k->items[i].sup,
                                .nsups = k->items[i].nsups};
    atomic_store(&k->done, false);
    k->threaded = pthread_create(&k->thread, NULL, chunk_main, k) == 0;
    if (!k->threaded)
        chunk_main(k);
}

/* Waits for k's write (under way) and accounts for it; conflicted complaints go to retry. */
static int chunk_finish(run *r, chunk *k)
{
    if (k->threaded)
        pthread_join(k->thread, NULL);
    for (size_t i = 0; k->rc == 0 && i < k->n; i++) {
        if (k->w[i].rc == 0) {
            report_item(r, &k->items[i]);
        } else if (k->w[i].rc == STORE_CONFLICT) {
            int64_t id = k->items[i].c.id;
            if (!r->nretry || r->retry[r->nretry - 1] != id) {
                r->st->conflicts++;
                r->retry = xrealloc(r->retry, (r->nretry + 1) * sizeof *r->retry);
                r->retry[r->nretry++] = id;
            }
        } else if (k->w[i].rc != STORE_NOTFOUND) {
            r->st->errors++;
        }
    }
    int rc = k->rc;
    free(k->w);
    items_release(k->items, k->n);
    free(k->items);
    k->items = NULL;
    k->w = NULL;
    k->n = 0;
    return rc;
}

/* Accounts for the oldest chunk under way if it is written (or, if wait,
 * once it is): false if there is none, or it is still being written. *rc:
 * the store's failure of it, or 0. */
static bool finish_oldest(run *r, pipeline *p, bool wait, int *rc)
{
    chunk *k = &p->slot[p->head];
    if (!p->n || (!wait && !atomic_load(&k->done)))
        return false;
    *rc = chunk_finish(r, k);
    p->head = (p->head + 1) % SLOTS;
    p->n--;
    return true;
}

/* Accounts for every chunk under way, in order; the first failure. */
static int pipe_drain(run *r, pipeline *p)
{
    int rc = 0, rc1;
    while (finish_oldest(r, p, true, &rc1))
        if (rc == 0)
            rc = rc1;
    return rc;
}

/*
 * Sends what r has decided to the store when it is time (see CHUNK_MIN),
 * or at once if now; waits for the oldest chunk when every slot is busy.
 * Returns the store's failure of a chunk accounted for, if it failed.
 */
static int flush(run *r, pipeline *p, bool now)
{
    int rc = 0;
    while (rc == 0 && finish_oldest(r, p, false, &rc)) /* what is written already */
        ;
    if (rc || !r->n || (!now && r->n < CHUNK_MAX && (r->n < CHUNK_MIN || p->n == SLOTS)))
        return rc;
    if (p->n == SLOTS && finish_oldest(r, p, true, &rc) && rc)
        return rc;
    chunk_start(r, &p->slot[(p->head + p->n) % SLOTS]);
    p->n++;
    return 0;
}

/* Decides ids[0..n), sending the items to the store as they are decided. */
static int decide_all(run *r, const int64_t *ids, size_t n, pipeline *p)
{
    actor sys = {0, R_SYSTEM, 0};
    int rc = 0;
    wf_ctx ctx = {app_pol(r->a), app_org(r->a), &sys, r->now, NULL, 0, NULL};
    for (size_t i = 0; i < n && rc == 0; i++) {
        decide(r, &ctx, ids[i]);
        rc = flush(r, p, false);
    }
    if (rc == 0)
        rc = flush(r, p, true);
    return rc;
}


int sweep_run(app *a, int64_t now, sweep_stats *st, void (*report)(const char *line, void *arg), void *arg)
{
    double t0 = time_mono_ms();
    memset(st, 0, sizeof *st);
    run r = {.a = a, .now = now, .st = st, .report = report, .arg = arg};
    app_enter(a); /* the whole sweep decides under one configuration */
    /* The store may keep its background work from competing with the sweep. */
    store_write_burst(a->db, true);
    int64_t *ids = xcalloc(SWEEP_BATCH, sizeof *ids), *keys = xcalloc(SWEEP_BATCH, sizeof *keys);
    int64_t after_key = 0, after_id = 0;
    pipeline p = {0};
    double found = 0, decided = 0;
    size_t due = 0;
    int rc = 0;
    for (;;) {
        size_t n = 0;
        double tq = time_mono_ms();
        rc = store_complaint_due(a->db, now, after_key, after_id, SWEEP_BATCH, ids, keys, &n);
        if (rc || n == 0)
            break;
        double t1 = time_mono_ms();
        rc = decide_all(&r, ids, n, &p);
        found += t1 - tq;
        decided += time_mono_ms() - t1;
        due += n;
        if (rc)
            break;
        after_key = keys[n - 1];
        after_id = ids[n - 1];
        if (n < SWEEP_BATCH)
            break;
    }
    /* Every outcome accounted for (after a failure too: the writes under way finish). */
    double t2 = time_mono_ms();
    int rc2 = pipe_drain(&r, &p);
    if (rc == 0)
        rc = rc2;
    log_debug("sweep: %zu due: found in %.1f ms, decided in %.1f ms (writing alongside), last write done %.1f ms later",
              due, found, decided, time_mono_ms() - t2);
    /* Lost races: decide again on what the winner wrote (the first pass was attempt 0). */
    for (int round = 0; rc == 0 && r.nretry && round + 1 < APP_WRITE_ATTEMPTS; round++) {
        int64_t *again = r.retry;
        size_t nagain = r.nretry;
        r.retry = NULL;
        r.nretry = 0;
        rc = decide_all(&r, again, nagain, &p);
        free(again);
        rc2 = pipe_drain(&r, &p);
        if (rc == 0)
            rc = rc2;
    }
    items_clear(&r);
    free(r.items);
    free(r.retry);
    free(ids);
    free(keys);
    if (r.people_loaded)
        app_people_release(&r.people);
    store_write_burst(a->db, false);
    app_leave(a);
    st->elapsed_ms = time_mono_ms() - t0;
    return rc;
}

/* ---- the background sweeper ------------------------------------------------- */

enum { SWEEP_CHECKPOINT_S = 3600, SWEEP_UPGRADE_S = 600 };

struct sweeper {
    app *a;
    int interval;
    worker w;
};

static void *sweeper_main(void *arg)
{
    sweeper *s = arg;
    int64_t checkpointed = 0; /* when this node last stored a checkpoint */
    int64_t upgraded = 0;     /* when it last applied the rules over time */
    char reviewed[16] = "";   /* the period whose unresolvable cases it has told the approvers of */
    char reminded[16] = "";   /* the month whose pending matters it has reminded the ledgers' keepers of */
    pthread_mutex_lock(&s->w.mu);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += s->interval;
        while (!s->w.stop && pthread_cond_timedwait(&s->w.cv, &s->w.mu, &until) == 0)
            ;
        if (s->w.stop)
            break;
        pthread_mutex_unlock(&s->w.mu);
        sweep_stats st;
        if (sweep_run(s->a, time_now(), &st, NULL, NULL) != 0)
            log_warn("sweep: the store failed; trying again in %d s", s->interval);
        else if (st.warned || st.breached || st.supervised)
            log_info("sweep: %ld warnings, %ld breaches, %ld further supervisions in %.1f ms", st.warned, st.breached,
                     st.supervised, st.elapsed_ms);
        long up = 0; /* the rules over time (app/rules.h), every SWEEP_UPGRADE_S */
        if (time_now() - upgraded >= SWEEP_UPGRADE_S && app_upgrades(s->a, time_now(), &up) == 0) {
            upgraded = time_now();
            if (up)
                log_info("sweep: %ld complaints upgraded by rules over time", up);
            int tw = 0; /* and the trend warnings (app/trend.h), at most one a key a day */
            if (app_trend_warn(s->a, time_now(), &tw) == 0 && tw)
                log_info("sweep: %d trend warnings", tw);
            int ur = 0; /* and, once a period, the review of unresolvable cases (app/unresolvable.h) */
            if (app_unresolvable_notice(s->a, time_now(), reviewed, sizeof reviewed, &ur) == 0 && ur)
                log_info("sweep: %d notices of unresolvable cases to close", ur);
            int pm = 0; /* and, once a month from its day, the reminder of pending matters (app/pending.h) */
            if (app_pending_notice(s->a, time_now(), reminded, sizeof reminded, &pm) == 0 && pm)
                log_info("sweep: %d reminders of pending matters", pm);
        }
        retention_tick(s->a, time_now()); /* the same periodic tick, at its own period */
        checkpoint cp; /* and the event log's checkpoint (app/verify.h), hourly */
        if (time_now() - checkpointed >= SWEEP_CHECKPOINT_S && app_checkpoint(s->a, time_now(), &cp) == 0)
            checkpointed = time_now();
        pthread_mutex_lock(&s->w.mu);
    }
    pthread_mutex_unlock(&s->w.mu);
    return NULL;
}

sweeper *sweeper_start(app *a, int interval_s)
{
    if (interval_s <= 0)
        return NULL;
    sweeper *s = xcalloc(1, sizeof *s);
    s->a = a;
    s->interval = interval_s;
    if (worker_start(&s->w, sweeper_main, s) != 0) {
        log_error("sweep: cannot start the background sweeper");
        free(s);
        return NULL;
    }
    return s;
}

void sweeper_stop(sweeper *s)
{
    if (!s)
        return;
    worker_stop(&s->w);
    free(s);
}
