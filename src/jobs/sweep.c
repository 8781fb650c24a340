/* sweep: see sweep.h. */
#include "jobs/sweep.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/workflow.h"
#include "util/jsonw.h"
#include "jobs/retention.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/*
 * SWEEP_CHUNK: decided items go to the store in chunks, each written by a
 * thread of its own while the next chunk is decided, so that reading and
 * planning (the sweep's thread) and inserting (the store's writer) use both
 * cores; a chunk is still one durable transaction.
 */
enum { MAX_CHAIN = 8, MAX_MSGS = 3, RETRY_ROUNDS = 5, SWEEP_CHUNK = 250 };

/* One event of the sweep with the state it leads to and the rows it causes. */
typedef struct item {
    complaint c;
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
    user_list users;
    bool users_loaded;
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

/* The nearest active user with role at unit or above it; 0 if none. */
static int64_t nearest_with_role(run *r, int64_t unit_id, unsigned role)
{
    if (!r->users_loaded) {
        if (r->a->db->ops->user_list(r->a->db, &r->users) != 0)
            r->users.n = 0;
        r->users_loaded = true;
    }
    for (int depth = 0; unit_id && depth < 32; depth++) {
        for (size_t i = 0; i < r->users.n; i++)
            if (r->users.items[i].active && (r->users.items[i].roles & role) && r->users.items[i].unit == unit_id)
                return r->users.items[i].id;
        const unit *u = org_find(&r->a->org, unit_id);
        unit_id = u ? u->parent : 0;
    }
    return 0;
}

static void add_msg(item *it, const char *channel, int64_t user_id, int64_t unit_id, const char *tmpl, json_t *payload)
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
    m->payload = jsonw_dumps(payload, true);
    /* The event is unique (complaint, seq), so is (event, recipient). */
    snprintf(m->key, sizeof m->key, "c%lld/e%lld/%s/%s%lld", (long long)it->c.id, (long long)it->ev.seq, tmpl,
             user_id ? "user" : "unit", (long long)(user_id ? user_id : unit_id));
}

/* What the event causes: notifications, and a supervision order for a breach. */
static void side_rows(run *r, item *it)
{
    app *a = r->a;
    const json_t *p = it->ev.payload;
    const char *clock = json_string_value(json_object_get(p, "clock"));
    int64_t deadline = json_integer_value(json_object_get(p, "deadline"));
    char dl[40], wa[40];
    time_format(deadline, a->pol.tz_offset, dl, sizeof dl);
    time_format(json_integer_value(json_object_get(p, "warning_at")), a->pol.tz_offset, wa, sizeof wa);
    json_t *msg = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "complaint_id", (json_int_t)it->c.id, "number", it->c.number,
                            "event", it->ev.action, "clock", clock ? clock : "", "deadline", dl, "warning_at", wa);
    if (strcmp(it->ev.action, "warn") == 0) {
        /* The responsible unit, and the person who accepted the order if any. */
        json_object_set_new(msg, "why", json_string("时限已过预警点 (the warning point of the time limit has passed)"));
        int64_t person = json_integer_value(json_object_get(json_object_get(it->c.data, "accepted"), "by"));
        add_msg(it, "internal", 0, it->c.owner_unit, "sla_warning", msg);
        if (person)
            add_msg(it, "sms", person, 0, "sla_warning", msg);
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
        json_object_set_new(msg, "level", json_integer(level));
        json_object_set_new(msg, "why", json_string("时限已超期，请督办 (the time limit has run out: supervise it)"));
        add_msg(it, "internal", 0, unit_id, "supervision", msg);
        if (boss)
            add_msg(it, "sms", boss, 0, "supervision", msg);
    }
    json_decref(msg);
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
    if (r->a->db->ops->complaint_get(r->a->db, id, NULL, &first) != 0) {
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
        cerr e = {0};
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
        event_seal(&ev);
        item *it = push_item(r);
        cur = prev == SIZE_MAX ? &first : &r->items[prev].c; /* push_item may have moved the items */
        if (prev == SIZE_MAX) {
            it->c = first; /* taken over */
            complaint_init(&first);
        } else {
            complaint_copy(&it->c, cur);
        }
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
    time_format(json_integer_value(json_object_get(p, "deadline")), r->a->pol.tz_offset, dl, sizeof dl);
    const unit *u = org_find(&r->a->org, it->sup.unit ? it->sup.unit : it->c.owner_unit);
    int len = snprintf(line, sizeof line, "%-9s %s  %-8s deadline %s  unit %s", action, it->c.number,
                       json_string_value(json_object_get(p, "clock")), dl, u ? u->code : "?");
    if (it->nsups && len > 0 && (size_t)len < sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, "  supervision level %d", it->sup.level);
    r->report(line, r->arg);
}

/* A chunk of decided items on its way to the store. */
typedef struct chunk {
    app *a;
    item *items; /* owned */
    size_t n;
    store_write *w;
    int rc;
    pthread_t thread;
    bool active, threaded;
} chunk;

static void *chunk_main(void *arg)
{
    chunk *k = arg;
    k->rc = k->a->db->ops->complaint_write(k->a->db, k->w, k->n, k->a->pol.tz_offset);
    return NULL;
}

