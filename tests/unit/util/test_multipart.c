/*
 * test_multipart: a form's parts read from a body fed in pieces of every
 * size — a boundary split across two pieces is still found, data that
 * looks like a boundary is data, and a body without its closing boundary
 * or with another boundary is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/multipart.h"

typedef struct seen {
    buf log; /* "[name|filename|type]data/" per part */
} seen;

static int on_begin(void *arg, const char *name, const char *filename, const char *type)
{
    seen *s = arg;
    buf_printf(&s->log, "[%s|%s|%s]", name, filename, type);
    return 0;
}

static int on_data(void *arg, const char *p, size_t n)
{
    buf_append(&((seen *)arg)->log, p, n);
    return 0;
}

static int on_end(void *arg)
{
    buf_putc(&((seen *)arg)->log, '/');
    return 0;
}

static const mp_callbacks CB = {on_begin, on_data, on_end};

/* Feeds body in pieces of step bytes; returns multipart_finish's result (or the feed's failure). */
static int read_body(const char *boundary, const char *body, size_t len, size_t step, seen *s)
{
    multipart *m = multipart_new(boundary, &CB, s);
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < len; at += step)
        rc = multipart_feed(m, body + at, len - at < step ? len - at : step);
    if (rc == 0)
        rc = multipart_finish(m);
    multipart_free(m);
    return rc;
}

static const char BODY[] = "preamble\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"file\"; filename=\"发票.png\"\r\n"
                           "Content-Type: image/png\r\n"
                           "\r\n"
                           "\x89PNG\r\n--XyYnot-a-boundary\r\n--Xy\r\n"
                           "--XyZ  \r\n"
                           "content-disposition: form-data; name=\"file\"; filename*=UTF-8''%E5%BD%95%E9%9F%B3.mp3\r\n"
                           "\r\n"
                           "\r\n"
                           "--XyZ\r\n"
                           "Content-Disposition: form-data; name=\"note\"\r\n"
                           "\r\n"
                           "hi\r\n"
                           "--XyZ--\r\n"
                           "epilogue";

static void test_parts_in_pieces_of_every_size(void **state)
{
    (void)state;
    const char *want = "[file|发票.png|image/png]\x89PNG\r\n--XyYnot-a-boundary\r\n--Xy/"
                       "[file|录音.mp3|]/"
                       "[note||]hi/";
    for (size_t step = 1; step <= sizeof BODY; step++) {
        seen s;
        buf_init(&s.log);
        assert_int_equal(read_body("XyZ", BODY, sizeof BODY - 1, step, &s), 0);
        assert_string_equal(s.log.data, want);
        buf_release(&s.log);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    seen s;
    buf_init(&s.log);
    /* No closing boundary. */
    const char *cut = "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc";
    assert_int_equal(read_body("b", cut, strlen(cut), 7, &s), MP_ERROR);
    /* Another boundary: nothing is found. */
    assert_int_equal(read_body("other", BODY, sizeof BODY - 1, 64, &s), MP_ERROR);
    /* Garbage after a delimiter. */
    const char *bad = "--b\r\nx--b?\r\n";
    assert_int_equal(read_body("b", bad, strlen(bad), 3, &s), MP_ERROR);
    /* Not form-data. */
    const char *mixed = "--b\r\nContent-Disposition: attachment\r\n\r\nx\r\n--b--";
    assert_int_equal(read_body("b", mixed, strlen(mixed), 100, &s), MP_ERROR);
    buf_release(&s.log);
}

static void test_boundary_of_content_type(void **state)
{
    (void)state;
    char b[80];
    assert_int_equal(multipart_boundary("multipart/form-data; boundary=----abc123", b, sizeof b), 0);
    assert_string_equal(b, "----abc123");
    assert_int_equal(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", b, sizeof b), 0);
    assert_string_equal(b, "a b");
    assert_int_equal(multipart_boundary("multipart/form-data", b, sizeof b), -1);
    assert_int_equal(multipart_boundary("multipart/mixed; boundary=x", b, sizeof b), -1);
    assert_int_equal(multipart_boundary("image/png", b, sizeof b), -1);
    assert_int_equal(multipart_boundary(NULL, b, sizeof b), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parts_in_pieces_of_every_size),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_boundary_of_content_type),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
