/* inapp: see inapp.h. */
#include "app/inapp.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

bool app_sees(const org *o, int64_t home, const complaint *c)
{
    int64_t root = org_scope_root(o, home);
    if (!root)
        return false;
    if (org_within(o, c->owner_unit, root) || org_within(o, c->subject_unit, root) ||
        org_within(o, c->handler_unit, root))
        return true;
    size_t i;
    json_t *as;
    json_array_foreach(json_object_get(c->data, "assists"), i, as)
    {
        if (org_within(o, json_integer_value(json_object_get(as, "unit")), root))
            return true;
    }
    /* the units that review its handling opinion (复核, core/review.h) */
    json_array_foreach(json_object_get(json_object_get(c->data, "review"), "units"), i, as)
    {
        if (org_within(o, json_integer_value(as), root))
            return true;
    }
    return false;
}

static const char *str_of(const json_t *p, const char *key)
{
    const char *s = json_string_value(json_object_get(p, key));
    return s ? s : "";
}

/* A policy's wording: a text, or {"zh-CN": …, "en": …} as packs write it ("zh" is read too). */
static const char *wording(const json_t *v, bool en)
{
    if (json_is_string(v))
        return json_string_value(v);
    const char *s = json_string_value(json_object_get(v, en ? "en" : "zh-CN"));
    if (!s && !en)
        s = json_string_value(json_object_get(v, "zh"));
    return s ? s : "";
}

void app_inapp_texts(const char *template_name, const char *payload, buf *zh, buf *en)
{
    json_t *p = json_loads(payload ? payload : "", 0, NULL);
    const char *t = template_name, *no = str_of(p, "number"), *dl = str_of(p, "deadline");
    json_int_t level = json_integer_value(json_object_get(p, "level"));
    json_int_t inc = json_integer_value(json_object_get(p, "incident"));
    const json_t *msg = json_object_get(p, "message");
    if (strcmp(t, "sla_warning") == 0) {
        buf_printf(zh, "工单 %s 的处理时限 %s 即将到期，请尽快处理", no, dl);
        buf_printf(en, "Complaint %s: its time limit %s is near", no, dl);
    } else if (strcmp(t, "supervision") == 0) {
        buf_printf(zh, "工单 %s 已超过时限 %s，%lld 级督办", no, dl, (long long)level);
        buf_printf(en, "Complaint %s is past its time limit %s: supervision level %lld", no, dl, (long long)level);
    } else if (strcmp(t, "rule_notify") == 0) {
        buf_printf(zh, "工单 %s 触发规则 %s", no, str_of(p, "rule"));
        buf_printf(en, "Complaint %s matched the rule %s", no, str_of(p, "rule"));
        if (*wording(msg, false))
            buf_printf(zh, "：%s", wording(msg, false));
        if (*wording(msg, true))
            buf_printf(en, ": %s", wording(msg, true));
    } else if (strcmp(t, "appeal_dispatched") == 0) {
        buf_printf(zh, "申诉工单 %s 已派发至%s", no, str_of(p, "unit"));
        buf_printf(en, "Appeal %s was dispatched to %s", no, str_of(p, "unit"));
    } else if (strcmp(t, "appeal_returned") == 0) {
        buf_printf(zh, "申诉工单 %s 的报告被退回，请修改后重新提交", no);
        buf_printf(en, "The report of appeal %s was returned: revise it and submit it again", no);
    } else if (strcmp(t, "incident_opened") == 0) {
        buf_printf(zh, "工单 %s 归入突发事件 #%lld", no, (long long)inc);
        buf_printf(en, "Complaint %s opened incident #%lld", no, (long long)inc);
    } else if (strcmp(t, "incident_notice") == 0) {
        buf_printf(zh, "突发事件 #%lld 的客户公告已更新：%s", (long long)inc, str_of(p, "title"));
        buf_printf(en, "The customer notice of incident #%lld changed: %s", (long long)inc, str_of(p, "title"));
    } else if (strcmp(t, "compensation_approval") == 0) {
        buf_printf(zh, "工单 %s 的补偿申请待审批", no);
        buf_printf(en, "Complaint %s: a compensation awaits approval", no);
    } else if (strcmp(t, "revisit_follow_up") == 0) {
        buf_printf(zh, "工单 %s 回访不满意，需跟进", no);
        buf_printf(en, "Complaint %s: the revisit asks for a follow-up", no);
    } else if (strcmp(t, "trend_warning") == 0) {
        /* seed 002: 客戶服務危機的早期預警 — a category or station rises beyond its usual level */
        json_int_t n = json_integer_value(json_object_get(p, "count")), days = json_integer_value(json_object_get(p, "window_days"));
        double usual = (double)json_integer_value(json_object_get(p, "usual_x100")) / 100.0;
        const char *what = str_of(p, "category");
        buf_printf(zh, "投诉趋势预警：%s%s%s，近 %lld 天 %lld 件（通常约 %.1f 件）", str_of(p, "name"), *what ? " · " : "", what,
                   (long long)days, (long long)n, usual);
        buf_printf(en, "Complaint trend warning: %s%s%s, %lld in the last %lld days (usually about %.1f)",
                   *str_of(p, "name_en") ? str_of(p, "name_en") : str_of(p, "name"), *what ? " · " : "", what,
                   (long long)n, (long long)days, usual);
    } else if (strcmp(t, "unresolvable_review") == 0) {
        /* seed 001: 每季度一次经管理处负责人协调同意后才能销项 (app/unresolvable.h) */
        bool quarter = strchr(str_of(p, "period"), 'Q') != NULL;
        json_int_t n = json_integer_value(json_object_get(p, "count"));
        buf_printf(zh, "%lld 件无法处理的工单待本%s销项", (long long)n, quarter ? "季度" : "月");
        buf_printf(en, "%lld complaints recorded as unresolvable await closing at this %s's review", (long long)n,
                   quarter ? "quarter" : "month");
    } else if (strcmp(t, "pending_reminder") == 0) {
        /* seed 003: 客户经理每月4日完成上个月未了事宜的客户沟通提醒 (app/pending.h) */
        json_int_t n = json_integer_value(json_object_get(p, "count"));
        buf_printf(zh, "%lld 件本月前的未了事宜尚未了结，请与客户沟通提醒（%s）", (long long)n, str_of(p, "period"));
        buf_printf(en, "%lld pending matters from before this month are still open: remind the customers (%s)",
                   (long long)n, str_of(p, "period"));
    } else {
        buf_printf(zh, "工单 %s 有新的通知", no);
        buf_printf(en, "Complaint %s has a new notice", no);
    }
    json_decref(p);
}

