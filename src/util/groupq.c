/* groupq: see groupq.h. */
#include "util/groupq.h"

#include <stddef.h>

void groupq_init(groupq *q)
{
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    q->head = q->tail = NULL;
    q->stopping = false;
}

void groupq_release(groupq *q)
{
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->work);
}

void groupq_submit_wait(groupq *q, groupq_item *it)
{
    it->next = NULL;
    it->done = false;
    pthread_cond_init(&it->cv, NULL);
    pthread_mutex_lock(&q->mu);
    if (q->tail)
        q->tail->next = it;
    else
        q->head = it;
    q->tail = it;
    pthread_cond_signal(&q->work);
    while (!it->done)
        pthread_cond_wait(&it->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    /* Signalled under q->mu, so no one touches it->cv once we hold it again. */
    pthread_cond_destroy(&it->cv);
}

groupq_item *groupq_take(groupq *q, int max)
{
    pthread_mutex_lock(&q->mu);
    while (!q->head && !q->stopping)
        pthread_cond_wait(&q->work, &q->mu);
    groupq_item *batch = q->head, *last = batch;
    if (batch) {
        for (int n = 1; last->next && n < max; n++)
            last = last->next;
        q->head = last->next;
        if (!q->head)
            q->tail = NULL;
        last->next = NULL;
    }
    pthread_mutex_unlock(&q->mu);
    return batch;
}

void groupq_finish(groupq *q, groupq_item *batch)
{
    pthread_mutex_lock(&q->mu);
    for (groupq_item *it = batch, *next; it; it = next) {
        next = it->next; /* read before done: the submitter may return once we unlock */
        it->done = true;
        pthread_cond_signal(&it->cv);
    }
    pthread_mutex_unlock(&q->mu);
}

void groupq_stop(groupq *q)
{
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->mu);
}
