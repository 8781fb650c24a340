/*
 * sqlite: the embedded store. One database file in WAL mode.
 *
 * Writes: one writer thread owns the only write connection. Callers queue a
 * job and wait; the writer takes every queued job (up to WRITE_BATCH), runs
 * them in one BEGIN IMMEDIATE … COMMIT, each inside its own SAVEPOINT so a
 * failing job is rolled back alone (a sweep's batches run without, see
 * writer_main), and wakes the callers once the commit is on disk
 * (synchronous=FULL): a caller that was told "ok" holds an acknowledged,
 * durable write. This is group commit — one fsync for many complaints —
 * and during a write burst (a sweep) it is pipelined: the fsync that ends
 * a commit is done by a thread of its own (sqlite_io.h, sqlite_syncer)
 * while the writer goes on with the next group, and the callers are woken
 * when it has returned.
 *
 * Reads: each thread gets its own read-only connection on first use (WAL
 * readers never block the writer). Every connection caches its prepared
 * statements by SQL text.
 */
#include "store/sqlite.h"
#include "store/sqlite_io.h"
#include "store/driver.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "util/buf.h"
#include "util/groupq.h"
#include "util/jsonr.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

extern const char *const sqlite_migrations[];

enum { STMT_CACHE = 48, WRITE_BATCH = 512 };
#define DUE_NONE 9000000000000000LL

/* A cached statement, as the driver hands it out (driver.h). */
typedef struct sstmt {
    db_stmt base; /* first */
    sqlite3_stmt *st;
} sstmt;

typedef struct conn {
    db_conn base; /* first: the driver's connection (driver.h) */
    sqlite3 *db;
    struct {
        char *sql;
        sstmt s;
    } cache[STMT_CACHE];
    int n, next_evict;
    struct conn *next_conn; /* all reader connections, for closing */
    struct conn *next_idle; /* readers whose thread has ended, for the next thread */
    struct sq *owner;
    bool bare; /* the writer: this batch runs without a savepoint per job (see writer_main) */
} conn;

typedef struct wjob {
    groupq_item link; /* first: the queue links jobs through it */
    int (*fn)(conn *c, void *arg);
    void *arg;
    int rc;
    bool bare; /* may run without its savepoint: see writer_main */
} wjob;

#define NEXT_JOB(j) ((wjob *)(j)->link.next)

typedef struct sq {
    store base;
    char *path;
    conn writer;
    pthread_t thread;
    groupq queue; /* the writer's jobs */
    sqlite_ckpt *ckpt; /* WAL checkpoints, off the writer's path (sqlite_io.c) */
    sqlite_syncer *syncer; /* the commits' fsyncs in a burst; NULL: the writer syncs */
    atomic_int bursts;     /* write_burst(true) calls not yet undone */
    pthread_key_t reader_key;
    pthread_mutex_t readers_mu;
    conn *readers;
    conn *idle; /* under readers_mu */
    /* Complaint ids and day numbers handed out ahead of the writer (see
     * reserve()); loaded from the database on first use and after a failure. */
    pthread_mutex_t alloc_mu;
    bool alloc_loaded;
    int64_t next_id;
    struct {
        char day[12];
        int64_t next;
    } days[8];
    int ndays, next_day_slot;
} sq;

static void alloc_invalidate(sq *s);
static void conn_init_db(conn *c);

/* ---- connections and statements ----------------------------------------- */

static void conn_release(conn *c)
{
    for (int i = 0; i < c->n; i++) {
        sqlite3_finalize(c->cache[i].s.st);
        free(c->cache[i].sql);
    }
    c->n = 0;
    if (c->db)
        sqlite3_close(c->db);
    c->db = NULL;
}

/*
 * Returns the cache entry of a prepared, reset statement for sql on
 * connection c (borrowed: owned by the cache). NULL on error (logged). A
 * statement in use (stepped and not yet reset) is never the one evicted.
 */
static sstmt *prep_entry(conn *c, const char *sql)
{
    for (int i = 0; i < c->n; i++) {
        if (strcmp(c->cache[i].sql, sql) == 0) {
            sqlite3_reset(c->cache[i].s.st);
            sqlite3_clear_bindings(c->cache[i].s.st);
            return &c->cache[i].s;
        }
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        log_error("sqlite prepare: %s", sqlite3_errmsg(c->db));
        return NULL;
    }
    int slot;
    if (c->n < STMT_CACHE) {
        slot = c->n++;
    } else {
        for (int tries = 0; tries < STMT_CACHE && sqlite3_stmt_busy(c->cache[c->next_evict].s.st); tries++)
            c->next_evict = (c->next_evict + 1) % STMT_CACHE;
        slot = c->next_evict;
        c->next_evict = (c->next_evict + 1) % STMT_CACHE;
        sqlite3_finalize(c->cache[slot].s.st);
        free(c->cache[slot].sql);
    }
    c->cache[slot].sql = xstrdup(sql);
    c->cache[slot].s.base.conn = &c->base;
    c->cache[slot].s.st = st;
    return &c->cache[slot].s;
}

static sqlite3_stmt *prep(conn *c, const char *sql)
{
    sstmt *e = prep_entry(c, sql);
    return e ? e->st : NULL;
}

static int exec(conn *c, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("sqlite: %s (in: %.60s)", msg ? msg : "?", sql);
        sqlite3_free(msg);
        return STORE_ERROR;
    }
    return 0;
}

/*
 * SQLite counts every allocation under one process-wide mutex unless told
 * not to; with a reader connection per HTTP thread and the writer, that
 * mutex was the most contended lock of an intake. Nothing here reads
 * sqlite3_memory_used() or sets a soft heap limit, which need the count.
 */
static void sqlite_configure(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        log_warn("sqlite: was initialised before it could be configured: allocations stay counted");
}

static int open_db(const char *path, bool readonly, sqlite3 **out, char *err, size_t errlen)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_configure);
    int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                SQLITE_OPEN_NOMUTEX;
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, flags, sqlite_io_vfs()) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 10000);
    *out = db;
    return 0;
}

/*
 * Each thread reads through a connection of its own. HTTP requests run on a
 * thread per client connection, so threads come and go: when one ends, its
 * reader (with its prepared statements) waits on the idle list for the next.
 */
