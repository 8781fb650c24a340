/*
 * complaints: reading the complaints' projection and their events — one
 * complaint by id or number, the filtered and paged lists of the agent's
 * queue, the timeline, every id in order (verification), the sweeper's
 * queue of due clocks — written once for both backends over the driver
 * (driver.h). Its writes are complaints_write.c's.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules.h"
#include "core/workflow.h"
#include "store/driver.h"
#include "store/rows.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/jsonr.h"
#include "util/xalloc.h"

#define C_COLS_HEAD                                                                                                    \
    "id, number, status, level, nature, channel, category, phone, subject_unit, owner_unit, "                          \
    "handler_unit, received_at, created_at, updated_at, closed_at, stage_due, overall_due, "                           \
    "first_contact, created_by, version, head, "
#define C_COLS C_COLS_HEAD "data, warn_at, next_check_at"

/*
 * The same columns for a list's summaries on SQLite: lists render only a few
 * members of data, while the full document (clocks, results, …) is several
 * KB, and parsing it for every row was most of a page's cost. SQLite's JSON
 * functions pick the members (json_patch onto {} drops the absent ones, as
 * a merge patch does). PostgreSQL keeps data as text and returns it whole.
 */
#define C_COLS_SUMMARY_SQLITE                                                                                          \
    C_COLS_HEAD "json_patch('{}', json_object('customer', json(json_extract(data, '$.customer')), "                    \
                "'subject_staff', json_extract(data, '$.subject_staff'), "                                             \
                "'waiting', json(json_extract(data, '$.waiting')), 'kind', json_extract(data, '$.kind'), "             \
                "'unresolvable', json(json_extract(data, '$.unresolvable')), "                                         \
                "'pending_matter', CASE WHEN json_type(data, '$.pending_matter') = 'object' THEN json_object("         \
                "'status', json_extract(data, '$.pending_matter.status'), "                                            \
                "'reason', json_extract(data, '$.pending_matter.reason'), "                                            \
                "'since', json_extract(data, '$.pending_matter.since')) END, "                                         \
                "'priority', json_extract(data, '$.priority'), 'assignee', json_extract(data, '$.assignee'), "         \
                "'route_unit', json_extract(data, '$.route_unit'), "                                                   \
                "'announcement', json_extract(data, '$.announcement'))), "                                             \
                "warn_at, next_check_at"

static void read_deadline(db_stmt *st, int i, void *v)
{
    int64_t d = db_int(st, i);
    *(int64_t *)v = d == STORE_DUE_NONE ? 0 : d;
}

static void read_head(db_stmt *st, int i, void *head)
{
    size_t n;
    const void *p = db_blob(st, i, &n);
    if (p && n == 32)
        memcpy(head, p, 32);
}

/* The document, kept as complaint_init made it when the text does not parse. */
static void read_data(db_stmt *st, int i, void *data)
{
    const char *text = db_text(st, i);
    json_t *d = text ? jsonr_loadb(text, strlen(text), NULL) : NULL;
    if (d) {
        json_decref(*(json_t **)data);
        *(json_t **)data = d;
    }
}

static const db_col complaint_cols[] = {DB_COLS(complaint, id, number, status, level, nature, channel, category, phone,
                                                subject_unit, owner_unit, handler_unit, received_at, created_at,
                                                updated_at, closed_at),
                                        DB_COL_FN(complaint, stage_due, read_deadline, NULL),
                                        DB_COLS(complaint, overall_due, first_contact, created_by, version),
                                        DB_COL_FN(complaint, head, read_head, NULL),
                                        DB_COL_FN(complaint, data, read_data, NULL),
                                        DB_COL_FN(complaint, warn_at, read_deadline, NULL),
                                        DB_COL_FN(complaint, next_check_at, read_deadline, NULL),
                                        {0}};

/* Fills c (initialised, or zeroed as in a fresh page array) from a row of C_COLS. */
static void read_complaint(db_stmt *st, complaint *c)
{
    complaint_release(c);
    complaint_init(c);
    db_read_cols(st, 0, complaint_cols, c);
}

struct get_arg {
    int64_t id;
    const char *number;
    complaint *out;
};

static int read_one(db_conn *c, void *arg)
{
    struct get_arg *a = arg;
    db_stmt *st;
    int rc = a->number
                 ? db_onev(c, "SELECT " C_COLS " FROM complaints WHERE number = ?", DB_VALS(DB_TEXT(a->number)), &st)
                 : db_onev(c, "SELECT " C_COLS " FROM complaints WHERE id = ?", DB_VALS(DB_INT(a->id)), &st);
    if (rc != DB_ROW)
        return rc;
    read_complaint(st, a->out);
    db_reset(st);
    return 0;
}

int store_complaint_get(store *s, int64_t id, const char *number, complaint *out)
{
    struct get_arg a = {id, number, out};
    return db_run_read(s, "complaint_get", read_one, &a);
}

int store_complaint_find(store *s, const char *key, complaint *out)
{
    char *end;
    long long id = strtoll(key, &end, 10);
    return *key && !*end ? store_complaint_get(s, id, NULL, out) : store_complaint_get(s, 0, key, out);
}

/* ---- the list ----------------------------------------------------------------- */

/*
 * " AND (…)": the complaint is visible in a scope of n units — its owner,
 * subject, last handling or an assisting unit is one of them.
 */
static void scope_clause(db_where *w, const db_conn *c, const int64_t *units, size_t n)
{
    static const char *const cols[] = {"owner_unit", "subject_unit", "handler_unit"};
    buf_puts(&w->sql, " AND (");
    for (int k = 0; k < 3; k++) {
        db_where_in(w, c, cols[k], units, NULL, n);
        buf_puts(&w->sql, " OR ");
    }
    buf_puts(&w->sql, "id IN (SELECT complaint_id FROM complaint_assists WHERE ");
    db_where_in(w, c, "unit", units, NULL, n);
    buf_puts(&w->sql, "))");
}

