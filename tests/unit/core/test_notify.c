/*
 * test_notify: the back-off of a failed delivery (doubling to the cap,
 * jitter within the upper half, never 0), the dead letter after the
 * attempts allowed, and what a staff member's e-mail address, phone
 * number and channel list may be.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/notify.h"

static void test_backoff_doubles_to_the_cap_with_jitter_in_the_upper_half(void **state)
{
    (void)state;
    const notify_backoff b = {.base = 30, .cap = 3600, .max_attempts = 8};
    /* Without jitter: half the nominal wait; with the most jitter: all of it. */
    const int64_t nominal[] = {30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600};
    for (int n = 1; n <= 10; n++) {
        assert_int_equal(notify_backoff_delay(&b, n, 0.0), nominal[n - 1] / 2);
        assert_int_equal(notify_backoff_delay(&b, n, 0.999999), nominal[n - 1]);
        int64_t mid = notify_backoff_delay(&b, n, 0.5);
        assert_true(mid > nominal[n - 1] / 2 && mid < nominal[n - 1]);
    }
    /* Far past the cap it neither overflows nor grows. */
    assert_int_equal(notify_backoff_delay(&b, 1000, 0.999999), 3600);
    /* A one-second base still waits at least a second. */
    const notify_backoff quick = {.base = 1, .cap = 1, .max_attempts = 3};
    assert_int_equal(notify_backoff_delay(&quick, 1, 0.0), 1);
    assert_int_equal(notify_backoff_delay(&quick, 5, 0.999999), 1);
}

static void test_dead_after_the_attempts_allowed(void **state)
{
    (void)state;
    const notify_backoff b = {.base = 1, .cap = 10, .max_attempts = 3};
    assert_string_equal(notify_status_after_failure(&b, 1), "failed");
    assert_string_equal(notify_status_after_failure(&b, 2), "failed");
    assert_string_equal(notify_status_after_failure(&b, 3), "dead");
    const notify_backoff once = {.base = 1, .cap = 10, .max_attempts = 1};
    assert_string_equal(notify_status_after_failure(&once, 1), "dead");
}

static void test_addresses_and_phones(void **state)
{
    (void)state;
    const char *good[] = {"zhang.san@example.com", "a+tag@mail.example.cn", "x_y-z@sub-domain.example.org"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_true(notify_email_ok(good[i]));
    const char *bad[] = {"",           "plain",          "@example.com",      "a@b",       "a@@example.com",
                         "a b@x.com",  "a@exa mple.com", "a@x.com\r\nBcc: y", "<a@x.com>", ".a@x.com",
                         "a..b@x.com", "a.@x.com",       "a@-x.com",          "a@x-.com",  "张三@example.com",
                         "a@x..com",   "a,b@x.com"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(notify_email_ok(bad[i]));
    assert_false(notify_email_ok(NULL));
    assert_true(notify_phone_ok("13800138000"));
    assert_true(notify_phone_ok("+86 138-0013-8000"));
    assert_true(notify_phone_ok("021-5555-1234"));
    const char *bad_phones[] = {
        "", "1234", "+", "12ab5678", "138  0013", "-13800138000", "13800138000-", "123456789012345678901", "+86\n138"};
    for (size_t i = 0; i < sizeof bad_phones / sizeof *bad_phones; i++)
        assert_false(notify_phone_ok(bad_phones[i]));
}

static void test_channel_lists(void **state)
{
    (void)state;
    unsigned bits;
    char text[32];
    assert_int_equal(notify_channels_parse("email", &bits), 0);
    assert_int_equal(bits, NOTIFY_EMAIL);
    assert_int_equal(notify_channels_parse("email,sms", &bits), 0);
    assert_int_equal(bits, NOTIFY_EMAIL | NOTIFY_SMS);
    notify_channels_text(bits, text, sizeof text);
    assert_string_equal(text, "email,sms");
    assert_int_equal(notify_channels_parse("", &bits), 0);
    assert_int_equal(bits, 0);
    notify_channels_text(0, text, sizeof text);
    assert_string_equal(text, "");
    assert_int_equal(notify_channels_parse("pigeon", &bits), -1);
    assert_int_equal(notify_channels_parse("email,email", &bits), -1);
    assert_int_equal(notify_channels_parse("email,", &bits), -1);
    assert_int_equal(notify_channels_parse("emai", &bits), -1);
}

static void test_webhooks(void **state)
{
    (void)state;
    assert_true(notify_webhook_name_ok("pd-wecom_1"));
    assert_false(notify_webhook_name_ok(""));
    assert_false(notify_webhook_name_ok("PD"));
    assert_false(notify_webhook_name_ok("a b"));
    assert_true(notify_url_ok("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"));
    assert_true(notify_url_ok("http://127.0.0.1:8099/hook"));
    const char *bad[] = {
        "", "ftp://x", "https://", "http:///x", "http://a b", "http://x\r\nHost: y", "javascript:alert(1)"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_false(notify_url_ok(bad[i]));
    assert_int_equal(notify_webhook_format("json"), WEBHOOK_JSON);
    assert_int_equal(notify_webhook_format("wecom"), WEBHOOK_WECOM);
    assert_int_equal(notify_webhook_format("dingtalk"), WEBHOOK_DINGTALK);
    assert_int_equal(notify_webhook_format("slack"), -1);
    assert_int_equal(notify_webhook_format(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_to_the_cap_with_jitter_in_the_upper_half),
        cmocka_unit_test(test_dead_after_the_attempts_allowed),
        cmocka_unit_test(test_addresses_and_phones),
        cmocka_unit_test(test_channel_lists),
        cmocka_unit_test(test_webhooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
