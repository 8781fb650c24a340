/*
 * groupq: the hand-over between request threads and one committing thread
 * that group commit needs. A request queues an item and sleeps until the
 * consumer has committed it; the consumer takes everything queued (up to a
 * bound) as one batch, commits it in one transaction, and wakes the batch's
 * submitters. Both stores use it: the SQLite writer thread for every write,
 * the PostgreSQL backend for complaint creation.
 *
 * An item lives in the submitter's stack frame; embed groupq_item as the
 * first member of the job struct and cast. Items are owned by their
 * submitters throughout; the queue only links them.
 */
#ifndef REDRESS_GROUPQ_H
#define REDRESS_GROUPQ_H

#include <pthread.h>
#include <stdbool.h>

typedef struct groupq_item {
    struct groupq_item *next;
    bool done;
    /* Its submitter sleeps on a condition of its own: with one shared by
     * all, every commit woke every waiting submitter, most of them only to
     * find their item still queued for the next batch. */
    pthread_cond_t cv;
} groupq_item;

typedef struct groupq {
    pthread_mutex_t mu;
    pthread_cond_t work;
    groupq_item *head, *tail;
    bool stopping;
} groupq;

void groupq_init(groupq *q);
void groupq_release(groupq *q);
/* Queues it (borrowed) and returns once groupq_finish has covered it. */
void groupq_submit_wait(groupq *q, groupq_item *it);
/* Waits for work and detaches up to max items in queue order; returns NULL
 * once groupq_stop was called and the queue is empty. */
groupq_item *groupq_take(groupq *q, int max);
/* Marks every item of batch done and wakes their submitters; the items
 * must not be touched by the consumer afterwards. */
void groupq_finish(groupq *q, groupq_item *batch);
/* Lets groupq_take return NULL when the queue has drained. */
void groupq_stop(groupq *q);

#endif
