/* stats: the overview for the supervisor board, health and metrics. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/live.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#ifndef REDRESS_VERSION
#define REDRESS_VERSION "0.1.0"
#endif

/*
 * The caller's scope as a heap array of units (*n of them), or NULL with
 * *whole set when it is the whole organisation (the global aggregates
 * answer then). A caller without a known unit gets one unit 0: nothing.
 */
static int64_t *scope_units(app *a, const api_req *rq, size_t *n, bool *whole)
{
    const unit *root = org_find(app_org(a), org_scope_root(app_org(a), rq->who.unit));
    int64_t *units = NULL;
    *whole = root && !root->parent;
    *n = 0;
    if (!root) {
        units = xcalloc(1, sizeof *units);
        *n = 1;
    } else if (root->parent) {
        units = org_subtree(app_org(a), root->id, n);
    }
    return units;
}

json_t *api_stats_json(app *a, const api_req *rq, int64_t now, int *rc_out)
{
    int64_t counts[ST__COUNT], overdue = 0;
    int64_t today = time_local_day(now, app_pol(a)->tz_offset);
    day_stat *days = NULL;
    size_t n = 0, nunits;
    bool whole;
    int64_t *units = scope_units(a, rq, &nunits, &whole);
    int rc;
    if (whole) {
        rc = store_stats_status(a->db, counts, now, &overdue);
        if (rc == 0)
            rc = store_stats_days(a->db, today - 29, today, &days, &n);
    } else {
        /* Only what the caller may see: their subtree's complaints. */
        rc = store_stats_scope(a->db, units, nunits, now, app_pol(a)->tz_offset, today - 29, today, counts, &overdue,
                                     &days);
        n = 30;
    }
    free(units);
    *rc_out = rc;
    if (rc)
        return NULL;
    json_t *by_status = json_object();
    int64_t open = 0;
    for (int s = ST_REGISTERED; s < ST__COUNT; s++) {
        json_object_set_new(by_status, status_name(s), json_integer(counts[s]));
        if (status_open(s))
            open += counts[s];
    }
    json_t *arr = json_array();
    day_stat zero = {0};
    size_t k = 0;
    const day_stat *t = &zero;
    for (int64_t d = today - 29; d <= today; d++) {
        const day_stat *ds = &zero;
        if (k < n && days[k].day == d)
            ds = &days[k++];
        if (d == today)
            t = ds;
        char date[16];
        time_local_date(d * 86400, 0, true, date, sizeof date);
        json_array_append_new(arr, json_pack("{s:s,s:I,s:I,s:I,s:I}", "day", date, "received", (json_int_t)ds->received,
                                             "closed", (json_int_t)ds->closed, "closed_on_time",
                                             (json_int_t)ds->closed_on_time, "first_contact",
                                             (json_int_t)ds->first_contact));
    }
    json_t *todayj = json_pack("{s:I,s:I}", "received", (json_int_t)t->received, "closed", (json_int_t)t->closed);
    free(days);
    return json_pack("{s:I,s:I,s:o,s:o,s:o}", "open", (json_int_t)open, "overdue", (json_int_t)overdue, "by_status",
                     by_status, "today", todayj, "days", arr);
}

void h_stats_overview(app *a, api_req *rq, http_resp *rs)
{
    int rc;
    json_t *j = api_stats_json(a, rq, time_now(), &rc);
    if (!j)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, j);
}

/* A write that committed this recently vouches for the store; otherwise
 * the health check writes a row itself (store_write_check). */
enum { HEALTH_WRITE_FRESH = 2 };

void h_health(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    /* Cheap enough for a load balancer that polls every second or two: a
     * read round trip, and a one-row write only when no other write has
     * committed in the last HEALTH_WRITE_FRESH seconds. A node that can
     * read but not write (a full disk, a read-only or lost database) is
     * not ready: 503 saying which fails. */
    int version;
    bool read_ok = store_schema_version(a->db, &version) == 0;
    bool write_ok = read_ok && store_write_check(a->db, time_now(), HEALTH_WRITE_FRESH) == 0;
    if (!write_ok) {
        http_set_header(rs, "Cache-Control", "no-store");
        api_json(rs, 503, json_pack("{s:s,s:s,s:s,s:s,s:s}", "status", "unavailable", "store", store_name(a->db),
                                    "read", read_ok ? "ok" : "failing", "write", read_ok ? "failing" : "unknown",
                                    "message",
                                    read_ok ? "数据库不能写入（磁盘已满、只读或连接中断） (the database does not "
                                              "take writes: disk full, read-only or connection lost)"
                                            : "数据库无法访问 (the database cannot be reached)"));
        return;
    }
    api_json(rs, 200, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "status", "ok", "version", REDRESS_VERSION, "store",
                                store_name(a->db), "pack", app_pol(a)->name ? app_pol(a)->name : "", "read", "ok",
                                "write", "ok"));
}

