/*
 * pg: the PostgreSQL store, for organisations that run several stateless
 * `redress serve` nodes on one database. Same semantics as sqlite.c, op for
 * op; what differs is how the guarantees are obtained.
 *
 * Connections: a fixed pool per process (store_options.pool_size, the
 * `db-pool` setting). A request borrows a connection for one statement or
 * one transaction and gives it back (pool.c: a mutex and a condition
 * variable). Connections are opened lazily and reopened (PQreset) when they
 * are found broken, so a database restart or a failover costs the requests
 * under way at that moment, not the node.
 *
 * Statements: every statement has bound parameters. By default each
 * connection prepares a statement the first time it runs it (a small cache
 * by SQL text, like sqlite.c's); with unnamed_stmts every statement is an
 * unnamed one (PQexecParams), which is what pgbouncer in transaction mode
 * needs. Only BEGIN/COMMIT/ROLLBACK and the migration scripts, which have
 * no parameters, go through PQexec.
 *
 * Writes: each write op is one transaction (tx()); creations are queued and
 * committed in groups by one thread per process (pg_complaint_create: one
 * fsync for many complaints, as sqlite.c's writer does). What can go wrong,
 * and what the caller sees:
 *
 *   failure                               | what tx() does            | caller gets
 *   --------------------------------------+---------------------------+------------------
 *   unique / foreign key (SQLSTATE 23…)   | ROLLBACK                  | STORE_CONFLICT
 *   serialization failure, deadlock       | ROLLBACK, run fn again    | its result
 *   connection lost before COMMIT         | reconnect, run fn again   | its result
 *   connection lost during COMMIT         | nothing (outcome unknown) | STORE_UNAVAILABLE
 *   cannot reconnect / pool exhausted     | —                         | STORE_UNAVAILABLE
 *
 * so every acknowledged write is committed (synchronous_commit stays the
 * server's, "on" unless an administrator changed it), and a request that
 * could not complete gets STORE_UNAVAILABLE (503) and may be retried. The
 * functions passed to tx() may run more than once and are written so.
 *
 * Several nodes at once:
 *   - complaint numbers: the creating transaction upserts the day's row in
 *     day_seq and holds its row lock until it commits, so creations on all
 *     nodes take the day's numbers one after another, and a rollback (of the
 *     creation's savepoint) gives the number back — unique and dense per day;
 *   - ids: complaints_id_seq (an identity column's sequence) — unique on
 *     every node, not dense, never reused;
 *   - a step: UPDATE … WHERE id = $1 AND version = $2. A second writer of
 *     the same row waits for the first to commit, then finds the version
 *     changed and updates nothing: exactly one winner, the other gets
 *     STORE_CONFLICT. The events' UNIQUE (complaint_id, seq) backs this up.
 *   - migrations: applied at open inside a transaction holding an advisory
 *     lock, so two nodes starting at once apply each migration once.
 */
#include "store/pg.h"
#include "store/driver.h"

#include <assert.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pgutil.h"
#include "store/pool.h"
#include "util/buf.h"
#include "util/groupq.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

extern const char *const pg_migrations[];

enum {
    STMT_CACHE = 64,
    DEFAULT_POOL = 8,
    DEFAULT_CONNECT_TIMEOUT = 10,
    BORROW_TIMEOUT_MS = 10000,
    MAX_ATTEMPTS = 5,
    /* Internal results of a statement, never returned by an op (driver.h). */
    X_RETRY = DB_RETRY,
    X_LOST = DB_LOST,
};
/* pg_advisory_xact_lock key held while migrating: "redress" in ASCII. */
#define MIGRATION_LOCK 0x72656472657373LL

/* PostgreSQL type OIDs of the columns a copy meets (pg_type.dat). */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23 };

typedef struct pstmt pstmt;
struct pgs;

