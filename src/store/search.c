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
#include <string.h>

#include "core/search.h"
#include "store/driver.h"
#include "store/pgutil.h"
#include "store/rows.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* One posting of the merged level: a term, a complaint holding it, its count there. */
typedef struct posting {
    int64_t term, complaint_id, tf;
} posting;

#define UPSERT_TAIL " ON CONFLICT (term, complaint_id) DO UPDATE SET tf = search_terms.tf + excluded.tf"

/*
 * SQLite: the postings v[0..n), one prepared single-row INSERT stepped for
 * each. (A multi-row VALUES list with an upsert took eight times as long
 * for the same rows: measured on a merge of 500 complaints, 9.5 s against
 * 1.2 s.)
 */
static int insert_rows(db_conn *c, const posting *v, size_t n)
{
    db_stmt *st = db_prepare(c, "INSERT INTO search_terms (term, complaint_id, tf) VALUES (?, ?, ?)" UPSERT_TAIL);
    int rc = st ? 0 : STORE_ERROR;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        db_bind_int(st, 1, v[i].term);
        db_bind_int(st, 2, v[i].complaint_id);
        db_bind_int(st, 3, v[i].tf);
        rc = db_done(st);
    }
    return rc;
}

/* PostgreSQL: every posting in one statement (one round trip), as three arrays. */
static int insert_arrays(db_conn *c, const posting *v, size_t n)
{
    int64_t *col = xmalloc((n ? n : 1) * sizeof *col);
    buf a[3];
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < n; i++)
            col[i] = k == 0 ? v[i].term : k == 1 ? v[i].complaint_id : v[i].tf;
        buf_init(&a[k]);
        pgutil_int_array(&a[k], col, n);
    }
    free(col);
    int rc = db_execv(c,
                      "INSERT INTO search_terms (term, complaint_id, tf) SELECT x.term, x.complaint_id, x.tf "
                      "FROM unnest(CAST(? AS BIGINT[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[])) "
                      "AS x (term, complaint_id, tf)" UPSERT_TAIL,
                      DB_VALS(DB_TEXT(a[0].data), DB_TEXT(a[1].data), DB_TEXT(a[2].data)));
    for (int k = 0; k < 3; k++)
        buf_release(&a[k]);
    return rc;
}

/* The postings v[0..n), sorted by (term, complaint_id), into the merged level. */
static int insert_postings(db_conn *c, const posting *v, size_t n)
{
    if (db_dialect(c) == DB_PG)
        return n ? insert_arrays(c, v, n) : 0;
    return insert_rows(c, v, n);
}

int rows_search_add(db_conn *c, int64_t complaint_id, const search_terms *t)
{
    if (!t || !t->n)
        return 0;
    size_t n;
    unsigned char *packed = search_terms_pack(t, &n);
    int rc = db_execv(c, "INSERT INTO search_recent (complaint_id, terms) VALUES (?, ?)",
                      DB_VALS(DB_INT(complaint_id), DB_BLOB(packed, n)));
    free(packed);
    if (rc == 0)
        rc = db_execv(c,
                      "INSERT INTO search_docs (complaint_id, len) VALUES (?, ?) ON CONFLICT (complaint_id) "
                      "DO UPDATE SET len = search_docs.len + excluded.len",
                      DB_VALS(DB_INT(complaint_id), DB_INT(t->len)));
    return rc;
}

int rows_search_erase(db_conn *c, int64_t complaint_id)
{
    /* The recent level first: on PostgreSQL a merger holding the
     * complaint's rows is waited for, and its postings are then seen. */
    int rc = db_execv(c, "DELETE FROM search_recent WHERE complaint_id = ?", DB_VALS(DB_INT(complaint_id)));
    if (rc == 0)
        rc = db_execv(c, "DELETE FROM search_terms WHERE complaint_id = ?", DB_VALS(DB_INT(complaint_id)));
    if (rc == 0)
        rc = db_execv(c, "DELETE FROM search_docs WHERE complaint_id = ?", DB_VALS(DB_INT(complaint_id)));
    return rc;
}

/* ---- the merger -------------------------------------------------------------------- */

