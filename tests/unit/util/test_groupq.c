/*
 * test_groupq: the hand-over of group commit. Every submitter returns only
 * after its item was finished, each item is taken exactly once, in queue
 * order within a batch, batches respect their bound, and stop lets the
 * consumer end once the queue is empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>

#include "util/groupq.h"

enum { SUBMITTERS = 8, EACH = 200, MAX_BATCH = 5 };

typedef struct job {
    groupq_item link;
    int who, seq;
    int taken; /* times the consumer saw it */
} job;

static groupq q;
static int largest_batch, batches;

static void *consumer(void *arg)
{
    (void)arg;
    groupq_item *batch;
    while ((batch = groupq_take(&q, MAX_BATCH))) {
        int n = 0;
        for (groupq_item *it = batch; it; it = it->next, n++)
            ((job *)it)->taken++;
        if (n > largest_batch)
            largest_batch = n;
        batches++;
        groupq_finish(&q, batch);
    }
    return NULL;
}

static void *submitter(void *arg)
{
    int who = (int)(intptr_t)arg;
    for (int i = 0; i < EACH; i++) {
        job j = {.who = who, .seq = i};
        groupq_submit_wait(&q, &j.link);
        if (j.taken != 1 || !j.link.done)
            return (void *)1; /* returned before, or without, being finished once */
    }
    return NULL;
}

static void test_every_item_once_and_batches_bounded(void **state)
{
    (void)state;
    groupq_init(&q);
    pthread_t c, s[SUBMITTERS];
    assert_int_equal(pthread_create(&c, NULL, consumer, NULL), 0);
    for (int i = 0; i < SUBMITTERS; i++)
        assert_int_equal(pthread_create(&s[i], NULL, submitter, (void *)(intptr_t)i), 0);
    for (int i = 0; i < SUBMITTERS; i++) {
        void *bad;
        pthread_join(s[i], &bad);
        assert_null(bad);
    }
    groupq_stop(&q);
    pthread_join(c, NULL);
    assert_true(largest_batch >= 1 && largest_batch <= MAX_BATCH);
    assert_true(batches >= SUBMITTERS * EACH / MAX_BATCH);
    groupq_release(&q);
}

static void test_take_after_stop_on_empty_queue(void **state)
{
    (void)state;
    groupq r;
    groupq_init(&r);
    groupq_stop(&r);
    assert_null(groupq_take(&r, 4));
    groupq_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_item_once_and_batches_bounded),
        cmocka_unit_test(test_take_after_stop_on_empty_queue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
