/* search: see search.h. */
#include "core/search.h"

#include <assert.h>
#include <math.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* The code point at s (its length into *n), or -1 for a byte that starts no valid sequence. */
static int32_t decode(const unsigned char *s, size_t *n)
{
    unsigned c = s[0];
    *n = 1;
    if (c < 0x80)
        return (int32_t)c;
    size_t len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (!len)
        return -1;
    int32_t cp = (int32_t)(c & (0x3F >> (len - 1)));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *n = len;
    return cp;
}

static bool is_cjk(int32_t cp)
{
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x3134F);
}

/*
 * The ASCII letter or digit cp stands for — lower-cased, full-width folded —
 * or 0; *other is set for a letter of another script (Latin-1 and Latin
 * Extended, Greek, Cyrillic), which joins a word as it is.
 */
static char ascii_of(int32_t cp, bool *other)
{
    *other = false;
    if (cp >= '0' && cp <= '9')
        return (char)cp;
    if (cp >= 'a' && cp <= 'z')
        return (char)cp;
    if (cp >= 'A' && cp <= 'Z')
        return (char)(cp - 'A' + 'a');
    if (cp >= 0xFF10 && cp <= 0xFF19)
        return (char)(cp - 0xFF10 + '0');
    if (cp >= 0xFF21 && cp <= 0xFF3A)
        return (char)(cp - 0xFF21 + 'a');
    if (cp >= 0xFF41 && cp <= 0xFF5A)
        return (char)(cp - 0xFF41 + 'a');
    *other = (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x4FF);
    return 0;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A word (a run of letters and digits) being collected. */
typedef struct word {
    char b[SEARCH_TOKEN_MAX];
    size_t n;
} word;

static void word_put(word *w, const char *p, size_t n)
{
    if (w->n + n <= sizeof w->b) {
        memcpy(w->b + w->n, p, n);
        w->n += n;
    }
}

/* A digit run's own token, and its last four digits when it is seven or more long. */
static void emit_digits(const char *p, size_t n, search_emit_fn fn, void *arg)
{
    fn(arg, p, n);
    if (n >= 7)
        fn(arg, p + n - 4, 4);
}

/* The tokens of a finished word; parts: also its letter and digit parts when it mixes them. */
static void emit_word(word *w, bool parts, search_emit_fn fn, void *arg)
{
    if (!w->n)
        return;
    size_t digits = 0;
    for (size_t i = 0; i < w->n; i++)
        digits += is_digit(w->b[i]);
    if (digits == w->n)
        emit_digits(w->b, w->n, fn, arg);
    else
        fn(arg, w->b, w->n);
    if (parts && digits && digits < w->n) {
        size_t i = 0;
        while (i < w->n) {
            size_t j = i;
            bool d = is_digit(w->b[i]);
            while (j < w->n && is_digit(w->b[j]) == d)
                j++;
            if (d)
                emit_digits(w->b + i, j - i, fn, arg);
            else
                fn(arg, w->b + i, j - i);
            i = j;
        }
    }
    w->n = 0;
}

/*
 * The one scan of both tokenisers. For the index (query false): every
 * unigram and bigram, every word with its parts. For a query: a lone CJK
 * character, the bigrams of a longer run, every word whole.
 */
static void scan(const char *text, bool query, search_emit_fn fn, void *arg)
{
    const unsigned char *s = (const unsigned char *)text;
    word w = {.n = 0};
    const char *prev = NULL; /* the previous CJK character of the run */
    size_t prevn = 0, run = 0;
    while (*s) {
        size_t n;
        int32_t cp = decode(s, &n);
        bool other = false;
        char a = cp < 0 ? 0 : ascii_of(cp, &other);
        if (cp >= 0 && is_cjk(cp)) {
            emit_word(&w, !query, fn, arg);
            if (!query)
                fn(arg, (const char *)s, n);
            if (prev) {
                char pair[8];
                memcpy(pair, prev, prevn);
                memcpy(pair + prevn, s, n);
                fn(arg, pair, prevn + n);
            }
            prev = (const char *)s;
            prevn = n;
            run++;
        } else {
            if (query && run == 1)
                fn(arg, prev, prevn);
            prev = NULL;
            run = 0;
            if (a)
                word_put(&w, &a, 1);
            else if (cp >= 0 && other)
                word_put(&w, (const char *)s, n);
            else
                emit_word(&w, !query, fn, arg);
        }
        s += n;
    }
    if (query && run == 1)
        fn(arg, prev, prevn);
    emit_word(&w, !query, fn, arg);
}

void search_tokens(const char *text, search_emit_fn fn, void *arg)
{
    if (text)
        scan(text, false, fn, arg);
}

/* The digits of q when it is only a phone number written with separators (7–20 digits), else 0. */
static size_t phone_digits(const char *q, char out[24])
{
    size_t n = 0;
    for (const char *p = q; *p; p++) {
        if (is_digit(*p)) {
            if (n == 20)
                return 0;
            out[n++] = *p;
        } else if (!strchr(" -+()", *p)) {
            return 0;
        }
    }
    return n >= 7 ? n : 0;
}

void search_query_tokens(const char *q, search_emit_fn fn, void *arg)
{
    char digits[24];
    size_t n = phone_digits(q, digits);
    if (n)
        fn(arg, digits, n);
    else
        scan(q, true, fn, arg);
}

/* The SipHash key of the index key: BLAKE2b-128 of a label keyed with it. */
static void sip_key(const uint8_t key[SEARCH_KEY_BYTES], uint8_t out[crypto_shorthash_KEYBYTES])
{
    static const char label[] = "redress search terms";
    crypto_generichash(out, crypto_shorthash_KEYBYTES, (const unsigned char *)label, sizeof label - 1, key,
                       SEARCH_KEY_BYTES);
}

/* SipHash-2-4, made for short inputs (a token is a few bytes): a tenth of BLAKE2b's time a term. */
static int64_t term_of(const uint8_t sk[crypto_shorthash_KEYBYTES], const char *tok, size_t len)
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)tok, len, sk);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | h[i];
    int64_t t;
    memcpy(&t, &v, sizeof t);
    return t;
}

