/*
 * multipart: see multipart.h. The reader keeps the bytes it cannot yet
 * judge — at most a boundary's length of a part's data, or its headers —
 * and moves through these states:
 *
 *   PREAMBLE ──delimiter──► AFTER ──CRLF──► HEADERS ──CRLF CRLF──► DATA ──delimiter──► AFTER
 *                             └──"--"──► DONE (the epilogue is ignored)
 *
 * The delimiter is CRLF "--" boundary; the body is read as if it began with
 * a CRLF, so a boundary on its first line is found the same way.
 */
#include "util/multipart.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/xalloc.h"

enum state { PREAMBLE, AFTER, HEADERS, DATA, DONE };

struct multipart {
    const mp_callbacks *cb;
    void *arg;
    char delim[80]; /* CRLF -- boundary */
    size_t dlen;
    enum state st;
    buf pending; /* bytes not yet consumed, from pos */
    size_t pos;
    size_t parts;
};

int multipart_boundary(const char *ct, char *out, size_t outlen)
{
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0 || (ct[19] && ct[19] != ';' && ct[19] != ' '))
        return -1;
    const char *p = ct + 19;
    while ((p = strchr(p, ';')) != NULL) {
        p++;
        p += strspn(p, " \t");
        if (strncasecmp(p, "boundary=", 9) != 0)
            continue;
        p += 9;
        size_t n;
        if (*p == '"') {
            p++;
            n = strcspn(p, "\"");
            if (p[n] != '"')
                return -1;
        } else {
            n = strcspn(p, "; \t");
        }
        if (n < 1 || n > 70 || n >= outlen)
            return -1;
        memcpy(out, p, n);
        out[n] = '\0';
        return 0;
    }
    return -1;
}

multipart *multipart_new(const char *boundary, const mp_callbacks *cb, void *arg)
{
    multipart *m = xcalloc(1, sizeof *m);
    m->cb = cb;
    m->arg = arg;
    m->dlen = (size_t)snprintf(m->delim, sizeof m->delim, "\r\n--%s", boundary);
    if (m->dlen >= sizeof m->delim)
        m->dlen = sizeof m->delim - 1;
    m->st = PREAMBLE;
    buf_init(&m->pending);
    buf_append(&m->pending, "\r\n", 2);
    return m;
}

/* A parameter's value after '=' at p (quoted or a token) into out; returns the end. */
static const char *param_value(const char *p, char *out, size_t outlen)
{
    size_t k = 0;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            if (k + 1 < outlen)
                out[k++] = *p;
        }
        if (*p == '"')
            p++;
    } else {
        for (; *p && *p != ';' && *p != ' ' && *p != '\t'; p++)
            if (k + 1 < outlen)
                out[k++] = *p;
    }
    out[k] = '\0';
    return p;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* An RFC 5987 value (UTF-8''percent-encoded) decoded in place; -1 when it is another charset or malformed. */
