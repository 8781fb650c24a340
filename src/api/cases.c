/*
 * cases: the penalty ledger (考核台账: list, monthly CSV export, waive an
 * entry) and the compensations awaiting approval (授权). Ledger entries and
 * compensations are written by workflow steps (close, waive_penalty,
 * compensate, approve/refuse_compensation — see core/cases.h and app/ledger.h);
 * a waiver taken here is the complaint's waive_penalty action, so it is an
 * event in the complaint's hash-chained history like every other step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/roles.h"
#include "app/ledger.h"
#include "app/act.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The units whose entries the caller sees: all for an administrator or HQ,
 * else the caller's scope (a heap array, NULL for all). */
static int64_t *scope_units(app *a, const api_req *rq, size_t *n)
{
    *n = 0;
    if (rq->who.roles & R_ADMIN)
        return NULL;
    int64_t root = org_scope_root(app_org(a), rq->who.unit);
    const unit *r = org_find(app_org(a), root);
    int64_t *ids = r && !r->parent ? NULL : org_subtree(app_org(a), root, n);
    if (r && !r->parent)
        return NULL;
    if (!*n) {
        free(ids);
        ids = xcalloc(1, sizeof *ids); /* nothing visible: an impossible unit */
        *n = 1;
    }
    return ids;
}

/* Keeps the ids of want that lie in have (NULL = everything); want is a heap array, changed in place. */
static size_t intersect(int64_t *want, size_t n, const int64_t *have, size_t nhave)
{
    if (!have)
        return n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nhave; j++)
            if (want[i] == have[j]) {
                want[k++] = want[i];
                break;
            }
    return k;
}

static json_t *penalty_json(app *a, const penalty *p)
{
    json_t *j = json_pack("{s:I,s:{s:I,s:s},s:i,s:s,s:s,s:s,s:s,s:o,s:f,s:i,s:b,s:b,s:s}", "id", (json_int_t)p->id,
                          "complaint", "id", (json_int_t)p->complaint_id, "number", p->number, "no", p->no, "month",
                          p->month, "rule", p->rule, "role", p->role, "role_name", p->role_name ? p->role_name : "",
                          "unit", api_unit_ref(a, p->unit), "amount", (double)p->amount_fen / 100.0, "points",
                          p->points, "award_loss", p->award_loss, "performance_pay", p->performance_pay, "status",
                          p->status);
    json_object_set_new(j, "person", p->person ? json_string(p->person) : json_null());
    json_object_set_new(j, "created_at", api_time(a, p->created_at));
    json_object_set_new(j, "waived_at", api_time(a, p->waived_at));
    json_object_set_new(j, "waived_by", p->waived_by ? api_user_ref(a, p->waived_by) : json_null());
    json_object_set_new(j, "waive_reason", p->waive_reason ? json_string(p->waive_reason) : json_null());
    return j;
}

/* YYYY-MM with a real month. */
static bool month_ok(const char *v)
{
    return strlen(v) == 7 && v[4] == '-' && v[0] >= '1' && v[0] <= '9' && v[1] >= '0' && v[1] <= '9' &&
           v[2] >= '0' && v[2] <= '9' && v[3] >= '0' && v[3] <= '9' &&
           ((v[5] == '0' && v[6] >= '1' && v[6] <= '9') || (v[5] == '1' && v[6] >= '0' && v[6] <= '2'));
}

void h_penalties_list(app *a, api_req *rq, http_resp *rs)
{
    penalty_filter f = {0};
    const char *v, *format = "json";
    sheet_format sheet_fmt = SHEET_CSV;
    int64_t *units = NULL, *visible = NULL;
    size_t nvisible = 0;
    penalty_list l = {0};
    if ((v = http_query(rq->http, "month")) && *v) {
        if (!month_ok(v)) {
            api_error(rs, 400, "bad_request", "month", "month: expected YYYY-MM");
            goto out;
        }
        f.month = v;
    }
    if ((v = http_query(rq->http, "status")) && *v) {
        if (strcmp(v, "active") != 0 && strcmp(v, "waived") != 0) {
            api_error(rs, 400, "bad_request", "status", "status: expected active or waived");
            goto out;
        }
        f.status = v;
    }
    if ((v = http_query(rq->http, "format")) && *v) {
        if (strcmp(v, "json") != 0 && sheet_format_parse(v, &sheet_fmt)) {
            api_error(rs, 400, "bad_request", "format", "format: expected json, csv or xlsx");
            goto out;
        }
        format = v;
    }
    visible = scope_units(a, rq, &nvisible);
    if ((v = http_query(rq->http, "unit")) && *v) {
        json_t *js = json_string(v);
        const unit *u = org_resolve(app_org(a), js);
        if (u)
            units = org_subtree(app_org(a), u->id, &f.n_units);
        json_decref(js);
        if (!u) {
            api_error(rs, 400, "bad_request", "unit", "unit: unknown unit");
            goto out;
        }
        f.n_units = intersect(units, f.n_units, visible, nvisible);
        if (!f.n_units)
            units[f.n_units++] = 0; /* outside the caller's scope: nothing */
        f.units = units;
    } else {
        f.units = visible;
        f.n_units = nvisible;
    }
    int rc = store_penalty_list(a->db, &f, &l);
    if (rc == 0)
        rc = ledger_view_penalties(a, &l);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    if (strcmp(format, "json") != 0) {
        buf_clear(&rs->body);
        if (ledger_export(a, &l, rq->en, sheet_fmt, &rs->body)) {
            api_error(rs, 500, "internal", NULL, "the file could not be made");
            goto out;
        }
        rs->status = 200;
        rs->content_type = sheet_mime(sheet_fmt);
        char disp[96];
        snprintf(disp, sizeof disp, "attachment; filename=\"penalties-%s.%s\"", f.month ? f.month : "all",
                 sheet_ext(sheet_fmt));
        http_set_header(rs, "Content-Disposition", disp);
        goto out;
    }
    json_t *items = json_array();
    int64_t total = 0, points = 0;
    for (size_t i = 0; i < l.n; i++) {
        json_array_append_new(items, penalty_json(a, &l.items[i]));
        if (strcmp(l.items[i].status, "active") == 0) {
            total += l.items[i].amount_fen;
            points += l.items[i].points;
        }
    }
    api_json(rs, 200, json_pack("{s:o,s:{s:f,s:I}}", "items", items, "totals", "amount", (double)total / 100.0,
                                "points", (json_int_t)points));
out:
    penalty_list_release(&l);
    free(units);
    free(visible);
}

