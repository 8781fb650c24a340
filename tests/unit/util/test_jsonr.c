/*
 * test_jsonr: the fast JSON reader must give exactly jansson's value, or
 * hand the text to jansson. "Exactly" is checked as the same types, the
 * same key order and the same bytes: jsonw's text of both values, unsorted,
 * must be equal. Then every byte of a real projection is changed, removed
 * and doubled, and the results compared with jansson's again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/jsonr.h"
#include "util/jsonw.h"

/* The projection of a complaint with a running clock, as the store holds it. */
static const char projection[] =
    "{\"customer\":{\"name\":\"测试客户\",\"phone\":\"13900000000\",\"class\":\"ordinary\"},"
    "\"description\":\"基准测试工单\",\"clocks\":{\"handle\":{\"state\":\"running\",\"calendar\":\"centre\","
    "\"limit\":{\"minutes\":1080},\"started_at\":1791362910,\"base\":1791362910,\"total\":64800,"
    "\"pauses\":[],\"warned\":false,\"level\":0,\"extensions\":0,\"deadline\":1791427710,"
    "\"warning_at\":1791421230,\"escalate_at\":[1791460110,1791492510]}},\"note\":null,\"vip\":true}";

/* Both readers on n bytes of text: the same value, or both refuse. Returns
 * whether the fast path read it by itself. */
static bool agree(const char *text, size_t n)
{
    json_error_t err;
    json_t *theirs = json_loadb(text, n, 0, &err);
    json_t *fast = jsonr_fast(text, n);
    json_t *mine = jsonr_loadb(text, n, NULL);
    if (fast && !theirs)
        fail_msg("jsonr read what jansson refuses (%s): %.*s", err.text, (int)n, text);
    if (!mine != !theirs)
        fail_msg("jsonr_loadb and jansson disagree on: %.*s", (int)n, text);
    for (json_t *v = fast; v; v = v == fast ? mine : NULL) {
        if (!json_equal(v, theirs))
            fail_msg("a different value for: %.*s", (int)n, text);
        char *a = jsonw_dumps(v, false), *b = jsonw_dumps(theirs, false);
        if (strcmp(a, b) != 0)
            fail_msg("different text:\n jsonr:   %s\n jansson: %s", a, b);
        free(a);
        free(b);
    }
    bool read_fast = fast != NULL;
    json_decref(fast);
    json_decref(mine);
    json_decref(theirs);
    return read_fast;
}

static void fast(const char *text)
{
    if (!agree(text, strlen(text)))
        fail_msg("not read by the fast path: %s", text);
}

static void slow(const char *text)
{
    if (agree(text, strlen(text)))
        fail_msg("read by the fast path, which should have left it to jansson: %s", text);
}

static void test_what_redress_stores(void **state)
{
    (void)state;
    fast(projection);
    fast("{}");
    fast("[]");
    fast(" \t\r\n{ \"a\" : [ 1 , -2 , 0 , -0 , 999999999999999999 ] , \"b\" : { } } \n");
    fast("[true,false,null,\"\",[[]],{\"\":{}}]");
    fast("{\"min\":-999999999999999999,\"max\":999999999999999999}");
}

static void test_strings(void **state)
{
    (void)state;
    fast("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]");
    fast("[\"\\u0041\\u00e9\\u4e2d\\uFFFF\\ud83d\\ude00 and after\"]");
    fast("{\"\\u5ba2\\u6237\":\"escaped key\",\"plain\":\"x\"}");
    fast("{\"k\\n1\":\"v\\n1\",\"k\\n2\":[\"\\t\"]}"); /* escaped keys, then escaped values */
    fast("[\"é中😀\"]");
    fast("[\"exactly eight\",\"12345678\",\"1234567\\n\",\"123456789\"]");
    /* what jansson refuses, or reads only with a flag */
    slow("[\"\\u0000\"]");
    slow("[\"\\ud83d\"]");
    slow("[\"\\ude00\"]");
    slow("[\"\\ud83d\\u0041\"]");
    slow("[\"\\x41\"]");
    slow("[\"\\u12\"]");
    slow("[\"tab\there\"]");
    slow("[\"\xc0\xaf\"]");         /* overlong */
    slow("[\"\xe0\x80\xaf\"]");     /* overlong */
    slow("[\"\xed\xa0\x80\"]");     /* a surrogate in UTF-8 */
    slow("[\"\xf4\x90\x80\x80\"]"); /* past U+10FFFF */
    slow("[\"\xe4\xb8\"]");         /* cut short */
    slow("[\"\x80\"]");
    slow("[\"unterminated]");
}

