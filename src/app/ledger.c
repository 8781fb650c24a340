/* ledger: see ledger.h. */
#include "app/ledger.h"
#include "app/pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
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

/* The close event's entries, as the store's rows. */
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
static void approval_msg(const app *a, const complaint *c, const event *ev, ledger_rows *r)
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
    (void)a;
}

size_t ledger_rows_of(const app *a, const complaint *next, const event *ev, ledger_rows *r)
{
    const json_t *p = ev->payload;
    /* Both ways of closing carry the pack's penalty entries (p_close). */
    if ((strcmp(ev->action, "close") == 0 || strcmp(ev->action, "answer") == 0) && json_array_size(json_object_get(p, "penalties"))) {
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
            approval_msg(a, next, ev, r);
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

void ledger_csv(app *a, const penalty_list *l, bool en, buf *out)
{
    static const char *const zh[] = {"月份", "工单编号", "考核对象", "责任人", "单位", "单位编码", "金额（元）",
                                     "考核分", "取消年度评优", "扣当月绩效", "状态", "免除原因", "规则"};
    static const char *const enh[] = {"month", "complaint", "role", "person", "unit", "unit code", "amount (yuan)",
                                      "points", "award eligibility lost", "performance pay lost", "status",
                                      "waive reason", "rule"};
    enum { NCOLS = sizeof zh / sizeof zh[0] };
    buf_puts(out, "\xEF\xBB\xBF");
    for (size_t i = 0; i < NCOLS; i++)
        csv_cell(out, en ? enh[i] : zh[i], i == NCOLS - 1);
    for (size_t i = 0; i < l->n; i++) {
        const penalty *p = &l->items[i];
        char amount[32], points[16];
        snprintf(amount, sizeof amount, "%lld.%02lld", (long long)(p->amount_fen / 100), (long long)(p->amount_fen % 100));
        snprintf(points, sizeof points, "%d", p->points);
        app_enter(a);
        const unit *u = org_find(app_org(a), p->unit);
        char *uname = xstrdup(u ? (en && u->name_en ? u->name_en : u->name) : "");
        char *ucode = xstrdup(u ? u->code : "");
        app_leave(a);
        bool waived = strcmp(p->status, "waived") == 0;
        const char *yes = en ? "yes" : "是", *no = en ? "no" : "否";
        const char *cells[NCOLS] = {p->month, p->number, p->role_name, p->person, uname, ucode, amount, points,
                                    p->award_loss ? yes : no, p->performance_pay ? yes : no,
                                    waived ? (en ? "waived" : "已免除") : (en ? "active" : "有效"),
                                    p->waive_reason, p->rule};
        for (size_t k = 0; k < NCOLS; k++)
            csv_cell(out, cells[k], k == NCOLS - 1);
        free(uname);
        free(ucode);
    }
}

int ledger_view_penalties(app *a, penalty_list *l)
{
    int64_t *ids = xcalloc(l->n ? l->n : 1, sizeof *ids);
    char **texts = xcalloc(l->n ? l->n : 1, sizeof *texts);
    for (size_t i = 0; i < l->n; i++) {
        ids[i] = l->items[i].complaint_id;
        texts[i] = l->items[i].waive_reason;
    }
    int rc = app_pii_view_texts(a, ids, texts, l->n);
    for (size_t i = 0; i < l->n; i++)
        l->items[i].waive_reason = texts[i];
    free(ids);
    free(texts);
    return rc;
}

int ledger_view_compensations(app *a, compensation_list *l)
{
    /* Two texts per compensation: its reason, then the decision's note. */
    size_t n = 2 * l->n;
    int64_t *ids = xcalloc(n ? n : 1, sizeof *ids);
    char **texts = xcalloc(n ? n : 1, sizeof *texts);
    for (size_t i = 0; i < l->n; i++) {
        ids[2 * i] = ids[2 * i + 1] = l->items[i].complaint_id;
        texts[2 * i] = l->items[i].reason;
        texts[2 * i + 1] = l->items[i].decision;
    }
    int rc = app_pii_view_texts(a, ids, texts, n);
    for (size_t i = 0; i < l->n; i++) {
        l->items[i].reason = texts[2 * i];
        l->items[i].decision = texts[2 * i + 1];
    }
    free(ids);
    free(texts);
    return rc;
}
