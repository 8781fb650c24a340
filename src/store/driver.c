/*
 * driver: the units of work of driver.h with their trace, and the helpers
 * that the aggregates' code shares over the statement interface.
 *
 * The trace (REDRESS_TRACE_STORE=1 in the environment when the store is
 * opened) logs every store call with the operation's name, its result and
 * how long it took, in the manner of a tracing backend: off, it costs one
 * predictable branch a call.
 */
#include "store/driver.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/pgutil.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static int traced(store *s, const char *kind, const char *what, db_fn fn, void *arg, unsigned flags)
{
    double t0 = time_mono_ms();
    int rc = kind[0] == 'r' ? s->drv->read(s, fn, arg) : s->drv->write(s, fn, arg, flags);
    log_info("store %s %s: %d in %.3f ms", kind, what, rc, time_mono_ms() - t0);
    return rc;
}

int db_run_read(store *s, const char *what, db_fn fn, void *arg)
{
    if (s->trace)
        return traced(s, "read", what, fn, arg, 0);
    return s->drv->read(s, fn, arg);
}

int db_run_write(store *s, const char *what, db_fn fn, void *arg, unsigned flags)
{
    int rc = s->trace ? traced(s, "write", what, fn, arg, flags) : s->drv->write(s, fn, arg, flags);
    /* A refusal (not found, a conflict, a user error) is an answer of a
     * working database; only a failure of the store says writes fail. */
    if (rc == 0)
        atomic_store(&s->write_ok_at, time_now());
    else if (rc == STORE_ERROR || rc == STORE_UNAVAILABLE)
        atomic_store(&s->write_failed_at, time_now());
    return rc;
}

enum db_dialect db_store_dialect(const store *s)
{
    return s->drv->dialect;
}

static int probe(db_conn *c, void *arg)
{
    db_stmt *st = db_prepare(c, "INSERT INTO health_probe (id, at) VALUES (1, ?) "
                                "ON CONFLICT (id) DO UPDATE SET at = excluded.at");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, *(int64_t *)arg);
    return db_done(st);
}

int store_write_check(store *s, int64_t now, int64_t fresh)
{
    int64_t ok = atomic_load(&s->write_ok_at), failed = atomic_load(&s->write_failed_at);
    if (ok > failed && now - ok < fresh)
        return 0;
    return db_run_write(s, "write_probe", probe, &now, 0);
}

void store_trace_init(store *s)
{
    const char *v = getenv("REDRESS_TRACE_STORE");
    s->trace = v && *v && strcmp(v, "0") != 0;
}

