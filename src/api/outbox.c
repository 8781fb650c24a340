/*
 * outbox: the notifications waiting, sent or given up (core/notify.h has
 * a row's states): the list with its status filter, one row with every
 * attempt to deliver it, and an administrator's retry of a dead letter or
 * cancel of a row not yet sent, both audited; and the webhooks that
 * receive a unit's notifications.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/partner.h"
#include "core/notify.h"
#include "core/roles.h"
#include "util/timeutil.h"

static json_t *row_json(app *a, const outbox_msg *m)
{
    json_t *payload = json_loads(m->payload ? m->payload : "{}", 0, NULL);
    json_t *j = json_pack("{s:I,s:o,s:I,s:s,s:o,s:o,s:s,s:o,s:s,s:s,s:i}", "id", (json_int_t)m->id, "created_at",
                          api_time(a, m->created_at), "complaint_id", (json_int_t)m->complaint_id, "channel",
                          m->channel, "recipient_user", api_user_ref(a, m->recipient_user), "recipient_unit",
                          api_unit_ref(a, m->recipient_unit), "template", m->template_name, "payload",
                          payload ? payload : json_object(), "idempotency_key", m->key, "status", m->status, "attempts",
                          m->attempts);
    bool due = strcmp(m->status, "pending") == 0 || strcmp(m->status, "failed") == 0;
    json_object_set_new(j, "next_attempt_at", due ? api_time(a, m->next_at ? m->next_at : m->created_at) : json_null());
    json_object_set_new(j, "sent_at", api_time(a, m->sent_at));
    json_object_set_new(j, "last_error", m->last_error ? json_string(m->last_error) : json_null());
    /* A webhook's name, or "customer" for the complaint's customer (app/custmsg.h). */
    json_object_set_new(j, "target", *m->target ? json_string(m->target) : json_null());
    return j;
}

static bool status_known(const char *s)
{
    static const char *const known[] = {"pending", "sent", "failed", "dead", "cancelled", NULL};
    for (int i = 0; known[i]; i++)
        if (strcmp(s, known[i]) == 0)
            return true;
    return false;
}

void h_outbox_list(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    const char *v = http_query(rq->http, "complaint"), *status = http_query(rq->http, "status");
    int64_t cid = 0;
    if (status && !*status)
        status = NULL;
    if (status && !status_known(status)) {
        complaint_release(&c);
        api_error(rs, 400, "bad_request", "status",
                  "status: 应为 pending、sent、failed、dead 或 cancelled (expected pending, sent, failed, dead or "
                  "cancelled)");
        return;
    }
    if (v && *v) {
        if (api_load_complaint(a, rq, v, &c, rs)) {
            complaint_release(&c);
            return;
        }
        cid = c.id;
    } else if (!(rq->who.roles & R_ADMIN)) {
        complaint_release(&c);
        api_error(rs, 400, "bad_request", "complaint", "complaint: 请指定工单 (name the complaint)");
        return;
    }
    complaint_release(&c);
    outbox_list l = {0};
    int rc = store_outbox_list(a->db, cid, status, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, row_json(a, &l.items[i]));
    outbox_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* The row of the path's id into m (0), or a 404 (-1). */
static int load_row(app *a, api_req *rq, http_resp *rs, outbox_msg *m)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    int rc = *rq->params[0] && !*end ? store_outbox_get(a->db, id, m) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "通知不存在 (no such notification)");
    else if (rc)
        api_store_error(rs, rc);
    return rc ? -1 : 0;
}

static void row_release(outbox_msg *m)
{
    free(m->payload);
    free(m->last_error);
}

void h_outbox_get(app *a, api_req *rq, http_resp *rs)
{
    outbox_msg m = {0};
    outbox_attempt_list l = {0};
    if (load_row(a, rq, rs, &m))
        return;
    int rc = store_outbox_attempts(a->db, m.id, &l);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *attempts = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const outbox_attempt *t = &l.items[i];
        json_array_append_new(attempts,
                              json_pack("{s:i,s:o,s:s,s:i,s:i,s:s?}", "no", t->no, "at", api_time(a, t->at), "result",
                                        t->result, "code", t->code, "latency_ms", t->latency_ms, "error", t->error));
    }
    json_t *j = row_json(a, &m);
    json_object_set_new(j, "attempt_log", attempts);
    api_json(rs, 200, j);
out:
    outbox_attempt_list_release(&l);
    row_release(&m);
}

