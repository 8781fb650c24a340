/*
 * driver: the small interface under the store's named operations, for
 * src/store/ only. The SQL of each aggregate (config.c, users.c, …) is
 * written once over it; the two backends (sqlite.c, pg.c) implement it and
 * keep what is really theirs: SQLite's writer thread with group commit and
 * its per-thread readers, PostgreSQL's connection pool, reconnects and
 * retries.
 *
 * A unit of work is a function fn(c, arg) handed to db_run_read or
 * db_run_write with a connection c lent for its duration:
 *
 *   db_run_read  a read on a connection of the calling thread (SQLite) or
 *                one borrowed from the pool (PostgreSQL), statements in
 *                autocommit; run again from the start when the connection
 *                was lost (PostgreSQL).
 *   db_run_write one durable transaction: fn's writes are committed
 *                together, and the call returns after the commit is on disk,
 *                or none of them are (fn's non-zero result rolls back what it
 *                wrote). SQLite runs fn on its writer thread inside the next
 *                group commit; PostgreSQL on a pooled connection, again after
 *                a serialization failure or a lost connection.
 *
 * So fn may run more than once, and sets its outputs from scratch each time.
 * It returns 0 or a STORE_* code; a failed statement's code (db_step's) is
 * returned as it is, since the backend may act on it (retry, reconnect).
 *
 * SQL is written once with `?` placeholders; the PostgreSQL driver numbers
 * them ($1, $2, …) when it prepares a statement. What the two dialects
 * spell differently is chosen with db_dialect() in the few places it
 * matters; everything else is standard (RETURNING, ON CONFLICT, CAST).
 *
 * Statements: db_prepare returns the connection's cached statement for that
 * SQL text, reset and with no parameters bound. Parameters are numbered from
 * 1, columns from 0. Text and blobs bound are borrowed until db_reset. A
 * statement is reset by db_reset (always, once its rows are read: on SQLite
 * an unreset statement holds its read snapshot open) or by the helpers that
 * say so. Column text and blobs are borrowed until the next db_step or
 * db_reset.
 */
#ifndef REDRESS_STORE_DRIVER_H
#define REDRESS_STORE_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

enum db_dialect { DB_SQLITE, DB_PG };

/* db_step's result beside the STORE_* codes: a row is there to be read. */
enum { DB_ROW = 100 };

/* Codes a backend may return from a statement of a unit of work, and act on
 * when fn returns them: never returned by a store operation. */
enum { DB_RETRY = -100, DB_LOST = -101 };

struct db_ops {
    db_stmt *(*prepare)(db_conn *c, const char *sql);
    void (*bind_int)(db_stmt *st, int i, int64_t v);
    void (*bind_text)(db_stmt *st, int i, const char *s); /* NULL binds NULL */
    void (*bind_blob)(db_stmt *st, int i, const void *p, size_t n);
    void (*bind_null)(db_stmt *st, int i);
    /* DB_ROW, 0 when done, STORE_CONFLICT (a unique or foreign key), or a failure. */
    int (*step)(db_stmt *st);
    bool (*column_null)(db_stmt *st, int i);
    int64_t (*column_int)(db_stmt *st, int i);
    const char *(*column_text)(db_stmt *st, int i); /* NULL for NULL */
    const void *(*column_blob)(db_stmt *st, int i, size_t *n);
    /* Rows changed by the statement's last step (INSERT, UPDATE, DELETE). */
    int64_t (*changes)(db_stmt *st);
    /* The id of the row the connection's last INSERT made (SQLite's rowid);
     * PostgreSQL has none to give (0): db_insert asks RETURNING there. */
    int64_t (*last_id)(db_stmt *st);
    void (*reset)(db_stmt *st);
    /* Runs sql, without parameters or results (several statements allowed). */
    int (*exec)(db_conn *c, const char *sql);
};

/* The table of a backend that names its implementations d_prepare, d_bind_int, … after the members. */
#define DB_OPS_D                                                                                                       \
    {                                                                                                                  \
        d_prepare, d_bind_int, d_bind_text, d_bind_blob, d_bind_null, d_step, d_column_null, d_column_int,             \
            d_column_text, d_column_blob, d_changes, d_last_id, d_reset, d_exec                                        \
    }

