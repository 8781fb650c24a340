/*
 * retention: the retention policy (DOMAIN §11, docs/privacy.md). A closed
 * complaint is anonymised (app_pii_erase, reason "retention") once
 * retention_days have passed since it was closed: its customer data and
 * free text are replaced in the projection and its data key destroyed,
 * while its numbers, categories, units, dates and levels stay for the
 * statistics.
 *
 * Safe on several nodes at once: the candidates come from an index
 * (closed, not yet anonymised), and each anonymisation is a versioned
 * write, so the loser of a race re-reads the complaint, finds it
 * anonymised and moves on. Run by the server's periodic tick (the deadline
 * sweeper's thread, at most once an hour) and by `redress retention --now`.
 */
#ifndef REDRESS_RETENTION_H
#define REDRESS_RETENTION_H

#include <stdint.h>

#include "app/app.h"
#include "app/rights.h"

typedef struct retention_stats {
    long anonymised;
    long errors;
} retention_stats;

/*
 * Anonymises every complaint closed more than days days before now
 * (days > 0). report (may be NULL) is called with each complaint's number.
 * Returns 0 or a STORE_* code.
 */
int retention_run(app *a, int64_t now, int days, retention_stats *st, void (*report)(const char *number, void *arg),
                  void *arg);

/* The periodic tick: runs retention_run with a->retention_days at most once an hour. */
void retention_tick(app *a, int64_t now);

#endif
