/*
 * test_importmap: a ledger's mapping — its members checked and named when
 * wrong, bound to a header, and a row made an intake body: value maps,
 * defaults, dotted fields, dates in several formats at the organisation's
 * offset (and the calendar's real days), a historical closing, and the
 * column at fault when a row is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/importmap.h"

static importmap *parse(const char *text, cerr *e)
{
    json_t *m = json_loads(text, 0, NULL);
    assert_non_null(m);
    importmap *im = importmap_parse(m, e);
    json_decref(m);
    return im;
}

static const char MAP[] =
    "{\"key\":\"编号\",\"fields\":{\"received_at\":\"受理时间\",\"channel\":\"渠道\",\"customer.name\":\"客户\","
    "\"closed_at\":\"结案时间\",\"nature\":\"性质\",\"on_time\":\"及时\",\"level\":\"等级\"},"
    "\"values\":{\"channel\":{\"电话\":\"phone\"},\"nature\":{\"有效\":\"valid\"}},"
    "\"defaults\":{\"customer.class\":\"ordinary\",\"channel\":\"letter\"},"
    "\"formats\":{\"received_at\":[\"%Y/%m/%d %H:%M\",\"%Y年%m月%d日\"],\"closed_at\":\"%Y-%m-%d\"}}";
static const char *const HEADER[] = {" 编号 ", "受理时间", "渠道", "客户", "结案时间", "性质", "及时", "等级"};

static void test_a_row_becomes_an_intake(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    importmap *m = parse(MAP, &e);
    assert_non_null(m);
    assert_int_equal(importmap_bind(m, HEADER, 8, &e), 0);
    const char *row[] = {"A1", "2025/01/02 08:30", "电话", "张三", "2025-01-05", "有效", "否", "3"};
    importmap_row r;
    assert_int_equal(importmap_row_make(m, row, 8, 480, &r, &e), 0);
    assert_string_equal(r.key, "A1");
    assert_string_equal(json_string_value(json_object_get(r.body, "channel")), "phone");
    assert_string_equal(json_string_value(json_object_get(r.body, "received_at")), "2025-01-02T08:30:00+08:00");
    assert_int_equal(r.received_at, 1735777800); /* 2025-01-02T00:30:00Z */
    json_t *cust = json_object_get(r.body, "customer");
    assert_string_equal(json_string_value(json_object_get(cust, "name")), "张三");
    assert_string_equal(json_string_value(json_object_get(cust, "class")), "ordinary");
    assert_int_equal(json_integer_value(json_object_get(r.body, "level")), 3);
    assert_non_null(r.closing);
    assert_string_equal(json_string_value(json_object_get(r.closing, "nature")), "valid");
    assert_true(json_is_false(json_object_get(r.closing, "on_time")));
    assert_int_equal(r.closed_at, 1736006400); /* 2025-01-05T00:00+08:00 */
    assert_null(json_object_get(r.body, "closed_at"));
    importmap_row_release(&r);

    /* The second format, a default for an empty cell, an open complaint (a short row). */
    const char *open[] = {"A2", "2024年2月29日", ""};
    assert_int_equal(importmap_row_make(m, open, 3, 480, &r, &e), 0);
    assert_string_equal(json_string_value(json_object_get(r.body, "channel")), "letter");
    assert_string_equal(json_string_value(json_object_get(r.body, "received_at")), "2024-02-29T00:00:00+08:00");
    assert_null(r.closing);
    importmap_row_release(&r);
    importmap_free(m);
}

static void test_a_bad_row_names_its_column(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    importmap *m = parse(MAP, &e);
    assert_int_equal(importmap_bind(m, HEADER, 8, &e), 0);
    static const struct {
        const char *cells[8];
        const char *column;
    } bad[] = {
        {{"A", "2025/02/30 08:00"}, "受理时间"},          /* no such day */
        {{"A", "2025/01/02 25:00"}, "受理时间"},          /* no such hour */
        {{"", "2025/01/02 08:00"}, "编号"},               /* no key */
        {{"A", "2025/01/02 08:00", "", "", "2025-01-03", "", "是"}, "性质"}, /* closed without a nature */
        {{"A", "2025/01/02 08:00", "", "", "", "有效"}, "结案时间"},          /* a nature without a closing */
        {{"A", "2025/01/02 08:00", "", "", "2025-01-03", "有效", "也许"}, "及时"},
        {{"A", "2025/01/02 08:00", "", "", "", "", "", "十"}, "等级"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *cells[8];
        for (int k = 0; k < 8; k++)
            cells[k] = bad[i].cells[k] ? bad[i].cells[k] : "";
        importmap_row r;
        e = (cerr)CERR_INIT;
        assert_int_equal(importmap_row_make(m, cells, 8, 480, &r, &e), CERR_USER);
        assert_string_equal(e.field, bad[i].column);
        importmap_row_release(&r);
    }
    importmap_free(m);
}

static void test_a_bad_mapping_is_named(void **state)
{
    (void)state;
    static const struct {
        const char *text, *field;
    } bad[] = {
        {"{\"fields\":{}}", "key"},
        {"{\"key\":\"k\"}", "fields"},
        {"{\"key\":\"k\",\"fields\":{\"customer.nmae\":\"c\"}}", "fields.customer.nmae"},
        {"{\"key\":\"k\",\"fields\":{\"channel\":7}}", "fields.channel"},
        {"{\"key\":\"k\",\"fields\":{},\"formats\":{\"channel\":\"%Y\"}}", "formats.channel"},
        {"{\"key\":\"k\",\"fields\":{},\"formats\":{\"received_at\":\"%Y %q\"}}", "formats.received_at"},
        {"{\"key\":\"k\",\"fields\":{},\"values\":{\"channel\":{\"a\":[1]}}}", "values.channel"},
        {"{\"key\":\"k\",\"fields\":{\"nature\":\"n\"}}", "fields.closed_at"},
        {"{\"key\":\"k\",\"fields\":{},\"colour\":1}", "colour"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cerr e = CERR_INIT;
        assert_null(parse(bad[i].text, &e));
        assert_string_equal(e.field, bad[i].field);
    }
    cerr e = CERR_INIT;
    importmap *m = parse(MAP, &e);
    static const char *const missing[] = {"编号", "受理时间", "渠道"};
    assert_int_equal(importmap_bind(m, missing, 3, &e), CERR_USER);
    assert_string_equal(e.field, "客户");
    importmap_free(m);
}

static void test_time_formats(void **state)
{
    (void)state;
    int64_t t;
    assert_int_equal(importmap_time("2025-03-01 00:00:00", "%Y-%m-%d %H:%M:%S", 0, &t), 0);
    assert_int_equal(t, 1740787200);
    assert_int_equal(importmap_time(" 2025-3-1 ", "%Y-%m-%d", 480, &t), 0);
    assert_int_equal(t, 1740787200 - 8 * 3600);
    assert_int_equal(importmap_time("2023-02-29", "%Y-%m-%d", 0, &t), -1);
    assert_int_equal(importmap_time("2025-01-01x", "%Y-%m-%d", 0, &t), -1);
    assert_int_equal(importmap_time("20250101", "%Y%m%d", 0, &t), 0);
    assert_int_equal(importmap_time("100%", "%Y%%", 0, &t), -1); /* a year below 1900 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_row_becomes_an_intake),
        cmocka_unit_test(test_a_bad_row_names_its_column),
        cmocka_unit_test(test_a_bad_mapping_is_named),
        cmocka_unit_test(test_time_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
