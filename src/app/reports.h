/*
 * reports: an indicator (core/report.h) over a range of days, cut by up to
 * two dimensions and a period, within what the caller may see — the one
 * use case behind GET /api/v1/reports/{id}, its drill-down list and
 * `redress report`.
 *
 * The scope is a unit and its subtree (the caller's scope root, or the unit
 * asked within it): a complaint counts when its subject unit (被投诉单位)
 * lies there. Grouped by unit, the cells roll up to the children of that
 * unit; the complaints of the unit itself form a cell of their own, marked
 * unit_only. Days are the organisation's (policy tz_offset): from and to
 * are local dates, to included.
 *
 * A request is read from named parameters through a lookup function, so the
 * API's query string and the command line's options take the same path:
 *
 *   from, to        YYYY-MM-DD (required)
 *   group_by        up to two of unit, category, channel, level, nature
 *   period          day, week, month, quarter or year
 *   unit            a unit's code or id within the scope; unit_only=true: it
 *                   alone, not its subtree
 *   category, channel, level, nature   exact values (a cell's values)
 * and for the drill-down of a cell:
 *   period          also the key of one period (2026-11, 2026-W45, …)
 *   part            numerator (the default) or denominator
 */
#ifndef REDRESS_APP_REPORTS_H
#define REDRESS_APP_REPORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/cerr.h"
#include "core/report.h"
#include "core/satisfaction.h"
#include "util/sheet.h"

/* The value of parameter key (borrowed until the request ends), or NULL. */
typedef const char *(*app_param_fn)(void *ctx, const char *key);

enum { APP_REPORT_DIMS = 2 };

typedef struct app_report_req {
    int ind;                    /* the indicator's index in report_defs */
    int64_t from, to;           /* instants: received_at in [from, to) */
    int period;                 /* RP_* */
    int dims[APP_REPORT_DIMS];  /* RD_*, in the order asked */
    int ndims;
    int64_t root;               /* the unit of the scope (0: every unit, as the command line) */
    bool unit_only;             /* root alone, not its subtree */
    const char *category, *channel, *nature, *kind; /* borrowed from the lookup; NULL = any */
    int level;
    bool numerator;             /* drill-down: the numerator's complaints, else the denominator's */
} app_report_req;

/*
 * The parameters the report (drill false) or its drill-down (drill true)
 * reads, NULL-terminated (static): any other is a bad request.
 */
const char *const *app_report_params(bool drill);

/*
 * Fills r for indicator id from get(ctx, name). scope is the caller's scope
 * root (org_scope_root), 0 for a caller without a unit (who sees nothing,
 * a cerr "forbidden"), or -1 for the whole organisation (the command line).
 * The caller holds the snapshot (app_enter). 0, or CERR_USER with e set:
 * "not_found" for an unknown indicator, "bad_request" naming the parameter,
 * "forbidden" (field "unit") for a unit outside the scope.
 */
int app_report_parse(app *a, app_report_req *r, const char *id, app_param_fn get, void *ctx, int64_t scope,
                     bool drill, cerr *e);

/* A cell: its group's values (those of the dimensions not asked are unset) and its counts. */
typedef struct app_report_cell {
    char period[16];
    int64_t unit;
    bool unit_only;
    char category[64], channel[32], nature[16], kind[32];
    int level;
    int64_t num, den;
} app_report_cell;

typedef struct app_report {
    app_report_cell *cells; /* owned; ordered by period, unit, category, channel, level, nature */
    size_t n;
    int64_t num, den; /* the total */
} app_report;

void app_report_release(app_report *rep);

/* Runs r at now into rep (filled from scratch). 0 or a STORE_* failure. */
int app_report_run(app *a, const app_report_req *r, int64_t now, app_report *rep);

/* The complaint list behind r's cell (r parsed with drill): a filter and what it borrows. */
typedef struct app_report_list {
    complaint_filter f;
    int64_t *units;     /* owned */
    const char *cat[1]; /* f.categories */
    const char **leave_out; /* owned array (strings borrowed from the policy): f.leave_out */
} app_report_list;

/* Fills l (from scratch) so that store_complaint_list/total give r's complaints at now. */
void app_report_list_init(app *a, const app_report_req *r, int64_t now, app_report_list *l);
void app_report_list_release(app_report_list *l);

/* The catalogue's entry of indicator ind in the active pack (a new reference). */
json_t *app_report_indicator_json(app *a, int ind, bool en);
/*
 * The report as GET /api/v1/reports/{id} answers it (a new reference):
 * {"indicator", "from", "to", "group_by", "period"?, "items": [{"group",
 * "labels", "value", "numerator", "denominator"}], "total"}. The caller
 * holds the snapshot.
 */
json_t *app_report_json(app *a, const app_report_req *r, const app_report *rep, bool en);
/* The same table as a file (util/sheet.h) appended to out, with a total row
 * and, in XLSX, the indicator's definition and target; 0 or -1. */
int app_report_export(app *a, const app_report_req *r, const app_report *rep, bool en, sheet_format fmt, buf *out);

/*
 * The satisfaction breakdown (core/satisfaction.h) behind GET
 * /api/v1/reports/satisfaction and `redress report satisfaction`: the last
 * revisits that reached the customer, of the complaints a report of the
 * same parameters would count (from, to, unit, unit_only, category,
 * channel, level, nature, kind), grouped by `by`: unit (the subject unit,
 * rolled up as a report's unit cells), staff (who handled the complaint:
 * the person assigned, else the one who resolved it) or question (the
 * survey's questions: the pack's general ones and those of the category
 * asked, in the pack's order, then any other answered).
 */
typedef struct app_sat_req {
    app_report_req r;
    int by; /* SAT_* */
} app_sat_req;

/* The parameters it reads, NULL-terminated (static): any other is a bad request. */
const char *const *app_sat_params(void);
/* As app_report_parse, with by (default unit): "bad_request" naming it when it is none of the three. */
int app_sat_parse(app *a, app_sat_req *s, app_param_fn get, void *ctx, int64_t scope, cerr *e);
/* Runs s at now into t (sat_init'ed by it; the caller releases it). 0 or a STORE_* failure. */
int app_sat_run(app *a, const app_sat_req *s, int64_t now, sat_table *t);

/* A person as {"id","username","name"} (a new reference; JSON null when unknown). */
typedef json_t *(*app_user_ref_fn)(app *a, int64_t id);
/*
 * The breakdown as the API answers it (a new reference): {"by", "from",
 * "to", "items": [{"group", "labels", "staff"?, "reached", "satisfied",
 * "dissatisfied", "rate", "scores", "average", "low", "options"?}],
 * "total"}. ref names people (NULL: read from the store each time). The
 * caller holds the snapshot.
 */
json_t *app_sat_json(app *a, const app_sat_req *s, const sat_table *t, bool en, app_user_ref_fn ref);
/* The same table as a sheet (util/sheet.h) left open for the caller to close (or send), with a total row. */
sheet *app_sat_sheet(app *a, const app_sat_req *s, const sat_table *t, bool en, app_user_ref_fn ref, sheet_format fmt);

#endif
