/*
 * Unit tests for sec/session: the idle and absolute timeouts at their
 * boundaries, how often a session's use is written, the CSRF token (per
 * session, checked in constant time, never the secret itself) and the
 * cookie's attributes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "sec/session.h"

static const session_config cfg = {.idle = 600, .absolute = 3600, .login = {5, 60, 60, 86400}};

static token sess(int64_t created, int64_t used)
{
    token t = {.kind = 's', .created_at = created, .last_used_at = used};
    return t;
}

static void test_idle_and_absolute(void **state)
{
    (void)state;
    token t = sess(1000, 0);
    assert_int_equal(session_check(&cfg, &t, 1000), SESSION_OK);
    assert_int_equal(session_check(&cfg, &t, 1599), SESSION_OK);
    assert_int_equal(session_check(&cfg, &t, 1600), SESSION_IDLE); /* unused since creation */
    t = sess(1000, 1500);
    assert_int_equal(session_check(&cfg, &t, 2099), SESSION_OK);
    assert_int_equal(session_check(&cfg, &t, 2100), SESSION_IDLE);
    t = sess(1000, 4500);
    assert_int_equal(session_check(&cfg, &t, 4599), SESSION_OK);
    assert_int_equal(session_check(&cfg, &t, 4600), SESSION_ABSOLUTE); /* active, but too old */
    token api = {.kind = 't', .created_at = 0};
    assert_int_equal(session_check(&cfg, &api, 1LL << 40), SESSION_OK);
}

static void test_touch_rate(void **state)
{
    (void)state;
    token t = sess(1000, 1000);
    assert_false(session_should_touch(&cfg, &t, 1059));
    assert_true(session_should_touch(&cfg, &t, 1060)); /* every 60 s at most */
    session_config short_idle = cfg;
    short_idle.idle = 8;
    assert_false(session_should_touch(&short_idle, &t, 1001));
    assert_true(session_should_touch(&short_idle, &t, 1002)); /* idle / 4 */
    short_idle.idle = 2;
    assert_true(session_should_touch(&short_idle, &t, 1001)); /* at least every second */
    token api = {.kind = 't'};
    assert_false(session_should_touch(&cfg, &api, 1LL << 40));
}

static void test_csrf(void **state)
{
    (void)state;
    char a[48], b[48];
    session_csrf("rd_s_first", a, sizeof a);
    session_csrf("rd_s_second", b, sizeof b);
    assert_true(strlen(a) >= 40);
    assert_string_not_equal(a, b);
    assert_null(strstr(a, "first"));
    assert_true(session_csrf_ok("rd_s_first", a));
    assert_false(session_csrf_ok("rd_s_second", a));
    assert_false(session_csrf_ok("rd_s_first", NULL));
    assert_false(session_csrf_ok("rd_s_first", ""));
    a[strlen(a) - 1] ^= 1;
    assert_false(session_csrf_ok("rd_s_first", a));
    char again[48];
    session_csrf("rd_s_second", again, sizeof again);
    assert_string_equal(again, b); /* derived, not stored: the same every time */
}

static void test_cookie(void **state)
{
    (void)state;
    char c[200];
    session_cookie(&cfg, "rd_s_abc", c, sizeof c);
    assert_string_equal(c, "redress_session=rd_s_abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict");
    session_config secure = cfg;
    secure.cookie_secure = true;
    session_cookie(&secure, NULL, c, sizeof c);
    assert_string_equal(c, "redress_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_and_absolute),
        cmocka_unit_test(test_touch_rate),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_cookie),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
