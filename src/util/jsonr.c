/* jsonr: see jsonr.h. */
#include "util/jsonr.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

typedef struct rd {
    const unsigned char *p, *end;
    int depth;
    buf scratch; /* a string with escapes, decoded */
} rd;

static json_t *read_value(rd *r);

static inline void skip_ws(rd *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

/* True when none of the 8 bytes of x needs a look inside a string: each is
 * ASCII, at least 0x20, and neither '"' nor '\\'. */
static inline bool plain8(uint64_t x)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
    uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\');
    uint64_t special = ((x - ones * 0x20) | (quote - ones) | (bslash - ones)) & ~x;
    return ((special | x) & high) == 0;
}

/*
 * The length of the UTF-8 sequence at p (before end), or 0 if it is not one
 * jansson accepts: no overlong form, no surrogate, nothing past U+10FFFF.
 */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    uint32_t v;
    if (c < 0xC2)
        return 0; /* a continuation byte, or an overlong two-byte form */
    if (c < 0xE0) {
        n = 2;
        v = c & 0x1F;
    } else if (c < 0xF0) {
        n = 3;
        v = c & 0x0F;
    } else if (c < 0xF5) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (n == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)))
        return 0;
    if (n == 4 && (v < 0x10000 || v > 0x10FFFF))
        return 0;
    return n;
}

/* The four hex digits at p as a number, or -1. */
static long hex4(const unsigned char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        int d = c >= '0' && c <= '9' ? (int)(c - '0')
                : c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10)
                : c >= 'A' && c <= 'F' ? (int)(c - 'A' + 10)
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static void put_utf8(buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, u, n);
}

/*
 * Decodes the escape at *pp (a backslash) into b and moves *pp past it.
 * False for what jansson refuses (an unknown escape, a lone surrogate) and
 * for \u0000, which jansson refuses without JSON_ALLOW_NUL.
 */
static bool read_escape(const unsigned char **pp, const unsigned char *end, buf *b)
{
    const unsigned char *p = *pp;
    if (end - p < 2)
        return false;
    char c;
    switch (p[1]) {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
        long cp = end - p >= 6 ? hex4(p + 2) : -1;
        if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
            return false;
        p += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
        }
        put_utf8(b, (uint32_t)cp);
        *pp = p;
        return true;
    }
    default:
        return false;
    }
    buf_putc(b, c);
    *pp = p + 2;
    return true;
}

/*
 * Reads the string whose opening quote is at r->p: *s and *n are its bytes,
 * in the text itself when it has no escape, else in r->scratch (valid until
 * the next string is read).
 */
static bool read_string(rd *r, const char **s, size_t *n)
{
    const unsigned char *p = r->p + 1, *run = p, *end = r->end;
    bool escaped = false;
    for (;;) {
        uint64_t x;
        while (end - p >= 8 && (memcpy(&x, p, 8), plain8(x)))
            p += 8;
        if (p >= end)
            return false;
        unsigned c = *p;
        if (c == '"')
            break;
        if (c < 0x20)
            return false;
        if (c < 0x80 && c != '\\') {
            p++;
        } else if (c >= 0x80) {
            size_t k = utf8_len(p, end);
            if (!k)
                return false;
            p += k;
        } else {
            if (!escaped) {
                buf_clear(&r->scratch);
                escaped = true;
            }
            buf_append(&r->scratch, (const char *)run, (size_t)(p - run));
            if (!read_escape(&p, end, &r->scratch))
                return false;
            run = p;
        }
    }
    if (escaped) {
        buf_append(&r->scratch, (const char *)run, (size_t)(p - run));
        *s = r->scratch.data;
        *n = r->scratch.len;
    } else {
        *s = (const char *)run;
        *n = (size_t)(p - run);
    }
    r->p = p + 1;
    return true;
}

