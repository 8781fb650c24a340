/*
 * sheetin: the rows of a table someone else wrote — a CSV file or the first
 * worksheet of an XLSX workbook — read one at a time, for the ledger import
 * (app/import.c). The reading side of util/sheet.h.
 *
 * The kind is decided by the content, never the name: a zip archive (it
 * starts "PK\3\4") is read as XLSX, anything else as CSV. CSV is RFC 4180
 * (quoted cells may hold commas, quotes and line breaks), UTF-8 with or
 * without a byte-order mark, lines ending in LF or CRLF. XLSX is read
 * through libzip (the archive, each member decompressed as it is read) and
 * expat (the XML, parsed as it streams): the worksheet is never held
 * whole, so a sheet of any length costs the same memory; the shared
 * strings (xl/sharedStrings.xml) are the one part kept, as Excel's own
 * readers do. A number cell whose style is a date or time format is given
 * as local wall-clock text "YYYY-MM-DD HH:MM:SS" (Excel's serial days from
 * 1899-12-30); inline strings, shared strings, formulas' cached values and
 * booleans ("TRUE", "FALSE") are given as text.
 *
 * States: open (rows to read) → ended (sheetin_next returned 0) or failed
 * (it returned -1; sheetin_error says why). Only sheetin_close follows.
 */
#ifndef REDRESS_SHEETIN_H
#define REDRESS_SHEETIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct sheetin sheetin;

enum { SHEETIN_MAX_COLS = 1024, SHEETIN_MAX_CELL = 65536 };

/* Opens the file at path (borrowed). NULL with the reason in err. */
sheetin *sheetin_open(const char *path, char *err, size_t errlen);
/* The same over f, a seekable stream, which it owns from then on (closed by sheetin_close, or at once on failure). */
sheetin *sheetin_open_file(FILE *f, char *err, size_t errlen);
/* The same over n bytes at data (borrowed; kept alive until sheetin_close). */
sheetin *sheetin_open_mem(const void *data, size_t n, char *err, size_t errlen);
/*
 * The next row that has a cell: 1 with *cells (n of them, every one a
 * string, "" for an empty cell; borrowed until the next call) and *row
 * (OUT, its 1-based number in the file: the line of its start in CSV, the
 * row's number in XLSX); 0 at the end; -1 on a malformed file.
 */
int sheetin_next(sheetin *r, const char *const **cells, size_t *n, int64_t *row);
/* Why the last call failed ("" when it did not). Borrowed. */
const char *sheetin_error(const sheetin *r);
/* "csv" or "xlsx". */
const char *sheetin_kind(const sheetin *r);
/* How far through the data the reading is, 0 to 1. */
double sheetin_progress(const sheetin *r);
void sheetin_close(sheetin *r);

#endif
