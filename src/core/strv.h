/*
 * strv: the lists of strings a policy pack's conditions are made of
 * ("channel": "media" or ["media", "letter"]), as NULL-terminated arrays.
 * Used by the time-limit rules (sla.c) and the closing, appeal and penalty
 * sections (cases.c).
 */
#ifndef REDRESS_STRV_H
#define REDRESS_STRV_H

#include <jansson.h>
#include <stdbool.h>

#include "core/cerr.h"

struct taxonomy;

/* Frees v and its strings; NULL is fine. */
void strv_free(char **v);
/* True when s is in v; a NULL list (no condition) holds everything. */
bool strv_has(char *const *v, const char *s);
/*
 * Reads v — a string or a non-empty array of strings — into *out (heap,
 * NULL-terminated; strv_free), each string passing ok(pol, s) when ok is
 * given (a check against the pack's taxonomy.h codes). A NULL v reads nothing and returns 0. On error returns -1 with e
 * naming the element (path, or path[i] for an array's item); *out may then
 * hold what was read so far, for the caller to free as on success.
 */
int strv_load(const json_t *v, const char *path, bool (*ok)(const struct taxonomy *, const char *),
              const struct taxonomy *pol, char ***out, cerr *e);

#endif
