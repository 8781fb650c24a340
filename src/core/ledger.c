/* ledger: see ledger.h. */
#include "core/ledger.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void ledger_rows_init(ledger_rows *r)
{
    memset(r, 0, sizeof *r);
}

void ledger_rows_release(ledger_rows *r)
{
    free(r->pens);
    for (size_t i = 0; i < r->nmsgs; i++)
        free(r->msgs[i].payload);
    ledger_rows_init(r);
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t jint(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* The entries of a close (or a late appeal report's assessment), as the store's rows. */
static void penalties_of(const complaint *c, const event *ev, ledger_rows *r)
{
    const json_t *list = json_object_get(ev->payload, "penalties");
    r->pens = xcalloc(json_array_size(list) + 1, sizeof *r->pens);
    size_t i;
    const json_t *it;
    json_array_foreach(list, i, it)
    {
        penalty *p = &r->pens[r->npens++];
        p->complaint_id = c->id;
        p->no = (int)jint(it, "no");
        p->event_seq = ev->seq;
        p->created_at = ev->at;
        snprintf(p->month, sizeof p->month, "%s", jstr(it, "month") ? jstr(it, "month") : "");
        snprintf(p->rule, sizeof p->rule, "%s", jstr(it, "rule") ? jstr(it, "rule") : "");
        snprintf(p->role, sizeof p->role, "%s", jstr(it, "role") ? jstr(it, "role") : "");
        p->role_name = (char *)jstr(it, "role_name");
        p->person = (char *)jstr(it, "person");
        p->unit = jint(it, "unit");
        p->amount_fen = jint(it, "amount_fen");
        p->points = (int)jint(it, "points");
        p->award_loss = json_is_true(json_object_get(it, "award_loss"));
        p->performance_pay = json_is_true(json_object_get(it, "performance_pay"));
        snprintf(p->status, sizeof p->status, "active");
    }
}

/* The approval request goes to the approver unit's work list. */
static void approval_msg(const complaint *c, const event *ev, ledger_rows *r)
{
    const json_t *p = ev->payload;
    int64_t to = jint(p, "approver_unit");
    if (!to)
        return;
    outbox_msg *m = &r->msgs[r->nmsgs++];
    memset(m, 0, sizeof *m);
    m->created_at = ev->at;
    m->complaint_id = c->id;
    snprintf(m->channel, sizeof m->channel, "internal");
    m->recipient_unit = to;
    snprintf(m->template_name, sizeof m->template_name, "compensation_approval");
    json_t *msg = json_pack("{s:I,s:s,s:I,s:O,s:I,s:b,s:O}", "complaint_id", (json_int_t)c->id, "number", c->number,
                            "no", (json_int_t)jint(p, "no"), "kind", json_object_get(p, "kind"), "amount_fen",
                            (json_int_t)jint(p, "amount_fen"), "senior", json_is_true(json_object_get(p, "senior")),
                            "approver_roles", json_object_get(p, "approver_roles"));
    m->payload = msg ? json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(msg);
    snprintf(m->key, sizeof m->key, "c%lld/e%lld/compensation_approval/unit%lld", (long long)c->id, (long long)ev->seq,
             (long long)to);
}

/* A revisit that asks for a follow-up (a dissatisfied customer, a low score:
 * core/survey.h) becomes a task in the work list of the unit that owns the
 * complaint, for its supervisor. */
static void follow_up_msg(const complaint *c, const event *ev, ledger_rows *r)
{
    outbox_msg *m = &r->msgs[r->nmsgs++];
    memset(m, 0, sizeof *m);
    m->created_at = ev->at;
    m->complaint_id = c->id;
    snprintf(m->channel, sizeof m->channel, "internal");
    m->recipient_unit = c->owner_unit;
    snprintf(m->template_name, sizeof m->template_name, "revisit_follow_up");
    json_t *msg = json_pack("{s:I,s:s,s:O?}", "complaint_id", (json_int_t)c->id, "number", c->number, "result",
                            json_object_get(ev->payload, "result"));
    m->payload = msg ? json_dumps(msg, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(msg);
    snprintf(m->key, sizeof m->key, "c%lld/e%lld/revisit_follow_up", (long long)c->id, (long long)ev->seq);
}

size_t ledger_rows_of(const complaint *next, const event *ev, ledger_rows *r)
{
    const json_t *p = ev->payload;
    /* Every way of closing carries the pack's penalty entries (p_close). */
    bool closing = strcmp(ev->action, "close") == 0 || strcmp(ev->action, "answer") == 0 ||
                   strcmp(ev->action, "close_unaccepted") == 0 || strcmp(ev->action, "appeal_late") == 0;
    if (closing && json_array_size(json_object_get(p, "penalties"))) {
        penalties_of(next, ev, r);
    } else if (strcmp(ev->action, "waive_penalty") == 0) {
        r->pens = xcalloc(1, sizeof *r->pens);
        penalty *w = &r->pens[r->npens++];
        w->complaint_id = next->id;
        w->no = (int)jint(p, "no");
        snprintf(w->status, sizeof w->status, "waived");
        w->waived_at = ev->at;
        w->waived_by = ev->actor;
        w->waive_reason = (char *)jstr(p, "reason");
    } else if (strcmp(ev->action, "compensate") == 0) {
        compensation *m = &r->comps[r->ncomps++];
        memset(m, 0, sizeof *m);
        m->complaint_id = next->id;
        m->no = (int)jint(p, "no");
        snprintf(m->kind, sizeof m->kind, "%s", jstr(p, "kind") ? jstr(p, "kind") : "");
        m->amount_fen = jint(p, "amount_fen");
        m->reason = (char *)jstr(p, "reason");
        snprintf(m->status, sizeof m->status, "%s", jstr(p, "status") ? jstr(p, "status") : "");
        m->senior = json_is_true(json_object_get(p, "senior"));
        m->approver_unit = jint(p, "approver_unit");
        m->requested_by = ev->actor;
        m->requested_at = ev->at;
        if (strcmp(m->status, "pending") == 0)
            approval_msg(next, ev, r);
    } else if (strcmp(ev->action, "revisit") == 0 && json_is_true(json_object_get(p, "follow_up"))) {
        follow_up_msg(next, ev, r);
    } else if (strcmp(ev->action, "approve_compensation") == 0 || strcmp(ev->action, "refuse_compensation") == 0) {
        compensation *m = &r->comps[r->ncomps++];
        memset(m, 0, sizeof *m);
        m->complaint_id = next->id;
        m->no = (int)jint(p, "no");
        bool ok = strcmp(ev->action, "approve_compensation") == 0;
        snprintf(m->status, sizeof m->status, "%s", ok ? "approved" : "refused");
        m->decided_by = ev->actor;
        m->decided_at = ev->at;
        m->decision = (char *)jstr(p, ok ? "note" : "reason");
    }
    return r->npens + r->ncomps + r->nmsgs;
}