static int by_term_then_complaint(const void *a, const void *b)
{
    const posting *x = a, *y = b;
    if (x->term != y->term)
        return (x->term > y->term) - (x->term < y->term);
    return (x->complaint_id > y->complaint_id) - (x->complaint_id < y->complaint_id);
}

struct merge_arg {
    int max_docs;
    int moved; /* OUT: rows of the recent level merged */
};

static int merge_batch(db_conn *c, void *arg)
{
    struct merge_arg *a = arg;
    a->moved = 0;
    /* Oldest first; on PostgreSQL another node's batch is skipped, not waited for. */
    db_stmt *st = db_prepv(c,
                           db_dialect(c) == DB_PG
                               ? "SELECT seq, complaint_id, terms FROM search_recent ORDER BY seq LIMIT ? "
                                 "FOR UPDATE SKIP LOCKED"
                               : "SELECT seq, complaint_id, terms FROM search_recent ORDER BY seq LIMIT ?",
                           DB_VALS(DB_INT(a->max_docs)));
    if (!st)
        return STORE_ERROR;
    int64_t *seqs = xcalloc((size_t)a->max_docs, sizeof *seqs);
    posting *v = NULL;
    size_t n = 0, cap = 0, nseq = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && nseq < (size_t)a->max_docs) {
        seqs[nseq++] = db_int(st, 0);
        int64_t id = db_int(st, 1);
        size_t bytes = 0;
        const void *p = db_blob(st, 2, &bytes);
        size_t k = bytes / SEARCH_PACKED_BYTES;
        if (n + k > cap) {
            cap = (n + k) * 2;
            v = xrealloc(v, cap * sizeof *v);
        }
        for (size_t i = 0; i < k; i++) {
            search_term_tf e = search_packed_at(p, i);
            v[n++] = (posting){e.term, id, e.tf};
        }
    }
    db_reset(st);
    if ((rc == DB_ROW || rc == 0) && n) {
        /* In the index's order: each leaf page of search_terms is visited
         * once for the whole batch, not once per complaint. */
        qsort(v, n, sizeof *v, by_term_then_complaint);
        size_t k = 0;
        for (size_t i = 1; i < n; i++) {
            if (v[i].term == v[k].term && v[i].complaint_id == v[k].complaint_id)
                v[k].tf += v[i].tf; /* two steps of one complaint in the batch */
            else
                v[++k] = v[i];
        }
        rc = insert_postings(c, v, k + 1);
    } else if (rc == DB_ROW) {
        rc = 0;
    }
    if (rc == 0 && nseq) {
        db_where w;
        db_where_init(&w, "DELETE FROM search_recent WHERE 1 = 1");
        db_where_ids(&w, c, "seq", seqs, nseq);
        st = db_prepv(c, w.sql.data, w.v);
        rc = st ? db_done(st) : STORE_ERROR;
        db_where_release(&w);
    }
    if (rc == 0)
        a->moved = (int)nseq;
    free(seqs);
    free(v);
    return rc;
}

int store_search_merge(store *s, int max_docs, int *moved)
{
    assert(max_docs > 0);
    struct merge_arg a = {max_docs, 0};
    int rc = db_run_write(s, "search_merge", merge_batch, &a, 0);
    *moved = rc ? 0 : a.moved;
    return rc;
}

struct recent_state {
    int64_t rows, last_seq;
};

static int read_recent_state(db_conn *c, void *arg)
{
    struct recent_state *a = arg;
    db_stmt *st;
    int rc = db_onev(c, "SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM search_recent", NULL, &st);
    if (rc == DB_ROW) {
        a->rows = db_int(st, 0);
        a->last_seq = db_int(st, 1);
        db_reset(st);
        rc = 0;
    }
    return rc;
}

int store_search_recent_count(store *s, int64_t *rows, int64_t *last_seq)
{
    struct recent_state a = {0, 0};
    int rc = db_run_read(s, "search_recent_state", read_recent_state, &a);
    *rows = a.rows;
    if (last_seq)
        *last_seq = a.last_seq;
    return rc;
}

/* ---- re-indexing ------------------------------------------------------------------ */

struct unindexed_arg {
    int64_t after;
    bool all;
    int64_t *ids;
    size_t max, n;
};

