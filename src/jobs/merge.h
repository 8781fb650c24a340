/*
 * merge: the search index's merger. A creation or a step writes its terms
 * as one row of the index's recent level (store/search.c, migration 020),
 * which keeps an intake to about one row of index; the merger moves the
 * oldest rows of that level into the term-ordered merged level in batches
 * (store_search_merge: one transaction a batch, its postings inserted in
 * term order so that each leaf page is written once for the batch) and
 * deletes them. A search reads both levels, so what it finds does not
 * depend on when a batch is merged.
 *
 * States of a row of the recent level:
 *
 *     written (intake/step) ──merge batch──▶ postings in search_terms
 *            │                                      │
 *            └────────── erasure deletes ◀──────────┘
 *
 * Safe on several nodes: on PostgreSQL each batch locks its rows with FOR
 * UPDATE SKIP LOCKED, so two mergers take different rows; a merger killed
 * mid-batch rolls back and the rows are merged again. SQLite has one
 * writer, through which the batch goes like any write.
 */
#ifndef REDRESS_MERGE_H
#define REDRESS_MERGE_H

#include "app/app.h"

/* The background merger of `redress serve`: every interval_ms
 * milliseconds it merges batches of batch rows until the recent level is
 * empty (app_search_merge), until merger_stop. NULL when interval_ms <= 0. */
typedef struct merger merger;
merger *merger_start(app *a, int interval_ms, int batch);
void merger_stop(merger *m);

#endif
