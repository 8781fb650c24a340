/* appeals: see appeals.h. */
#include "store/appeals.h"

#include <stdlib.h>

#include "store/driver.h"

#define APPEAL_SELECT                                                                                                  \
    "SELECT complaint_id, registered, first_complaint, unit, received_at, due_at, status, report, mediation, "        \
    "review_note, filed, submitted_by, submitted_at, reviewed_by, reviewed_at, sent_at, late, assessed_unit, "     \
    "penalty_fen, penalty_points, version FROM appeal_reports "

static const db_col appeal_cols[] = {
    DB_COLS(appeal_report, complaint_id, registered, first_complaint, unit, received_at, due_at, status, report,
            mediation, review_note, filed, submitted_by, submitted_at, reviewed_by, reviewed_at, sent_at, late,
            assessed_unit, penalty_fen, penalty_points, version),
    {0},
};

void appeal_report_list_release(appeal_report_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        appeal_report_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int store_appeal_get(store *s, int64_t complaint_id, appeal_report *out)
{
    appeal_report got = {0};
    int rc = db_read_row(s, "appeal_get", APPEAL_SELECT "WHERE complaint_id = ?", DB_VALS(DB_INT(complaint_id)),
                         appeal_cols, &got);
    if (rc == 0) {
        appeal_report_release(out);
        *out = got;
    }
    return rc;
}

int store_appeal_add(store *s, const appeal_report *r)
{
    return db_write_one(s, "appeal_add", false,
                        "INSERT INTO appeal_reports (complaint_id, registered, first_complaint, unit, received_at, "
                        "due_at, status, report, mediation, filed, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT DO NOTHING",
                        DB_VALS(DB_INT(r->complaint_id), DB_INT(r->registered), DB_INT(r->first_complaint),
                                DB_INT(r->unit), DB_INT(r->received_at), DB_INT(r->due_at), DB_TEXT(r->status),
                                DB_TEXT(r->report), DB_TEXT(r->mediation), DB_INT(r->filed), DB_INT(r->version)));
}

int store_appeal_update(store *s, const appeal_report *r)
{
    int rc = db_write_one(s, "appeal_update", true,
                          "UPDATE appeal_reports SET registered = ?, first_complaint = ?, status = ?, report = ?, "
                          "mediation = ?, review_note = ?, filed = ?, submitted_by = ?, submitted_at = ?, "
                          "reviewed_by = ?, reviewed_at = ?, sent_at = ?, late = ?, assessed_unit = ?, penalty_fen = ?, "
                          "penalty_points = ?, version = ? WHERE complaint_id = ? AND version = ?",
                          DB_VALS(DB_INT(r->registered), DB_INT(r->first_complaint), DB_TEXT(r->status),
                                  DB_TEXT(r->report), DB_TEXT(r->mediation), DB_TEXT(r->review_note), DB_INT(r->filed),
                                  DB_INT(r->submitted_by), DB_INT(r->submitted_at), DB_INT(r->reviewed_by),
                                  DB_INT(r->reviewed_at), DB_INT(r->sent_at), DB_INT(r->late),
                                  DB_INT(r->assessed_unit), DB_INT(r->penalty_fen), DB_INT(r->penalty_points),
                                  DB_INT(r->version), DB_INT(r->complaint_id), DB_INT(r->version - 1)));
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

int store_appeal_list(store *s, int64_t from, int64_t to, int limit, appeal_report_list *out)
{
    return db_read_list(s, "appeal_list",
                        APPEAL_SELECT "WHERE received_at >= ? AND received_at < ? ORDER BY received_at, complaint_id "
                                      "LIMIT ?",
                        DB_VALS(DB_INT(from), DB_INT(to), DB_INT(limit)), appeal_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

static const db_col contact_cols[] = {
    DB_COLS(appeal_contact, unit, user, set_by, set_at),
    {0},
};

void appeal_contact_list_release(appeal_contact_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

int store_appeal_contact_set(store *s, int64_t unit_id, int64_t user_id, int64_t by, int64_t at)
{
    if (!user_id)
        return db_write_one(s, "appeal_contact_clear", false, "DELETE FROM appeal_contacts WHERE unit_id = ?",
                            DB_VALS(DB_INT(unit_id)));
    return db_write_one(s, "appeal_contact_set", false,
                        "INSERT INTO appeal_contacts (unit_id, user_id, set_by, set_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (unit_id) DO UPDATE SET user_id = excluded.user_id, set_by = excluded.set_by, "
                        "set_at = excluded.set_at",
                        DB_VALS(DB_INT(unit_id), DB_INT(user_id), DB_INT(by), DB_INT(at)));
}

int store_appeal_contact_list(store *s, appeal_contact_list *out)
{
    return db_read_list(s, "appeal_contact_list",
                        "SELECT unit_id, user_id, set_by, set_at FROM appeal_contacts ORDER BY unit_id", NULL,
                        contact_cols, sizeof *out->items, (void **)&out->items, &out->n);
}
