/* report: see report.h. */
#include "core/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"
#include "util/xalloc.h"

#define COUNT(id, fact, zh, en, dzh, den_)                                                                             \
    {                                                                                                                  \
        id, false, fact, RF_ALL, zh, en, dzh, den_, NAN, false                                                         \
    }

static const report_def defs[] = {
    COUNT("received", RF_ALL, "受理量", "Received",
          "期间内受理的全部工单（按受理时间），含无效投诉、建议和申诉。",
          "Every work order received in the period (by time of receipt), invalid ones, suggestions and appeals "
          "included."),
    COUNT("valid", RF_VALID, "有效投诉", "Valid", "期间内受理、性质认定为有效投诉的工单数。",
          "Complaints received in the period whose nature was found valid."),
    COUNT("invalid", RF_INVALID, "无效投诉", "Invalid",
          "期间内受理、性质认定为无效投诉的工单数；单独统计，不计入按时办结率等比率的分母。",
          "Complaints received in the period whose nature was found invalid; counted apart, never in the "
          "denominator of the on-time rate or the other rates over valid complaints."),
    COUNT("suggestion", RF_SUGGESTION, "意见建议", "Suggestions",
          "期间内受理、性质认定为意见建议的工单数；建议不计为投诉。",
          "Work orders received in the period found to be suggestions; a suggestion is not counted as a complaint."),
    COUNT("open", RF_OPEN, "未办结", "Open", "期间内受理、至今尚未结案的工单数。",
          "Work orders received in the period that are not closed yet."),
    COUNT("closed", RF_CLOSED, "已办结", "Closed", "期间内受理、已结案（含已归档）的工单数。",
          "Work orders received in the period that are closed (archived ones included)."),
    COUNT("overdue", RF_OVERDUE, "超时工单", "Overdue",
          "期间内受理、超过总办结时限的工单数：至今未结案而已过时限的，或结案晚于时限的。",
          "Work orders received in the period that passed their overall deadline: still open after it, or closed "
          "after it."),
    {"on_time_rate", true, RF_ON_TIME, RF_CLOSED_VALID, "按时办结率", "On-time completion rate",
     "在总办结时限内结案的有效投诉 ÷ 已结案的有效投诉（期间内受理）。无效投诉和意见建议不计入分母；未结案的工单在结案后计入。",
     "Valid complaints closed within their overall time limit ÷ closed valid complaints (received in the "
     "period). Invalid complaints and suggestions are never in the denominator; open ones count once closed.",
     0.95, false},
    {"first_contact_rate", true, RF_FIRST_CONTACT, RF_CLOSED_VALID, "一次性办结率", "First-contact resolution rate",
     "受理时当场答复办结（未派单）的有效投诉 ÷ 已结案的有效投诉（期间内受理）。",
     "Valid complaints answered and closed at first contact, without dispatch ÷ closed valid complaints (received "
     "in the period).",
     NAN, false},
    {"satisfaction_rate", true, RF_SATISFIED, RF_REVISITED, "满意率", "Satisfaction rate",
     "最后一次回访结果为满意或基本满意的工单 ÷ 回访联系上的工单（期间内受理）；未联系上的不计入分母。",
     "Work orders whose last revisit found the customer satisfied or basically satisfied ÷ work orders whose last "
     "revisit reached the customer (received in the period); unreachable customers are not in the denominator.",
     0.95, false},
    {"reopen_rate", true, RF_REOPENED, RF_ALL, "重复处理率", "Reopen rate",
     "因回访不满意而再处理过（至少一次）的工单 ÷ 受理量（期间内受理）。",
     "Work orders reopened at least once after a dissatisfied revisit ÷ work orders received in the period.", NAN,
     true},
    {"escalation_rate", true, RF_ESCALATED, RF_ALL, "升级投诉率", "Escalation rate",
     "升级过（至少一次）的工单 ÷ 受理量（期间内受理）。",
     "Work orders escalated at least once ÷ work orders received in the period.", NAN, true},
    {"appeal_rate", true, RF_APPEAL, RF_ALL, "申诉率", "Appeal rate",
     "经监管渠道转来的申诉 ÷ 受理量（期间内受理）。",
     "Appeals brought through a regulator's channel ÷ work orders received in the period.", NAN, true},
    COUNT("fault", RF_FAULT, "故障不满工单", "Known-fault complaints",
          "期间内受理、关联到系统公告（已知故障）并按统一口径答复的工单数；单独统计，不计入按时办结率、一次性办结率和超时量。",
          "Complaints received in the period about a known fault (linked to an announcement and answered with its "
          "script); counted apart, never in the on-time or first-contact rates or the overdue count."),
    COUNT("closed_unaccepted", RF_UNACCEPTED, "不认可结案", "Closed without agreement",
          "期间内受理、回访不满意且客户仍不认可处理结果，经向客户说明公司立场后结案的工单数；单独统计。",
          "Complaints received in the period closed without the customer's agreement: dissatisfied at the revisit, "
          "the customer still rejecting the result, closed once the company's position was explained; counted "
          "apart."),
    {"supervision_rate", true, RF_SUPERVISED, RF_ALL, "督办率", "Supervision rate",
     "超过时限而被督办（至少一次）的工单 ÷ 受理量（期间内受理）。",
     "Work orders that passed a time limit and were supervised (督办) at least once ÷ work orders received in the "
     "period.",
     NAN, true},
};

