/*
 * reports: the indicators' catalogue (GET /api/v1/reports), one indicator
 * cut by period and dimensions (GET /api/v1/reports/{id}, also as CSV or
 * XLSX) and the complaints behind one of its cells (GET
 * /api/v1/reports/{id}/complaints). The parameters, the scope and the
 * numbers are app/reports.c's, shared with `redress report`.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/listq.h"
#include "app/pii.h"
#include "app/reports.h"
#include "util/timeutil.h"

static const char *query_value(void *rq, const char *key)
{
    return http_query(((api_req *)rq)->http, key);
}

/* Is key a parameter of a report (in), or of its drill-down (known_drill)? For http_query_unknown. */
static bool in_list(const char *const *k, const char *key)
{
    for (; *k; k++)
        if (strcmp(*k, key) == 0)
            return true;
    return false;
}

static bool known_report(const char *key)
{
    return in_list(app_report_params(false), key);
}

static bool known_sat(const char *key)
{
    return in_list(app_sat_params(), key);
}

static bool known_drill(const char *key)
{
    return in_list(app_report_params(true), key);
}

/* Renders e, a refusal of the parameters; -1. A unit beyond the caller's scope is a "denied" entry, as every
 * refusal of reach. */
static int refused(app *a, api_req *rq, http_resp *rs, cerr *e)
{
    const char *v = http_query(rq->http, "unit");
    json_t *js = v ? json_string(v) : NULL;
    const unit *asked = js ? org_resolve(app_org(a), js) : NULL;
    json_decref(js);
    return api_reach_refused(a, rq, e, asked ? asked->id : 0, rs);
}

/* Parses the request into r; renders the error and returns -1 on failure. */
static int parse(app *a, api_req *rq, http_resp *rs, app_report_req *r, bool drill)
{
    /* The one check of unknown parameters the list uses too (http_query_unknown). */
    if (api_query_known(rq, rs, drill ? known_drill : known_report))
        return -1;
    cerr e = CERR_INIT;
    int64_t scope = org_scope_root(app_org(a), rq->who.unit);
    if (app_report_parse(a, r, rq->params[0], query_value, rq, scope, drill, &e))
        return refused(a, rq, rs, &e);
    return 0;
}

void h_reports_list(app *a, api_req *rq, http_resp *rs)
{
    size_t n;
    report_defs(&n);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, app_report_indicator_json(a, (int)i, rq->en));
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* The format asked: json (*file false), csv or xlsx; renders 400 and returns -1 for any other. */
static int file_format(api_req *rq, http_resp *rs, bool *file, sheet_format *fmt)
{
    const char *format = http_query(rq->http, "format");
    *fmt = SHEET_CSV;
    *file = format && *format && strcmp(format, "json") != 0;
    if (*file && sheet_format_parse(format, fmt)) {
        api_error(rs, 400, "bad_request", "format", "format: expected json, csv or xlsx");
        return -1;
    }
    return 0;
}

void h_report_get(app *a, api_req *rq, http_resp *rs)
{
    app_report_req r;
    app_report rep = {0};
    sheet_format fmt;
    bool file;
    if (file_format(rq, rs, &file, &fmt) || parse(a, rq, rs, &r, false))
        return;
    int rc = app_report_run(a, &r, time_now(), &rep);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    if (!file) {
        api_json(rs, 200, app_report_json(a, &r, &rep, rq->en));
        goto out;
    }
    buf_clear(&rs->body);
    if (app_report_export(a, &r, &rep, rq->en, fmt, &rs->body)) {
        api_error(rs, 500, "internal", NULL, "the file could not be made");
        goto out;
    }
    rs->status = 200;
    rs->content_type = sheet_mime(fmt);
    char from[16], disp[128];
    time_local_date(r.from, app_pol(a)->tz_offset, true, from, sizeof from);
    snprintf(disp, sizeof disp, "attachment; filename=\"%s-%s.%s\"", rq->params[0], from, sheet_ext(fmt));
    http_set_header(rs, "Content-Disposition", disp);
out:
    app_report_release(&rep);
}

void h_report_satisfaction(app *a, api_req *rq, http_resp *rs)
{
    app_sat_req s;
    sat_table t;
    sheet_format fmt;
    bool file;
    if (file_format(rq, rs, &file, &fmt) || api_query_known(rq, rs, known_sat))
        return;
    cerr e = CERR_INIT;
    if (app_sat_parse(a, &s, query_value, rq, org_scope_root(app_org(a), rq->who.unit), &e)) {
        refused(a, rq, rs, &e);
        return;
    }
    int rc = app_sat_run(a, &s, time_now(), &t);
    if (rc)
        api_store_error(rs, rc);
    else if (!file)
        api_json(rs, 200, app_sat_json(a, &s, &t, rq->en, api_user_ref));
    else {
        /* An export of the breakdown, recorded as every export is. */
        char name[64], from[16];
        time_local_date(s.r.from, app_pol(a)->tz_offset, true, from, sizeof from);
        snprintf(name, sizeof name, "satisfaction-%s-%s", sat_by_name(s.by), from);
        json_t *detail =
            json_pack("{s:s,s:s,s:I}", "format", sheet_ext(fmt), "by", sat_by_name(s.by), "rows", (json_int_t)t.n);
        api_send_sheet(a, rq, rs, app_sat_sheet(a, &s, &t, rq->en, api_user_ref, fmt), fmt, 0, "report_export",
                       "reports/satisfaction", detail, name);
    }
    sat_release(&t);
}

void h_report_complaints(app *a, api_req *rq, http_resp *rs)
{
    app_report_req r;
    app_report_list l = {0};
    int64_t total = 0, now = time_now();
    if (parse(a, rq, rs, &r, true))
        return;
    app_report_list_init(a, &r, now, &l);
    const char *v;
    long long n;
    if ((v = http_query(rq->http, "limit")) && *v) {
        if (listq_int(v, 1, 200, &n)) {
            api_error(rs, 400, "bad_request", "limit", "limit: expected 1–200");
            goto out;
        }
        l.f.limit = (int)n;
    }
    if ((v = http_query(rq->http, "cursor")) && *v) {
        if (listq_cursor(v, false, &l.f.cursor_key, &l.f.cursor_id)) {
            api_error(rs, 400, "bad_request", "cursor", "cursor: not a cursor of this listing");
            goto out;
        }
        l.f.has_cursor = true;
    }
    int rc = store_complaint_total(a->db, &l.f, &total);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *j = api_complaint_page(a, rq, &l.f, rs);
    if (j) {
        json_object_set_new(j, "total", json_integer(total));
        api_json(rs, 200, j);
    }
out:
    app_report_list_release(&l);
}
