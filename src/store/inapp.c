/*
 * inapp: the in-app notices of people (migration 026) and the changes the
 * live streams of open pages are told about, written once for both
 * backends over the driver (driver.h). A notice is written by the
 * deliverer in the transaction that marks its outbox row sent
 * (store_inapp_deliver); a person reads their own and marks them read. The
 * live feed (jobs/live.c) reads what is newer than what it last saw: new
 * notices, and the events of complaints.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"

void inapp_list_release(inapp_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].text_zh);
        free(l->items[i].text_en);
    }
    free(l->items);
    *l = (inapp_list){0};
}

struct deliver_arg {
    const outbox_msg *m;
    const inapp_notice *n;
    size_t count;
    int64_t now;
};

static int deliver_rows(db_conn *c, void *arg)
{
    struct deliver_arg *a = arg;
    /* Only while the claim is the deliverer's (as store_outbox_finish). */
    int rc = db_changev(c,
                        "UPDATE outbox SET status = ?, attempts = attempts + 1, sent_at = ?, lease_until = 0, "
                        "last_error = ? WHERE id = ? AND claim = ?",
                        DB_VALS(DB_TEXT(a->count ? "sent" : "cancelled"), DB_INT(a->count ? a->now : 0),
                                DB_TEXT(a->count ? NULL : "nobody to tell"), DB_INT(a->m->id), DB_INT(a->m->claim)));
    if (rc == STORE_NOTFOUND)
        return STORE_CONFLICT;
    for (size_t i = 0; i < a->count && !rc; i++) {
        const inapp_notice *n = &a->n[i];
        rc = db_execv(c,
                      "INSERT INTO inapp_notices (user_id, outbox_id, complaint_id, number, template, text_zh, "
                      "text_en, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (outbox_id, user_id) DO NOTHING",
                      DB_VALS(DB_INT(n->user_id), DB_INT(a->m->id), DB_INT(n->complaint_id), DB_TEXT(n->number),
                              DB_TEXT(n->template_name), DB_TEXT(n->text_zh), DB_TEXT(n->text_en), DB_INT(a->now)));
    }
    return rc;
}

int store_inapp_deliver(store *s, const outbox_msg *m, const inapp_notice *n, size_t count, int64_t now)
{
    struct deliver_arg a = {m, n, count, now};
    return db_run_write(s, "inapp_deliver", deliver_rows, &a, 0);
}

#define NOTICE_COLS "id, user_id, complaint_id, number, template, text_zh, text_en, created_at, read_at"

static const db_col notice_cols[] = {
    DB_COLS(inapp_notice, id, user_id, complaint_id, number, template_name, text_zh, text_en, created_at, read_at), {0}};

static void notice_where(db_where *w, db_conn *c, const void *filter)
{
    (void)c;
    const inapp_filter *f = filter;
    db_where_int(w, " AND user_id = ?", f->user_id);
    db_where_int(w, " AND id < ?", f->before);
}

int store_inapp_list(store *s, const inapp_filter *f, inapp_list *out)
{
    /* db_where_int leaves out a 0: "read_at = 0" is written in the select. */
    return db_read_where(s, "inapp_list",
                         f->unread ? "SELECT " NOTICE_COLS " FROM inapp_notices WHERE read_at = 0"
                                   : "SELECT " NOTICE_COLS " FROM inapp_notices WHERE 1 = 1",
                         notice_where, f, " ORDER BY id DESC LIMIT ?", f->limit > 0 ? f->limit : 50, notice_cols,
                         sizeof *out->items, (void **)&out->items, &out->n);
}

int store_inapp_unread(store *s, int64_t user_id, int64_t *out)
{
    return db_read_int(s, "inapp_unread", "SELECT COUNT(*) FROM inapp_notices WHERE user_id = ? AND read_at = 0",
                       DB_VALS(DB_INT(user_id)), out);
}

int store_inapp_read(store *s, int64_t user_id, int64_t id, int64_t now)
{
    /* A notice already read keeps the time it was first read. */
    int rc = db_write_one(s, "inapp_read", true,
                          "UPDATE inapp_notices SET read_at = CASE WHEN read_at = 0 THEN ? ELSE read_at END "
                          "WHERE id = ? AND user_id = ?",
                          DB_VALS(DB_INT(now), DB_INT(id), DB_INT(user_id)));
    return rc;
}

int store_inapp_read_all(store *s, int64_t user_id, int64_t now)
{
    return db_write_one(s, "inapp_read_all", false,
                        "UPDATE inapp_notices SET read_at = ? WHERE user_id = ? AND read_at = 0",
                        DB_VALS(DB_INT(now), DB_INT(user_id)));
}

int store_inapp_since(store *s, int64_t after, size_t max, inapp_list *out)
{
    return db_read_list(s, "inapp_since", "SELECT " NOTICE_COLS " FROM inapp_notices WHERE id > ? ORDER BY id LIMIT ?",
                        DB_VALS(DB_INT(after), DB_INT((int64_t)max)), notice_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

static const db_col change_cols[] = {DB_COLS(live_change, event_id, complaint_id, actor), {0}};

int store_live_changes(store *s, int64_t after, size_t max, live_change_list *out)
{
    return db_read_list(s, "live_changes",
                        "SELECT id, complaint_id, actor FROM events WHERE id > ? ORDER BY id LIMIT ?",
                        DB_VALS(DB_INT(after), DB_INT((int64_t)max)), change_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

int store_live_heads(store *s, int64_t *notice, int64_t *ev)
{
    int rc = db_read_int(s, "inapp_head", "SELECT COALESCE(MAX(id), 0) FROM inapp_notices", NULL, notice);
    return rc ? rc : db_read_int(s, "events_head", "SELECT COALESCE(MAX(id), 0) FROM events", NULL, ev);
}