/* The e-mail notifications: what this process delivered, and the outbox's rows waiting or given up. */
static void notify_metrics(app *a, buf *b)
{
    buf_printf(b,
               "# HELP redress_notify_sent_total E-mails this process delivered.\n"
               "# TYPE redress_notify_sent_total counter\nredress_notify_sent_total %ld\n"
               "# HELP redress_notify_failed_total Delivery attempts that failed and will be tried again.\n"
               "# TYPE redress_notify_failed_total counter\nredress_notify_failed_total %ld\n"
               "# HELP redress_notify_dead_total Notifications given up after their last attempt (dead letters).\n"
               "# TYPE redress_notify_dead_total counter\nredress_notify_dead_total %ld\n",
               atomic_load(&a->notify_sent), atomic_load(&a->notify_failed), atomic_load(&a->notify_dead));
    buf_printf(b, "# HELP redress_live_streams Open pages' live streams (Server-Sent Events) of this process.\n"
                  "# TYPE redress_live_streams gauge\nredress_live_streams %zu\n",
               a->live ? live_count(a->live) : 0);
    outbox_counts n;
    if (store_outbox_counts(a->db, "email", &n) != 0)
        return;
    buf_printf(b,
               "# HELP redress_outbox_rows E-mail notifications in the outbox by status (queued = pending).\n"
               "# TYPE redress_outbox_rows gauge\nredress_outbox_rows{status=\"pending\"} %lld\n"
               "redress_outbox_rows{status=\"failed\"} %lld\nredress_outbox_rows{status=\"dead\"} %lld\n"
               "# HELP redress_outbox_oldest_pending_seconds Age of the oldest e-mail waiting for its first attempt.\n"
               "# TYPE redress_outbox_oldest_pending_seconds gauge\nredress_outbox_oldest_pending_seconds %lld\n",
               (long long)n.pending, (long long)n.failed, (long long)n.dead,
               (long long)(n.oldest_pending && time_now() > n.oldest_pending ? time_now() - n.oldest_pending : 0));
}

void h_metrics(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    rs->status = 200;
    rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
    buf *b = &rs->body;
    http_metrics m;
    http_metrics_read(&m);
    buf_puts(b, "# HELP redress_http_requests_total HTTP responses by status class.\n"
                "# TYPE redress_http_requests_total counter\n");
    for (int c = 1; c <= 5; c++)
        buf_printf(b, "redress_http_requests_total{class=\"%dxx\"} %llu\n", c, m.requests[c]);
    buf_printf(b, "# HELP redress_intake_total Complaints received.\n# TYPE redress_intake_total counter\n"
                  "redress_intake_total %llu\n",
               m.intake);
    buf_printf(b, "# HELP redress_actions_total Workflow actions taken.\n# TYPE redress_actions_total counter\n"
                  "redress_actions_total %llu\n",
               m.actions);
    buf_printf(b, "# HELP redress_conflicts_total Actions refused for a stale version or status.\n"
                  "# TYPE redress_conflicts_total counter\nredress_conflicts_total %llu\n",
               m.conflicts);
    buf_printf(b, "# HELP redress_http_connections Open HTTP connections.\n# TYPE redress_http_connections gauge\n"
                  "redress_http_connections %llu\n",
               m.connections);
    buf_printf(b, "# HELP redress_http_refused_total Connections refused by the per-address limit.\n"
                  "# TYPE redress_http_refused_total counter\nredress_http_refused_total %llu\n",
               m.refused);
    buf_printf(b, "# HELP redress_http_overloaded_total Requests answered 503 beyond max-connections.\n"
                  "# TYPE redress_http_overloaded_total counter\nredress_http_overloaded_total %llu\n",
               m.overloaded);
    buf_printf(b, "# HELP redress_http_deadline_closes_total Connections closed for missing their header or body "
                  "deadline.\n# TYPE redress_http_deadline_closes_total counter\nredress_http_deadline_closes_total %llu\n",
               m.deadline_closes);
    notify_metrics(a, b);
    int64_t recent = 0;
    if (store_search_recent_count(a->db, &recent, NULL) == 0)
        buf_printf(b,
                   "# HELP redress_search_recent_rows Rows of the search index's recent level waiting to be merged.\n"
                   "# TYPE redress_search_recent_rows gauge\nredress_search_recent_rows %" PRId64 "\n",
                   recent);
}

static bool workload_param(const char *name)
{
    return strcmp(name, "unit") == 0;
}

json_t *api_workload_json(app *a, int64_t root, int *rc)
{
    size_t nunits = 0;
    int64_t *units = root ? org_subtree(app_org(a), root, &nunits) : NULL;
    workload_row *rows = NULL;
    size_t n = 0;
    *rc = store_workload(a->db, units, nunits, time_now(), &rows, &n);
    free(units);
    if (*rc)
        return NULL;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, json_pack("{s:o,s:o,s:I,s:I}", "unit", api_unit_ref(a, rows[i].unit), "assignee",
                                               rows[i].assignee ? api_user_ref(a, rows[i].assignee) : json_null(),
                                               "open", (json_int_t)rows[i].open, "overdue",
                                               (json_int_t)rows[i].overdue));
    free(rows);
    return items;
}

/*
 * GET /api/v1/workload[?unit=ID]: each person's open work orders in the
 * caller's scope (or the subtree of unit within it), with those overdue,
 * and the unassigned ones of each unit — a supervisor's view of who carries
 * what (指派到人, 004).
 */
void h_workload(app *a, api_req *rq, http_resp *rs)
{
    const char *unknown = http_query_unknown(rq->http, workload_param);
    if (unknown) {
        api_error(rs, 400, "bad_request", unknown, "%s: 未知的参数 (unknown parameter)", unknown);
        return;
    }
    const org *o = app_org(a);
    int64_t root = org_scope_root(o, rq->who.unit);
    const char *v = http_query(rq->http, "unit");
    if (v) {
        json_t *key = json_string(v);
        const unit *u = key ? org_resolve(o, key) : NULL;
        json_decref(key);
        if (!u || !root || !org_within(o, u->id, root)) {
            api_error(rs, 404, "not_found", "unit", "unit: 单位不存在或不在您的范围内 (no such unit in your scope)");
            return;
        }
        root = u->id;
    }
    int rc;
    json_t *items = api_workload_json(a, root, &rc);
    if (!items) {
        api_store_error(rs, rc);
        return;
    }
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}
