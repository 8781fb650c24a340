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
#include "store/driver.h"
#include "store/sqlite_io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/groupq.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

extern const char *const sqlite_migrations[];

enum { STMT_CACHE = 48, WRITE_BATCH = 512 };

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
    groupq queue;          /* the writer's jobs */
    sqlite_ckpt *ckpt;     /* WAL checkpoints, off the writer's path (sqlite_io.c) */
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
    /* The next number of each day a number was handed out for since the last
     * load: every one is kept (a bulk import spans years, a few bytes a day),
     * since a day forgotten while numbers of it were still on their way to
     * the writer would be reloaded from day_seq and hand them out twice. */
    struct day_next {
        char day[12];
        int64_t next;
    } *days;
    size_t ndays, cap_days;
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
    int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
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
        w->base.bare = bare;
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
        w->base.bare = false;
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

static int64_t d_last_id(db_stmt *st)
{
    return sqlite3_last_insert_rowid(((conn *)st->conn)->db);
}

static void d_reset(db_stmt *st)
{
    sqlite3_reset(raw(st));
}

static int d_exec(db_conn *c, const char *sql)
{
    return exec((conn *)c, sql);
}

static const struct db_ops sqlite_db_ops = DB_OPS_D;

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
    .dialect = DB_SQLITE,
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

/* ---- creation: numbers handed out ahead of the writer ------------------------------------- */

/*
 * Creating a complaint. The expensive part — sealing the intake event
 * (canonical JSON + BLAKE2b) and applying it to a fresh projection — needs
 * the complaint's id and number, which used to be allocated inside the
 * writer's transaction, so the single writer thread did all of it. Now the
 * calling thread reserves the next id and the next number of the day from
 * in-memory counters (under alloc_mu), seals and applies in parallel with
 * other requests (store_new_seal), and the writer only inserts.
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
    size_t slot = SIZE_MAX;
    for (size_t i = 0; i < s->ndays && slot == SIZE_MAX; i++)
        if (strcmp(s->days[i].day, day) == 0)
            slot = i;
    if (slot == SIZE_MAX) {
        sqlite3_stmt *st = prep(c, "SELECT seq FROM day_seq WHERE day = ?");
        if (!st) {
            rc = STORE_ERROR;
            goto out;
        }
        sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
        int64_t last = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (s->ndays == s->cap_days) {
            s->cap_days = s->cap_days ? 2 * s->cap_days : 16;
            s->days = xrealloc(s->days, s->cap_days * sizeof *s->days);
        }
        slot = s->ndays++;
        snprintf(s->days[slot].day, sizeof s->days[slot].day, "%s", day);
        s->days[slot].next = last + 1;
    }
    *id = s->next_id++;
    *seq = s->days[slot].next++;
out:
    pthread_mutex_unlock(&s->alloc_mu);
    return rc;
}

static int write_new(db_conn *c, void *arg)
{
    return store_new_insert(c, arg);
}

static int sq_complaint_create(store *stp, struct store_new *n)
{
    sq *s = (sq *)stp;
    for (int attempt = 0;; attempt++) {
        int rc = reserve(s, n->day, &n->id, &n->seq);
        if (rc)
            return rc;
        store_new_seal(n);
        rc = db_run_write(stp, "complaint_create", write_new, n, 0);
        if (rc == 0)
            return 0;
        alloc_invalidate(s);
        if (rc != STORE_CONFLICT || attempt == 5)
            return rc == STORE_CONFLICT ? STORE_UNAVAILABLE : rc;
    }
}

struct many {
    struct store_new *const *ns;
    size_t n;
};


static int write_many(db_conn *c, void *arg)
{
    struct many *m = arg;
    return store_new_batch(c, m->ns, m->n);
}

/* Reserved and sealed here, inserted by the writer in one transaction; one
 * whose number clashed (another process wrote) is made again alone. */
static int sq_complaint_create_many(store *stp, struct store_new *const *ns, size_t n)
{
    sq *s = (sq *)stp;
    for (size_t i = 0; i < n; i++) {
        int rc = reserve(s, ns[i]->day, &ns[i]->id, &ns[i]->seq);
        if (rc) {
            alloc_invalidate(s);
            return rc;
        }
        store_new_seal(ns[i]);
        ns[i]->rc = 0;
    }
    /* Bare (no savepoints: see store_new_batch); a failure runs it again with them. */
    struct many m = {ns, n};
    int rc = db_run_write(stp, "complaint_create_many", write_many, &m, DB_WRITE_BARE);
    bool failed = rc != 0;
    for (size_t i = 0; i < n; i++) {
        if (rc)
            ns[i]->rc = rc; /* not committed: nothing of it is stored */
        failed = failed || ns[i]->rc != 0;
    }
    if (failed)
        alloc_invalidate(s); /* numbers handed out to what was not stored are handed out again */
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (ns[i]->rc == STORE_CONFLICT)
            ns[i]->rc = sq_complaint_create(stp, ns[i]);
    return rc;
}

static void sq_write_burst(store *stp, bool begin)
{
    sq *s = (sq *)stp;
    atomic_fetch_add(&s->bursts, begin ? 1 : -1);
    sqlite_ckpt_hold(s->ckpt, begin);
}

