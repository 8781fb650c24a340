/* mailin: see mailin.h. */
#include "app/mailin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "app/act.h"
#include "app/attachments.h"
#include "app/intake.h"
#include "app/pii.h"
#include "core/notify.h"
#include "sec/mask.h"
#include "util/imap.h"
#include "util/log.h"
#include "util/mailmsg.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* At most this many messages a poll; the next poll goes on from there. */
enum { POLL_BATCH = 100, STEP_TEXT_MAX = 5000 };

static mailin_config config = {10 * 1024 * 1024, 30};

void app_mailin_configure(const mailin_config *cfg)
{
    config = *cfg;
}

/* ---- mailboxes ------------------------------------------------------------------------- */

int app_mailbox_check(app *a, const char *name, json_t *in, int64_t now, mailbox *m, cerr *e)
{
    if (!name || !notify_webhook_name_ok(name))
        return cerr_set(e, "validation_failed", "name", "name: 1–32 个小写字母、数字、_ 或 - (1–32 of a-z, 0-9, _, -)");
    /* A mailbox saved without a password keeps its own (the page never shows it to be sent back). */
    const json_t *given = json_object_get(in, "password");
    mailbox old = {0};
    if ((!given || json_is_null(given) || (json_is_string(given) && !*json_string_value(given))) &&
        store_mailbox_get(a->db, name, &old) == 0)
        json_object_set_new(in, "password", json_string(old.password));
    mailbox_release(&old);
    const char *url = json_string_value(json_object_get(in, "url"));
    const char *uname = json_string_value(json_object_get(in, "user"));
    const char *password = json_string_value(json_object_get(in, "password"));
    const json_t *en = json_object_get(in, "enabled"), *ps = json_object_get(in, "poll_seconds");
    const unit *un = org_resolve(app_org(a), json_object_get(in, "unit"));
    if (!un)
        return cerr_set(e, "unknown_unit", "unit", "unit: 单位不存在 (unknown unit)");
    if (!imap_url_ok(url))
        return cerr_set(e, "validation_failed", "url",
                        "url: 应为 imap:// 或 imaps:// 地址，路径为邮件夹 (expected an imap:// or imaps:// URL, the folder "
                        "as its path)");
    if (!uname || !*uname || strlen(uname) > 256 || strpbrk(uname, "\r\n"))
        return cerr_set(e, "validation_failed", "user", "user: 应为 1–256 个字符 (expected 1–256 characters)");
    if (!password || !*password || strlen(password) > 256 || strpbrk(password, "\r\n"))
        return cerr_set(e, "validation_failed", "password", "password: 应为 1–256 个字符 (expected 1–256 characters)");
    if (en && !json_is_boolean(en))
        return cerr_set(e, "validation_failed", "enabled", "enabled: 应为 true/false (expected a boolean)");
    if (ps && (!json_is_integer(ps) || json_integer_value(ps) < 10 || json_integer_value(ps) > 86400))
        return cerr_set(e, "validation_failed", "poll_seconds", "poll_seconds: 应为 10–86400 秒 (expected 10–86400 seconds)");
    *m = (mailbox){.unit = un->id, .url = (char *)url, .username = (char *)uname, .password = (char *)password,
                   .enabled = !en || json_is_true(en), .poll_seconds = ps ? (int)json_integer_value(ps) : 60,
                   .created_at = now};
    snprintf(m->name, sizeof m->name, "%s", name);
    return 0;
}

/* ---- sealing a message's row ----------------------------------------------------------- */

/* A row's own data key: made (seal) or opened from d. */
static int row_key_new(app *a, mail_draft *d, uint8_t dk[PII_KEY_BYTES])
{
    uint8_t w[PII_WRAPPED_BYTES];
    pii_datakey_new(dk);
    pii_wrap(a->pii, dk, d->key_id, w);
    d->wrapped = xmalloc(PII_B64_LEN(sizeof w) + 1);
    pii_b64_encode(d->wrapped, w, sizeof w);
    return 0;
}

static int row_key_open(app *a, const mail_draft *d, uint8_t dk[PII_KEY_BYTES])
{
    uint8_t w[PII_WRAPPED_BYTES + 4];
    size_t n = 0;
    if (!d->wrapped || pii_b64_decode(w, &n, d->wrapped, strlen(d->wrapped)) || n != PII_WRAPPED_BYTES)
        return -1;
    return pii_unwrap(a->pii, d->key_id, w, n, dk) ? -1 : 0;
}