/* A row comparison with two integer parameters; PostgreSQL wants their type said. */
static const char *pair(const db_conn *c)
{
    return db_dialect(c) == DB_PG ? "(CAST(? AS BIGINT), CAST(? AS BIGINT))" : "(?, ?)";
}

struct list_arg {
    const complaint_filter *f;
    complaint_page *out;
};

/*
 * Members of the data document the list filters on, as SQL: SQLite's JSON
 * functions, PostgreSQL's jsonb operators over the text column.
 */
enum {
    J_CLASS, J_REOPENS, J_SUPERVISIONS, J_RESPONSIBILITY, J_RESPONSIBLE_UNIT, J_PRIORITY, J_ASSIGNEE, J_EXTENSION,
    J_STAFF, J_PERSON, J_WAITING, J_INCIDENT, J_SATISFACTION, J_PRIORITY_ORDER, J_UNRESOLVABLE, J_PENDING
};
static const char *json_col(const db_conn *c, int k)
{
    static const char *const sqlite[] = {
        [J_CLASS] = "json_extract(data, '$.customer.class')",
        [J_PRIORITY] = "COALESCE(json_extract(data, '$.priority'), 'normal')",
        [J_REOPENS] = "COALESCE(json_extract(data, '$.reopens'), 0)",
        [J_SUPERVISIONS] = "COALESCE(json_extract(data, '$.supervisions'), 0)",
        [J_ASSIGNEE] = "COALESCE(json_extract(data, '$.assignee'), 0)",
        [J_EXTENSION] = "json_extract(data, '$.extension.status')",
        [J_RESPONSIBILITY] =
            "COALESCE(json_extract(data, '$.closing.responsibility'), json_extract(data, '$.answer.responsibility'))",
        [J_RESPONSIBLE_UNIT] = ("COALESCE(json_extract(data, '$.closing.responsible_unit'), "
                                "json_extract(data, '$.answer.responsible_unit'))"),
        [J_STAFF] = "json_extract(data, '$.subject_staff')",
        [J_PERSON] = ("COALESCE(json_extract(data, '$.closing.responsible_person'), "
                      "json_extract(data, '$.answer.responsible_person'))"),
        [J_WAITING] = "(CASE WHEN json_type(data, '$.waiting') = 'object' THEN 1 ELSE 0 END)",
        [J_UNRESOLVABLE] = "(CASE WHEN json_type(data, '$.unresolvable') = 'object' THEN 1 ELSE 0 END)",
        [J_PENDING] = "(CASE WHEN json_extract(data, '$.pending_matter.status') = 'open' THEN 1 ELSE 0 END)",
        [J_INCIDENT] = "COALESCE(json_extract(data, '$.incident'), 0)",
        [J_SATISFACTION] = "COALESCE(json_extract(data, '$.revisit.result'), '')",
        [J_PRIORITY_ORDER] = ("(CASE json_extract(data, '$.priority') WHEN 'urgent' THEN 0 "
                              "WHEN 'high' THEN 1 ELSE 2 END)"),
    };
    static const char *const pg[] = {
        [J_CLASS] = "(CAST(data AS jsonb) #>> '{customer,class}')",
        [J_PRIORITY] = "COALESCE(CAST(data AS jsonb) ->> 'priority', 'normal')",
        [J_REOPENS] = "COALESCE(CAST(CAST(data AS jsonb) ->> 'reopens' AS BIGINT), 0)",
        [J_SUPERVISIONS] = "COALESCE(CAST(CAST(data AS jsonb) ->> 'supervisions' AS BIGINT), 0)",
        [J_ASSIGNEE] = "COALESCE(CAST(CAST(data AS jsonb) ->> 'assignee' AS BIGINT), 0)",
        [J_EXTENSION] = "(CAST(data AS jsonb) #>> '{extension,status}')",
        [J_RESPONSIBILITY] = ("COALESCE(CAST(data AS jsonb) #>> '{closing,responsibility}', "
                              "CAST(data AS jsonb) #>> '{answer,responsibility}')"),
        [J_RESPONSIBLE_UNIT] = ("CAST(COALESCE(CAST(data AS jsonb) #>> '{closing,responsible_unit}', "
                                "CAST(data AS jsonb) #>> '{answer,responsible_unit}') AS BIGINT)"),
        [J_STAFF] = "(CAST(data AS jsonb) ->> 'subject_staff')",
        [J_PERSON] = ("COALESCE(CAST(data AS jsonb) #>> '{closing,responsible_person}', "
                      "CAST(data AS jsonb) #>> '{answer,responsible_person}')"),
        [J_WAITING] = "(CASE WHEN jsonb_typeof(CAST(data AS jsonb) -> 'waiting') = 'object' THEN 1 ELSE 0 END)",
        [J_UNRESOLVABLE] = "(CASE WHEN jsonb_typeof(CAST(data AS jsonb) -> 'unresolvable') = 'object' THEN 1 ELSE 0 END)",
        [J_PENDING] = "(CASE WHEN CAST(data AS jsonb) #>> '{pending_matter,status}' = 'open' THEN 1 ELSE 0 END)",
        [J_INCIDENT] = "COALESCE(CAST(CAST(data AS jsonb) ->> 'incident' AS BIGINT), 0)",
        [J_SATISFACTION] = "COALESCE(CAST(data AS jsonb) #>> '{revisit,result}', '')",
        [J_PRIORITY_ORDER] = ("(CASE CAST(data AS jsonb) ->> 'priority' WHEN 'urgent' THEN 0 "
                              "WHEN 'high' THEN 1 ELSE 2 END)"),
    };
    return db_dialect(c) == DB_PG ? pg[k] : sqlite[k];
}

/* " AND <member> > 0" (want 1) or "= 0" (want -1). */
static void json_count(db_where *w, const db_conn *c, int k, int want)
{
    if (want)
        buf_printf(&w->sql, " AND %s %s 0", json_col(c, k), want > 0 ? ">" : "=");
}

