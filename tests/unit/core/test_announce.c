/*
 * Unit tests for core/announce: an announcement's body is checked member by
 * member (the scope's lists by the unit tree and the taxonomy); published
 * more than an hour after the fault was confirmed it is late; its scope
 * covers the subtrees of its units and categories and its channels, within
 * its window; resolved, it covers nothing and cannot be resolved again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/announce.h"
#include "core/policy.h"
#include "testutil.h"
#include "util/timeutil.h"

enum { NOW = 1800000000 };

typedef struct fx {
    policy pol;
    org org;
} fx;

static int setup(void **state)
{
    static fx f;
    tu_policy(&f.pol);
    tu_org(&f.org);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    policy_release(&f->pol);
    org_release(&f->org);
    return 0;
}

/* Parses body (JSON text) into a; the result of announce_parse, e filled. */
static int parse(fx *f, const char *body, announcement *a, cerr *e)
{
    json_error_t jerr;
    json_t *in = json_loads(body, 0, &jerr);
    assert_non_null(in);
    memset(e, 0, sizeof *e);
    int rc = announce_parse(a, in, &f->org, &f->pol.tax, U_DEPT, 9, NOW, e);
    json_decref(in);
    return rc;
}

#define BODY(scope, extra)                                                                                             \
    "{\"title\":\"充值系统故障\",\"script\":\"统一口径\",\"scope\":" scope ",\"starts_at\":\"2027-01-15T08:00:00+08:00\"" extra "}"

static void expect_refused(fx *f, const char *body, const char *code, const char *field)
{
    announcement a = {0};
    cerr e;
    assert_int_equal(parse(f, body, &a, &e), CERR_USER);
    assert_string_equal(e.code, code);
    assert_string_equal(e.field, field);
    announcement_release(&a);
}

static void test_parse_refusals(void **state)
{
    fx *f = *state;
    expect_refused(f, "{\"script\":\"x\",\"scope\":{},\"starts_at\":\"2027-01-15T08:00:00+08:00\"}", "validation_failed",
                   "title");
    expect_refused(f, BODY("[]", ""), "validation_failed", "scope");
    expect_refused(f, BODY("{\"units\":[\"NOPE\"]}", ""), "validation_failed", "scope.units");
    expect_refused(f, BODY("{\"categories\":[\"nope\"]}", ""), "validation_failed", "scope.categories");
    expect_refused(f, BODY("{\"channels\":[\"pigeon\"]}", ""), "validation_failed", "scope.channels");
    expect_refused(f, BODY("{\"sites\":[]}", ""), CERR_UNKNOWN_FIELD, "scope.sites");
    expect_refused(f, BODY("{}", ",\"ends_at\":\"2027-01-15T07:00:00+08:00\""), "validation_failed", "ends_at");
    expect_refused(f, BODY("{}", ",\"confirmed_at\":\"2030-01-01T00:00:00Z\""), "validation_failed", "confirmed_at");
}

static void test_late_after_an_hour(void **state)
{
    fx *f = *state;
    announcement a = {0};
    cerr e;
    char body[512];
    /* Exactly an hour after confirmation is on time; a second more is late. */
    for (int extra = 0; extra <= 1; extra++) {
        char when[32];
        time_format(NOW - ANNOUNCE_PUBLISH_LIMIT - extra, 0, when, sizeof when);
        snprintf(body, sizeof body, BODY("{}", ",\"confirmed_at\":\"%s\""), when);
        assert_int_equal(parse(f, body, &a, &e), 0);
        assert_int_equal(a.late, extra == 1);
        assert_int_equal(a.published_at, NOW);
        assert_int_equal(a.unit, U_DEPT);
    }
    /* Without confirmed_at the fault is confirmed as it is published. */
    assert_int_equal(parse(f, BODY("{}", ""), &a, &e), 0);
    assert_int_equal(a.confirmed_at, NOW);
    assert_false(a.late);
    announcement_release(&a);
}

