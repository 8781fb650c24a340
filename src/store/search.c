/*
 * search: the search index's rows (migration 014) — the keyed terms a
 * creation or a step adds, written in its transaction; an erasure's
 * removal; the conditions and the ranking a list with a query adds to its
 * statement (complaints.c); the counts BM25 weighs terms by. Written once
 * for both backends over the driver (driver.h).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/search.h"
#include "store/driver.h"
#include "store/pgutil.h"
#include "store/rows.h"
#include "store/store.h"
#include "util/buf.h"

/* Rows of one SQLite INSERT (3 values each; well under its 32,766 parameters). */
enum { CHUNK = 64 };

#define UPSERT_TAIL " ON CONFLICT (term, complaint_id) DO UPDATE SET tf = search_terms.tf + excluded.tf"

/* SQLite: the terms v[0..n) of complaint id, one multi-row INSERT. */
static int insert_chunk(db_conn *c, int64_t id, const search_term_tf *v, size_t n)
{
    buf sql;
    buf_init(&sql);
    buf_puts(&sql, "INSERT INTO search_terms (term, complaint_id, tf) VALUES ");
    for (size_t i = 0; i < n; i++)
        buf_puts(&sql, i ? ", (?, ?, ?)" : "(?, ?, ?)");
    buf_puts(&sql, UPSERT_TAIL);
    db_stmt *st = db_prepare(c, sql.data);
    buf_release(&sql);
    if (!st)
        return STORE_ERROR;
    int p = 1;
    for (size_t i = 0; i < n; i++) {
        db_bind_int(st, p++, v[i].term);
        db_bind_int(st, p++, id);
        db_bind_int(st, p++, v[i].tf);
    }
    return db_done(st);
}

/* PostgreSQL: every term in one statement (one round trip), as two arrays. */
static int insert_arrays(db_conn *c, int64_t id, const search_terms *t)
{
    int64_t *terms = malloc((t->n ? t->n : 1) * sizeof *terms), *tfs = malloc((t->n ? t->n : 1) * sizeof *tfs);
    if (!terms || !tfs) {
        free(terms);
        free(tfs);
        return STORE_ERROR;
    }
    for (size_t i = 0; i < t->n; i++) {
        terms[i] = t->v[i].term;
        tfs[i] = t->v[i].tf;
    }
    buf a, b;
    buf_init(&a);
    buf_init(&b);
    pgutil_int_array(&a, terms, t->n);
    pgutil_int_array(&b, tfs, t->n);
    int rc = db_execv(c,
                      "INSERT INTO search_terms (term, complaint_id, tf) SELECT x.term, CAST(? AS BIGINT), x.tf "
                      "FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[])) AS x (term, tf)" UPSERT_TAIL,
                      DB_VALS(DB_INT(id), DB_TEXT(a.data), DB_TEXT(b.data)));
    buf_release(&a);
    buf_release(&b);
    free(terms);
    free(tfs);
    return rc;
}

int rows_search_add(db_conn *c, int64_t complaint_id, const search_terms *t)
{
    if (!t || !t->n)
        return 0;
    int rc = 0;
    if (db_dialect(c) == DB_PG)
        rc = insert_arrays(c, complaint_id, t);
    for (size_t i = 0; db_dialect(c) == DB_SQLITE && rc == 0 && i < t->n; i += CHUNK)
        rc = insert_chunk(c, complaint_id, t->v + i, t->n - i < CHUNK ? t->n - i : CHUNK);
    if (rc == 0)
        rc = db_execv(c,
                      "INSERT INTO search_docs (complaint_id, len) VALUES (?, ?) ON CONFLICT (complaint_id) "
                      "DO UPDATE SET len = search_docs.len + excluded.len",
                      DB_VALS(DB_INT(complaint_id), DB_INT(t->len)));
    return rc;
}

int rows_search_erase(db_conn *c, int64_t complaint_id)
{
    int rc = db_execv(c, "DELETE FROM search_terms WHERE complaint_id = ?", DB_VALS(DB_INT(complaint_id)));
    if (rc == 0)
        rc = db_execv(c, "DELETE FROM search_docs WHERE complaint_id = ?", DB_VALS(DB_INT(complaint_id)));
    return rc;
}

