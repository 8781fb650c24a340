/*
 * Unit tests for core/custmsg: the pack's customer messages — which kinds
 * go which ways, templates filled (an optional part vanishes when one of
 * its variables has no value), the quiet hours' end to the second (across
 * midnight, at their edges, in the pack's offset), and the section's
 * checks naming the path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/custmsg.h"

static json_t *section(void)
{
    json_t *s = json_loads("{\"channels\": [\"sms\"],"
                           " \"quiet_hours\": {\"from\": \"21:00\", \"to\": \"08:00\"},"
                           " \"ack\": {\"zh-CN\": \"编号{number}[，{promised}前答复]。[查询：{link}]\","
                           "         \"en\": \"Number {number}.\"},"
                           " \"reply\": {\"zh-CN\": \"关于{number}：{content}\"}}",
                           0, NULL);
    assert_non_null(s);
    return s;
}

static void test_sends(void **state)
{
    (void)state;
    json_t *s = section();
    assert_true(custmsg_sends(s, "ack", "sms"));
    assert_false(custmsg_sends(s, "ack", "email")); /* not among its channels */
    assert_false(custmsg_sends(s, "survey", "sms")); /* no such template */
    assert_false(custmsg_sends(NULL, "ack", "sms"));
    json_decref(s);
}

static void render(const json_t *s, const char *kind, const char *lang, const custmsg_vars *v, const char *want)
{
    buf b;
    buf_init(&b);
    assert_int_equal(custmsg_render(s, kind, lang, v, &b), 0);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_render(void **state)
{
    (void)state;
    json_t *s = section();
    custmsg_vars all = {"TS20261208-0001", "2026-12-09 18:00", "https://ts.example.cn/#/portal/track?number=X", NULL, NULL};
    render(s, "ack", "zh-CN", &all, "编号TS20261208-0001，2026-12-09 18:00前答复。查询：https://ts.example.cn/#/portal/track?number=X");
    /* No link: its part goes, the rest stays. */
    custmsg_vars nolink = {"TS20261208-0001", "2026-12-09 18:00", "", NULL, NULL};
    render(s, "ack", "zh-CN", &nolink, "编号TS20261208-0001，2026-12-09 18:00前答复。");
    render(s, "ack", "en", &all, "Number TS20261208-0001.");
    /* The kind of work order as the customer reads it. */
    json_t *typed = json_loads("{\"channels\": [\"sms\"], \"ack\": {\"zh-CN\": \"您的{type}已受理，编号{number}\"}}", 0, NULL);
    custmsg_vars kind = {"TS2", NULL, NULL, NULL, "咨询"};
    render(typed, "ack", "zh-CN", &kind, "您的咨询已受理，编号TS2");
    json_decref(typed);
    /* English asked, none written: the Chinese one. */
    custmsg_vars reply = {"TS1", NULL, NULL, "已补开发票", NULL};
    render(s, "reply", "en", &reply, "关于TS1：已补开发票");
    buf b;
    buf_init(&b);
    assert_int_equal(custmsg_render(s, "survey", "zh-CN", &all, &b), -1);
    buf_release(&b);
    json_decref(s);
}

/* 2026-12-08 00:00 UTC, and Beijing's offset. */
#define DAY 1796688000LL
#define BJ 480

static void test_quiet_end(void **state)
{
    (void)state;
    json_t *s = section();
    /* Local 22:30 (14:30 UTC): quiet until 08:00 the next morning (00:00 UTC of the next day). */
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY + 14 * 3600 + 1800), DAY + 86400);
    /* Local 07:59:59 (23:59:59 UTC the day before): a second to go. */
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY - 1), DAY);
    /* Local 08:00 exactly: no longer quiet; local 20:59 neither; 21:00 is. */
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY), DAY);
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY + 12 * 3600 + 59 * 60), DAY + 12 * 3600 + 59 * 60);
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY + 13 * 3600), DAY + 86400);
    /* The same hours within a day (12:00–14:00 local). */
    json_object_set_new(s, "quiet_hours", json_pack("{s:s,s:s}", "from", "12:00", "to", "14:00"));
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY + 4 * 3600 + 60), DAY + 6 * 3600);
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY + 6 * 3600), DAY + 6 * 3600);
    /* No quiet hours: at once. */
    json_object_del(s, "quiet_hours");
    assert_int_equal(custmsg_quiet_end(s, BJ, DAY + 14 * 3600), DAY + 14 * 3600);
    json_decref(s);
}

static void test_check(void **state)
{
    (void)state;
    json_t *s = section();
    cerr e = {0};
    assert_int_equal(custmsg_check(s, &e), 0);
    assert_int_equal(custmsg_check(NULL, &e), 0);
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"channels\": [\"fax\"], \"ack\": {\"zh-CN\": \"x\"}}", "customer_messages.channels"},
        {"{\"channels\": [], \"ack\": {\"zh-CN\": \"x\"}}", "customer_messages.channels"},
        {"{\"channels\": [\"sms\"], \"ack\": {\"zh-CN\": \"经办人{agent}\"}}", "customer_messages.ack.zh-CN"},
        {"{\"channels\": [\"sms\"], \"ack\": {\"en\": \"[open {number}\"}}", "customer_messages.ack.en"},
        {"{\"channels\": [\"sms\"], \"ack\": {\"fr\": \"x\"}}", "customer_messages.ack.fr"},
        {"{\"channels\": [\"sms\"], \"quiet_hours\": {\"from\": \"24:00\", \"to\": \"08:00\"}}",
         "customer_messages.quiet_hours"},
        {"{\"channels\": [\"sms\"], \"praise\": {\"zh-CN\": \"x\"}}", "customer_messages.praise"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *j = json_loads(bad[i].json, 0, NULL);
        cerr b = {0};
        assert_non_null(j);
        if (custmsg_check(j, &b) == 0)
            fail_msg("accepted: %s", bad[i].json);
        assert_string_equal(b.code, "invalid_pack");
        assert_string_equal(b.field, bad[i].field);
        json_decref(j);
    }
    json_decref(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sends),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_quiet_end),
        cmocka_unit_test(test_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