int db_done(db_stmt *st)
{
    int rc = db_step(st);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int db_done_changed(db_stmt *st)
{
    int rc = db_step(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = STORE_NOTFOUND;
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int db_one(db_stmt *st)
{
    int rc = db_step(st);
    if (rc == DB_ROW)
        return rc;
    db_reset(st);
    return rc == 0 ? STORE_NOTFOUND : rc;
}

char *db_text_dup(db_stmt *st, int i)
{
    const char *t = db_text(st, i);
    return t ? xstrdup(t) : NULL;
}

/* An INSERT … RETURNING id: *id (OUT) on success; the statement is reset. */
static int insert_id(db_stmt *st, int64_t *id)
{
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_int(st, 0);
        rc = 0;
    } else if (rc == 0) {
        rc = STORE_ERROR; /* RETURNING gave no row */
        log_error("store: an insert returned no id");
    }
    db_reset(st);
    return rc;
}

db_stmt *db_prepare_insert(db_conn *c, const char *sql)
{
    if (db_dialect(c) != DB_PG)
        return db_prepare(c, sql);
    buf b;
    buf_init(&b);
    buf_puts(&b, sql);
    buf_puts(&b, " RETURNING id");
    db_stmt *st = db_prepare(c, b.data);
    buf_release(&b);
    return st;
}

int db_insert(db_stmt *st, int64_t *id)
{
    if (db_dialect(st->conn) == DB_PG)
        return insert_id(st, id);
    int rc = db_done(st);
    if (rc == 0)
        *id = st->conn->ops->last_id(st);
    return rc;
}

void db_sql_in(buf *sql, const db_conn *c, const char *col, size_t n, bool text)
{
    if (db_dialect(c) == DB_PG) {
        buf_printf(sql, "%s = ANY(CAST(? AS %s[]))", col, text ? "TEXT" : "BIGINT");
        return;
    }
    buf_printf(sql, "%s IN (", col);
    for (size_t k = 0; k < n; k++)
        buf_puts(sql, k ? ", ?" : "?");
    buf_putc(sql, ')');
}

void db_bind_in_ints(db_stmt *st, int *i, const int64_t *v, size_t n, buf *scratch)
{
    if (db_dialect(st->conn) == DB_PG) {
        buf_clear(scratch);
        pgutil_int_array(scratch, v, n);
        db_bind_text(st, (*i)++, scratch->data);
        return;
    }
    for (size_t k = 0; k < n; k++)
        db_bind_int(st, (*i)++, v[k]);
}

/* Column i into the array dst of size bytes, cut to fit ("" for NULL). */
static void text_to(db_stmt *st, int i, char *dst, size_t size)
{
    /* No printf: a list of complaints copies a dozen columns a row. */
    const char *t = db_text(st, i);
    size_t n = t ? strlen(t) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, t, n);
    dst[n] = '\0';
}

void db_where_init(db_where *w, const char *select)
{
    memset(w, 0, sizeof *w);
    buf_init(&w->sql);
    buf_puts(&w->sql, select);
}

void db_where_val(db_where *w, const char *cond, db_val v)
{
    buf_puts(&w->sql, cond);
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 16;
        w->v = xrealloc(w->v, (w->cap + 1) * sizeof *w->v);
    }
    w->v[w->n++] = v;
    w->v[w->n] = (db_val){.type = DB_V_END};
}

void db_where_text(db_where *w, const char *cond, const char *v)
{
    if (v)
        db_where_val(w, cond, DB_TEXT(v));
}

void db_where_int(db_where *w, const char *cond, int64_t v)
{
    if (v)
        db_where_val(w, cond, DB_INT(v));
}

void db_where_in(db_where *w, const db_conn *c, const char *col, const int64_t *ids, const char *const *texts, size_t n)
{
    db_sql_in(&w->sql, c, col, n, texts != NULL);
    if (db_dialect(c) == DB_PG) {
        buf b;
        buf_init(&b);
        if (texts)
            pgutil_text_array(&b, texts, n);
        else
            pgutil_int_array(&b, ids, n);
        w->arrays = xrealloc(w->arrays, (w->narrays + 1) * sizeof *w->arrays);
        w->arrays[w->narrays] = buf_detach(&b, NULL);
        db_where_val(w, "", DB_TEXT(w->arrays[w->narrays++]));
        return;
    }
    for (size_t k = 0; k < n; k++)
        db_where_val(w, "", texts ? DB_TEXT(texts[k]) : DB_INT(ids[k]));
}

void db_where_ids(db_where *w, db_conn *c, const char *col, const int64_t *ids, size_t n)
{
    if (!n)
        return;
    buf_puts(&w->sql, " AND ");
    db_where_in(w, c, col, ids, NULL, n);
}

db_stmt *db_where_prepare(db_where *w, db_conn *c, const char *tail, int64_t limit)
{
    buf_puts(&w->sql, tail);
    db_stmt *st = db_prepare(c, w->sql.data);
    if (!st)
        return NULL;
    db_bind_int(st, db_bindv(st, 1, w->v), limit);
    return st;
}

void db_where_release(db_where *w)
{
    buf_release(&w->sql);
    for (size_t k = 0; k < w->narrays; k++)
        free(w->arrays[k]);
    free(w->arrays);
    free(w->v);
}

int db_exists_conflict(db_conn *c, const char *sql, int64_t id)
{
    db_stmt *st = db_prepare(c, sql);
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, id);
    int rc = db_one(st);
    if (rc != DB_ROW)
        return rc;
    db_reset(st);
    return STORE_CONFLICT;
}

