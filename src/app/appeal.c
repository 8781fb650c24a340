/* appeal: see appeal.h. */
#include "app/appeal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/act.h"
#include "app/pii.h"
#include "app/result.h"
#include "core/cases.h"
#include "core/sla.h"
#include "store/appeals.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/*
 * The report's deadline: the appeal's whole-process limit of the pack's
 * time-limit policy (the overall clock of kind appeal: seed 001, 7 working
 * days on the office calendar, so a holiday between moves it on), from its
 * receipt.
 */
static int report_due(const policy *p, const complaint *c, int64_t *due, cerr *e)
{
    const char *scope = json_string_value(json_object_get(c->data, "scope"));
    sla_attrs at = {c->level, scope ? scope : "general",
                    json_string_value(json_object_get(json_object_get(c->data, "customer"), "class")), c->category,
                    c->channel, "appeal", json_is_true(json_object_get(c->data, "complex"))};
    sla_limit l;
    sla_select(&p->sla, &p->tax, SLA_OVERALL, &at, &l);
    json_t *ck = NULL;
    if (l.kind == SLA_NONE || sla_start(&p->sla, &l, c->received_at, &ck, e))
        return cerr_set(e, "calendar_unavailable", "", "无法计算报告时限 (the pack gives the appeal no limit)");
    *due = json_integer_value(json_object_get(ck, "deadline"));
    json_decref(ck);
    return *due > c->received_at ? 0 : cerr_set(e, "calendar_unavailable", "", "无法计算报告时限 (no deadline)");
}

/* A new draft for appeal c: received when c was, due by the pack's limit of an appeal. */
static int begin(app *a, const complaint *c, cerr *e)
{
    appeal_report r = {0};
    r.complaint_id = c->id;
    r.unit = c->subject_unit;
    r.received_at = c->received_at;
    snprintf(r.status, sizeof r.status, "draft");
    r.version = 1;
    app_enter(a);
    int rc = report_due(app_pol(a), c, &r.due_at, e);
    app_leave(a);
    return rc ? rc : store_appeal_add(a->db, &r);
}

/* The report's texts, which may name the customer, sealed under the appeal's data key before they are stored. */
static int seal(app *a, appeal_report *r)
{
    char *t[] = {r->report, r->mediation, r->review_note};
    int rc = app_pii_seal_texts(a, r->complaint_id, t, 3);
    r->report = t[0];
    r->mediation = t[1];
    r->review_note = t[2];
    return rc;
}

int app_appeal_view(app *a, appeal_report *r, bool clear)
{
    char *t[] = {r->report, r->mediation, r->review_note};
    int64_t ids[] = {r->complaint_id, r->complaint_id, r->complaint_id};
    complaint c;
    complaint_init(&c);
    int rc = store_complaint_get(a->db, r->complaint_id, NULL, &c);
    if (rc == 0)
        rc = app_pii_open_texts(a, &c, ids, t, 3, clear);
    complaint_release(&c);
    r->report = t[0];
    r->mediation = t[1];
    r->review_note = t[2];
    return rc;
}

int app_appeal_edit(app *a, const complaint *c, const json_t *in, appeal_report *out, cerr *e)
{
    if (strcmp(cases_kind(c), "appeal") != 0)
        return cerr_set(e, "action_not_allowed", "", "该工单不是申诉 (the complaint is not an appeal)");
    const json_t *fc = json_object_get(in, "first_complaint");
    if (json_is_integer(fc)) {
        complaint first;
        complaint_init(&first);
        int rc = json_integer_value(fc) == c->id ? STORE_NOTFOUND
                                                 : store_complaint_get(a->db, json_integer_value(fc), NULL, &first);
        complaint_release(&first);
        if (rc == STORE_NOTFOUND)
            return cerr_set(e, "validation_failed", "first_complaint", "first_complaint: 工单不存在 (no such complaint)");
        if (rc)
            return rc;
    }
    /* A body refused leaves no report begun: tried on a scratch draft first. */
    appeal_report scratch = {.status = "draft"};
    int rc = appeal_edit(&scratch, in, e);
    appeal_report_release(&scratch);
    if (rc)
        return rc;
    rc = store_appeal_get(a->db, c->id, out);
    if (rc == STORE_NOTFOUND && (rc = begin(a, c, e)) == 0)
        rc = store_appeal_get(a->db, c->id, out);
    for (int attempt = 0; rc == 0; attempt++) {
        rc = appeal_edit(out, in, e);
        if (rc == 0)
            rc = seal(a, out);
        if (rc == 0)
            rc = store_appeal_update(a->db, out);
        if (rc != STORE_CONFLICT || !app_retry(rc, attempt))
            break;
        rc = store_appeal_get(a->db, c->id, out);
    }
    return rc == STORE_CONFLICT ? cerr_set(e, "version_conflict", "", "报告已被他人更新 (someone acted first)") : rc;
}

