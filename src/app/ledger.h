/*
 * ledger: the penalty ledger and compensations as people see them — their
 * texts unsealed for display, the monthly ledger as CSV. The rows a step
 * writes are core/ledger.h's.
 */
#ifndef REDRESS_LEDGER_H
#define REDRESS_LEDGER_H

#include "app/app.h"
#include "core/ledger.h"
#include "util/buf.h"
#include "util/sheet.h"

/*
 * The texts of ledger entries and compensations (waiver reasons, requests'
 * reasons, decisions) are sealed like every step's text: these replace them
 * in place by their masked form for display and export (app_pii_view_texts).
 */
int ledger_view_penalties(app *a, penalty_list *l);
int ledger_view_compensations(app *a, compensation_list *l);

/*
 * The monthly ledger as a spreadsheet (util/sheet.h: CSV in UTF-8 with a
 * byte-order mark, or XLSX) appended to out: one row per entry of l,
 * headings in Chinese or (en) English, amounts in yuan. Unit names are
 * looked up in a's organisation. Used by GET /penalties?format=csv|xlsx and
 * `redress penalties export`. 0, or -1 when the file could not be made.
 */
int ledger_export(app *a, const penalty_list *l, bool en, sheet_format fmt, buf *out);

#endif