/* A connection lent to a unit of work; a backend's connection embeds it first. */
struct db_conn {
    const struct db_ops *ops;
    enum db_dialect dialect;
    /* The unit of work runs without a savepoint of its own, in a batch of
     * DB_WRITE_BARE writes (SQLite's writer, sqlite.c): a fn that fails
     * half written must say so (any failure then runs the batch again). */
    bool bare;
};

/* A prepared statement; a backend's statement embeds it first. */
struct db_stmt {
    db_conn *conn;
};

typedef int (*db_fn)(db_conn *c, void *arg);

/* How a write may run: see sqlite.c's writer_main. */
enum {
    /* fn leaves nothing half written when it fails and may run twice: the
     * SQLite writer may run it without a savepoint of its own. */
    DB_WRITE_BARE = 1,
};

/* What each backend implements besides the statements. */
struct store_driver {
    const char *name;        /* "sqlite", "postgresql" */
    enum db_dialect dialect; /* its connections' (db_dialect) */
    int (*read)(store *s, db_fn fn, void *arg);
    int (*write)(store *s, db_fn fn, void *arg, unsigned flags);
};

/*
 * Runs fn as a read or as one durable write transaction (see above). what
 * names the operation for the trace (REDRESS_TRACE_STORE). Returns fn's
 * result, or STORE_UNAVAILABLE when the database could not be reached or the
 * commit could not be made durable.
 */
int db_run_read(store *s, const char *what, db_fn fn, void *arg);
int db_run_write(store *s, const char *what, db_fn fn, void *arg, unsigned flags);
/* The dialect of s's connections, for a statement chosen before its unit of work. */
enum db_dialect db_store_dialect(const store *s);

static inline enum db_dialect db_dialect(const db_conn *c)
{
    return c->dialect;
}
static inline db_stmt *db_prepare(db_conn *c, const char *sql)
{
    return c->ops->prepare(c, sql);
}
static inline void db_bind_int(db_stmt *st, int i, int64_t v)
{
    st->conn->ops->bind_int(st, i, v);
}
static inline void db_bind_text(db_stmt *st, int i, const char *s)
{
    st->conn->ops->bind_text(st, i, s);
}
static inline void db_bind_blob(db_stmt *st, int i, const void *p, size_t n)
{
    st->conn->ops->bind_blob(st, i, p, n);
}
static inline void db_bind_null(db_stmt *st, int i)
{
    st->conn->ops->bind_null(st, i);
}
static inline int db_step(db_stmt *st)
{
    return st->conn->ops->step(st);
}
static inline bool db_null(db_stmt *st, int i)
{
    return st->conn->ops->column_null(st, i);
}
static inline int64_t db_int(db_stmt *st, int i)
{
    return st->conn->ops->column_int(st, i);
}
static inline const char *db_text(db_stmt *st, int i)
{
    return st->conn->ops->column_text(st, i);
}
static inline const void *db_blob(db_stmt *st, int i, size_t *n)
{
    return st->conn->ops->column_blob(st, i, n);
}
static inline int64_t db_changes(db_stmt *st)
{
    return st->conn->ops->changes(st);
}
static inline void db_reset(db_stmt *st)
{
    st->conn->ops->reset(st);
}
static inline int db_exec(db_conn *c, const char *sql)
{
    return c->ops->exec(c, sql);
}

/* ---- helpers over the interface (driver.c) ---- */

/* Steps a statement without rows to its end and resets it: 0 or a failure. */
int db_done(db_stmt *st);
/* db_done, then STORE_NOTFOUND when it changed no row. */
int db_done_changed(db_stmt *st);
/*
 * Steps a statement that returns at most one row: DB_ROW (read it, then
 * db_reset), or STORE_NOTFOUND or a failure (already reset).
 */
int db_one(db_stmt *st);
/* Column i as a heap copy (NULL for NULL); the caller frees it. */
char *db_text_dup(db_stmt *st, int i);
/*
 * A set of n values as one condition on col, appended to sql: in SQLite
 * "col IN (?, …, ?)", a placeholder a value; in PostgreSQL "col =
 * ANY(CAST(? AS BIGINT[]))" (TEXT[] when text), one array parameter, so
 * that the statement's text, and with it its prepared plan, does not
 * depend on n.
 */