static void reader_idle(void *arg)
{
    conn *c = arg;
    sq *s = c->owner;
    pthread_mutex_lock(&s->readers_mu);
    c->next_idle = s->idle;
    s->idle = c;
    pthread_mutex_unlock(&s->readers_mu);
}

static conn *reader(sq *s)
{
    conn *c = pthread_getspecific(s->reader_key);
    if (c)
        return c;
    pthread_mutex_lock(&s->readers_mu);
    c = s->idle;
    if (c)
        s->idle = c->next_idle;
    pthread_mutex_unlock(&s->readers_mu);
    if (c) {
        pthread_setspecific(s->reader_key, c);
        return c;
    }
    c = xcalloc(1, sizeof *c);
    conn_init_db(c);
    c->owner = s;
    char err[256];
    if (open_db(s->path, true, &c->db, err, sizeof err)) {
        log_error("%s", err);
        free(c);
        return NULL;
    }
    /* A larger page cache per reader (the default is 2 MB); no mmap: with a
     * growing WAL-mode file SQLite remaps on every new read transaction,
     * which costs more in page-table work than it saves in reads. */
    sqlite3_exec(c->db, "PRAGMA cache_size=-16384", NULL, NULL, NULL);
    pthread_mutex_lock(&s->readers_mu);
    c->next_conn = s->readers;
    s->readers = c;
    pthread_mutex_unlock(&s->readers_mu);
    pthread_setspecific(s->reader_key, c);
    return c;
}

/* ---- the writer thread ---------------------------------------------------- */

/*
 * Runs a statement without results through the statement cache: the
 * writer's BEGIN / SAVEPOINT / RELEASE / COMMIT run for every job, and
 * sqlite3_exec would parse them anew each time.
 */
static int run(conn *c, const char *sql)
{
    sqlite3_stmt *st = prep(c, sql);
    if (!st)
        return STORE_ERROR;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        log_error("sqlite: %s (in: %s)", sqlite3_errmsg(c->db), sql);
        return STORE_ERROR;
    }
    return 0;
}

/* The syncer's hand-back: the batch's commit is on disk (or could not be put there). */
static void batch_synced(void *item, bool synced, void *arg)
{
    sq *s = arg;
    wjob *batch = item;
    if (!synced) {
        alloc_invalidate(s);
        for (wjob *j = batch; j; j = NEXT_JOB(j))
            j->rc = STORE_UNAVAILABLE;
    }
    groupq_finish(&s->queue, &batch->link);
}

/*
 * Every job runs inside a savepoint of its own, so that a failing job is
 * rolled back alone. A savepoint costs a copy of every page the job then
 * changes (SQLite's sub-journal): for a sweep's batch, 2,300 pages, 8 % of
 * the writer's instructions. So a batch made of bare jobs only (the
 * sweep's batched writes, which leave nothing half written when they
 * succeed) runs without them; if one of its jobs fails, the transaction is
 * rolled back and the batch run again the usual way. A bare job must be
 * safe to run twice.
 */
static void *writer_main(void *arg)
{
    sq *s = arg;
    conn *w = &s->writer;
    wjob *batch;
    while ((batch = (wjob *)groupq_take(&s->queue, WRITE_BATCH))) {
        if (sqlite_syncer_failed(s->syncer)) {
            /* The disk lost a commit: nothing written now could be trusted to it either. */
            for (wjob *j = batch; j; j = NEXT_JOB(j))
                j->rc = STORE_UNAVAILABLE;
            groupq_finish(&s->queue, &batch->link);
            continue;
        }
        bool bare = true;
        for (wjob *j = batch; j; j = NEXT_JOB(j))
            bare = bare && j->bare;
    again:
        w->bare = bare;
        bool failed = run(w, "BEGIN IMMEDIATE") != 0;
        for (wjob *j = batch; j && !failed; j = NEXT_JOB(j)) {
            if (!bare && run(w, "SAVEPOINT job")) {
                failed = true;
                break;
            }
            j->rc = j->fn(w, j->arg);
            if (sqlite3_get_autocommit(w->db)) {
                /* The transaction was rolled back under us (I/O error, full disk). */
                failed = true;
                break;
            }
            if (bare) {
                if (j->rc != 0) {
                    run(w, "ROLLBACK");
                    bare = false;
                    goto again;
                }
                continue;
            }
            if (j->rc != 0)
                run(w, "ROLLBACK TO job");
            run(w, "RELEASE job");
        }
        w->bare = false;
        /* The sync goes to the syncer during a write burst (a sweep): the
         * writer, busy with the next group meanwhile, is what limits a
         * sweep. Not otherwise: for requests that come and go (intake) the
         * groups are small, the disk does not overlap two syncs, and
         * handing each over cost 10 % of intake's throughput. */
        sqlite_io_defer(s->syncer && atomic_load(&s->bursts) > 0);
        if (!failed && run(w, "COMMIT") != 0)
            failed = true;
        sqlite_io_defer(false);
        int owed = sqlite_io_owed();
        if (failed) {
            alloc_invalidate(s);
            if (!sqlite3_get_autocommit(w->db))
                run(w, "ROLLBACK");
            for (wjob *j = batch; j; j = NEXT_JOB(j))
                j->rc = STORE_UNAVAILABLE;
        } else if (owed >= 0) {
            sqlite_syncer_push(s->syncer, owed, batch);
            continue;
        }
        groupq_finish(&s->queue, &batch->link);
    }
    return NULL;
}

/* Runs fn(writer, arg) in the next group commit; returns fn's result or
 * STORE_UNAVAILABLE if the batch could not be committed. */
static int submit_job(sq *s, int (*fn)(conn *, void *), void *arg, bool bare)
{
    wjob j = {.fn = fn, .arg = arg, .bare = bare};
    groupq_submit_wait(&s->queue, &j.link);
    return j.rc;
}

static int submit(sq *s, int (*fn)(conn *, void *), void *arg)
{
    return submit_job(s, fn, arg, false);
}

/* ---- the driver (driver.h) ------------------------------------------------- */

static sqlite3_stmt *raw(db_stmt *st)
{
    return ((sstmt *)st)->st;
}

static db_stmt *d_prepare(db_conn *c, const char *sql)
{
    sstmt *e = prep_entry((conn *)c, sql);
    return e ? &e->base : NULL;
}

