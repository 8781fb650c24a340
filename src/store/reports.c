/*
 * reports: the SQL of the indicators (core/report.h), written once for both
 * stores. Each fact of a complaint is one condition on its projection's
 * columns (migration 013 added what the data document alone held); a
 * report is one grouped pass over the complaints received in its range —
 * an index range of received_at — counting, in each cell, the complaints
 * of the denominator and those of them that are also in the numerator.
 * The drill-down of a cell is the complaint list (complaints.c) with the
 * same conditions (store_report_where_fact), so the two cannot disagree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "store/rows.h"
#include "util/xalloc.h"

/* Each fact as a condition; a '?' is the time the report is made (now). */
static const char *const fact_sql[RF__COUNT] = {
    [RF_ALL] = "1 = 1",
    [RF_VALID] = "nature = 'valid'",
    [RF_INVALID] = "nature = 'invalid'",
    [RF_SUGGESTION] = "nature = 'suggestion'",
    [RF_OPEN] = "is_open = 1",
    [RF_CLOSED] = "is_open = 0",
    /* A complaint about a known fault (announcement > 0) waits for the fault, not for its handlers:
     * it is counted apart (RF_FAULT), never overdue, on time or late. */
    [RF_OVERDUE] = ("announcement = 0 AND overall_due > 0 AND ((is_open = 1 AND overall_due < ?) OR (is_open = 0 "
                    "AND closed_at > overall_due))"),
    [RF_CLOSED_VALID] = "is_open = 0 AND nature = 'valid' AND announcement = 0",
    [RF_ON_TIME] = ("is_open = 0 AND nature = 'valid' AND announcement = 0 AND (overall_due = 0 OR closed_at <= "
                    "overall_due)"),
    [RF_FIRST_CONTACT] = "is_open = 0 AND nature = 'valid' AND announcement = 0 AND first_contact = 1",
    [RF_REVISITED] = "revisit IN ('satisfied', 'basically_satisfied', 'dissatisfied')",
    [RF_SATISFIED] = "revisit IN ('satisfied', 'basically_satisfied')",
    [RF_REOPENED] = "reopens > 0",
    [RF_ESCALATED] = "escalations > 0",
    [RF_APPEAL] = "kind = 'appeal'",
    [RF_SUPERVISED] = "supervisions > 0",
    [RF_FAULT] = "announcement > 0",
    [RF_UNACCEPTED] = "unaccepted = 1",
};

/* Appends fact's condition to w's text, and now for each of its placeholders. */
static void put_fact(db_where *w, int fact, int64_t now)
{
    const char *sql = fact_sql[fact];
    buf_puts(&w->sql, sql);
    for (const char *p = strchr(sql, '?'); p; p = strchr(p + 1, '?'))
        db_where_val(w, "", DB_INT(now));
}

/*
 * SQLite's planner, given the statistics of a large table, may prefer an
 * index of one of the filters (subject unit, received) and visit every row
 * it finds; the covering index is the pass that reads least (migration 013).
 * PostgreSQL chooses an index-only scan of it by itself.
 */
const char *store_report_index(const db_conn *c)
{
    return db_dialect(c) == DB_SQLITE ? " INDEXED BY complaints_report" : "";
}

void store_report_where_fact(db_where *w, int fact, int64_t now)
{
    if (fact <= RF_ALL || fact >= RF__COUNT)
        return;
    buf_puts(&w->sql, " AND (");
    put_fact(w, fact, now);
    buf_puts(&w->sql, ")");
}

void store_where_not_kinds(db_where *w, const char *const *kinds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        db_where_text(w, " AND kind <> ?", kinds[i]);
}

/* More cells than anyone reads: days × units × categories of a long range. */
enum { REPORT_ROWS_MAX = 1000000 };

struct rows_arg {
    const report_query *q;
    report_row **rows;
    size_t n;
};

/* " WHERE …": the complaints received in q's range, in its units and of its values. */
static void report_range(db_where *w, db_conn *c, const report_query *q)
{
    buf_puts(&w->sql, " WHERE received_at >= ? AND received_at < ?");
    db_where_val(w, "", DB_INT(q->from));
    db_where_val(w, "", DB_INT(q->to));
    db_where_ids(w, c, "subject_unit", q->units, q->n_units);
    db_where_text(w, " AND category = ?", q->category);
    db_where_text(w, " AND channel = ?", q->channel);
    db_where_text(w, " AND nature = ?", q->nature);
    db_where_text(w, " AND kind = ?", q->kind);
    db_where_int(w, " AND level = ?", q->level);
    store_where_not_kinds(w, q->leave_out, q->n_leave_out);
}

/* The statement of q into w: the dimensions asked, the two counts, the filters. */
static void report_where(db_where *w, db_conn *c, const report_query *q)
{
    db_where_init(w, "SELECT ");
    if (q->by_day) {
        buf_puts(&w->sql, "(received_at + ?) / 86400, ");
        db_where_val(w, "", DB_INT((int64_t)q->tz_offset * 60));
    }
    static const char *const dims[] = {"subject_unit, ", "category, ", "channel, ", "level, ", "nature, ", "kind, "};
    const bool by[] = {q->by_unit, q->by_category, q->by_channel, q->by_level, q->by_nature, q->by_kind};
    int ndims = q->by_day;
    for (int k = 0; k < 6; k++)
        if (by[k]) {
            buf_puts(&w->sql, dims[k]);
            ndims++;
        }
    buf_puts(&w->sql, "COUNT(*), SUM(CASE WHEN ");
    put_fact(w, q->num, q->now);
    buf_puts(&w->sql, " THEN 1 ELSE 0 END) FROM complaints");
    buf_puts(&w->sql, store_report_index(c));
    report_range(w, c, q);
    store_report_where_fact(w, q->den, q->now);
    for (int k = 0; k < ndims; k++)
        buf_printf(&w->sql, k ? ", %d" : " GROUP BY %d", k + 1);
}

