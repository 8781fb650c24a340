/* appeal: see appeal.h. */
#include "core/appeal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"
#include "util/xalloc.h"

void appeal_report_release(appeal_report *r)
{
    free(r->report);
    free(r->mediation);
    free(r->review_note);
    memset(r, 0, sizeof *r);
}

const appeal_contact *appeal_contact_for(const org *o, const appeal_contact *items, size_t n, int64_t unit_id)
{
    for (int depth = 0; unit_id && depth < 64; depth++) {
        for (size_t i = 0; i < n; i++)
            if (items[i].unit == unit_id)
                return &items[i];
        const unit *u = org_find(o, unit_id);
        unit_id = u ? u->parent : 0;
    }
    return NULL;
}

/* The text member key into *dst (replaced; "" clears it). */
static int take_text(const json_t *in, const char *key, char **dst, cerr *e)
{
    const json_t *v = json_object_get(in, key);
    if (!v)
        return 0;
    if (!json_is_string(v))
        return cerr_set(e, "validation_failed", key, "%s: 应为文本 (expected a string)", key);
    if (utf8_count(json_string_value(v)) > APPEAL_TEXT_MAX)
        return cerr_set(e, "validation_failed", key, "%s: 最多 %d 个字符 (at most %d characters)", key, APPEAL_TEXT_MAX,
                        APPEAL_TEXT_MAX);
    free(*dst);
    *dst = *json_string_value(v) ? xstrdup(json_string_value(v)) : NULL;
    return 0;
}

static int take_bool(const json_t *in, const char *key, bool *dst, cerr *e)
{
    const json_t *v = json_object_get(in, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return cerr_set(e, "validation_failed", key, "%s: 应为 true 或 false (expected a boolean)", key);
    *dst = json_is_true(v);
    return 0;
}

int appeal_edit(appeal_report *r, const json_t *in, cerr *e)
{
    bool draft = strcmp(r->status, "draft") == 0;
    static const char *const draft_only[] = {"registered", "first_complaint", "report"};
    for (size_t i = 0; i < sizeof draft_only / sizeof draft_only[0]; i++)
        if (!draft && json_object_get(in, draft_only[i]))
            return cerr_set(e, "action_not_allowed", draft_only[i],
                            "%s: 报告已提交审核，只能退回后修改 (the report is past its draft)", draft_only[i]);
    const json_t *fc = json_object_get(in, "first_complaint");
    if (fc && !json_is_null(fc) && (!json_is_integer(fc) || json_integer_value(fc) <= 0))
        return cerr_set(e, "validation_failed", "first_complaint", "first_complaint: 应为工单 (expected a complaint)");
    if (take_bool(in, "registered", &r->registered, e) || take_bool(in, "filed", &r->filed, e) ||
        take_text(in, "report", &r->report, e) || take_text(in, "mediation", &r->mediation, e))
        return CERR_USER;
    if (fc)
        r->first_complaint = json_is_integer(fc) ? json_integer_value(fc) : 0;
    r->version++;
    return 0;
}

int appeal_act(appeal_report *r, const char *action, const char *note, bool hq_reviewer, int64_t by, int64_t now,
               const appeal_late_rule *rule, int64_t hq_unit, cerr *e)
{
    static const struct {
        const char *action, *from, *to;
    } steps[] = {{"submit", "draft", "review"}, {"approve", "review", "approved"}, {"return", "review", "draft"},
                 {"send", "approved", "sent"}};
    size_t i = 0;
    while (i < sizeof steps / sizeof steps[0] && strcmp(steps[i].action, action) != 0)
        i++;
    if (i == sizeof steps / sizeof steps[0])
        return cerr_set(e, "not_found", "", "没有此操作 (no such action)");
    if (strcmp(r->status, steps[i].from) != 0)
        return cerr_set(e, "action_not_allowed", "", "申诉报告当前为 %s，不能 %s (the report is %s)", r->status, action,
                        r->status);
    bool review = strcmp(action, "approve") == 0 || strcmp(action, "return") == 0;
    if (review && !hq_reviewer)
        return cerr_set(e, "forbidden", "", "只有总部可以审核申诉报告 (only headquarters reviews a report)");
    if (strcmp(action, "submit") == 0 && !r->report)
        return cerr_set(e, "validation_failed", "report", "report: 请先填写申诉处理报告 (write the report first)");
    if (strcmp(action, "return") == 0 && (!note || !*note))
        return cerr_set(e, "validation_failed", "note", "note: 请说明退回原因 (say why it goes back)");
    if (note && utf8_count(note) > APPEAL_TEXT_MAX)
        return cerr_set(e, "validation_failed", "note", "note: 过长 (too long)");
    snprintf(r->status, sizeof r->status, "%s", steps[i].to);
    if (strcmp(action, "submit") == 0) {
        r->submitted_by = by;
        r->submitted_at = now;
    } else if (review) {
        r->reviewed_by = by;
        r->reviewed_at = now;
        free(r->review_note);
        r->review_note = note && *note ? xstrdup(note) : NULL;
    } else if (strcmp(action, "send") == 0) {
        r->sent_at = now;
        r->late = now > r->due_at;
        if (r->late) {
            int64_t hq_share = rule && rule->set ? (int64_t)rule->review_hours * 3600 : 0;
            r->assessed_unit = r->submitted_at > r->due_at - hq_share ? r->unit : hq_unit;
            r->penalty_fen = rule && rule->set ? rule->amount_fen : 0;
            r->penalty_points = rule && rule->set ? rule->points : 0;
        }
    }
    assert(strcmp(r->status, "sent") != 0 || r->sent_at > 0);
    r->version++;
    return 0;
}
