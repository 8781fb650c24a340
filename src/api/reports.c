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

static bool known_drill(const char *key)
{
    return in_list(app_report_params(true), key);
}

/* Parses the request into r; renders the error and returns -1 on failure. */
static int parse(app *a, api_req *rq, http_resp *rs, app_report_req *r, bool drill)
{
    /* The one check of unknown parameters the list uses too (http_query_unknown). */
    const char *unknown = http_query_unknown(rq->http, drill ? known_drill : known_report);
    if (unknown) {
        api_error(rs, 400, "bad_request", unknown, "%s: 未知的参数 (unknown parameter)", unknown);
        return -1;
    }
    cerr e = CERR_INIT;
    int64_t scope = org_scope_root(app_org(a), rq->who.unit);
    if (app_report_parse(a, r, rq->params[0], query_value, rq, scope, drill, &e)) {
        /* A unit beyond the caller's scope is a "denied" entry, as every refusal of reach. */
        const char *v = http_query(rq->http, "unit");
        json_t *js = v ? json_string(v) : NULL;
        const unit *asked = js ? org_resolve(app_org(a), js) : NULL;
        json_decref(js);
        return api_reach_refused(a, rq, &e, asked ? asked->id : 0, rs);
    }
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

void h_report_get(app *a, api_req *rq, http_resp *rs)
{
    app_report_req r;
    app_report rep = {0};
    sheet_format fmt = SHEET_CSV;
    const char *format = http_query(rq->http, "format");
    bool file = format && *format && strcmp(format, "json") != 0;
    if (file && sheet_format_parse(format, &fmt)) {
        api_error(rs, 400, "bad_request", "format", "format: expected json, csv or xlsx");
        return;
    }
    if (parse(a, rq, rs, &r, false))
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
