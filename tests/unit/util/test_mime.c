/*
 * test_mime: a Chinese subject as RFC 2047 encoded words (each at most 75
 * characters, split between characters, decoding to the subject), ASCII
 * left as is, base64 lines of 76, and the shape of a whole message: the
 * headers, one text/plain and one text/html part whose bodies decode back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/mime.h"

/* Decodes the encoded words of a header value (folded with CRLF SP) back into out. */
static void decode_words(const char *v, buf *out)
{
    const char *p = v;
    while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
        p += 10;
        const char *end = strstr(p, "?=");
        assert_non_null(end);
        unsigned char bin[128];
        size_t n = 0;
        assert_int_equal(
            sodium_base642bin(bin, sizeof bin, p, (size_t)(end - p), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL),
            0);
        /* Each word holds whole characters: it is valid UTF-8 on its own. */
        assert_true(n == 0 || (bin[0] & 0xc0) != 0x80);
        buf_append(out, bin, n);
        p = end + 2;
    }
}

static void test_a_chinese_subject_in_words_of_whole_characters(void **state)
{
    (void)state;
    const char *subject = "【投诉工单】TS20261207-0001 已派发至浦东世纪大道加油站，请及时处理 (complaint dispatched)";
    buf b, back;
    buf_init(&b);
    buf_init(&back);
    mime_header_text(&b, subject);
    for (char *line = b.data; line;) {
        char *next = strstr(line, "\r\n");
        size_t len = next ? (size_t)(next - line) : strlen(line);
        if (*line == ' ')
            line++, len--;
        assert_true(len <= 75);
        assert_true(strncmp(line, "=?UTF-8?B?", 10) == 0);
        line = next ? next + 2 : NULL;
    }
    decode_words(b.data, &back);
    assert_string_equal(back.data, subject);
    buf_clear(&b);
    mime_header_text(&b, "Complaint TS20261207-0001");
    assert_string_equal(b.data, "Complaint TS20261207-0001");
    buf_clear(&b);
    mime_header_text(&b, "looks =?like?= a word");
    assert_true(strncmp(b.data, "=?UTF-8?B?", 10) == 0);
    buf_release(&b);
    buf_release(&back);
}

static void test_base64_lines(void **state)
{
    (void)state;
    unsigned char data[200];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)i;
    buf b;
    buf_init(&b);
    mime_base64(&b, data, sizeof data);
    /* 200 bytes: three lines of 57 bytes (76 characters) and one of 29 (40). */
    assert_int_equal(b.len, 3 * 78 + 40 + 2);
    assert_memory_equal(b.data + 76, "\r\n", 2);
    buf_release(&b);
}

/* The decoded body of the part of type, from a whole message. */
static void part_body(const char *msg, const char *type, buf *out)
{
    char head[80];
    snprintf(head, sizeof head, "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n", type);
    const char *p = strstr(msg, head);
    assert_non_null(p);
    p += strlen(head);
    const char *end = strstr(p, "--=_test");
    assert_non_null(end);
    unsigned char bin[4096];
    size_t n = 0;
    assert_int_equal(
        sodium_base642bin(bin, sizeof bin, p, (size_t)(end - p), "\r\n", &n, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
    buf_append(out, bin, n);
}

static void test_a_whole_message(void **state)
{
    (void)state;
    const mime_mail m = {.from = "redress@example.com",
                         .to = "li@example.com",
                         .to_name = "李四",
                         .subject = "投诉工单 TS1",
                         .date = "Mon, 07 Dec 2026 08:00:00 +0000",
                         .message_id = "redress.1.c1.e2.dispatch.user3@example.com",
                         .key = "c1/e2/dispatch/user3",
                         .text = "您好：\n投诉工单 TS1 已派发。\n",
                         .html = "<p>您好：投诉工单 <b>TS1</b> 已派发。</p>",
                         .boundary = "=_test"};
    buf b, t, h, to;
    buf_init(&b);
    buf_init(&t);
    buf_init(&h);
    buf_init(&to);
    mime_build(&b, &m);
    assert_non_null(strstr(b.data, "From: redress@example.com\r\n"));
    assert_non_null(strstr(b.data, "Message-ID: <redress.1.c1.e2.dispatch.user3@example.com>\r\n"));
    assert_non_null(strstr(b.data, "X-Redress-Key: c1/e2/dispatch/user3\r\n"));
    assert_non_null(strstr(b.data, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(b.data, "Content-Type: multipart/alternative; boundary=\"=_test\"\r\n"));
    assert_non_null(strstr(b.data, " <li@example.com>\r\n"));
    decode_words(strstr(b.data, "To: "), &to);
    assert_true(strncmp(to.data, "李四", strlen("李四")) == 0);
    part_body(b.data, "text/plain", &t);
    part_body(b.data, "text/html", &h);
    assert_string_equal(t.data, m.text);
    assert_string_equal(h.data, m.html);
    assert_non_null(strstr(b.data, "--=_test--\r\n"));
    /* Every byte is ASCII and no line is longer than 998. */
    size_t line = 0;
    for (const char *p = b.data; *p; p++) {
        assert_true((unsigned char)*p < 0x80);
        line = *p == '\n' ? 0 : line + 1;
        assert_true(line <= 998);
    }
    buf_release(&b);
    buf_release(&t);
    buf_release(&h);
    buf_release(&to);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_chinese_subject_in_words_of_whole_characters),
        cmocka_unit_test(test_base64_lines),
        cmocka_unit_test(test_a_whole_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