static void reset(app *a, api_req *rq, http_resp *rs, bool retry)
{
    outbox_msg m = {0};
    if (load_row(a, rq, rs, &m))
        return;
    int rc = retry ? store_outbox_retry(a->db, m.id, time_now()) : store_outbox_cancel(a->db, m.id);
    if (rc == STORE_CONFLICT) {
        api_error(
            rs, 409, "conflict", "status",
            retry ? "status: 只能重试失败或已放弃的通知 (only a failed or dead notification is retried; this one is %s)"
                  : "status: 只能取消未发送的通知 (only a notification not yet sent is cancelled; this one is %s)",
            m.status);
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[40];
    snprintf(subject, sizeof subject, "outbox:%lld", (long long)m.id);
    json_t *detail = json_pack("{s:s,s:s,s:i}", "was", m.status, "key", m.key, "attempts", m.attempts);
    api_audit(a, rq, retry ? "outbox_retry" : "outbox_cancel", subject, detail);
    json_decref(detail);
    row_release(&m);
    memset(&m, 0, sizeof m);
    if (load_row(a, rq, rs, &m) == 0)
        api_json(rs, 200, row_json(a, &m));
out:
    row_release(&m);
}

void h_outbox_retry(app *a, api_req *rq, http_resp *rs)
{
    reset(a, rq, rs, true);
}

void h_outbox_cancel(app *a, api_req *rq, http_resp *rs)
{
    reset(a, rq, rs, false);
}

/* ---- webhooks ----------------------------------------------------------------------------- */

/* A webhook without its secret, which is never shown again; its URL may hold a robot's key, so only administrators read
 * it. */
static json_t *webhook_json(app *a, const webhook *w)
{
    return json_pack("{s:s,s:o,s:s,s:s,s:o,s:b,s:o,s:b}", "name", w->name, "unit", api_unit_ref(a, w->unit), "url",
                     w->url, "format", w->format, "created_at", api_time(a, w->created_at), "has_secret", 1, "channel",
                     w->channel[0] ? json_string(w->channel) : json_null(), "signed", w->signed_only);
}

void h_webhooks_list(app *a, api_req *rq, http_resp *rs)
{
    webhook_list l = {0};
    int rc = store_webhook_list(a->db, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        if (api_reaches(a, rq, l.items[i].unit))
            json_array_append_new(items, webhook_json(a, &l.items[i]));
    webhook_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* The webhook of the path's name within the caller's reach into w (0), or an error answered (-1). */
static int load_webhook(app *a, api_req *rq, http_resp *rs, webhook *w)
{
    int rc = notify_webhook_name_ok(rq->params[0]) ? store_webhook_get(a->db, rq->params[0], w) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "没有这个 Webhook (no such webhook)");
    else if (rc)
        api_store_error(rs, rc);
    else
        rc = api_reach_unit(a, rq, w->unit, NULL, rs);
    return rc ? -1 : 0;
}

static void audit_webhook(app *a, api_req *rq, const char *action, const webhook *w)
{
    char subject[80];
    snprintf(subject, sizeof subject, "webhook:%s", w->name);
    /* Neither the secret nor the URL (a robot's URL carries its key). */
    json_t *detail = json_pack("{s:I,s:s,s:s}", "unit", (json_int_t)w->unit, "format", w->format, "channel", w->channel);
    api_audit_unit(a, rq, action, subject, detail, w->unit);
    json_decref(detail);
}

/*
 * PUT /webhooks/{name} {"unit", "url", "secret", "format"[, "channel",
 * "signed"]}: creates or replaces a webhook for the complaints dispatched
 * to unit or below it — or, with a channel, a partner system's (docs/api.md
 * "Partner systems").
 */
void h_webhook_put(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"unit", "url", "secret", "format", "channel", "signed", NULL};
    webhook old = {0}, w;
    cerr e = CERR_INIT;
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    if (app_webhook_check(a, rq->params[0], in, time_now(), &w, &e)) {
        api_cerr(rs, &e);
        goto out;
    }
    /* Replacing one needs the reach of its old unit too. */
    int rc = store_webhook_get(a->db, w.name, &old);
    if ((rc == 0 && api_reach_unit(a, rq, old.unit, "unit", rs)) || api_reach_unit(a, rq, w.unit, "unit", rs))
        goto out;
    if (rc && rc != STORE_NOTFOUND) {
        api_store_error(rs, rc);
        goto out;
    }
    if ((rc = store_webhook_put(a->db, &w)) != 0) {
        api_store_error(rs, rc);
        goto out;
    }
    audit_webhook(a, rq, "webhook_put", &w);
    api_json(rs, 200, webhook_json(a, &w));
out:
    webhook_release(&old);
    json_decref(in);
}

void h_webhook_delete(app *a, api_req *rq, http_resp *rs)
{
    webhook w = {0};
    if (load_webhook(a, rq, rs, &w))
        goto out;
    int rc = store_webhook_delete(a->db, w.name);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    audit_webhook(a, rq, "webhook_delete", &w);
    rs->status = 204;
out:
    webhook_release(&w);
}
