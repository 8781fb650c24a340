/*
 * mime: an e-mail message as its bytes (RFC 5322 and MIME), for the SMTP
 * sender of jobs/deliver.c: headers whose non-ASCII text (a Chinese
 * subject, a name) is written as RFC 2047 encoded words, and a
 * multipart/alternative body of a text/plain and a text/html part, each
 * UTF-8 in base64, so that no line is too long and no byte is changed on
 * the way.
 */
#ifndef REDRESS_MIME_H
#define REDRESS_MIME_H

#include "util/buf.h"

/*
 * Appends s (UTF-8) as header text: as is when it is printable ASCII, else
 * as "=?UTF-8?B?…?=" words of at most 75 characters, split between
 * characters, separated by CRLF and a space (folding).
 */
void mime_header_text(buf *out, const char *s);

/* Appends the base64 of p[0..n), in lines of 76 characters ended by CRLF. */
void mime_base64(buf *out, const void *p, size_t n);

typedef struct mime_mail {
    const char *from; /* addresses (checked by the caller: no CR, LF) */
    const char *to;
    const char *to_name;    /* the recipient's name, or NULL */
    const char *subject;    /* UTF-8 */
    const char *date;       /* RFC 5322 date-time */
    const char *message_id; /* without the angle brackets */
    const char *key;        /* idempotency key (X-Redress-Key), or NULL */
    const char *text;       /* UTF-8 bodies */
    const char *html;
    const char *boundary; /* not found in either part's base64 (a base64 line cannot hold "=_") */
} mime_mail;

/* Appends the whole message, lines ended by CRLF. All of m is borrowed. */
void mime_build(buf *out, const mime_mail *m);

#endif