const report_def *report_defs(size_t *n)
{
    *n = sizeof defs / sizeof defs[0];
    return defs;
}

int report_find(const char *id)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (strcmp(defs[i].id, id) == 0)
            return (int)i;
    return -1;
}

double report_value(const report_def *d, int64_t num, int64_t den)
{
    if (!d->rate)
        return (double)num;
    return den ? (double)num / (double)den : NAN;
}

bool report_meets(const report_def *d, double target, double value)
{
    if (isnan(target) || isnan(value))
        return true;
    return d->lower_better ? value <= target : value >= target;
}

void report_policy_init(report_policy *rp)
{
    rp->ind = NULL;
    rp->n = 0;
}

void report_policy_release(report_policy *rp)
{
    free(rp->ind);
    report_policy_init(rp);
}

static const char *str_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The counts by nature are named as the pack names its natures. */
static void nature_names(report_policy *rp, const json_t *pack)
{
    size_t i;
    const json_t *nat;
    json_array_foreach(json_object_get(pack, "natures"), i, nat)
    {
        const char *code = str_of(nat, "code");
        int k = code ? report_find(code) : -1;
        if (k < 0 || defs[k].rate || (defs[k].num != RF_VALID && defs[k].num != RF_INVALID &&
                                       defs[k].num != RF_SUGGESTION))
            continue;
        if (str_of(nat, "name"))
            rp->ind[k].name = str_of(nat, "name");
        if (str_of(nat, "name_en"))
            rp->ind[k].name_en = str_of(nat, "name_en");
    }
}

static int override(report_ind *ind, const char *id, const json_t *o, cerr *e)
{
    static const char *const texts[] = {"name", "name_en", "definition", "definition_en"};
    const char **dst[] = {&ind->name, &ind->name_en, &ind->definition, &ind->definition_en};
    const char *key;
    const json_t *v;
    if (!json_is_object(o))
        return cerr_set(e, "invalid_pack", "indicators", "indicators.%s: expected an object", id);
    json_object_foreach((json_t *)o, key, v)
    {
        size_t k;
        for (k = 0; k < 4 && strcmp(key, texts[k]) != 0; k++)
            ;
        if (k < 4) {
            if (!json_is_string(v) || !*json_string_value(v))
                return cerr_set(e, "invalid_pack", "indicators", "indicators.%s.%s: expected a non-empty string", id,
                                key);
            *dst[k] = json_string_value(v);
        } else if (strcmp(key, "target") == 0) {
            if (json_is_null(v))
                ind->target = NAN;
            else if (json_is_number(v) && json_number_value(v) >= 0 && json_number_value(v) <= 1)
                ind->target = json_number_value(v);
            else
                return cerr_set(e, "invalid_pack", "indicators", "indicators.%s.target: expected a fraction 0–1 or null",
                                id);
        } else {
            return cerr_set(e, "invalid_pack", "indicators", "indicators.%s.%s: unknown member", id, key);
        }
    }
    if (!isnan(ind->target) && !defs[report_find(id)].rate)
        return cerr_set(e, "invalid_pack", "indicators", "indicators.%s.target: a count has no target", id);
    return 0;
}

int report_policy_load(report_policy *rp, const json_t *pack, cerr *e)
{
    size_t n = sizeof defs / sizeof defs[0];
    rp->ind = xcalloc(n, sizeof *rp->ind);
    rp->n = n;
    for (size_t i = 0; i < n; i++)
        rp->ind[i] = (report_ind){defs[i].name, defs[i].name_en, defs[i].definition, defs[i].definition_en,
                                  defs[i].target};
    nature_names(rp, pack);
    const json_t *sec = json_object_get(pack, "indicators");
    if (!sec)
        return 0;
    if (!json_is_object(sec))
        return cerr_set(e, "invalid_pack", "indicators", "indicators: expected an object keyed by indicator id");
    const char *id;
    const json_t *o;
    json_object_foreach((json_t *)sec, id, o)
    {
        int k = report_find(id);
        if (k < 0)
            return cerr_set(e, "invalid_pack", "indicators", "indicators.%s: unknown indicator", id);
        if (override(&rp->ind[k], id, o, e))
            return CERR_USER;
    }
    return 0;
}

