/*
 * test_deliver: what the deliverer sends for the notices of a pack's rules
 * and crisis clusters (jobs/deliver.h) — a short text message with the
 * number and the pack's message in Chinese, and an e-mail with a subject,
 * a text and an HTML part (the message escaped) — beside the sweeper's
 * warnings, and a refusal of what it cannot render.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "jobs/deliver.h"

static const char notice[] = "{\"number\":\"TS20261207-0001\",\"rule\":\"safety\","
                             "\"message\":{\"zh-CN\":\"站经理立即到场 <现场>\",\"en\":\"go now\"}}";

static void test_sms(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    assert_int_equal(deliver_sms_text("rule_notify", notice, &b), 0);
    assert_string_equal(b.data, "【投诉工单紧急通报】TS20261207-0001：站经理立即到场 <现场>");
    buf_release(&b);
    buf_init(&b);
    /* a cluster's message may be a plain string */
    assert_int_equal(
        deliver_sms_text("incident_opened", "{\"number\":\"TS1\",\"incident\":3,\"message\":\"停售\"}", &b), 0);
    assert_string_equal(b.data, "【投诉工单紧急通报】TS1：停售");
    buf_release(&b);
    buf_init(&b);
    assert_int_equal(deliver_sms_text("sla_warning", "{\"number\":\"TS1\",\"deadline\":\"2026-12-08 10:00\"}", &b), 0);
    assert_non_null(strstr(b.data, "【投诉工单预警】TS1"));
    buf_release(&b);
    buf_init(&b);
    assert_int_equal(deliver_sms_text("dispatch", notice, &b), -1);
    assert_int_equal(deliver_sms_text("rule_notify", "not json", &b), -1);
    buf_release(&b);
}

static void test_email(void **state)
{
    (void)state;
    buf subject, text, html;
    buf_init(&subject);
    buf_init(&text);
    buf_init(&html);
    assert_int_equal(deliver_render("rule_notify", notice, "黄文斌", &subject, &text, &html), 0);
    assert_non_null(strstr(subject.data, "TS20261207-0001"));
    assert_non_null(strstr(text.data, "黄文斌，您好"));
    assert_non_null(strstr(text.data, "站经理立即到场 <现场>"));
    assert_non_null(strstr(html.data, "站经理立即到场 &lt;现场&gt;"));
    assert_null(strstr(html.data, "<现场>"));
    buf_release(&subject);
    buf_release(&text);
    buf_release(&html);
    buf_init(&subject);
    buf_init(&text);
    buf_init(&html);
    assert_int_equal(deliver_render("sla_warning", notice, "x", &subject, &text, &html), -1);
    buf_release(&subject);
    buf_release(&text);
    buf_release(&html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sms),
        cmocka_unit_test(test_email),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
