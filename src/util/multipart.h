/*
 * multipart: a streaming reader of multipart/form-data (RFC 7578) bodies.
 * The body is fed in pieces of any size; each part's headers are handed
 * over once complete, its data in pieces as they are found, so a part of
 * any size passes through in the memory of one piece plus the boundary.
 * Only what a form sends is read: a part's Content-Disposition (name,
 * filename, or filename* in UTF-8 after RFC 5987) and Content-Type; other
 * headers are ignored. Preamble and epilogue are ignored, as the RFC says.
 */
#ifndef REDRESS_UTIL_MULTIPART_H
#define REDRESS_UTIL_MULTIPART_H

#include <stddef.h>

enum {
    MP_ERROR = -1,         /* the body is not multipart/form-data with that boundary */
    MP_HEADERS_MAX = 8192, /* a part's headers longer than this are refused */
};

/* The callbacks of a reader; a non-zero result stops it and is returned by multipart_feed. */
typedef struct mp_callbacks {
    /* A part begins: its field name, file name and type ("" when absent; borrowed for the call). */
    int (*begin)(void *arg, const char *name, const char *filename, const char *type);
    int (*data)(void *arg, const char *p, size_t n);
    int (*end)(void *arg);
} mp_callbacks;

/*
 * The boundary parameter of a Content-Type header of multipart/form-data
 * into out (1–70 characters, RFC 2046): 0, or -1 when the type is another
 * or has no usable boundary.
 */
int multipart_boundary(const char *content_type, char *out, size_t outlen);

typedef struct multipart multipart;
/* A reader of the body of boundary (copied) calling cb (borrowed) with arg. */
multipart *multipart_new(const char *boundary, const mp_callbacks *cb, void *arg);
/* Feeds n more bytes: 0, MP_ERROR, or a callback's non-zero result (then stop feeding). */
int multipart_feed(multipart *m, const char *p, size_t n);
/* The body ended: 0 when its closing boundary was read, else MP_ERROR. */
int multipart_finish(multipart *m);
/* The number of parts begun so far. */
size_t multipart_parts(const multipart *m);
void multipart_free(multipart *m);

#endif
