/*
 * mail: the e-mail intake's endpoints (docs/api.md "E-mail intake"): the
 * mailboxes (administrators: their password is never shown), a poll on
 * demand, and the queue of messages taken in — drafts an agent confirms as
 * complaints or discards, and the messages kept aside with their reason.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/mailin.h"
#include "app/pii.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- mailboxes ------------------------------------------------------------------------- */

static json_t *mailbox_json(app *a, const mailbox *m)
{
    return json_pack("{s:s,s:o,s:s,s:s,s:b,s:b,s:i,s:o,s:o,s:I,s:s?}", "name", m->name, "unit",
                     api_unit_ref(a, m->unit), "url", m->url, "user",
                     m->username, "has_password", 1, "enabled", m->enabled, "poll_seconds", m->poll_seconds,
                     "created_at", api_time(a, m->created_at), "polled_at", api_time(a, m->polled_at), "last_uid",
                     (json_int_t)m->last_uid, "last_error", m->last_error && *m->last_error ? m->last_error : NULL);
}

void h_mailboxes_list(app *a, api_req *rq, http_resp *rs)
{
    mailbox_list l = {0};
    int rc = store_mailbox_list(a->db, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        if (api_reaches(a, rq, l.items[i].unit))
            json_array_append_new(items, mailbox_json(a, &l.items[i]));
    mailbox_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* The mailbox of the path's name within the caller's reach into m (0), or an error answered (-1). */
static int load_mailbox(app *a, api_req *rq, http_resp *rs, mailbox *m)
{
    int rc = store_mailbox_get(a->db, rq->params[0], m);
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "没有这个邮箱 (no such mailbox)");
    else if (rc)
        api_store_error(rs, rc);
    else
        rc = api_reach_unit(a, rq, m->unit, NULL, rs);
    return rc ? -1 : 0;
}

static void audit_mailbox(app *a, api_req *rq, const char *action, const mailbox *m)
{
    char subject[80];
    snprintf(subject, sizeof subject, "mailbox:%s", m->name);
    /* Neither the password nor the user. */
    json_t *detail = json_pack("{s:I,s:b,s:i}", "unit", (json_int_t)m->unit, "enabled", m->enabled, "poll_seconds",
                               m->poll_seconds);
    api_audit_unit(a, rq, action, subject, detail, m->unit);
    json_decref(detail);
}

/*
 * PUT /mailboxes/{name} {"unit", "url", "user", "password", "enabled",
 * "poll_seconds"}: creates or replaces a mailbox of unit (and its old unit)
 * within the caller's reach.
 */
void h_mailbox_put(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"unit", "url", "user", "password", "enabled", "poll_seconds", NULL};
    mailbox m, old = {0};
    cerr e = CERR_INIT;
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    int rc = app_mailbox_check(a, rq->params[0], in, time_now(), &m, &e);
    int had = rc ? 0 : store_mailbox_get(a->db, m.name, &old);
    if (rc)
        api_cerr(rs, &e);
    else if (had && had != STORE_NOTFOUND)
        api_store_error(rs, rc = had);
    else if ((had == 0 && api_reach_unit(a, rq, old.unit, "unit", rs)) || api_reach_unit(a, rq, m.unit, "unit", rs))
        rc = -1;
    else if ((rc = store_mailbox_put(a->db, &m)) != 0)
        api_store_error(rs, rc);
    mailbox stored = {0};
    if (rc == 0 && (rc = store_mailbox_get(a->db, m.name, &stored)) != 0)
        api_store_error(rs, rc);
    if (rc == 0) {
        audit_mailbox(a, rq, "mailbox_put", &stored);
        api_json(rs, 200, mailbox_json(a, &stored));
    }
    mailbox_release(&stored);
    mailbox_release(&old);
    json_decref(in);
}

void h_mailbox_delete(app *a, api_req *rq, http_resp *rs)
{
    mailbox m = {0};
    if (load_mailbox(a, rq, rs, &m) == 0) {
        int rc = store_mailbox_delete(a->db, m.name);
        if (rc)
            api_store_error(rs, rc);
        else {
            audit_mailbox(a, rq, "mailbox_delete", &m);
            rs->status = 204;
        }
    }
    mailbox_release(&m);
}

