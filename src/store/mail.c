/*
 * mail: the mailboxes and the messages taken in (mail.h), the SQL of both
 * written once over the driver.
 */
#include "store/mail.h"

#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

/* ---- mailboxes ------------------------------------------------------------------------ */

void mailbox_release(mailbox *m)
{
    free(m->url);
    free(m->username);
    free(m->password);
    free(m->last_error);
    memset(m, 0, sizeof *m);
}

void mailbox_list_release(mailbox_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        mailbox_release(&l->items[i]);
    free(l->items);
    *l = (mailbox_list){0};
}

#define MAILBOX_SELECT                                                                                                 \
    "SELECT name, unit, url, username, password, enabled, poll_seconds, created_at, uidvalidity, last_uid, polled_at, "     \
    "lease_until, claim, last_error FROM mailboxes "
static const db_col mailbox_cols[] = {DB_COLS(mailbox, name, unit, url, username, password, enabled, poll_seconds,
                                              created_at, uidvalidity, last_uid, polled_at, lease_until, claim,
                                              last_error),
                                      {0}};

int store_mailbox_put(store *s, const mailbox *m)
{
    return db_write_one(s, "mailbox_put", false,
                        "INSERT INTO mailboxes (name, unit, url, username, password, enabled, poll_seconds, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                        "ON CONFLICT (name) DO UPDATE SET unit = excluded.unit, url = excluded.url, username = excluded.username, "
                        "password = excluded.password, enabled = excluded.enabled, "
                        "poll_seconds = excluded.poll_seconds",
                        DB_VALS(DB_TEXT(m->name), DB_INT(m->unit), DB_TEXT(m->url), DB_TEXT(m->username), DB_TEXT(m->password),
                                DB_INT(m->enabled), DB_INT(m->poll_seconds), DB_INT(m->created_at)));
}

int store_mailbox_delete(store *s, const char *name)
{
    return db_write_one(s, "mailbox_delete", true, "DELETE FROM mailboxes WHERE name = ?", DB_VALS(DB_TEXT(name)));
}

