/* live: see live.h. */
#include "app/live.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "app/inapp.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct live_stream {
    live_hub *hub;
    int64_t user_id, unit, token_id;
    uint8_t hash[32];
    buf queue;  /* event text not yet read; under the hub's mutex */
    size_t off; /* of queue, read already */
    bool ended;
    void (*wake)(void *arg);
    void *arg;
    live_stream *prev, *next;
};

struct live_hub {
    pthread_mutex_t mu;
    live_stream *head; /* under mu */
    size_t n;
    unsigned per_user, total;
};

live_hub *live_hub_new(unsigned per_user, unsigned total)
{
    live_hub *h = xcalloc(1, sizeof *h);
    pthread_mutex_init(&h->mu, NULL);
    h->per_user = per_user ? per_user : 1;
    h->total = total ? total : 1;
    return h;
}

void live_hub_free(live_hub *h)
{
    if (!h)
        return;
    pthread_mutex_destroy(&h->mu);
    free(h);
}

live_stream *live_open(live_hub *h, int64_t user_id, int64_t home, int64_t token_id, const uint8_t hash[32],
                       const char *first, void (*wake)(void *arg), void *arg, int *why)
{
    pthread_mutex_lock(&h->mu);
    unsigned mine = 0;
    for (live_stream *s = h->head; s; s = s->next)
        mine += s->user_id == user_id && !s->ended;
    *why = h->n >= h->total ? LIVE_FULL : mine >= h->per_user ? LIVE_FULL_USER : 0;
    live_stream *s = NULL;
    if (!*why) {
        s = xcalloc(1, sizeof *s);
        *s = (live_stream){.hub = h, .user_id = user_id, .unit = home, .token_id = token_id, .wake = wake, .arg = arg};
        memcpy(s->hash, hash, sizeof s->hash);
        buf_init(&s->queue);
        buf_puts(&s->queue, first);
        s->next = h->head;
        if (h->head)
            h->head->prev = s;
        h->head = s;
        h->n++;
    }
    pthread_mutex_unlock(&h->mu);
    return s;
}

long live_read(live_stream *s, char *out, size_t max)
{
    live_hub *h = s->hub;
    pthread_mutex_lock(&h->mu);
    size_t left = s->queue.len - s->off;
    long n = (long)(left < max ? left : max);
    if (n) {
        memcpy(out, s->queue.data + s->off, (size_t)n);
        s->off += (size_t)n;
        if (s->off == s->queue.len) {
            buf_clear(&s->queue);
            s->off = 0;
        }
    } else if (s->ended) {
        n = -1;
    }
    pthread_mutex_unlock(&h->mu);
    return n;
}

void live_close(live_stream *s)
{
    live_hub *h = s->hub;
    pthread_mutex_lock(&h->mu);
    if (s->prev)
        s->prev->next = s->next;
    else
        h->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    h->n--;
    pthread_mutex_unlock(&h->mu);
    buf_release(&s->queue);
    free(s);
}

/* Ends s (under the hub's mutex) and wakes its reader to drain and finish. */
static void end(live_stream *s)
{
    if (s->ended)
        return;
    s->ended = true;
    s->wake(s->arg);
}

/* Queues ev on s (under the hub's mutex); a reader too far behind is ended instead. */
static void queue(live_stream *s, const char *ev)
{
    if (s->ended)
        return;
    if (s->queue.len - s->off + strlen(ev) > LIVE_QUEUE_MAX) {
        end(s);
        return;
    }
    buf_puts(&s->queue, ev);
    s->wake(s->arg);
}

void live_notice(live_hub *h, int64_t user_id, const char *ev)
{
    pthread_mutex_lock(&h->mu);
    for (live_stream *s = h->head; s; s = s->next)
        if (s->user_id == user_id)
            queue(s, ev);
    pthread_mutex_unlock(&h->mu);
}

void live_complaint(live_hub *h, const org *o, const complaint *c, const char *ev)
{
    pthread_mutex_lock(&h->mu);
    for (live_stream *s = h->head; s; s = s->next)
        if (app_sees(o, s->unit, c))
            queue(s, ev);
    pthread_mutex_unlock(&h->mu);
}

void live_beat(live_hub *h)
{
    pthread_mutex_lock(&h->mu);
    for (live_stream *s = h->head; s; s = s->next)
        queue(s, ": heartbeat\n\n");
    pthread_mutex_unlock(&h->mu);
}

void live_end_token(live_hub *h, int64_t token_id)
{
    pthread_mutex_lock(&h->mu);
    for (live_stream *s = h->head; s; s = s->next)
        if (s->token_id == token_id)
            end(s);
    pthread_mutex_unlock(&h->mu);
}

void live_tokens(live_hub *h, int64_t **ids, uint8_t (**hashes)[32], size_t *n)
{
    pthread_mutex_lock(&h->mu);
    *ids = xcalloc(h->n + 1, sizeof **ids);
    *hashes = xcalloc(h->n + 1, sizeof **hashes);
    *n = 0;
    for (live_stream *s = h->head; s; s = s->next) {
        size_t k = 0;
        while (k < *n && (*ids)[k] != s->token_id)
            k++;
        if (k < *n || s->ended)
            continue;
        (*ids)[*n] = s->token_id;
        memcpy((*hashes)[*n], s->hash, 32);
        ++*n;
    }
    pthread_mutex_unlock(&h->mu);
}

size_t live_count(live_hub *h)
{
    pthread_mutex_lock(&h->mu);
    size_t n = h->n;
    pthread_mutex_unlock(&h->mu);
    return n;
}