/* POST /mailboxes/{name}/actions/poll: reads the mailbox now; what came of it. */
void h_mailbox_poll(app *a, api_req *rq, http_resp *rs)
{
    mailbox m = {0};
    if (load_mailbox(a, rq, rs, &m)) {
        mailbox_release(&m);
        return;
    }
    mailin_counts c;
    char err[256];
    int rc = app_mailin_poll(a, m.name, time_now(), &c, err, sizeof err);
    if (rc == STORE_CONFLICT)
        api_error(rs, 409, "busy", NULL, "该邮箱正在读取 (the mailbox is being polled)");
    else if (rc)
        api_store_error(rs, rc);
    else {
        json_t *j = json_pack("{s:i,s:i,s:i,s:i}", "fetched", c.fetched, "pending", c.pending, "aside", c.aside,
                              "joined", c.joined);
        if (*err) /* the IMAP server's failure, also kept as the mailbox's last_error */
            json_object_set_new(j, "error", json_string(err));
        api_json(rs, 200, j);
    }
    mailbox_release(&m);
}

/* ---- the queue --------------------------------------------------------------------------- */

/* The message of the path's id, when its mailbox's unit is within the caller's scope, into d (0); else 404 answered (-1). */
static int load_draft(app *a, api_req *rq, http_resp *rs, mail_draft *d)
{
    int rc = store_mail_draft_get(a->db, rq->params[0], d);
    if (rc == 0 && !api_reaches(a, rq, d->unit))
        rc = STORE_NOTFOUND; /* as if there were none: its existence is not told */
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "没有这封邮件 (no such message)");
    else if (rc)
        api_store_error(rs, rc);
    return rc ? -1 : 0;
}

/* A message row, its texts already opened or masked (app_mail_draft_open). */
static json_t *draft_json(app *a, const mail_draft *d, bool full)
{
    json_t *j = json_pack("{s:s,s:s,s:s,s:s?,s:o,s:o,s:I,s:{s:s,s:s},s:s,s:o}", "id", d->id, "mailbox", d->mailbox,
                          "status", d->status, "reason", *d->reason ? d->reason : NULL, "received_at",
                          api_time(a, d->received_at), "sent_at", api_time(a, d->sent_at), "size",
                          (json_int_t)d->size, "from", "address", d->sender, "name", d->sender_name, "subject",
                          d->subject, "files", json_loads(d->files ? d->files : "[]", 0, NULL));
    if (full)
        json_object_set_new(j, "text", json_string(d->body));
    else { /* the first line or so, for the list */
        char head[301];
        snprintf(head, sizeof head, "%s", d->body);
        size_t k = strlen(head);
        while (k && ((unsigned char)head[k - 1] & 0xC0) == 0x80)
            k--; /* never half a character */
        if (k && strlen(d->body) > k && (unsigned char)head[k - 1] >= 0xC0)
            k--;
        head[k] = '\0';
        json_object_set_new(j, "excerpt", json_string(head));
    }
    if (d->complaint_id) {
        complaint c;
        complaint_init(&c);
        if (store_complaint_get(a->db, d->complaint_id, NULL, &c) == 0)
            json_object_set_new(j, "complaint", json_pack("{s:I,s:s}", "id", (json_int_t)c.id, "number", c.number));
        complaint_release(&c);
    }
    if (d->decided_at) {
        json_object_set_new(j, "decided_at", api_time(a, d->decided_at));
        json_object_set_new(j, "decided_by", api_user_ref(a, d->decided_by));
    }
    if (d->note && *d->note)
        json_object_set_new(j, "note", json_string(d->note));
    return j;
}

static const char *const statuses[] = {"pending", "aside", "joined", "confirmed", "discarded", NULL};