/* Hands the decided items of r to k (idle) and starts writing them. */
static void chunk_start(run *r, chunk *k)
{
    k->a = r->a;
    k->items = r->items;
    k->n = r->n;
    r->items = NULL;
    r->n = r->cap = 0;
    k->w = xcalloc(k->n, sizeof *k->w);
    for (size_t i = 0; i < k->n; i++)
        k->w[i] = (store_write){.c = &k->items[i].c,
                                .ev = &k->items[i].ev,
                                .msgs = k->items[i].msgs,
                                .nmsgs = k->items[i].nmsgs,
                                .sups = &k->items[i].sup,
                                .nsups = k->items[i].nsups};
    k->active = true;
    k->threaded = pthread_create(&k->thread, NULL, chunk_main, k) == 0;
    if (!k->threaded)
        chunk_main(k);
}

/* Waits for k's write and accounts for it; conflicted complaints go to retry. */
static int chunk_finish(run *r, chunk *k)
{
    if (!k->active)
        return 0;
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
    memset(k, 0, sizeof *k);
    return rc;
}

/*
 * Sends what r has decided to the store: waits for the chunk under way
 * (if any), then starts writing r's items. Returns the store's failure of
 * the chunk waited for, if it failed.
 */
static int flush(run *r, chunk *k)
{
    int rc = chunk_finish(r, k);
    if (rc == 0 && r->n)
        chunk_start(r, k);
    return rc;
}

/* Decides ids[0..n) in chunks, each written while the next is decided. */
static int decide_all(run *r, const int64_t *ids, size_t n, chunk *k)
{
    actor sys = {0, R_SYSTEM, 0};
    int rc = 0;
    pthread_rwlock_rdlock(&r->a->org_lock);
    wf_ctx ctx = {&r->a->pol, &r->a->org, &sys, r->now};
    for (size_t i = 0; i < n && rc == 0; i++) {
        decide(r, &ctx, ids[i]);
        if (r->n >= SWEEP_CHUNK)
            rc = flush(r, k);
    }
    pthread_rwlock_unlock(&r->a->org_lock);
    return rc;
}

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int sweep_run(app *a, int64_t now, sweep_stats *st, void (*report)(const char *line, void *arg), void *arg)
{
    double t0 = mono_ms();
    memset(st, 0, sizeof *st);
    run r = {.a = a, .now = now, .st = st, .report = report, .arg = arg};
    if (!a->db->ops->complaint_due || !a->db->ops->complaint_write) {
        log_error("sweep: the %s store has no deadline sweeper yet", a->db->ops->name);
        return STORE_ERROR;
    }
    int64_t *ids = xcalloc(SWEEP_BATCH, sizeof *ids), *keys = xcalloc(SWEEP_BATCH, sizeof *keys);
    int64_t after_key = 0, after_id = 0;
    chunk k = {0};
    int rc = 0;
    for (;;) {
        size_t n = 0;
        double tq = mono_ms();
        rc = a->db->ops->complaint_due(a->db, now, after_key, after_id, SWEEP_BATCH, ids, keys, &n);
        if (rc || n == 0)
            break;
        double t1 = mono_ms();
        rc = decide_all(&r, ids, n, &k);
        double t2 = mono_ms();
        if (rc == 0)
            rc = flush(&r, &k);
        if (rc == 0)
            rc = chunk_finish(&r, &k);
        log_debug("sweep: %zu due: found in %.1f ms, decided in %.1f ms (writing alongside), last write done %.1f ms "
                  "later",
                  n, t1 - tq, t2 - t1, mono_ms() - t2);
        if (rc)
            break;
        after_key = keys[n - 1];
        after_id = ids[n - 1];
        if (n < SWEEP_BATCH)
            break;
    }
    /* Lost races: decide again on what the winner wrote. */
    for (int round = 0; rc == 0 && r.nretry && round < RETRY_ROUNDS; round++) {
        int64_t *again = r.retry;
        size_t nagain = r.nretry;
        r.retry = NULL;
        r.nretry = 0;
        rc = decide_all(&r, again, nagain, &k);
        free(again);
        if (rc == 0)
            rc = flush(&r, &k);
        if (rc == 0)
            rc = chunk_finish(&r, &k);
    }
    /* After a failure: wait for the write under way; its outcome is accounted. */
    int rc2 = chunk_finish(&r, &k);
    if (rc == 0)
        rc = rc2;
    items_clear(&r);
    free(r.items);
    free(r.retry);
    free(ids);
    free(keys);
    if (r.users_loaded)
        user_list_release(&r.users);
    st->elapsed_ms = mono_ms() - t0;
    return rc;
}

/* ---- the background sweeper ------------------------------------------------- */

struct sweeper {
    app *a;
    int interval;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static void *sweeper_main(void *arg)
{
    sweeper *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += s->interval;
        while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &until) == 0)
            ;
        if (s->stop)
            break;
        pthread_mutex_unlock(&s->mu);
        sweep_stats st;
        if (sweep_run(s->a, time_now(), &st, NULL, NULL) != 0)
            log_warn("sweep: the store failed; trying again in %d s", s->interval);
        else if (st.warned || st.breached || st.supervised)
            log_info("sweep: %ld warnings, %ld breaches, %ld further supervisions in %.1f ms", st.warned, st.breached,
                     st.supervised, st.elapsed_ms);
        retention_tick(s->a, time_now()); /* the same periodic tick, at its own period */
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

sweeper *sweeper_start(app *a, int interval_s)
{
    if (interval_s <= 0)
        return NULL;
    sweeper *s = xcalloc(1, sizeof *s);
    s->a = a;
    s->interval = interval_s;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&s->thread, NULL, sweeper_main, s) != 0) {
        log_error("sweep: cannot start the background sweeper");
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void sweeper_stop(sweeper *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
