/*
 * ledger: the listings of the penalty ledger (考核) and of the
 * compensations (授权补偿) that closing a complaint writes, with the
 * complaint's number beside each entry, written once for both backends
 * over the driver (driver.h), and their writers (rows.h): the entries are
 * written with the event that decides them (complaints_write.c).
 */
#include <string.h>

#include "store/driver.h"
#include "store/rows.h"
#include "store/store.h"

static void read_penalty(db_stmt *st, void *item)
{
    penalty *p = item;
    p->id = db_int(st, 0);
    p->complaint_id = db_int(st, 1);
    p->no = (int)db_int(st, 2);
    p->event_seq = db_int(st, 3);
    p->created_at = db_int(st, 4);
    db_text_to(st, 5, p->month, sizeof p->month);
    db_text_to(st, 6, p->rule, sizeof p->rule);
    db_text_to(st, 7, p->role, sizeof p->role);
    p->role_name = db_text_dup(st, 8);
    p->person = db_text_dup(st, 9);
    p->unit = db_int(st, 10);
    p->amount_fen = db_int(st, 11);
    p->points = (int)db_int(st, 12);
    p->award_loss = db_int(st, 13) != 0;
    p->performance_pay = db_int(st, 14) != 0;
    db_text_to(st, 15, p->status, sizeof p->status);
    p->waived_at = db_int(st, 16);
    p->waived_by = db_int(st, 17);
    p->waive_reason = db_text_dup(st, 18);
    db_text_to(st, 19, p->number, sizeof p->number);
    db_text_to(st, 20, p->category, sizeof p->category);
}

struct penalty_arg {
    const penalty_filter *f;
    penalty_list *out;
};

static int read_penalties(db_conn *c, void *arg)
{
    struct penalty_arg *a = arg;
    const penalty_filter *f = a->f;
    penalty_list_release(a->out);
    db_where w;
    db_where_init(&w, "SELECT p.id, p.complaint_id, p.entry_no, p.event_seq, p.created_at, p.month, p.rule, "
                      "p.role, p.role_name, p.person, p.unit, p.amount_fen, p.points, p.award_loss, "
                      "p.performance_pay, p.status, COALESCE(p.waived_at, 0), COALESCE(p.waived_by, 0), "
                      "p.waive_reason, c.number, c.category "
                      "FROM penalties p JOIN complaints c ON c.id = p.complaint_id WHERE 1 = 1");
    db_where_text(&w, " AND p.month = ?", f->month);
    db_where_text(&w, " AND p.status = ?", f->status);
    db_where_int(&w, " AND p.complaint_id = ?", f->complaint_id);
    db_where_int(&w, " AND p.id = ?", f->id);
    db_where_ids(&w, c, "p.unit", f->units, f->n_units);
    db_stmt *st = db_where_prepare(&w, c, " ORDER BY p.id LIMIT ?", f->limit > 0 ? f->limit : 10000);
    penalty_list *l = a->out;
    int rc = st ? db_collect(st, (void **)&l->items, &l->n, sizeof *l->items, read_penalty) : STORE_ERROR;
    db_where_release(&w);
    return rc;
}

int store_penalty_list(store *s, const penalty_filter *f, penalty_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct penalty_arg a = {f, out};
    int rc = db_run_read(s, "penalty_list", read_penalties, &a);
    if (rc)
        penalty_list_release(out);
    return rc;
}

static void read_compensation(db_stmt *st, void *item)
{
    compensation *m = item;
    m->id = db_int(st, 0);
    m->complaint_id = db_int(st, 1);
    m->no = (int)db_int(st, 2);
    db_text_to(st, 3, m->kind, sizeof m->kind);
    m->amount_fen = db_int(st, 4);
    m->reason = db_text_dup(st, 5);
    db_text_to(st, 6, m->status, sizeof m->status);
    m->senior = db_int(st, 7) != 0;
    m->approver_unit = db_int(st, 8);
    m->requested_by = db_int(st, 9);
    m->requested_at = db_int(st, 10);
    m->decided_by = db_int(st, 11);
    m->decided_at = db_int(st, 12);
    m->decision = db_text_dup(st, 13);
    db_text_to(st, 14, m->number, sizeof m->number);
}

struct compensation_arg {
    const compensation_filter *f;
    compensation_list *out;
};

