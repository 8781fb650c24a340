/*
 * cerr: a user error raised by the domain — a stable machine code, the JSON
 * path of the offending field (may be empty) and a human message. The API
 * layer maps the code to an HTTP status; the CLI prints the message.
 */
#ifndef REDRESS_CERR_H
#define REDRESS_CERR_H

#include <jansson.h>

typedef struct cerr {
    const char *code; /* static string: "validation_failed", "unknown_unit", … */
    char field[96];
    char message[320];
} cerr;

/*
 * What a function returns for "refused: a user error, described in its
 * cerr". It is never 0, -1 or a STORE_* code (store/store.h), so a caller
 * tells a refusal from a failure of the store by the value alone. Negative,
 * as the domain's refusals have always been, so `rc < 0` tests in core/
 * keep meaning "did not happen". Callers inside core/ test for non-zero;
 * app/ hands every refusal on as exactly CERR_USER (app/result.h).
 */
#define CERR_USER (-100)

/* A cerr with nothing in it (code NULL): every cerr is declared with it, so
 * none is ever read unset. */
#define CERR_INIT {NULL, "", ""}

/* Fills e (if not NULL) and returns CERR_USER, so callers can `return cerr_set(…)`. */
int cerr_set(cerr *e, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * A member of a client's JSON object that its receiver does not know: every
 * body names only what its endpoint reads, so a misspelt or misplaced field
 * ("owner_unit" at intake) is refused rather than silently dropped. The one
 * code for it everywhere is "unknown_field" (400); field is its path.
 */
#define CERR_UNKNOWN_FIELD "unknown_field"

/* Fills e with CERR_UNKNOWN_FIELD for the member at path; returns CERR_USER. */
int cerr_unknown(cerr *e, const char *path);

/*
 * Checks that obj (borrowed) has no member outside known (NULL-terminated).
 * Otherwise fills e (if not NULL) with CERR_UNKNOWN_FIELD naming the first
 * other member — "prefix.name", or "name" when prefix is NULL or empty —
 * and returns CERR_USER. Returns 0 when every member is known, or when obj
 * is not an object (its type is the receiver's to check).
 */
int cerr_members(cerr *e, const json_t *obj, const char *prefix, const char *const *known);

#endif
