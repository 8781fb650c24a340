/*
 * test_throttle: the sign-in throttle of one (address, name) pair — free
 * failures, then blocks that double up to the cap, refusal while blocked,
 * a success or a quiet period clearing the count — to the second.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/throttle.h"

static const throttle_rule R = {.limit = 3, .first_delay = 60, .max_delay = 300, .forget = 86400};
enum { T0 = 1700000000 };

static void test_blocks_after_the_limit_and_doubles_to_the_cap(void **state)
{
    (void)state;
    throttle_state s = {0};
    assert_false(throttle_record(&R, &s, false, T0));
    assert_false(throttle_record(&R, &s, false, T0 + 1));
    assert_int_equal(throttle_wait(&s, T0 + 2), 0);
    assert_true(throttle_record(&R, &s, false, T0 + 2));
    assert_int_equal(throttle_wait(&s, T0 + 2), 60);
    assert_int_equal(throttle_wait(&s, T0 + 61), 1);
    assert_int_equal(throttle_wait(&s, T0 + 62), 0);
    /* A failure that raced with the one that blocked changes nothing. */
    throttle_state during = s;
    assert_true(throttle_record(&R, &during, false, T0 + 30));
    assert_memory_equal(&during, &s, sizeof s);
    int64_t t = T0 + 62;
    const int64_t expect[] = {120, 240, 300, 300};
    for (int i = 0; i < 4; i++) {
        assert_true(throttle_record(&R, &s, false, t));
        assert_int_equal(throttle_wait(&s, t), expect[i]);
        t += expect[i];
    }
}

static void test_success_and_quiet_clear_the_count(void **state)
{
    (void)state;
    throttle_state s = {0};
    throttle_record(&R, &s, false, T0);
    throttle_record(&R, &s, false, T0);
    assert_false(throttle_record(&R, &s, true, T0 + 1));
    assert_int_equal(s.failures, 0);
    assert_false(throttle_record(&R, &s, false, T0 + 2));
    assert_false(throttle_record(&R, &s, false, T0 + 3));
    assert_false(throttle_stale(&R, &s, T0 + 3 + 86399));
    assert_true(throttle_stale(&R, &s, T0 + 3 + 86400));
    /* A day later the two failures are forgotten: a third does not block. */
    assert_false(throttle_record(&R, &s, false, T0 + 3 + 86400));
    assert_int_equal(s.failures, 1);
}

static void test_a_block_is_not_stale_and_limit_0_never_blocks(void **state)
{
    (void)state;
    const throttle_rule quick = {.limit = 1, .first_delay = 10, .max_delay = 10, .forget = 5};
    throttle_state s = {0};
    assert_true(throttle_record(&quick, &s, false, T0));
    assert_false(throttle_stale(&quick, &s, T0 + 9));
    assert_true(throttle_stale(&quick, &s, T0 + 10));
    const throttle_rule never = {.limit = 0, .first_delay = 10, .max_delay = 10, .forget = 5};
    throttle_state n = {0};
    for (int i = 0; i < 50; i++)
        assert_false(throttle_record(&never, &n, false, T0 + i));
    assert_int_equal(throttle_wait(&n, T0 + 50), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_after_the_limit_and_doubles_to_the_cap),
        cmocka_unit_test(test_success_and_quiet_clear_the_count),
        cmocka_unit_test(test_a_block_is_not_stale_and_limit_0_never_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