/* The raw bytes as sealed text: their base64 sealed, as the store keeps text. */
static char *seal_bytes(const uint8_t dk[PII_KEY_BYTES], const void *p, size_t n)
{
    char *b64 = xmalloc(PII_B64_LEN(n) + 1);
    pii_b64_encode(b64, p, n);
    char *s = pii_seal(dk, b64);
    sodium_memzero(b64, strlen(b64));
    free(b64);
    return s;
}

/* The bytes a row's raw opens to (heap, *n), or NULL. */
static unsigned char *open_bytes(const uint8_t dk[PII_KEY_BYTES], const char *sealed, size_t *n)
{
    char *b64 = sealed ? pii_open(dk, sealed) : NULL;
    if (!b64)
        return NULL;
    size_t len = strlen(b64);
    unsigned char *out = xmalloc(len * 3 / 4 + 1);
    if (pii_b64_decode(out, n, b64, len)) {
        free(out);
        out = NULL;
    }
    sodium_memzero(b64, len);
    free(b64);
    return out;
}

static void new_id(char *out, size_t n)
{
    uint8_t r[8];
    char hex[17];
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(hex, sizeof hex, r, sizeof r);
    snprintf(out, n, "m%s", hex);
}

/* The files of m as sealed JSON text: [{"name" (sealed), "type", "size"}]. */
static char *files_json(const uint8_t dk[PII_KEY_BYTES], const mailmsg *m)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < m->n_parts; i++) {
        char *name = pii_seal(dk, m->parts[i].name);
        json_array_append_new(arr, json_pack("{s:s,s:s,s:I}", "name", name, "type", m->parts[i].type, "size",
                                             (json_int_t)m->parts[i].n));
        free(name);
    }
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return text;
}

/* ---- taking a message in ---------------------------------------------------------------- */

/* s cut to at most max characters (in place, on a character's boundary). */
static void cut_chars(char *s, size_t max)
{
    size_t chars = 0;
    for (char *p = s; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80 && chars++ == max) {
            *p = '\0';
            return;
        }
}

/*
 * A reply whose subject names a stored complaint and whose sender is that
 * complaint's customer (the e-mail address on record): a "mail_in" step on
 * it. 1 when the subject names none, the complaint is not there or the
 * sender is someone else, 0 when joined (*id its id), else a failure.
 */
static int join_reply(app *a, const mailmsg *m, const char *draft_id, int64_t now, int64_t *id)
{
    char number[48];
    app_enter(a);
    bool found = mailmsg_number(m->subject, app_pol(a)->number_prefix, number, sizeof number) == 0;
    app_leave(a);
    if (!found)
        return 1;
    complaint c;
    complaint_init(&c);
    int rc = store_complaint_get(a->db, 0, number, &c);
    /* Only the complaint's customer writes into its history: a message from
     * another address that names a number stays a draft for an agent, so
     * knowing a number is not enough to add to a stranger's complaint. */
    bool theirs = false;
    if (rc == 0 && (rc = app_pii_view(a, &c, 1, true)) == 0) {
        const char *email = json_string_value(json_object_get(json_object_get(c.data, "customer"), "email"));
        theirs = email && *email && strcasecmp(email, m->from_addr) == 0;
    }
    *id = c.id;
    complaint_release(&c);
    if (rc == STORE_NOTFOUND || (rc == 0 && !theirs))
        return 1;
    if (rc)
        return rc;
    char *text = xstrdup(*m->text ? m->text : "(无正文 / no text)");
    cut_chars(text, STEP_TEXT_MAX);
    char *sender = *m->from_name ? xasprintf("%s <%s>", m->from_name, m->from_addr) : xstrdup(m->from_addr);
    cut_chars(sender, STEP_TEXT_MAX);
    char *subject = xstrdup(m->subject);
    cut_chars(subject, STEP_TEXT_MAX);
    json_t *in = json_pack("{s:s,s:s,s:s,s:s}", "sender", sender, "subject", subject, "text", text, "message", draft_id);
    static const actor system_actor = {0, R_SYSTEM, 0};
    cerr e = CERR_INIT;
    complaint out;
    complaint_init(&out);
    rc = app_act(a, &system_actor, *id, "mail_in", in, -1, now, &out, &e);
    if (rc == CERR_USER)
        log_warn("mail: a reply to %s could not join its timeline: %s", number, e.message);
    complaint_release(&out);
    json_decref(in);
    sodium_memzero(text, strlen(text));
    free(text);
    free(sender);
    free(subject);
    return rc == CERR_USER ? 1 : rc;
}

