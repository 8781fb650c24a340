/*
 * worker: a background thread with the mutex and condition it waits on, and
 * the flag that tells it to end — what the sweeper, the SQLite store's
 * checkpointer and its syncer each need. The thread's function does its own
 * waiting (under mu, on cv, until its work or stop); worker_stop sets stop,
 * wakes it and waits for it to end.
 */
#ifndef REDRESS_WORKER_H
#define REDRESS_WORKER_H

#include <pthread.h>
#include <stdbool.h>

typedef struct worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* timed waits measure CLOCK_MONOTONIC */
    bool stop;         /* under mu */
} worker;

/* A condition whose timed waits measure CLOCK_MONOTONIC: a change of the
 * wall clock must neither cut a wait short nor stretch it. */
void cond_init_monotonic(pthread_cond_t *cv);

/* Initialises w and runs fn(arg) on a thread of its own; -1 if the thread
 * cannot be started (w is then released: nothing to stop). */
int worker_start(worker *w, void *(*fn)(void *), void *arg);
/* Sets stop, wakes the thread, waits until it has ended and releases w. */
void worker_stop(worker *w);

#endif