static void d_bind_int(db_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(raw(st), i, v);
}

static void d_bind_text(db_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(raw(st), i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(raw(st), i);
}

static void d_bind_blob(db_stmt *st, int i, const void *p, size_t n)
{
    sqlite3_bind_blob(raw(st), i, p, (int)n, SQLITE_STATIC);
}

static void d_bind_null(db_stmt *st, int i)
{
    sqlite3_bind_null(raw(st), i);
}

static int d_step(db_stmt *st)
{
    int rc = sqlite3_step(raw(st));
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return 0;
    if (rc == SQLITE_CONSTRAINT)
        return STORE_CONFLICT;
    log_error("sqlite step: %s", sqlite3_errmsg(((conn *)st->conn)->db));
    return STORE_ERROR;
}

static bool d_column_null(db_stmt *st, int i)
{
    return sqlite3_column_type(raw(st), i) == SQLITE_NULL;
}

static int64_t d_column_int(db_stmt *st, int i)
{
    return sqlite3_column_int64(raw(st), i);
}

static const char *d_column_text(db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(raw(st), i);
}

static const void *d_column_blob(db_stmt *st, int i, size_t *n)
{
    const void *p = sqlite3_column_blob(raw(st), i);
    *n = (size_t)sqlite3_column_bytes(raw(st), i);
    return p;
}

static int64_t d_changes(db_stmt *st)
{
    return sqlite3_changes64(((conn *)st->conn)->db);
}

static void d_reset(db_stmt *st)
{
    sqlite3_reset(raw(st));
}

static int d_exec(db_conn *c, const char *sql)
{
    return exec((conn *)c, sql);
}

static const struct db_ops sqlite_db_ops = {
    .prepare = d_prepare,
    .bind_int = d_bind_int,
    .bind_text = d_bind_text,
    .bind_blob = d_bind_blob,
    .bind_null = d_bind_null,
    .step = d_step,
    .column_null = d_column_null,
    .column_int = d_column_int,
    .column_text = d_column_text,
    .column_blob = d_column_blob,
    .changes = d_changes,
    .reset = d_reset,
    .exec = d_exec,
};

static void conn_init_db(conn *c)
{
    c->base.ops = &sqlite_db_ops;
    c->base.dialect = DB_SQLITE;
}

static int sq_read(store *stp, db_fn fn, void *arg)
{
    conn *c = reader((sq *)stp);
    return c ? fn(&c->base, arg) : STORE_ERROR;
}

struct unit_of_work {
    db_fn fn;
    void *arg;
};

static int job_unit_of_work(conn *c, void *arg)
{
    struct unit_of_work *u = arg;
    return u->fn(&c->base, u->arg);
}

static int sq_write(store *stp, db_fn fn, void *arg, unsigned flags)
{
    struct unit_of_work u = {fn, arg};
    return submit_job((sq *)stp, job_unit_of_work, &u, (flags & DB_WRITE_BARE) != 0);
}

static const struct store_driver sqlite_driver = {
    .name = "sqlite",
    .read = sq_read,
    .write = sq_write,
};

/* ---- migrations ----------------------------------------------------------- */

static int migrate_now(conn *w)
{
    if (exec(w, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                "applied_at INTEGER NOT NULL)"))
        return STORE_ERROR;
    for (int i = 0; sqlite_migrations[i]; i++) {
        int version = i + 1;
        sqlite3_stmt *st = prep(w, "SELECT 1 FROM schema_version WHERE version = ?");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int(st, 1, version);
        bool applied = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (applied)
            continue;
        if (exec(w, "BEGIN IMMEDIATE"))
            return STORE_ERROR;
        if (exec(w, sqlite_migrations[i])) {
            exec(w, "ROLLBACK");
            return STORE_ERROR;
        }
        st = prep(w, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");
        sqlite3_bind_int(st, 1, version);
        sqlite3_bind_int64(st, 2, time_now());
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE || exec(w, "COMMIT")) {
            exec(w, "ROLLBACK");
            return STORE_ERROR;
        }
        log_info("applied migration %03d", version);
    }
    return 0;
}

static int sq_migrate(store *st)
{
    (void)st;
    return 0; /* done at open, before the writer thread starts */
}

static int step_done(conn *c, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc == SQLITE_CONSTRAINT)
        return STORE_CONFLICT;
    log_error("sqlite step: %s", sqlite3_errmsg(c->db));
    return STORE_ERROR;
}

/* ---- complaints ---------------------------------------------------------------------------- */

#define C_COLS                                                                                      \
    "id, number, status, level, nature, channel, category, phone, subject_unit, owner_unit, "      \
    "handler_unit, received_at, created_at, updated_at, closed_at, stage_due, overall_due, "       \
    "first_contact, created_by, version, head, data, warn_at, next_check_at"

/*
 * The columns an update of a complaint writes, in bind_complaint's
 * numbering (id and number never change). The statement names only the
 * columns whose values differ from the row it replaces (update_arg.was):
 * naming an indexed column rewrites that index's entry even when the value
 * is the same — a page of the log per index, eleven for a sweep's warning
 * when they were all named — and leaving a column out is what keeps an
 * index that a migration adds from costing every update a page.
 */
static const struct {
    const char *col;
    int param;
} update_cols[] = {
    {"status", 3}, {"level", 4}, {"nature", 5}, {"channel", 6}, {"category", 7},
    {"phone", 8}, {"subject_unit", 9}, {"owner_unit", 10}, {"handler_unit", 11}, {"received_at", 12},
    {"created_at", 13}, {"updated_at", 14}, {"closed_at", 15}, {"stage_due", 16}, {"overall_due", 17},
    {"first_contact", 18}, {"created_by", 19}, {"version", 20}, {"head", 21}, {"data", 22},
    {"is_open", 23}, {"stage", 24}, {"warn_at", 25}, {"next_check_at", 26},
};
enum { N_UPDATE_COLS = sizeof update_cols / sizeof update_cols[0] };

/*
 * The value bind_complaint binds as parameter p (3–26 but 21 and 22, the
 * head and the data): an integer, or a text in *text.
 */
