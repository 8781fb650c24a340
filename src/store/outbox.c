/*
 * outbox: the notifications waiting to be delivered (the outbox rows a
 * rule or an incident queues, and the listing of a complaint's), and the
 * supervision orders (督办) a breached time limit leaves, written once for
 * both backends over the driver (driver.h), with the writers of the rows
 * that a complaint's event brings (rows.h, complaints_write.c).
 */
#include <stdio.h>

#include "store/driver.h"
#include "store/rows.h"
#include "store/store.h"

/* ---- the outbox ----------------------------------------------------------------- */

int rows_outbox_insert(db_conn *c, const outbox_msg *m, int64_t at, int64_t event_id)
{
    return db_execv(c,
                    "INSERT INTO outbox (created_at, complaint_id, channel, recipient_user, recipient_unit, template, "
                    "payload, idempotency_key, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_VALS(DB_INT(m->created_at ? m->created_at : at), DB_ID(m->complaint_id), DB_TEXT(m->channel),
                            DB_ID(m->recipient_user), DB_ID(m->recipient_unit), DB_TEXT(m->template_name),
                            DB_TEXT(m->payload ? m->payload : "{}"), DB_TEXT(m->key), DB_ID(event_id)));
}

struct outbox_add_arg {
    const outbox_msg *m;
    size_t n;
};

static int insert_messages(db_conn *c, void *arg)
{
    struct outbox_add_arg *a = arg;
    int rc = 0;
    for (size_t i = 0; i < a->n && !rc; i++)
        rc = rows_outbox_insert(c, &a->m[i], 0, 0);
    return rc;
}

int store_outbox_add(store *s, const outbox_msg *m, size_t n)
{
    struct outbox_add_arg a = {m, n};
    return n ? db_run_write(s, "outbox_add", insert_messages, &a, 0) : 0;
}

#define OUTBOX_SELECT                                                                                                  \
    "SELECT id, created_at, COALESCE(complaint_id, 0), channel, COALESCE(recipient_user, 0), "                         \
    "COALESCE(recipient_unit, 0), template, payload, idempotency_key, status, attempts FROM outbox "

static const db_col outbox_cols[] = {DB_COLS(outbox_msg, id, created_at, complaint_id, channel, recipient_user,
                                             recipient_unit, template_name, payload, key, status, attempts),
                                     {0}};

int store_outbox_list(store *s, int64_t complaint_id, outbox_list *out)
{
    void **items = (void **)&out->items;
    if (!complaint_id)
        return db_read_list(s, "outbox_list", OUTBOX_SELECT "ORDER BY id DESC LIMIT 500", NULL, outbox_cols,
                            sizeof *out->items, items, &out->n);
    if (db_store_dialect(s) == DB_PG)
        /* PostgreSQL keeps every key unique (migration 007): a complaint's rows are found by its id. */
        return db_read_list(s, "outbox_list", OUTBOX_SELECT "WHERE complaint_id = ? ORDER BY id DESC LIMIT 500",
                            DB_VALS(DB_INT(complaint_id)), outbox_cols, sizeof *out->items, items, &out->n);
    /* A complaint's rows: those written with one of its events, found
     * through them, and those of no event (and the ones written before
     * migration 007), whose keys run from "c<id>/" up to "c<id>0" ('0'
     * follows '/'). */
    char from[32], to[32];
    snprintf(from, sizeof from, "c%lld/", (long long)complaint_id);
    snprintf(to, sizeof to, "c%lld0", (long long)complaint_id);
    return db_read_list(s, "outbox_list",
                        OUTBOX_SELECT "WHERE event_id IN (SELECT id FROM events WHERE complaint_id = ?) "
                                      "AND event_id IS NOT NULL UNION ALL " OUTBOX_SELECT
                                      "WHERE event_id IS NULL AND idempotency_key >= ? AND idempotency_key < ? "
                                      "ORDER BY id DESC LIMIT 500",
                        DB_VALS(DB_INT(complaint_id), DB_TEXT(from), DB_TEXT(to)), outbox_cols, sizeof *out->items,
                        items, &out->n);
}

/* ---- supervisions ---------------------------------------------------------------- */

static const db_col supervision_cols[] = {DB_COLS(supervision, id, complaint_id, event_seq, clock, level, unit,
                                                  supervisor_user, deadline, created_at, status, closed_at, closed_by,
                                                  note),
                                          {0}};

static void supervision_where(db_where *w, db_conn *c, const void *filter)
{
    const supervision_filter *f = filter;
    db_where_text(w, " AND status = ?", f->status);
    db_where_int(w, " AND complaint_id = ?", f->complaint_id);
    db_where_int(w, " AND id = ?", f->id);
    db_where_ids(w, c, "unit", f->units, f->n_units);
}

int store_supervision_list(store *s, const supervision_filter *f, supervision_list *out)
{
    return db_read_where(s, "supervision_list",
                         "SELECT id, complaint_id, event_seq, clock, level, unit, COALESCE(supervisor_user, 0), "
                         "deadline, created_at, status, COALESCE(closed_at, 0), COALESCE(closed_by, 0), note "
                         "FROM supervisions WHERE 1 = 1",
                         supervision_where, f, " ORDER BY id DESC LIMIT ?", f->limit > 0 ? f->limit : 200,
                         supervision_cols, sizeof *out->items, (void **)&out->items, &out->n);
}

int rows_supervision_insert(db_conn *c, const supervision *v)
{
    return db_execv(c,
                    "INSERT INTO supervisions (complaint_id, event_seq, clock, level, unit, supervisor_user, "
                    "deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_VALS(DB_INT(v->complaint_id), DB_INT(v->event_seq), DB_TEXT(v->clock), DB_INT(v->level),
                            DB_INT(v->unit), DB_ID(v->supervisor_user), DB_INT(v->deadline), DB_INT(v->created_at)));
}

struct sup_close_arg {
    int64_t id, by, at;
    const char *note;
};

static int close_supervision(db_conn *c, void *arg)
{
    struct sup_close_arg *a = arg;
    int rc = db_changev(c,
                        "UPDATE supervisions SET status = 'closed', closed_at = ?, closed_by = ?, note = ? "
                        "WHERE id = ? AND status = 'open'",
                        DB_VALS(DB_INT(a->at), DB_INT(a->by), DB_TEXT(a->note), DB_INT(a->id)));
    return rc == STORE_NOTFOUND ? db_exists_conflict(c, "SELECT 1 FROM supervisions WHERE id = ?", a->id) : rc;
}

int store_supervision_close(store *s, int64_t id, int64_t by, int64_t at, const char *note)
{
    struct sup_close_arg a = {id, by, at, note};
    return db_run_write(s, "supervision_close", close_supervision, &a, 0);
}