void db_sql_in(buf *sql, const db_conn *c, const char *col, size_t n, bool text);
/*
 * Binds a set of integers written by db_sql_in from parameter *i on and
 * advances *i. PostgreSQL's array is written into scratch (initialised by
 * the caller), which must live until the statement is reset.
 */
void db_bind_in_ints(db_stmt *st, int *i, const int64_t *v, size_t n, buf *scratch);
/*
 * An INSERT written without RETURNING whose new id the caller needs, on a
 * hot path: db_prepare_insert adds "RETURNING id" on PostgreSQL only, and
 * db_insert reads the id from the statement there and from the connection
 * on SQLite (whose RETURNING costs a temporary table each time).
 */
db_stmt *db_prepare_insert(db_conn *c, const char *sql);
int db_insert(db_stmt *st, int64_t *id);
/*
 * For an update of the row of id that changed nothing: STORE_CONFLICT when
 * the row is there (sql: "SELECT 1 FROM t WHERE id = ?"), STORE_NOTFOUND
 * when it is not, or a failure.
 */
int db_exists_conflict(db_conn *c, const char *sql, int64_t id);

/* ---- statements in one call (driver.c) ---- */

/*
 * A parameter's value, for binding a statement's parameters in one call:
 * DB_VALS(DB_INT(n), DB_TEXT(s), …), each value made by a typed function,
 * so that the compiler checks it. Texts and blobs are borrowed as by
 * db_bind_text; a list written in place lives until the end of the
 * enclosing block, which is longer than the statement that binds it.
 */
typedef struct db_val {
    enum { DB_V_END, DB_V_INT, DB_V_TEXT, DB_V_BLOB, DB_V_NULL } type;
    int64_t i;
    const void *p;
    size_t n;
} db_val;

static inline db_val db_val_int(int64_t v)
{
    return (db_val){.type = DB_V_INT, .i = v};
}
static inline db_val db_val_text(const char *s)
{
    return (db_val){.type = DB_V_TEXT, .p = s};
}
static inline db_val db_val_blob(const void *p, size_t n)
{
    return (db_val){.type = DB_V_BLOB, .p = p, .n = n};
}
/* An optional reference: NULL when v is 0 (db_bind_id). */
static inline db_val db_val_id(int64_t v)
{
    return v ? db_val_int(v) : (db_val){.type = DB_V_NULL};
}
#define DB_INT(v) db_val_int(v)
#define DB_TEXT(s) db_val_text(s)
#define DB_BLOB(p, n) db_val_blob(p, n)
#define DB_ID(v) db_val_id(v)
#define DB_VALS(...) ((const db_val[]){__VA_ARGS__, {.type = DB_V_END}})

/*
 * A SELECT with the filters its caller set, its text and its values built
 * together (db_read_where, or a reader's own). db_where_init takes the
 * statement up to "WHERE 1 = 1"; db_where_val appends a condition (" AND
 * col = ?") with its value, and db_where_text and db_where_int do so only
 * when the value is set (text not NULL, an integer not 0); db_where_in
 * appends the set of n ids or (texts not NULL) texts of db_sql_in with its
 * values, and db_where_ids " AND " and that when n > 0; db_where_prepare
 * appends tail (" ORDER BY … LIMIT ?"), prepares the statement and binds
 * every value and limit. Texts and ids are borrowed, and w is released
 * (db_where_release) after the statement's db_reset.
 */
typedef struct db_where {
    buf sql;
    db_val *v; /* the values in the order of their placeholders, ended by DB_V_END */
    size_t n, cap;
    char **arrays; /* PostgreSQL: the array literals of the sets */
    size_t narrays;
} db_where;
void db_where_init(db_where *w, const char *select);
void db_where_val(db_where *w, const char *cond, db_val v);
void db_where_text(db_where *w, const char *cond, const char *v);
void db_where_int(db_where *w, const char *cond, int64_t v);
void db_where_in(db_where *w, const db_conn *c, const char *col, const int64_t *ids, const char *const *texts,
                 size_t n);
void db_where_ids(db_where *w, db_conn *c, const char *col, const int64_t *ids, size_t n);
db_stmt *db_where_prepare(db_where *w, db_conn *c, const char *tail, int64_t limit);
void db_where_release(db_where *w);

