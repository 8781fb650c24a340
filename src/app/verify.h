/*
 * verify: what `redress verify` checks (docs/operations.md "Integrity"), in
 * one pass over every complaint:
 *   - each complaint's event chain: seq, prev and the keyed hash (events
 *     before the chain's epoch may carry the unkeyed hash of old);
 *   - the complaint row against the replay of its events;
 *   - the penalty and compensation rows against what the events decided
 *     (number, amount, status);
 *   - the complaint's data key: present and unwrapping to the key that
 *     opens its sealed values, unless the customer's data was erased;
 *   - the daily statistics of the days before today (today's still change)
 *     against the receipts and closings of the events;
 *   - every stored checkpoint (and one exported earlier, if given) against
 *     the events up to it: its MAC, the counts of complaints and events and
 *     the keyed digest of their hashes — so that a deleted complaint, a
 *     deleted event or a cut tail shows;
 * then the audit log's chain, against the checkpoints' audit heads.
 * It needs the master key (the chain key is wrapped by it).
 */
#ifndef REDRESS_APP_VERIFY_H
#define REDRESS_APP_VERIFY_H

#include "app/app.h"
#include "core/chain.h"

typedef struct verify_report {
    long complaints, events, audit_entries, checkpoints;
    long attachments; /* files whose sealed bytes were hashed */
    char msg[512]; /* the first problem */
} verify_report;

/*
 * Verifies the whole database; against (may be NULL) is an exported
 * checkpoint to compare with as well. Returns 0 when intact, 1 with the
 * first problem in r->msg, -1 when the database cannot be read (r->msg).
 */
int app_verify(app *a, const checkpoint *against, verify_report *r);

/*
 * The checks of one complaint (chain, row, ledger, supervision orders,
 * data key) alone. Without the chain's keys (no master key open) every
 * hash is checked as an unkeyed one. 0 when intact, else -1 with the first
 * problem in msg.
 */
int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen);
/* The same without the hashes, for `redress copy`, which compares them with the source's instead. */
int app_verify_copied(app *a, int64_t id, char *msg, size_t msglen);

/*
 * The audit log's chain alone (the last step of app_verify): every entry's
 * keyed hash and the audit heads the stored checkpoints recorded. *checked
 * (OUT) entries. 0 when intact, 1 with the first broken entry in msg, -1
 * when it cannot be checked (no master key, unreadable; msg says).
 */
int app_verify_audit(app *a, long *checked, char *msg, size_t msglen);
/*
 * Stores a new checkpoint of everything written so far (nothing when
 * nothing was written since the newest) into *out. 0 or a STORE_* code.
 */
int app_checkpoint(app *a, int64_t now, checkpoint *out);

#endif
