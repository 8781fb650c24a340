/*
 * policy: the active policy pack (packs/NAME.json) parsed into what the
 * domain consults on every request — categories, channels, levels, customer
 * classes, time limits, the number prefix and the organisation's time zone.
 * The raw pack JSON is kept for rendering (/config, /categories).
 *
 * Grading rules, penalties and the rest of the pack machinery are read by
 * their own modules; this file owns only what intake and the clocks need.
 * The categories, channels and customer classes are parsed by
 * core/taxonomy.c into policy.tax first: the modules below (sla, rules,
 * cases) are given that taxonomy, never the policy, so none includes this
 * header.
 * The calendars and the time-limit policy are parsed by core/sla.c into
 * policy.sla, and the closing, authorisation, appeal and penalty sections by
 * core/cases.c into policy.cases, at the end of policy_load.
 */
#ifndef REDRESS_POLICY_H
#define REDRESS_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/cases.h"
#include "core/cerr.h"
#include "core/report.h"
#include "core/review.h"
#include "core/rules.h"
#include "core/sla.h"
#include "core/taxonomy.h"
#include "core/trend.h"


typedef struct policy {
    char *name;
    char *number_prefix;
    int tz_offset; /* minutes east of UTC */
    taxonomy tax; /* categories, channels, customer classes (core/taxonomy.h) */
    named levels[LEVEL_MAX + 1]; /* index = level code 1..3 */
    int default_level;
    /* Clock-time limits in minutes; 0 = no limit. Index = level. */
    int limit_dispatch;
    int limit_handle[LEVEL_MAX + 1];
    int limit_reply;
    int limit_revisit;
    int limit_close;
    int limit_overall[LEVEL_MAX + 1];
    /* Calendars and the time-limit policy (core/sla.h): the limits above are
     * its clock-minute defaults. */
    sla_policy sla;
    /* Closing, authorisation, appeals and penalties (core/cases.h). */
    cases_policy cases;
    json_t *raw; /* owned reference to the pack */
    /* Grading, routing and cluster rules (core/rules.h). */
    rules_set rules;
    /* The indicators' names, definitions and targets (core/report.h). */
    report_policy reports;
    /* The early-warning rules on the trend of complaints (core/trend.h). */
    trend_policy trends;
    /* The review of the handling opinion before the reply (复核, core/review.h). */
    review_policy review;
} policy;

void policy_init(policy *p);
void policy_release(policy *p);
/*
 * Parses a pack. pack is borrowed (a reference is taken). On error returns
 * -1 with e naming the JSON path (e.g. "categories[2].code").
 */
int policy_load(policy *p, json_t *pack, cerr *e);

/*
 * The sections read by their own modules after the core of the pack is
 * loaded, in order; each loads from the whole pack (borrowed) into p and
 * fails with e naming the JSON path. Append a module's loader here.
 */
typedef struct policy_section {
    const char *name;
    int (*load)(policy *p, const json_t *pack, cerr *e);
    void (*release)(policy *p);
} policy_section;
const policy_section *policy_sections(size_t *n);

/* Borrowed lookups in p->tax (taxonomy.h); NULL / -1 when absent. */
const category *policy_category(const policy *p, const char *code);
int policy_category_index(const policy *p, const char *code);
const named *policy_channel(const policy *p, const char *code);
const named *policy_class(const policy *p, const char *code);
/* True when code is cat or one of its descendants. */
bool policy_category_within(const policy *p, const char *code, const char *ancestor);

#endif