/* Whether f filters on the data document or a column outside complaints_scope (migration 014). */
static bool state_filtered(const complaint_filter *f)
{
    return f->nature || f->fact || f->customer_class || f->priority || f->responsibility || f->n_responsible_units || f->reopened ||
           f->supervised || f->assignee || f->closed_from || f->closed_to || f->due_from || f->due_to || f->phone ||
           f->extension || f->subject_staff || f->responsible_person || f->waiting || f->unresolvable || f->pending || f->incident || f->incident_id ||
           f->satisfaction;
}

/* " AND <member> = ?" with the text value, when there is one. */
static void json_text(db_where *w, const db_conn *c, int k, const char *value)
{
    if (value) {
        buf_printf(&w->sql, " AND %s = ?", json_col(c, k));
        db_where_val(w, "", DB_TEXT(value));
    }
}

/* The filters of the closing's findings and the record's state (complaint_filter). */
static void state_where(db_where *w, db_conn *c, const complaint_filter *f)
{
    json_text(w, c, J_CLASS, f->customer_class);
    json_text(w, c, J_PRIORITY, f->priority);
    json_text(w, c, J_RESPONSIBILITY, f->responsibility);
    json_text(w, c, J_STAFF, f->subject_staff);
    json_text(w, c, J_PERSON, f->responsible_person);
    json_text(w, c, J_SATISFACTION, f->satisfaction);
    db_where_ids(w, c, json_col(c, J_RESPONSIBLE_UNIT), f->responsible_units, f->n_responsible_units);
    json_count(w, c, J_REOPENS, f->reopened);
    json_count(w, c, J_SUPERVISIONS, f->supervised);
    json_count(w, c, J_WAITING, f->waiting);
    json_count(w, c, J_UNRESOLVABLE, f->unresolvable);
    json_count(w, c, J_PENDING, f->pending);
    json_count(w, c, J_INCIDENT, f->incident);
    if (f->incident_id) {
        buf_printf(&w->sql, " AND %s = ?", json_col(c, J_INCIDENT));
        db_where_val(w, "", DB_INT(f->incident_id));
    }
    if (f->assignee) {
        buf_printf(&w->sql, " AND %s = ?", json_col(c, J_ASSIGNEE));
        db_where_val(w, "", DB_INT(f->assignee > 0 ? f->assignee : 0));
    }
    db_where_int(w, " AND closed_at >= ?", f->closed_from);
    /* 0 is "not closed" and "no deadline": never inside a range. */
    db_where_int(w, " AND closed_at > 0 AND closed_at < ?", f->closed_to);
    db_where_int(w, " AND overall_due >= ?", f->due_from);
    db_where_int(w, " AND overall_due > 0 AND overall_due < ?", f->due_to);
    if (f->extension) {
        buf_printf(&w->sql, " AND is_open = 1 AND %s = ?", json_col(c, J_EXTENSION));
        db_where_val(w, "", DB_TEXT("requested"));
    }
}

/* The list's conditions on the complaint's row (filters and scope; not the search, not the cursor). */
static void row_conditions(db_where *w, db_conn *c, const complaint_filter *f)
{
    if (f->status == -1)
        buf_puts(&w->sql, " AND is_open = 1");
    else if (f->status > 0)
        db_where_val(w, " AND status = ?", DB_INT(f->status));
    db_where_int(w, " AND stage = ?", f->stage);
    if (f->n_owner_units == 1)
        db_where_val(w, " AND owner_unit = ?", DB_INT(f->owner_units[0]));
    else if (f->n_owner_units > 1)
        db_where_ids(w, c, "owner_unit", f->owner_units, f->n_owner_units);
    db_where_ids(w, c, "subject_unit", f->subject_units, f->n_subject_units);
    if (f->n_scope_units)
        scope_clause(w, c, f->scope_units, f->n_scope_units);
    db_where_text(w, " AND channel = ?", f->channel);
    db_where_text(w, " AND kind = ?", f->kind);
    store_where_not_kinds(w, f->leave_out, f->n_leave_out);
    if (f->n_categories) {
        buf_puts(&w->sql, " AND ");
        db_where_in(w, c, "category", NULL, f->categories, f->n_categories);
    }
    db_where_int(w, " AND level = ?", f->level);
    db_where_text(w, " AND nature = ?", f->nature);
    store_report_where_fact(w, f->fact, f->now);
    db_where_int(w, " AND received_at >= ?", f->from);
    db_where_int(w, " AND received_at < ?", f->to);
    db_where_text(w, " AND phone = ?", f->phone);
    state_where(w, c, f);
    if (f->overdue)
        db_where_val(w, " AND is_open = 1 AND stage_due < ?", DB_INT(f->now));
    if (f->warning)
        db_where_val(w, " AND is_open = 1 AND warn_at <= ?", DB_INT(f->now));
}

/* Appends src's text and values to w; w takes over src's sets (src is left empty). */
static void where_cat(db_where *w, db_where *src)
{
    buf_append(&w->sql, src->sql.data, src->sql.len);
    for (size_t i = 0; i < src->n; i++)
        db_where_val(w, "", src->v[i]);
    w->arrays = xrealloc(w->arrays, (w->narrays + src->narrays + 1) * sizeof *w->arrays);
    for (size_t i = 0; i < src->narrays; i++)
        w->arrays[w->narrays++] = src->arrays[i];
    src->narrays = 0;
    db_where_release(src);
}

/* The page's start after the cursor, if any (id_col: the complaint's id in the statement). */
static void cursor_where(db_where *w, db_conn *c, const complaint_filter *f, const char *id_col)
{
    if (f->has_cursor && f->sort_priority) {
        buf_printf(&w->sql, " AND (%s, stage_due, id) > %s", json_col(c, J_PRIORITY_ORDER),
                   db_dialect(c) == DB_PG ? "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))" : "(?, ?, ?)");
        db_where_val(w, "", DB_INT(f->cursor_rank));
        db_where_val(w, "", DB_INT(f->cursor_key ? f->cursor_key : STORE_DUE_NONE));
        db_where_val(w, "", DB_INT(f->cursor_id));
    } else if (f->has_cursor && f->sort_deadline) {
        buf_printf(&w->sql, " AND (stage_due, id) > %s", pair(c));
        db_where_val(w, "", DB_INT(f->cursor_key ? f->cursor_key : STORE_DUE_NONE));
        db_where_val(w, "", DB_INT(f->cursor_id));
    } else if (f->has_cursor) {
        buf_printf(&w->sql, " AND %s < ?", id_col);
        db_where_val(w, "", DB_INT(f->cursor_id));
    }
}

