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

/*
 * Authority used in a month, per person (seed 001 2.5: 对各级别授权的使用进行
 * 控制和考核): each person's compensations granted within their own limit,
 * referred above it and approved for others (core/records.h AU_*), with
 * their authority: the role whose limit is theirs (level, a role bit; 0
 * when they grant nothing alone) and that limit.
 */
typedef struct authority_person {
    user who; /* owned */
    unsigned level;
    int64_t limit_fen; /* -1: grants nothing alone */
    int64_t count[AU__COUNT], fen[AU__COUNT];
} authority_person;

typedef struct authority_month {
    authority_person *items;
    size_t n;
} authority_month;

/*
 * The people of month ("YYYY-MM", local to the pack's time zone) who used
 * authority, ordered by user id; only those whose home unit is among units
 * (n of them; units NULL: everyone). *out is set from scratch; 0 or a
 * store failure.
 */
int ledger_authority_month(app *a, const char *month, const int64_t *units, size_t n, authority_month *out);
void authority_month_release(authority_month *m);

#endif