typedef struct pconn {
    db_conn base; /* first: the driver's connection (driver.h) */
    struct pgs *owner;
    pstmt *stmts[STMT_CACHE]; /* the driver's statements, by SQL text */
    int nstmts, next_stmt_evict;
    PGconn *pg;       /* NULL until first used */
    unsigned next_id; /* the next statement is prepared as "r<next_id>" */
} pconn;

typedef struct cjob cjob;

typedef struct pgs {
    store base;
    char *url;
    bool unnamed;
    int connect_timeout; /* seconds */
    int size;
    pconn *conns;
    pool pool;
    /* The creation queue and its thread (group commit, see pg_complaint_create). */
    groupq queue;
    bool creator_running;
    pthread_t creator;
} pgs;

/* ---- connections ---------------------------------------------------------------- */

static void on_notice(void *arg, const char *message)
{
    (void)arg;
    log_debug("postgresql: %.*s", (int)strcspn(message, "\n"), message);
}

static PGconn *connect_db(const pgs *s, char *err, size_t errlen)
{
    /* Our defaults first: the URL is expanded last, so what it says wins. */
    static const char *const keys[] = {"connect_timeout",  "application_name", "client_encoding",
                                       "keepalives",       "keepalives_idle",  "keepalives_interval",
                                       "keepalives_count", "dbname",           NULL};
    char wait[16];
    snprintf(wait, sizeof wait, "%d", s->connect_timeout);
    const char *vals[] = {wait, "redress", "UTF8", "1", "30", "10", "3", s->url, NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        const char *m = pg ? PQerrorMessage(pg) : "out of memory";
        snprintf(err, errlen, "cannot connect to PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
        PQfinish(pg);
        return NULL;
    }
    PQsetNoticeProcessor(pg, on_notice, NULL);
    return pg;
}

static void stmts_forget(pconn *c, bool free_them);

/* Forgets c's prepared statements (the server's session lost them, or c closes). */
static void cache_clear(pconn *c)
{
    stmts_forget(c, false);
}

/* (Re)opens c's connection; prepared statements die with the old session. */
static int reconnect(pgs *s, pconn *c)
{
    cache_clear(c);
    if (c->pg) {
        PQreset(c->pg);
    } else {
        char err[512];
        c->pg = connect_db(s, err, sizeof err);
        if (!c->pg) {
            log_warn("postgresql: %s", err);
            return -1;
        }
    }
    if (PQstatus(c->pg) != CONNECTION_OK) {
        const char *m = PQerrorMessage(c->pg);
        log_warn("postgresql: cannot reconnect: %.*s", (int)strcspn(m, "\n"), m);
        return -1;
    }
    log_info("postgresql: connection %d open", (int)(c - s->conns));
    return 0;
}

/* Borrows a working connection; NULL with *rc = STORE_UNAVAILABLE when none can be had. */
static pconn *borrow(pgs *s, int *rc)
{
    int slot = pool_take(&s->pool, BORROW_TIMEOUT_MS);
    if (slot < 0) {
        log_warn("postgresql: no free connection after %d ms (pool of %d)", BORROW_TIMEOUT_MS, s->size);
        *rc = STORE_UNAVAILABLE;
        return NULL;
    }
    pconn *c = &s->conns[slot];
    if ((!c->pg || PQstatus(c->pg) != CONNECTION_OK) && reconnect(s, c) != 0) {
        pool_give(&s->pool, slot);
        *rc = STORE_UNAVAILABLE;
        return NULL;
    }
    return c;
}

static void giveback(pgs *s, pconn *c)
{
    pool_give(&s->pool, (int)(c - s->conns));
}

/* 0 when r succeeded; else what the failure means (STORE_CONFLICT, STORE_ERROR, X_RETRY, X_LOST). */
static int fail_of(pconn *c, const PGresult *r)
{
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return 0;
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* The primary message only: DETAIL lines can quote row values (customer data). */
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(c->pg);
    switch (pgutil_classify(state, PQstatus(c->pg) == CONNECTION_BAD)) {
    case PGF_CONFLICT:
        return STORE_CONFLICT;
    case PGF_RETRY:
        log_info("postgresql: %s (%s); retrying", msg, state);
        return X_RETRY;
    case PGF_LOST:
        log_warn("postgresql: connection lost: %.*s", (int)strcspn(msg, "\n"), msg);
        return X_LOST;
    case PGF_ERROR:
        break;
    }
    log_error("postgresql: %.*s (SQLSTATE %s)", (int)strcspn(msg, "\n"), msg, state ? state : "none");
    if (state && (strcmp(state, "26000") == 0 || strcmp(state, "42P05") == 0))
        log_error("postgresql: prepared statements are lost between transactions: behind pgbouncer in "
                  "transaction mode, set db-prepared = off");
    return STORE_ERROR;
}

/* A statement without parameters (BEGIN, COMMIT, a migration script). */
static int simple(pconn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    int rc = fail_of(c, r);
    PQclear(r);
    return rc;
}

/*
 * After attempt number attempt of a unit of work ended with *rc: true when
 * it is to run again (a serialization failure, or a lost connection that
 * could be reopened) and attempts are left; else false, with a retry code
 * that could not be acted on turned into STORE_UNAVAILABLE.
 */
static bool retried(pgs *s, pconn *c, int *rc, int attempt)
{
    if (*rc != X_LOST && *rc != X_RETRY)
        return false;
    if (attempt < MAX_ATTEMPTS && (*rc == X_RETRY || reconnect(s, c) == 0))
        return true;
    *rc = STORE_UNAVAILABLE;
    return false;
}

typedef int (*tx_fn)(pgs *s, pconn *c, void *arg);

/* Runs fn in one transaction; see the table at the top of this file. */
static int tx(pgs *s, tx_fn fn, void *arg)
{
    int rc;
    pconn *c = borrow(s, &rc);
    if (!c)
        return rc;
    for (int attempt = 1;; attempt++) {
        rc = simple(c, "BEGIN");
        if (rc == 0)
            rc = fn(s, c, arg);
        if (rc == 0) {
            rc = simple(c, "COMMIT");
            if (rc == X_LOST) {
                log_warn("postgresql: the connection broke during COMMIT; the request is answered 503");
                rc = STORE_UNAVAILABLE;
                break;
            }
        } else if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
            PQclear(PQexec(c->pg, "ROLLBACK"));
        }
        if (!retried(s, c, &rc, attempt))
            break;
    }
    giveback(s, c);
    return rc;
}

