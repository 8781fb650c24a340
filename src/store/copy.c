/*
 * copy: the schema as the bulk copy (redress copy) sees it — the applied
 * migration, the tables and their columns — and the loading and counting
 * of a table's rows, written once for both backends over the driver
 * (driver.h). The catalogs differ (SQLite's pragma_table_list and
 * pragma_table_info, PostgreSQL's information_schema), and so does what
 * follows a load on PostgreSQL, where new ids come from a sequence that
 * must move past the copied ones; everything else is shared. Table and
 * column names come from the catalog and are quoted as identifiers.
 */
#include <stdlib.h>
#include <string.h>

#include "store/backend.h"
#include "store/driver.h"
#include "store/pgutil.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/xalloc.h"

int store_schema_version(store *s, int *version)
{
    int64_t v = 0;
    int rc = db_read_int(s, "schema_version", "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL, &v);
    if (rc == 0)
        *version = (int)v;
    return rc;
}

int store_schema_applied_at(store *s, int version, int64_t *at)
{
    return db_read_int(s, "schema_applied_at", "SELECT COALESCE(MAX(applied_at), 0) FROM schema_version WHERE version = ?",
                       DB_VALS(DB_INT(version)), at);
}

struct tables_arg {
    store_table *t;
    size_t n;
};

/* Every table but schema_version, with its columns in declared order. */
static int read_tables(db_conn *c, void *arg)
{
    struct tables_arg *a = arg;
    store_tables_release(a->t, a->n);
    a->t = NULL;
    a->n = 0;
    db_stmt *st = db_prepare(c, db_dialect(c) == DB_PG
                                    ? "SELECT c.table_name, c.column_name FROM information_schema.columns c "
                                      "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
                                      "AND t.table_name = c.table_name "
                                      "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
                                      "AND c.table_name <> 'schema_version' ORDER BY c.table_name, c.ordinal_position"
                                    /* Ordinary tables only: not FTS5 and its shadow tables, which are derived. */
                                    : "SELECT t.name, p.name FROM pragma_table_list t, pragma_table_info(t.name) p "
                                      "WHERE t.schema = 'main' AND t.type = 'table' AND t.name NOT LIKE 'sqlite_%' "
                                      "AND t.name <> 'schema_version' ORDER BY t.name, p.cid");
    if (!st)
        return STORE_ERROR;
    size_t cap = 0, ccap = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *name = db_text(st, 0);
        if (!a->n || strcmp(a->t[a->n - 1].name, name) != 0) {
            if (a->n == cap) {
                cap = cap ? cap * 2 : 16;
                a->t = xrealloc(a->t, cap * sizeof *a->t);
            }
            a->t[a->n++] = (store_table){xstrdup(name), NULL, 0};
            ccap = 0;
        }
        store_table *cur = &a->t[a->n - 1];
        if (cur->ncols == ccap) {
            ccap = ccap ? ccap * 2 : 16;
            cur->cols = xrealloc(cur->cols, ccap * sizeof *cur->cols);
        }
        cur->cols[cur->ncols++] = db_text_dup(st, 1);
    }
    db_reset(st);
    return rc;
}

int store_tables(store *s, store_table **out, size_t *n)
{
    struct tables_arg a = {0};
    int rc = db_run_read(s, "tables", read_tables, &a);
    if (rc) {
        store_tables_release(a.t, a.n);
        a.t = NULL;
        a.n = 0;
    }
    *out = a.t;
    *n = a.n;
    return rc;
}

/* The column list of t, quoted: "a", "b", … */
static void column_list(buf *sql, const store_table *t)
{
    for (size_t k = 0; k < t->ncols; k++) {
        if (k)
            buf_puts(sql, ", ");
        pgutil_ident(sql, t->cols[k]);
    }
}

