/*
 * sweep: the deadline sweeper (DOMAIN §5). Finds the open complaints whose
 * next check has come (complaints.next_check_at, indexed) and, for each,
 * writes what is due as a system event through the normal versioned
 * update — a `warn` at the warning point (with an outbox notification to
 * the responsible unit and person), a `breach` once the deadline has passed
 * (with a supervision order, 督办, for the owner unit's supervisor), and a
 * `supervise` at each further level of the policy (one unit further up).
 *
 * Exactly once: the event, its outbox rows and its supervision are one
 * versioned write (store_ops.complaint_write). Two sweepers at once, or a
 * sweep killed midway, cannot record a step twice: the loser of the version
 * race re-reads the complaint and finds the clock's flag already set, so
 * nothing is due any more. The due complaints are read SWEEP_BATCH at a
 * time and their writes go to the store in chunks (one durable transaction
 * each, a few hundred complaints), each written while the next is decided —
 * which is what makes a sweep of a thousand due complaints cheap.
 */
#ifndef REDRESS_SWEEP_H
#define REDRESS_SWEEP_H

#include <stdint.h>

#include "app/app.h"

enum { SWEEP_BATCH = 1000 };

typedef struct sweep_stats {
    long complaints; /* complaints that had something due */
    long warned, breached, supervised;
    long conflicts; /* lost version races (re-read and decided again) */
    long errors;
    double elapsed_ms;
} sweep_stats;

/*
 * One sweep at instant now. report (may be NULL) is called with a line for
 * each event written (borrowed; valid during the call). Returns 0, or a
 * STORE_* code when the store failed (what was written stays written).
 */
int sweep_run(app *a, int64_t now, sweep_stats *st, void (*report)(const char *line, void *arg), void *arg);

/* The background sweeper of `redress serve`: every interval_s seconds on
 * the real clock, until sweeper_stop. NULL when interval_s <= 0. */
typedef struct sweeper sweeper;
sweeper *sweeper_start(app *a, int interval_s);
void sweeper_stop(sweeper *s);

#endif