/* Binds the values of v (NULL: none) from parameter i on; returns the number of the next parameter. */
int db_bindv(db_stmt *st, int i, const db_val *v);
/* db_prepare with v bound, or NULL. */
db_stmt *db_prepv(db_conn *c, const char *sql, const db_val *v);
/*
 * The statement of sql with v bound, run as its helper does: db_execv as
 * db_done, db_changev as db_done_changed, db_onev as db_one (DB_ROW: *st
 * holds the row, to read and then db_reset), db_insertv as db_insert_id.
 * STORE_ERROR when the statement could not be prepared.
 */
int db_execv(db_conn *c, const char *sql, const db_val *v);
int db_changev(db_conn *c, const char *sql, const db_val *v);
int db_onev(db_conn *c, const char *sql, const db_val *v, db_stmt **st);
int db_insertv(db_conn *c, const char *sql, const db_val *v, int64_t *id);
/* The one integer of the one row sql returns into *out; no row is STORE_ERROR (a count has one). */
int db_intv(db_conn *c, const char *sql, const db_val *v, int64_t *out);

/*
 * A store operation that is one statement without rows, as its own unit of
 * work (db_run_write, no flags): db_execv, or db_changev when changed is
 * set (STORE_NOTFOUND when no row changed).
 */
int db_write_one(store *s, const char *what, bool changed, const char *sql, const db_val *v);
/* Likewise an INSERT … RETURNING id (db_insertv): *id (OUT) on success. */
int db_write_id(store *s, const char *what, const char *sql, const db_val *v, int64_t *id);
/* A read of one integer (db_intv) as its own unit of work: *out (OUT) on success. */
int db_read_int(store *s, const char *what, const char *sql, const db_val *v, int64_t *out);

/*
 * Rows read into structs by a table of columns: a row's column k (from a
 * first column on) goes to the member cols[k] names, as its type says —
 * an integer type as an integer (bool: not 0), char * as a heap copy
 * (db_text_dup), a char array as db_text_to, char as the text's first
 * character, and a member of DB_COL_FN through its function (and freed
 * by its drop function, when not NULL). DB_COL
 * chooses by the member's type at compile time, and refuses a type it does
 * not know. The table ends with an entry of kind 0 ({0}).
 */
enum db_col_kind { DB_C_END, DB_C_I64, DB_C_INT, DB_C_UINT, DB_C_BOOL, DB_C_CHAR, DB_C_DUP, DB_C_TO, DB_C_FN };
typedef struct db_col {
    enum db_col_kind kind;
    size_t off, size;
    void (*fn)(db_stmt *st, int i, void *member); /* DB_C_FN */
    void (*drop)(void *member);                   /* DB_C_FN: frees what fn made, or NULL */
} db_col;
#define DB_MEMBER(T, m) (((T *)0)->m)
#define DB_COL(T, m)                                                                                                    \
    {                                                                                                                   \
        _Generic(&DB_MEMBER(T, m), int64_t *: DB_C_I64, int *: DB_C_INT, unsigned *: DB_C_UINT, bool *: DB_C_BOOL,    \
                 char *: DB_C_CHAR, char **: DB_C_DUP, char(*)[sizeof DB_MEMBER(T, m)]: DB_C_TO),                      \
            offsetof(T, m), sizeof DB_MEMBER(T, m), NULL, NULL \
    }
/* DB_COL of each member named, in order (up to 24): DB_COLS(T, a, b, c) is DB_COL(T, a), DB_COL(T, b), DB_COL(T, c). */
#define DB_COLS(T, ...)                                                                                                \
    DB_COLS_N(__VA_ARGS__, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)      \
    (T, __VA_ARGS__)
#define DB_COLS_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, _17, _18, _19, _20, _21, _22, \
                  _23, _24, n, ...)                                                                                    \
    DB_COLS_##n
