/*
 * Unit tests for store/pool, the connection pool of the PostgreSQL backend,
 * without a database: a slot is lent to one borrower at a time, the last
 * slot given back is lent first, a borrower waits while every slot is out
 * and gets the first one given back, a wait with a limit gives up after it,
 * and many threads hammering a small pool never share a slot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>

#include "store/pool.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void test_lends_each_slot_once(void **state)
{
    (void)state;
    pool p;
    pool_init(&p, 3);
    assert_int_equal(pool_idle(&p), 3);
    int a = pool_take(&p, 0), b = pool_take(&p, 0), c = pool_take(&p, 0);
    assert_int_equal(a, 0); /* the first borrower gets the first slot */
    assert_true(a != b && b != c && a != c);
    assert_true(a >= 0 && a < 3 && b >= 0 && b < 3 && c >= 0 && c < 3);
    assert_int_equal(pool_idle(&p), 0);
    assert_int_equal(pool_take(&p, 0), -1); /* none left, no waiting */
    pool_give(&p, b);
    assert_int_equal(pool_take(&p, 0), b); /* the warm one comes back first */
    pool_give(&p, a);
    pool_give(&p, b);
    pool_give(&p, c);
    assert_int_equal(pool_idle(&p), 3);
    pool_release(&p);
}

static void test_timeout(void **state)
{
    (void)state;
    pool p;
    pool_init(&p, 1);
    int a = pool_take(&p, -1);
    assert_int_equal(a, 0);
    double t0 = now_ms();
    assert_int_equal(pool_take(&p, 150), -1);
    double waited = now_ms() - t0;
    assert_true(waited >= 140.0); /* it did wait */
    assert_true(waited < 5000.0); /* and gave up */
    assert_true(p.waits >= 1);
    pool_give(&p, a);
    pool_release(&p);
}

struct giver {
    pool *p;
    int slot;
    int delay_ms;
};

static void *give_later(void *arg)
{
    struct giver *g = arg;
    usleep((useconds_t)g->delay_ms * 1000);
    pool_give(g->p, g->slot);
    return NULL;
}

static void test_waiter_gets_the_slot_given_back(void **state)
{
    (void)state;
    pool p;
    pool_init(&p, 2);
    int a = pool_take(&p, -1), b = pool_take(&p, -1);
    struct giver g = {&p, b, 100};
    pthread_t th;
    pthread_create(&th, NULL, give_later, &g);
    double t0 = now_ms();
    int got = pool_take(&p, 5000); /* waits for the other thread */
    assert_int_equal(got, b);
    assert_true(now_ms() - t0 >= 90.0);
    pthread_join(th, NULL);
    pool_give(&p, a);
    pool_give(&p, got);
    pool_release(&p);
}

enum { THREADS = 16, ROUNDS = 2000, SLOTS = 3 };

struct hammer {
    pool *p;
    int *holders; /* holders[slot]: how many threads hold it now (must stay 0 or 1) */
    pthread_mutex_t *mu;
    int violations;
};

static void *hammer_main(void *arg)
{
    struct hammer *h = arg;
    for (int i = 0; i < ROUNDS; i++) {
        int s = pool_take(h->p, -1);
        pthread_mutex_lock(h->mu);
        if (s < 0 || s >= SLOTS || ++h->holders[s] != 1)
            h->violations++;
        pthread_mutex_unlock(h->mu);
        if (i % 64 == 0)
            sched_yield();
        pthread_mutex_lock(h->mu);
        h->holders[s]--;
        pthread_mutex_unlock(h->mu);
        pool_give(h->p, s);
    }
    return NULL;
}

static void test_many_threads_never_share_a_slot(void **state)
{
    (void)state;
    pool p;
    pool_init(&p, SLOTS);
    int holders[SLOTS] = {0};
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    struct hammer h[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        h[i] = (struct hammer){&p, holders, &mu, 0};
        pthread_create(&th[i], NULL, hammer_main, &h[i]);
    }
    int violations = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        violations += h[i].violations;
    }
    assert_int_equal(violations, 0);
    assert_int_equal(pool_idle(&p), SLOTS);
    pool_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lends_each_slot_once),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_waiter_gets_the_slot_given_back),
        cmocka_unit_test(test_many_threads_never_share_a_slot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