int64_t search_term(const uint8_t key[SEARCH_KEY_BYTES], const char *tok, size_t len)
{
    uint8_t sk[crypto_shorthash_KEYBYTES];
    sip_key(key, sk);
    int64_t t = term_of(sk, tok, len);
    sodium_memzero(sk, sizeof sk);
    return t;
}

void search_terms_init(search_terms *t)
{
    memset(t, 0, sizeof *t);
}

void search_terms_release(search_terms *t)
{
    free(t->v);
    search_terms_init(t);
}

static void push(search_terms *t, int64_t term, int32_t tf)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->v = xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = (search_term_tf){term, tf};
}

struct add_arg {
    search_terms *t;
    uint8_t sk[crypto_shorthash_KEYBYTES];
};

static void add_token(void *arg, const char *tok, size_t len)
{
    struct add_arg *a = arg;
    push(a->t, term_of(a->sk, tok, len), 1);
    a->t->len++;
}

void search_terms_add(search_terms *t, const uint8_t key[SEARCH_KEY_BYTES], const char *text)
{
    struct add_arg a = {.t = t};
    sip_key(key, a.sk);
    search_tokens(text, add_token, &a);
    sodium_memzero(a.sk, sizeof a.sk);
}

void search_terms_append(search_terms *t, const search_terms *src)
{
    for (size_t i = 0; i < src->n; i++)
        push(t, src->v[i].term, src->v[i].tf);
    t->len += src->len;
}

static int by_term(const void *a, const void *b)
{
    int64_t x = ((const search_term_tf *)a)->term, y = ((const search_term_tf *)b)->term;
    return (x > y) - (x < y);
}

void search_terms_done(search_terms *t)
{
    if (!t->n)
        return;
    qsort(t->v, t->n, sizeof *t->v, by_term);
    size_t k = 0;
    for (size_t i = 1; i < t->n; i++) {
        if (t->v[i].term == t->v[k].term)
            t->v[k].tf += t->v[i].tf;
        else
            t->v[++k] = t->v[i];
    }
    t->n = k + 1;
}

double search_terms_cosine(const search_terms *a, const search_terms *b)
{
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a->n; i++)
        na += (double)a->v[i].tf * a->v[i].tf;
    for (size_t j = 0; j < b->n; j++)
        nb += (double)b->v[j].tf * b->v[j].tf;
    for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
        assert(!i || a->v[i - 1].term < a->v[i].term);
        assert(!j || b->v[j - 1].term < b->v[j].term);
        if (a->v[i].term < b->v[j].term)
            i++;
        else if (a->v[i].term > b->v[j].term)
            j++;
        else
            dot += (double)a->v[i++].tf * b->v[j++].tf;
    }
    return na > 0 && nb > 0 ? dot / (sqrt(na) * sqrt(nb)) : 0;
}

unsigned char *search_terms_pack(const search_terms *t, size_t *n)
{
    unsigned char *p = xmalloc(t->n ? t->n * SEARCH_PACKED_BYTES : 1);
    for (size_t i = 0; i < t->n; i++) {
        assert(i == 0 || t->v[i - 1].term < t->v[i].term); /* search_terms_done's order */
        uint64_t term = (uint64_t)t->v[i].term;
        uint32_t tf = (uint32_t)t->v[i].tf;
        unsigned char *q = p + i * SEARCH_PACKED_BYTES;
        for (int b = 0; b < 8; b++)
            q[b] = (unsigned char)(term >> (8 * b));
        for (int b = 0; b < 4; b++)
            q[8 + b] = (unsigned char)(tf >> (8 * b));
    }
    *n = t->n * SEARCH_PACKED_BYTES;
    return p;
}

search_term_tf search_packed_at(const void *p, size_t i)
{
    const unsigned char *q = (const unsigned char *)p + i * SEARCH_PACKED_BYTES;
    uint64_t term = 0;
    uint32_t tf = 0;
    for (int b = 7; b >= 0; b--)
        term = term << 8 | q[b];
    for (int b = 3; b >= 0; b--)
        tf = tf << 8 | q[8 + b];
    return (search_term_tf){(int64_t)term, (int32_t)tf};
}

int32_t search_packed_tf(const void *p, size_t n, int64_t term)
{
    size_t lo = 0, hi = n / SEARCH_PACKED_BYTES;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        search_term_tf e = search_packed_at(p, mid);
        if (e.term == term)
            return e.tf;
        if (e.term < term)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

struct query_arg {
    uint8_t sk[crypto_shorthash_KEYBYTES];
    int64_t *out;
    size_t n;
};

static void query_token(void *arg, const char *tok, size_t len)
{
    struct query_arg *a = arg;
    int64_t term = term_of(a->sk, tok, len);
    for (size_t i = 0; i < a->n; i++)
        if (a->out[i] == term)
            return;
    if (a->n < SEARCH_QUERY_MAX)
        a->out[a->n++] = term;
}

size_t search_query_terms(const uint8_t key[SEARCH_KEY_BYTES], const char *q, int64_t out[SEARCH_QUERY_MAX])
{
    struct query_arg a = {.out = out, .n = 0};
    sip_key(key, a.sk);
    search_query_tokens(q, query_token, &a);
    sodium_memzero(a.sk, sizeof a.sk);
    assert(a.n <= SEARCH_QUERY_MAX);
    return a.n;
}
