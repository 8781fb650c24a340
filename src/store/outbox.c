/*
 * outbox: the notifications waiting to be delivered (the outbox rows a
 * rule or an incident queues, and the listing of a complaint's), and the
 * supervision orders (督办) a breached time limit leaves, written once for
 * both backends over the driver (driver.h), with the writers of the rows
 * that a complaint's event brings (rows.h, complaints_write.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/rows.h"
#include "store/store.h"

/* ---- the outbox ----------------------------------------------------------------- */

int rows_outbox_insert(db_conn *c, const outbox_msg *m, int64_t at, int64_t event_id)
{
    return db_execv(c,
                    "INSERT INTO outbox (created_at, complaint_id, channel, recipient_user, recipient_unit, template, "
                    "payload, idempotency_key, event_id, target, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_VALS(DB_INT(m->created_at ? m->created_at : at), DB_ID(m->complaint_id), DB_TEXT(m->channel),
                            DB_ID(m->recipient_user), DB_ID(m->recipient_unit), DB_TEXT(m->template_name),
                            DB_TEXT(m->payload ? m->payload : "{}"), DB_TEXT(m->key), DB_ID(event_id),
                            DB_TEXT(*m->target ? m->target : NULL), DB_INT(m->next_at)));
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

#define OUTBOX_COLS                                                                                                    \
    "id, created_at, COALESCE(complaint_id, 0), channel, COALESCE(recipient_user, 0), COALESCE(recipient_unit, 0), "   \
    "template, payload, idempotency_key, status, attempts, next_at, sent_at, claim, retry_base, last_error, "          \
    "COALESCE(target, '')"
#define OUTBOX_SELECT "SELECT " OUTBOX_COLS " FROM outbox "

static const db_col outbox_cols[] = {DB_COLS(outbox_msg, id, created_at, complaint_id, channel, recipient_user,
                                             recipient_unit, template_name, payload, key, status, attempts, next_at,
                                             sent_at, claim, retry_base, last_error, target),
                                     {0}};

static int outbox_list_of(store *s, int64_t complaint_id, outbox_list *out);

int store_outbox_list(store *s, int64_t complaint_id, const char *status, outbox_list *out)
{
    if (!complaint_id && status)
        return db_read_list(s, "outbox_list", OUTBOX_SELECT "WHERE status = ? ORDER BY id DESC LIMIT 500",
                            DB_VALS(DB_TEXT(status)), outbox_cols, sizeof *out->items, (void **)&out->items, &out->n);
    int rc = outbox_list_of(s, complaint_id, out);
    /* A complaint's rows are few: its status filter is applied here. */
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (!status || strcmp(out->items[i].status, status) == 0) {
            out->items[k++] = out->items[i];
        } else {
            free(out->items[i].payload);
            free(out->items[i].last_error);
        }
    }
    out->n = k;
    return rc;
}

int store_outbox_get(store *s, int64_t id, outbox_msg *out)
{
    return db_read_row(s, "outbox_get", OUTBOX_SELECT "WHERE id = ?", DB_VALS(DB_INT(id)), outbox_cols, out);
}

static int outbox_list_of(store *s, int64_t complaint_id, outbox_list *out)
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

/* ---- delivery --------------------------------------------------------------------- */

struct claim_arg {
    const char *channel;
    int64_t now, lease;
    size_t max;
    outbox_list *out;
};

static int claim_rows(db_conn *c, void *arg)
{
    struct claim_arg *a = arg;
    outbox_list_release(a->out); /* a unit of work may run again (driver.h) */
    /* PostgreSQL: rows another node holds are skipped, not waited for; on
     * SQLite the writer runs one claim at a time. */
    db_stmt *st = db_prepv(
        c,
        db_dialect(c) == DB_PG
            ? "UPDATE outbox SET lease_until = ?, claim = claim + 1 WHERE id IN (SELECT id FROM outbox "
              "WHERE channel = ? AND status IN ('pending', 'failed') AND next_at <= ? AND lease_until <= ? "
              "ORDER BY next_at, id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " OUTBOX_COLS
            : "UPDATE outbox SET lease_until = ?, claim = claim + 1 WHERE id IN (SELECT id FROM outbox "
              "WHERE channel = ? AND status IN ('pending', 'failed') AND next_at <= ? AND lease_until <= ? "
              "ORDER BY next_at, id LIMIT ?) RETURNING " OUTBOX_COLS,
        DB_VALS(DB_INT(a->now + a->lease), DB_TEXT(a->channel), DB_INT(a->now), DB_INT(a->now), DB_INT((int64_t)a->max)));
    if (!st)
        return STORE_ERROR;
    return db_collect_cols(st, (void **)&a->out->items, &a->out->n, sizeof *a->out->items, outbox_cols);
}