/* ---- the driver (driver.h) ------------------------------------------------------- */

/*
 * A statement of the driver: the SQL as written (the cache key) and with its
 * placeholders numbered, its parameters, and the result of its execution,
 * which db_step runs on the first step after binding and then walks row by
 * row. Owned by its connection's cache.
 */
struct pstmt {
    db_stmt base; /* first */
    char *sql, *psql;
    unsigned id;   /* prepared as "r<id>" */
    bool prepared; /* on the server's current session */
    int nparams;
    const char **v;
    int *len, *fmt;
    char (*num)[24];
    PGresult *res;  /* NULL until executed */
    int row, nrows; /* rows handed out so far, rows in res */
    int64_t changes;
    uint8_t *blob; /* the last bytea column read, decoded */
};

static void pstmt_free(pstmt *st)
{
    PQclear(st->res);
    free(st->sql);
    free(st->psql);
    free(st->v);
    free(st->len);
    free(st->fmt);
    free(st->num);
    free(st->blob);
    free(st);
}

static void stmts_forget(pconn *c, bool free_them)
{
    for (int i = 0; i < c->nstmts; i++) {
        c->stmts[i]->prepared = false;
        if (free_them)
            pstmt_free(c->stmts[i]);
    }
    if (free_them)
        c->nstmts = c->next_stmt_evict = 0;
}

/* sql with its `?` placeholders (outside quotes) numbered $1, $2, …; *n (OUT) counts them. */
static char *number_params(const char *sql, int *n)
{
    buf b;
    buf_init(&b);
    bool quoted = false;
    *n = 0;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        if (*p == '?' && !quoted)
            buf_printf(&b, "$%d", ++*n);
        else
            buf_putc(&b, *p);
    }
    return buf_detach(&b, NULL);
}

