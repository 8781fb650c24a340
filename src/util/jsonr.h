/*
 * jsonr: a fast reader of JSON text into jansson values, for the text
 * Redress reads back most often — a complaint's projection and an event's
 * body, on every read of a complaint and on every step of the deadline
 * sweep. jansson's parser reads a character at a time through a stream
 * and costs some 190 instructions a byte: 72,000 for a 370-byte
 * projection, nearly half of what the sweeper spends deciding a warning.
 *
 * jsonr reads a subset of JSON — objects, arrays, strings (any escape but
 * \u0000), integers of up to 18 digits, true, false, null — and gives
 * exactly the value jansson would give. Anything outside the subset (a
 * real, a longer integer, a malformed text, nesting deeper than
 * JSONR_MAX_DEPTH) is handed to jansson instead, so the value, or the
 * error, is always jansson's.
 */
#ifndef REDRESS_JSONR_H
#define REDRESS_JSONR_H

#include <jansson.h>
#include <stddef.h>

enum { JSONR_MAX_DEPTH = 64 };

/*
 * The value of the n bytes at text as json_loadb(text, n, 0, err) reads
 * it: an object or an array, or NULL with err (may be NULL) filled in.
 */
json_t *jsonr_loadb(const char *text, size_t n, json_error_t *err);
/* The same for a NUL-terminated text (json_loads). */
json_t *jsonr_loads(const char *text, json_error_t *err);

/* The fast path alone: NULL when text is outside the subset (tests). */
json_t *jsonr_fast(const char *text, size_t n);

#endif
