/*
 * tally: the sweeper's periodic notices of parked cases (app/unresolvable.h,
 * app/pending.h) — the open cases a filter finds, counted by owner unit;
 * the people to tell, found from those units; and one in-app notice each,
 * keyed by period and person so that a second pass in the period writes
 * nothing.
 */
#ifndef REDRESS_APP_TALLY_H
#define REDRESS_APP_TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

/* Whether the pass counts c (a case the filter found); arg is the spec's instant. */
typedef bool (*tally_keep_fn)(app *a, const complaint *c, int64_t arg);

/* What one kind of notice counts and whom it tells. */
typedef struct tally_spec {
    complaint_filter filter; /* the cases (its cursor and limit are the pass's) */
    tally_keep_fn keep;      /* and of those, which count */
    int64_t arg;             /* keep's: an instant */
    unsigned roles;          /* enum role bits: who hears, at the nearest unit at or above each case's owner
                                that has one */
    bool centres;            /* and likewise at every service centre whose scope holds the owner */
    const char *templ;       /* the outbox template (app/inapp.c renders it) */
    const char *prefix;      /* of the key "PREFIX/PERIOD/uUSER" */
} tally_spec;

/*
 * Sets up spec (zeroed) for a pass at now, the policy held: the period's
 * key into period (16 bytes, "2026-Q4", "2026-12"); false when there is
 * nothing to tell now (the pack has no such section, the day has not come).
 */
typedef bool (*tally_setup_fn)(app *a, int64_t now, tally_spec *spec, char *period);

/*
 * One pass of a notice at now: setup says which cases, whom and the period;
 * when done (the caller's buffer of donelen bytes, at least 16) already
 * holds the period, nothing is read. Each person hears once a period,
 * payload {"count", "period"} (outbox channel internal); a key already
 * taken is a person told already. *queued (may be NULL) gets the number
 * queued; done gets the period after a pass. 0, or a store failure (done
 * unchanged).
 */
int tally_notice(app *a, int64_t now, tally_setup_fn setup, char *done, size_t donelen, int *queued);

#endif
