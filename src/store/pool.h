/*
 * pool: a fixed number of slots (the PostgreSQL backend's connections) lent
 * to one thread at a time. The pool knows nothing of what a slot holds: it
 * hands out indices, so it can be tested without a database.
 *
 * A borrower waits on a condition variable while every slot is out, up to a
 * time limit; the slot returned last is lent first, so a lightly loaded node
 * keeps using the same few warm connections and the rest stay idle.
 */
#ifndef REDRESS_STORE_POOL_H
#define REDRESS_STORE_POOL_H

#include <pthread.h>
#include <stdbool.h>

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int n;     /* slots 0 … n-1 */
    int *idle; /* stack of the slots not lent out; idle[nidle-1] is lent next */
    int nidle;
    bool *out;           /* out[i]: slot i is lent (catches a slot given back twice) */
    unsigned long waits; /* borrowers that found every slot out (for metrics and tests) */
} pool;

/* Sets up n (>= 1) idle slots; p is not allocated here. */
void pool_init(pool *p, int n);
/* Releases what pool_init allocated; every slot must have been given back. */
void pool_release(pool *p);
/*
 * Takes a slot, waiting while all are lent: up to timeout_ms milliseconds,
 * or for ever when timeout_ms < 0. Returns the slot's index, or -1 when the
 * time ran out.
 */
int pool_take(pool *p, int timeout_ms);
/* Gives slot back (it must have been taken) and wakes one waiting borrower. */
void pool_give(pool *p, int slot);
/* Slots not lent out now (a snapshot, for metrics and tests). */
int pool_idle(pool *p);

#endif