int store_outbox_claim(store *s, const char *channel, int64_t now, int64_t lease, size_t max, outbox_list *out)
{
    struct claim_arg a = {channel, now, lease, max, out};
    *out = (outbox_list){0};
    /* A read first: the deliverer asks every second, and a write when
     * nothing is due would cost a transaction (SQLite: the writer's). */
    int64_t due = 0;
    int rc = db_read_int(s, "outbox_due",
                         "SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE channel = ? AND status IN ('pending', 'failed') "
                         "AND next_at <= ? AND lease_until <= ? LIMIT 1) AS due",
                         DB_VALS(DB_TEXT(channel), DB_INT(now), DB_INT(now)), &due);
    if (rc || !due)
        return rc;
    rc = db_run_write(s, "outbox_claim", claim_rows, &a, 0);
    if (rc)
        outbox_list_release(out);
    return rc;
}

/* One row's end (store_outbox_finish_batch): its rc is set. */
static int finish_row(db_conn *c, outbox_finish *f)
{
    const outbox_attempt *at = f->at;
    /* Only while the claim is still the sender's: a retry, a cancel or a
     * new claim after the lease ran out changed it. */
    int rc = db_changev(c,
                        "UPDATE outbox SET status = ?, attempts = attempts + ?, next_at = ?, sent_at = ?, "
                        "lease_until = 0, last_error = ? WHERE id = ? AND claim = ?",
                        DB_VALS(DB_TEXT(f->status), DB_INT(at ? 1 : 0), DB_INT(f->next_at), DB_INT(f->sent_at),
                                DB_TEXT(f->error), DB_INT(f->m->id), DB_INT(f->m->claim)));
    if (rc == STORE_NOTFOUND)
        return STORE_CONFLICT;
    if (rc || !at)
        return rc;
    return db_execv(c,
                    "INSERT INTO outbox_attempts (outbox_id, no, at, result, code, latency_ms, error) "
                    "SELECT id, attempts, ?, ?, ?, ?, ? FROM outbox WHERE id = ?",
                    DB_VALS(DB_INT(at->at), DB_TEXT(at->result), DB_INT(at->code), DB_INT(at->latency_ms),
                            DB_TEXT(at->error), DB_INT(f->m->id)));
}

struct finish_arg {
    outbox_finish *f;
    size_t n;
};

static int finish_rows(db_conn *c, void *arg)
{
    struct finish_arg *a = arg;
    for (size_t i = 0; i < a->n; i++) {
        /* A row whose claim was lost changed nothing: the others go on. */
        a->f[i].rc = finish_row(c, &a->f[i]);
        if (a->f[i].rc && a->f[i].rc != STORE_CONFLICT)
            return a->f[i].rc;
    }
    return 0;
}

int store_outbox_finish_batch(store *s, outbox_finish *f, size_t n)
{
    struct finish_arg a = {f, n};
    int rc = n ? db_run_write(s, "outbox_finish", finish_rows, &a, 0) : 0;
    for (size_t i = 0; rc && i < n; i++)
        f[i].rc = rc;
    return rc;
}

int store_outbox_finish(store *s, const outbox_msg *m, const char *status, int64_t next_at, int64_t sent_at,
                        const char *error, const outbox_attempt *at)
{
    outbox_finish f = {m, status, next_at, sent_at, error, at, 0};
    int rc = store_outbox_finish_batch(s, &f, 1);
    return rc ? rc : f.rc;
}

struct reset_arg {
    int64_t id, now;
    bool retry;
};

static int reset_row(db_conn *c, void *arg)
{
    struct reset_arg *a = arg;
    /* The claim changes too, so that a send in progress cannot undo it. */
    int rc = a->retry ? db_changev(c,
                                   "UPDATE outbox SET status = 'pending', next_at = ?, lease_until = 0, "
                                   "claim = claim + 1, retry_base = attempts WHERE id = ? AND status IN ('failed', 'dead')",
                                   DB_VALS(DB_INT(a->now), DB_INT(a->id)))
                      : db_changev(c,
                                   "UPDATE outbox SET status = 'cancelled', lease_until = 0, claim = claim + 1 "
                                   "WHERE id = ? AND status IN ('pending', 'failed', 'dead')",
                                   DB_VALS(DB_INT(a->id)));
    return rc == STORE_NOTFOUND ? db_exists_conflict(c, "SELECT 1 FROM outbox WHERE id = ?", a->id) : rc;
}

int store_outbox_retry(store *s, int64_t id, int64_t now)
{
    struct reset_arg a = {id, now, true};
    return db_run_write(s, "outbox_retry", reset_row, &a, 0);
}