/*
 * The matches of a search in the index's recent level (f->recent, store/
 * rows.h) that pass the list's other conditions: select … FROM complaints
 * WHERE …, into w.
 */
static void recent_where(db_where *w, db_conn *c, const complaint_filter *f, const char *select)
{
    assert(f->recent && f->recent->n);
    db_where_init(w, select);
    buf_puts(&w->sql, " FROM complaints WHERE 1 = 1");
    db_where_ids(w, c, "id", f->recent->ids, f->recent->n);
    row_conditions(w, c, f);
}

/*
 * The list's statement and its values into w; count: the number of its
 * rows instead, cursor aside. A search starts from the index (its rarest
 * term, newest first) and reads a complaint's row only for one it holds;
 * a count that filters on nothing but the search never reads a row.
 */
enum list_what { LIST_ROWS, LIST_COUNT, LIST_RANKED };

static void list_where(db_where *w, db_conn *c, const complaint_filter *f, enum list_what what)
{
    bool summary = !f->full && db_dialect(c) == DB_SQLITE, search = f->n_terms > 0, count = what == LIST_COUNT;
    /* A report's cell (f->report) is found in the reports' covering index, and
     * only the page's rows are read: their ids first, from the index. */
    bool ids_first = f->report && what == LIST_ROWS && !search;
    assert(!(f->report && (f->sort_deadline || f->sort_priority || search)));
    db_where cond;
    db_where_init(&cond, "");
    row_conditions(&cond, c, f);
    if (count)
        db_where_init(w, "SELECT COUNT(*)");
    else if (what == LIST_RANKED)
        db_where_init(w, "SELECT t0.complaint_id");
    else
        db_where_init(w, summary ? "SELECT " C_COLS_SUMMARY_SQLITE : "SELECT " C_COLS);
    if (what == LIST_RANKED)
        rows_search_score(w, c, f);
    if (search)
        rows_search_from(w, c, f,
                         what == LIST_ROWS   ? SEARCH_ROWS
                         : cond.sql.len == 0 ? SEARCH_NO_ROWS
                         : state_filtered(f) ? SEARCH_ROWS
                                             : SEARCH_SCOPE_COLUMNS);
    else {
        buf_puts(&w->sql, ids_first ? " FROM complaints WHERE id IN (SELECT id FROM complaints" : " FROM complaints");
        buf_puts(&w->sql, f->report ? store_report_index(c) : "");
        buf_puts(&w->sql, " WHERE 1 = 1");
    }
    where_cat(w, &cond);
    if (what != LIST_ROWS)
        return;
    cursor_where(w, c, f, search ? "t0.complaint_id" : "id");
    if (ids_first)
        db_where_val(w, " ORDER BY id DESC LIMIT ?)", DB_INT(f->limit + 1));
}

/* Reads up to f->limit rows of st into out (more: another exists); resets st. */
static int read_rows(db_stmt *st, const complaint_filter *f, complaint_page *out)
{
    int rc = STORE_ERROR;
    while (st && (rc = db_step(st)) == DB_ROW) {
        if ((int)out->n == f->limit) {
            out->more = true;
            rc = 0;
            break;
        }
        read_complaint(st, &out->items[out->n++]);
    }
    if (st)
        db_reset(st);
    return rc;
}

/*
 * Merges the recent level's matches into ids[0..*n) (the merged level's
 * first offset + limit + 1 by score, scores[] theirs; room for that many),
 * then drops the offset: *n (IN/OUT) becomes the page's count (up to
 * limit + 1). The statement's scores come as text (SQLite: fifteen digits;
 * PostgreSQL: numeric) and the recent ones are computed here in double:
 * scores within a relative 1e-9 are taken as equal, as the statement
 * would find two complaints of the same counts and length, and ordered by
 * id like it.
 */
static int score_cmp(double a, int64_t a_id, double b, int64_t b_id)
{
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    if (fabs(a - b) > 1e-9 * scale)
        return a > b ? 1 : -1;
    return (a_id > b_id) - (a_id < b_id);
}

static int merge_ranked(db_conn *c, const complaint_filter *f, int64_t *ids, double *scores, size_t *n)
{
    const search_recent *r = f->recent;
    db_where w;
    recent_where(&w, c, f, "SELECT id");
    db_stmt *st = db_prepv(c, w.sql.data, w.v);
    /* Those that pass the list's conditions, newest first as r holds them. */
    bool *pass = xcalloc(r->n, sizeof *pass);
    int rc = STORE_ERROR;
    while (st && (rc = db_step(st)) == DB_ROW)
        for (size_t k = 0; k < r->n; k++)
            pass[k] = pass[k] || r->ids[k] == db_int(st, 0);
    if (st)
        db_reset(st);
    db_where_release(&w);
    size_t want = (size_t)f->limit + 1 + (size_t)f->offset, m = 0;
    int64_t *mid = xcalloc(r->n + 1, sizeof *mid);
    double *ms = xcalloc(r->n + 1, sizeof *ms);
    for (size_t k = 0; rc == 0 && k < r->n; k++) {
        if (!pass[k])
            continue;
        /* Insertion by (score, id) descending: the matches are few. */
        size_t at = m;
        ms[m] = r->scores[k];
        mid[m] = r->ids[k];
        while (at > 0 && score_cmp(ms[at - 1], mid[at - 1], ms[at], mid[at]) < 0) {
            double ts = ms[at - 1];
            int64_t ti = mid[at - 1];
            ms[at - 1] = ms[at], mid[at - 1] = mid[at];
            ms[at] = ts, mid[at] = ti;
            at--;
        }
        m++;
    }
    /* The two rankings merged (each keeps its own order), the offset skipped. */
    int64_t *out = xcalloc(want, sizeof *out);
    size_t i = 0, j = 0, k = 0;
    while (rc == 0 && k < want && (i < *n || j < m)) {
        bool take_recent = i == *n || (j < m && score_cmp(ms[j], mid[j], scores[i], ids[i]) > 0);
        out[k++] = take_recent ? mid[j++] : ids[i++];
    }
    size_t skip = k < (size_t)f->offset ? k : (size_t)f->offset;
    memcpy(ids, out + skip, (k - skip) * sizeof *ids);
    *n = rc == 0 ? k - skip : 0;
    free(out);
    free(mid);
    free(ms);
    free(pass);
    if (rc == DB_ROW)
        rc = 0;
    return rc;
}

