/*
 * rows: for src/store/ only. The row writers that a complaint's writes
 * (complaints_write.c) share with the aggregates whose tables they are —
 * each runs inside a unit of work (driver.h) and returns 0 or a STORE_*
 * code — and the stored form of the projection's deadline columns.
 */
#ifndef REDRESS_STORE_ROWS_H
#define REDRESS_STORE_ROWS_H

#include <stdint.h>

#include "store/driver.h"
#include "store/store.h"

/* The stored "no deadline" of the indexed deadline columns (they sort last). */
#define STORE_DUE_NONE 9000000000000000LL

/* outbox.c: one notification, created at m->created_at or else at; event_id
 * the event written with it in this transaction (migration 007), or 0. */
int rows_outbox_insert(db_conn *c, const outbox_msg *m, int64_t at, int64_t event_id);
/* outbox.c: a new supervision order, or (status "closed") the closing of an
 * open one of the complaint (STORE_CONFLICT when there is none). */
int rows_supervision_write(db_conn *c, const supervision *v);
/* ledger.c: a new entry, or (status "waived") the waiver of an active one
 * (STORE_CONFLICT when there is none). */
int rows_penalty_write(db_conn *c, const penalty *p);
/* ledger.c: a granted or requested compensation, or (approved / refused)
 * the decision of a pending one (STORE_CONFLICT when there is none). */
int rows_compensation_write(db_conn *c, const compensation *m);
/* attachments.c: what w does to its attachment (w->att_op), if anything. */
int rows_attachment_write(db_conn *c, const store_write *w);

/* incidents.c: a column of JSON text read into a json_t * member (DB_COL_FN; an
 * unreadable or NULL text reads as an empty object), and its drop. */
void rows_json_read(db_stmt *st, int i, void *member);
void rows_json_drop(void *member);

/* reports.c: " AND (…)", the condition of the indicator fact (core/report.h
 * report_fact) at now, with its values; nothing for RF_ALL. */
void store_report_where_fact(db_where *w, int fact, int64_t now);
/* " AND kind <> ?" for each of kinds[0..n): the kinds a report leaves out. */
void store_where_not_kinds(db_where *w, const char *const *kinds, size_t n);
/* reports.c: " INDEXED BY …" naming the reports' covering index where the dialect needs it said, else "". */
const char *store_report_index(const db_conn *c);

/* search.c: the terms t of the text a creation or step of complaint_id adds (NULL: none). */
int rows_search_add(db_conn *c, int64_t complaint_id, const search_terms *t);
/*
 * search.c: what a search sees of the index's recent level (one snapshot
 * with the merged level: rows_search_begin … rows_search_end, which
 * returns rc or the end's failure). any: the level holds rows, and the
 * merged level's part of a search leaves their complaints out (they are
 * judged here, on both levels' counts); ids[0..n): those of them that hold
 * every one of f's terms, newest first, with their BM25 scores (by f's
 * weights, when weighed); df[i]: the complaints holding f->terms[i] here
 * and not in the merged level. Owned by the caller: search_recent_release.
 */
typedef struct search_recent {
    bool any;
    int64_t *ids;
    double *scores;
    size_t n;
    int64_t df[SEARCH_QUERY_MAX];
} search_recent;
int rows_search_begin(db_conn *c);
int rows_search_end(db_conn *c, int rc);
int rows_search_recent(db_conn *c, const complaint_filter *f, search_recent *out);
void search_recent_release(search_recent *r);
/* search.c: every term of complaint_id (an erasure). */
int rows_search_erase(db_conn *c, int64_t complaint_id);
/*
 * search.c: " FROM …" of a list of f's terms, from the index's rows of its
 * rarest term (t0, f->driver) with each other term's; with rows, joined to
 * the complaints (for columns or conditions on them; SCOPE_COLUMNS: only
 * those of the index complaints_scope, for a count). And the column
 * "score" (BM25) after a list's columns.
 */
enum search_rows { SEARCH_NO_ROWS, SEARCH_ROWS, SEARCH_SCOPE_COLUMNS };
void rows_search_from(db_where *w, db_conn *c, const complaint_filter *f, enum search_rows rows);
void rows_search_score(db_where *w, db_conn *c, const complaint_filter *f);

#endif
