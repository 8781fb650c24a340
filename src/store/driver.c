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

void db_bind_id(db_stmt *st, int i, int64_t v)
{
    if (v)
        db_bind_int(st, i, v);
    else
        db_bind_null(st, i);
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

int db_insert_id(db_stmt *st, int64_t *id)
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
        return db_insert_id(st, id);
    int rc = db_done(st);
    if (rc == 0)
        *id = st->conn->ops->last_id(st);
    return rc;
}

int db_collect(db_stmt *st, void **items, size_t *n, size_t size, void (*read)(db_stmt *st, void *item))
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
        read(st, item);
        ++*n;
    }
    db_reset(st);
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

void db_bind_in_texts(db_stmt *st, int *i, const char *const *v, size_t n, buf *scratch)
{
    if (db_dialect(st->conn) == DB_PG) {
        buf_clear(scratch);
        pgutil_text_array(scratch, v, n);
        db_bind_text(st, (*i)++, scratch->data);
        return;
    }
    for (size_t k = 0; k < n; k++)
        db_bind_text(st, (*i)++, v[k]);
}

void db_text_to(db_stmt *st, int i, char *dst, size_t size)
{
    const char *t = db_text(st, i);
    snprintf(dst, size, "%s", t ? t : "");
}

void db_where_init(db_where *w, const char *select)
{
    memset(w, 0, sizeof *w);
    buf_init(&w->sql);
    buf_init(&w->array);
    buf_puts(&w->sql, select);
}

/* The next parameter slot of w. */
static struct db_where_value *slot(db_where *w)
{
    assert(w->n < (int)(sizeof w->p / sizeof w->p[0]));
    return &w->p[w->n++];
}

void db_where_text(db_where *w, const char *cond, const char *v)
{
    if (!v)
        return;
    buf_puts(&w->sql, cond);
    slot(w)->text = v;
}

void db_where_int(db_where *w, const char *cond, int64_t v)
{
    if (!v)
        return;
    buf_puts(&w->sql, cond);
    slot(w)->v = v;
}

void db_where_ids(db_where *w, db_conn *c, const char *col, const int64_t *ids, size_t n)
{
    if (!n)
        return;
    for (int k = 0; k < w->n; k++)
        assert(!w->p[k].ids); /* one set: its PostgreSQL array lives in w->array */
    buf_puts(&w->sql, " AND ");
    db_sql_in(&w->sql, c, col, n, false);
    struct db_where_value *p = slot(w);
    p->ids = ids;
    p->nids = n;
}

db_stmt *db_where_prepare(db_where *w, db_conn *c, const char *tail, int64_t limit)
{
    buf_puts(&w->sql, tail);
    db_stmt *st = db_prepare(c, w->sql.data);
    if (!st)
        return NULL;
    int i = 1;
    for (int k = 0; k < w->n; k++) {
        if (w->p[k].text)
            db_bind_text(st, i++, w->p[k].text);
        else if (w->p[k].ids)
            db_bind_in_ints(st, &i, w->p[k].ids, w->p[k].nids, &w->array);
        else
            db_bind_int(st, i++, w->p[k].v);
    }
    db_bind_int(st, i, limit);
    return st;
}

void db_where_release(db_where *w)
{
    buf_release(&w->sql);
    buf_release(&w->array);
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
