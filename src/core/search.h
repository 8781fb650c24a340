/*
 * search: the words of a complaint's text as the search index sees them,
 * and the keyed terms it stores instead of the words (docs/privacy.md,
 * "Search"). Pure: the text comes in already folded (Traditional to
 * Simplified, app/search.c) and the index key is handed in.
 *
 * The index's tokens of a text:
 *   - each CJK character (a unigram) and each pair of neighbours in a run
 *     of CJK characters (a bigram): 油品质量 gives 油 品 质 量 油品 品质 质量;
 *   - each run of letters and digits, ASCII letters lower-cased and
 *     full-width letters and digits folded to ASCII (ＡＢ１ → ab1); a run
 *     that mixes letters and digits also gives its letter and digit parts
 *     (ts20261123 gives ts and 20261123), so a plate or a number is found
 *     by either;
 *   - for a run of seven or more digits (a phone, a card), also its last
 *     four digits.
 * A query's tokens, all of which a match must hold: a lone CJK character
 * its unigram, a longer CJK run its bigrams (a phrase is its bigrams
 * ANDed), each run of letters and digits whole; a query that is only a
 * phone number written with separators (138-1234-5678) is its digits.
 *
 * A term is SipHash-2-4 of the token (64 bits, read as a little-endian
 * int64_t) keyed with BLAKE2b-128("redress search terms") under the index
 * key: the index holds numbers, never words.
 */
#ifndef REDRESS_SEARCH_H
#define REDRESS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

enum {
    SEARCH_KEY_BYTES = 32,
    SEARCH_TOKEN_MAX = 64,  /* bytes of one token; a longer run is cut */
    SEARCH_QUERY_MAX = 16,  /* distinct tokens of one query */
};

/* Receives one token (len bytes, not NUL-terminated, valid UTF-8). */
typedef void (*search_emit_fn)(void *arg, const char *tok, size_t len);

/* Every token of text for the index, in order, repeated as often as it occurs. */
void search_tokens(const char *text, search_emit_fn fn, void *arg);
/* The tokens of a query, in order (duplicates included). */
void search_query_tokens(const char *q, search_emit_fn fn, void *arg);

/* The keyed term of one token. */
int64_t search_term(const uint8_t key[SEARCH_KEY_BYTES], const char *tok, size_t len);

typedef struct search_term_tf {
    int64_t term;
    int32_t tf; /* occurrences in the complaint's text */
} search_term_tf;

/*
 * The terms of a complaint's text (or of the text one step adds), with
 * their counts: v[0..n) distinct and sorted by term after search_terms_done;
 * len counts every token (the text's length for ranking).
 */
typedef struct search_terms {
    search_term_tf *v;
    size_t n, cap;
    int64_t len;
} search_terms;

void search_terms_init(search_terms *t);
void search_terms_release(search_terms *t);
/* Adds the tokens of text (NULL or "" adds nothing). */
void search_terms_add(search_terms *t, const uint8_t key[SEARCH_KEY_BYTES], const char *text);
/* Appends src's terms to t. */
void search_terms_append(search_terms *t, const search_terms *src);
/* Sorts t by term and merges repeated terms, adding their counts. */
void search_terms_done(search_terms *t);

/*
 * How alike two texts' words are: the cosine of their terms (both done,
 * under the same key) as vectors of counts, from 0 (no word in common) to
 * 1 (the same words as often). Similar complaints at intake (app/similar.h).
 */
double search_terms_cosine(const search_terms *a, const search_terms *b);

/*
 * A document of the index's recent level (store/search.c): the terms of
 * one creation or step packed into one value, SEARCH_PACKED_BYTES each —
 * the term (8 bytes) and its count (4 bytes), little-endian, sorted by
 * term as search_terms_done leaves them.
 */
enum { SEARCH_PACKED_BYTES = 12 };

/* t's terms (done: sorted, distinct) packed; the caller frees it. *n (OUT): its bytes. */
unsigned char *search_terms_pack(const search_terms *t, size_t *n);
/* The i-th term of packed p (i < n / SEARCH_PACKED_BYTES). */
search_term_tf search_packed_at(const void *p, size_t i);
/* The count of term in packed p (n bytes), by bisection; 0 when p lacks it. */
int32_t search_packed_tf(const void *p, size_t n, int64_t term);

/*
 * The distinct keyed terms of query q into out (room for SEARCH_QUERY_MAX);
 * returns their number (0: q has no token). Tokens past the limit are
 * dropped.
 */
size_t search_query_terms(const uint8_t key[SEARCH_KEY_BYTES], const char *q, int64_t out[SEARCH_QUERY_MAX]);

#endif
