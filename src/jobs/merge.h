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

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

/*
 * When the merger merges. Intakes and merges share the store's writer (on
 * SQLite, one thread), so, as an LSM tree's compaction does, the merger
 * gives way to a burst: at each wake-up (every interval_ms) it merges the
 * whole level when no intake or step was indexed since the previous one
 * (the store is quiet), and during activity only once the level holds
 * max_rows rows or rows have waited max_delay_s seconds — the bound on
 * what a search scans and on how long a burst may defer the work.
 */
typedef struct merge_policy {
    int interval_ms; /* <= 0: no background merger */
    int batch;       /* rows a transaction */
    int max_rows;
    int max_delay_s;
} merge_policy;

/* Is a merge due: rows waiting, active (rows written since the last look), waited_ms the oldest has waited? */
bool merge_due(const merge_policy *p, int64_t rows, bool active, double waited_ms);

/* The background merger of `redress serve`, by pol, until merger_stop;
 * NULL when pol->interval_ms <= 0. */
typedef struct merger merger;
merger *merger_start(app *a, const merge_policy *pol);
void merger_stop(merger *m);

#endif
