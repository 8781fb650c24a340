/*
 * ledger: the rows a workflow step writes beside its event — penalty
 * ledger entries (考核) decided by a close or a late appeal report, or waived, compensations granted,
 * requested or decided (授权), and the notifications in the outbox: an
 * approval request, and the follow-up a dissatisfied revisit asks for. They are derived from the sealed event alone, so that
 * app_act can hand the event, the projection and these rows to the store
 * as one write (store_write): nothing is half written. Pure.
 */
#ifndef REDRESS_CORE_LEDGER_H
#define REDRESS_CORE_LEDGER_H

#include <stddef.h>

#include "core/complaint.h"
#include "core/event.h"
#include "core/records.h"

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
size_t ledger_rows_of(const complaint *next, const event *ev, ledger_rows *r);

#endif