static int read_unindexed(db_conn *c, void *arg)
{
    struct unindexed_arg *a = arg;
    a->n = 0;
    db_stmt *st = db_prepv(c,
                           a->all ? "SELECT id FROM complaints WHERE id > ? ORDER BY id LIMIT ?"
                                  : "SELECT id FROM complaints WHERE id > ? AND NOT EXISTS (SELECT 1 FROM search_docs d "
                                    "WHERE d.complaint_id = complaints.id) ORDER BY id LIMIT ?",
                           DB_VALS(DB_INT(a->after), DB_INT((int64_t)a->max)));
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && a->n < a->max)
        a->ids[a->n++] = db_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int store_search_unindexed(store *s, int64_t after, bool all, int64_t *ids, size_t max, size_t *n)
{
    struct unindexed_arg a = {after, all, ids, max, 0};
    int rc = db_run_read(s, "search_unindexed", read_unindexed, &a);
    *n = rc ? 0 : a.n;
    return rc;
}

struct reindex_arg {
    int64_t id, version;
    const search_terms *t;
};

static int write_reindex(db_conn *c, void *arg)
{
    struct reindex_arg *a = arg;
    int64_t version = -1;
    int rc = db_intv(c, "SELECT version FROM complaints WHERE id = ?", DB_VALS(DB_INT(a->id)), &version);
    if (rc == 0 && version != a->version)
        rc = STORE_CONFLICT; /* a step came between: its terms would be lost */
    if (rc == 0)
        rc = rows_search_erase(c, a->id);
    if (rc == 0)
        rc = rows_search_add(c, a->id, a->t);
    return rc;
}

int store_search_reindex(store *s, int64_t complaint_id, int64_t version, const search_terms *t)
{
    struct reindex_arg a = {complaint_id, version, t};
    return db_run_write(s, "search_reindex", write_reindex, &a, 0);
}

/* ---- a search's view of the recent level -------------------------------------------- */

