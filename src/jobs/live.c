/* live: see live.h. */
#include "jobs/live.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/live.h"
#include "sec/session.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/worker.h"
#include "util/xalloc.h"

enum { FEED_BATCH = 500 };

/* The ids sent within the look-back window of one kind of row. */
typedef struct seen {
    int64_t floor;     /* ids up to it count as sent (where the feed started or skipped to) */
    int64_t last;      /* the highest id sent */
    int64_t ids[FEED_BATCH + LIVE_LOOKBACK];
    size_t n;
} seen;

struct live_feed {
    app *a;
    int interval_ms, heartbeat_s;
    seen notices, events;
    worker w;
};

static bool was_sent(const seen *s, int64_t id)
{
    if (id <= s->floor)
        return true;
    if (id > s->last)
        return false;
    for (size_t i = 0; i < s->n; i++)
        if (s->ids[i] == id)
            return true;
    return id <= s->last - LIVE_LOOKBACK; /* below the window: sent, or long gone */
}

static void mark_sent(seen *s, int64_t id)
{
    if (id > s->last)
        s->last = id;
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->ids[i] > s->last - LIVE_LOOKBACK)
            s->ids[k++] = s->ids[i];
    s->n = k;
    if (s->n < sizeof s->ids / sizeof s->ids[0])
        s->ids[s->n++] = id;
}

static int64_t from_of(const seen *s)
{
    return s->last > LIVE_LOOKBACK ? s->last - LIVE_LOOKBACK : 0;
}

/* "event: NAME\ndata: JSON\n\n" of j (taken) into out. */
static void sse(buf *out, const char *name, json_t *j)
{
    char *d = json_dumps(j, JSON_COMPACT);
    buf_printf(out, "event: %s\ndata: %s\n\n", name, d ? d : "{}");
    free(d);
    json_decref(j);
}

static void send_notices(live_feed *f)
{
    app *a = f->a;
    inapp_list l = {0};
    if (store_inapp_since(a->db, from_of(&f->notices), FEED_BATCH, &l))
        return;
    buf ev;
    buf_init(&ev);
    for (size_t i = 0; i < l.n; i++) {
        const inapp_notice *n = &l.items[i];
        if (was_sent(&f->notices, n->id))
            continue;
        mark_sent(&f->notices, n->id);
        char at[40];
        time_format(n->created_at, app_pol(a)->tz_offset, at, sizeof at);
        buf_clear(&ev);
        sse(&ev, "notification",
            json_pack("{s:I,s:I,s:s,s:s,s:{s:s,s:s},s:s}", "id", (json_int_t)n->id, "complaint_id",
                      (json_int_t)n->complaint_id, "number", n->number, "template", n->template_name, "text", "zh-CN",
                      n->text_zh, "en", n->text_en, "created_at", at));
        live_notice(a->live, n->user_id, ev.data);
    }
    buf_release(&ev);
    inapp_list_release(&l);
}

static void send_changes(live_feed *f)
{
    app *a = f->a;
    live_change_list l = {0};
    if (store_live_changes(a->db, from_of(&f->events), FEED_BATCH, &l))
        return;
    buf ev;
    buf_init(&ev);
    for (size_t i = 0; i < l.n; i++) {
        const live_change *x = &l.items[i];
        if (was_sent(&f->events, x->event_id))
            continue;
        mark_sent(&f->events, x->event_id);
        /* Several events of one complaint in a batch: its last state once. */
        bool later = false;
        for (size_t k = i + 1; k < l.n && !later; k++)
            later = l.items[k].complaint_id == x->complaint_id;
        complaint c;
        complaint_init(&c);
        if (!later && store_complaint_get(a->db, x->complaint_id, NULL, &c) == 0) {
            buf_clear(&ev);
            sse(&ev, "complaint",
                json_pack("{s:I,s:s,s:I,s:s,s:I}", "id", (json_int_t)c.id, "number", c.number, "version",
                          (json_int_t)c.version, "status", status_name(c.status), "by", (json_int_t)x->actor));
            live_complaint(a->live, app_org(a), &c, ev.data);
        }
        complaint_release(&c);
    }
    buf_release(&ev);
    free(l.items);
}

/* Ends the streams whose session or token is gone or timed out. */
static void check_sessions(live_feed *f, int64_t now)
{
    int64_t *ids;
    uint8_t(*hashes)[32];
    size_t n;
    live_tokens(f->a->live, &ids, &hashes, &n);
    for (size_t i = 0; i < n; i++) {
        token t = {0};
        user u = {0};
        int rc = store_token_find(f->a->db, hashes[i], now, &t, &u);
        bool gone = rc == STORE_NOTFOUND || (rc == 0 && (!u.active || session_check(session_get(), &t, now) != SESSION_OK));
        if (gone)
            live_end_token(f->a->live, ids[i]);
        token_release(&t);
        user_release(&u);
    }
    free(ids);
    free(hashes);
}

static void *feed_main(void *arg)
{
    live_feed *f = arg;
    double beat_at = time_mono_ms() + f->heartbeat_s * 1000.0;
    pthread_mutex_lock(&f->w.mu);
    while (!f->w.stop) {
        pthread_mutex_unlock(&f->w.mu);
        app_enter(f->a);
        if (live_count(f->a->live)) {
            send_notices(f);
            send_changes(f);
        } else {
            /* Nobody listens: skip to what is stored now. */
            int64_t n = 0, e = 0;
            if (store_live_heads(f->a->db, &n, &e) == 0) {
                f->notices = (seen){.floor = n, .last = n};
                f->events = (seen){.floor = e, .last = e};
            }
        }
        if (time_mono_ms() >= beat_at) {
            live_beat(f->a->live);
            check_sessions(f, time_now());
            beat_at = time_mono_ms() + f->heartbeat_s * 1000.0;
        }
        app_leave(f->a);
        pthread_mutex_lock(&f->w.mu);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += (long)(f->interval_ms % 1000) * 1000000L;
        until.tv_sec += f->interval_ms / 1000 + until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        while (!f->w.stop && pthread_cond_timedwait(&f->w.cv, &f->w.mu, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&f->w.mu);
    return NULL;
}

live_feed *live_feed_start(app *a, int interval_ms, int heartbeat_s)
{
    live_feed *f = xcalloc(1, sizeof *f);
    f->a = a;
    f->interval_ms = interval_ms > 0 ? interval_ms : 500;
    f->heartbeat_s = heartbeat_s > 0 ? heartbeat_s : 25;
    int64_t n = 0, e = 0;
    if (store_live_heads(a->db, &n, &e) == 0) {
        f->notices = (seen){.floor = n, .last = n};
        f->events = (seen){.floor = e, .last = e};
    }
    if (worker_start(&f->w, feed_main, f) != 0) {
        log_error("live: cannot start the feed of the live streams");
        free(f);
        return NULL;
    }
    return f;
}

void live_feed_stop(live_feed *f)
{
    if (!f)
        return;
    worker_stop(&f->w);
    free(f);
}