/* An integer of at most 18 digits (it cannot overflow); a real is jansson's. */
static json_t *read_integer(rd *r)
{
    const unsigned char *p = r->p, *end = r->end;
    bool neg = p < end && *p == '-';
    if (neg)
        p++;
    const unsigned char *digits = p;
    if (p < end && *p == '0')
        p++;
    else
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    if (p == digits || p - digits > 18)
        return NULL;
    if (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E'))
        return NULL;
    json_int_t v = 0;
    for (const unsigned char *q = digits; q < p; q++)
        v = v * 10 + (*q - '0');
    r->p = p;
    return json_integer(neg ? -v : v);
}

static bool literal(rd *r, const char *word, size_t n)
{
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
        return false;
    r->p += n;
    return true;
}

/*
 * After an opening bracket (open: true) or a member: 1 when another member
 * follows (past its ','), 0 when close ends the container (past it), -1 for
 * anything else.
 */
static int next_member(rd *r, char close, bool open)
{
    skip_ws(r);
    if (!open && r->p < r->end && *r->p == ',') {
        r->p++;
        skip_ws(r);
        return 1;
    }
    if (r->p < r->end && *r->p == close) {
        r->p++;
        r->depth--;
        return 0;
    }
    return open ? 1 : -1;
}

static json_t *read_object(rd *r)
{
    json_t *o = json_object();
    char *own_key = NULL;
    if (!o || ++r->depth > JSONR_MAX_DEPTH)
        goto fail;
    r->p++;
    for (int more = next_member(r, '}', true); more; more = next_member(r, '}', false)) {
        if (more < 0)
            goto fail;
        const char *key;
        size_t klen;
        if (r->p >= r->end || *r->p != '"' || !read_string(r, &key, &klen))
            goto fail;
        if (key == r->scratch.data) {
            /* The value's strings reuse the scratch buffer. */
            own_key = malloc(klen ? klen : 1);
            if (!own_key)
                goto fail;
            memcpy(own_key, key, klen);
            key = own_key;
        }
        skip_ws(r);
        if (r->p >= r->end || *r->p != ':')
            goto fail;
        r->p++;
        skip_ws(r);
        json_t *v = read_value(r);
        if (!v || json_object_setn_new_nocheck(o, key, klen, v) != 0)
            goto fail;
        free(own_key);
        own_key = NULL;
    }
    return o;
fail:
    free(own_key);
    json_decref(o);
    return NULL;
}

static json_t *read_array(rd *r)
{
    json_t *a = json_array();
    if (!a || ++r->depth > JSONR_MAX_DEPTH)
        goto fail;
    r->p++;
    for (int more = next_member(r, ']', true); more; more = next_member(r, ']', false)) {
        json_t *v = more < 0 ? NULL : read_value(r);
        if (!v || json_array_append_new(a, v) != 0)
            goto fail;
    }
    return a;
fail:
    json_decref(a);
    return NULL;
}

static json_t *read_value(rd *r)
{
    if (r->p >= r->end)
        return NULL;
    switch (*r->p) {
    case '{':
        return read_object(r);
    case '[':
        return read_array(r);
    case '"': {
        const char *s;
        size_t n;
        return read_string(r, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
    }
    case 't':
        return literal(r, "true", 4) ? json_true() : NULL;
    case 'f':
        return literal(r, "false", 5) ? json_false() : NULL;
    case 'n':
        return literal(r, "null", 4) ? json_null() : NULL;
    default:
        return read_integer(r);
    }
}

json_t *jsonr_fast(const char *text, size_t n)
{
    rd r = {(const unsigned char *)text, (const unsigned char *)text + n, 0, {0}};
    buf_init(&r.scratch);
    skip_ws(&r);
    json_t *v = NULL;
    if (r.p < r.end && (*r.p == '{' || *r.p == '['))
        v = read_value(&r);
    if (v) {
        skip_ws(&r);
        if (r.p != r.end) {
            json_decref(v);
            v = NULL;
        }
    }
    buf_release(&r.scratch);
    return v;
}

json_t *jsonr_loadb(const char *text, size_t n, json_error_t *err)
{
    json_t *v = jsonr_fast(text, n);
    return v ? v : json_loadb(text, n, 0, err);
}

json_t *jsonr_loads(const char *text, json_error_t *err)
{
    return text ? jsonr_loadb(text, strlen(text), err) : json_loads(text, 0, err);
}
