/*
 * trend: the pack's early-warning rules on the trend of complaints
 * ("trends", seed 002: 通過數據分析與顧客反饋,建立客戶服務危機的早期預警機制).
 * A rule counts the complaints received in the last window_days per
 * category (top-level: the business line) or per subject unit, and the
 * complaints of the baseline_days before that window as the usual level.
 * A key rises when its count in the window reaches at_least and exceeds
 * the usual level scaled to the window by rise_percent or more; a key with
 * no usual level rises on at_least alone. The application counts
 * (app/trend.c) and warns the rule's unit; everything here is arithmetic
 * on counts and instants handed in.
 *
 *   "trends": {"rules": [{"code": "category-rise", "name": {"zh-CN": …, "en": …},
 *               "by": "category", "window_days": 7, "baseline_days": 28,
 *               "rise_percent": 100, "at_least": 3, "notify": "SH-OPS"}]}
 */
#ifndef REDRESS_TREND_H
#define REDRESS_TREND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"

enum trend_by { TREND_BY_CATEGORY, TREND_BY_UNIT };

typedef struct trend_rule {
    char *code;
    char *name, *name_en; /* the warning's name in the two languages */
    int by;               /* enum trend_by */
    int window_days, baseline_days, rise_percent, at_least;
    char *notify; /* the code of the unit warned; NULL = the top unit */
} trend_rule;

typedef struct trend_policy {
    trend_rule *rules;
    size_t n;
} trend_policy;

void trend_policy_init(trend_policy *tp);
void trend_policy_release(trend_policy *tp);
/* Reads pack's "trends" (borrowed; absent = no rules); -1 with e naming the JSON path. */
int trend_policy_load(trend_policy *tp, const json_t *pack, cerr *e);

/*
 * The windows of r at now: the recent window [*from, now) and the baseline
 * [*base_from, *from) before it (OUT).
 */
void trend_windows(const trend_rule *r, int64_t now, int64_t *from, int64_t *base_from);
/*
 * Whether count complaints in the window, against baseline in the baseline
 * period, are a rise under r; *usual_x100 (OUT, may be NULL) is the usual
 * level scaled to the window, times 100.
 */
bool trend_rising(const trend_rule *r, int64_t count, int64_t baseline, int64_t *usual_x100);

#endif
