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

static const db_col penalty_cols[] = {DB_COLS(penalty, id, complaint_id, no, event_seq, created_at, month, rule, role,
                                              role_name, person, unit, amount_fen, points, award_loss, performance_pay,
                                              status, waived_at, waived_by, waive_reason, number, category),
                                      {0}};

static void penalty_where(db_where *w, db_conn *c, const void *filter)
{
    const penalty_filter *f = filter;
    db_where_text(w, " AND p.month = ?", f->month);
    db_where_text(w, " AND p.status = ?", f->status);
    db_where_int(w, " AND p.complaint_id = ?", f->complaint_id);
    db_where_int(w, " AND p.id = ?", f->id);
    db_where_ids(w, c, "p.unit", f->units, f->n_units);
}

int store_penalty_list(store *s, const penalty_filter *f, penalty_list *out)
{
    return db_read_where(s, "penalty_list",
                         "SELECT p.id, p.complaint_id, p.entry_no, p.event_seq, p.created_at, p.month, p.rule, "
                         "p.role, p.role_name, p.person, p.unit, p.amount_fen, p.points, p.award_loss, "
                         "p.performance_pay, p.status, COALESCE(p.waived_at, 0), COALESCE(p.waived_by, 0), "
                         "p.waive_reason, c.number, c.category "
                         "FROM penalties p JOIN complaints c ON c.id = p.complaint_id WHERE 1 = 1",
                         penalty_where, f, " ORDER BY p.id LIMIT ?", f->limit > 0 ? f->limit : 10000, penalty_cols,
                         sizeof *out->items, (void **)&out->items, &out->n);
}

static const db_col compensation_cols[] = {DB_COLS(compensation, id, complaint_id, no, kind, amount_fen, reason, status,
                                                   senior, approver_unit, requested_by, requested_at, decided_by,
                                                   decided_at, decision, number),
                                           {0}};

static void compensation_where(db_where *w, db_conn *c, const void *filter)
{
    (void)c;
    const compensation_filter *f = filter;
    db_where_text(w, " AND m.status = ?", f->status);
    db_where_int(w, " AND m.complaint_id = ?", f->complaint_id);
}

int store_compensation_list(store *s, const compensation_filter *f, compensation_list *out)
{
    return db_read_where(s, "compensation_list",
                         "SELECT m.id, m.complaint_id, m.entry_no, m.kind, m.amount_fen, m.reason, m.status, "
                         "m.senior, COALESCE(m.approver_unit, 0), m.requested_by, m.requested_at, "
                         "COALESCE(m.decided_by, 0), COALESCE(m.decided_at, 0), m.decision, c.number "
                         "FROM compensations m JOIN complaints c ON c.id = m.complaint_id WHERE 1 = 1",
                         compensation_where, f, " ORDER BY m.id DESC LIMIT ?", f->limit > 0 ? f->limit : 500,
                         compensation_cols, sizeof *out->items, (void **)&out->items, &out->n);
}

/* A statement that must change a row: STORE_CONFLICT when it changed none. */
static int changed_or_conflict(db_conn *c, const char *sql, const db_val *v)
{
    int rc = db_changev(c, sql, v);
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int rows_penalty_write(db_conn *c, const penalty *p)
{
    if (strcmp(p->status, "waived") == 0)
        return changed_or_conflict(
            c,
            "UPDATE penalties SET status = 'waived', waived_at = ?, waived_by = ?, waive_reason = ? "
            "WHERE complaint_id = ? AND entry_no = ? AND status = 'active'",
            DB_VALS(DB_INT(p->waived_at), DB_INT(p->waived_by), DB_TEXT(p->waive_reason), DB_INT(p->complaint_id),
                    DB_INT(p->no)));
    return db_execv(c,
                    "INSERT INTO penalties (complaint_id, entry_no, event_seq, created_at, month, rule, role, "
                    "role_name, person, unit, amount_fen, points, award_loss, performance_pay) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_VALS(DB_INT(p->complaint_id), DB_INT(p->no), DB_INT(p->event_seq), DB_INT(p->created_at),
                            DB_TEXT(p->month), DB_TEXT(p->rule), DB_TEXT(p->role),
                            DB_TEXT(p->role_name ? p->role_name : p->role), DB_TEXT(p->person), DB_INT(p->unit),
                            DB_INT(p->amount_fen), DB_INT(p->points), DB_INT(p->award_loss),
                            DB_INT(p->performance_pay)));
}

int rows_compensation_write(db_conn *c, const compensation *m)
{
    if (strcmp(m->status, "approved") == 0 || strcmp(m->status, "refused") == 0)
        return changed_or_conflict(c,
                                   "UPDATE compensations SET status = ?, decided_by = ?, decided_at = ?, decision = ? "
                                   "WHERE complaint_id = ? AND entry_no = ? AND status = 'pending'",
                                   DB_VALS(DB_TEXT(m->status), DB_INT(m->decided_by), DB_INT(m->decided_at),
                                           DB_TEXT(m->decision), DB_INT(m->complaint_id), DB_INT(m->no)));
    return db_execv(c,
                    "INSERT INTO compensations (complaint_id, entry_no, status, kind, amount_fen, reason, senior, "
                    "approver_unit, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_VALS(DB_INT(m->complaint_id), DB_INT(m->no), DB_TEXT(m->status), DB_TEXT(m->kind),
                            DB_INT(m->amount_fen), DB_TEXT(m->reason ? m->reason : ""), DB_INT(m->senior),
                            DB_ID(m->approver_unit), DB_INT(m->requested_by), DB_INT(m->requested_at)));
}

static const db_col authority_cols[] = {DB_COLS(authority_use, user, what, count, amount_fen), {0}};
/* The statement below writes the AU_* codes as numbers. */
_Static_assert(AU_GRANTED == 0 && AU_REFERRED == 1 && AU_APPROVED == 2, "authority_use codes");

int store_authority_use(store *s, int64_t from, int64_t to, authority_use_list *out)
{
    /* A compensation granted at once is the requester's own authority; any
     * other was referred up, and an approval is the decider's. */
    return db_read_list(s, "authority_use",
                        "SELECT who, what, COUNT(*), CAST(SUM(amount_fen) AS BIGINT) FROM ("
                        "SELECT requested_by AS who, CASE WHEN status = 'granted' THEN 0 ELSE 1 END AS what, "
                        "amount_fen FROM compensations WHERE requested_at >= ? AND requested_at < ? "
                        "UNION ALL SELECT decided_by, 2, amount_fen FROM compensations "
                        "WHERE status = 'approved' AND decided_at >= ? AND decided_at < ?) u "
                        "GROUP BY who, what ORDER BY who, what",
                        DB_VALS(DB_INT(from), DB_INT(to), DB_INT(from), DB_INT(to)), authority_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}
