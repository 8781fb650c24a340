/*
 * jsonw: a compact JSON writer (and copier) for jansson values, used on the hot paths
 * (every response body, every event's canonical text, every stored
 * projection). jansson's own json_dumps guards against reference loops by
 * formatting every container's address into a hash table, which made it the
 * largest single cost of an intake request; Redress never builds loops, so
 * this writer walks the tree directly into a buf.
 *
 * The output is the same text json_dumps gives with JSON_COMPACT (and
 * JSON_SORT_KEYS when sort_keys): strings escaped as jansson escapes them,
 * integers in decimal. Reals (which Redress never stores or hashes; money is
 * kept in fen) are written as "%.17g" with ".0" appended when integral.
 */
#ifndef REDRESS_JSONW_H
#define REDRESS_JSONW_H

#include <jansson.h>
#include <stdbool.h>

#include "util/buf.h"

/* Appends the text of v (borrowed) to b. */
void jsonw_append(buf *b, const json_t *v, bool sort_keys);
/* The text of v as a heap string the caller frees. */
char *jsonw_dumps(const json_t *v, bool sort_keys);
/* A string (n bytes of s) or an integer, as jsonw_append writes them. */
void jsonw_string(buf *b, const char *s, size_t n);
void jsonw_int(buf *b, json_int_t v);

/*
 * A copy of v for the caller to change: its objects and arrays are new,
 * its strings, numbers, true, false and null are v's own, shared. Nothing
 * in Redress changes a scalar in place (there is no json_string_set &c.
 * anywhere), so sharing them is safe, and it saves an allocation and a
 * copy per string; json_deep_copy also formats every container's address
 * into a hash table to detect loops, which Redress never builds.
 */
json_t *jsonw_copy(const json_t *v);

/* The array o[key] (borrowed), made empty when it is missing or not an array. */
json_t *jsonw_list(json_t *o, const char *key);

#endif