static db_stmt *d_prepare(db_conn *cn, const char *sql)
{
    pconn *c = (pconn *)cn;
    for (int i = 0; i < c->nstmts; i++) {
        pstmt *st = c->stmts[i];
        if (strcmp(st->sql, sql) == 0) {
            PQclear(st->res);
            st->res = NULL;
            memset(st->v, 0, (size_t)st->nparams * sizeof *st->v);
            return &st->base;
        }
    }
    pstmt *st = xcalloc(1, sizeof *st);
    st->base.conn = cn;
    st->sql = xstrdup(sql);
    st->psql = number_params(sql, &st->nparams);
    size_t n = (size_t)st->nparams + 1;
    st->v = xcalloc(n, sizeof *st->v);
    st->len = xcalloc(n, sizeof *st->len);
    st->fmt = xcalloc(n, sizeof *st->fmt);
    st->num = xcalloc(n, sizeof *st->num);
    int slot;
    if (c->nstmts < STMT_CACHE) {
        slot = c->nstmts++;
    } else {
        for (int tries = 0; tries < STMT_CACHE && c->stmts[c->next_stmt_evict]->res; tries++)
            c->next_stmt_evict = (c->next_stmt_evict + 1) % STMT_CACHE;
        slot = c->next_stmt_evict;
        c->next_stmt_evict = (c->next_stmt_evict + 1) % STMT_CACHE;
        pstmt *old = c->stmts[slot];
        if (old->prepared && !c->owner->unnamed) {
            char dealloc[40];
            snprintf(dealloc, sizeof dealloc, "DEALLOCATE r%u", old->id);
            PQclear(PQexec(c->pg, dealloc));
        }
        pstmt_free(old);
    }
    c->stmts[slot] = st;
    return &st->base;
}

static pstmt *param(db_stmt *dst, int i)
{
    pstmt *st = (pstmt *)dst;
    assert(i >= 1 && i <= st->nparams);
    return st;
}

static void d_bind_int(db_stmt *dst, int i, int64_t v)
{
    pstmt *st = param(dst, i);
    snprintf(st->num[i - 1], sizeof st->num[i - 1], "%lld", (long long)v);
    st->v[i - 1] = st->num[i - 1];
    st->len[i - 1] = 0;
    st->fmt[i - 1] = 0;
}

static void d_bind_text(db_stmt *dst, int i, const char *v)
{
    pstmt *st = param(dst, i);
    st->v[i - 1] = v;
    st->len[i - 1] = 0;
    st->fmt[i - 1] = 0;
}

static void d_bind_blob(db_stmt *dst, int i, const void *p, size_t n)
{
    pstmt *st = param(dst, i);
    st->v[i - 1] = p;
    st->len[i - 1] = (int)n;
    st->fmt[i - 1] = 1;
}

static void d_bind_null(db_stmt *dst, int i)
{
    param(dst, i)->v[i - 1] = NULL;
}

static PGresult *execute(pconn *c, pstmt *st)
{
    if (c->owner->unnamed)
        return PQexecParams(c->pg, st->psql, st->nparams, NULL, st->v, st->len, st->fmt, 0);
    char name[24];
    if (!st->prepared) {
        st->id = c->next_id++;
        snprintf(name, sizeof name, "r%u", st->id);
        PGresult *r = PQprepare(c->pg, name, st->psql, st->nparams, NULL);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
            return r;
        PQclear(r);
        st->prepared = true;
    }
    snprintf(name, sizeof name, "r%u", st->id);
    return PQexecPrepared(c->pg, name, st->nparams, st->v, st->len, st->fmt, 0);
}