int app_mailin_take(app *a, const char *mbox, int64_t unit_id, int64_t uidvalidity, int64_t uid, const void *raw, size_t n,
                    bool oversized, int64_t size, int64_t now, mailin_counts *c)
{
    if (!a->pii_ready)
        return STORE_ERROR; /* nothing can be kept sealed: the message waits on the server */
    mailmsg m = {0};
    const char *why = NULL;
    bool parsed = mailmsg_parse(raw, n, &m, &why) == 0;
    mail_draft d = {.unit = unit_id, .uidvalidity = uidvalidity, .uid = uid, .received_at = now, .size = size};
    new_id(d.id, sizeof d.id);
    snprintf(d.mailbox, sizeof d.mailbox, "%s", mbox);
    if (parsed && *m.message_id)
        pii_blind_index(a->pii_index, m.message_id, d.msgid_key);
    bool seen = false;
    int rc = *d.msgid_key ? store_mail_draft_seen(a->db, d.msgid_key, &seen) : 0;
    const char *status = "pending", *reason = "";
    if (rc)
        goto out;
    if (oversized)
        status = "aside", reason = "oversized";
    else if (!parsed)
        status = "aside", reason = "malformed";
    else if (seen)
        status = "aside", reason = "duplicate";
    else if ((rc = join_reply(a, &m, d.id, now, &d.complaint_id)) == 0)
        status = "joined";
    else if (rc != 1)
        goto out;
    else
        d.complaint_id = 0;
    snprintf(d.status, sizeof d.status, "%s", status);
    snprintf(d.reason, sizeof d.reason, "%s", reason);
    d.sent_at = parsed ? m.date : 0;
    uint8_t dk[PII_KEY_BYTES];
    row_key_new(a, &d, dk);
    d.sender = pii_seal(dk, parsed ? m.from_addr : "");
    d.sender_name = pii_seal(dk, parsed ? m.from_name : "");
    d.subject = pii_seal(dk, parsed ? m.subject : "");
    d.body = pii_seal(dk, parsed ? m.text : "");
    d.files = parsed ? files_json(dk, &m) : xstrdup("[]");
    d.raw = seal_bytes(dk, raw, n);
    sodium_memzero(dk, sizeof dk);
    rc = store_mail_draft_add(a->db, &d);
    if (rc == 0 && c) {
        c->fetched++;
        if (strcmp(status, "pending") == 0)
            c->pending++;
        else if (strcmp(status, "aside") == 0)
            c->aside++;
        else
            c->joined++;
    }
    if (rc == 0 && *reason)
        log_info("mail: a message of %s kept aside: %s%s%s", mbox, reason, why ? ", " : "", why ? why : "");
out:
    mail_draft_release(&d);
    mailmsg_release(&m);
    return rc;
}

/* ---- polling ---------------------------------------------------------------------------- */

/* Reads the messages of an open session above *last_uid into the mailbox; err set on an IMAP failure. */
static int poll_session(app *a, imap_session *s, const mailbox *mb, int64_t now, int64_t *uidvalidity,
                        int64_t *last_uid, mailin_counts *out, char *err, size_t errlen)
{
    int64_t uidnext = 0, *uids = NULL;
    size_t n = 0;
    if (imap_status(s, uidvalidity, &uidnext, err, errlen))
        return 0;
    /* A folder made anew (another UIDVALIDITY): its UIDs start again, so do we. */
    if (*uidvalidity != mb->uidvalidity)
        *last_uid = 0;
    if (imap_search(s, *last_uid, &uids, &n, err, errlen))
        return 0;
    int rc = 0;
    buf msg;
    buf_init(&msg);
    for (size_t i = 0; i < n && i < POLL_BATCH && rc == 0; i++) {
        int64_t size = 0;
        bool seen = false;
        if (imap_size(s, uids[i], &size, &seen, err, errlen))
            break;
        if (size < 0) { /* gone meanwhile */
            *last_uid = uids[i];
            continue;
        }
        bool over = size > config.max_bytes;
        buf_clear(&msg);
        if (imap_fetch(s, uids[i], over, (size_t)config.max_bytes + 1, &msg, err, errlen) ||
            (!seen && imap_unsee(s, uids[i], err, errlen)))
            break;
        rc = app_mailin_take(a, mb->name, mb->unit, *uidvalidity, uids[i], msg.data, msg.len, over, size, now, out);
        if (rc == 0)
            *last_uid = uids[i];
    }
    buf_release(&msg);
    free(uids);
    return rc;
}

