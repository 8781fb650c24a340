/*
 * test_jsonw: the hot-path JSON writer must produce exactly the text
 * jansson's json_dumps gives (compact, optionally with sorted keys) for
 * everything Redress writes — event bodies are hashed, so one byte of
 * difference would be a different hash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/jsonw.h"

static void same_as_jansson(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
    assert_non_null(j);
    for (int sorted = 0; sorted < 2; sorted++) {
        char *mine = jsonw_dumps(j, sorted);
        char *theirs = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | (sorted ? JSON_SORT_KEYS : 0));
        if (strcmp(mine, theirs) != 0)
            fail_msg("sorted=%d\n mine:   %s\n jansson: %s", sorted, mine, theirs);
        free(mine);
        free(theirs);
    }
    json_decref(j);
}

static void test_scalars(void **state)
{
    (void)state;
    same_as_jansson("0");
    same_as_jansson("-9223372036854775807");
    same_as_jansson("-9223372036854775808");
    same_as_jansson("9223372036854775807");
    same_as_jansson("[-1, 7, 10, 99, 100, 1791421200, -1791421200]");
    same_as_jansson("true");
    same_as_jansson("false");
    same_as_jansson("null");
    same_as_jansson("\"\"");
    same_as_jansson("2.5");
    same_as_jansson("100.0");
}

static void test_strings_are_escaped_like_jansson(void **state)
{
    (void)state;
    same_as_jansson("\"quote \\\" backslash \\\\ slash / tab \\t nl \\n cr \\r bs \\b ff \\f\"");
    same_as_jansson("\"\\u0001\\u001f\\u007f\"");
    same_as_jansson("\"加油员态度恶劣，拒绝开具发票。\\n客户要求道歉。\"");
    same_as_jansson("\"emoji \\ud83d\\ude00 and \\u2028 line separator\"");
}

/* The writer skips clean text eight bytes at a time: an escape at every
 * position of strings of every length up to five words, among ASCII and
 * UTF-8 bytes (whose high bit must never pass for a control character). */
static void test_escapes_at_every_position(void **state)
{
    (void)state;
    const char specials[] = {'"', '\\', '\n', '\t', 0x01, 0x1f, 0x7f, 0x20, 0x21, 0x5b, 0x5d};
    const char *fillers[] = {"a", "\xe4\xb8\xad"};
    for (size_t f = 0; f < 2; f++)
        for (size_t len = 1; len <= 40; len++)
            for (size_t at = 0; at < len; at++)
                for (size_t k = 0; k < sizeof specials; k++) {
                    char text[200];
                    size_t n = 0;
                    for (size_t i = 0; i < len; i++) {
                        if (i == at)
                            text[n++] = specials[k];
                        else
                            for (const char *p = fillers[f]; *p; p++)
                                text[n++] = *p;
                    }
                    json_t *j = json_stringn(text, n);
                    assert_non_null(j);
                    char *mine = jsonw_dumps(j, false);
                    char *theirs = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
                    if (strcmp(mine, theirs) != 0)
                        fail_msg("len=%zu at=%zu byte=0x%02x\n mine:   %s\n jansson: %s", len, at,
                                 (unsigned char)specials[k], mine, theirs);
                    free(mine);
                    free(theirs);
                    json_decref(j);
                }
}

static void test_containers_and_key_order(void **state)
{
    (void)state;
    same_as_jansson("{}");
    same_as_jansson("[]");
    same_as_jansson("{\"z\":1,\"a\":{\"y\":[1,{\"c\":null,\"b\":\"中\"}],\"x\":[]},\"m\":\"\"}");
    /* More keys than the writer's on-stack table. */
    char big[4096] = "{";
    for (int i = 40; i > 0; i--) {
        char kv[32];
        snprintf(kv, sizeof kv, "\"k%02d\":%d%s", i, i, i > 1 ? "," : "");
        strcat(big, kv);
    }
    strcat(big, "}");
    same_as_jansson(big);
}

static void test_appends_to_existing_buffer(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    buf_puts(&b, "x=");
    json_t *j = json_pack("{s:i}", "n", 7);
    jsonw_append(&b, j, false);
    assert_string_equal(b.data, "x={\"n\":7}");
    json_decref(j);
    buf_release(&b);
}

/* jsonw_list: the member array, made when missing or not an array, the same one after. */
static void test_list_member(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:i}", "n", 1);
    json_t *l = jsonw_list(o, "visits");
    assert_true(json_is_array(l));
    json_array_append_new(l, json_integer(7));
    assert_ptr_equal(jsonw_list(o, "visits"), l);
    assert_int_equal(json_array_size(json_object_get(o, "visits")), 1);
    assert_true(json_is_array(jsonw_list(o, "n")));
    assert_int_equal(json_array_size(json_object_get(o, "n")), 0);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_strings_are_escaped_like_jansson),
        cmocka_unit_test(test_escapes_at_every_position),
        cmocka_unit_test(test_containers_and_key_order),
        cmocka_unit_test(test_appends_to_existing_buffer),
        cmocka_unit_test(test_list_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
