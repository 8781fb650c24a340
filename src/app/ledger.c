/* ledger: see ledger.h. */
#include "app/ledger.h"
#include "app/pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/xalloc.h"

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