void h_penalty_waive(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"reason", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    penalty_list l = {0};
    complaint next;
    complaint_init(&next);
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    penalty_filter f = {.id = *rq->params[0] && !*end ? id : -1, .limit = 1};
    size_t nvisible;
    int64_t *visible = scope_units(a, rq, &nvisible);
    f.units = visible;
    f.n_units = nvisible;
    int rc = f.id > 0 ? store_penalty_list(a->db, &f, &l) : 0;
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    if (!l.n) {
        api_error(rs, 404, "not_found", NULL, "考核记录不存在 (no such ledger entry)");
        goto out;
    }
    /* The waiver is the complaint's waive_penalty step: validated and recorded there. */
    char no[16];
    snprintf(no, sizeof no, "%d", l.items[0].no);
    json_t *step = json_pack("{s:s}", "entry", no);
    if (json_object_get(in, "reason"))
        json_object_set(step, "reason", json_object_get(in, "reason"));
    actor who = api_actor(rq);
    cerr e = CERR_INIT;
    rc = app_act(a, &who, l.items[0].complaint_id, "waive_penalty", step, -1, time_now(), &next, &e);
    json_decref(step);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    penalty_list_release(&l);
    f.units = NULL;
    f.n_units = 0;
    rc = store_penalty_list(a->db, &f, &l);
    if (rc == 0)
        rc = ledger_view_penalties(a, &l);
    if (rc || !l.n)
        api_store_error(rs, rc ? rc : STORE_ERROR);
    else
        api_json(rs, 200, penalty_json(a, &l.items[0]));
out:
    complaint_release(&next);
    penalty_list_release(&l);
    free(visible);
    json_decref(in);
}

/* One compensation; cls is its complaint's customer class (whose limits decide can_decide), or NULL. */
static json_t *compensation_json(app *a, const api_req *rq, const compensation *m, const char *cls)
{
    const cases_policy *cp = &app_pol(a)->cases;
    const cases_choice *k = cases_choice_find(cp->kinds, cp->nkinds, m->kind);
    json_t *j = json_pack("{s:I,s:{s:I,s:s},s:i,s:s,s:s,s:f,s:s,s:s,s:b}", "id", (json_int_t)m->id, "complaint", "id",
                          (json_int_t)m->complaint_id, "number", m->number, "no", m->no, "kind", m->kind,
                          "kind_label", k ? (rq->en && k->name_en ? k->name_en : k->name) : m->kind, "amount",
                          (double)m->amount_fen / 100.0, "reason", m->reason ? m->reason : "", "status", m->status,
                          "senior", m->senior);
    json_object_set_new(j, "approver_unit", m->approver_unit ? api_unit_ref(a, m->approver_unit) : json_null());
    json_object_set_new(j, "requested_by", api_user_ref(a, m->requested_by));
    json_object_set_new(j, "requested_at", api_time(a, m->requested_at));
    json_object_set_new(j, "decided_by", m->decided_by ? api_user_ref(a, m->decided_by) : json_null());
    json_object_set_new(j, "decided_at", api_time(a, m->decided_at));
    json_object_set_new(j, "decision", m->decision ? json_string(m->decision) : json_null());
    /* Whether the caller may approve it: the board shows those first. */
    bool can = false;
    if (strcmp(m->status, "pending") == 0) {
        json_t *c = json_pack("{s:I,s:b,s:s?}", "amount_fen", (json_int_t)m->amount_fen, "senior", m->senior,
                              "customer_class", cls);
        const unit *u = org_find(app_org(a), rq->who.unit);
        can = cases_may_decide(cp, rq->who.roles, u ? u->type : NULL, c);
        json_decref(c);
    }
    json_object_set_new(j, "can_decide", json_boolean(can));
    return j;
}

