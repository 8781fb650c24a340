/*
 * import: a ledger (台账) taken in — every row of a CSV or XLSX file
 * (util/sheetin.h) made an intake through a mapping (core/importmap.h),
 * with its "import" event naming the file and the row, and, for a
 * historical complaint, its closing (docs/operations.md "Ledger import").
 *
 * Each row is its own transaction: its complaint, both events and its key
 * (import_rows) are committed together, so a row is imported whole or not
 * at all, and a re-run — of the same file, or after the process was killed
 * — skips the keys already stored and imports the rest. Rows are read one
 * at a time and imported by a few threads in batches, so memory does not
 * grow with the file and SQLite's writer commits the rows in groups; while
 * one batch is stored, the next is read and prepared (two in flight).
 */
#ifndef REDRESS_APP_IMPORT_H
#define REDRESS_APP_IMPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "app/app.h"
#include "core/importmap.h"

typedef struct import_stats {
    int64_t rows;     /* data rows read */
    int64_t imported; /* became complaints (a dry run: would) */
    int64_t skipped;  /* their key was imported already */
    int64_t failed;   /* refused: each reported through problem */
    double fraction;  /* how far through the file, 0 to 1 */
} import_stats;

typedef struct import_opts {
    const char *path; /* the file (borrowed), unless file is given */
    FILE *file;       /* or the file's bytes: a seekable stream, which app_import closes */
    const char *name; /* the file's name as the events record it (borrowed) */
    bool dry_run;
    int threads;   /* 1–32; 0 = 8 */
    int64_t now;   /* the import's time */
    /* A refused row: its number, the column at fault (or the field) and why. */
    void (*problem)(void *arg, int64_t row, const char *column, const char *reason);
    /* After each batch of rows, on the calling thread. */
    void (*progress)(void *arg, const import_stats *st);
    void *arg;
} import_opts;

/*
 * Imports o->path through m (borrowed) as who. 0 when the file was read to
 * its end (rows may have failed: st says so), CERR_USER with e set when the
 * file cannot be read or its header lacks a column of the mapping, or a
 * STORE_* code. st (OUT) is filled either way.
 */
int app_import(app *a, const actor *who, importmap *m, const import_opts *o, import_stats *st, cerr *e);

#endif