int app_mailin_poll(app *a, const char *name, int64_t now, mailin_counts *out, char *err, size_t errlen)
{
    *out = (mailin_counts){0};
    err[0] = '\0';
    mailbox mb = {0};
    int rc = store_mailbox_get(a->db, name, &mb);
    int64_t claim = 0;
    if (rc == 0)
        rc = store_mailbox_claim(a->db, name, now, (int64_t)config.timeout_s * 4 + 60, &claim);
    if (rc) {
        mailbox_release(&mb);
        return rc;
    }
    int64_t uidvalidity = mb.uidvalidity, last_uid = mb.last_uid;
    imap_session *s = imap_open(mb.url, mb.username, mb.password, config.timeout_s);
    if (!s)
        snprintf(err, errlen, "cannot start an IMAP session");
    else
        rc = poll_session(a, s, &mb, now, &uidvalidity, &last_uid, out, err, errlen);
    imap_close(s);
    if (*err)
        log_warn("mail: %s: %s", name, err);
    int done = store_mailbox_done(a->db, name, claim, uidvalidity, last_uid, now, err);
    mailbox_release(&mb);
    return rc ? rc : done;
}

/* ---- the queue ---------------------------------------------------------------------------- */

/* The sealed text *p replaced by its clear or masked form (field: a customer field's name, or NULL for free text). */
static void show(const uint8_t *dk, char **p, const char *field, const char *name, bool clear)
{
    char *open = dk ? pii_open(dk, *p) : NULL;
    char *shown = !open                ? xstrdup(PII_ANONYMISED)
                  : clear              ? xstrdup(open)
                  : field              ? mask_value(field, open)
                                       : mask_text(open, name);
    if (open) {
        sodium_memzero(open, strlen(open));
        free(open);
    }
    free(*p);
    *p = shown;
}

int app_mail_draft_open(app *a, const actor *who, mail_draft *d, bool clear, int64_t now)
{
    uint8_t dk[PII_KEY_BYTES];
    bool ok = a->pii_ready && row_key_open(a, d, dk) == 0;
    if (clear) {
        char subject[64];
        snprintf(subject, sizeof subject, "mail:%s", d->id);
        int rc = app_pii_audit(a, now, who->id, "pii_view", subject, NULL, NULL, NULL);
        if (rc)
            return rc;
    }
    char *name = ok ? pii_open(dk, d->sender_name) : NULL;
    show(ok ? dk : NULL, &d->sender, "email", NULL, clear);
    show(ok ? dk : NULL, &d->subject, NULL, name, clear);
    show(ok ? dk : NULL, &d->body, NULL, name, clear);
    if (d->note && *d->note)
        show(ok ? dk : NULL, &d->note, NULL, name, clear);
    show(ok ? dk : NULL, &d->sender_name, "name", NULL, clear);
    json_t *files = json_loads(d->files ? d->files : "[]", 0, NULL);
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        char *v = xstrdup(json_string_value(json_object_get(f, "name")) ? json_string_value(json_object_get(f, "name"))
                                                                          : "");
        show(ok ? dk : NULL, &v, NULL, name, clear);
        json_object_set_new(f, "name", json_string(v));
        free(v);
    }
    free(d->files);
    d->files = files ? json_dumps(files, JSON_COMPACT) : xstrdup("[]");
    json_decref(files);
    if (name) {
        sodium_memzero(name, strlen(name));
        free(name);
    }
    sodium_memzero(dk, sizeof dk);
    return 0;
}

/* The pending draft id into d: 0, or CERR_USER (none; not pending unless *done may take a confirmed one). */
static int load_pending(app *a, const char *id, mail_draft *d, bool confirmed_ok, cerr *e)
{
    int rc = store_mail_draft_get(a->db, id, d);
    if (rc == STORE_NOTFOUND)
        return cerr_set(e, "not_found", NULL, "没有这封邮件 (no such message)");
    if (rc)
        return rc;
    if (strcmp(d->status, "pending") != 0 && !(confirmed_ok && strcmp(d->status, "confirmed") == 0))
        return cerr_set(e, "action_not_allowed", NULL, "该邮件已处理（%s） (the message is %s already)", d->status,
                        d->status);
    return 0;
}