/*
 * A page by relevance in two statements: the page's ids ranked over the
 * index and the scope's covering index, then only their rows — sorting
 * every match's whole row (kilobytes) to keep fifty took most of the time.
 */
static int read_ranked(db_conn *c, const complaint_filter *f, complaint_page *out)
{
    db_where w;
    list_where(&w, c, f, LIST_RANKED);
    /* With matches in the recent level, the merged level's first offset +
     * limit + 1 are merged with them, and the offset skipped after. */
    bool recent = f->recent && f->recent->n;
    size_t want = (size_t)f->limit + 1 + (recent ? (size_t)f->offset : 0);
    db_stmt *st = db_where_prepare(&w, c, " ORDER BY score DESC, t0.complaint_id DESC LIMIT ? OFFSET ?", (int64_t)want);
    if (st)
        db_bind_int(st, (int)w.n + 2, recent ? 0 : f->offset);
    int64_t *ids = xcalloc(want, sizeof *ids);
    double *scores = xcalloc(want, sizeof *scores);
    size_t n = 0;
    int rc = STORE_ERROR;
    while (st && (rc = db_step(st)) == DB_ROW && n < want) {
        const char *score = db_text(st, 1);
        scores[n] = score ? strtod(score, NULL) : 0;
        ids[n++] = db_int(st, 0);
    }
    if (st)
        db_reset(st);
    db_where_release(&w);
    if (rc == DB_ROW)
        rc = 0;
    if (rc == 0 && recent)
        rc = merge_ranked(c, f, ids, scores, &n);
    free(scores);
    out->more = n > (size_t)f->limit;
    if (out->more)
        n = (size_t)f->limit;
    if (rc == 0 && n) {
        bool summary = !f->full && db_dialect(c) == DB_SQLITE;
        db_where_init(&w, summary ? "SELECT " C_COLS_SUMMARY_SQLITE " FROM complaints WHERE 1 = 1"
                                  : "SELECT " C_COLS " FROM complaints WHERE 1 = 1");
        db_where_ids(&w, c, "id", ids, n);
        complaint_page rows = {.items = xcalloc(n, sizeof *rows.items)};
        complaint_filter all = {.limit = (int)n};
        st = db_prepv(c, w.sql.data, w.v);
        rc = st ? read_rows(st, &all, &rows) : STORE_ERROR;
        db_where_release(&w);
        /* In the ranking's order. */
        for (size_t i = 0; rc == 0 && i < n; i++)
            for (size_t k = 0; k < rows.n; k++)
                if (rows.items[k].id == ids[i]) {
                    out->items[out->n++] = rows.items[k];
                    rows.items[k].id = 0;
                    complaint_init(&rows.items[k]);
                    break;
                }
        complaint_page_release(&rows);
    }
    free(ids);
    return rc;
}

/* The list's order and its limit (id_col: the complaint's id in the statement) into out[0..n). */
static const char *order_limit(const db_conn *c, const complaint_filter *f, const char *id_col, char *out, size_t n)
{
    if (f->sort_priority)
        snprintf(out, n, " ORDER BY %s, stage_due, id LIMIT ?", json_col(c, J_PRIORITY_ORDER));
    else if (f->sort_deadline)
        snprintf(out, n, " ORDER BY stage_due, id LIMIT ?");
    else
        snprintf(out, n, " ORDER BY %s DESC LIMIT ?", id_col);
    return out;
}

static int read_page(db_conn *c, const complaint_filter *f, complaint_page *out)
{
    db_where w;
    char order[200];
    list_where(&w, c, f, LIST_ROWS);
    db_stmt *st = db_where_prepare(&w, c, order_limit(c, f, f->n_terms ? "t0.complaint_id" : "id", order, sizeof order),
                                   f->limit + 1);
    int rc = read_rows(st, f, out);
    db_where_release(&w);
    return rc;
}

/* Before b in the list's order (by priority, by deadline, else newest first). */
static bool comes_before(const complaint_filter *f, const complaint *a, const complaint *b)
{
    if (!f->sort_deadline && !f->sort_priority)
        return a->id > b->id;
    int pa = rules_priority_order(json_string_value(json_object_get(a->data, "priority")));
    int pb = rules_priority_order(json_string_value(json_object_get(b->data, "priority")));
    if (f->sort_priority && pa != pb)
        return pa < pb;
    int64_t x = a->stage_due ? a->stage_due : STORE_DUE_NONE, y = b->stage_due ? b->stage_due : STORE_DUE_NONE;
    return x < y || (x == y && a->id < b->id);
}