static void read_row(db_stmt *st, const report_query *q, report_row *r)
{
    int i = 0;
    memset(r, 0, sizeof *r);
    if (q->by_day)
        r->day = db_int(st, i++);
    if (q->by_unit)
        r->unit = db_int(st, i++);
    const char *t;
    if (q->by_category && (t = db_text(st, i++)))
        snprintf(r->category, sizeof r->category, "%s", t);
    if (q->by_channel && (t = db_text(st, i++)))
        snprintf(r->channel, sizeof r->channel, "%s", t);
    if (q->by_level)
        r->level = (int)db_int(st, i++);
    if (q->by_nature && (t = db_text(st, i++)))
        snprintf(r->nature, sizeof r->nature, "%s", t);
    if (q->by_kind && (t = db_text(st, i++)))
        snprintf(r->kind, sizeof r->kind, "%s", t);
    r->den = db_int(st, i++);
    r->num = db_int(st, i);
}

/* The end of a read of rows through st (NULL: not prepared): st reset, w released; 0 after the last row, else rc. */
static int read_end(db_stmt *st, int rc, db_where *w)
{
    if (st) {
        db_reset(st);
        if (rc == 0 || rc == DB_ROW)
            rc = 0;
    }
    db_where_release(w);
    return rc;
}

static int read_rows(db_conn *c, void *arg)
{
    struct rows_arg *a = arg;
    free(*a->rows);
    *a->rows = NULL;
    a->n = 0;
    size_t cap = 0;
    db_where w;
    report_where(&w, c, a->q);
    db_stmt *st = db_where_prepare(&w, c, " LIMIT ?", REPORT_ROWS_MAX);
    int rc = STORE_ERROR;
    while (st && (rc = db_step(st)) == DB_ROW) {
        report_row r;
        read_row(st, a->q, &r);
        if (!r.den)
            continue; /* an aggregate without a GROUP BY gives a row over nothing */
        if (a->n == cap)
            *a->rows = xrealloc(*a->rows, (cap = cap ? 2 * cap : 64) * sizeof **a->rows);
        (*a->rows)[a->n++] = r;
    }
    return read_end(st, rc, &w);
}

int store_report_rows(store *s, const report_query *q, report_row **rows, size_t *n)
{
    *rows = NULL;
    struct rows_arg a = {q, rows, 0};
    int rc = db_run_read(s, "report_rows", read_rows, &a);
    *n = rc ? 0 : a.n;
    if (rc) {
        free(*rows);
        *rows = NULL;
    }
    return rc;
}

/* ---- satisfaction (core/satisfaction.h) ------------------------------------------------------------ */

/*
 * What the breakdown reads of a complaint's data document: who handled it
 * (the person assigned, else the one who resolved it, else 0) and the
 * answers of its last revisit (JSON text, NULL without a survey).
 */
static const char *survey_cols(const db_conn *c)
{
    if (db_dialect(c) == DB_PG)
        return "COALESCE(CAST(CAST(data AS jsonb) ->> 'assignee' AS BIGINT), CAST(CAST(data AS jsonb) #>> "
               "'{resolution,by}' AS BIGINT), 0), CAST(data AS jsonb) #>> '{revisit,answers}'";
    return "COALESCE(json_extract(data, '$.assignee'), json_extract(data, '$.resolution.by'), 0), "
           "json_extract(data, '$.revisit.answers')";
}

struct survey_arg {
    const report_query *q;
    survey_row *rows;
    size_t n;
};

static int read_survey(db_conn *c, void *arg)
{
    struct survey_arg *a = arg;
    store_survey_rows_free(a->rows, a->n);
    a->rows = NULL;
    a->n = 0;
    size_t cap = 0;
    db_where w;
    db_where_init(&w, "SELECT subject_unit, revisit, ");
    buf_puts(&w.sql, survey_cols(c));
    buf_puts(&w.sql, " FROM complaints");
    report_range(&w, c, a->q);
    store_report_where_fact(&w, RF_REVISITED, a->q->now);
    db_stmt *st = db_where_prepare(&w, c, " ORDER BY id LIMIT ?", REPORT_ROWS_MAX);
    int rc = STORE_ERROR;
    while (st && (rc = db_step(st)) == DB_ROW) {
        if (a->n == cap)
            a->rows = xrealloc(a->rows, (cap = cap ? 2 * cap : 64) * sizeof *a->rows);
        survey_row *r = &a->rows[a->n++];
        memset(r, 0, sizeof *r);
        r->unit = db_int(st, 0);
        const char *t = db_text(st, 1);
        snprintf(r->result, sizeof r->result, "%s", t ? t : "");
        r->staff = db_int(st, 2);
        t = db_text(st, 3);
        r->answers = t ? xstrdup(t) : NULL;
    }
    return read_end(st, rc, &w);
}

int store_survey_rows(store *s, const report_query *q, survey_row **rows, size_t *n)
{
    struct survey_arg a = {q, NULL, 0};
    int rc = db_run_read(s, "survey_rows", read_survey, &a);
    if (rc) {
        store_survey_rows_free(a.rows, a.n);
        a.rows = NULL;
        a.n = 0;
    }
    *rows = a.rows;
    *n = a.n;
    return rc;
}

void store_survey_rows_free(survey_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].answers);
    free(rows);
}