static void test_scope_and_window(void **state)
{
    fx *f = *state;
    announcement a = {0};
    cerr e;
    assert_int_equal(parse(f, BODY("{\"units\":[\"SH\"],\"categories\":[\"service\"],\"channels\":[\"phone\"]}",
                                   ",\"ends_at\":\"2027-01-16T08:00:00+08:00\""),
                           &a, &e),
                     0);
    int64_t in = a.starts_at + 60;
    assert_true(announce_matches(&a, &f->org, &f->pol.tax, U_SITE1, "attitude", "phone", in));
    assert_true(announce_matches(&a, &f->org, &f->pol.tax, 0, NULL, NULL, in));
    assert_false(announce_matches(&a, &f->org, &f->pol.tax, U_DEPT, "attitude", "phone", in)); /* outside SH */
    assert_false(announce_matches(&a, &f->org, &f->pol.tax, U_SITE1, "quantity", "phone", in));
    assert_false(announce_matches(&a, &f->org, &f->pol.tax, U_SITE1, "attitude", "walk_in", in));
    assert_false(announce_matches(&a, &f->org, &f->pol.tax, U_SITE1, "attitude", "phone", a.starts_at - 1));
    assert_false(announce_matches(&a, &f->org, &f->pol.tax, U_SITE1, "attitude", "phone", a.ends_at));

    /* A complaint that names no unit, category or channel is not covered by a scope that narrows them. */
    assert_true(announce_covers(&a, &f->org, &f->pol.tax, U_SITE1, "attitude", "phone", in));
    assert_false(announce_covers(&a, &f->org, &f->pol.tax, 0, "attitude", "phone", in));
    assert_false(announce_covers(&a, &f->org, &f->pol.tax, U_SITE1, NULL, "phone", in));
    assert_false(announce_covers(&a, &f->org, &f->pol.tax, U_SITE1, "attitude", "", in));
    /* Who sees it: the people whose scope meets SH's subtree, above or below. */
    assert_true(announce_concerns(&a, &f->org, 0));
    assert_true(announce_concerns(&a, &f->org, U_HQ));
    assert_true(announce_concerns(&a, &f->org, U_BRANCH));
    assert_true(announce_concerns(&a, &f->org, U_SITE2));
    assert_false(announce_concerns(&a, &f->org, U_DEPT));

    assert_int_equal(announce_resolve(&a, "已恢复", 7, in, &e), 0);
    assert_string_equal(a.status, "resolved");
    assert_int_equal(a.version, 2);
    assert_false(announce_matches(&a, &f->org, &f->pol.tax, U_SITE1, "attitude", "phone", in));
    assert_int_equal(announce_resolve(&a, NULL, 7, in, &e), CERR_USER);
    assert_string_equal(e.code, "action_not_allowed");
    announcement_release(&a);
}

/* A station's fault concerns the station, the units above it, and not the station next door. */
static void test_concerns_one_station(void **state)
{
    fx *f = *state;
    announcement a = {0};
    cerr e;
    assert_int_equal(parse(f, BODY("{\"units\":[\"PD-01\"]}", ""), &a, &e), 0);
    assert_true(announce_concerns(&a, &f->org, U_SITE1));
    assert_true(announce_concerns(&a, &f->org, U_REGION));
    assert_true(announce_concerns(&a, &f->org, U_BRANCH));
    assert_false(announce_concerns(&a, &f->org, U_SITE2));
    assert_true(announce_covers(&a, &f->org, &f->pol.tax, U_SITE1, NULL, NULL, a.starts_at));
    assert_false(announce_covers(&a, &f->org, &f->pol.tax, U_SITE2, NULL, NULL, a.starts_at));
    announcement_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_late_after_an_hour),
        cmocka_unit_test(test_scope_and_window),
        cmocka_unit_test(test_concerns_one_station),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