int store_outbox_cancel(store *s, int64_t id)
{
    struct reset_arg a = {id, 0, false};
    return db_run_write(s, "outbox_cancel", reset_row, &a, 0);
}

static const db_col attempt_cols[] = {
    DB_COLS(outbox_attempt, outbox_id, no, at, result, code, latency_ms, error), {0}};

int store_outbox_attempts(store *s, int64_t id, outbox_attempt_list *out)
{
    return db_read_list(s, "outbox_attempts",
                        "SELECT outbox_id, no, at, result, code, latency_ms, error FROM outbox_attempts "
                        "WHERE outbox_id = ? ORDER BY no",
                        DB_VALS(DB_INT(id)), attempt_cols, sizeof *out->items, (void **)&out->items, &out->n);
}

struct counts_arg {
    const char *channel;
    outbox_counts *out;
};

static int count_rows(db_conn *c, void *arg)
{
    struct counts_arg *a = arg;
    static const char *const st[] = {"pending", "failed", "dead"};
    int64_t *to[] = {&a->out->pending, &a->out->failed, &a->out->dead};
    int rc = 0;
    for (int i = 0; i < 3 && !rc; i++)
        rc = db_intv(c, "SELECT COUNT(*) FROM outbox WHERE channel = ? AND status = ?",
                     DB_VALS(DB_TEXT(a->channel), DB_TEXT(st[i])), to[i]);
    return rc ? rc
              : db_intv(c, "SELECT COALESCE(MIN(created_at), 0) FROM outbox WHERE channel = ? AND status = 'pending'",
                        DB_VALS(DB_TEXT(a->channel)), &a->out->oldest_pending);
}

int store_outbox_counts(store *s, const char *channel, outbox_counts *out)
{
    struct counts_arg a = {channel, out};
    *out = (outbox_counts){0};
    return db_run_read(s, "outbox_counts", count_rows, &a);
}

/* ---- webhooks --------------------------------------------------------------------- */

static const db_col webhook_cols[] = {DB_COLS(webhook, name, unit, url, secret, format, created_at, channel, signed_only), {0}};

int store_webhook_put(store *s, const webhook *w)
{
    return db_write_one(s, "webhook_put", false,
                        "INSERT INTO webhooks (name, unit, url, secret, format, created_at, channel, signed) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (name) DO UPDATE SET unit = excluded.unit, url = excluded.url, "
                        "secret = excluded.secret, format = excluded.format, channel = excluded.channel, "
                        "signed = excluded.signed",
                        DB_VALS(DB_TEXT(w->name), DB_INT(w->unit), DB_TEXT(w->url), DB_TEXT(w->secret),
                                DB_TEXT(w->format), DB_INT(w->created_at), DB_TEXT(w->channel),
                                DB_INT(w->signed_only)));
}

int store_webhook_delete(store *s, const char *name)
{
    return db_write_one(s, "webhook_delete", true, "DELETE FROM webhooks WHERE name = ?", DB_VALS(DB_TEXT(name)));
}

int store_webhook_list(store *s, webhook_list *out)
{
    return db_read_list(s, "webhook_list",
                        "SELECT name, unit, url, secret, format, created_at, channel, signed FROM webhooks ORDER BY name", NULL,
                        webhook_cols, sizeof *out->items, (void **)&out->items, &out->n);
}

int store_webhook_get(store *s, const char *name, webhook *out)
{
    return db_read_row(s, "webhook_get",
                       "SELECT name, unit, url, secret, format, created_at, channel, signed FROM webhooks WHERE name = ?",
                       DB_VALS(DB_TEXT(name)), webhook_cols, out);
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

int rows_supervision_write(db_conn *c, const supervision *v)
{
    if (strcmp(v->status, "closed") == 0) {
        int rc = db_changev(c,
                            "UPDATE supervisions SET status = 'closed', closed_at = ?, closed_by = ?, note = ? "
                            "WHERE id = ? AND complaint_id = ? AND status = 'open'",
                            DB_VALS(DB_INT(v->closed_at), DB_INT(v->closed_by), DB_TEXT(v->note), DB_INT(v->id),
                                    DB_INT(v->complaint_id)));
        return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
    }
    return db_execv(c,
                    "INSERT INTO supervisions (complaint_id, event_seq, clock, level, unit, supervisor_user, "
                    "deadline, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_VALS(DB_INT(v->complaint_id), DB_INT(v->event_seq), DB_TEXT(v->clock), DB_INT(v->level),
                            DB_INT(v->unit), DB_ID(v->supervisor_user), DB_INT(v->deadline), DB_INT(v->created_at)));
}