/* ---- schema version and bulk copy (redress copy) --------------------------------------------- */

static int sq_rows_dump(store *stp, const store_table *t, int (*fn)(const store_value *, void *), void *arg)
{
    conn *c = reader((sq *)stp);
    if (!c)
        return STORE_ERROR;
    buf sql;
    buf_init(&sql);
    store_select_all(&sql, t);
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

/* ---- backup and close ----------------------------------------------------------------------- */

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
    free(s->days);
    free(s->path);
    if (s->base.files_dir) {
        pthread_mutex_destroy(&s->base.dir_mu);
        pthread_cond_destroy(&s->base.dir_cv);
    }
    free(s->base.files_dir);
    free(s);
}

/* ---- restore (redress restore) ------------------------------------------------------------- */

/* A one-value query on db into out (text, cut to fit): 0, or -1 with err. */
static int query_text(sqlite3 *db, const char *sql, char *out, size_t n, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", t ? (const char *)t : "");
        sqlite3_finalize(st);
        return 0;
    }
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return -1;
}

/* Whether backup is a sound database of a schema this build knows. */
static int restore_check(sqlite3 *db, const char *backup, char *err, size_t errlen)
{
    char v[256], why[256];
    if (query_text(db, "PRAGMA integrity_check", v, sizeof v, why, sizeof why) || strcmp(v, "ok") != 0) {
        snprintf(err, errlen, "%s is not a sound SQLite database: %s", backup, why[0] ? why : v);
        return -1;
    }
    if (query_text(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version", v, sizeof v, why, sizeof why)) {
        snprintf(err, errlen, "%s is not a Redress database (%s)", backup, why);
        return -1;
    }
    int known = 0;
    while (sqlite_migrations[known])
        known++;
    if (atoi(v) < 1 || atoi(v) > known) {
        snprintf(err, errlen, "%s has schema version %s; this build knows 1–%d", backup, v, known);
        return -1;
    }
    return 0;
}

/* Makes a rename in the directory of path durable. */
static int sync_dir_of(const char *path)
{
    char *copy = xstrdup(path);
    char *slash = strrchr(copy, '/');
    const char *dir = slash ? (slash == copy ? "/" : (*slash = '\0', copy)) : ".";
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (fd >= 0)
        close(fd);
    free(copy);
    return rc;
}

/* Removes path (ENOENT is fine): 0, or -1 with err. */
static int remove_stale(const char *path, char *err, size_t errlen)
{
    if (unlink(path) == 0 || errno == ENOENT)
        return 0;
    snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
    return -1;
}

int store_sqlite_restore(const char *backup, const char *target, bool replace, char *err, size_t errlen)
{
    if (!replace && access(target, F_OK) == 0) {
        snprintf(err, errlen, "%s exists (stop the server, then restore with --force to replace it)", target);
        return -1;
    }
    size_t n = strlen(target) + 16;
    char *tmp = xmalloc(n), *wal = xmalloc(n), *shm = xmalloc(n);
    snprintf(tmp, n, "%s.restoring", target);
    snprintf(wal, n, "%s-wal", target);
    snprintf(shm, n, "%s-shm", target);
    sqlite3 *src = NULL, *dst = NULL;
    int rc = -1;
    if (remove_stale(tmp, err, errlen) || open_db(backup, true, &src, err, errlen) ||
        restore_check(src, backup, err, errlen) || open_db(tmp, false, &dst, err, errlen))
        goto out;
    /* The copy's commit is on disk before it takes the database's place. */
    sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    int brc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    if (sqlite3_backup_finish(b) != SQLITE_OK || brc != SQLITE_DONE) {
        snprintf(err, errlen, "cannot copy %s: %s", backup, sqlite3_errmsg(dst));
        goto out;
    }
    sqlite3_close(dst);
    dst = NULL;
    /* The old database's log and shared memory go first: left beside the
     * restored file, the log would be replayed onto it. */
    if (remove_stale(wal, err, errlen) || remove_stale(shm, err, errlen))
        goto out;
    if (rename(tmp, target) != 0) {
        snprintf(err, errlen, "cannot move the copy to %s: %s", target, strerror(errno));
        goto out;
    }
    rc = sync_dir_of(target);
    if (rc)
        snprintf(err, errlen, "cannot sync the directory of %s", target);
out:
    sqlite3_close(src);
    sqlite3_close(dst);
    if (rc)
        unlink(tmp);
    free(tmp);
    free(wal);
    free(shm);
    return rc;
}

static const struct store_ops sqlite_ops = {
    .version = STORE_OPS_VERSION,
    .name = "sqlite",
    .close = sq_close,
    .migrate = sq_migrate,
    .complaint_create = sq_complaint_create,
    .complaint_create_many = sq_complaint_create_many,
    .write_burst = sq_write_burst,
    .rows_dump = sq_rows_dump,
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
    /* Attachments' sealed files beside the database (store_files_dir). */
    size_t flen = strlen(path) + sizeof ".files";
    s->base.files_dir = xmalloc(flen);
    snprintf(s->base.files_dir, flen, "%s.files", path);
    pthread_mutex_init(&s->base.dir_mu, NULL);
    pthread_cond_init(&s->base.dir_cv, NULL);
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
