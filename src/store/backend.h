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
    /* out must be initialised (complaint_init); it is released and refilled. */
    int (*complaint_get)(store *s, int64_t id, const char *number, complaint *out);
    /*
     * A page of complaints for a list. Unless f->full, their data holds only
     * what a summary shows — customer, subject_staff, waiting — not the full
     * document (a backend may return more).
     */
    int (*complaint_list)(store *s, const complaint_filter *f, complaint_page *out);
    int (*event_list)(store *s, int64_t complaint_id, event_list *out);
    /* Calls fn for every complaint id in order; stops when fn returns non-zero. */
    int (*complaint_ids)(store *s, int (*fn)(int64_t id, void *arg), void *arg);
    int (*complaint_count)(store *s, int64_t *n);

    int (*stats_days)(store *s, int64_t from_day, int64_t to_day, day_stat **out, size_t *n);
    int (*stats_status)(store *s, int64_t counts[ST__COUNT], int64_t now, int64_t *overdue);

    /* The highest applied migration. */
    int (*schema_version)(store *s, int *version /* OUT */);
    /*
     * Bulk copy (redress copy). tables: every table of the schema except
     * schema_version, into a heap array (store_tables_release). rows_dump
     * calls fn for every row of t ordered by its first column, with t->ncols
     * values; it stops when fn returns non-zero and returns that value.
     * rows_load inserts nrows rows of t->ncols values (row-major) as they
     * are, ids included, in one transaction, after which new ids continue
     * past the largest one. rows_count counts the rows of a table.
     */
    int (*tables)(store *s, store_table **out, size_t *n);
    int (*rows_dump)(store *s, const store_table *t, int (*fn)(const store_value *row, void *arg), void *arg);
    int (*rows_load)(store *s, const store_table *t, const store_value *rows, size_t nrows);
    int (*rows_count)(store *s, const char *table, int64_t *n);

    /* ---- time limits (core/sla.h, jobs/sweep.c) ---- */
    /*
     * Open complaints whose next check has come (next_check_at <= now),
     * earliest first, after (after_key, after_id) — pass 0, 0 for the first
     * page: up to max ids into ids (OUT), their next_check_at into keys (OUT).
     */
    int (*complaint_due)(store *s, int64_t now, int64_t after_key, int64_t after_id, int max, int64_t *ids,
                         int64_t *keys, size_t *n);
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
    /* For each of rows[0..n): IN complaint_id; OUT found, key_id, wrapped, len. One round trip. */
    int (*pii_keys_get)(store *s, pii_keyrow *rows, size_t n);
    /*
     * complaint_update of an `anonymise` event that also deletes the
     * complaint's data key, in the same transaction (crypto-shredding).
     */
    int (*complaint_erase)(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset);
    /* Up to max key rows not wrapped by key_id, complaint_id > after_id, in id order (rekey). */
    int (*pii_keys_page)(store *s, const char *key_id, int64_t after_id, int max, pii_keyrow *out, size_t *n);
    /* Replaces the wrapping of each row whose key id is still old_key_id (rows[i].rc), one transaction. */
    int (*pii_keys_rewrap)(store *s, pii_keyrow *rows, size_t n);
    /*
     * Complaints closed before closed_before and not yet anonymised, by id
     * after after_id: up to max ids into ids (OUT), the count into n.
     */
    int (*retention_due)(store *s, int64_t closed_before, int64_t after_id, int max, int64_t *ids, size_t *n);
    /* An online copy of the whole database into a new file at path (SQLite); STORE_ERROR when unsupported. */
    int (*backup)(store *s, const char *path);
    /* ---- the audit log (core/auditlog.h, sec/audit.h) ---- */
    /*
     * Appends r to the chain in one durable transaction: takes the head
     * under its lock, sets r->seq and r->prev, seals r and stores it.
     * Borrowed: the strings of r.
     */
    int (*audit_append)(store *s, audit_row *r /* IN; OUT: seq, prev, hash */);
    /* A page of entries matching f (out->items owned by out; audit_page_release). */
    int (*audit_list)(store *s, const audit_filter *f, audit_page *out);

    /* ---- sessions and sign-in ---- */

    /*
     * The overview of the complaints visible in a scope — owner, subject,
     * last handling or assisting unit among units[0..n) — for a caller who
     * does not see the whole organisation: counts by status, the open ones
     * past their stage deadline at now, and per local day (tz) of
     * [from_day, to_day] what was received and closed (days: a heap array of
     * to_day - from_day + 1, in order; see store_day_stats_add).
     */
    int (*stats_scope)(store *s, const int64_t *units, size_t n, int64_t now, int tz, int64_t from_day,
                       int64_t to_day, int64_t counts[ST__COUNT], int64_t *overdue, day_stat **days);
};

struct store {
    const struct store_ops *ops;
    const struct store_driver *drv; /* driver.h */
    bool trace;                     /* REDRESS_TRACE_STORE: log every call (driver.c) */
};

/* Sets s->trace from the environment; a backend calls it when it opens. */
void store_trace_init(store *s);

#endif
