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

#include "core/workflow.h"
#include "store/pgutil.h"
#include "store/pool.h"
#include "util/buf.h"
#include "util/groupq.h"
#include "util/jsonr.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

extern const char *const pg_migrations[];

enum {
    STMT_CACHE = 64,
    DEFAULT_POOL = 8,
    BORROW_TIMEOUT_MS = 10000,
    MAX_ATTEMPTS = 5,
    /* Internal results of a statement, never returned by an op (driver.h). */
    X_RETRY = DB_RETRY,
    X_LOST = DB_LOST,
};
#define DUE_NONE 9000000000000000LL
/* pg_advisory_xact_lock key held while migrating: "redress" in ASCII. */
#define MIGRATION_LOCK 0x72656472657373LL

/* PostgreSQL type OIDs of the columns a copy meets (pg_type.dat). */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23 };

typedef struct pstmt pstmt;
struct pgs;

typedef struct pconn {
    db_conn base;       /* first: the driver's connection (driver.h) */
    struct pgs *owner;
    pstmt *stmts[STMT_CACHE]; /* the driver's statements, by SQL text */
    int nstmts, next_stmt_evict;
    PGconn *pg; /* NULL until first used */
    struct {
        char *sql;
        uint32_t hash;
        unsigned id; /* prepared as "r<id>" */
    } cache[STMT_CACHE];
    int n, next_evict;
    unsigned next_id;
} pconn;

typedef struct cjob cjob;

typedef struct pgs {
    store base;
    char *url;
    bool unnamed;
    int size;
    pconn *conns;
    pool pool;
    /* The creation queue and its thread (group commit, see pg_complaint_create). */
    groupq queue;
    bool creator_running;
    pthread_t creator;
} pgs;

/* ---- parameters ------------------------------------------------------------ */

/*
 * The parameters of one statement. Integers are sent as decimal text, text
 * as text, blobs in binary; the server infers each type from the statement.
 * Small statements use the inline arrays; a bulk insert grows onto the heap.
 */
enum { QINLINE = 32, FMT_NUM = 2 /* text in num[i], pointer fixed at run time */ };

typedef struct pgq {
    int n, cap;
    const char **v;
    int *len, *fmt;
    char (*num)[24];
    const char *v0[QINLINE];
    int len0[QINLINE], fmt0[QINLINE];
    char num0[QINLINE][24];
} pgq;

static void q_init(pgq *q)
{
    q->n = 0;
    q->cap = QINLINE;
    q->v = q->v0;
    q->len = q->len0;
    q->fmt = q->fmt0;
    q->num = q->num0;
}

static void q_release(pgq *q)
{
    if (q->v != q->v0) {
        free(q->v);
        free(q->len);
        free(q->fmt);
        free(q->num);
    }
    q_init(q);
}

static int q_slot(pgq *q)
{
    if (q->n == q->cap) {
        int cap = q->cap * 2;
        const char **v = xcalloc((size_t)cap, sizeof *v);
        int *len = xcalloc((size_t)cap, sizeof *len), *fmt = xcalloc((size_t)cap, sizeof *fmt);
        char(*num)[24] = xcalloc((size_t)cap, sizeof *num);
        memcpy(v, q->v, (size_t)q->n * sizeof *v);
        memcpy(len, q->len, (size_t)q->n * sizeof *len);
        memcpy(fmt, q->fmt, (size_t)q->n * sizeof *fmt);
        memcpy(num, q->num, (size_t)q->n * sizeof *num);
        if (q->v != q->v0) {
            free(q->v);
            free(q->len);
            free(q->fmt);
            free(q->num);
        }
        q->v = v;
        q->len = len;
        q->fmt = fmt;
        q->num = num;
        q->cap = cap;
    }
    return q->n++;
}

static void q_int(pgq *q, int64_t x)
{
    int i = q_slot(q);
    snprintf(q->num[i], sizeof q->num[i], "%lld", (long long)x);
    q->v[i] = NULL;
    q->len[i] = 0;
    q->fmt[i] = FMT_NUM;
}

