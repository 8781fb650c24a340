/*
 * sheet: a table written as a file a spreadsheet opens — CSV or XLSX — for
 * every export Redress offers (reports, lists, ledgers).
 *
 * CSV is UTF-8 with a byte-order mark (so Excel and WPS read Chinese
 * headers), RFC 4180, every text cell through csv_cell so that no cell
 * becomes a formula. XLSX goes through libxlsxwriter: a bold header row that
 * stays frozen, column widths that fit their longest cell (a Chinese
 * character counts two), numbers stored as numbers with percent, yuan and
 * date formats, text stored as text (never a formula), and, when notes are
 * given, a second sheet "说明" stating what each column or indicator means.
 *
 * Cells are written left to right; a row ends after the table's last
 * column. The whole file is built in memory (XLSX through a temporary file
 * that is removed on close) and appended to a buf.
 */
#ifndef REDRESS_SHEET_H
#define REDRESS_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

typedef enum { SHEET_CSV, SHEET_XLSX } sheet_format;

typedef enum {
    SHEET_TEXT,
    SHEET_INT,
    SHEET_NUMBER,
    SHEET_PERCENT, /* a fraction: 0.953 shows as 95.3 % */
    SHEET_YUAN,    /* yuan, two decimals */
    SHEET_DATETIME /* local date and time to the minute */
} sheet_type;

typedef struct {
    const char *title;
    sheet_type type;
} sheet_col;

typedef struct sheet sheet;

/* "csv" or "xlsx" into *f; -1 for anything else. */
int sheet_format_parse(const char *s, sheet_format *f);
/* The Content-Type and the file name extension of a format. */
const char *sheet_mime(sheet_format f);
const char *sheet_ext(sheet_format f);

/* A table of ncols columns (titles and types are copied). name is the
 * worksheet's name in XLSX (at most 31 characters are kept). */
sheet *sheet_open(sheet_format f, const char *name, const sheet_col *cols, size_t ncols);

/* The next cell of the current row. A value of another type than its
 * column's is written as given (a text cell in a number column stays text). */
void sheet_text(sheet *s, const char *v); /* NULL = empty */
void sheet_int(sheet *s, int64_t v);
void sheet_number(sheet *s, double v); /* NaN = empty */
/* unix_s in the time zone tz_offset_min minutes east of UTC; 0 = empty. */
void sheet_time(sheet *s, int64_t unix_s, int tz_offset_min);
void sheet_blank(sheet *s);

/* A row (term, text) of the definitions sheet; XLSX only, CSV ignores it. */
void sheet_note(sheet *s, const char *term, const char *text);

/* Finishes the file and appends it to out; frees s. 0, or -1 when the file
 * could not be written (nothing is appended then). */
int sheet_close(sheet *s, buf *out);

#endif
