/*
 * report: the indicators (DOMAIN §9) — what each counts, its formula, its
 * target — and the dimensions and periods a report is cut by. Pure: the
 * store turns each fact below into a condition on a complaint's projection
 * (store/reports.c), app/reports.c adds the cells up.
 *
 * An indicator is a count or a rate over the complaints received in a range
 * of local days:
 *
 *   count  value = the complaints for which `num` holds
 *   rate   value = numerator ÷ denominator, numerator = those for which
 *          `num` holds among those for which `den` holds; num implies den,
 *          so the complaints behind the numerator are a part of those
 *          behind the denominator (a drill-down of either is a list).
 *
 * The table of indicators is fixed here (ids, formulas and default
 * targets); a pack may give an indicator another name, definition or
 * target (its "indicators" section), and the counts by nature take the
 * pack's nature names (property calls "invalid" 沟通性投诉).
 */
#ifndef REDRESS_REPORT_H
#define REDRESS_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"

/* What a complaint of the range may satisfy; the store writes each as SQL. */
typedef enum report_fact {
    RF_ALL,           /* every complaint received */
    RF_VALID,         /* nature valid */
    RF_INVALID,       /* nature invalid */
    RF_SUGGESTION,    /* nature suggestion */
    RF_OPEN,          /* not yet closed */
    RF_CLOSED,        /* closed or archived */
    RF_OVERDUE,       /* past its overall deadline: still open at now, or closed after it */
    RF_CLOSED_VALID,  /* closed, nature valid */
    RF_ON_TIME,       /* closed valid, by its overall deadline (or without one) */
    RF_FIRST_CONTACT, /* closed valid, answered at first contact (never dispatched) */
    RF_REVISITED,     /* its last revisit reached the customer (a result other than unreachable) */
    RF_SATISFIED,     /* its last revisit: satisfied or basically satisfied */
    RF_REOPENED,      /* reopened at least once (再处理) */
    RF_ESCALATED,     /* escalated at least once (升级) */
    RF_APPEAL,        /* an appeal (申诉) */
    RF_SUPERVISED,    /* a deadline breached or a supervision order (督办) written at least once */
    RF_FAULT,         /* about a known fault (不满工单, core/announce.h): counted apart, in none of the
                         facts about closing above (closed valid, on time, first contact, overdue) */
    RF_UNACCEPTED,    /* closed without the customer's agreement (不认可结案: close_unaccepted) */
    RF__COUNT
} report_fact;

/* An indicator of the table. */
typedef struct report_def {
    const char *id;
    bool rate;
    report_fact num, den; /* den is RF_ALL and unused for a count */
    const char *name, *name_en;
    const char *definition, *definition_en;
    double target;      /* a fraction (0.95), or NaN: none */
    bool lower_better;  /* the target is a ceiling (reopen rate), not a floor */
} report_def;

/* The table, in the order the catalogue lists it (static). */
const report_def *report_defs(size_t *n);
/* The index of the indicator id in the table, or -1. */
int report_find(const char *id);
/* A rate's value num ÷ den (NaN when den is 0), or a count's num. */
double report_value(const report_def *d, int64_t num, int64_t den);
/* True when value meets d's target (always when it has none, or value is NaN). */
bool report_meets(const report_def *d, double target, double value);

/*
 * The pack's view of the table: each indicator's name, definition and
 * target after its "indicators" section and its natures. Strings borrow
 * from the table or from the pack (kept alive by the policy's reference).
 */
typedef struct report_ind {
    const char *name, *name_en, *definition, *definition_en;
    double target;
} report_ind;

typedef struct report_policy {
    report_ind *ind; /* one per entry of report_defs, in its order */
    size_t n;
} report_policy;

void report_policy_init(report_policy *rp);
void report_policy_release(report_policy *rp);
/*
 * Reads pack's "indicators" (optional): {"<id>": {"name"?, "name_en"?,
 * "definition"?, "definition_en"?, "target"? (a fraction in [0, 1] or
 * null for none)}}, and the names of pack's "natures". pack is borrowed and
 * must outlive rp. CERR_USER with e naming the path on an unknown id or a bad value.
 */
int report_policy_load(report_policy *rp, const json_t *pack, cerr *e);

/* The dimensions a report is grouped by. */
enum report_dim { RD_UNIT, RD_CATEGORY, RD_CHANNEL, RD_LEVEL, RD_NATURE, RD_KIND, RD__COUNT };
/* RD_* of name, or -1. */
int report_dim_parse(const char *name);
const char *report_dim_name(int dim);

/* The periods a report is cut into (RP_NONE: the whole range). */
enum report_period { RP_NONE, RP_DAY, RP_WEEK, RP_MONTH, RP_QUARTER, RP_YEAR };
/* RP_* of name ("day", "week", "month", "quarter", "year"), or -1. */
int report_period_parse(const char *name);
const char *report_period_name(int p);
/*
 * The key of the period p (not RP_NONE) holding local day number day:
 * "2026-11-03", ISO week "2026-W45", "2026-11", "2026-Q4", "2026" — into
 * out (at least 16 bytes).
 */
void report_period_key(int p, int64_t day, char *out, size_t outlen);
/* The local days [*first, *end) of the period key of p; -1 if key is not one. */
int report_period_days(int p, const char *key, int64_t *first, int64_t *end);

#endif