/* The people m reaches into *ids (heap, *n of them): its user, or its unit's active users who see its complaint. */
static int recipients(app *a, const outbox_msg *m, const complaint *c, int64_t **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    if (m->recipient_user) {
        user u = {0};
        int rc = store_user_get(a->db, NULL, m->recipient_user, &u, NULL);
        if (rc == 0 && u.active) {
            *ids = xmalloc(sizeof **ids);
            (*ids)[(*n)++] = u.id;
        }
        user_release(&u);
        return rc == STORE_NOTFOUND ? 0 : rc;
    }
    if (!m->recipient_unit)
        return 0;
    user_list l = {0};
    int rc = store_user_list_unit(a->db, m->recipient_unit, &l);
    if (rc)
        return rc;
    *ids = xcalloc(l.n + 1, sizeof **ids);
    for (size_t i = 0; i < l.n; i++)
        if (!c || app_sees(app_org(a), l.items[i].unit, c))
            (*ids)[(*n)++] = l.items[i].id;
    user_list_release(&l);
    return 0;
}

int app_inapp_deliver(app *a, const outbox_msg *m, int64_t now)
{
    complaint c;
    complaint_init(&c);
    bool have = m->complaint_id && store_complaint_get(a->db, m->complaint_id, NULL, &c) == 0;
    int64_t *ids = NULL;
    size_t n = 0;
    inapp_notice *notes = NULL;
    buf zh, en;
    buf_init(&zh);
    buf_init(&en);
    app_enter(a);
    int rc = recipients(a, m, have ? &c : NULL, &ids, &n);
    app_leave(a);
    if (rc)
        goto out;
    app_inapp_texts(m->template_name, m->payload, &zh, &en);
    notes = xcalloc(n + 1, sizeof *notes);
    for (size_t i = 0; i < n; i++) {
        inapp_notice *x = &notes[i];
        x->user_id = ids[i];
        x->complaint_id = have ? c.id : 0;
        snprintf(x->number, sizeof x->number, "%s", have ? c.number : "");
        snprintf(x->template_name, sizeof x->template_name, "%s", m->template_name);
        x->text_zh = zh.data;
        x->text_en = en.data;
    }
    rc = store_inapp_deliver(a->db, m, notes, n, now);
out:
    free(notes);
    free(ids);
    buf_release(&zh);
    buf_release(&en);
    complaint_release(&c);
    return rc;
}
