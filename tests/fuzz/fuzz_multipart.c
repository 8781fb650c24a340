/*
 * fuzz_multipart: util/multipart, the streaming reader of uploads, on any
 * bytes as a body of the boundary "XyZ". The same body fed whole and fed
 * in pieces (of sizes taken from its first byte) must give the same parts,
 * the same bytes of each and the same verdict: what a reader finds may not
 * depend on where the network cut the body.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/multipart.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_begin(void *arg, const char *name, const char *filename, const char *type)
{
    buf_printf(arg, "[%s|%s|%s]", name, filename, type);
    return 0;
}

static int on_data(void *arg, const char *p, size_t n)
{
    buf_append(arg, p, n);
    return 0;
}

static int on_end(void *arg)
{
    buf_putc(arg, '/');
    return 0;
}

static const mp_callbacks CB = {on_begin, on_data, on_end};

/* Reads body in pieces of step bytes (0: whole) into log; the verdict. */
static int read_body(const char *body, size_t n, size_t step, buf *log)
{
    multipart *m = multipart_new("XyZ", &CB, log);
    int rc = 0;
    if (!step)
        step = n ? n : 1;
    for (size_t at = 0; rc == 0 && at < n; at += step)
        rc = multipart_feed(m, body + at, n - at < step ? n - at : step);
    if (rc == 0)
        rc = multipart_finish(m);
    multipart_free(m);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t step = data[0] % 17 + 1;
    /* The body in a buffer of exactly its length: reading past it is caught. */
    char *body = xmalloc(size);
    memcpy(body, data + 1, size - 1);
    buf whole, pieces;
    buf_init(&whole);
    buf_init(&pieces);
    int a = read_body(body, size - 1, 0, &whole);
    int b = read_body(body, size - 1, step, &pieces);
    /* A refused body may stop at different places; an accepted one is the same. */
    if (a != b || (a == 0 && (whole.len != pieces.len || memcmp(whole.data, pieces.data, whole.len) != 0))) {
        fprintf(stderr, "fuzz_multipart: whole %d, in pieces of %zu %d\n whole:  %.*s\n pieces: %.*s\n", a, step, b,
                (int)whole.len, whole.data, (int)pieces.len, pieces.data);
        abort();
    }
    buf_release(&whole);
    buf_release(&pieces);
    free(body);
    return 0;
}