/* Merges the page of the recent level's matches into out, the merged level's page, in the list's order. */
static int merge_recent_page(db_conn *c, const complaint_filter *f, complaint_page *out)
{
    bool summary = !f->full && db_dialect(c) == DB_SQLITE;
    db_where w;
    recent_where(&w, c, f, summary ? "SELECT " C_COLS_SUMMARY_SQLITE : "SELECT " C_COLS);
    cursor_where(&w, c, f, "id");
    char order[200];
    db_stmt *st = db_where_prepare(&w, c, order_limit(c, f, "id", order, sizeof order), f->limit + 1);
    complaint_page extra = {.items = xcalloc((size_t)f->limit + 1, sizeof *extra.items)};
    int rc = read_rows(st, f, &extra);
    db_where_release(&w);
    if (rc == 0) {
        complaint *both = xcalloc(out->n + extra.n + 1, sizeof *both);
        size_t i = 0, j = 0, k = 0;
        while (i < out->n || j < extra.n)
            both[k++] = j == extra.n || (i < out->n && comes_before(f, &out->items[i], &extra.items[j]))
                            ? out->items[i++]
                            : extra.items[j++];
        out->more = out->more || extra.more || k > (size_t)f->limit;
        out->n = k < (size_t)f->limit ? k : (size_t)f->limit;
        memcpy(out->items, both, out->n * sizeof *both);
        for (size_t d = out->n; d < k; d++)
            complaint_release(&both[d]);
        free(both);
        extra.n = 0; /* moved */
    }
    complaint_page_release(&extra);
    return rc;
}

static int read_list(db_conn *c, void *arg)
{
    struct list_arg *a = arg;
    const complaint_filter *f = a->f;
    complaint_page *out = a->out;
    for (size_t k = 0; k < out->n; k++)
        complaint_release(&out->items[k]);
    out->n = 0;
    out->more = false;
    if (!f->n_terms)
        return read_page(c, f, out);
    int rc = rows_search_begin(c);
    if (rc)
        return rc;
    search_recent r;
    rc = rows_search_recent(c, f, &r);
    complaint_filter g = *f;
    g.recent = &r;
    if (rc == 0)
        rc = f->sort_relevance ? read_ranked(c, &g, out) : read_page(c, &g, out);
    if (rc == 0 && !f->sort_relevance && r.n)
        rc = merge_recent_page(c, &g, out);
    search_recent_release(&r);
    return rows_search_end(c, rc);
}

struct total_arg {
    const complaint_filter *f;
    int64_t n;
};

/* The count of w's statement added to *n; w released. */
static int add_count(db_conn *c, db_where *w, int64_t *n)
{
    db_stmt *st = db_prepv(c, w->sql.data, w->v);
    int rc = st ? db_step(st) : STORE_ERROR;
    if (rc == DB_ROW) {
        *n += db_int(st, 0);
        rc = 0;
    }
    if (st)
        db_reset(st);
    db_where_release(w);
    return rc;
}

static int read_total(db_conn *c, void *arg)
{
    struct total_arg *a = arg;
    db_where w;
    a->n = 0;
    if (!a->f->n_terms) {
        list_where(&w, c, a->f, LIST_COUNT);
        return add_count(c, &w, &a->n);
    }
    /* A search: the merged level's matches and the recent level's, in one snapshot. */
    int rc = rows_search_begin(c);
    if (rc)
        return rc;
    search_recent r;
    rc = rows_search_recent(c, a->f, &r);
    complaint_filter g = *a->f;
    g.recent = &r;
    if (rc == 0) {
        list_where(&w, c, &g, LIST_COUNT);
        rc = add_count(c, &w, &a->n);
    }
    if (rc == 0 && r.n) {
        recent_where(&w, c, &g, "SELECT COUNT(*)");
        rc = add_count(c, &w, &a->n);
    }
    search_recent_release(&r);
    return rows_search_end(c, rc);
}

int store_complaint_total(store *s, const complaint_filter *f, int64_t *n)
{
    struct total_arg a = {f, 0};
    int rc = db_run_read(s, "complaint_total", read_total, &a);
    *n = rc ? 0 : a.n;
    return rc;
}

int store_complaint_list(store *s, const complaint_filter *f, complaint_page *out)
{
    out->items = xcalloc((size_t)f->limit + 1, sizeof *out->items);
    out->n = 0;
    out->more = false;
    struct list_arg a = {f, out};
    return db_run_read(s, "complaint_list", read_list, &a);
}

/* ---- the timeline ------------------------------------------------------------- */

struct events_arg {
    int64_t complaint_id;
    event_list *out;
};

static void read_event(db_stmt *st, int64_t complaint_id, event *e)
{
    event_init(e);
    e->id = db_int(st, 0);
    int64_t seq = db_int(st, 1), at = db_int(st, 3), by = db_int(st, 4);
    const char *action = db_text(st, 2);
    if (!action)
        action = "";
    /* The typed columns are what the body claims; a mismatch is what
     * verification reports, so keep both: fields from the body, and the
     * column values where the body cannot be parsed. */
    char *body = db_text_dup(st, 7);
    if (!body || event_from_body(e, body) != 0) {
        e->complaint_id = complaint_id;
        e->seq = seq;
        snprintf(e->action, sizeof e->action, "%s", action);
        e->at = at;
        e->actor = by;
        e->body = NULL;
    }
    if (e->seq != seq || strcmp(e->action, action) != 0 || e->at != at || e->actor != by)
        e->seq = -e->seq - 1; /* flags a row whose columns disagree with its body */
    size_t n;
    const void *p = db_blob(st, 5, &n);
    if (p && n == 32)
        memcpy(e->prev, p, 32);
    p = db_blob(st, 6, &n);
    if (p && n == 32)
        memcpy(e->hash, p, 32);
}

static int read_events(db_conn *c, void *arg)
{
    struct events_arg *a = arg;
    event_list_release(a->out);
    db_stmt *st = db_prepv(c,
                           "SELECT id, seq, action, at, actor, prev, hash, body FROM events "
                           "WHERE complaint_id = ? ORDER BY seq",
                           DB_VALS(DB_INT(a->complaint_id)));
    if (!st)
        return STORE_ERROR;
    size_t cap = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (a->out->n == cap) {
            cap = cap ? cap * 2 : 16;
            a->out->items = xrealloc(a->out->items, cap * sizeof *a->out->items);
        }
        read_event(st, a->complaint_id, &a->out->items[a->out->n++]);
    }
    db_reset(st);
    return rc;
}

int store_event_list(store *s, int64_t complaint_id, event_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct events_arg a = {complaint_id, out};
    int rc = db_run_read(s, "event_list", read_events, &a);
    if (rc)
        event_list_release(out);
    return rc;
}

