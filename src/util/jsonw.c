/* jsonw: see jsonw.h. */
#include "util/jsonw.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static inline void put_byte(buf *b, char c);

/*
 * True when none of the 8 bytes in x needs escaping (a control character,
 * '"' or '\\'). Each test is the exact "some byte is less than n" word
 * trick; bytes of UTF-8 sequences (>= 0x80) never match.
 */
static inline bool clean8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t ctl = (x - ones * 0x20) & ~x & highs;
    uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
    q = (q - ones) & ~q & highs;
    bs = (bs - ones) & ~bs & highs;
    return !(ctl | q | bs);
}

/* Long runs of text with nothing to escape (sealed values, Chinese text) are
 * skipped eight bytes at a time and copied in one piece. */
static void put_string(buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (b->len + n + 3 > b->cap)
        buf_grow(b, n + 2);
    /* The common case, a string with nothing to escape: one copy. */
    size_t i = 0;
    for (uint64_t x; i + 8 <= n && (memcpy(&x, s + i, 8), clean8(x));)
        i += 8;
    while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
        i++;
    if (i == n) {
        char *d = b->data + b->len;
        d[0] = '"';
        memcpy(d + 1, s, n);
        d[n + 1] = '"';
        d[n + 2] = '\0';
        b->len += n + 2;
        return;
    }
    /* s[i] is the first byte to escape; what comes before it is copied with the next run. */
    put_byte(b, '"');
    size_t run = 0;
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t x;
            memcpy(&x, s + i, 8);
            if (clean8(x)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)s[i++];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(b, s + run, i - 1 - run);
        run = i;
        switch (c) {
        case '"': buf_append(b, "\\\"", 2); break;
        case '\\': buf_append(b, "\\\\", 2); break;
        case '\b': buf_append(b, "\\b", 2); break;
        case '\f': buf_append(b, "\\f", 2); break;
        case '\n': buf_append(b, "\\n", 2); break;
        case '\r': buf_append(b, "\\r", 2); break;
        case '\t': buf_append(b, "\\t", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, u, 6);
        }
        }
    }
    buf_append(b, s + run, n - run);
    put_byte(b, '"');
}

/*
 * Decimal digits of v into the end of out[24]; returns where they start.
 * snprintf("%lld") was a tenth of the instructions of sealing an event.
 */
static char *format_int(json_int_t v, char out[24])
{
    char *p = out + 24;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

typedef struct pair {
    const char *key;
    const json_t *val;
} pair;

static int cmp_pairs(const void *x, const void *y)
{
    return strcmp(((const pair *)x)->key, ((const pair *)y)->key);
}

/* Appends one byte; the common case is a store into reserved room. */
static inline void put_byte(buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
    } else {
        buf_putc(b, c);
    }
}

void jsonw_append(buf *b, const json_t *v, bool sort_keys)
{
    char num[40];
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        size_t n = json_object_size(v), i = 0;
        pair stack_pairs[32];
        pair *pairs = n <= 32 ? stack_pairs : xmalloc(n * sizeof *pairs);
        const char *k;
        json_t *val;
        json_object_foreach((json_t *)v, k, val)
        {
            pairs[i].key = k;
            pairs[i++].val = val;
        }
        if (sort_keys && n > 32) {
            qsort(pairs, n, sizeof *pairs, cmp_pairs);
        } else if (sort_keys) {
            /* Event payloads' objects are small: an insertion sort, inline,
             * beats qsort's merge sort and its indirect comparisons. */
            for (size_t m = 1; m < n; m++) {
                pair p = pairs[m];
                size_t j = m;
                for (; j > 0 && strcmp(pairs[j - 1].key, p.key) > 0; j--)
                    pairs[j] = pairs[j - 1];
                pairs[j] = p;
            }
        }
        put_byte(b, '{');
        for (i = 0; i < n; i++) {
            if (i)
                put_byte(b, ',');
            put_string(b, pairs[i].key, strlen(pairs[i].key));
            put_byte(b, ':');
            jsonw_append(b, pairs[i].val, sort_keys);
        }
        put_byte(b, '}');
        if (pairs != stack_pairs)
            free(pairs);
        break;
    }
    case JSON_ARRAY: {
        put_byte(b, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                put_byte(b, ',');
            jsonw_append(b, json_array_get(v, i), sort_keys);
        }
        put_byte(b, ']');
        break;
    }
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER: {
        char digits[24], *start = format_int(json_integer_value(v), digits);
        buf_append(b, start, (size_t)(digits + sizeof digits - start));
        break;
    }
    case JSON_REAL: {
        int len = snprintf(num, sizeof num, "%.17g", json_real_value(v));
        if (!strpbrk(num, ".eE") && len + 2 < (int)sizeof num) {
            memcpy(num + len, ".0", 3);
            len += 2;
        }
        buf_append(b, num, (size_t)len);
        break;
    }
    case JSON_TRUE: buf_append(b, "true", 4); break;
    case JSON_FALSE: buf_append(b, "false", 5); break;
    case JSON_NULL: buf_append(b, "null", 4); break;
    }
}

void jsonw_string(buf *b, const char *s, size_t n)
{
    put_string(b, s, n);
}

void jsonw_int(buf *b, json_int_t v)
{
    char digits[24], *start = format_int(v, digits);
    buf_append(b, start, (size_t)(digits + sizeof digits - start));
}

char *jsonw_dumps(const json_t *v, bool sort_keys)
{
    buf b;
    buf_init(&b);
    jsonw_append(&b, v, sort_keys);
    return buf_detach(&b, NULL);
}

json_t *jsonw_copy(const json_t *v)
{
    if (json_is_object(v)) {
        json_t *o = json_object();
        const char *k;
        json_t *x;
        json_object_foreach((json_t *)v, k, x) json_object_set_new_nocheck(o, k, jsonw_copy(x));
        return o;
    }
    if (json_is_array(v)) {
        size_t n = json_array_size(v);
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, jsonw_copy(json_array_get(v, i)));
        return a;
    }
    return v ? json_incref((json_t *)v) : NULL;
}

json_t *jsonw_list(json_t *o, const char *key)
{
    json_t *l = json_object_get(o, key);
    if (!json_is_array(l)) {
        l = json_array();
        json_object_set_new(o, key, l);
    }
    return l;
}
