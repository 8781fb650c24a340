/*
 * importmap: how the rows of a ledger (台账) become intakes — the mapping
 * of an import (docs/operations.md "Ledger import"), checked, bound to a
 * file's header row, and applied to each row. Pure: no I/O, no clock; the
 * organisation's time zone is handed in.
 *
 *   {"key": COLUMN,
 *    "fields":  {FIELD: COLUMN, …},
 *    "values":  {FIELD: {FILE VALUE: CODE, …}, …},
 *    "defaults": {FIELD: VALUE, …},
 *    "formats": {FIELD: FORMAT or [FORMAT, …]}}
 *
 * FIELD is a member of the intake body ("channel", "received_at",
 * "customer.name", "subject_unit", "category", "description", …) or the
 * outcome of a historical complaint: "closed_at", "nature", "on_time". A
 * COLUMN is the text of a header cell. A value map turns a cell's text
 * into a code (a cell the map does not name is taken as it is); a default
 * fills an empty cell or an unmapped field. A FORMAT is strptime-like:
 * %Y %m %d %H %M %S and literal text ("%Y年%m月%d日", "%Y/%m/%d %H:%M");
 * the formats are tried in order, then "YYYY-MM-DD HH:MM:SS" (an XLSX
 * date cell), "YYYY-MM-DD HH:MM", "YYYY-MM-DD" and RFC 3339; a time
 * without an offset is the organisation's local time.
 */
#ifndef REDRESS_IMPORTMAP_H
#define REDRESS_IMPORTMAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"

typedef struct importmap importmap;

/* A ledger row as an intake: owned by the caller, released with importmap_row_release. */
typedef struct importmap_row {
    json_t *body;       /* the intake body */
    json_t *closing;    /* {"nature", "on_time"?} of a historical closing, or NULL (open) */
    int64_t received_at; /* 0 when the row gives none */
    int64_t closed_at;   /* when closing */
    const char *key;     /* the row's key: borrowed from the cells */
} importmap_row;

/* Checks the mapping m (borrowed); NULL with e naming the offending member ("fields.custmer.name"). */
importmap *importmap_parse(const json_t *m, cerr *e);
void importmap_free(importmap *m);
/* The mapping's columns found in the header row (borrowed); -1 with e naming a column that is missing. */
int importmap_bind(importmap *m, const char *const *header, size_t n, cerr *e);
/*
 * Row cells (borrowed, n of them, fewer than the header's being empty) into
 * out; tz_min is the organisation's offset east of UTC. 0, or CERR_USER
 * with e->field the column (or, for a default, the field) at fault.
 */
int importmap_row_make(const importmap *m, const char *const *cells, size_t n, int tz_min, importmap_row *out,
                       cerr *e);
void importmap_row_release(importmap_row *r);
/* The column that feeds field (an intake body's path, "customer.phone"), or NULL. */
const char *importmap_column(const importmap *m, const char *field);
/*
 * Parses s as fmt (see above) at the local offset tz_min into *out: 0, or
 * -1 when s does not match fmt whole or names no real date.
 */
int importmap_time(const char *s, const char *fmt, int tz_min, int64_t *out);

#endif
