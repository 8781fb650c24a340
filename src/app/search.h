/*
 * app_search: the search index at the application's edge (core/search.h,
 * docs/privacy.md "Search"). The clear text of an intake or a step is
 * folded (Traditional Chinese to Simplified with OpenCC's t2s) and turned
 * into keyed terms before it is sealed; the terms ride on the event
 * (event.terms) into the transaction that stores it. A query is folded and
 * keyed the same way. Nothing here keeps clear text.
 */
#ifndef REDRESS_APP_SEARCH_H
#define REDRESS_APP_SEARCH_H

#include "app/app.h"
#include "core/search.h"

/*
 * Text folded for the index (heap, the caller frees): Traditional to
 * Simplified. When OpenCC's configuration cannot be loaded, a copy as it
 * is (logged once).
 */
char *app_search_fold(const char *text);

/*
 * The terms of an intake's event, from its payload in clear (customer
 * name, phone — whole and its last four digits —, e-mail, address, plate,
 * card and account numbers; place, description, demand, evidence) into
 * ev->terms. Call before the payload is sealed. Nothing without the keys.
 */
void app_search_intake(app *a, event *ev);
/* The terms of a correction's customer fields (in clear) into ev->terms: the new values are found too. */
void app_search_customer(app *a, event *ev, const json_t *customer);
/* The terms of the textarea fields of a step's event into ev->terms (before sealing). */
void app_search_step(app *a, event *ev);
/*
 * Adds the terms of complaint number (its letters and digits, so the whole
 * number or its tail finds it) to ev->terms, which must hold exactly base's
 * terms before: called once the store has numbered it, possibly again.
 */
void app_search_number(app *a, event *ev, const search_terms *base, const char *number);

/* The keyed terms of query q into out; their number (0: nothing to search for, or no keys). */
size_t app_search_query(app *a, const char *q, int64_t out[SEARCH_QUERY_MAX]);

/*
 * Rebuilds complaint id's index from its events (their sealed text opened
 * with the keys, its number), replacing whatever it held: for complaints
 * stored before the index existed, or whose index is missing (redress
 * search reindex). An anonymised complaint is left without one (*indexed
 * false). A step written meanwhile makes it read the complaint again.
 * Returns 0 or a STORE_* code; *indexed (OUT): an index was written.
 */
int app_search_reindex(app *a, int64_t id, bool *indexed);
/*
 * Merges the index's recent level into its merged level (store_search_merge,
 * jobs/merge.h) in batches of up to batch rows until it is empty, or
 * max_batches (0 = no limit) have run. *moved (OUT, may be NULL): rows
 * merged. Returns 0 or a STORE_* code.
 */
int app_search_merge(app *a, int batch, long max_batches, long *moved);

#endif