int rows_search_begin(db_conn *c)
{
    /* One snapshot for both levels: a batch merged between two of the
     * search's statements would otherwise be counted twice or not at all. */
    return db_exec(c, db_dialect(c) == DB_PG ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
}

int rows_search_end(db_conn *c, int rc)
{
    int end = db_exec(c, rc == 0 ? "COMMIT" : "ROLLBACK");
    return rc ? rc : end;
}

/* A complaint of the recent level: its counts of the query's terms in either level, its length. */
struct rdoc {
    int64_t id;
    int64_t recent_tf[SEARCH_QUERY_MAX], merged_tf[SEARCH_QUERY_MAX];
    int64_t len;
};

static struct rdoc *rdoc_find(struct rdoc *d, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d[mid].id == id)
            return &d[mid];
        if (d[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The recent level's complaints, ascending, with their counts of f's terms in its rows. */
static int read_recent_rows(db_conn *c, const complaint_filter *f, struct rdoc **out, size_t *n)
{
    db_stmt *st = db_prepare(c, "SELECT complaint_id, terms FROM search_recent ORDER BY complaint_id");
    if (!st)
        return STORE_ERROR;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_int(st, 0);
        if (!*n || (*out)[*n - 1].id != id) {
            if (*n == cap) {
                cap = cap ? cap * 2 : 64;
                *out = xrealloc(*out, cap * sizeof **out);
            }
            (*out)[(*n)++] = (struct rdoc){.id = id};
        }
        size_t bytes = 0;
        const void *p = db_blob(st, 1, &bytes);
        for (size_t i = 0; i < f->n_terms; i++)
            (*out)[*n - 1].recent_tf[i] += search_packed_tf(p, bytes, f->terms[i]);
    }
    db_reset(st);
    return rc;
}

/* Their counts in the merged level and their lengths. */
static int read_recent_merged(db_conn *c, const complaint_filter *f, struct rdoc *d, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i <= f->n_terms; i++) {
        db_stmt *st = i < f->n_terms
                          ? db_prepv(c,
                                     "SELECT t.complaint_id, t.tf FROM search_terms t WHERE t.term = ? "
                                     "AND t.complaint_id IN (SELECT complaint_id FROM search_recent)",
                                     DB_VALS(DB_INT(f->terms[i])))
                          : db_prepare(c, "SELECT d.complaint_id, d.len FROM search_docs d "
                                          "WHERE d.complaint_id IN (SELECT complaint_id FROM search_recent)");
        if (!st)
            return STORE_ERROR;
        while ((rc = db_step(st)) == DB_ROW) {
            struct rdoc *r = rdoc_find(d, n, db_int(st, 0));
            if (r && i < f->n_terms)
                r->merged_tf[i] = db_int(st, 1);
            else if (r)
                r->len = db_int(st, 1);
        }
        db_reset(st);
    }
    return rc;
}

/* BM25 of one complaint, computed as rows_search_score's statement does. */
static double score_of(const complaint_filter *f, const struct rdoc *d)
{
    double sum = 0;
    int64_t avg = f->avglen > 0 ? f->avglen : 1;
    for (size_t i = 0; i < f->n_terms; i++) {
        int64_t tf = d->recent_tf[i] + d->merged_tf[i];
        if (tf)
            sum += (double)(f->weights[i] * tf) / ((double)tf + 0.3 + 0.9 * (double)d->len / (double)avg);
    }
    return sum;
}

int rows_search_recent(db_conn *c, const complaint_filter *f, search_recent *out)
{
    memset(out, 0, sizeof *out);
    struct rdoc *d = NULL;
    size_t n = 0;
    int rc = read_recent_rows(c, f, &d, &n);
    if (rc == 0 && n)
        rc = read_recent_merged(c, f, d, n);
    out->any = n > 0;
    out->ids = xcalloc(n ? n : 1, sizeof *out->ids);
    out->scores = xcalloc(n ? n : 1, sizeof *out->scores);
    for (size_t k = n; rc == 0 && k-- > 0;) { /* newest first */
        bool all = true;
        for (size_t i = 0; i < f->n_terms; i++) {
            if (d[k].recent_tf[i] && !d[k].merged_tf[i])
                out->df[i]++; /* not among the merged level's holders */
            all = all && (d[k].recent_tf[i] || d[k].merged_tf[i]);
        }
        if (!all)
            continue;
        out->ids[out->n] = d[k].id;
        out->scores[out->n++] = score_of(f, &d[k]);
    }
    free(d);
    if (rc)
        search_recent_release(out);
    return rc;
}

void search_recent_release(search_recent *r)
{
    free(r->ids);
    free(r->scores);
    memset(r, 0, sizeof *r);
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
    /* A complaint with rows in the recent level is judged there, on both levels' counts. */
    if (f->recent && f->recent->any)
        buf_puts(&w->sql, " AND NOT EXISTS (SELECT 1 FROM search_recent r WHERE r.complaint_id = t0.complaint_id)");
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
    int rc = rows_search_begin(c);
    if (rc == 0)
        rc = db_intv(c, "SELECT COALESCE(MAX(complaint_id), 0) FROM search_docs", NULL, &docs);
    /* The average length of the newest thousand: a sample, not a scan. */
    if (rc == 0)
        rc = db_intv(c,
                     "SELECT COALESCE(CAST(AVG(len) AS BIGINT), 1) FROM (SELECT len FROM search_docs "
                     "WHERE complaint_id > ? ORDER BY complaint_id DESC LIMIT 1000) x",
                     DB_VALS(DB_INT(0)), &avg);
    search_recent r = {0};
    if (rc == 0)
        rc = rows_search_recent(c, f, &r);
    int64_t least = -1;
    for (size_t i = 0; rc == 0 && i < f->n_terms; i++) {
        int64_t df = 0;
        rc = db_intv(c, "SELECT COUNT(*) FROM search_terms WHERE term = ?", DB_VALS(DB_INT(f->terms[i])), &df);
        df += r.df[i];
        if (least < 0 || df < least) {
            least = df;
            f->driver = i; /* the rarest term leads */
        }
        double n = (double)(docs > df ? docs : df);
        double idf = log((n - (double)df + 0.5) / ((double)df + 0.5) + 1.0);
        f->weights[i] = (int64_t)llround(idf * 2.2 * 1000.0);
    }
    f->avglen = avg > 0 ? avg : 1;
    search_recent_release(&r);
    return rows_search_end(c, rc);
}

int store_search_weigh(store *s, complaint_filter *f)
{
    struct weigh_arg a = {f};
    return db_run_read(s, "search_weigh", read_weights, &a);
}