/* ---- every id, the count, the sweeper's queue ------------------------------------ */

enum { ID_PAGE = 1000 };

struct ids_arg {
    int64_t after;
    int64_t ids[ID_PAGE];
    int n;
};

static int read_id_page(db_conn *c, void *arg)
{
    struct ids_arg *a = arg;
    a->n = 0;
    db_stmt *st =
        db_prepv(c, "SELECT id FROM complaints WHERE id > ? ORDER BY id LIMIT 1000", DB_VALS(DB_INT(a->after)));
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && a->n < ID_PAGE)
        a->ids[a->n++] = db_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int store_complaint_ids(store *s, int (*fn)(int64_t id, void *arg), void *arg)
{
    /* Pages of ids, so that no statement stays open (and no connection is
     * held) while fn reads. */
    struct ids_arg *a = xcalloc(1, sizeof *a);
    int rc;
    for (;;) {
        if ((rc = db_run_read(s, "complaint_ids", read_id_page, a)))
            break;
        int i = 0;
        while (i < a->n && !fn(a->ids[i], arg))
            i++;
        if (i < a->n || a->n < ID_PAGE)
            break;
        a->after = a->ids[a->n - 1];
    }
    free(a);
    return rc;
}

int store_complaint_count(store *s, int64_t *n)
{
    return db_read_int(s, "complaint_count", "SELECT COUNT(*) FROM complaints", NULL, n);
}

struct due_arg {
    int64_t now, after_key, after_id;
    int max;
    int64_t *ids, *keys;
    size_t n;
};

static int read_due(db_conn *c, void *arg)
{
    struct due_arg *a = arg;
    a->n = 0;
    /* A range scan of complaints_next_check: only due rows are read. */
    db_stmt *st =
        db_prepv(c,
                 db_dialect(c) == DB_PG ? "SELECT id, next_check_at FROM complaints WHERE is_open = 1 "
                                          "AND next_check_at <= ? AND (next_check_at, id) > (CAST(? AS BIGINT), "
                                          "CAST(? AS BIGINT)) ORDER BY next_check_at, id LIMIT ?"
                                        : "SELECT id, next_check_at FROM complaints WHERE is_open = 1 "
                                          "AND next_check_at <= ? AND (next_check_at, id) > (?, ?) "
                                          "ORDER BY next_check_at, id LIMIT ?",
                 DB_VALS(DB_INT(a->now), DB_INT(a->after_key), DB_INT(a->after_id), DB_INT(a->max)));
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW && (int)a->n < a->max) {
        a->ids[a->n] = db_int(st, 0);
        a->keys[a->n] = db_int(st, 1);
        a->n++;
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int store_complaint_due(store *s, int64_t now, int64_t after_key, int64_t after_id, int max, int64_t *ids,
                        int64_t *keys, size_t *n)
{
    struct due_arg a = {now, after_key, after_id, max, ids, keys, 0};
    int rc = db_run_read(s, "complaint_due", read_due, &a);
    *n = rc ? 0 : a.n;
    return rc;
}

typedef struct aging_row {
    int64_t id;
} aging_row;
static const db_col aging_cols[] = {DB_COLS(aging_row, id), {0}};

int store_complaint_aging(store *s, int64_t received_before, int reopens, int64_t after_id, int max, int64_t **ids,
                          size_t *n)
{
    /* An absent part holds for nothing: no complaint has received_at 0 or reopens INT32_MAX. */
    return db_read_list(s, "complaint_aging",
                        "SELECT id FROM complaints WHERE is_open = 1 AND id > ? AND (received_at <= ? OR reopens >= ?) "
                        "ORDER BY id LIMIT ?",
                        DB_VALS(DB_INT(after_id), DB_INT(received_before ? received_before : 0),
                                DB_INT(reopens ? reopens : INT32_MAX), DB_INT(max)),
                        aging_cols, sizeof(aging_row), (void **)ids, n);
}

/* ---- the overview's counts ---------------------------------------------------------- */

struct days_arg {
    int64_t from_day, to_day;
    day_stat *days;
    size_t n;
};

static int read_days(db_conn *c, void *arg)
{
    struct days_arg *a = arg;
    a->n = 0;
    db_stmt *st = db_prepv(c,
                           "SELECT day, received, closed, closed_on_time, first_contact FROM daily_stats "
                           "WHERE day >= ? AND day <= ? ORDER BY day",
                           DB_VALS(DB_INT(a->from_day), DB_INT(a->to_day)));
    if (!st)
        return STORE_ERROR;
    size_t cap = (size_t)(a->to_day - a->from_day + 1);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && a->n < cap) {
        day_stat *d = &a->days[a->n++];
        d->day = db_int(st, 0);
        d->received = db_int(st, 1);
        d->closed = db_int(st, 2);
        d->closed_on_time = db_int(st, 3);
        d->first_contact = db_int(st, 4);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int store_stats_days(store *s, int64_t from_day, int64_t to_day, day_stat **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (to_day < from_day || to_day - from_day > 3660)
        return STORE_ERROR; /* a programmer error: the API asks for bounded windows */
    struct days_arg a = {from_day, to_day, xcalloc((size_t)(to_day - from_day + 1), sizeof *a.days), 0};
    int rc = db_run_read(s, "stats_days", read_days, &a);
    if (rc) {
        free(a.days);
        return rc;
    }
    *out = a.days;
    *n = a.n;
    return 0;
}

struct status_arg {
    int64_t now;
    int64_t *counts;
    int64_t overdue;
    /* stats_scope */
    const int64_t *units;
    size_t nunits;
    int tz;
    int64_t from_day, to_day;
    day_stat *days;
};

/* Counts by status (the columns status, count, overdue of st) into a->counts and a->overdue. */
static int read_status_counts(db_stmt *st, struct status_arg *a)
{
    memset(a->counts, 0, sizeof(int64_t) * ST__COUNT);
    a->overdue = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t k = db_int(st, 0);
        if (k > 0 && k < ST__COUNT)
            a->counts[k] = db_int(st, 1);
        a->overdue += db_int(st, 2);
    }
    db_reset(st);
    return rc;
}

static int read_status(db_conn *c, void *arg)
{
    struct status_arg *a = arg;
    memset(a->counts, 0, sizeof(int64_t) * ST__COUNT);
    db_stmt *st = db_prepare(c, "SELECT status, COUNT(*) FROM complaints GROUP BY status");
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t k = db_int(st, 0);
        if (k > 0 && k < ST__COUNT)
            a->counts[k] = db_int(st, 1);
    }
    db_reset(st);
    if (rc)
        return rc;
    return db_intv(c, "SELECT COUNT(*) FROM complaints WHERE is_open = 1 AND stage_due < ?", DB_VALS(DB_INT(a->now)),
                   &a->overdue);
}