static void test_numbers_and_literals(void **state)
{
    (void)state;
    slow("[1.5]");
    slow("[1e3]");
    slow("[1E3]");
    slow("[1234567890123456789]");
    slow("[9223372036854775808]");
    slow("[01]");
    slow("[-]");
    slow("[+1]");
    slow("[tru]");
    slow("[truex]");
    slow("[nul]");
    slow("[0x10]");
}

static void test_structure(void **state)
{
    (void)state;
    slow("");
    slow("   ");
    slow("\"a string alone\"");
    slow("42");
    slow("{\"a\":1,}");
    slow("[1,]");
    slow("[1 2]");
    slow("{\"a\" 1}");
    slow("{a:1}");
    slow("{\"a\":1}}");
    slow("{\"a\":1} x");
    slow("[1][2]");
    /* a repeated key keeps its first place and its last value, as jansson does */
    fast("{\"a\":1,\"b\":2,\"a\":3}");
    /* nesting: up to JSONR_MAX_DEPTH here, deeper is jansson's */
    char deep[2 * JSONR_MAX_DEPTH + 8];
    for (int depth = JSONR_MAX_DEPTH; depth <= JSONR_MAX_DEPTH + 1; depth++) {
        memset(deep, '[', (size_t)depth);
        memset(deep + depth, ']', (size_t)depth);
        deep[2 * depth] = '\0';
        if (depth <= JSONR_MAX_DEPTH)
            fast(deep);
        else
            slow(deep);
    }
    /* a NUL byte inside the text */
    assert_false(agree("[\"a\0b\"]", 7));
    assert_false(agree("[1]\0", 4));
}

/* Every single-byte change, removal and doubling of the projection. */
static void test_mutations(void **state)
{
    (void)state;
    static const unsigned char bytes[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '9', '-', '.', 'e', 'u',
                                          'n', 't', ' ', '\n', 0x1f, 0x7f, 0x80, 0xbf, 0xc2, 0xe4, 0xed, 0xf4, 0xff};
    size_t n = strlen(projection), read_fast = 0, cases = 0;
    char *t = malloc(n + 2);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof bytes; k++) {
            memcpy(t, projection, n);
            t[i] = (char)bytes[k];
            read_fast += agree(t, n);
            cases++;
        }
        memcpy(t, projection, i);
        memcpy(t + i, projection + i + 1, n - i - 1);
        read_fast += agree(t, n - 1);
        memcpy(t, projection, i + 1);
        memcpy(t + i + 1, projection + i, n - i);
        read_fast += agree(t, n + 1);
        cases += 2;
    }
    free(t);
    /* Both outcomes are common, so both sides of agree() were exercised. */
    assert_true(read_fast > cases / 20);
    assert_true(read_fast < cases - cases / 20);
}

/* Random short texts over JSON's own alphabet. */
static void test_random_texts(void **state)
{
    (void)state;
    static const char alphabet[] = "{}[]\",:0123-.eEtruefalsn \\u0041\n\xe4\xb8\xad";
    uint32_t seed = 12345;
    char t[40];
    for (int round = 0; round < 200000; round++) {
        seed = seed * 1664525u + 1013904223u;
        size_t n = 1 + (seed >> 8) % (sizeof t - 1);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            t[i] = alphabet[(seed >> 8) % (sizeof alphabet - 1)];
        }
        agree(t, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_what_redress_stores), cmocka_unit_test(test_strings),
        cmocka_unit_test(test_numbers_and_literals), cmocka_unit_test(test_structure),
        cmocka_unit_test(test_mutations), cmocka_unit_test(test_random_texts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
