/*
 * backend: what a store backend implements, for src/store/ only. A backend
 * (sqlite.c, pg.c) embeds struct store first in its own state and
 * implements the driver (driver.h) under which the aggregates' SQL is
 * written once. Operations not yet written over the driver are still
 * entries of the backend's table of operations, which store.c's named
 * functions call through.
 * Nothing outside src/store/ includes this header.
 */
#ifndef REDRESS_STORE_BACKEND_H
#define REDRESS_STORE_BACKEND_H

#include "store/driver.h"
#include "store/store.h"

#define STORE_OPS_VERSION 6

struct store_ops {
    int version; /* STORE_OPS_VERSION */
    const char *name;
    void (*close)(store *s);
    /* Applies pending migrations; safe to run twice. */
    int (*migrate)(store *s);





    /*
     * Creates a complaint from its intake event: assigns the id and the next
     * number of the day (prefix + local date of received_at + 4 digits),
     * writes them into ev->payload, seals ev, applies it to c and stores
     * both. c is initialised by the caller and filled here.
     */
    int (*complaint_create)(store *s, const char *prefix, int tz_offset, event *ev, complaint *c);
    /*
     * Stores the next state c (already the result of applying the sealed ev
     * to was, the state as read at c->version - 1) if the stored version is
     * still c->version - 1; else STORE_CONFLICT. The store may write only
     * the columns in which c differs from was (was's data is not read).
     */
    int (*complaint_update)(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset);


    /*
     * Bulk copy (redress copy): calls fn for every row of t ordered by its
     * first column, with t->ncols values; it stops when fn returns non-zero
     * and returns that value.
     */
    int (*rows_dump)(store *s, const store_table *t, int (*fn)(const store_value *row, void *arg), void *arg);

    /* ---- time limits (core/sla.h, jobs/sweep.c) ---- */
    /*
     * Stores n versioned complaint writes with their outbox and supervision
     * rows, in one durable transaction; each write succeeds or fails alone
     * (w[i].rc). Writes of the same complaint apply in order. Returns 0 when
     * the batch was committed (whatever the rcs), or STORE_UNAVAILABLE.
     */
    int (*complaint_write)(store *s, store_write *w, size_t n, int tz_offset);
    /*
     * Brackets a burst of complaint_write batches (a sweep): begin true, then
     * false when it ends. The store may put its own background work off
     * until the end — the SQLite store's checkpoints, which would otherwise
     * compete with the burst for the disk and the cores. Calls nest. May be
     * NULL.
     */
    void (*write_burst)(store *s, bool begin);
    /* ---- the versioned configuration (app/app.c) ---- */

    /* ---- customer data (sec/pii.h, docs/privacy.md) ---- */
    /*
     * complaint_create that also stores the complaint's wrapped data key k
     * (k->complaint_id is set here) in the same transaction.
     */
    int (*complaint_create_keyed)(store *s, const char *prefix, int tz_offset, event *ev, complaint *c,
                                  pii_keyrow *k);
    /*
     * complaint_update of an `anonymise` event that also deletes the
     * complaint's data key, in the same transaction (crypto-shredding).
     */
    int (*complaint_erase)(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset);
    /* An online copy of the whole database into a new file at path (SQLite); STORE_ERROR when unsupported. */
    int (*backup)(store *s, const char *path);
    /* ---- sessions and sign-in ---- */

};

struct store {
    const struct store_ops *ops;
    const struct store_driver *drv; /* driver.h */
    bool trace;                     /* REDRESS_TRACE_STORE: log every call (driver.c) */
};

/* Sets s->trace from the environment; a backend calls it when it opens. */
void store_trace_init(store *s);

#endif