int store_mailbox_list(store *s, mailbox_list *out)
{
    return db_read_list(s, "mailbox_list", MAILBOX_SELECT "ORDER BY name", NULL, mailbox_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

int store_mailbox_get(store *s, const char *name, mailbox *out)
{
    return db_read_row(s, "mailbox_get", MAILBOX_SELECT "WHERE name = ?", DB_VALS(DB_TEXT(name)), mailbox_cols, out);
}

struct claim_arg {
    const char *name;
    int64_t now, lease, *claim;
};

static int claim_mailbox(db_conn *c, void *arg)
{
    struct claim_arg *a = arg;
    int rc = db_changev(c, "UPDATE mailboxes SET lease_until = ?, claim = claim + 1 WHERE name = ? AND lease_until <= ?",
                        DB_VALS(DB_INT(a->now + a->lease), DB_TEXT(a->name), DB_INT(a->now)));
    if (rc == STORE_NOTFOUND) {
        int64_t n = 0;
        rc = db_intv(c, "SELECT COUNT(*) FROM mailboxes WHERE name = ?", DB_VALS(DB_TEXT(a->name)), &n);
        return rc ? rc : n ? STORE_CONFLICT : STORE_NOTFOUND;
    }
    return rc ? rc : db_intv(c, "SELECT claim FROM mailboxes WHERE name = ?", DB_VALS(DB_TEXT(a->name)), a->claim);
}

int store_mailbox_claim(store *s, const char *name, int64_t now, int64_t lease, int64_t *claim)
{
    struct claim_arg a = {name, now, lease, claim};
    return db_run_write(s, "mailbox_claim", claim_mailbox, &a, 0);
}

int store_mailbox_done(store *s, const char *name, int64_t claim, int64_t uidvalidity, int64_t last_uid,
                       int64_t polled_at, const char *last_error)
{
    int rc = db_write_one(s, "mailbox_done", true,
                          "UPDATE mailboxes SET uidvalidity = ?, last_uid = ?, polled_at = ?, last_error = ?, "
                          "lease_until = 0 WHERE name = ? AND claim = ?",
                          DB_VALS(DB_INT(uidvalidity), DB_INT(last_uid), DB_INT(polled_at), DB_TEXT(last_error),
                                  DB_TEXT(name), DB_INT(claim)));
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}

/* ---- messages ------------------------------------------------------------------------- */

void mail_draft_release(mail_draft *d)
{
    free(d->wrapped);
    free(d->sender);
    free(d->sender_name);
    free(d->subject);
    free(d->body);
    free(d->files);
    free(d->raw);
    free(d->note);
    memset(d, 0, sizeof *d);
}

void mail_draft_list_release(mail_draft_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        mail_draft_release(&l->items[i]);
    free(l->items);
    *l = (mail_draft_list){0};
}

#define DRAFT_COLS                                                                                                     \
    "id, mailbox, unit, uidvalidity, uid, status, reason, msgid_key, received_at, sent_at, size, key_id, wrapped, sender, " \
    "sender_name, subject, body, files, "
#define DRAFT_TAIL " complaint_id, decided_by, decided_at, note FROM mail_drafts "
static const db_col draft_cols[] = {DB_COLS(mail_draft, id, mailbox, unit, uidvalidity, uid, status, reason, msgid_key,
                                            received_at, sent_at, size, key_id, wrapped, sender, sender_name, subject,
                                            body, files, raw, complaint_id, decided_by, decided_at, note),
                                    {0}};

int store_mail_draft_add(store *s, const mail_draft *d)
{
    return db_write_one(
        s, "mail_draft_add", false,
        "INSERT INTO mail_drafts (id, mailbox, unit, uidvalidity, uid, status, reason, msgid_key, received_at, sent_at, "
        "size, key_id, wrapped, sender, sender_name, subject, body, files, raw, complaint_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (mailbox, uidvalidity, uid) DO NOTHING",
        DB_VALS(DB_TEXT(d->id), DB_TEXT(d->mailbox), DB_INT(d->unit), DB_INT(d->uidvalidity), DB_INT(d->uid), DB_TEXT(d->status),
                DB_TEXT(d->reason), DB_TEXT(d->msgid_key), DB_INT(d->received_at), DB_INT(d->sent_at),
                DB_INT(d->size), DB_TEXT(d->key_id), DB_TEXT(d->wrapped), DB_TEXT(d->sender),
                DB_TEXT(d->sender_name), DB_TEXT(d->subject), DB_TEXT(d->body), DB_TEXT(d->files), DB_TEXT(d->raw),
                DB_INT(d->complaint_id)));
}

int store_mail_draft_seen(store *s, const char *msgid_key, bool *seen)
{
    int64_t n = 0;
    int rc = db_read_int(s, "mail_draft_seen", "SELECT COUNT(*) FROM mail_drafts WHERE msgid_key = ?",
                         DB_VALS(DB_TEXT(msgid_key)), &n);
    *seen = rc == 0 && n > 0;
    return rc;
}

static void draft_where(db_where *w, db_conn *c, const void *filter)
{
    const mail_draft_filter *f = filter;
    db_where_text(w, " AND status = ?", f->status);
    if (f->units && !f->n_units)
        buf_puts(&w->sql, " AND 1 = 0"); /* a caller who reaches no unit */
    else if (f->units)
        db_where_ids(w, c, "unit", f->units, f->n_units);
}

int store_mail_draft_list(store *s, const mail_draft_filter *f, mail_draft_list *out)
{
    return db_read_where(s, "mail_draft_list", "SELECT " DRAFT_COLS "''," DRAFT_TAIL "WHERE 1 = 1", draft_where, f,
                         " ORDER BY received_at DESC, id LIMIT ?", f->limit, draft_cols, sizeof *out->items,
                         (void **)&out->items, &out->n);
}

int store_mail_draft_get(store *s, const char *id, mail_draft *out)
{
    return db_read_row(s, "mail_draft_get", "SELECT " DRAFT_COLS "raw," DRAFT_TAIL "WHERE id = ?",
                       DB_VALS(DB_TEXT(id)), draft_cols, out);
}

int store_mail_draft_decide(store *s, const char *id, const char *status, int64_t complaint_id, int64_t by,
                            int64_t at, const char *note)
{
    int rc = db_write_one(s, "mail_draft_decide", true,
                          "UPDATE mail_drafts SET status = ?, complaint_id = ?, decided_by = ?, decided_at = ?, "
                          "note = ? WHERE id = ? AND status = 'pending'",
                          DB_VALS(DB_TEXT(status), DB_INT(complaint_id), DB_INT(by), DB_INT(at), DB_TEXT(note),
                                  DB_TEXT(id)));
    return rc == STORE_NOTFOUND ? STORE_CONFLICT : rc;
}
