/*
 * listq: the query string of GET /api/v1/complaints turned into a store
 * filter. The parser sees the parameters only through a lookup function, so
 * it knows nothing of the transport: the handler passes http_query, the
 * unit tests and the fuzzer pass a table of their own. Everything that
 * decides what a caller may list (the scope of their unit) is applied here
 * too, so one function is the whole translation from untrusted text to the
 * filter the store runs.
 */
#ifndef REDRESS_LISTQ_H
#define REDRESS_LISTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/org.h"
#include "core/policy.h"
#include "store/store.h"

/* The value of parameter key (borrowed, valid until listq_release), or NULL. */
typedef const char *(*listq_get_fn)(void *ctx, const char *key);

/*
 * A parsed listing: f borrows the arrays and strings below (owned here) and
 * the channel string returned by the lookup.
 */
typedef struct listq {
    complaint_filter f;
    int64_t *owners, *subjects, *scope, *responsible;
    const char **cats;
    /* The phone's digits as parsed; the handler replaces them by their
     * blind index (app_pii_phone_index) before the store sees the filter. */
    char phone[40];
    /* The search text (q) as given, borrowed from the lookup; the handler
     * turns it into keyed terms (app_search_query) held here. */
    const char *q;
    int64_t terms[SEARCH_QUERY_MAX];
    /* The caller's user id, set by the handler before listq_parse: what
     * assignee=me names (0: nobody, so "me" is refused). */
    int64_t caller_id;
} listq;

void listq_init(listq *q);
void listq_release(listq *q);

/*
 * Fills q (initialised by the caller) from the parameters get(ctx, name)
 * for a caller of unit caller_unit (0: no unit, who sees nothing) at now.
 * pol and o are borrowed; the caller holds o's read lock. Returns 0, or -1
 * with e set (code "bad_request", field the parameter's name).
 */
int listq_parse(listq *q, listq_get_fn get, void *ctx, const policy *pol, const org *o, int64_t caller_unit,
                int64_t now, cerr *e);

/*
 * Parses a listing cursor ("c<id>", or "d<deadline>.<id>" when sorted by
 * deadline) into *key and *id. -1 if s is not a cursor of that listing.
 * A listing by relevance pages by offset ("r<offset>", listq_parse).
 */
int listq_cursor(const char *s, bool by_deadline, int64_t *key, int64_t *id);

/*
 * The cursor of the page that ended with last, in f's order, into out[0..n)
 * ("c<id>", "d<deadline>.<id>", or "p<order>d<deadline>.<id>" by priority;
 * not for a listing by relevance).
 */
void listq_cursor_next(const complaint_filter *f, const complaint *last, char *out, size_t n);

/* Moves f past the page that ended with last, as listq_cursor_next's cursor would (not by relevance). */
void listq_page_after(complaint_filter *f, const complaint *last);

/* Whether name is a parameter of the list (listq_parse reads it); others are refused. */
bool listq_known(const char *name);

/* Parses a whole decimal integer in [lo, hi] into *out. -1 otherwise. */
int listq_int(const char *s, long long lo, long long hi, long long *out);

#endif