int db_bindv(db_stmt *st, int i, const db_val *v)
{
    for (; v && v->type != DB_V_END; v++, i++) {
        switch (v->type) {
        case DB_V_INT:
            db_bind_int(st, i, v->i);
            break;
        case DB_V_TEXT:
            db_bind_text(st, i, v->p);
            break;
        case DB_V_BLOB:
            db_bind_blob(st, i, v->p, v->n);
            break;
        default:
            db_bind_null(st, i);
        }
    }
    return i;
}

db_stmt *db_prepv(db_conn *c, const char *sql, const db_val *v)
{
    db_stmt *st = db_prepare(c, sql);
    if (st)
        db_bindv(st, 1, v);
    return st;
}

int db_execv(db_conn *c, const char *sql, const db_val *v)
{
    db_stmt *st = db_prepv(c, sql, v);
    return st ? db_done(st) : STORE_ERROR;
}

int db_changev(db_conn *c, const char *sql, const db_val *v)
{
    db_stmt *st = db_prepv(c, sql, v);
    return st ? db_done_changed(st) : STORE_ERROR;
}

int db_onev(db_conn *c, const char *sql, const db_val *v, db_stmt **st)
{
    *st = db_prepv(c, sql, v);
    return *st ? db_one(*st) : STORE_ERROR;
}

int db_insertv(db_conn *c, const char *sql, const db_val *v, int64_t *id)
{
    db_stmt *st = db_prepv(c, sql, v);
    return st ? insert_id(st, id) : STORE_ERROR;
}

int db_intv(db_conn *c, const char *sql, const db_val *v, int64_t *out)
{
    db_stmt *st;
    int rc = db_onev(c, sql, v, &st);
    if (rc != DB_ROW)
        return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
    *out = db_int(st, 0);
    db_reset(st);
    return 0;
}

struct one_stmt {
    const char *sql;
    const db_val *v;
    bool changed;
    const db_col *cols;
    size_t size;
    void *item, **items;
    size_t *n;
    int64_t *id;
    /* db_read_where */
    void (*where)(db_where *w, db_conn *c, const void *filter);
    const void *filter;
    const char *tail;
    int64_t limit;
};

static int write_one(db_conn *c, void *arg)
{
    struct one_stmt *a = arg;
    if (a->id)
        return db_insertv(c, a->sql, a->v, a->id);
    return a->changed ? db_changev(c, a->sql, a->v) : db_execv(c, a->sql, a->v);
}

int db_write_one(store *s, const char *what, bool changed, const char *sql, const db_val *v)
{
    struct one_stmt a = {.sql = sql, .v = v, .changed = changed};
    return db_run_write(s, what, write_one, &a, 0);
}

int db_write_id(store *s, const char *what, const char *sql, const db_val *v, int64_t *id)
{
    struct one_stmt a = {.sql = sql, .v = v, .id = id};
    return db_run_write(s, what, write_one, &a, 0);
}

static int read_int(db_conn *c, void *arg)
{
    struct one_stmt *a = arg;
    return db_intv(c, a->sql, a->v, a->id);
}

int db_read_int(store *s, const char *what, const char *sql, const db_val *v, int64_t *out)
{
    int64_t n = 0;
    struct one_stmt a = {.sql = sql, .v = v, .id = &n};
    int rc = db_run_read(s, what, read_int, &a);
    if (rc == 0)
        *out = n;
    return rc;
}

