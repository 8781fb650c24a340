/*
 * ledger: the rows a workflow step writes beside its event — penalty
 * ledger entries (考核) decided by a close or waived, compensations granted,
 * requested or decided (授权), and the approval request's notification in
 * the outbox. They are derived from the sealed event alone, so that
 * app_act can hand the event, the projection and these rows to the store
 * as one write (store_write): nothing is half written.
 */
#ifndef REDRESS_LEDGER_H
#define REDRESS_LEDGER_H

#include "app/app.h"
#include "util/buf.h"

typedef struct ledger_rows {
    penalty *pens; /* heap arrays; strings borrowed from the event */
    size_t npens;
    compensation comps[1];
    size_t ncomps;
    outbox_msg msgs[1]; /* payload owned */
    size_t nmsgs;
} ledger_rows;

void ledger_rows_init(ledger_rows *r);
void ledger_rows_release(ledger_rows *r);
/* Fills r (initialised) with what ev (borrowed, sealed) causes; next is c after ev. Returns r->npens + ncomps + nmsgs. */
size_t ledger_rows_of(const app *a, const complaint *next, const event *ev, ledger_rows *r);

/*
 * The texts of ledger entries and compensations (waiver reasons, requests'
 * reasons, decisions) are sealed like every step's text: these replace them
 * in place by their masked form for display and export (app_pii_view_texts).
 */
int ledger_view_penalties(app *a, penalty_list *l);
int ledger_view_compensations(app *a, compensation_list *l);

/*
 * The monthly ledger as CSV (RFC 4180, UTF-8 with a byte-order mark so that
 * spreadsheet programs read the Chinese text), appended to out: one row per
 * entry of l, headings in Chinese or (en) English. Unit names are looked up
 * in a's organisation. Used by GET /penalties?format=csv and `redress
 * penalties export`.
 */
void ledger_csv(app *a, const penalty_list *l, bool en, buf *out);

#endif
