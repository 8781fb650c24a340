/*
 * xalloc: allocation that never returns NULL, and die() for unrecoverable
 * runtime failures. Out-of-memory aborts through one place (STYLE §5) so
 * that callers never carry NULL checks for allocation.
 */
#ifndef REDRESS_XALLOC_H
#define REDRESS_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns a heap copy of s (caller frees); NULL stays NULL. */
char *xstrdup(const char *s);
/* Heap copy of the first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string (caller frees). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "redress: <message>" to stderr and exits with status 1. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