/*
 * A report sent late under the pack's rule: the assessment joins the
 * complaint's penalty ledger (GET /penalties) as the system's appeal_late
 * step, once — a complaint assessed already is left as it is, so a send
 * tried again after a failure assesses nothing twice; a report sent on
 * time, or under a pack without the rule, writes none.
 */
static int assess_late(app *a, const appeal_report *r, const appeal_late_rule *late_rule, int64_t now, cerr *e)
{
    if (!r->late || !late_rule->set || !r->assessed_unit)
        return 0;
    complaint cur;
    complaint_init(&cur);
    int rc = store_complaint_get(a->db, r->complaint_id, NULL, &cur);
    bool assessed = rc == 0 && json_object_get(cur.data, "appeal_late") != NULL;
    complaint_release(&cur);
    if (rc || assessed)
        return rc;
    static const actor system_actor = {0, R_SYSTEM, 0};
    char amount[32], points[16], due[40];
    snprintf(amount, sizeof amount, "%lld.%02lld", (long long)(r->penalty_fen / 100),
             (long long)(r->penalty_fen % 100));
    snprintf(points, sizeof points, "%d", r->penalty_points);
    app_enter(a);
    time_format(r->due_at, app_pol(a)->tz_offset, due, sizeof due);
    app_leave(a);
    json_t *in = json_pack("{s:I,s:s,s:s,s:s+}", "unit", (json_int_t)r->assessed_unit, "amount", amount, "points",
                           points, "note", "申诉报告逾期报送，应于 (report due by) ", due);
    complaint c;
    complaint_init(&c);
    rc = app_act(a, &system_actor, r->complaint_id, "appeal_late", in, -1, now, &c, e);
    complaint_release(&c);
    json_decref(in);
    return rc;
}

/* Headquarters returned report r: its contact is told (the remark, customer data, stays sealed on the report). */
static int notify_returned(app *a, const appeal_report *r, int64_t now)
{
    appeal_contact c;
    complaint cp;
    complaint_init(&cp);
    int rc = app_contact_of(a, r->unit, &c);
    if (rc == 0)
        rc = store_complaint_get(a->db, r->complaint_id, NULL, &cp);
    if (rc == 0) {
        char key[96];
        snprintf(key, sizeof key, "c%" PRId64 "/appeal_report/v%" PRId64 "/returned/user%" PRId64, r->complaint_id,
                 r->version, c.user);
        outbox_msg m;
        app_contact_row(&m, &c, r->complaint_id, now, "appeal_returned", key,
                        json_pack("{s:s,s:s}", "number", cp.number, "status", r->status));
        rc = store_outbox_add(a->db, &m, 1);
        free(m.payload);
    }
    complaint_release(&cp);
    return rc == STORE_NOTFOUND ? 0 : rc;
}