static int read_compensations(db_conn *c, void *arg)
{
    struct compensation_arg *a = arg;
    const compensation_filter *f = a->f;
    compensation_list_release(a->out);
    db_where w;
    db_where_init(&w, "SELECT m.id, m.complaint_id, m.entry_no, m.kind, m.amount_fen, m.reason, m.status, "
                      "m.senior, COALESCE(m.approver_unit, 0), m.requested_by, m.requested_at, "
                      "COALESCE(m.decided_by, 0), COALESCE(m.decided_at, 0), m.decision, c.number "
                      "FROM compensations m JOIN complaints c ON c.id = m.complaint_id WHERE 1 = 1");
    db_where_text(&w, " AND m.status = ?", f->status);
    db_where_int(&w, " AND m.complaint_id = ?", f->complaint_id);
    db_stmt *st = db_where_prepare(&w, c, " ORDER BY m.id DESC LIMIT ?", f->limit > 0 ? f->limit : 500);
    compensation_list *l = a->out;
    int rc = st ? db_collect(st, (void **)&l->items, &l->n, sizeof *l->items, read_compensation) : STORE_ERROR;
    db_where_release(&w);
    return rc;
}

int store_compensation_list(store *s, const compensation_filter *f, compensation_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct compensation_arg a = {f, out};
    int rc = db_run_read(s, "compensation_list", read_compensations, &a);
    if (rc)
        compensation_list_release(out);
    return rc;
}

/* A statement that must change a row: STORE_CONFLICT when it changed none. */
static int done_or_conflict(db_stmt *st)
{
    int rc = db_done_changed(st);
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int rows_penalty_write(db_conn *c, const penalty *p)
{
    db_stmt *st;
    if (strcmp(p->status, "waived") == 0) {
        st = db_prepare(c, "UPDATE penalties SET status = 'waived', waived_at = ?, waived_by = ?, waive_reason = ? "
                           "WHERE complaint_id = ? AND entry_no = ? AND status = 'active'");
        if (!st)
            return STORE_ERROR;
        db_bind_int(st, 1, p->waived_at);
        db_bind_int(st, 2, p->waived_by);
        db_bind_text(st, 3, p->waive_reason);
        db_bind_int(st, 4, p->complaint_id);
        db_bind_int(st, 5, p->no);
        return done_or_conflict(st);
    }
    st = db_prepare(c, "INSERT INTO penalties (complaint_id, entry_no, event_seq, created_at, month, rule, role, "
                       "role_name, person, unit, amount_fen, points, award_loss, performance_pay) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, p->complaint_id);
    db_bind_int(st, 2, p->no);
    db_bind_int(st, 3, p->event_seq);
    db_bind_int(st, 4, p->created_at);
    db_bind_text(st, 5, p->month);
    db_bind_text(st, 6, p->rule);
    db_bind_text(st, 7, p->role);
    db_bind_text(st, 8, p->role_name ? p->role_name : p->role);
    db_bind_text(st, 9, p->person);
    db_bind_int(st, 10, p->unit);
    db_bind_int(st, 11, p->amount_fen);
    db_bind_int(st, 12, p->points);
    db_bind_int(st, 13, p->award_loss);
    db_bind_int(st, 14, p->performance_pay);
    return db_done(st);
}

int rows_compensation_write(db_conn *c, const compensation *m)
{
    db_stmt *st;
    if (strcmp(m->status, "approved") == 0 || strcmp(m->status, "refused") == 0) {
        st = db_prepare(c, "UPDATE compensations SET status = ?, decided_by = ?, decided_at = ?, decision = ? "
                           "WHERE complaint_id = ? AND entry_no = ? AND status = 'pending'");
        if (!st)
            return STORE_ERROR;
        db_bind_text(st, 1, m->status);
        db_bind_int(st, 2, m->decided_by);
        db_bind_int(st, 3, m->decided_at);
        db_bind_text(st, 4, m->decision);
        db_bind_int(st, 5, m->complaint_id);
        db_bind_int(st, 6, m->no);
        return done_or_conflict(st);
    }
    st = db_prepare(c, "INSERT INTO compensations (complaint_id, entry_no, status, kind, amount_fen, reason, senior, "
                       "approver_unit, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, m->complaint_id);
    db_bind_int(st, 2, m->no);
    db_bind_text(st, 3, m->status);
    db_bind_text(st, 4, m->kind);
    db_bind_int(st, 5, m->amount_fen);
    db_bind_text(st, 6, m->reason ? m->reason : "");
    db_bind_int(st, 7, m->senior);
    db_bind_id(st, 8, m->approver_unit);
    db_bind_int(st, 9, m->requested_by);
    db_bind_int(st, 10, m->requested_at);
    return db_done(st);
}