/* s is borrowed until the statement has run; NULL is SQL NULL. */
static void q_text(pgq *q, const char *s)
{
    int i = q_slot(q);
    q->v[i] = s;
    q->len[i] = 0;
    q->fmt[i] = 0;
}

static void q_blob(pgq *q, const void *p, size_t n)
{
    int i = q_slot(q);
    q->v[i] = p;
    q->len[i] = (int)n;
    q->fmt[i] = 1;
}

/* Points the integer parameters at their text, now that the arrays no longer move. */
static void q_fix(pgq *q)
{
    for (int i = 0; i < q->n; i++) {
        if (q->fmt[i] == FMT_NUM) {
            q->v[i] = q->num[i];
            q->fmt[i] = 0;
        }
    }
}

/* ---- results ------------------------------------------------------------------ */

static int64_t col_i64(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* ---- connections ---------------------------------------------------------------- */

static void on_notice(void *arg, const char *message)
{
    (void)arg;
    log_debug("postgresql: %.*s", (int)strcspn(message, "\n"), message);
}

static PGconn *connect_db(const char *url, char *err, size_t errlen)
{
    /* Our defaults first: the URL is expanded last, so what it says wins. */
    static const char *const keys[] = {"connect_timeout",  "application_name", "client_encoding",
                                       "keepalives",       "keepalives_idle",  "keepalives_interval",
                                       "keepalives_count", "dbname",           NULL};
    const char *vals[] = {"5", "redress", "UTF8", "1", "30", "10", "3", url, NULL};
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
    for (int i = 0; i < c->n; i++)
        free(c->cache[i].sql);
    c->n = 0;
    c->next_evict = 0;
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
        c->pg = connect_db(s->url, err, sizeof err);
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

/* ---- statements ----------------------------------------------------------------- */

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/*
 * Runs sql with q's parameters on c and returns the result (never NULL
 * unless libpq is out of memory; the caller PQclears it). A cached
 * statement is run by name; an unknown one is prepared first.
 */
static PGresult *run(pgs *s, pconn *c, const char *sql, pgq *q, bool cacheable)
{
    q_fix(q);
    if (s->unnamed || !cacheable)
        return PQexecParams(c->pg, sql, q->n, NULL, q->v, q->len, q->fmt, 0);
    uint32_t h = fnv1a(sql);
    int slot = -1;
    for (int i = 0; i < c->n && slot < 0; i++)
        if (c->cache[i].hash == h && strcmp(c->cache[i].sql, sql) == 0)
            slot = i;
    char name[24];
    if (slot < 0) {
        unsigned id = c->next_id++;
        snprintf(name, sizeof name, "r%u", id);
        PGresult *r = PQprepare(c->pg, name, sql, q->n, NULL);
        if (!r || PQresultStatus(r) != PGRES_COMMAND_OK)
            return r;
        PQclear(r);
        if (c->n < STMT_CACHE) {
            slot = c->n++;
        } else {
            slot = c->next_evict;
            c->next_evict = (c->next_evict + 1) % STMT_CACHE;
            char dealloc[40];
            snprintf(dealloc, sizeof dealloc, "DEALLOCATE r%u", c->cache[slot].id);
            PQclear(PQexec(c->pg, dealloc));
            free(c->cache[slot].sql);
        }
        c->cache[slot].sql = xstrdup(sql);
        c->cache[slot].hash = h;
        c->cache[slot].id = id;
    }
    snprintf(name, sizeof name, "r%u", c->cache[slot].id);
    return PQexecPrepared(c->pg, name, q->n, q->v, q->len, q->fmt, 0);
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

/*
 * One statement inside a transaction of tx(): returns 0 or a failure code;
 * with out, the result is handed over on success (caller PQclears).
 */
static int xq(pgs *s, pconn *c, const char *sql, pgq *q, PGresult **out)
{
    PGresult *r = run(s, c, sql, q, true);
    int rc = fail_of(c, r);
    if (rc || !out) {
        PQclear(r);
        r = NULL;
    }
    if (out)
        *out = r;
    return rc;
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
    PGresult *res; /* NULL until executed */
    int row, nrows; /* rows handed out so far, rows in res */
    int64_t changes;
    uint8_t *blob;  /* the last bytea column read, decoded */
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

static const struct db_ops pg_db_ops = {
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
static int migrate_now(pgs *s, pconn *c, char *err, size_t errlen)
{
    pgq q;
    q_init(&q);
    q_int(&q, MIGRATION_LOCK);
    int rc = simple(c, "BEGIN");
    if (!rc)
        rc = xq(s, c, "SELECT pg_advisory_xact_lock($1::bigint)", &q, NULL);
    if (!rc)
        rc = simple(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                       "applied_at BIGINT NOT NULL)");
    if (!rc)
        rc = simple(c, "COMMIT");
    for (int i = 0; !rc && pg_migrations[i]; i++) {
        int version = i + 1;
        PGresult *r = NULL;
        pgq v;
        q_init(&v);
        q_int(&v, version);
        rc = simple(c, "BEGIN");
        if (!rc)
            rc = xq(s, c, "SELECT pg_advisory_xact_lock($1::bigint)", &q, NULL);
        if (!rc)
            rc = xq(s, c, "SELECT 1 FROM schema_version WHERE version = $1", &v, &r);
        bool applied = r && PQntuples(r) > 0;
        PQclear(r);
        if (!rc && !applied) {
            rc = simple(c, pg_migrations[i]);
            pgq st;
            q_init(&st);
            q_int(&st, version);
            q_int(&st, time_now());
            if (!rc)
                rc = xq(s, c, "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)", &st, NULL);
        }
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

/* ---- users ------------------------------------------------------------------------------ */

#define USER_COLS "u.id, u.username, u.name, u.roles, u.unit, u.active, u.must_change, u.failed_logins, u.locked_until"
enum { USER_NCOLS = 9 };

/* ---- complaints ------------------------------------------------------------------------- */

#define C_COLS                                                                                                         \
    "id, number, status, level, nature, channel, category, phone, subject_unit, owner_unit, "                          \
    "handler_unit, received_at, created_at, updated_at, closed_at, stage_due, overall_due, "                           \
    "first_contact, created_by, version, head, data, warn_at, next_check_at"

/* Adds the projection as parameters $1..$26: C_COLS order up to data ($22),
 * is_open, stage, warn_at, next_check_at. data_text is borrowed until the
 * statement has run. */
static void q_complaint(pgq *q, const complaint *c, const char *data_text)
{
    q_int(q, c->id);
    q_text(q, c->number);
    q_int(q, c->status);
    q_int(q, c->level);
    q_text(q, c->nature);
    q_text(q, c->channel);
    q_text(q, c->category);
    q_text(q, c->phone);
    q_int(q, c->subject_unit);
    q_int(q, c->owner_unit);
    q_int(q, c->handler_unit);
    q_int(q, c->received_at);
    q_int(q, c->created_at);
    q_int(q, c->updated_at);
    q_int(q, c->closed_at);
    q_int(q, c->stage_due ? c->stage_due : DUE_NONE);
    q_int(q, c->overall_due);
    q_int(q, c->first_contact);
    q_int(q, c->created_by);
    q_int(q, c->version);
    q_blob(q, c->head, 32);
    q_text(q, data_text);
    q_int(q, status_open(c->status));
    q_int(q, stage_of(c->status));
    q_int(q, c->warn_at ? c->warn_at : DUE_NONE);
    q_int(q, c->next_check_at ? c->next_check_at : DUE_NONE);
}

static int insert_event(pgs *s, pconn *c, const event *ev)
{
    pgq q;
    q_init(&q);
    q_int(&q, ev->complaint_id);
    q_int(&q, ev->seq);
    q_text(&q, ev->action);
    q_int(&q, ev->at);
    q_int(&q, ev->actor);
    q_blob(&q, ev->prev, 32);
    q_blob(&q, ev->hash, 32);
    q_text(&q, ev->body);
    return xq(s, c,
              "INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
              &q, NULL);
}

static int bump_stats(pgs *s, pconn *c, int64_t day, int received, int closed, int on_time, int fcr)
{
    pgq q;
    q_init(&q);
    q_int(&q, day);
    q_int(&q, received);
    q_int(&q, closed);
    q_int(&q, on_time);
    q_int(&q, fcr);
    return xq(s, c,
              "INSERT INTO daily_stats AS d (day, received, closed, closed_on_time, first_contact) "
              "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO UPDATE SET "
              "received = d.received + EXCLUDED.received, closed = d.closed + EXCLUDED.closed, "
              "closed_on_time = d.closed_on_time + EXCLUDED.closed_on_time, "
              "first_contact = d.first_contact + EXCLUDED.first_contact",
              &q, NULL);
}

/* Counts a close in the daily statistics (the day of the closing event). */
static int stats_on_close(pgs *s, pconn *c, const complaint *cp, const event *ev, int tz)
{
    if (ev->to_status != ST_CLOSED || ev->from_status == ST_CLOSED)
        return 0;
    bool on_time = !cp->overall_due || cp->closed_at <= cp->overall_due;
    return bump_stats(s, c, time_local_day(ev->at, tz), 0, 1, on_time, cp->first_contact);
}

/*
 * Creation: group commit. Every creation must hold its day's day_seq row
 * from the moment it takes a number until its transaction is durable, so
 * creations one transaction each would run one fsync after another, on all
 * nodes together. Instead each node queues its creations and one thread
 * (creator_main) commits everything queued in one transaction: a savepoint
 * per creation, so that one that fails is rolled back alone and gives its
 * number back; one fsync for the whole batch; each caller is woken only
 * after COMMIT returned. The batch takes the day rows in day order, so two
 * nodes' batches never wait on each other in a cycle.
 */
struct create_arg {
    const char *prefix;
    int tz;
    event *ev;
    complaint *c;
    char day[16]; /* local date of received_at: the numbering day */
    pii_keyrow *k; /* the data key to store with it, or NULL */
};

struct cjob {
    groupq_item link; /* first: the queue links jobs through it */
    struct create_arg a;
    int rc;
};

#define NEXT_CJOB(j) ((cjob *)(j)->link.next)

enum { CREATE_BATCH = 128 };

/* One creation inside the batch's transaction. May run more than once (the
 * batch is retried as a whole): everything it writes into ev and c is
 * recomputed. */
static int create_one(pgs *s, pconn *cn, struct create_arg *a)
{
    event *ev = a->ev;
    /* From here to COMMIT the batch holds the day's row: the number is ours alone. */
    pgq q;
    q_init(&q);
    q_text(&q, a->day);
    PGresult *r;
    int rc = xq(s, cn,
                "INSERT INTO day_seq AS d (day, seq) VALUES ($1, 1) "
                "ON CONFLICT (day) DO UPDATE SET seq = d.seq + 1 RETURNING seq, nextval('complaints_id_seq')",
                &q, &r);
    if (rc)
        return rc;
    int64_t seq = col_i64(r, 0, 0), id = col_i64(r, 0, 1);
    PQclear(r);

    char number[48];
    snprintf(number, sizeof number, "%s%s-%04lld", a->prefix, a->day, (long long)seq);
    json_object_set_new(ev->payload, "number", json_string(number));
    ev->complaint_id = id;
    event_seal(ev);
    complaint_release(a->c);
    complaint_init(a->c);
    workflow_apply(a->c, ev);

    /* The row, its first event and the day's count in one round trip. */
    char *data = json_dumps(a->c->data, JSON_COMPACT);
    pgq cq;
    q_init(&cq);
    q_complaint(&cq, a->c, data);
    q_int(&cq, ev->seq);
    q_text(&cq, ev->action);
    q_int(&cq, ev->at);
    q_int(&cq, ev->actor);
    q_blob(&cq, ev->prev, 32);
    q_blob(&cq, ev->hash, 32);
    q_text(&cq, ev->body);
    q_int(&cq, time_local_day(a->c->received_at, a->tz));
#define CREATE_SQL(KEY)                                                                                           \
    "WITH c AS (INSERT INTO complaints (" C_COLS ", is_open, stage) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "      \
    "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $25, $26, $23, $24)), "                  \
    "e AS (INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body) "                           \
    "VALUES ($1, $27, $28, $29, $30, $31, $32, $33)), " KEY                                                        \
    "INSERT INTO daily_stats AS d (day, received) VALUES ($34, 1) "                                                \
    "ON CONFLICT (day) DO UPDATE SET received = d.received + 1"
    if (a->k) {
        /* The data key in the same round trip (sec/pii.h). */
        a->k->complaint_id = id;
        q_text(&cq, a->k->key_id);
        q_blob(&cq, a->k->wrapped, a->k->len);
        rc = xq(s, cn, CREATE_SQL("k AS (INSERT INTO pii_keys (complaint_id, key_id, wrapped) VALUES ($1, $35, $36)) "),
                &cq, NULL);
    } else {
        rc = xq(s, cn, CREATE_SQL(""), &cq, NULL);
    }
#undef CREATE_SQL
    q_release(&cq);
    free(data);
    /* The kind column (006) mirrors data.kind, set once at intake. */
    const char *kind = json_string_value(json_object_get(a->c->data, "kind"));
    if (rc == 0 && kind) {
        pgq kq;
        q_init(&kq);
        q_text(&kq, kind);
        q_int(&kq, id);
        rc = xq(s, cn, "UPDATE complaints SET kind = $1 WHERE id = $2", &kq, NULL);
        q_release(&kq);
    }
    if (rc == 0)
        rc = stats_on_close(s, cn, a->c, ev, a->tz);
    return rc;
}

static int tx_create_batch(pgs *s, pconn *cn, void *arg)
{
    cjob *batch = arg;
    bool first = true;
    for (cjob *j = batch; j; j = NEXT_CJOB(j)) {
        int rc = simple(cn, first ? "SAVEPOINT c" : "RELEASE SAVEPOINT c; SAVEPOINT c");
        first = false;
        if (rc)
            return rc;
        rc = create_one(s, cn, &j->a);
        if (rc == X_LOST || rc == X_RETRY)
            return rc; /* the whole batch again */
        if (rc) {
            int undo = simple(cn, "ROLLBACK TO SAVEPOINT c");
            if (undo)
                return undo;
        }
        j->rc = rc;
    }
    return 0;
}

/* Sorts a batch by day (stable: a day's creations keep their queue order). */
static cjob *sort_by_day(cjob *list)
{
    groupq_item *sorted = NULL, **tail;
    while (list) {
        cjob *j = list;
        list = NEXT_CJOB(list);
        tail = &sorted;
        while (*tail && strcmp(((cjob *)*tail)->a.day, j->a.day) <= 0)
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
        int rc = tx(s, tx_create_batch, batch);
        for (cjob *j = batch; rc && j; j = NEXT_CJOB(j))
            j->rc = rc; /* not committed: nothing of the batch is stored */
        groupq_finish(&s->queue, &batch->link);
    }
    return NULL;
}

static int pg_complaint_create_keyed(store *stp, const char *prefix, int tz, event *ev, complaint *c,
                                     pii_keyrow *k)
{
    pgs *s = (pgs *)stp;
    cjob j = {.a = {prefix, tz, ev, c, "", k}, .rc = STORE_ERROR};
    int64_t received = json_integer_value(json_object_get(ev->payload, "received_at"));
    time_local_date(received, tz, false, j.a.day, sizeof j.a.day);
    groupq_submit_wait(&s->queue, &j.link);
    return j.rc;
}

static int pg_complaint_create(store *stp, const char *prefix, int tz, event *ev, complaint *c)
{
    return pg_complaint_create_keyed(stp, prefix, tz, ev, c, NULL);
}

struct update_arg {
    const complaint *c;
    const event *ev;
    int tz;
};

/* Records the assisting units of cp (complaint_assists); kept once there. */
static int sync_assists(pgs *s, pconn *cn, const complaint *cp)
{
    size_t i;
    const json_t *as;
    json_array_foreach(json_object_get(cp->data, "assists"), i, as)
    {
        json_int_t uid = json_integer_value(json_object_get(as, "unit"));
        if (!uid)
            continue;
        pgq q;
        q_init(&q);
        q_int(&q, cp->id);
        q_int(&q, uid);
        int rc = xq(s, cn, "INSERT INTO complaint_assists (complaint_id, unit) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &q, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static int tx_complaint_update(pgs *s, pconn *cn, void *arg)
{
    struct update_arg *a = arg;
    char *data = json_dumps(a->c->data, JSON_COMPACT);
    pgq q;
    q_init(&q);
    q_complaint(&q, a->c, data);
    q_int(&q, a->c->version - 1);
    PGresult *r;
    /* A concurrent writer of the same row makes this wait for its commit;
     * then the version no longer matches and no row is updated. */
    int rc = xq(s, cn,
                "UPDATE complaints SET number = $2, status = $3, level = $4, nature = $5, channel = $6, "
                "category = $7, phone = $8, subject_unit = $9, owner_unit = $10, handler_unit = $11, "
                "received_at = $12, created_at = $13, updated_at = $14, closed_at = $15, stage_due = $16, "
                "overall_due = $17, first_contact = $18, created_by = $19, version = $20, head = $21, data = $22, "
                "is_open = $23, stage = $24, warn_at = $25, next_check_at = $26 WHERE id = $1 AND version = $27",
                &q, &r);
    free(data);
    if (rc)
        return rc;
    bool updated = strcmp(PQcmdTuples(r), "0") != 0;
    PQclear(r);
    if (!updated) {
        pgq e;
        q_init(&e);
        q_int(&e, a->c->id);
        rc = xq(s, cn, "SELECT 1 FROM complaints WHERE id = $1", &e, &r);
        if (rc)
            return rc;
        rc = PQntuples(r) ? STORE_CONFLICT : STORE_NOTFOUND;
        PQclear(r);
        return rc;
    }
    rc = insert_event(s, cn, a->ev);
    if (rc == 0)
        rc = stats_on_close(s, cn, a->c, a->ev, a->tz);
    if (rc == 0 && strcmp(a->ev->action, "assist") == 0)
        rc = sync_assists(s, cn, a->c);
    return rc;
}

static int pg_complaint_update(store *stp, const complaint *was, const complaint *c, const event *ev, int tz)
{
    (void)was; /* PostgreSQL leaves an index alone when the indexed values stay the same */
    struct update_arg a = {c, ev, tz};
    return tx((pgs *)stp, tx_complaint_update, &a);
}

/* ---- closing, compensation, the penalty ledger ---------------------------------------------- */

static int changed_or_conflict(PGresult *r)
{
    int rc = strcmp(PQcmdTuples(r), "0") != 0 ? 0 : STORE_CONFLICT;
    PQclear(r);
    return rc;
}

/* A new entry, or (status "waived") the waiver of an existing one. */
static int write_penalty(pgs *s, pconn *c, const penalty *p)
{
    pgq q;
    q_init(&q);
    q_int(&q, p->complaint_id);
    q_int(&q, p->no);
    PGresult *r;
    int rc;
    if (strcmp(p->status, "waived") == 0) {
        q_int(&q, p->waived_at);
        q_int(&q, p->waived_by);
        q_text(&q, p->waive_reason);
        rc = xq(s, c,
                "UPDATE penalties SET status = 'waived', waived_at = $3, waived_by = $4, waive_reason = $5 "
                "WHERE complaint_id = $1 AND entry_no = $2 AND status = 'active'",
                &q, &r);
        q_release(&q);
        return rc ? rc : changed_or_conflict(r);
    }
    q_int(&q, p->event_seq);
    q_int(&q, p->created_at);
    q_text(&q, p->month);
    q_text(&q, p->rule);
    q_text(&q, p->role);
    q_text(&q, p->role_name ? p->role_name : p->role);
    q_text(&q, p->person);
    q_int(&q, p->unit);
    q_int(&q, p->amount_fen);
    q_int(&q, p->points);
    q_int(&q, p->award_loss);
    q_int(&q, p->performance_pay);
    rc = xq(s, c,
            "INSERT INTO penalties (complaint_id, entry_no, event_seq, created_at, month, rule, role, role_name, "
            "person, unit, amount_fen, points, award_loss, performance_pay) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            &q, NULL);
    q_release(&q);
    return rc;
}

/* A granted or requested compensation, or (approved / refused) its decision. */
static int write_compensation(pgs *s, pconn *c, const compensation *m)
{
    pgq q;
    q_init(&q);
    q_int(&q, m->complaint_id);
    q_int(&q, m->no);
    q_text(&q, m->status);
    PGresult *r;
    int rc;
    if (strcmp(m->status, "approved") == 0 || strcmp(m->status, "refused") == 0) {
        q_int(&q, m->decided_by);
        q_int(&q, m->decided_at);
        q_text(&q, m->decision);
        rc = xq(s, c,
                "UPDATE compensations SET status = $3, decided_by = $4, decided_at = $5, decision = $6 "
                "WHERE complaint_id = $1 AND entry_no = $2 AND status = 'pending'",
                &q, &r);
        q_release(&q);
        return rc ? rc : changed_or_conflict(r);
    }
    q_text(&q, m->kind);
    q_int(&q, m->amount_fen);
    q_text(&q, m->reason ? m->reason : "");
    q_int(&q, m->senior);
    if (m->approver_unit)
        q_int(&q, m->approver_unit);
    else
        q_text(&q, NULL);
    q_int(&q, m->requested_by);
    q_int(&q, m->requested_at);
    rc = xq(s, c,
            "INSERT INTO compensations (complaint_id, entry_no, status, kind, amount_fen, reason, senior, "
            "approver_unit, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &q, NULL);
    q_release(&q);
    return rc;
}

static int insert_outbox(pgs *s, pconn *c, const outbox_msg *m, int64_t at)
{
    pgq q;
    q_init(&q);
    q_int(&q, m->created_at ? m->created_at : at);
    if (m->complaint_id)
        q_int(&q, m->complaint_id);
    else
        q_text(&q, NULL);
    q_text(&q, m->channel);
    if (m->recipient_user)
        q_int(&q, m->recipient_user);
    else
        q_text(&q, NULL);
    if (m->recipient_unit)
        q_int(&q, m->recipient_unit);
    else
        q_text(&q, NULL);
    q_text(&q, m->template_name);
    q_text(&q, m->payload ? m->payload : "{}");
    q_text(&q, m->key);
    return xq(s, c,
              "INSERT INTO outbox (created_at, complaint_id, channel, recipient_user, recipient_unit, template, "
              "payload, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
              &q, NULL);
}

static int insert_supervision(pgs *s, pconn *c, const supervision *v)
{
    pgq q;
    q_init(&q);
    q_int(&q, v->complaint_id);
    q_int(&q, v->event_seq);
    q_text(&q, v->clock);
    q_int(&q, v->level);
    q_int(&q, v->unit);
    if (v->supervisor_user)
        q_int(&q, v->supervisor_user);
    else
        q_text(&q, NULL);
    q_int(&q, v->deadline);
    q_int(&q, v->created_at);
    return xq(s, c,
              "INSERT INTO supervisions (complaint_id, event_seq, clock, level, unit, supervisor_user, deadline, "
              "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
              &q, NULL);
}

struct write_arg {
    store_write *w;
    size_t n;
    int tz;
};

static int write_penalty(pgs *s, pconn *c, const penalty *p);
static int write_compensation(pgs *s, pconn *c, const compensation *m);

/*
 * The sweeper's batch: one transaction, a savepoint per write so that each
 * succeeds or fails alone. On several nodes two sweepers may pick the same
 * complaint; the versioned update lets one win and gives the other
 * STORE_CONFLICT for that write. A lost connection or a deadlock runs the
 * whole batch again (tx()), recomputing every rc.
 */
static int tx_complaint_write(pgs *s, pconn *c, void *arg)
{
    struct write_arg *a = arg;
    for (size_t i = 0; i < a->n; i++) {
        store_write *w = &a->w[i];
        int rc = simple(c, "SAVEPOINT w");
        if (rc)
            return rc;
        struct update_arg u = {w->c, w->ev, a->tz};
        rc = tx_complaint_update(s, c, &u);
        for (size_t k = 0; rc == 0 && k < w->nmsgs; k++)
            rc = insert_outbox(s, c, &w->msgs[k], w->ev->at);
        for (size_t k = 0; rc == 0 && k < w->nsups; k++)
            rc = insert_supervision(s, c, &w->sups[k]);
        for (size_t k = 0; rc == 0 && k < w->npens; k++)
            rc = write_penalty(s, c, &w->pens[k]);
        for (size_t k = 0; rc == 0 && k < w->ncomps; k++)
            rc = write_compensation(s, c, &w->comps[k]);
        if (rc == X_LOST || rc == X_RETRY)
            return rc;
        int undo = simple(c, rc ? "ROLLBACK TO SAVEPOINT w" : "RELEASE SAVEPOINT w");
        if (undo)
            return undo;
        w->rc = rc;
    }
    return 0;
}

static int pg_complaint_write(store *stp, store_write *w, size_t n, int tz)
{
    struct write_arg a = {w, n, tz};
    int rc = n ? tx((pgs *)stp, tx_complaint_write, &a) : 0;
    return rc == 0 ? 0 : STORE_UNAVAILABLE;
}

/* ---- incidents ----------------------------------------------------------------------------- */

/* ---- bulk copy ----------------------------------------------------------------------------- */

static void select_all(buf *sql, const store_table *t)
{
    buf_puts(sql, "SELECT ");
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            buf_puts(sql, ", ");
        pgutil_ident(sql, t->cols[i]);
    }
    buf_puts(sql, " FROM ");
    pgutil_ident(sql, t->name);
    buf_puts(sql, " ORDER BY 1");
}

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
    select_all(&sql, t);
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

/* ---- lifecycle ------------------------------------------------------------------------------- */

/* ---- customer data (sec/pii.h) ------------------------------------------------------------ */

static int tx_complaint_erase(pgs *s, pconn *cn, void *arg)
{
    struct update_arg *a = arg;
    int rc = tx_complaint_update(s, cn, arg);
    if (rc)
        return rc;
    pgq q;
    q_init(&q);
    q_int(&q, a->c->id);
    return xq(s, cn, "DELETE FROM pii_keys WHERE complaint_id = $1", &q, NULL);
}

static int pg_complaint_erase(store *stp, const complaint *was, const complaint *c, const event *ev, int tz)
{
    (void)was;
    struct update_arg a = {c, ev, tz};
    return tx((pgs *)stp, tx_complaint_erase, &a);
}

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
    .complaint_update = pg_complaint_update,
    .rows_dump = pg_rows_dump,
    .complaint_write = pg_complaint_write,
    .complaint_create_keyed = pg_complaint_create_keyed,
    .complaint_erase = pg_complaint_erase,
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
    c->pg = connect_db(url, err, errlen);
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
