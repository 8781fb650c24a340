/*
 * pgutil: the pure text work of the PostgreSQL backend, kept apart from
 * libpq so that it can be unit-tested without a server: what an SQLSTATE
 * means to the store, bytea output in hex, array literals for
 * "= ANY($n)" parameters and quoted identifiers.
 */
#ifndef REDRESS_STORE_PGUTIL_H
#define REDRESS_STORE_PGUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* What a failed statement means to the caller. */
enum pg_failure {
    PGF_ERROR,    /* a bug or a broken database: log it, STORE_ERROR */
    PGF_CONFLICT, /* an integrity constraint (unique, foreign key): STORE_CONFLICT */
    PGF_RETRY,    /* serialization failure or deadlock: run the transaction again */
    PGF_LOST,     /* the connection or the server went away, or it is a standby now:
                     reconnect; the transaction did not commit unless COMMIT was under way */
};

/*
 * Classifies a failure from its SQLSTATE (NULL when libpq had none, e.g. the
 * socket closed) and whether the connection is now bad.
 */
enum pg_failure pgutil_classify(const char *sqlstate, bool connection_bad);

/*
 * Decodes a bytea value in PostgreSQL's hex output format ("\x00ff…") into
 * out, which must be exactly n bytes long. Returns 0, or -1 when the text is
 * not hex output of n bytes.
 */
int pgutil_bytea(const char *text, uint8_t *out, size_t n);
/* Decodes hex output of any length into a heap buffer (caller frees; *len
 * set); NULL when malformed. */
uint8_t *pgutil_bytea_dup(const char *text, size_t *len);

/* Appends an array literal of v[0..n) ("{1,2,3}") for a bigint[] parameter. */
void pgutil_int_array(buf *b, const int64_t *v, size_t n);
/* Appends an array literal of text values, each double-quoted and escaped
 * ("{"a","b\"c"}") for a text[] parameter. */
void pgutil_text_array(buf *b, const char *const *v, size_t n);
/* Appends name as a double-quoted SQL identifier (quotes doubled). */
void pgutil_ident(buf *b, const char *name);

#endif
