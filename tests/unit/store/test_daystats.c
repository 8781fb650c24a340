/*
 * Unit tests for store_day_stats_add (store/store.c): how the scoped
 * overview counts one complaint into its 30 days — received on the local
 * day of received_at, closed (on time, first contact) on the local day of
 * closed_at, nothing outside the window.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/store.h"

#define TZ 480 /* +08:00 */
#define DAY0 INT64_C(20513) /* the local day of 2026-03-01 */
#define T0 (DAY0 * 86400 - TZ * 60) /* 2026-03-01T00:00:00+08:00 */

static void test_received_and_closed_days(void **state)
{
    (void)state;
    day_stat d[3];
    memset(d, 0, sizeof d);
    /* 23:30 local on day 0 is still day 0; 00:30 local of day 1 is day 1 (both the same UTC date). */
    store_day_stats_add(d, DAY0, DAY0 + 2, TZ, T0 + 23 * 3600 + 1800, 0, 0, false);
    store_day_stats_add(d, DAY0, DAY0 + 2, TZ, T0 + 24 * 3600 + 1800, T0 + 2 * 86400 + 60, T0 + 2 * 86400 + 120, true);
    store_day_stats_add(d, DAY0, DAY0 + 2, TZ, T0 + 3600, T0 + 2 * 86400 + 600, T0 + 2 * 86400 + 120, false);
    assert_int_equal(d[0].received, 2);
    assert_int_equal(d[1].received, 1);
    assert_int_equal(d[2].received, 0);
    assert_int_equal(d[2].closed, 2);
    assert_int_equal(d[2].closed_on_time, 1); /* the second was closed after its overall deadline */
    assert_int_equal(d[2].first_contact, 1);
    assert_int_equal(d[0].closed + d[1].closed, 0);
}

static void test_outside_the_window(void **state)
{
    (void)state;
    day_stat d[1];
    memset(d, 0, sizeof d);
    store_day_stats_add(d, DAY0, DAY0, TZ, T0 - 1, T0 + 86400, 0, false); /* received the day before, closed after */
    assert_int_equal(d[0].received, 0);
    assert_int_equal(d[0].closed, 0);
    store_day_stats_add(d, DAY0, DAY0, TZ, T0 - 86400, T0 + 10, 0, false); /* no deadline: on time */
    assert_int_equal(d[0].closed, 1);
    assert_int_equal(d[0].closed_on_time, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_received_and_closed_days),
        cmocka_unit_test(test_outside_the_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