static int64_t col_value(const complaint *c, int p, const char **text)
{
    *text = NULL;
    switch (p) {
    case 3: return c->status;
    case 4: return c->level;
    case 5: *text = c->nature; return 0;
    case 6: *text = c->channel; return 0;
    case 7: *text = c->category; return 0;
    case 8: *text = c->phone; return 0;
    case 9: return c->subject_unit;
    case 10: return c->owner_unit;
    case 11: return c->handler_unit;
    case 12: return c->received_at;
    case 13: return c->created_at;
    case 14: return c->updated_at;
    case 15: return c->closed_at;
    case 16: return c->stage_due ? c->stage_due : DUE_NONE;
    case 17: return c->overall_due;
    case 18: return c->first_contact;
    case 19: return c->created_by;
    case 20: return c->version;
    case 23: return status_open(c->status);
    case 24: return stage_of(c->status);
    case 25: return c->warn_at ? c->warn_at : DUE_NONE;
    case 26: return c->next_check_at ? c->next_check_at : DUE_NONE;
    default: return 0;
    }
}

/* Binds id (1) and the update_cols in set, as bind_complaint would. */
static void bind_cols(sqlite3_stmt *st, const complaint *c, const char *data_text, uint32_t set)
{
    sqlite3_bind_int64(st, 1, c->id);
    for (int i = 0; i < N_UPDATE_COLS; i++) {
        int p = update_cols[i].param;
        const char *text;
        if (!(set & (UINT32_C(1) << i)))
            continue;
        if (p == 21) {
            sqlite3_bind_blob(st, 21, c->head, 32, SQLITE_STATIC);
        } else if (p == 22) {
            sqlite3_bind_text(st, 22, data_text, -1, SQLITE_STATIC);
        } else {
            int64_t v = col_value(c, p, &text);
            if (text)
                sqlite3_bind_text(st, p, text, -1, SQLITE_STATIC);
            else
                sqlite3_bind_int64(st, p, v);
        }
    }
}

/* Binds the projection's columns as parameters 1–26 (1 = id, 2 = number).
 * data_text is kept alive by the caller until the step. */
static void bind_complaint(sqlite3_stmt *st, const complaint *c, const char *data_text)
{
    bind_cols(st, c, data_text, ~UINT32_C(0));
    sqlite3_bind_text(st, 2, c->number, -1, SQLITE_STATIC);
}

static int insert_event(conn *c, const event *ev)
{
    sqlite3_stmt *st = prep(c, "INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, ev->complaint_id);
    sqlite3_bind_int64(st, 2, ev->seq);
    sqlite3_bind_text(st, 3, ev->action, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ev->at);
    sqlite3_bind_int64(st, 5, ev->actor);
    sqlite3_bind_blob(st, 6, ev->prev, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, ev->hash, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, ev->body, -1, SQLITE_STATIC);
    return step_done(c, st);
}

static int bump_stats(conn *c, int64_t day, int received, int closed, int on_time, int fcr)
{
    sqlite3_stmt *st = prep(c, "INSERT INTO daily_stats (day, received, closed, closed_on_time, first_contact) "
                               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                               "received = received + excluded.received, closed = closed + excluded.closed, "
                               "closed_on_time = closed_on_time + excluded.closed_on_time, "
                               "first_contact = first_contact + excluded.first_contact");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, day);
    sqlite3_bind_int(st, 2, received);
    sqlite3_bind_int(st, 3, closed);
    sqlite3_bind_int(st, 4, on_time);
    sqlite3_bind_int(st, 5, fcr);
    return step_done(c, st);
}

/* Counts a close in the daily statistics (the day of the closing event). */
static int stats_on_close(conn *c, const complaint *cp, const event *ev, int tz)
{
    if (ev->to_status != ST_CLOSED || ev->from_status == ST_CLOSED)
        return 0;
    bool on_time = !cp->overall_due || cp->closed_at <= cp->overall_due;
    return bump_stats(c, time_local_day(ev->at, tz), 0, 1, on_time, cp->first_contact);
}

/*
 * Creating a complaint. The expensive part — sealing the intake event
 * (canonical JSON + BLAKE2b) and applying it to a fresh projection — needs
 * the complaint's id and number, which used to be allocated inside the
 * writer's transaction, so the single writer thread did all of it. Now the
 * calling thread reserves the next id and the next number of the day from
 * in-memory counters (under alloc_mu), seals and applies in parallel with
 * other requests, and the writer only inserts.
 *
 * Numbers stay unique and dense: the counters start from the database, a
 * UNIQUE violation (another process wrote, or the counters were stale)
 * reloads them and the creation is retried with fresh values, and any
 * failed write transaction reloads them too, so numbers handed out to work
 * that never committed are handed out again.
 */
static void alloc_invalidate(sq *s)
{
    pthread_mutex_lock(&s->alloc_mu);
    s->alloc_loaded = false;
    s->ndays = 0;
    pthread_mutex_unlock(&s->alloc_mu);
}

static int reserve(sq *s, const char *day, int64_t *id, int64_t *seq)
{
    int rc = 0;
    conn *c = reader(s);
    if (!c)
        return STORE_ERROR;
    pthread_mutex_lock(&s->alloc_mu);
    if (!s->alloc_loaded) {
        sqlite3_stmt *st = prep(c, "SELECT COALESCE(MAX(id), 0) + 1 FROM complaints");
        if (!st || sqlite3_step(st) != SQLITE_ROW) {
            rc = STORE_ERROR;
            goto out;
        }
        s->next_id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        s->alloc_loaded = true;
    }
    int slot = -1;
    for (int i = 0; i < s->ndays; i++)
        if (strcmp(s->days[i].day, day) == 0)
            slot = i;
    if (slot < 0) {
        sqlite3_stmt *st = prep(c, "SELECT seq FROM day_seq WHERE day = ?");
        if (!st) {
            rc = STORE_ERROR;
            goto out;
        }
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
        int64_t last = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (s->ndays < 8) {
            slot = s->ndays++;
        } else {
            slot = s->next_day_slot;
            s->next_day_slot = (s->next_day_slot + 1) % 8;
        }
        snprintf(s->days[slot].day, sizeof s->days[slot].day, "%s", day);
        s->days[slot].next = last + 1;
    }
    *id = s->next_id++;
    *seq = s->days[slot].next++;
out:
    pthread_mutex_unlock(&s->alloc_mu);
    return rc;
}

