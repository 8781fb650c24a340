/*
 * buf: the one growable byte buffer. Invariants: `data` is never NULL after
 * buf_init (it points at a static empty string until the first append) and
 * is always NUL-terminated, so it can be used as a C string; `len` excludes
 * the terminator. buf_detach hands the heap memory to the caller.
 */
#ifndef REDRESS_BUF_H
#define REDRESS_BUF_H

#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len;
    size_t cap; /* 0 while data points at the static empty string */
} buf;

void buf_init(buf *b);
void buf_release(buf *b);
void buf_clear(buf *b); /* len = 0, keeps the allocation */
void buf_grow(buf *b, size_t extra);
void buf_append(buf *b, const void *p, size_t n);
void buf_puts(buf *b, const char *s);
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the contents as a heap string the caller frees; b is re-initialised. */
char *buf_detach(buf *b, size_t *len_out);

#endif