#define DB_COLS_1(T, m) DB_COL(T, m)
#define DB_COLS_2(T, m, ...) DB_COL(T, m), DB_COLS_1(T, __VA_ARGS__)
#define DB_COLS_3(T, m, ...) DB_COL(T, m), DB_COLS_2(T, __VA_ARGS__)
#define DB_COLS_4(T, m, ...) DB_COL(T, m), DB_COLS_3(T, __VA_ARGS__)
#define DB_COLS_5(T, m, ...) DB_COL(T, m), DB_COLS_4(T, __VA_ARGS__)
#define DB_COLS_6(T, m, ...) DB_COL(T, m), DB_COLS_5(T, __VA_ARGS__)
#define DB_COLS_7(T, m, ...) DB_COL(T, m), DB_COLS_6(T, __VA_ARGS__)
#define DB_COLS_8(T, m, ...) DB_COL(T, m), DB_COLS_7(T, __VA_ARGS__)
#define DB_COLS_9(T, m, ...) DB_COL(T, m), DB_COLS_8(T, __VA_ARGS__)
#define DB_COLS_10(T, m, ...) DB_COL(T, m), DB_COLS_9(T, __VA_ARGS__)
#define DB_COLS_11(T, m, ...) DB_COL(T, m), DB_COLS_10(T, __VA_ARGS__)
#define DB_COLS_12(T, m, ...) DB_COL(T, m), DB_COLS_11(T, __VA_ARGS__)
#define DB_COLS_13(T, m, ...) DB_COL(T, m), DB_COLS_12(T, __VA_ARGS__)
#define DB_COLS_14(T, m, ...) DB_COL(T, m), DB_COLS_13(T, __VA_ARGS__)
#define DB_COLS_15(T, m, ...) DB_COL(T, m), DB_COLS_14(T, __VA_ARGS__)
#define DB_COLS_16(T, m, ...) DB_COL(T, m), DB_COLS_15(T, __VA_ARGS__)
#define DB_COLS_17(T, m, ...) DB_COL(T, m), DB_COLS_16(T, __VA_ARGS__)
#define DB_COLS_18(T, m, ...) DB_COL(T, m), DB_COLS_17(T, __VA_ARGS__)
#define DB_COLS_19(T, m, ...) DB_COL(T, m), DB_COLS_18(T, __VA_ARGS__)
#define DB_COLS_20(T, m, ...) DB_COL(T, m), DB_COLS_19(T, __VA_ARGS__)
#define DB_COLS_21(T, m, ...) DB_COL(T, m), DB_COLS_20(T, __VA_ARGS__)
#define DB_COLS_22(T, m, ...) DB_COL(T, m), DB_COLS_21(T, __VA_ARGS__)
#define DB_COLS_23(T, m, ...) DB_COL(T, m), DB_COLS_22(T, __VA_ARGS__)
#define DB_COLS_24(T, m, ...) DB_COL(T, m), DB_COLS_23(T, __VA_ARGS__)
#define DB_COL_FN(T, m, f, drop)                                                                                       \
    {                                                                                                                  \
        DB_C_FN, offsetof(T, m), sizeof DB_MEMBER(T, m), f, drop                                                       \
    }

/* Reads a row of st from column i on into item by cols; returns the number of the column after them. */
int db_read_cols(db_stmt *st, int i, const db_col *cols, void *item);
/* Frees what cols read into item (the heap copies of DB_C_DUP, what a DB_COL_FN's drop frees) and sets it NULL. */
void db_free_cols(const db_col *cols, void *item);
/*
 * Steps st to its end and resets it, appending each row to the heap array
 * *items of *n elements of size bytes, read by cols (from column 0) into a
 * new, zeroed item. 0 or a failure (the rows read so far stay in *items).
 */
int db_collect_cols(db_stmt *st, void **items, size_t *n, size_t size, const db_col *cols);
/*
 * A store operation that reads the rows of one statement, as its own unit
 * of work: the rows of sql with v bound into the heap array *items of *n
 * elements of size bytes, read by cols. *items and *n are set from
 * scratch; on failure they are NULL and 0, what was read freed.
 */
int db_read_list(store *s, const char *what, const char *sql, const db_val *v, const db_col *cols, size_t size,
                 void **items, size_t *n);
/*
 * Likewise the rows of a filtered list (db_where): select begins the
 * statement (db_where_init), where(w, c, filter) adds the filters, and tail
 * and limit end it (db_where_prepare).
 */
int db_read_where(store *s, const char *what, const char *select,
                  void (*where)(db_where *w, db_conn *c, const void *filter), const void *filter, const char *tail,
                  int64_t limit, const db_col *cols, size_t size, void **items, size_t *n);
/* Likewise the one row of sql into item (STORE_NOTFOUND when none); item is written only on success. */
int db_read_row(store *s, const char *what, const char *sql, const db_val *v, const db_col *cols, void *item);

#endif