static int ext_value(char *v)
{
    if (strncasecmp(v, "UTF-8'", 6) != 0)
        return -1;
    char *q = strchr(v + 6, '\'');
    if (!q)
        return -1;
    char *w = v;
    for (const char *r = q + 1; *r; r++) {
        if (*r == '%') {
            int h = hexval(r[1]), l = h < 0 ? -1 : hexval(r[2]);
            if (l < 0)
                return -1;
            *w++ = (char)(h * 16 + l);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return 0;
}

/* A part's headers (lines ended by CRLF, n bytes at h): begins the part. */
static int begin_part(multipart *m, const char *h, size_t n)
{
    char name[256] = "", filename[1024] = "", ext[1024] = "", type[256] = "";
    char line[MP_HEADERS_MAX + 1];
    const char *end = h + n;
    while (h < end) {
        const char *eol = memchr(h, '\r', (size_t)(end - h));
        size_t len = (size_t)((eol ? eol : end) - h);
        memcpy(line, h, len);
        line[len] = '\0';
        h += len + 2;
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        char *v = colon + 1 + strspn(colon + 1, " \t");
        if (strcasecmp(line, "Content-Type") == 0) {
            snprintf(type, sizeof type, "%s", v);
            type[strcspn(type, " \t;")] = '\0';
        } else if (strcasecmp(line, "Content-Disposition") == 0) {
            if (strncasecmp(v, "form-data", 9) != 0)
                return MP_ERROR;
            const char *p = v + 9;
            while ((p = strchr(p, ';')) != NULL) {
                p++;
                p += strspn(p, " \t");
                if (strncasecmp(p, "name=", 5) == 0)
                    p = param_value(p + 5, name, sizeof name);
                else if (strncasecmp(p, "filename=", 9) == 0)
                    p = param_value(p + 9, filename, sizeof filename);
                else if (strncasecmp(p, "filename*=", 10) == 0)
                    p = param_value(p + 10, ext, sizeof ext);
            }
        }
    }
    if (*ext && ext_value(ext) == 0)
        snprintf(filename, sizeof filename, "%s", ext);
    m->parts++;
    return m->cb->begin(m->arg, name, filename, type);
}

/* Consumes what it can of pending from pos: 0 (wants more), or a result to return. */
static int step(multipart *m, bool *progress)
{
    const char *b = m->pending.data + m->pos;
    size_t n = m->pending.len - m->pos;
    *progress = false;
    switch (m->st) {
    case PREAMBLE:
    case DATA: {
        const char *at = memmem(b, n, m->delim, m->dlen);
        size_t upto = at ? (size_t)(at - b) : n >= m->dlen ? n - (m->dlen - 1) : 0;
        int rc = 0;
        if (m->st == DATA && upto)
            rc = m->cb->data(m->arg, b, upto);
        if (!rc && at && m->st == DATA)
            rc = m->cb->end(m->arg);
        if (rc)
            return rc;
        m->pos += at ? upto + m->dlen : upto;
        if (at)
            m->st = AFTER;
        *progress = at != NULL;
        return 0;
    }
    case AFTER: {
        if (n >= 2 && b[0] == '-' && b[1] == '-') {
            m->st = DONE;
            return 0;
        }
        size_t sp = 0;
        while (sp < n && (b[sp] == ' ' || b[sp] == '\t'))
            sp++;
        if (sp > 64)
            return MP_ERROR;
        if (n - sp < 2)
            return 0;
        if (b[sp] != '\r' || b[sp + 1] != '\n')
            return MP_ERROR;
        m->pos += sp;
        m->st = HEADERS;
        *progress = true;
        return 0;
    }
    case HEADERS: {
        /* b starts at the CRLF that ended the delimiter's line. */
        const char *at = memmem(b, n, "\r\n\r\n", 4);
        if (!at)
            return n > MP_HEADERS_MAX ? MP_ERROR : 0;
        size_t hl = (size_t)(at - b);
        if (hl > MP_HEADERS_MAX)
            return MP_ERROR;
        int rc = begin_part(m, b + 2, hl >= 2 ? hl - 2 : 0);
        if (rc)
            return rc;
        m->pos += hl + 4;
        m->st = DATA;
        *progress = true;
        return 0;
    }
    case DONE:
        m->pos = m->pending.len;
        return 0;
    }
    return MP_ERROR;
}

int multipart_feed(multipart *m, const char *p, size_t n)
{
    if (m->st == DONE)
        return 0;
    buf_append(&m->pending, p, n);
    bool progress = true;
    while (progress && m->st != DONE) {
        int rc = step(m, &progress);
        if (rc)
            return rc;
    }
    /* Keep only what is left to judge. */
    size_t left = m->pending.len - m->pos;
    memmove(m->pending.data, m->pending.data + m->pos, left);
    m->pending.len = left;
    m->pending.data[left] = '\0';
    m->pos = 0;
    return 0;
}

int multipart_finish(multipart *m)
{
    return m->st == DONE ? 0 : MP_ERROR;
}

size_t multipart_parts(const multipart *m)
{
    return m->parts;
}

void multipart_free(multipart *m)
{
    if (!m)
        return;
    buf_release(&m->pending);
    free(m);
}