/* Adds the file name of type to complaint c (by who), its bytes p[0..n); a type the pack refuses is left out. */
static void attach(app *a, const actor *who, const complaint *c, const char *name, const void *p, size_t n,
                   int64_t now)
{
    attach_upload *u = NULL;
    cerr e = CERR_INIT;
    int64_t pending = 0;
    attachment att = {0};
    int rc = app_attach_begin(a, c, name, &u, &e);
    if (rc == 0)
        rc = app_attach_write(u, p, n, &e);
    if (rc == 0)
        rc = app_attach_end(a, u, &pending, &e);
    if (rc == 0)
        rc = app_attach_commit(a, who, u, now, &att, &e);
    if (rc)
        log_info("mail: a file of the message was not attached to %s: %s", c->number,
                 rc == CERR_USER ? e.message : "a store failure");
    attachment_release(&att);
    app_attach_free(u);
}

/* The message of draft d and its files attached to complaint c. */
static void attach_message(app *a, const actor *who, const mail_draft *d, const complaint *c, int64_t now)
{
    uint8_t dk[PII_KEY_BYTES];
    size_t n = 0;
    unsigned char *raw = row_key_open(a, d, dk) == 0 ? open_bytes(dk, d->raw, &n) : NULL;
    sodium_memzero(dk, sizeof dk);
    if (!raw)
        return;
    attach(a, who, c, "message.eml", raw, n, now);
    mailmsg m = {0};
    const char *why;
    if (mailmsg_parse(raw, n, &m, &why) == 0)
        for (size_t i = 0; i < m.n_parts; i++)
            attach(a, who, c, *m.parts[i].name ? m.parts[i].name : "attachment.bin", m.parts[i].data, m.parts[i].n,
                   now);
    mailmsg_release(&m);
    sodium_memzero(raw, n);
    free(raw);
}

int app_mail_confirm(app *a, const actor *who, const char *id, json_t *input, int64_t now, complaint *out,
                     pii_memo *memo, cerr *e)
{
    mail_draft d = {0};
    int rc = load_pending(a, id, &d, true, e);
    if (rc)
        goto out;
    const json_t *ch = json_object_get(input, "channel");
    if (ch && !(json_is_string(ch) && strcmp(json_string_value(ch), "email") == 0)) {
        rc = cerr_set(e, "validation_failed", "channel", "channel: 邮件受理的渠道为 email (the channel is email)");
        goto out;
    }
    json_object_set_new(input, "channel", json_string("email"));
    /* The draft's id as the intake's reference: confirming it twice creates one complaint. */
    char ref[64];
    snprintf(ref, sizeof ref, "mail-%s", d.id);
    json_object_set_new(input, "external_ref", json_string(ref));
    rc = app_intake(a, who, input, now, NULL, out, memo, e);
    if (rc == 0)
        attach_message(a, who, &d, out, now);
    if ((rc == 0 || rc == 1) && strcmp(d.status, "pending") == 0) {
        int drc = store_mail_draft_decide(a->db, d.id, "confirmed", out->id, who->id, now, "");
        if (drc && drc != STORE_CONFLICT)
            rc = drc;
    }
    if (rc == 0 && strcmp(d.status, "confirmed") == 0)
        rc = 1;
out:
    mail_draft_release(&d);
    return rc;
}

int app_mail_discard(app *a, const actor *who, const char *id, const char *reason, int64_t now, cerr *e)
{
    if (!reason || !*reason || utf8_count(reason) < 1 || utf8_count(reason) > 500)
        return cerr_set(e, "validation_failed", "reason", "reason: 应为 1–500 个字符 (expected 1–500 characters)");
    mail_draft d = {0};
    int rc = load_pending(a, id, &d, false, e);
    uint8_t dk[PII_KEY_BYTES];
    if (rc == 0 && row_key_open(a, &d, dk) != 0)
        rc = app_pii_no_key(e);
    if (rc == 0) {
        char *note = pii_seal(dk, reason);
        sodium_memzero(dk, sizeof dk);
        rc = store_mail_draft_decide(a->db, d.id, "discarded", 0, who->id, now, note);
        free(note);
        if (rc == STORE_CONFLICT)
            rc = cerr_set(e, "action_not_allowed", NULL, "该邮件已处理 (the message was decided meanwhile)");
    }
    mail_draft_release(&d);
    return rc;
}