/* GET /mail-drafts?status=&limit=: the messages taken in, newest first, masked. */
void h_mail_drafts_list(app *a, api_req *rq, http_resp *rs)
{
    const char *status = http_query(rq->http, "status"), *lim = http_query(rq->http, "limit");
    if (status && !*status)
        status = NULL;
    bool known = !status;
    for (int i = 0; status && statuses[i]; i++)
        known |= strcmp(statuses[i], status) == 0;
    if (!known) {
        api_error(rs, 400, "bad_request", "status",
                  "status: 应为 pending、aside、joined、confirmed 或 discarded (expected pending, aside, joined, "
                  "confirmed or discarded)");
        return;
    }
    char *end = NULL;
    long limit = lim && *lim ? strtol(lim, &end, 10) : 100;
    if ((end && *end) || limit < 1 || limit > 500) {
        api_error(rs, 400, "bad_request", "limit", "limit: 应为 1–500 (expected 1–500)");
        return;
    }
    /* The mailboxes' units the caller reaches, in the statement: a page is full whenever enough exist. */
    const org *o = app_org(a);
    int64_t *units = xcalloc(o->n + 1, sizeof *units);
    size_t n_units = 0;
    for (size_t i = 0; i < o->n; i++)
        if (api_reaches(a, rq, o->units[i].id))
            units[n_units++] = o->units[i].id;
    mail_draft_filter f = {status, units, n_units, (int)limit};
    mail_draft_list l = {0};
    int rc = store_mail_draft_list(a->db, &f, &l);
    free(units);
    actor who = api_actor(rq);
    json_t *items = json_array();
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        if ((rc = app_mail_draft_open(a, &who, &l.items[i], false, 0)) == 0)
            json_array_append_new(items, draft_json(a, &l.items[i], false));
    mail_draft_list_release(&l);
    if (rc) {
        json_decref(items);
        api_store_error(rs, rc);
        return;
    }
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* GET /mail-drafts/{id}[?clear=true]: one message, its texts masked, or in clear for who may see customer data (audited). */
void h_mail_draft_get(app *a, api_req *rq, http_resp *rs)
{
    const char *v = http_query(rq->http, "clear");
    if (v && *v && strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
        api_error(rs, 400, "bad_request", "clear", "clear: 应为 true 或 false (expected true or false)");
        return;
    }
    bool clear = v && strcmp(v, "true") == 0;
    actor who = api_actor(rq);
    if (clear && !app_pii_may_unmask(a, &who)) {
        api_error(rs, 403, "forbidden", "clear", "clear: 无权查看客户信息明文 (no permission to see customer data)");
        return;
    }
    mail_draft d = {0};
    if (load_draft(a, rq, rs, &d)) {
        mail_draft_release(&d);
        return;
    }
    int rc = app_mail_draft_open(a, &who, &d, clear, time_now());
    if (rc)
        api_store_error(rs, rc);
    else {
        json_t *j = draft_json(a, &d, true);
        json_object_set_new(j, "clear", json_boolean(clear));
        api_json(rs, 200, j);
    }
    mail_draft_release(&d);
}

/* POST /mail-drafts/{id}/actions/confirm {intake body}: the draft becomes a complaint on channel email. */
void h_mail_draft_confirm(app *a, api_req *rq, http_resp *rs)
{
    mail_draft d = {0};
    int seen = load_draft(a, rq, rs, &d);
    mail_draft_release(&d);
    json_t *in = seen ? NULL : api_body(rq, rs, NULL); /* workflow_intake checks its members */
    if (!in)
        return;
    actor who = api_actor(rq);
    complaint c;
    complaint_init(&c);
    cerr e = CERR_INIT;
    int64_t now = time_now();
    pii_memo memo = {0};
    int rc = app_mail_confirm(a, &who, rq->params[0], in, now, &c, &memo, &e);
    api_intake_answer(a, rq, rc, &c, &memo, &e, now, rs);
    app_pii_memo_release(&memo);
    complaint_release(&c);
    json_decref(in);
}

/* POST /mail-drafts/{id}/actions/discard {"reason"}: the draft is kept, marked discarded with the reason (sealed). */
void h_mail_draft_discard(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"reason", NULL};
    mail_draft d = {0};
    int seen = load_draft(a, rq, rs, &d);
    mail_draft_release(&d);
    json_t *in = seen ? NULL : api_body(rq, rs, known);
    if (!in)
        return;
    actor who = api_actor(rq);
    cerr e = CERR_INIT;
    int rc = app_mail_discard(a, &who, rq->params[0], json_string_value(json_object_get(in, "reason")), time_now(),
                              &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        rs->status = 204;
    json_decref(in);
}