struct create_arg {
    const complaint *c;
    const event *ev;
    const char *day;
    int64_t seq;
    const char *data;
    int tz;
    const pii_keyrow *k; /* or NULL */
};

static int insert_key(conn *c, const pii_keyrow *k)
{
    sqlite3_stmt *st = prep(c, "INSERT INTO pii_keys (complaint_id, key_id, wrapped) VALUES (?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, k->complaint_id);
    sqlite3_bind_text(st, 2, k->key_id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, k->wrapped, (int)k->len, SQLITE_STATIC);
    return step_done(c, st);
}

static int job_complaint_create(conn *c, void *arg)
{
    struct create_arg *a = arg;
    /* MAX keeps the day's counter right whatever order reservations commit in. */
    sqlite3_stmt *st = prep(c, "INSERT INTO day_seq (day, seq) VALUES (?1, ?2) "
                               "ON CONFLICT (day) DO UPDATE SET seq = MAX(seq, excluded.seq)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, a->day, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, a->seq);
    int rc = step_done(c, st);
    st = rc ? NULL : prep(c, "INSERT INTO complaints (" C_COLS ", is_open, stage) VALUES "
                             "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
                             "?20, ?21, ?22, ?25, ?26, ?23, ?24)");
    if (st) {
        bind_complaint(st, a->c, a->data);
        rc = step_done(c, st);
    } else if (!rc) {
        rc = STORE_ERROR;
    }
    if (rc == 0)
        rc = insert_event(c, a->ev);
    /* The kind column (006) mirrors data.kind, set once at intake. */
    const char *kind = json_string_value(json_object_get(a->c->data, "kind"));
    if (rc == 0 && kind) {
        st = prep(c, "UPDATE complaints SET kind = ? WHERE id = ?");
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, a->c->id);
        rc = step_done(c, st);
    }
    if (rc == 0)
        rc = bump_stats(c, time_local_day(a->c->received_at, a->tz), 1, 0, 0, 0);
    if (rc == 0)
        rc = stats_on_close(c, a->c, a->ev, a->tz);
    if (rc == 0 && a->k)
        rc = insert_key(c, a->k);
    return rc;
}

static int create_keyed(store *stp, const char *prefix, int tz, event *ev, complaint *c, pii_keyrow *k)
{
    sq *s = (sq *)stp;
    int64_t received = json_integer_value(json_object_get(ev->payload, "received_at"));
    char day[16];
    time_local_date(received, tz, false, day, sizeof day);
    for (int attempt = 0;; attempt++) {
        int64_t id, seq;
        int rc = reserve(s, day, &id, &seq);
        if (rc)
            return rc;
        char number[48];
        snprintf(number, sizeof number, "%s%s-%04lld", prefix, day, (long long)seq);
        json_object_set_new(ev->payload, "number", json_string(number));
        ev->complaint_id = id;
        event_seal(ev);
        complaint_release(c);
        complaint_init(c);
        workflow_apply(c, ev);
        char *data = jsonw_dumps(c->data, false);
        if (k)
            k->complaint_id = id;
        struct create_arg a = {c, ev, day, seq, data, tz, k};
        rc = submit(s, job_complaint_create, &a);
        free(data);
        if (rc == 0)
            return 0;
        alloc_invalidate(s);
        if (rc != STORE_CONFLICT || attempt == 5)
            return rc == STORE_CONFLICT ? STORE_UNAVAILABLE : rc;
    }
}

static int sq_complaint_create(store *stp, const char *prefix, int tz, event *ev, complaint *c)
{
    return create_keyed(stp, prefix, tz, ev, c, NULL);
}

struct update_arg {
    const complaint *c;
    const complaint *was; /* see store_write; NULL: every column is written */
    const event *ev;
    int tz;
    const char *data; /* c->data as text, written by the caller; NULL: written here */
    bool updated;     /* OUT: the row was updated (what follows may have failed) */
    int64_t event_id; /* OUT: the event's row, once written */
};

/* Appends "?p" (p < 100): the UPDATE is built for every write, without printf. */
static void put_param(buf *b, int p)
{
    char t[3] = {'?'};
    size_t n = 1;
    if (p >= 10)
        t[n++] = (char)('0' + p / 10);
    t[n++] = (char)('0' + p % 10);
    buf_append(b, t, n);
}

/* The update_cols whose values differ between a and b (the data always). */
static uint32_t cols_changed(const complaint *a, const complaint *b)
{
    uint32_t changed = 0;
    for (int i = 0; i < N_UPDATE_COLS; i++) {
        int p = update_cols[i].param;
        const char *ta, *tb;
        bool differ;
        if (p == 21)
            differ = memcmp(a->head, b->head, 32) != 0;
        else if (p == 22)
            differ = true;
        else {
            int64_t va = col_value(a, p, &ta), vb = col_value(b, p, &tb);
            differ = ta ? strcmp(ta, tb) != 0 : va != vb;
        }
        if (differ)
            changed |= UINT32_C(1) << i;
    }
    return changed;
}

/* Records the assisting units of cp (complaint_assists); kept once there. */
static int sync_assists(conn *c, const complaint *cp)
{
    size_t i;
    const json_t *as;
    json_array_foreach(json_object_get(cp->data, "assists"), i, as)
    {
        json_int_t uid = json_integer_value(json_object_get(as, "unit"));
        sqlite3_stmt *st = uid ? prep(c, "INSERT INTO complaint_assists (complaint_id, unit) VALUES (?, ?) "
                                          "ON CONFLICT DO NOTHING")
                                : NULL;
        if (!uid)
            continue;
        if (!st)
            return STORE_ERROR;
        sqlite3_bind_int64(st, 1, cp->id);
        sqlite3_bind_int64(st, 2, uid);
        int rc = step_done(c, st);
        if (rc)
            return rc;
    }
    return 0;
}

/* After an UPDATE that changed nothing: STORE_CONFLICT if complaint id exists, else STORE_NOTFOUND. */
static int exists(conn *c, int64_t id)
{
    sqlite3_stmt *st = prep(c, "SELECT 1 FROM complaints WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? STORE_CONFLICT : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

static int job_complaint_update(conn *c, void *arg)
{
    struct update_arg *a = arg;
    const complaint *cp = a->c;
    char *own = a->data ? NULL : jsonw_dumps(cp->data, false);
    const char *data = a->data ? a->data : own;
    /* The UPDATE's version check makes was the row it replaces. */
    uint32_t set = a->was ? cols_changed(a->was, cp) : ~UINT32_C(0);
    buf sql;
    buf_init(&sql);
    buf_puts(&sql, "UPDATE complaints SET");
    const char *sep = " ";
    for (int i = 0; i < N_UPDATE_COLS; i++) {
        if (!(set & (UINT32_C(1) << i)))
            continue;
        /* No printf: this runs for every write, on the writer's thread. */
        buf_puts(&sql, sep);
        buf_puts(&sql, update_cols[i].col);
        buf_puts(&sql, " = ");
        put_param(&sql, update_cols[i].param);
        sep = ", ";
    }
    buf_puts(&sql, " WHERE id = ?1 AND version = ?27");
    sqlite3_stmt *st = prep(c, sql.data);
    buf_release(&sql);
    int rc = STORE_ERROR;
    if (st) {
        bind_cols(st, cp, data, set);
        sqlite3_bind_int64(st, 27, cp->version - 1);
        rc = step_done(c, st);
        if (rc == 0 && sqlite3_changes(c->db) == 0)
            rc = exists(c, cp->id);
        a->updated = rc == 0;
    }
    free(own);
    if (rc == 0)
        rc = insert_event(c, a->ev);
    if (rc == 0)
        a->event_id = sqlite3_last_insert_rowid(c->db);
    if (rc == 0)
        rc = stats_on_close(c, a->c, a->ev, a->tz);
    if (rc == 0 && strcmp(a->ev->action, "assist") == 0)
        rc = sync_assists(c, cp);
    return rc;
}

/* The projection's text is written on the caller's thread: the writer's
 * time is the one every other write waits for. */
static int sq_complaint_update(store *stp, const complaint *was, const complaint *c, const event *ev, int tz)
{
    char *data = jsonw_dumps(c->data, false);
    struct update_arg a = {.c = c, .was = was, .ev = ev, .tz = tz, .data = data};
    int rc = submit((sq *)stp, job_complaint_update, &a);
    free(data);
    return rc;
}

/* ---- time limits: the sweeper's queue, batched writes, outbox, supervisions ------------------- */


/* event_id: the event written in this transaction that the message belongs
 * to (its key then needs no unique index, migration 007), or 0. */
static int insert_outbox(conn *c, const outbox_msg *m, int64_t at, int64_t event_id)
{
    sqlite3_stmt *st = prep(c, "INSERT INTO outbox (created_at, complaint_id, channel, recipient_user, recipient_unit, "
                               "template, payload, idempotency_key, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, m->created_at ? m->created_at : at);
    if (m->complaint_id)
        sqlite3_bind_int64(st, 2, m->complaint_id);
    sqlite3_bind_text(st, 3, m->channel, -1, SQLITE_STATIC);
    if (m->recipient_user)
        sqlite3_bind_int64(st, 4, m->recipient_user);
    if (m->recipient_unit)
        sqlite3_bind_int64(st, 5, m->recipient_unit);
    sqlite3_bind_text(st, 6, m->template_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, m->payload ? m->payload : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, m->key, -1, SQLITE_STATIC);
    if (event_id)
        sqlite3_bind_int64(st, 9, event_id);
    return step_done(c, st);
}

static int insert_supervision(conn *c, const supervision *v)
{
    sqlite3_stmt *st = prep(c, "INSERT INTO supervisions (complaint_id, event_seq, clock, level, unit, supervisor_user, "
                               "deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, v->complaint_id);
    sqlite3_bind_int64(st, 2, v->event_seq);
    sqlite3_bind_text(st, 3, v->clock, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, v->level);
    sqlite3_bind_int64(st, 5, v->unit);
    if (v->supervisor_user)
        sqlite3_bind_int64(st, 6, v->supervisor_user);
    sqlite3_bind_int64(st, 7, v->deadline);
    sqlite3_bind_int64(st, 8, v->created_at);
    return step_done(c, st);
}

struct write_arg {
    store_write *w;
    size_t n;
    int tz;
    char **data; /* w[i].c->data as text */
};

static int write_penalty(conn *c, const penalty *p);
static int write_compensation(conn *c, const compensation *m);

/* One complaint's step of a batched write, with what goes with it. *wrote:
 * something of it was written (then a failure leaves it half written). */
static int write_one(conn *c, const struct write_arg *a, size_t i, bool *wrote)
{
    store_write *w = &a->w[i];
    struct update_arg u = {.c = w->c, .was = w->was, .ev = w->ev, .tz = a->tz, .data = a->data[i]};
    int rc = job_complaint_update(c, &u);
    *wrote = u.updated;
    for (size_t k = 0; rc == 0 && k < w->nmsgs; k++)
        rc = insert_outbox(c, &w->msgs[k], w->ev->at, u.event_id);
    for (size_t k = 0; rc == 0 && k < w->nsups; k++)
        rc = insert_supervision(c, &w->sups[k]);
    for (size_t k = 0; rc == 0 && k < w->npens; k++)
        rc = write_penalty(c, &w->pens[k]);
    for (size_t k = 0; rc == 0 && k < w->ncomps; k++)
        rc = write_compensation(c, &w->comps[k]);
    return rc;
}

/*
 * Each complaint of the batch stands or falls alone. A savepoint for each
 * costs its statements and a copy of every page it touches that the batch
 * had already changed (the shared pages: the ends of events and outbox):
 * a fifth of the writer's time in a sweep. So the batch is first written
 * under one savepoint; only if a complaint fails (another sweeper or a
 * person got there first) is it rolled back and written again with a
 * savepoint each, the failing complaints' steps left out.
 */
static int job_complaint_write(conn *c, void *arg)
{
    struct write_arg *a = arg;
    bool wrote;
    if (c->bare) {
        /* No savepoint at all: a complaint that fails before anything of
         * it is written (another sweeper got there first) is passed over;
         * one that fails half written makes the writer start over. */
        for (size_t i = 0; i < a->n; i++)
            if ((a->w[i].rc = write_one(c, a, i, &wrote)) != 0 && wrote)
                return STORE_ERROR;
        return 0;
    }
    if (run(c, "SAVEPOINT ws"))
        return STORE_ERROR;
    size_t i = 0;
    for (; i < a->n; i++) {
        a->w[i].rc = write_one(c, a, i, &wrote);
        if (a->w[i].rc)
            break;
    }
    if (i < a->n) {
        run(c, "ROLLBACK TO ws");
        for (i = 0; i < a->n; i++) {
            if (run(c, "SAVEPOINT w"))
                return STORE_ERROR;
            a->w[i].rc = write_one(c, a, i, &wrote);
            if (a->w[i].rc)
                run(c, "ROLLBACK TO w");
            run(c, "RELEASE w");
        }
    }
    run(c, "RELEASE ws");
    return 0;
}

static int sq_complaint_write(store *stp, store_write *w, size_t n, int tz)
{
    char **data = xcalloc(n ? n : 1, sizeof *data);
    for (size_t i = 0; i < n; i++)
        data[i] = jsonw_dumps(w[i].c->data, false);
    struct write_arg a = {w, n, tz, data};
    int rc = submit_job((sq *)stp, job_complaint_write, &a, true);
    for (size_t i = 0; i < n; i++)
        free(data[i]);
    free(data);
    return rc;
}

static void sq_write_burst(store *stp, bool begin)
{
    sq *s = (sq *)stp;
    atomic_fetch_add(&s->bursts, begin ? 1 : -1);
    sqlite_ckpt_hold(s->ckpt, begin);
}

/* ---- closing, compensation, the penalty ledger ---------------------------------------------- */

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_id_or_null(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* A new entry, or (status "waived") the waiver of an existing one. */
static int write_penalty(conn *c, const penalty *p)
{
    bool waive = strcmp(p->status, "waived") == 0;
    sqlite3_stmt *st =
        waive ? prep(c, "UPDATE penalties SET status = 'waived', waived_at = ?3, waived_by = ?4, waive_reason = ?5 "
                        "WHERE complaint_id = ?1 AND entry_no = ?2 AND status = 'active'")
              : prep(c, "INSERT INTO penalties (complaint_id, entry_no, event_seq, created_at, month, rule, role, "
                        "role_name, person, unit, amount_fen, points, award_loss, performance_pay) "
                        "VALUES (?1, ?2, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, p->complaint_id);
    sqlite3_bind_int(st, 2, p->no);
    if (waive) {
        sqlite3_bind_int64(st, 3, p->waived_at);
        sqlite3_bind_int64(st, 4, p->waived_by);
        bind_text_or_null(st, 5, p->waive_reason);
    } else {
        sqlite3_bind_int64(st, 6, p->event_seq);
        sqlite3_bind_int64(st, 7, p->created_at);
        sqlite3_bind_text(st, 8, p->month, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, p->rule, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, p->role, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 11, p->role_name ? p->role_name : p->role, -1, SQLITE_STATIC);
        bind_text_or_null(st, 12, p->person);
        sqlite3_bind_int64(st, 13, p->unit);
        sqlite3_bind_int64(st, 14, p->amount_fen);
        sqlite3_bind_int(st, 15, p->points);
        sqlite3_bind_int(st, 16, p->award_loss);
        sqlite3_bind_int(st, 17, p->performance_pay);
    }
    int rc = step_done(c, st);
    if (rc == 0 && waive && sqlite3_changes(c->db) == 0)
        rc = STORE_CONFLICT; /* already waived, or no such entry */
    return rc;
}

/* A granted or requested compensation, or (approved / refused) its decision. */
static int write_compensation(conn *c, const compensation *m)
{
    bool decide = strcmp(m->status, "approved") == 0 || strcmp(m->status, "refused") == 0;
    sqlite3_stmt *st =
        decide ? prep(c, "UPDATE compensations SET status = ?3, decided_by = ?4, decided_at = ?5, decision = ?6 "
                         "WHERE complaint_id = ?1 AND entry_no = ?2 AND status = 'pending'")
               : prep(c, "INSERT INTO compensations (complaint_id, entry_no, kind, amount_fen, reason, status, senior, "
                         "approver_unit, requested_by, requested_at) VALUES (?1, ?2, ?7, ?8, ?9, ?3, ?10, ?11, ?12, ?13)");
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_int64(st, 1, m->complaint_id);
    sqlite3_bind_int(st, 2, m->no);
    sqlite3_bind_text(st, 3, m->status, -1, SQLITE_STATIC);
    if (decide) {
        sqlite3_bind_int64(st, 4, m->decided_by);
        sqlite3_bind_int64(st, 5, m->decided_at);
        bind_text_or_null(st, 6, m->decision);
    } else {
        sqlite3_bind_text(st, 7, m->kind, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, m->amount_fen);
        sqlite3_bind_text(st, 9, m->reason ? m->reason : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 10, m->senior);
        bind_id_or_null(st, 11, m->approver_unit);
        sqlite3_bind_int64(st, 12, m->requested_by);
        sqlite3_bind_int64(st, 13, m->requested_at);
    }
    int rc = step_done(c, st);
    if (rc == 0 && decide && sqlite3_changes(c->db) == 0)
        rc = STORE_CONFLICT;
    return rc;
}

/* ---- incidents ------------------------------------------------------------------------- */

/* ---- schema version and bulk copy (redress copy) --------------------------------------------- */

/* Appends name as a double-quoted identifier (names come from the catalog). */
static void ident(buf *b, const char *name)
{
    buf_putc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

static int sq_rows_dump(store *stp, const store_table *t, int (*fn)(const store_value *, void *), void *arg)
{
    conn *c = reader((sq *)stp);
    if (!c)
        return STORE_ERROR;
    buf sql;
    buf_init(&sql);
    buf_puts(&sql, "SELECT ");
    for (size_t k = 0; k < t->ncols; k++) {
        if (k)
            buf_puts(&sql, ", ");
        ident(&sql, t->cols[k]);
    }
    buf_puts(&sql, " FROM ");
    ident(&sql, t->name);
    buf_puts(&sql, " ORDER BY 1");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(c->db, sql.data, -1, &st, NULL);
    buf_release(&sql);
    if (rc != SQLITE_OK) {
        log_error("sqlite prepare: %s", sqlite3_errmsg(c->db));
        return STORE_ERROR;
    }
    store_value *v = xcalloc(t->ncols + 1, sizeof *v);
    int stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int k = 0; k < (int)t->ncols; k++) {
            memset(&v[k], 0, sizeof v[k]);
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_NULL:
                v[k].type = SV_NULL;
                break;
            case SQLITE_INTEGER:
                v[k].type = SV_INT;
                v[k].i = sqlite3_column_int64(st, k);
                break;
            case SQLITE_BLOB:
                v[k].type = SV_BLOB;
                v[k].p = sqlite3_column_blob(st, k);
                v[k].len = (size_t)sqlite3_column_bytes(st, k);
                if (!v[k].p)
                    v[k].p = "";
                break;
            default: /* text (and, were there any, reals as their text) */
                v[k].type = SV_TEXT;
                v[k].p = (const char *)sqlite3_column_text(st, k);
                v[k].len = (size_t)sqlite3_column_bytes(st, k);
            }
        }
        stop = fn(v, arg);
    }
    sqlite3_finalize(st);
    free(v);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? 0 : STORE_ERROR;
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

/* ---- sessions and sign-in ------------------------------------------------------------------- */

/* A write of one statement with two integer parameters. */
/* ---- customer data (sec/pii.h) --------------------------------------------------------- */

static int job_complaint_erase(conn *c, void *arg)
{
    struct update_arg *a = arg;
    int rc = job_complaint_update(c, arg);
    sqlite3_stmt *st = rc ? NULL : prep(c, "DELETE FROM pii_keys WHERE complaint_id = ?");
    if (rc || !st)
        return rc ? rc : STORE_ERROR;
    sqlite3_bind_int64(st, 1, a->c->id);
    return step_done(c, st);
}

static int sq_complaint_erase(store *stp, const complaint *was, const complaint *c, const event *ev, int tz)
{
    struct update_arg a = {.c = c, .was = was, .ev = ev, .tz = tz};
    return submit((sq *)stp, job_complaint_erase, &a);
}

/*
 * VACUUM INTO writes a consistent copy from one read transaction, so the
 * server goes on writing meanwhile; the copy is built afresh, without the
 * free pages in which deleted rows (an erased data key) could linger.
 */
static int sq_backup(store *stp, const char *path)
{
    conn *c = reader((sq *)stp);
    sqlite3_stmt *st = c ? prep(c, "VACUUM INTO ?") : NULL;
    if (!st)
        return STORE_ERROR;
    sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
        log_error("sqlite backup: %s", sqlite3_errmsg(c->db));
        return STORE_ERROR;
    }
    return 0;
}

static void sq_close(store *stp)
{
    sq *s = (sq *)stp;
    groupq_stop(&s->queue);
    pthread_join(s->thread, NULL);
    sqlite_syncer_stop(s->syncer);
    sqlite_ckpt_stop(s->ckpt);
    /* First, so that no thread ending later hands back a freed reader. */
    pthread_key_delete(s->reader_key);
    for (conn *c = s->readers, *next; c; c = next) {
        next = c->next_conn;
        conn_release(c);
        free(c);
    }
    /* The writer last: the last connection to close checkpoints the log and
     * deletes it, but only one that may write. Left behind, a log is read
     * back whole by the next process to open the file (SQLite's recovery),
     * which then takes none of it as checkpointed and copies it again. */
    conn_release(&s->writer);
    groupq_release(&s->queue);
    pthread_mutex_destroy(&s->readers_mu);
    pthread_mutex_destroy(&s->alloc_mu);
    free(s->path);
    free(s);
}

static const struct store_ops sqlite_ops = {
    .version = STORE_OPS_VERSION,
    .name = "sqlite",
    .close = sq_close,
    .migrate = sq_migrate,
    .complaint_create = sq_complaint_create,
    .complaint_update = sq_complaint_update,
    .complaint_write = sq_complaint_write,
    .write_burst = sq_write_burst,
    .rows_dump = sq_rows_dump,
    .complaint_create_keyed = create_keyed,
    .complaint_erase = sq_complaint_erase,
    .backup = sq_backup,
};

store *sqlite_store_open(const char *path, char *err, size_t errlen)
{
    sq *s = xcalloc(1, sizeof *s);
    s->base.ops = &sqlite_ops;
    s->base.drv = &sqlite_driver;
    store_trace_init(&s->base);
    conn_init_db(&s->writer);
    s->path = xstrdup(path);
    if (open_db(path, false, &s->writer.db, err, errlen))
        goto fail;
    /* FULL: a commit is on disk when COMMIT returns — the 201 depends on it. */
    if (exec(&s->writer, "PRAGMA journal_mode=WAL") || exec(&s->writer, "PRAGMA synchronous=FULL") ||
        /* A transaction of a group commit (or a sweep's batch) can dirty
         * thousands of pages: keep them in the cache until the commit, and
         * keep the savepoints' sub-journals (a SAVEPOINT per job) in memory
         * instead of a temporary file written page by page. */
        exec(&s->writer, "PRAGMA cache_size=-65536") || exec(&s->writer, "PRAGMA temp_store=MEMORY") ||
        exec(&s->writer, "PRAGMA foreign_keys=ON") ||
        /* Deleted rows are overwritten, not left in free pages: an erased
         * data key must not survive in the database file. */
        exec(&s->writer, "PRAGMA secure_delete=ON")) {
        snprintf(err, errlen, "cannot configure %s (is it a Redress database?)", path);
        goto fail;
    }
    if (migrate_now(&s->writer)) {
        snprintf(err, errlen, "cannot migrate %s", path);
        goto fail;
    }
    s->writer.owner = s;
    /* A checkpoint once the log holds 1,000 frames (SQLite's own default),
     * but on the checkpointer's thread instead of in a commit. */
    s->ckpt = sqlite_ckpt_start(path, s->writer.db, 1000);
    groupq_init(&s->queue);
    s->syncer = sqlite_syncer_start(batch_synced, s);
    pthread_mutex_init(&s->readers_mu, NULL);
    pthread_mutex_init(&s->alloc_mu, NULL);
    pthread_key_create(&s->reader_key, reader_idle);
    if (pthread_create(&s->thread, NULL, writer_main, s) != 0)
        die("cannot start the writer thread");
    return &s->base;
fail:
    conn_release(&s->writer);
    free(s->path);
    free(s);
    return NULL;
}