static int d_step(db_stmt *dst)
{
    pstmt *st = (pstmt *)dst;
    pconn *c = (pconn *)dst->conn;
    if (!st->res) {
        PGresult *r = execute(c, st);
        int rc = fail_of(c, r);
        if (rc) {
            PQclear(r);
            return rc;
        }
        st->res = r;
        st->row = 0;
        st->nrows = PQntuples(r);
        const char *n = PQcmdTuples(r);
        st->changes = *n ? strtoll(n, NULL, 10) : 0;
    }
    if (st->row < st->nrows) {
        st->row++;
        return DB_ROW;
    }
    return 0;
}

static const char *value(db_stmt *dst, int i)
{
    pstmt *st = (pstmt *)dst;
    assert(st->res && st->row > 0 && i < PQnfields(st->res));
    return PQgetisnull(st->res, st->row - 1, i) ? NULL : PQgetvalue(st->res, st->row - 1, i);
}

static bool d_column_null(db_stmt *dst, int i)
{
    return value(dst, i) == NULL;
}

static int64_t d_column_int(db_stmt *dst, int i)
{
    const char *v = value(dst, i);
    if (!v)
        return 0;
    if (v[0] == 't' || v[0] == 'f') /* a boolean expression */
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static const char *d_column_text(db_stmt *dst, int i)
{
    return value(dst, i);
}

static const void *d_column_blob(db_stmt *dst, int i, size_t *n)
{
    pstmt *st = (pstmt *)dst;
    free(st->blob);
    st->blob = NULL;
    *n = 0;
    const char *v = value(dst, i);
    if (v)
        st->blob = pgutil_bytea_dup(v, n);
    return st->blob;
}

static int64_t d_changes(db_stmt *dst)
{
    return ((pstmt *)dst)->changes;
}

static int64_t d_last_id(db_stmt *dst)
{
    (void)dst;
    assert(!"PostgreSQL: the id comes from RETURNING (db_insert)");
    return 0;
}

static void d_reset(db_stmt *dst)
{
    pstmt *st = (pstmt *)dst;
    PQclear(st->res);
    st->res = NULL;
}

static int d_exec(db_conn *c, const char *sql)
{
    return simple((pconn *)c, sql);
}

static const struct db_ops pg_db_ops = DB_OPS_D;

/* Ends every statement fn left with a result (a failure's early return). */
static void stmts_reset(pconn *c)
{
    for (int i = 0; i < c->nstmts; i++)
        d_reset(&c->stmts[i]->base);
}

static int d_read(store *stp, db_fn fn, void *arg)
{
    pgs *s = (pgs *)stp;
    int rc;
    pconn *c = borrow(s, &rc);
    if (!c)
        return rc;
    for (int attempt = 1;; attempt++) {
        rc = fn(&c->base, arg);
        stmts_reset(c);
        if (!retried(s, c, &rc, attempt))
            break;
    }
    giveback(s, c);
    return rc;
}

struct unit_of_work {
    db_fn fn;
    void *arg;
};

static int tx_unit_of_work(pgs *s, pconn *c, void *arg)
{
    (void)s;
    struct unit_of_work *u = arg;
    int rc = u->fn(&c->base, u->arg);
    stmts_reset(c);
    return rc;
}

static int d_write(store *stp, db_fn fn, void *arg, unsigned flags)
{
    (void)flags;
    struct unit_of_work u = {fn, arg};
    return tx((pgs *)stp, tx_unit_of_work, &u);
}

static const struct store_driver pg_driver = {
    .name = "postgresql",
    .dialect = DB_PG,
    .read = d_read,
    .write = d_write,
};

/* ---- migrations ------------------------------------------------------------------ */

/*
 * Applies every pending migration, each in its own transaction that first
 * takes a transaction-level advisory lock (so it works through pgbouncer in
 * transaction mode too): a second node starting at the same moment waits,
 * then finds the migration stamped and skips it.
 */
/* One statement of the migrations with up to two integer parameters: 0 or a failure; *row (OUT) it returned one. */
static int mig_stmt(pconn *c, const char *sql, int64_t a, int64_t b, bool *row)
{
    db_stmt *st = d_prepare(&c->base, sql);
    d_bind_int(st, 1, a);
    if (((pstmt *)st)->nparams > 1)
        d_bind_int(st, 2, b);
    int rc = d_step(st);
    *row = rc == DB_ROW;
    d_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

static int migrate_now(pgs *s, pconn *c, char *err, size_t errlen)
{
    (void)s;
    const char *lock = "SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))";
    bool row;
    int rc = simple(c, "BEGIN");
    if (!rc)
        rc = mig_stmt(c, lock, MIGRATION_LOCK, 0, &row);
    if (!rc)
        rc = simple(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                       "applied_at BIGINT NOT NULL)");
    if (!rc)
        rc = simple(c, "COMMIT");
    for (int i = 0; !rc && pg_migrations[i]; i++) {
        int version = i + 1;
        bool applied = false;
        rc = simple(c, "BEGIN");
        if (!rc)
            rc = mig_stmt(c, lock, MIGRATION_LOCK, 0, &row);
        if (!rc)
            rc = mig_stmt(c, "SELECT 1 FROM schema_version WHERE version = CAST(? AS INTEGER)", version, 0, &applied);
        if (!rc && !applied)
            rc = simple(c, pg_migrations[i]);
        if (!rc && !applied)
            rc = mig_stmt(c, "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", version, time_now(),
                          &row);
        if (!rc)
            rc = simple(c, "COMMIT");
        if (!rc && !applied)
            log_info("applied migration %03d (postgresql)", version);
    }
    if (rc) {
        if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            PQclear(PQexec(c->pg, "ROLLBACK"));
        snprintf(err, errlen, "cannot apply the PostgreSQL migrations (see the log above)");
        return -1;
    }
    return 0;
}

static int pg_migrate(store *st)
{
    (void)st;
    return 0; /* done at open */
}

/* ---- creation ---------------------------------------------------------------------------- */

/*
 * Creation: group commit. Every creation must hold its day's day_seq row
 * from the moment it takes a number until its transaction is durable, so
 * creations one transaction each would run one fsync after another, on all
 * nodes together. Instead each node queues its creations and one thread
 * (creator_main) commits everything queued in one transaction
 * (store_new_batch: a savepoint per creation, so that one that fails is
 * rolled back alone and gives its number back; one fsync for the whole
 * batch); each caller is woken only after COMMIT returned. The batch takes
 * the day rows in day order, so two nodes' batches never wait on each
 * other in a cycle.
 */
struct cjob {
    groupq_item link; /* first: the queue links jobs through it */
    struct store_new *n;
};

#define NEXT_CJOB(j) ((cjob *)(j)->link.next)

enum { CREATE_BATCH = 128 };

struct create_batch {
    struct store_new *v[CREATE_BATCH];
    size_t n;
};

static int create_batch(db_conn *c, void *arg)
{
    struct create_batch *b = arg;
    return store_new_batch(c, b->v, b->n);
}

/* Sorts a batch by day (stable: a day's creations keep their queue order). */
static cjob *sort_by_day(cjob *list)
{
    groupq_item *sorted = NULL, **tail;
    while (list) {
        cjob *j = list;
        list = NEXT_CJOB(list);
        tail = &sorted;
        while (*tail && strcmp(((cjob *)*tail)->n->day, j->n->day) <= 0)
            tail = &(*tail)->next;
        j->link.next = *tail;
        *tail = &j->link;
    }
    return (cjob *)sorted;
}

static void *creator_main(void *arg)
{
    pgs *s = arg;
    cjob *batch;
    while ((batch = (cjob *)groupq_take(&s->queue, CREATE_BATCH))) {
        batch = sort_by_day(batch);
        struct create_batch b = {.n = 0};
        for (cjob *j = batch; j; j = NEXT_CJOB(j))
            b.v[b.n++] = j->n;
        int rc = db_run_write(&s->base, "complaint_create", create_batch, &b, 0);
        for (size_t i = 0; rc && i < b.n; i++)
            b.v[i]->rc = rc; /* not committed: nothing of the batch is stored */
        groupq_finish(&s->queue, &batch->link);
    }
    return NULL;
}

static int pg_complaint_create(store *stp, struct store_new *n)
{
    pgs *s = (pgs *)stp;
    cjob j = {.n = n};
    n->rc = STORE_ERROR;
    groupq_submit_wait(&s->queue, &j.link);
    return n->rc;
}

/* Many at once (an import's batch): taken in day order, as the creator
 * takes its batches, so that no two transactions wait on each other's days
 * in a cycle; a transaction of up to CREATE_BATCH each. */
static int pg_complaint_create_many(store *stp, struct store_new *const *ns, size_t n)
{
    struct store_new **v = xcalloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) { /* a stable insertion sort by day */
        size_t k = i;
        while (k > 0 && strcmp(v[k - 1]->day, ns[i]->day) > 0) {
            v[k] = v[k - 1];
            k--;
        }
        v[k] = ns[i];
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i += CREATE_BATCH) {
        struct create_batch b = {.n = n - i < CREATE_BATCH ? n - i : CREATE_BATCH};
        memcpy(b.v, v + i, b.n * sizeof *b.v);
        rc = db_run_write(stp, "complaint_create_many", create_batch, &b, 0);
        for (size_t k = 0; rc && k < b.n; k++)
            b.v[k]->rc = rc;
    }
    for (size_t k = 0; rc && k < n; k++) /* the transactions not run */
        if (!v[k]->numbered)
            v[k]->rc = rc;
    free(v);
    return rc;
}

/* ---- bulk copy ----------------------------------------------------------------------------- */

/* Converts one row of a single-row-mode result into values (blobs into bl, heap). */
static void row_values(const PGresult *r, size_t ncols, store_value *v, uint8_t **bl)
{
    for (size_t k = 0; k < ncols; k++) {
        int col = (int)k;
        const char *text = PQgetvalue(r, 0, col);
        free(bl[k]);
        bl[k] = NULL;
        memset(&v[k], 0, sizeof v[k]);
        if (PQgetisnull(r, 0, col)) {
            v[k].type = SV_NULL;
            continue;
        }
        switch (PQftype(r, col)) {
        case OID_INT2:
        case OID_INT4:
        case OID_INT8:
            v[k].type = SV_INT;
            v[k].i = strtoll(text, NULL, 10);
            break;
        case OID_BOOL:
            v[k].type = SV_INT;
            v[k].i = text[0] == 't';
            break;
        case OID_BYTEA:
            v[k].type = SV_BLOB;
            bl[k] = pgutil_bytea_dup(text, &v[k].len);
            if (!bl[k]) {
                bl[k] = xcalloc(1, 1);
                v[k].len = 0;
            }
            v[k].p = (const char *)bl[k];
            break;
        default:
            v[k].type = SV_TEXT;
            v[k].p = text;
            v[k].len = (size_t)PQgetlength(r, 0, col);
        }
    }
}

/*
 * Streams the table in single-row mode: a big events table never sits in
 * memory whole. fn runs while this store's connection is borrowed, so it
 * must not use this store (it loads into the other one).
 */
static int pg_rows_dump(store *stp, const store_table *t, int (*fn)(const store_value *, void *), void *arg)
{
    pgs *s = (pgs *)stp;
    int rc;
    pconn *c = borrow(s, &rc);
    if (!c)
        return rc;
    buf sql;
    buf_init(&sql);
    store_select_all(&sql, t);
    rc = 0;
    if (!PQsendQueryParams(c->pg, sql.data, 0, NULL, NULL, NULL, NULL, 0) || !PQsetSingleRowMode(c->pg)) {
        log_error("postgresql: cannot read %s: %s", t->name, PQerrorMessage(c->pg));
        rc = STORE_ERROR;
    }
    buf_release(&sql);
    store_value *v = xcalloc(t->ncols + 1, sizeof *v);
    uint8_t **bl = xcalloc(t->ncols + 1, sizeof *bl);
    int stop = 0;
    PGresult *r;
    while (rc == 0 && (r = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && !stop) {
            row_values(r, t->ncols, v, bl);
            stop = fn(v, arg);
            if (stop) {
                /* Cut the rest short; the drain below then sees "canceled". */
                char errbuf[256];
                PGcancel *cancel = PQgetCancel(c->pg);
                if (cancel) {
                    PQcancel(cancel, errbuf, sizeof errbuf);
                    PQfreeCancel(cancel);
                }
            }
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && !stop) {
            int k = fail_of(c, r);
            rc = k == X_LOST || k == X_RETRY ? STORE_UNAVAILABLE : k ? k : STORE_ERROR;
        }
        PQclear(r);
    }
    while (rc != 0 && (r = PQgetResult(c->pg)) != NULL)
        PQclear(r);
    for (size_t k = 0; k < t->ncols; k++)
        free(bl[k]);
    free(bl);
    free(v);
    giveback(s, c);
    return rc ? rc : stop;
}

/* ---- backup and close ------------------------------------------------------------------------ */

static int pg_backup(store *stp, const char *path)
{
    (void)stp;
    (void)path;
    log_error("postgresql: back up with pg_dump (docs/operations.md), not redress backup");
    return STORE_ERROR;
}

static void pg_close(store *stp)
{
    pgs *s = (pgs *)stp;
    if (s->creator_running) {
        groupq_stop(&s->queue);
        pthread_join(s->creator, NULL);
    }
    groupq_release(&s->queue);
    for (int i = 0; i < s->size; i++) {
        cache_clear(&s->conns[i]);
        stmts_forget(&s->conns[i], true);
        if (s->conns[i].pg)
            PQfinish(s->conns[i].pg);
    }
    pool_release(&s->pool);
    free(s->conns);
    free(s->url);
    free(s);
}

static const struct store_ops pg_ops = {
    .version = STORE_OPS_VERSION,
    .name = "postgresql",
    .close = pg_close,
    .migrate = pg_migrate,
    .complaint_create = pg_complaint_create,
    .complaint_create_many = pg_complaint_create_many,
    .rows_dump = pg_rows_dump,
    .backup = pg_backup,
};

store *pg_store_open(const char *url, const store_options *opt, char *err, size_t errlen)
{
    pgs *s = xcalloc(1, sizeof *s);
    s->base.ops = &pg_ops;
    s->base.drv = &pg_driver;
    store_trace_init(&s->base);
    s->url = xstrdup(url);
    s->size = opt && opt->pool_size > 0 ? opt->pool_size : DEFAULT_POOL;
    s->unnamed = opt && opt->unnamed_stmts;
    s->connect_timeout = opt && opt->connect_timeout > 0 ? opt->connect_timeout : DEFAULT_CONNECT_TIMEOUT;
    s->conns = xcalloc((size_t)s->size, sizeof *s->conns);
    for (int i = 0; i < s->size; i++) {
        s->conns[i].base.ops = &pg_db_ops;
        s->conns[i].base.dialect = DB_PG;
        s->conns[i].owner = s;
    }
    pool_init(&s->pool, s->size);
    groupq_init(&s->queue);
    /* The first connection now (a wrong URL fails here, not at the first
     * request) and the migrations on it; the rest when first needed. */
    pconn *c = &s->conns[0];
    c->pg = connect_db(s, err, errlen);
    if (!c->pg)
        goto fail;
    if (PQserverVersion(c->pg) < 120000) {
        snprintf(err, errlen, "PostgreSQL %d.%d is too old: Redress needs 12 or later (15 is tested)",
                 PQserverVersion(c->pg) / 10000, PQserverVersion(c->pg) % 10000);
        goto fail;
    }
    if (migrate_now(s, c, err, errlen))
        goto fail;
    if (pthread_create(&s->creator, NULL, creator_main, s) != 0)
        die("cannot start the creation thread");
    s->creator_running = true;
    return &s->base;
fail:
    pg_close(&s->base);
    return NULL;
}
