/* core/trend: the early-warning rules on the trend of complaints (seed 002), exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/trend.h"
#include "testutil.h"

#define UNITS "\"units\":[{\"code\":\"HQ\"},{\"code\":\"CSC\"}]"

static void test_rising(void **state)
{
    (void)state;
    json_t *pack = tu_json(
        "{" UNITS ",\"trends\":{\"rules\":[{\"code\":\"line\",\"name\":{\"zh-CN\":\"类别上升\",\"en\":\"Line rises\"},"
        "\"by\":\"category\",\"window_days\":7,\"baseline_days\":28,\"rise_percent\":100,\"at_least\":5,"
        "\"notify\":\"CSC\"}]}}");
    trend_policy tp;
    cerr e = {0};
    assert_int_equal(trend_policy_load(&tp, pack, &e), 0);
    assert_int_equal(tp.n, 1);
    const trend_rule *r = &tp.rules[0];
    assert_string_equal(r->name_en, "Line rises");
    assert_string_equal(r->notify, "CSC");
    int64_t from, base;
    trend_windows(r, 1772326800, &from, &base);
    assert_int_equal(from, 1772326800 - 7 * 86400);
    assert_int_equal(base, from - 28 * 86400);
    int64_t usual;
    /* 8 in 28 days is 2 a week: 4 is double but under at_least, 5 rises */
    assert_false(trend_rising(r, 4, 8, &usual));
    assert_int_equal(usual, 200);
    assert_true(trend_rising(r, 5, 8, NULL));
    /* 12 in 28 days is 3 a week: 5 is not double, 6 is */
    assert_false(trend_rising(r, 5, 12, NULL));
    assert_true(trend_rising(r, 6, 12, NULL));
    /* nothing before: at_least alone */
    assert_true(trend_rising(r, 5, 0, &usual));
    assert_int_equal(usual, 0);
    trend_policy_release(&tp);
    json_decref(pack);
}

static void test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *trends, *path;
    } bad[] = {
        {"{\"rules\":{}}", "trends.rules"},
        {"{\"rules\":[],\"extra\":1}", "trends"},
        {"{\"rules\":[{\"code\":\"a\",\"name\":\"A\",\"by\":\"moon\",\"window_days\":7,\"baseline_days\":28,"
         "\"rise_percent\":50}]}",
         "trends.rules[0]"},
        {"{\"rules\":[{\"code\":\"a\",\"name\":\"A\",\"by\":\"unit\",\"window_days\":0,\"baseline_days\":28,"
         "\"rise_percent\":50}]}",
         "trends.rules[0]"},
        {"{\"rules\":[{\"code\":\"a\",\"name\":\"A\",\"by\":\"unit\",\"window_days\":7,\"baseline_days\":28,"
         "\"rise_percent\":50,\"notify\":\"NOWHERE\"}]}",
         "trends.rules[0]"},
        {"{\"rules\":[{\"code\":\"a\",\"name\":\"A\",\"by\":\"unit\",\"window_days\":7,\"baseline_days\":28,"
         "\"rise_percent\":50},{\"code\":\"a\",\"name\":\"B\",\"by\":\"unit\",\"window_days\":7,\"baseline_days\":28,"
         "\"rise_percent\":50}]}",
         "trends.rules[1]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *pack = tu_json("{" UNITS "}");
        json_object_set_new(pack, "trends", tu_json(bad[i].trends));
        trend_policy tp;
        cerr e = {0};
        if (trend_policy_load(&tp, pack, &e) == 0)
            fail_msg("case %zu loaded, expected an error at %s", i, bad[i].path);
        if (strcmp(e.field, bad[i].path) != 0 || strcmp(e.code, "invalid_pack") != 0)
            fail_msg("case %zu: error at \"%s\" (%s), expected %s", i, e.field, e.message, bad[i].path);
        trend_policy_release(&tp);
        json_decref(pack);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rising),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
