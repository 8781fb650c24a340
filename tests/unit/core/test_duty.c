/*
 * Unit tests for core/duty: a unit's roster checked (a user, from before
 * to, at most 31 days, no overlap, sorted), the person on duty found at
 * the unit or the nearest unit above it with half-open entries, and the
 * escalation decided by the unit's working calendar at the instant given
 * — on the seven units of testutil.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/duty.h"
#include "testutil.h"

/* 2026-12-07 (a Monday) 00:00 in Shanghai, as UTC seconds. */
#define MON0 INT64_C(1796572800)
#define H (INT64_C(3600))

static void refused(int rc, const cerr *e, const char *field)
{
    assert_int_equal(rc, CERR_USER);
    assert_string_equal(e->code, "validation_failed");
    assert_string_equal(e->field, field);
}

static void test_check(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    duty_entry ok[] = {{U_REGION, 9, MON0 + 18 * H, MON0 + 32 * H}, {U_REGION, 8, MON0 - 6 * H, MON0 + 8 * H}};
    assert_int_equal(duty_check(ok, 2, &e), 0);
    assert_int_equal(ok[0].user, 8); /* sorted by from */
    assert_int_equal(ok[1].user, 9);
    assert_int_equal(duty_check(NULL, 0, &e), 0); /* an empty roster clears it */

    duty_entry nouser[] = {{U_REGION, 9, MON0, MON0 + H}, {U_REGION, 0, MON0 + 2 * H, MON0 + 3 * H}};
    refused(duty_check(nouser, 2, &e), &e, "entries[1].user");
    duty_entry backwards[] = {{U_REGION, 9, MON0 + H, MON0 + H}};
    refused(duty_check(backwards, 1, &e), &e, "entries[0].to");
    duty_entry long_one[] = {{U_REGION, 9, MON0, MON0 + DUTY_MAX_SECONDS + 1}};
    refused(duty_check(long_one, 1, &e), &e, "entries[0].to");
    duty_entry longest[] = {{U_REGION, 9, MON0, MON0 + DUTY_MAX_SECONDS}};
    assert_int_equal(duty_check(longest, 1, &e), 0);
    /* the later of two overlapping entries is named by its index as given */
    duty_entry overlap[] = {{U_REGION, 9, MON0 + 10 * H, MON0 + 12 * H}, {U_REGION, 8, MON0, MON0 + 11 * H}};
    refused(duty_check(overlap, 2, &e), &e, "entries[0].from");
    assert_int_equal(overlap[0].user, 9); /* refused: left as given */
    /* touching entries do not overlap (half-open) */
    duty_entry touching[] = {{U_REGION, 9, MON0, MON0 + H}, {U_REGION, 8, MON0 + H, MON0 + 2 * H}};
    assert_int_equal(duty_check(touching, 2, &e), 0);
}

static void test_on_call(void **state)
{
    (void)state;
    org o;
    tu_org(&o);
    const duty_entry e[] = {
        {U_REGION, 30, MON0 + 18 * H, MON0 + 32 * H},
        {U_SITE1, 41, MON0 + 20 * H, MON0 + 22 * H},
        {U_HQ, 10, MON0, MON0 + 7 * 24 * H},
    };
    /* the site's own entry first, then the region's, then headquarters' */
    assert_int_equal(duty_on_call(&o, e, 3, U_SITE1, MON0 + 21 * H), 41);
    assert_int_equal(duty_on_call(&o, e, 3, U_SITE2, MON0 + 21 * H), 30);
    assert_int_equal(duty_on_call(&o, e, 3, U_SITE1, MON0 + 22 * H), 30); /* to is not included */
    assert_int_equal(duty_on_call(&o, e, 3, U_SITE1, MON0 + 18 * H), 30); /* from is */
    assert_int_equal(duty_on_call(&o, e, 3, U_SITE1, MON0 + 12 * H), 10);
    assert_int_equal(duty_on_call(&o, e, 3, U_CENTRE, MON0 + 21 * H), 10); /* not below the region */
    assert_int_equal(duty_on_call(&o, e, 2, U_CENTRE, MON0 + 21 * H), 0);
    assert_int_equal(duty_on_call(&o, e, 3, U_SITE1, MON0 + 8 * 24 * H), 0);
    assert_int_equal(duty_on_call(&o, e, 3, 0, MON0 + 21 * H), 0);
    org_release(&o);
}

static void test_escalation(void **state)
{
    (void)state;
    org o;
    tu_org(&o);
    calendar office, always;
    calendar_init(&office);
    calendar_init(&always);
    assert_int_equal(calendar_parse_json(&office,
                                         "{\"timezone\":\"Asia/Shanghai\",\"week\":{\"mon\":[\"08:30-17:30\"],"
                                         "\"tue\":[\"08:30-17:30\"]}}",
                                         NULL),
                     0);
    assert_int_equal(calendar_parse_json(&always, "{\"mode\":\"24x7\"}", NULL), 0);
    const duty_entry e[] = {{U_REGION, 30, MON0 - 24 * H, MON0 + 7 * 24 * H}};
    /* Monday 10:00 is working time: nobody more; 17:30 and 03:00 are not */
    assert_int_equal(duty_escalation(&office, &o, e, 1, U_SITE1, MON0 + 10 * H), 0);
    assert_int_equal(duty_escalation(&office, &o, e, 1, U_SITE1, MON0 + 17 * H + 1800), 30);
    assert_int_equal(duty_escalation(&office, &o, e, 1, U_SITE1, MON0 + 3 * H), 30);
    /* Sunday noon has no working time on this calendar */
    assert_int_equal(duty_escalation(&office, &o, e, 1, U_SITE1, MON0 - 12 * H), 30);
    /* a unit that works around the clock, or no calendar, never escalates */
    assert_int_equal(duty_escalation(&always, &o, e, 1, U_SITE1, MON0 + 3 * H), 0);
    assert_int_equal(duty_escalation(NULL, &o, e, 1, U_SITE1, MON0 + 3 * H), 0);
    /* outside working time with nobody on duty */
    assert_int_equal(duty_escalation(&office, &o, e, 1, U_CENTRE, MON0 + 3 * H), 0);
    calendar_release(&office);
    calendar_release(&always);
    org_release(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_on_call),
        cmocka_unit_test(test_escalation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
