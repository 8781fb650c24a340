/*
 * trend: the early warning on the trend of complaints (seed 002: 建立客戶
 * 服務危機的早期預警機制) — the pack's trend rules (core/trend.h) counted
 * against the store's report cells. app_trends lists what rises now (the
 * supervisor board); app_trend_warn, run by the deadline sweeper, tells
 * each rule's unit of each rise once a local day, in the outbox (channel
 * internal, template trend_warning).
 */
#ifndef REDRESS_APP_TREND_H
#define REDRESS_APP_TREND_H

#include "app/app.h"

typedef struct trend_alert {
    char rule[33];
    char *name, *name_en; /* owned: the rule's name */
    int by;               /* enum trend_by */
    char category[64];    /* by category: the top-level category's code */
    int64_t unit;         /* by unit: the subject unit */
    int64_t count;        /* complaints in the window */
    int64_t baseline;     /* complaints in the baseline period */
    int64_t usual_x100;   /* the usual level scaled to the window, × 100 */
    int window_days, baseline_days, rise_percent;
    int64_t notify_unit; /* the unit warned */
} trend_alert;

typedef struct trend_alerts {
    trend_alert *items;
    size_t n;
} trend_alerts;
void trend_alerts_release(trend_alerts *l);

/* What rises at now under the pack's rules, rule by rule (*out set from scratch); 0 or a store failure. */
int app_trends(app *a, int64_t now, trend_alerts *out);
/* Queues the warnings of app_trends at now not yet queued this local day; *queued (may be NULL) counts them. */
int app_trend_warn(app *a, int64_t now, int *queued);

#endif