void h_compensations_list(app *a, api_req *rq, http_resp *rs)
{
    compensation_filter f = {.status = "pending"};
    const char *v;
    if ((v = http_query(rq->http, "status")) && *v) {
        static const char *ok[] = {"granted", "pending", "approved", "refused"};
        f.status = NULL;
        for (size_t i = 0; i < 4; i++)
            if (strcmp(v, ok[i]) == 0)
                f.status = v;
        if (!f.status && strcmp(v, "all") != 0) {
            api_error(rs, 400, "bad_request", "status", "status: expected pending, granted, approved, refused or all");
            return;
        }
    }
    bool mine = (v = http_query(rq->http, "mine")) && strcmp(v, "true") == 0;
    compensation_list l = {0};
    int rc = store_compensation_list(a->db, &f, &l);
    if (rc == 0)
        rc = ledger_view_compensations(a, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        complaint c;
        complaint_init(&c);
        bool see = store_complaint_get(a->db, l.items[i].complaint_id, NULL, &c) == 0 && api_may_see(a, rq, &c);
        json_t *j = see ? compensation_json(a, rq, &l.items[i],
                                            json_string_value(json_object_get(json_object_get(c.data, "customer"), "class")))
                        : NULL;
        complaint_release(&c);
        if (!see)
            continue;
        if (mine && !json_is_true(json_object_get(j, "can_decide")))
            json_decref(j);
        else
            json_array_append_new(items, j);
    }
    compensation_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

/* {"count", "amount"} of one AU_* column. */
static json_t *use_json(int64_t count, int64_t fen)
{
    return json_pack("{s:I,s:f}", "count", (json_int_t)count, "amount", (double)fen / 100.0);
}

static void add_use(json_t *o, const int64_t *count, const int64_t *fen)
{
    static const char *const names[AU__COUNT] = {"granted", "referred", "approved"};
    for (int k = 0; k < AU__COUNT; k++)
        json_object_set_new(o, names[k], use_json(count[k], fen[k]));
}

/*
 * GET /api/v1/compensations/totals?month=YYYY-MM — the authority each person
 * of the caller's scope used in the month, and the totals per level of
 * authority (seed 001 2.5: 对各级别授权的使用进行控制和考核).
 */
void h_authority_totals(app *a, api_req *rq, http_resp *rs)
{
    char month[8];
    const char *v = http_query(rq->http, "month");
    if (v && *v && !month_ok(v)) {
        api_error(rs, 400, "bad_request", "month", "month: expected YYYY-MM");
        return;
    }
    if (v && *v)
        snprintf(month, sizeof month, "%s", v);
    else {
        char today[16];
        app_enter(a);
        time_local_date(time_now(), app_pol(a)->tz_offset, true, today, sizeof today);
        app_leave(a);
        snprintf(month, sizeof month, "%.7s", today);
    }
    size_t nvisible;
    int64_t *visible = scope_units(a, rq, &nvisible);
    authority_month m;
    int rc = ledger_authority_month(a, month, visible, nvisible, &m);
    free(visible);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array(), *levels = json_array();
    enum { NLEVELS = 6 };
    int64_t count[NLEVELS][AU__COUNT] = {{0}}, fen[NLEVELS][AU__COUNT] = {{0}};
    int people[NLEVELS] = {0};
    for (size_t i = 0; i < m.n; i++) {
        const authority_person *p = &m.items[i];
        json_t *j = json_pack("{s:o,s:o,s:o}", "user", api_user_ref(a, p->who.id), "unit", api_unit_ref(a, p->who.unit),
                              "roles", api_roles_json(p->who.roles));
        json_object_set_new(j, "level", p->level ? json_string(role_name(p->level)) : json_null());
        json_object_set_new(j, "limit", p->limit_fen >= 0 ? json_real((double)p->limit_fen / 100.0) : json_null());
        add_use(j, p->count, p->fen);
        json_array_append_new(items, j);
        for (int b = 0; b < NLEVELS; b++)
            if (p->level == 1u << b) {
                people[b]++;
                for (int k = 0; k < AU__COUNT; k++) {
                    count[b][k] += p->count[k];
                    fen[b][k] += p->fen[k];
                }
            }
    }
    for (int b = 0; b < NLEVELS; b++) {
        if (!people[b])
            continue;
        app_enter(a);
        int64_t lim = cases_role_limit(&app_pol(a)->cases, 1u << b);
        app_leave(a);
        json_t *j = json_pack("{s:s,s:f,s:i}", "level", role_name(1u << b), "limit", (double)lim / 100.0, "people",
                              people[b]);
        add_use(j, count[b], fen[b]);
        json_array_append_new(levels, j);
    }
    authority_month_release(&m);
    api_json(rs, 200, json_pack("{s:s,s:o,s:o}", "month", month, "items", items, "levels", levels));
}
