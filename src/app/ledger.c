/* ledger: see ledger.h. */
#include "app/ledger.h"
#include "app/pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cases.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

int ledger_export(app *a, const penalty_list *l, bool en, sheet_format fmt, buf *out)
{
    static const sheet_col zh[] = {{"月份", SHEET_TEXT},     {"工单编号", SHEET_TEXT},     {"考核对象", SHEET_TEXT},
                                   {"责任人", SHEET_TEXT},   {"单位", SHEET_TEXT},         {"单位编码", SHEET_TEXT},
                                   {"金额（元）", SHEET_YUAN}, {"考核分", SHEET_INT},        {"取消年度评优", SHEET_TEXT},
                                   {"扣当月绩效", SHEET_TEXT}, {"状态", SHEET_TEXT},         {"免除原因", SHEET_TEXT},
                                   {"规则", SHEET_TEXT}};
    static const sheet_col enh[] = {{"month", SHEET_TEXT},      {"complaint", SHEET_TEXT},
                                    {"role", SHEET_TEXT},       {"person", SHEET_TEXT},
                                    {"unit", SHEET_TEXT},       {"unit code", SHEET_TEXT},
                                    {"amount (yuan)", SHEET_YUAN}, {"points", SHEET_INT},
                                    {"award eligibility lost", SHEET_TEXT}, {"performance pay lost", SHEET_TEXT},
                                    {"status", SHEET_TEXT},     {"waive reason", SHEET_TEXT},
                                    {"rule", SHEET_TEXT}};
    enum { NCOLS = sizeof zh / sizeof zh[0] };
    _Static_assert(sizeof enh / sizeof enh[0] == NCOLS, "one heading per column in each language");
    sheet *sh = sheet_open(fmt, en ? "penalties" : "考核台账", en ? enh : zh, NCOLS);
    const char *yes = en ? "yes" : "是", *no = en ? "no" : "否";
    for (size_t i = 0; i < l->n; i++) {
        const penalty *p = &l->items[i];
        app_enter(a);
        const unit *u = org_find(app_org(a), p->unit);
        char *uname = xstrdup(u ? (en && u->name_en ? u->name_en : u->name) : "");
        char *ucode = xstrdup(u ? u->code : "");
        app_leave(a);
        bool waived = strcmp(p->status, "waived") == 0;
        sheet_text(sh, p->month);
        sheet_text(sh, p->number);
        sheet_text(sh, p->role_name);
        sheet_text(sh, p->person);
        sheet_text(sh, uname);
        sheet_text(sh, ucode);
        sheet_number(sh, (double)p->amount_fen / 100.0);
        sheet_int(sh, p->points);
        sheet_text(sh, p->award_loss ? yes : no);
        sheet_text(sh, p->performance_pay ? yes : no);
        sheet_text(sh, waived ? (en ? "waived" : "已免除") : (en ? "active" : "有效"));
        sheet_text(sh, p->waive_reason);
        sheet_text(sh, p->rule);
        free(uname);
        free(ucode);
    }
    return sheet_close(sh, out);
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

/* The local instants where month ("YYYY-MM") begins and the next begins. */
static int month_bounds(const char *month, int tz, int64_t *from, int64_t *to)
{
    int y, m;
    char first[16], next[16];
    if (sscanf(month, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
        return -1;
    snprintf(first, sizeof first, "%04d-%02d-01", y, m);
    snprintf(next, sizeof next, "%04d-%02d-01", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    return time_parse_date_or_instant(first, tz, from) || time_parse_date_or_instant(next, tz, to) ? -1 : 0;
}

static bool among(int64_t id, const int64_t *units, size_t n)
{
    if (!units)
        return true;
    for (size_t i = 0; i < n; i++)
        if (units[i] == id)
            return true;
    return false;
}

/* The role of roles whose limit is the largest (the person's level of authority), 0 when none grants. */
static unsigned level_of(const cases_policy *cp, unsigned roles)
{
    unsigned best = 0;
    for (unsigned bit = 1; bit && bit <= roles; bit <<= 1)
        if ((roles & bit) && cases_role_limit(cp, bit) >= 0 &&
            (!best || cases_role_limit(cp, bit) > cases_role_limit(cp, best)))
            best = bit;
    return best;
}

int ledger_authority_month(app *a, const char *month, const int64_t *units, size_t n, authority_month *out)
{
    *out = (authority_month){0};
    authority_use_list l = {0};
    int64_t from, to;
    app_enter(a);
    int tz = app_pol(a)->tz_offset;
    app_leave(a);
    if (month_bounds(month, tz, &from, &to))
        return STORE_ERROR;
    int rc = store_authority_use(a->db, from, to, &l);
    out->items = xcalloc(l.n ? l.n : 1, sizeof *out->items);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const authority_use *u = &l.items[i];
        authority_person *p = out->n ? &out->items[out->n - 1] : NULL;
        if (!p || p->who.id != u->user) {
            user who = {0};
            if (store_user_get(a->db, NULL, u->user, &who, NULL) != 0 || !among(who.unit, units, n)) {
                user_release(&who);
                /* the other rows of the same person are skipped the same way */
                while (i + 1 < l.n && l.items[i + 1].user == u->user)
                    i++;
                continue;
            }
            p = &out->items[out->n++];
            p->who = who;
            app_enter(a);
            p->level = level_of(&app_pol(a)->cases, who.roles);
            p->limit_fen = cases_role_limit(&app_pol(a)->cases, who.roles);
            app_leave(a);
        }
        if (u->what >= 0 && u->what < AU__COUNT) {
            p->count[u->what] += u->count;
            p->fen[u->what] += u->amount_fen;
        }
    }
    authority_use_list_release(&l);
    if (rc)
        authority_month_release(out);
    return rc;
}

void authority_month_release(authority_month *m)
{
    for (size_t i = 0; i < m->n; i++)
        user_release(&m->items[i].who);
    free(m->items);
    *m = (authority_month){0};
}
