/* pool: see pool.h. */
#include "store/pool.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "util/worker.h"
#include "util/xalloc.h"

void pool_init(pool *p, int n)
{
    assert(n >= 1);
    pthread_mutex_init(&p->mu, NULL);
    cond_init_monotonic(&p->cv);
    p->n = n;
    p->idle = xcalloc((size_t)n, sizeof *p->idle);
    p->out = xcalloc((size_t)n, sizeof *p->out);
    /* Slot 0 on top: the first borrower gets the first slot. */
    for (int i = 0; i < n; i++)
        p->idle[i] = n - 1 - i;
    p->nidle = n;
    p->waits = 0;
}

void pool_release(pool *p)
{
    assert(p->nidle == p->n);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->idle);
    free(p->out);
    p->idle = NULL;
    p->out = NULL;
    p->n = p->nidle = 0;
}

int pool_take(pool *p, int timeout_ms)
{
    struct timespec until;
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += timeout_ms / 1000;
        until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&p->mu);
    if (p->nidle == 0)
        p->waits++;
    while (p->nidle == 0) {
        if (timeout_ms < 0) {
            pthread_cond_wait(&p->cv, &p->mu);
        } else if (pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT && p->nidle == 0) {
            pthread_mutex_unlock(&p->mu);
            return -1;
        }
    }
    int slot = p->idle[--p->nidle];
    assert(!p->out[slot]);
    p->out[slot] = true;
    pthread_mutex_unlock(&p->mu);
    return slot;
}

void pool_give(pool *p, int slot)
{
    pthread_mutex_lock(&p->mu);
    assert(slot >= 0 && slot < p->n && p->out[slot]);
    p->out[slot] = false;
    p->idle[p->nidle++] = slot;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int pool_idle(pool *p)
{
    pthread_mutex_lock(&p->mu);
    int n = p->nidle;
    pthread_mutex_unlock(&p->mu);
    return n;
}