void rows_search_from(db_where *w, db_conn *c, const complaint_filter *f, enum search_rows rows)
{
    assert(f->n_terms > 0 && f->driver < f->n_terms);
    /* SQLite looks a row up by its rowid unless told: a count reads the
     * covering index (migration 014) instead of the wide rows. */
    buf_puts(&w->sql, rows == SEARCH_NO_ROWS ? " FROM search_terms t0 WHERE 1 = 1"
                      : rows == SEARCH_ROWS || db_dialect(c) == DB_PG
                          ? " FROM search_terms t0 CROSS JOIN complaints WHERE complaints.id = t0.complaint_id"
                          : " FROM search_terms t0 CROSS JOIN complaints INDEXED BY complaints_scope "
                            "WHERE complaints.id = t0.complaint_id");
    db_where_val(w, " AND t0.term = ?", DB_INT(f->terms[f->driver]));
    for (size_t i = 0; i < f->n_terms; i++)
        if (i != f->driver)
            db_where_val(w,
                         " AND EXISTS (SELECT 1 FROM search_terms t WHERE t.term = ? "
                         "AND t.complaint_id = t0.complaint_id)",
                         DB_INT(f->terms[i]));
}

/*
 * BM25 (k1 = 1.2, b = 0.75): a term's weight w = idf × (k1 + 1), scaled to
 * an integer, and a complaint's score Σ w × tf / (tf + k1 (1 − b) + k1 b ×
 * len / avglen) over the query's terms it holds.
 */
void rows_search_score(db_where *w, db_conn *c, const complaint_filter *f)
{
    buf_puts(&w->sql, ", (SELECT SUM(CASE t.term");
    for (size_t i = 0; i < f->n_terms; i++) {
        buf_puts(&w->sql, " WHEN ? THEN CAST(? AS BIGINT)");
        db_where_val(w, "", DB_INT(f->terms[i]));
        db_where_val(w, "", DB_INT(f->weights[i]));
    }
    buf_puts(&w->sql, " ELSE 0 END * t.tf / (t.tf + 0.3 + 0.9 * d.len / CAST(? AS BIGINT))) "
                      "FROM search_terms t, search_docs d WHERE d.complaint_id = t0.complaint_id "
                      "AND t.complaint_id = t0.complaint_id AND ");
    db_where_val(w, "", DB_INT(f->avglen > 0 ? f->avglen : 1));
    db_where_in(w, c, "t.term", f->terms, NULL, f->n_terms);
    buf_puts(&w->sql, ") AS score");
}

struct weigh_arg {
    complaint_filter *f;
};

static int read_weights(db_conn *c, void *arg)
{
    complaint_filter *f = ((struct weigh_arg *)arg)->f;
    int64_t docs = 0, avg = 0;
    int rc = db_intv(c, "SELECT COALESCE(MAX(complaint_id), 0) FROM search_docs", NULL, &docs);
    /* The average length of the newest thousand: a sample, not a scan. */
    if (rc == 0)
        rc = db_intv(c,
                     "SELECT COALESCE(CAST(AVG(len) AS BIGINT), 1) FROM (SELECT len FROM search_docs "
                     "WHERE complaint_id > ? ORDER BY complaint_id DESC LIMIT 1000) x",
                     DB_VALS(DB_INT(0)), &avg);
    int64_t least = -1;
    for (size_t i = 0; rc == 0 && i < f->n_terms; i++) {
        int64_t df = 0;
        rc = db_intv(c, "SELECT COUNT(*) FROM search_terms WHERE term = ?", DB_VALS(DB_INT(f->terms[i])), &df);
        if (least < 0 || df < least) {
            least = df;
            f->driver = i; /* the rarest term leads */
        }
        double n = (double)(docs > df ? docs : df);
        double idf = log((n - (double)df + 0.5) / ((double)df + 0.5) + 1.0);
        f->weights[i] = (int64_t)llround(idf * 2.2 * 1000.0);
    }
    f->avglen = avg > 0 ? avg : 1;
    return rc;
}

int store_search_weigh(store *s, complaint_filter *f)
{
    struct weigh_arg a = {f};
    return db_run_read(s, "search_weigh", read_weights, &a);
}
