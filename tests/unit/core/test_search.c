/*
 * test_search: the tokens the index and the queries see (core/search.h) —
 * CJK unigrams and bigrams, words lower-cased and full-width folded, the
 * parts of mixed runs, the last four digits of long digit runs, a phone
 * written with separators — and the keyed terms with their counts.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/search.h"

/* The tokens joined by '|'. */
static void collect(void *arg, const char *tok, size_t len)
{
    char *out = arg;
    if (*out)
        strcat(out, "|");
    strncat(out, tok, len);
}

static const char *index_of(const char *text)
{
    static char out[2048];
    out[0] = '\0';
    search_tokens(text, collect, out);
    return out;
}

static const char *query_of(const char *q)
{
    static char out[2048];
    out[0] = '\0';
    search_query_tokens(q, collect, out);
    return out;
}

static void test_cjk_unigrams_and_bigrams(void **state)
{
    (void)state;
    assert_string_equal(index_of("油品质量"), "油|品|油品|质|品质|量|质量");
    assert_string_equal(index_of("油，品"), "油|品");
    /* A query: a lone character, else the bigrams of the run. */
    assert_string_equal(query_of("油"), "油");
    assert_string_equal(query_of("油品质量"), "油品|品质|质量");
    assert_string_equal(query_of("油品 态度"), "油品|态度");
    assert_string_equal(query_of("油 ABC"), "油|abc");
}

static void test_words_are_folded(void **state)
{
    (void)state;
    assert_string_equal(index_of("Hello, WORLD!"), "hello|world");
    assert_string_equal(index_of("ＡＢＣ１２"), "abc12|abc|12"); /* full width */
    assert_string_equal(index_of("Café"), "caf\xc3\xa9");       /* other letters join as they are */
    assert_string_equal(index_of("加油hello站"), "加|油|加油|hello|站");
}

static void test_mixed_runs_and_digits(void **state)
{
    (void)state;
    assert_string_equal(index_of("TS20261123-0042"), "ts20261123|ts|20261123|1123|0042");
    assert_string_equal(index_of("13812345678"), "13812345678|5678");
    assert_string_equal(index_of("123456"), "123456"); /* short runs: no tail */
    assert_string_equal(index_of("沪A12345"), "沪|a12345|a|12345");
    assert_string_equal(query_of("TS20261123-0042"), "ts20261123|0042");
    /* A phone with separators is its digits; other text is not. */
    assert_string_equal(query_of("138-1234 5678"), "13812345678");
    assert_string_equal(query_of("138-12"), "138|12");
}

static void test_invalid_bytes_separate(void **state)
{
    (void)state;
    assert_string_equal(index_of("ab\xff" "cd"), "ab|cd");
    assert_string_equal(index_of("油\xe5\x93"), "油"); /* cut short */
    assert_string_equal(index_of(""), "");
    /* Bytes F5..FF start no sequence: F6 B2 8D is not read as a CJK character. */
    assert_string_equal(index_of("a\xf6\xb2\x8d" "b"), "a|b");
}

static void test_terms_are_keyed_and_counted(void **state)
{
    (void)state;
    uint8_t k1[SEARCH_KEY_BYTES] = {1}, k2[SEARCH_KEY_BYTES] = {2};
    assert_true(search_term(k1, "油品", 6) != search_term(k2, "油品", 6));
    assert_true(search_term(k1, "油品", 6) == search_term(k1, "油品", 6));
    search_terms t;
    search_terms_init(&t);
    search_terms_add(&t, k1, "油品 油品 abc");
    search_terms_done(&t);
    assert_int_equal(t.len, 7); /* 油 品 油品 ×2, abc */
    assert_int_equal(t.n, 4);
    int64_t want = search_term(k1, "油品", 6);
    int found = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            assert_true(t.v[i - 1].term < t.v[i].term);
        if (t.v[i].term == want) {
            assert_int_equal(t.v[i].tf, 2);
            found = 1;
        }
    }
    assert_true(found);
    search_terms_release(&t);
    int64_t q[SEARCH_QUERY_MAX];
    assert_int_equal(search_query_terms(k1, "油品 油品", q), 1);
    assert_true(q[0] == want);
    assert_int_equal(search_query_terms(k1, "，。", q), 0);
    /* At most SEARCH_QUERY_MAX distinct terms. */
    assert_int_equal(search_query_terms(k1, "a b c d e f g h i j k l m n o p q r s t", q), SEARCH_QUERY_MAX);
}

/* The recent level's packed document: every term and count back, found by bisection, negative terms too. */
static double cosine(const char *x, const char *y)
{
    static const uint8_t key[SEARCH_KEY_BYTES] = {1};
    search_terms a, b;
    search_terms_init(&a);
    search_terms_init(&b);
    search_terms_add(&a, key, x);
    search_terms_add(&b, key, y);
    search_terms_done(&a);
    search_terms_done(&b);
    double c = search_terms_cosine(&a, &b);
    search_terms_release(&a);
    search_terms_release(&b);
    return c;
}

static void test_cosine_of_words(void **state)
{
    (void)state;
    assert_true(cosine("加油员态度恶劣", "加油员态度恶劣") > 0.999);
    assert_true(cosine("加油员态度恶劣", "便利店收银慢") < 0.001);
    double near = cosine("加油员态度恶劣，大声呵斥客户", "站内加油员态度恶劣，对客户大声呵斥");
    double far = cosine("加油员态度恶劣，大声呵斥客户", "加油机计量不准，少加了三升油");
    assert_true(near > 0.6 && near < 1);
    assert_true(far < near && far < 0.45);
    assert_true(cosine("", "油品") == 0 && cosine("", "") == 0);
}

static void test_packed_terms(void **state)
{
    (void)state;
    uint8_t k[SEARCH_KEY_BYTES] = {3};
    search_terms t;
    search_terms_init(&t);
    search_terms_add(&t, k, "加油站油品质量问题 油品 abc 13812345678");
    search_terms_done(&t);
    size_t n = 0;
    unsigned char *p = search_terms_pack(&t, &n);
    assert_int_equal(n, t.n * SEARCH_PACKED_BYTES);
    bool negative = false;
    for (size_t i = 0; i < t.n; i++) {
        search_term_tf e = search_packed_at(p, i);
        assert_true(e.term == t.v[i].term);
        assert_int_equal(e.tf, t.v[i].tf);
        assert_int_equal(search_packed_tf(p, n, t.v[i].term), t.v[i].tf);
        negative = negative || e.term < 0;
    }
    assert_true(negative); /* SipHash's halves: about half the terms read as negative */
    assert_int_equal(search_packed_tf(p, n, search_term(k, "柴油", 6)), 0);
    assert_int_equal(search_packed_tf(p, n, search_term(k, "油品", 6)), 2);
    assert_int_equal(search_packed_tf(p, 0, t.v[0].term), 0);
    free(p);
    search_terms_release(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cjk_unigrams_and_bigrams), cmocka_unit_test(test_words_are_folded),
        cmocka_unit_test(test_mixed_runs_and_digits),    cmocka_unit_test(test_invalid_bytes_separate),
        cmocka_unit_test(test_terms_are_keyed_and_counted), cmocka_unit_test(test_packed_terms),
        cmocka_unit_test(test_cosine_of_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
