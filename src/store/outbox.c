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
    db_stmt *st = db_prepare(c, "INSERT INTO outbox (created_at, complaint_id, channel, recipient_user, "
                                "recipient_unit, template, payload, idempotency_key, event_id) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, m->created_at ? m->created_at : at);
    db_bind_id(st, 2, m->complaint_id);
    db_bind_text(st, 3, m->channel);
    db_bind_id(st, 4, m->recipient_user);
    db_bind_id(st, 5, m->recipient_unit);
    db_bind_text(st, 6, m->template_name);
    db_bind_text(st, 7, m->payload ? m->payload : "{}");
    db_bind_text(st, 8, m->key);
    db_bind_id(st, 9, event_id);
    return db_done(st);
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

#define OUTBOX_SELECT                                                                                     \
    "SELECT id, created_at, COALESCE(complaint_id, 0), channel, COALESCE(recipient_user, 0), "          \
    "COALESCE(recipient_unit, 0), template, payload, idempotency_key, status, attempts FROM outbox "

static void read_message(db_stmt *st, void *item)
{
    outbox_msg *m = item;
    m->id = db_int(st, 0);
    m->created_at = db_int(st, 1);
    m->complaint_id = db_int(st, 2);
    db_text_to(st, 3, m->channel, sizeof m->channel);
    m->recipient_user = db_int(st, 4);
    m->recipient_unit = db_int(st, 5);
    db_text_to(st, 6, m->template_name, sizeof m->template_name);
    m->payload = db_text_dup(st, 7);
    db_text_to(st, 8, m->key, sizeof m->key);
    db_text_to(st, 9, m->status, sizeof m->status);
    m->attempts = (int)db_int(st, 10);
}

struct outbox_list_arg {
    int64_t complaint_id;
    outbox_list *out;
};

static int read_messages(db_conn *c, void *arg)
{
    struct outbox_list_arg *a = arg;
    outbox_list_release(a->out);
    char from[32], to[32];
    snprintf(from, sizeof from, "c%lld/", (long long)a->complaint_id);
    snprintf(to, sizeof to, "c%lld0", (long long)a->complaint_id);
    db_stmt *st;
    if (!a->complaint_id)
        st = db_prepare(c, OUTBOX_SELECT "ORDER BY id DESC LIMIT 500");
    else if (db_dialect(c) == DB_PG)
        /* PostgreSQL keeps every key unique (migration 007): a complaint's rows are found by its id. */
        st = db_prepare(c, OUTBOX_SELECT "WHERE complaint_id = ? ORDER BY id DESC LIMIT 500");
    else
        /* A complaint's rows: those written with one of its events, found
         * through them, and those of no event (and the ones written before
         * migration 007), whose keys run from "c<id>/" up to "c<id>0" ('0'
         * follows '/'). */
        st = db_prepare(c, OUTBOX_SELECT "WHERE event_id IN (SELECT id FROM events WHERE complaint_id = ?) "
                                         "AND event_id IS NOT NULL UNION ALL " OUTBOX_SELECT
                                         "WHERE event_id IS NULL AND idempotency_key >= ? AND idempotency_key < ? "
                                         "ORDER BY id DESC LIMIT 500");
    if (!st)
        return STORE_ERROR;
    if (a->complaint_id) {
        db_bind_int(st, 1, a->complaint_id);
        if (db_dialect(c) != DB_PG) {
            db_bind_text(st, 2, from);
            db_bind_text(st, 3, to);
        }
    }
    outbox_list *l = a->out;
    return db_collect(st, (void **)&l->items, &l->n, sizeof *l->items, read_message);
}

int store_outbox_list(store *s, int64_t complaint_id, outbox_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct outbox_list_arg a = {complaint_id, out};
    int rc = db_run_read(s, "outbox_list", read_messages, &a);
    if (rc)
        outbox_list_release(out);
    return rc;
}

/* ---- supervisions ---------------------------------------------------------------- */

static void read_supervision(db_stmt *st, void *item)
{
    supervision *v = item;
    v->id = db_int(st, 0);
    v->complaint_id = db_int(st, 1);
    v->event_seq = db_int(st, 2);
    db_text_to(st, 3, v->clock, sizeof v->clock);
    v->level = (int)db_int(st, 4);
    v->unit = db_int(st, 5);
    v->supervisor_user = db_int(st, 6);
    v->deadline = db_int(st, 7);
    v->created_at = db_int(st, 8);
    db_text_to(st, 9, v->status, sizeof v->status);
    v->closed_at = db_int(st, 10);
    v->closed_by = db_int(st, 11);
    v->note = db_text_dup(st, 12);
}

struct sup_list_arg {
    const supervision_filter *f;
    supervision_list *out;
};

static int read_supervisions(db_conn *c, void *arg)
{
    struct sup_list_arg *a = arg;
    const supervision_filter *f = a->f;
    supervision_list_release(a->out);
    db_where w;
    db_where_init(&w, "SELECT id, complaint_id, event_seq, clock, level, unit, COALESCE(supervisor_user, 0), "
                      "deadline, created_at, status, COALESCE(closed_at, 0), COALESCE(closed_by, 0), note "
                      "FROM supervisions WHERE 1 = 1");
    db_where_text(&w, " AND status = ?", f->status);
    db_where_int(&w, " AND complaint_id = ?", f->complaint_id);
    db_where_int(&w, " AND id = ?", f->id);
    db_where_ids(&w, c, "unit", f->units, f->n_units);
    db_stmt *st = db_where_prepare(&w, c, " ORDER BY id DESC LIMIT ?", f->limit > 0 ? f->limit : 200);
    supervision_list *l = a->out;
    int rc = st ? db_collect(st, (void **)&l->items, &l->n, sizeof *l->items, read_supervision) : STORE_ERROR;
    db_where_release(&w);
    return rc;
}

int store_supervision_list(store *s, const supervision_filter *f, supervision_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct sup_list_arg a = {f, out};
    int rc = db_run_read(s, "supervision_list", read_supervisions, &a);
    if (rc)
        supervision_list_release(out);
    return rc;
}

int rows_supervision_insert(db_conn *c, const supervision *v)
{
    db_stmt *st = db_prepare(c, "INSERT INTO supervisions (complaint_id, event_seq, clock, level, unit, "
                                "supervisor_user, deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, v->complaint_id);
    db_bind_int(st, 2, v->event_seq);
    db_bind_text(st, 3, v->clock);
    db_bind_int(st, 4, v->level);
    db_bind_int(st, 5, v->unit);
    db_bind_id(st, 6, v->supervisor_user);
    db_bind_int(st, 7, v->deadline);
    db_bind_int(st, 8, v->created_at);
    return db_done(st);
}

struct sup_close_arg {
    int64_t id, by, at;
    const char *note;
};

static int close_supervision(db_conn *c, void *arg)
{
    struct sup_close_arg *a = arg;
    db_stmt *st = db_prepare(c, "UPDATE supervisions SET status = 'closed', closed_at = ?, closed_by = ?, note = ? "
                                "WHERE id = ? AND status = 'open'");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->at);
    db_bind_int(st, 2, a->by);
    db_bind_text(st, 3, a->note);
    db_bind_int(st, 4, a->id);
    int rc = db_done_changed(st);
    return rc == STORE_NOTFOUND ? db_exists_conflict(c, "SELECT 1 FROM supervisions WHERE id = ?", a->id) : rc;
}

int store_supervision_close(store *s, int64_t id, int64_t by, int64_t at, const char *note)
{
    struct sup_close_arg a = {id, by, at, note};
    return db_run_write(s, "supervision_close", close_supervision, &a, 0);
}
