/*
 * fuzz_search: the search index's tokenisers (core/search) over any bytes,
 * as the index sees a complaint's text and as a search box's query arrives.
 *
 * Besides the sanitizers, the promises a user relies on are checked:
 *   - every token is 1..SEARCH_TOKEN_MAX bytes of valid UTF-8;
 *   - a text searched for by its own words is found: each term of the text
 *     taken as a query is among the text's terms (a query that is only a
 *     phone number written with separators is the exception the header
 *     names: it looks for the digits joined);
 *   - a query has at most SEARCH_QUERY_MAX distinct terms;
 *   - the text's terms, once done, are sorted and distinct, their counts
 *     add up to the text's length, and packing them loses nothing.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/search.h"
#include "util/utf8.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t key[SEARCH_KEY_BYTES] = {7, 1, 2, 3};

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_search: %s\n", what);
    abort();
}

static void check_token(void *arg, const char *tok, size_t len)
{
    size_t *count = arg;
    if (len == 0 || len > SEARCH_TOKEN_MAX)
        fail("a token of no bytes or too many");
    char b[SEARCH_TOKEN_MAX + 1];
    memcpy(b, tok, len);
    b[len] = '\0';
    if (strlen(b) != len || utf8_count(b) < 0)
        fail("a token that is not valid UTF-8");
    (*count)++;
}

/* True when q is a phone number written with separators (search_query_tokens' own exception). */
static bool phone_only(const char *q)
{
    size_t digits = 0;
    for (const char *p = q; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr(" -+()", *p))
            return false;
    }
    return digits >= 7 && digits <= 20;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size);
    size_t ntext = 0, nquery = 0;
    search_tokens(s, check_token, &ntext);
    search_query_tokens(s, check_token, &nquery);

    search_terms t;
    search_terms_init(&t);
    search_terms_add(&t, key, s);
    search_terms_done(&t);
    if (t.len != (int64_t)ntext)
        fail("a text's length that is not its number of tokens");
    int64_t sum = 0;
    for (size_t i = 0; i < t.n; i++) {
        if (i && t.v[i - 1].term >= t.v[i].term)
            fail("terms not sorted and distinct");
        if (t.v[i].tf < 1)
            fail("a term counted less than once");
        sum += t.v[i].tf;
    }
    if (sum != t.len)
        fail("counts that do not add up to the text's length");

    size_t packed_n = 0;
    unsigned char *packed = search_terms_pack(&t, &packed_n);
    if (packed_n != t.n * SEARCH_PACKED_BYTES)
        fail("a packed size that is not the terms' size");
    for (size_t i = 0; i < t.n; i++) {
        search_term_tf at = search_packed_at(packed, i);
        if (at.term != t.v[i].term || at.tf != t.v[i].tf)
            fail("a packed term that is not the term");
        if (search_packed_tf(packed, packed_n, t.v[i].term) != t.v[i].tf)
            fail("a term not found by bisection of the packed terms");
    }

    int64_t q[SEARCH_QUERY_MAX];
    size_t nq = search_query_terms(key, s, q);
    if (nq > SEARCH_QUERY_MAX)
        fail("a query of more terms than its limit");
    for (size_t i = 0; i < nq; i++)
        for (size_t j = 0; j < i; j++)
            if (q[i] == q[j])
                fail("a query term repeated");
    if (!phone_only(s))
        for (size_t i = 0; i < nq; i++)
            if (search_packed_tf(packed, packed_n, q[i]) == 0)
                fail("a text not found by its own words");

    free(packed);
    search_terms_release(&t);
    free(s);
    return 0;
}
