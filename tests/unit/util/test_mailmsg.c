/*
 * test_mailmsg: the reading of the e-mail the intake fetches — a Big5 text
 * and an encoded-word sender converted to UTF-8, a multipart message's text
 * preferred to its HTML with its attached file beside, an HTML-only body
 * reduced to its text, a message without a sender refused with the reason,
 * and the complaint number found in a subject only where it stands alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/mailmsg.h"

static void test_big5_and_an_encoded_sender(void **state)
{
    (void)state;
    /* "中文" in Big5, and 陳 as UTF-8 base64 in the sender's name. */
    const char raw[] = "From: =?UTF-8?B?6Zmz?= <chen@example.com>\r\nSubject: =?UTF-8?Q?=E6=8A=95=E8=AF=89?=\r\n"
                       "Message-ID: <k1@example.com>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0800\r\n"
                       "Content-Type: text/plain; charset=Big5\r\n\r\n\xa4\xa4\xa4\xe5\r\n";
    mailmsg m = {0};
    const char *why = NULL;
    assert_int_equal(mailmsg_parse(raw, sizeof raw - 1, &m, &why), 0);
    assert_string_equal(m.from_addr, "chen@example.com");
    assert_string_equal(m.from_name, "陳");
    assert_string_equal(m.subject, "投诉");
    assert_string_equal(m.message_id, "k1@example.com");
    assert_int_equal(m.date, 1796608800);
    assert_string_equal(m.text, "中文\n");
    assert_int_equal(m.n_parts, 0);
    mailmsg_release(&m);
}

static void test_text_preferred_and_the_file_beside(void **state)
{
    (void)state;
    const char raw[] = "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
                       "--B\r\nContent-Type: multipart/alternative; boundary=C\r\n\r\n"
                       "--C\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>html</p>\r\n"
                       "--C\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nplain\r\n--C--\r\n"
                       "--B\r\nContent-Type: application/pdf; name=\"r.pdf\"\r\nContent-Disposition: attachment; "
                       "filename=\"r.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--B--\r\n";
    mailmsg m = {0};
    const char *why = NULL;
    assert_int_equal(mailmsg_parse(raw, sizeof raw - 1, &m, &why), 0);
    assert_string_equal(m.text, "plain");
    assert_string_equal(m.subject, "");
    assert_int_equal(m.n_parts, 1);
    assert_string_equal(m.parts[0].name, "r.pdf");
    assert_string_equal(m.parts[0].type, "application/pdf");
    assert_int_equal(m.parts[0].n, 5);
    assert_memory_equal(m.parts[0].data, "%PDF-", 5);
    mailmsg_release(&m);
}

static void test_html_reduced_to_text(void **state)
{
    (void)state;
    const char html[] = "<html><head><style>p{}</style><script>x()</script></head><body><div>第一行&nbsp;&amp;"
                        "&#x4E2D;&#25991;</div>  second   line<br/>third &lt;x&gt; &bogus;</body></html>";
    char *t = mailmsg_html_text(html, sizeof html - 1);
    assert_string_equal(t, "第一行 &中文\nsecond line\nthird <x> &bogus;");
    free(t);
}

static void test_no_sender(void **state)
{
    (void)state;
    const char raw[] = "Subject: hello\r\n\r\nbody\r\n";
    mailmsg m = {0};
    const char *why = NULL;
    assert_int_equal(mailmsg_parse(raw, sizeof raw - 1, &m, &why), -1);
    assert_string_equal(why, "no sender");
    assert_null(m.from_addr);
}

static void test_the_number_in_a_subject(void **state)
{
    (void)state;
    char n[32];
    assert_int_equal(mailmsg_number("Re: 关于TS20261123-0042的回复", "TS", n, sizeof n), 0);
    assert_string_equal(n, "TS20261123-0042");
    assert_int_equal(mailmsg_number("ATS20261123-0042", "TS", n, sizeof n), -1);
    assert_int_equal(mailmsg_number("TS2026112-0042 TS20261123-", "TS", n, sizeof n), -1);
    assert_int_equal(mailmsg_number("TS20261123-1234567", "TS", n, sizeof n), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_big5_and_an_encoded_sender),
        cmocka_unit_test(test_text_preferred_and_the_file_beside),
        cmocka_unit_test(test_html_reduced_to_text),
        cmocka_unit_test(test_no_sender),
        cmocka_unit_test(test_the_number_in_a_subject),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