void store_select_all(buf *sql, const store_table *t)
{
    buf_puts(sql, "SELECT ");
    column_list(sql, t);
    buf_puts(sql, " FROM ");
    pgutil_ident(sql, t->name);
    buf_puts(sql, " ORDER BY 1");
}

int store_rows_count(store *s, const char *table, int64_t *n)
{
    buf sql;
    buf_init(&sql);
    buf_puts(&sql, "SELECT COUNT(*) FROM ");
    pgutil_ident(&sql, table);
    int rc = db_read_int(s, "rows_count", sql.data, NULL, n);
    buf_release(&sql);
    return rc;
}

struct load_arg {
    const store_table *t;
    const store_value *rows;
    size_t nrows;
};

/* Inserts rows [done, done + n) in one statement of n rows. */
static int insert_rows(db_conn *c, const struct load_arg *a, size_t done, size_t n)
{
    size_t ncols = a->t->ncols;
    buf sql;
    buf_init(&sql);
    buf_puts(&sql, "INSERT INTO ");
    pgutil_ident(&sql, a->t->name);
    buf_puts(&sql, " (");
    column_list(&sql, a->t);
    buf_puts(&sql, ") VALUES ");
    for (size_t i = 0; i < n; i++) {
        buf_puts(&sql, i ? ", (" : "(");
        for (size_t k = 0; k < ncols; k++)
            buf_puts(&sql, k ? ", ?" : "?");
        buf_putc(&sql, ')');
    }
    db_stmt *st = db_prepare(c, sql.data);
    buf_release(&sql);
    if (!st)
        return STORE_ERROR;
    int p = 1;
    for (size_t i = 0; i < n * ncols; i++, p++) {
        const store_value *v = &a->rows[done * ncols + i];
        if (v->type == SV_INT)
            db_bind_int(st, p, v->i);
        else if (v->type == SV_TEXT)
            db_bind_text(st, p, v->p);
        else if (v->type == SV_BLOB)
            db_bind_blob(st, p, v->p, v->len);
        else
            db_bind_null(st, p);
    }
    return db_done(st);
}

/* PostgreSQL: new rows continue after the copied keys — an identity column
 * is named id, or seq (search_recent); a table without a sequence gives
 * NULL, a no-op. */
static int move_sequence(db_conn *c, const store_table *t)
{
    const char *key = NULL;
    for (int pass = 0; pass < 2 && !key; pass++) /* id first: events have an id and a seq of their own */
        for (size_t k = 0; k < t->ncols && !key; k++)
            if (strcmp(t->cols[k], pass ? "seq" : "id") == 0)
                key = t->cols[k];
    if (!key)
        return 0;
    buf name, sql;
    buf_init(&name);
    buf_init(&sql);
    pgutil_ident(&name, t->name);
    buf_printf(&sql, "SELECT setval(pg_get_serial_sequence(?, '%s'), MAX(%s)) FROM %s HAVING MAX(%s) IS NOT NULL",
               key, key, name.data, key);
    int rc = db_execv(c, sql.data, DB_VALS(DB_TEXT(name.data)));
    buf_release(&sql);
    buf_release(&name);
    return rc;
}

static int load_rows(db_conn *c, void *arg)
{
    struct load_arg *a = arg;
    /* Well under both limits on parameters: SQLite's 32766, PostgreSQL's 65535. */
    size_t per = 30000 / (a->t->ncols ? a->t->ncols : 1);
    for (size_t done = 0; done < a->nrows;) {
        size_t n = a->nrows - done < per ? a->nrows - done : per;
        int rc = insert_rows(c, a, done, n);
        if (rc)
            return rc;
        done += n;
    }
    return db_dialect(c) == DB_PG ? move_sequence(c, a->t) : 0;
}

int store_rows_load(store *s, const store_table *t, const store_value *rows, size_t nrows)
{
    struct load_arg a = {t, rows, nrows};
    return nrows ? db_run_write(s, "rows_load", load_rows, &a, 0) : 0;
}