int store_stats_status(store *s, int64_t counts[ST__COUNT], int64_t now, int64_t *overdue)
{
    struct status_arg a = {.now = now, .counts = counts};
    int rc = db_run_read(s, "stats_status", read_status, &a);
    *overdue = rc ? 0 : a.overdue;
    return rc;
}

static int read_scope(db_conn *c, void *arg)
{
    struct status_arg *a = arg;
    db_where w;
    db_where_init(&w, "SELECT status, COUNT(*), SUM(CASE WHEN is_open = 1 AND stage_due < ? THEN 1 ELSE 0 END) "
                      "FROM complaints WHERE 1 = 1");
    db_where_val(&w, "", DB_INT(a->now));
    scope_clause(&w, c, a->units, a->nunits);
    buf_puts(&w.sql, " GROUP BY status");
    db_stmt *st = db_prepv(c, w.sql.data, w.v);
    int rc = st ? read_status_counts(st, a) : STORE_ERROR;
    db_where_release(&w);
    if (rc)
        return rc;
    /* The days' complaints: those received in them, then those closed in
     * them that were received before, each an index range (migration 027)
     * rather than one OR that no index serves. */
    int64_t from = a->from_day * 86400 - (int64_t)a->tz * 60;
    db_where_init(&w, "SELECT received_at, closed_at, overall_due, first_contact FROM complaints "
                      "WHERE received_at >= ?");
    db_where_val(&w, "", DB_INT(from));
    scope_clause(&w, c, a->units, a->nunits);
    buf_puts(&w.sql, " UNION ALL SELECT received_at, closed_at, overall_due, first_contact FROM complaints "
                     "WHERE closed_at >= ? AND received_at < ?");
    db_where_val(&w, "", DB_INT(from));
    db_where_val(&w, "", DB_INT(from));
    scope_clause(&w, c, a->units, a->nunits);
    rc = STORE_ERROR;
    if ((st = db_prepv(c, w.sql.data, w.v))) {
        for (int64_t d = a->from_day; d <= a->to_day; d++)
            a->days[d - a->from_day] = (day_stat){.day = d};
        while ((rc = db_step(st)) == DB_ROW)
            store_day_stats_add(a->days, a->from_day, a->to_day, a->tz, db_int(st, 0), db_int(st, 1), db_int(st, 2),
                                db_int(st, 3) != 0);
        db_reset(st);
    }
    db_where_release(&w);
    return rc;
}

int store_stats_scope(store *s, const int64_t *units, size_t n, int64_t now, int tz, int64_t from_day, int64_t to_day,
                      int64_t counts[ST__COUNT], int64_t *overdue, day_stat **days)
{
    struct status_arg a = {
        .now = now,
        .counts = counts,
        .units = units,
        .nunits = n,
        .tz = tz,
        .from_day = from_day,
        .to_day = to_day,
        .days = xcalloc((size_t)(to_day - from_day + 1), sizeof *a.days),
    };
    int rc = db_run_read(s, "stats_scope", read_scope, &a);
    if (rc) {
        free(a.days);
        a.days = NULL;
        memset(counts, 0, sizeof(int64_t) * ST__COUNT);
    }
    *overdue = rc ? 0 : a.overdue;
    *days = a.days;
    return rc;
}

struct workload_arg {
    const int64_t *units;
    size_t n;
    int64_t now;
    workload_row *rows;
    size_t nrows, cap;
};

static int read_workload(db_conn *c, void *arg)
{
    struct workload_arg *a = arg;
    db_where w;
    db_where_init(&w, "");
    buf_printf(&w.sql, "SELECT owner_unit, %s, COUNT(*), SUM(CASE WHEN stage_due < ? THEN 1 ELSE 0 END) "
                       "FROM complaints WHERE is_open = 1", json_col(c, J_ASSIGNEE));
    db_where_val(&w, "", DB_INT(a->now));
    db_where_ids(&w, c, "owner_unit", a->units, a->n);
    buf_puts(&w.sql, " GROUP BY 1, 2 ORDER BY 1, 2");
    db_stmt *st = db_prepv(c, w.sql.data, w.v);
    int rc = STORE_ERROR;
    if (st) {
        a->nrows = 0; /* a retried unit of work starts again */
        while ((rc = db_step(st)) == DB_ROW) {
            if (a->nrows == a->cap) {
                a->cap = a->cap ? a->cap * 2 : 32;
                a->rows = xrealloc(a->rows, a->cap * sizeof *a->rows);
            }
            a->rows[a->nrows++] = (workload_row){db_int(st, 0), db_int(st, 1), db_int(st, 2), db_int(st, 3)};
        }
        db_reset(st);
    }
    db_where_release(&w);
    return rc;
}

int store_workload(store *s, const int64_t *units, size_t n, int64_t now, workload_row **out, size_t *nout)
{
    struct workload_arg a = {.units = units, .n = n, .now = now};
    int rc = n ? db_run_read(s, "workload", read_workload, &a) : 0;
    if (rc) {
        free(a.rows);
        a.rows = NULL;
        a.nrows = 0;
    }
    *out = a.rows;
    *nout = a.nrows;
    return rc;
}