int app_appeal_act(app *a, const actor *who, int64_t cid, const char *action, const char *note, int64_t now,
                   appeal_report *out, cerr *e)
{
    app_enter(a);
    const unit *u = org_find(app_org(a), who->unit);
    bool hq = (who->roles & (R_MANAGER | R_ADMIN)) && u && u->type && strcmp(u->type, "hq") == 0;
    appeal_late_rule late_rule = app_pol(a)->cases.appeal_late;
    int64_t hq_unit = 0; /* headquarters: the first unit of type hq */
    for (size_t i = 0; i < app_org(a)->n && !hq_unit; i++)
        if (app_org(a)->units[i].type && strcmp(app_org(a)->units[i].type, "hq") == 0)
            hq_unit = app_org(a)->units[i].id;
    app_leave(a);
    int rc = STORE_CONFLICT;
    for (int attempt = 0; rc == STORE_CONFLICT && (attempt == 0 || app_retry(rc, attempt - 1)); attempt++) {
        rc = store_appeal_get(a->db, cid, out);
        if (rc == STORE_NOTFOUND)
            return cerr_set(e, "not_found", "", "该申诉尚无报告 (the appeal has no report yet)");
        if (rc == 0)
            rc = appeal_act(out, action, note, hq, who->id, now, &late_rule, hq_unit, e);
        if (rc == 0)
            rc = seal(a, out);
        /* A late report's assessment first, then the report sent: if sending
         * fails after the assessment, the report is still to be sent and
         * sending it again assesses nothing twice (assess_late) — never a
         * report sent late without its entry in the ledger. */
        if (rc == 0 && strcmp(action, "send") == 0)
            rc = assess_late(a, out, &late_rule, now, e);
        if (rc == 0)
            rc = store_appeal_update(a->db, out);
    }
    if (rc == STORE_CONFLICT)
        return cerr_set(e, "version_conflict", "", "报告已被他人更新 (someone acted first)");
    if (rc == 0 && strcmp(action, "return") == 0)
        rc = notify_returned(a, out, now);
    return rc;
}

int app_appeal_stats(app *a, int year, int64_t root, json_t **out)
{
    app_enter(a);
    int off = app_pol(a)->tz_offset;
    const org *o = app_org(a);
    int64_t from = (days_from_civil(year, 1, 1) * 86400) - off * 60, to = (days_from_civil(year + 1, 1, 1) * 86400) - off * 60;
    appeal_report_list l = {0};
    int rc = store_appeal_list(a->db, from, to, 100000, &l);
    static const char *const keys[] = {"received", "registered", "filed", "sent", "on_time", "late", "open"};
    json_t *assessed = json_object(); /* unit id → {late, penalty_fen, points} */
    enum { NK = sizeof keys / sizeof keys[0] };
    int64_t cells[13][NK] = {{0}}; /* [0] the year, [1..12] the months */
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const appeal_report *r = &l.items[i];
        if (root && !org_within(o, r->unit, root))
            continue;
        char day[16];
        time_local_date(r->received_at, off, true, day, sizeof day);
        int m = (day[5] - '0') * 10 + (day[6] - '0');
        bool sent = r->sent_at > 0;
        int64_t v[NK] = {1, r->registered, r->filed, sent, sent && !r->late, sent && r->late, !sent};
        for (int k = 0; k < NK; k++) {
            cells[0][k] += v[k];
            cells[m][k] += v[k];
        }
        if (r->assessed_unit) {
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)r->assessed_unit);
            json_t *x = json_object_get(assessed, key);
            if (!x) {
                x = json_pack("{s:I,s:i,s:I,s:i}", "unit", (json_int_t)r->assessed_unit, "late", 0, "penalty_fen",
                              (json_int_t)0, "points", 0);
                json_object_set_new(assessed, key, x);
            }
            json_object_set_new(x, "late", json_integer(json_integer_value(json_object_get(x, "late")) + 1));
            json_object_set_new(x, "penalty_fen",
                                json_integer(json_integer_value(json_object_get(x, "penalty_fen")) + r->penalty_fen));
            json_object_set_new(x, "points",
                                json_integer(json_integer_value(json_object_get(x, "points")) + r->penalty_points));
        }
    }
    appeal_report_list_release(&l);
    app_leave(a);
    if (rc) {
        json_decref(assessed);
        return rc;
    }
    json_t *months = json_array(), *total = json_object();
    for (int m = 0; m <= 12; m++) {
        json_t *cell = m ? json_object() : total;
        if (m) {
            char name[8];
            snprintf(name, sizeof name, "%04d-%02d", year, m);
            json_object_set_new(cell, "month", json_string(name));
            json_array_append_new(months, cell);
        }
        for (int k = 0; k < NK; k++)
            json_object_set_new(cell, keys[k], json_integer(cells[m][k]));
    }
    json_t *units = json_array(), *x;
    const char *k;
    json_object_foreach(assessed, k, x)
        json_array_append(units, x);
    json_decref(assessed);
    *out = json_pack("{s:i,s:o,s:o,s:o}", "year", year, "months", months, "total", total, "assessed", units);
    return 0;
}