int db_read_cols(db_stmt *st, int i, const db_col *cols, void *item)
{
    for (const db_col *k = cols; k->kind != DB_C_END; k++, i++) {
        void *m = (char *)item + k->off;
        switch (k->kind) {
        case DB_C_I64:
            *(int64_t *)m = db_int(st, i);
            break;
        case DB_C_INT:
            *(int *)m = (int)db_int(st, i);
            break;
        case DB_C_UINT:
            *(unsigned *)m = (unsigned)db_int(st, i);
            break;
        case DB_C_BOOL:
            *(bool *)m = db_int(st, i) != 0;
            break;
        case DB_C_CHAR: {
            const char *t = db_text(st, i);
            *(char *)m = t ? t[0] : 0;
            break;
        }
        case DB_C_DUP:
            *(char **)m = db_text_dup(st, i);
            break;
        case DB_C_TO:
            text_to(st, i, m, k->size);
            break;
        default:
            k->fn(st, i, m);
        }
    }
    return i;
}

void db_free_cols(const db_col *cols, void *item)
{
    for (const db_col *k = cols; k->kind != DB_C_END; k++) {
        void *m = (char *)item + k->off;
        if (k->kind == DB_C_DUP) {
            free(*(char **)m);
            *(char **)m = NULL;
        } else if (k->drop) {
            k->drop(m);
            memset(m, 0, k->size);
        }
    }
}

int db_collect_cols(db_stmt *st, void **items, size_t *n, size_t size, const db_col *cols)
{
    size_t cap = *n;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *items = xrealloc(*items, cap * size);
        }
        void *item = (char *)*items + *n * size;
        memset(item, 0, size);
        db_read_cols(st, 0, cols, item);
        ++*n;
    }
    db_reset(st);
    return rc;
}

/* Frees the rows of a list that db_read_list read. */
static void free_rows(struct one_stmt *a)
{
    for (size_t k = 0; k < *a->n; k++)
        db_free_cols(a->cols, (char *)*a->items + k * a->size);
    free(*a->items);
    *a->items = NULL;
    *a->n = 0;
}

static int read_list(db_conn *c, void *arg)
{
    struct one_stmt *a = arg;
    free_rows(a);
    if (!a->where) {
        db_stmt *st = db_prepv(c, a->sql, a->v);
        return st ? db_collect_cols(st, a->items, a->n, a->size, a->cols) : STORE_ERROR;
    }
    db_where w;
    db_where_init(&w, a->sql);
    a->where(&w, c, a->filter);
    db_stmt *st = db_where_prepare(&w, c, a->tail, a->limit);
    int rc = st ? db_collect_cols(st, a->items, a->n, a->size, a->cols) : STORE_ERROR;
    db_where_release(&w);
    return rc;
}

/* db_read_list and db_read_where: a's list read from scratch, or empty when the read fails. */
static int run_list(store *s, const char *what, struct one_stmt *a)
{
    *a->items = NULL;
    *a->n = 0;
    int rc = db_run_read(s, what, read_list, a);
    if (rc)
        free_rows(a);
    return rc;
}

int db_read_list(store *s, const char *what, const char *sql, const db_val *v, const db_col *cols, size_t size,
                 void **items, size_t *n)
{
    struct one_stmt a = {.sql = sql, .v = v, .cols = cols, .size = size, .items = items, .n = n};
    return run_list(s, what, &a);
}

int db_read_where(store *s, const char *what, const char *select,
                  void (*where)(db_where *w, db_conn *c, const void *filter), const void *filter, const char *tail,
                  int64_t limit, const db_col *cols, size_t size, void **items, size_t *n)
{
    struct one_stmt a = {.sql = select,
                         .where = where,
                         .filter = filter,
                         .tail = tail,
                         .limit = limit,
                         .cols = cols,
                         .size = size,
                         .items = items,
                         .n = n};
    return run_list(s, what, &a);
}

static int read_row(db_conn *c, void *arg)
{
    struct one_stmt *a = arg;
    db_stmt *st;
    int rc = db_onev(c, a->sql, a->v, &st);
    if (rc != DB_ROW)
        return rc;
    db_read_cols(st, 0, a->cols, a->item);
    db_reset(st);
    return 0;
}

int db_read_row(store *s, const char *what, const char *sql, const db_val *v, const db_col *cols, void *item)
{
    struct one_stmt a = {.sql = sql, .v = v, .cols = cols, .item = item};
    return db_run_read(s, what, read_row, &a);
}
