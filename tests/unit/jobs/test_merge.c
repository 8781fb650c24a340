/*
 * test_merge: when the search index's merger merges (jobs/merge.h
 * merge_due) — at once when the store is quiet, during a burst only at the
 * size or age bound.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jobs/merge.h"

static void test_merge_due(void **state)
{
    (void)state;
    merge_policy p = {.interval_ms = 1000, .batch = 500, .max_rows = 5000, .max_delay_s = 30};
    assert_false(merge_due(&p, 0, false, 0));     /* nothing waits */
    assert_false(merge_due(&p, 0, true, 99999));  /* nothing waits, however long */
    assert_true(merge_due(&p, 1, false, 0));      /* quiet: merge what waits */
    assert_false(merge_due(&p, 4999, true, 29999)); /* a burst: give way */
    assert_true(merge_due(&p, 5000, true, 0));    /* the size bound */
    assert_true(merge_due(&p, 10, true, 30000));  /* the age bound */
    p.max_delay_s = 0;
    assert_true(merge_due(&p, 1, true, 0)); /* 0: merge at every wake-up */
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_merge_due)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
