/*
 * backend: what a store backend implements, for src/store/ only. A backend
 * (sqlite.c, pg.c) embeds struct store first in its own state and
 * implements the driver (driver.h) under which the aggregates' SQL is
 * written once. What remains of its own is a short table of operations —
 * how a creation is numbered, a streamed copy of a table, a backup —
 * which store.c's named functions call through.
 * Nothing outside src/store/ includes this header.
 */
#ifndef REDRESS_STORE_BACKEND_H
#define REDRESS_STORE_BACKEND_H

#include <pthread.h>
#include <stdatomic.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/buf.h"

#define STORE_OPS_VERSION 8

/*
 * A complaint to create (store_complaint_create_keyed): the caller's intake
 * event ev and projection c, the id and number of the day the backend takes
 * for it, and what store_new_seal makes of them.
 */
struct store_new {
    const char *prefix;
    int tz;
    event *ev;
    complaint *c;
    pii_keyrow *k;          /* the data key stored with it, or NULL */
    const store_with *with; /* or NULL */
    const outbox_msg *msgs; /* with's rows, once sealed */
    size_t nmsgs;
    char day[16]; /* the local date of received_at: the numbering day */
    int64_t id, seq;
    bool numbered; /* id and seq were taken in this transaction (store_new_number) */
    char *data;    /* c->data as text, once sealed */
    int rc;        /* OUT of store_new_batch */
};

struct store_ops {
    int version; /* STORE_OPS_VERSION */
    const char *name;
    void (*close)(store *s);
    /* Applies pending migrations; safe to run twice. */
    int (*migrate)(store *s);
    /*
     * Creates n->ev's complaint: takes an id and the next number of n->day,
     * and stores it with store_new_seal and store_new_insert (one durable
     * transaction). STORE_UNAVAILABLE when the numbers kept clashing.
     */
    int (*complaint_create)(store *s, struct store_new *n);
    /*
     * Creates ns[0..n) in durable transactions of many (SQLite: one), a
     * savepoint each: one that fails is left out with its code in
     * ns[i]->rc, the others are stored (a ledger import's batch). A
     * transaction that failed sets the rc of each of its creations. Returns
     * the first such failure, or 0.
     */
    int (*complaint_create_many)(store *s, struct store_new *const *ns, size_t n);
    /*
     * Bulk copy (redress copy): calls fn for every row of t ordered by its
     * first column, with t->ncols values; it stops when fn returns non-zero
     * and returns that value.
     */
    int (*rows_dump)(store *s, const store_table *t, int (*fn)(const store_value *row, void *arg), void *arg);
    /*
     * Brackets a burst of complaint_write batches (a sweep): begin true, then
     * false when it ends. The store may put its own background work off
     * until the end — the SQLite store's checkpoints, which would otherwise
     * compete with the burst for the disk and the cores. Calls nest. May be
     * NULL.
     */
    void (*write_burst)(store *s, bool begin);
    /* An online copy of the whole database into a new file at path (SQLite); STORE_ERROR when unsupported. */
    int (*backup)(store *s, const char *path);
};

struct store {
    const struct store_ops *ops;
    const struct store_driver *drv; /* driver.h */
    bool trace;                     /* REDRESS_TRACE_STORE: log every call (driver.c) */
    /* When a unit of work last committed and last failed (the database
     * unreachable, read-only, its disk full), for store_write_check. */
    _Atomic int64_t write_ok_at, write_failed_at;
    /* Where attachments' sealed bytes are kept as files (store_files_dir):
     * set by the SQLite backend, NULL for PostgreSQL (owned). */
    char *files_dir;
    /* The group sync of files_dir's entries (attachments.c, store_blob_place):
     * renames made up to dir_requested wait for one fsync of the directory,
     * which covers every rename made before it started. Under dir_mu. */
    pthread_mutex_t dir_mu;
    pthread_cond_t dir_cv;
    uint64_t dir_requested, dir_synced;
    bool dir_syncing;
};

/* copy.c: the SELECT of every column of t, quoted, ordered by the first (a backend's rows_dump). */
void store_select_all(buf *sql, const store_table *t);

/* Sets s->trace from the environment; a backend calls it when it opens. */
void store_trace_init(store *s);

/* ---- a creation's parts (complaints_write.c) ---- */

void store_new_init(struct store_new *n, const char *prefix, int tz, event *ev, complaint *c, pii_keyrow *k,
                    const store_with *with);
void store_new_release(struct store_new *n);
/* Inside the creating transaction: the next number of n->day (holding the
 * day's row until the end) and a fresh id. PostgreSQL's: SQLite numbers
 * ahead of its writer. */
int store_new_number(db_conn *c, struct store_new *n);
/* The number made of n->seq, the event sealed with it, c applied, n->data, with's rows. */
void store_new_seal(struct store_new *n);
/* The complaint's row, its event, the day's count, its data key, with's rows. */
int store_new_insert(db_conn *c, const struct store_new *n);
/* n creations in one transaction: each numbered, sealed (PostgreSQL; SQLite
 * hands them in numbered and sealed) and inserted, or (ns[i]->rc) rolled
 * back alone, its number given back. Fails as a whole only when the unit of
 * work must run again. */
int store_new_batch(db_conn *c, struct store_new *const *ns, size_t n);

#endif