static const char *const dim_names[RD__COUNT] = {"unit", "category", "channel", "level", "nature", "kind"};

int report_dim_parse(const char *name)
{
    for (int d = 0; d < RD__COUNT; d++)
        if (strcmp(name, dim_names[d]) == 0)
            return d;
    return -1;
}

const char *report_dim_name(int dim)
{
    return dim >= 0 && dim < RD__COUNT ? dim_names[dim] : "";
}

static const char *const period_names[] = {"", "day", "week", "month", "quarter", "year"};

int report_period_parse(const char *name)
{
    for (int p = RP_DAY; p <= RP_YEAR; p++)
        if (strcmp(name, period_names[p]) == 0)
            return p;
    return -1;
}

const char *report_period_name(int p)
{
    return p >= RP_NONE && p <= RP_YEAR ? period_names[p] : "";
}

/* Monday = 0; day 0 (1970-01-01) was a Thursday. */
static int64_t weekday(int64_t day)
{
    return ((day + 3) % 7 + 7) % 7;
}

/* The Monday of ISO week 1 of ISO year y: the week holding 4 January. */
static int64_t iso_week1(int64_t y)
{
    int64_t jan4 = days_from_civil(y, 1, 4);
    return jan4 - weekday(jan4);
}

void report_period_key(int p, int64_t day, char *out, size_t outlen)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    switch (p) {
    case RP_DAY:
        snprintf(out, outlen, "%04lld-%02u-%02u", (long long)y, m, d);
        break;
    case RP_WEEK: {
        int64_t thursday = day - weekday(day) + 3, wy;
        unsigned wm, wd;
        civil_from_days(thursday, &wy, &wm, &wd);
        snprintf(out, outlen, "%04lld-W%02lld", (long long)wy, (long long)((day - iso_week1(wy)) / 7 + 1));
        break;
    }
    case RP_MONTH:
        snprintf(out, outlen, "%04lld-%02u", (long long)y, m);
        break;
    case RP_QUARTER:
        snprintf(out, outlen, "%04lld-Q%u", (long long)y, (m - 1) / 3 + 1);
        break;
    case RP_YEAR:
        snprintf(out, outlen, "%04lld", (long long)y);
        break;
    default:
        snprintf(out, outlen, "%s", "");
    }
}

/* n decimal digits at s into *v; -1 if they are not. */
static int num(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int report_period_days(int p, const char *key, int64_t *first, int64_t *end)
{
    int y, a = 0, b = 0;
    size_t len = strlen(key);
    if (len < 4 || num(key, 4, &y) || y < 1970)
        return -1;
    switch (p) {
    case RP_DAY:
        if (len != 10 || key[4] != '-' || key[7] != '-' || num(key + 5, 2, &a) || num(key + 8, 2, &b))
            return -1;
        *first = days_from_civil(y, (unsigned)a, (unsigned)b);
        *end = *first + 1;
        break;
    case RP_WEEK:
        if (len != 8 || key[4] != '-' || key[5] != 'W' || num(key + 6, 2, &a) || a < 1 || a > 53)
            return -1;
        *first = iso_week1(y) + 7 * (a - 1);
        *end = *first + 7;
        break;
    case RP_MONTH:
        if (len != 7 || key[4] != '-' || num(key + 5, 2, &a) || a < 1 || a > 12)
            return -1;
        *first = days_from_civil(y, (unsigned)a, 1);
        *end = a == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, (unsigned)a + 1, 1);
        break;
    case RP_QUARTER:
        if (len != 7 || key[4] != '-' || key[5] != 'Q' || num(key + 6, 1, &a) || a < 1 || a > 4)
            return -1;
        *first = days_from_civil(y, (unsigned)(3 * a - 2), 1);
        *end = a == 4 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, (unsigned)(3 * a + 1), 1);
        break;
    case RP_YEAR:
        if (len != 4)
            return -1;
        *first = days_from_civil(y, 1, 1);
        *end = days_from_civil(y + 1, 1, 1);
        break;
    default:
        return -1;
    }
    /* A key names its period only as the period writes it ("2026-02-30" does not). */
    char again[16];
    report_period_key(p, *first, again, sizeof again);
    return strcmp(again, key) == 0 ? 0 : -1;
}
