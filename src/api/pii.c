/*
 * pii: customer data in clear and a customer's rights (docs/privacy.md,
 * docs/api.md "Customer data"). Everything else of the API shows customer
 * data masked; here a caller with the "pii" permission asks, explicitly, to
 * see one complaint's data in clear, or finds a customer by phone and
 * exports, corrects or erases what is held about them. Each of these is an
 * audit entry (who, whose data, when) written before the answer is sent:
 * what cannot be recorded is not handed out.
 *
 * The phone travels in the request body, never in a URL, so that no access
 * log holds it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/pii.h"
#include "store/appeals.h"
#include "app/rights.h"
#include "core/erasure.h"
#include "sec/audit.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static int forbidden(http_resp *rs)
{
    api_error(rs, 403, "forbidden", NULL, "无权查看客户信息 (you may not see customer data in clear)");
    return -1;
}

/* The "pii" permission of the caller; renders 403 without it (a denial, audited). */
static int need_pii(app *a, api_req *rq, http_resp *rs)
{
    actor who = api_actor(rq);
    if (app_pii_may_unmask(a, &who))
        return 0;
    api_audit_denied(a, rq, "permission:pii", NULL, NULL, 0);
    return forbidden(rs);
}

/* An audit entry or 503 (nothing is handed out that was not recorded). units
 * (may be NULL: derived from subject) are the units the entry concerns. */
static int audit_in(app *a, const api_req *rq, http_resp *rs, const char *action, const char *subject,
                    const char *customer, json_t *detail /* stolen, may be NULL */, const int64_t *units,
                    size_t n_units)
{
    char *d = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    audit_entry e = {.at = time_now(),
                     .actor = rq->who.id,
                     .action = action,
                     .subject = subject,
                     .customer = customer && *customer ? customer : NULL,
                     .ip = rq->client,
                     .detail = d,
                     .units = units,
                     .n_units = n_units,
                     .key = app_audit_key(a)};
    int rc = audit_record(a->db, &e);
    free(d);
    if (rc) {
        api_store_error(rs, STORE_UNAVAILABLE);
        return -1;
    }
    return 0;
}

static int audit(app *a, const api_req *rq, http_resp *rs, const char *action, const char *subject,
                 const char *customer, json_t *detail /* stolen, may be NULL */)
{
    return audit_in(a, rq, rs, action, subject, customer, detail, NULL, 0);
}

/* "complaint:ID" into out. */
static const char *subject_of(int64_t id, char out[40])
{
    snprintf(out, 40, "complaint:%" PRId64, id);
    return out;
}

/* The complaint in clear with its events, as the API renders them (new reference). */
static json_t *clear_json(app *a, complaint *c, bool en, int64_t now, int *rc)
{
    event_list evs = {0};
    *rc = store_event_list(a->db, c->id, &evs);
    if (*rc == 0)
        *rc = app_pii_view_events(a, c, evs.items, evs.n, true);
    if (*rc == 0)
        *rc = app_pii_view(a, c, 1, true);
    json_t *j = NULL;
    if (*rc == 0)
        j = json_pack("{s:o,s:o}", "complaint", api_complaint_json(a, c, true, en, now), "events",
                      api_events_json(a, evs.items, evs.n, en));
    event_list_release(&evs);
    /* An appeal's report to the regulator, whose texts are customer data too. */
    appeal_report r = {0};
    int got = j ? store_appeal_get(a->db, c->id, &r) : STORE_NOTFOUND;
    json_t *report = got == 0 ? api_appeal_report_json(a, &r, true) : NULL;
    if (j && got != STORE_NOTFOUND && !report) {
        json_decref(j);
        j = NULL;
        *rc = got ? got : STORE_UNAVAILABLE;
    } else if (j && report) {
        json_object_set_new(j, "appeal_report", report);
    }
    appeal_report_release(&r);
    return j;
}

/* Customer data in clear must not stay in a browser's or a proxy's cache. */
static void no_store(http_resp *rs)
{
    http_set_header(rs, "Cache-Control", "no-store");
}

void h_complaint_pii(app *a, api_req *rq, http_resp *rs)
{
    no_store(rs);
    complaint c;
    complaint_init(&c);
    json_t *in = NULL;
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) || need_pii(a, rq, rs))
        goto out;
    static const char *const known[] = {"reason", NULL};
    in = rq->body.len ? api_body(rq, rs, known) : json_object();
    if (!in)
        goto out;
    const json_t *reason = json_object_get(in, "reason");
    if (reason && !json_is_null(reason) && (!json_is_string(reason) || strlen(json_string_value(reason)) > 200)) {
        api_error(rs, 422, "validation_failed", "reason", "reason: 应为 200 字以内的文本 (expected text, at most 200 bytes)");
        goto out;
    }
    actor who = api_actor(rq);
    cerr ce = CERR_INIT;
    bool has_reason = json_is_string(reason) && *json_string_value(reason);
    if (app_pii_confidential(a, &who, &c, has_reason, &ce)) {
        if (strcmp(ce.code, "forbidden") == 0) {
            char subj[40];
            json_t *why = json_pack("{s:s}", "reason", "confidential");
            api_audit_denied(a, rq, subject_of(c.id, subj), why, &c.subject_unit, 1);
            json_decref(why);
        }
        api_cerr(rs, &ce);
        goto out;
    }
    char subject[40];
    /* The reason is the caller's own words, which may name the customer:
     * sealed under the complaint's key before the entry is hashed. */
    json_t *detail = json_is_string(reason) ? json_pack("{s:O}", "reason", reason) : NULL;
    int src = detail ? app_pii_seal_audit(a, c.id, detail, "reason") : 0;
    if (src) {
        json_decref(detail);
        api_store_error(rs, src);
        goto out;
    }
    if (audit(a, rq, rs, "pii_view", subject_of(c.id, subject), *c.phone ? c.phone : NULL, detail))
        goto out;
    int rc;
    json_t *j = clear_json(a, &c, rq->en, time_now(), &rc);
    if (j)
        api_json(rs, 200, j);
    else
        api_store_error(rs, rc);
out:
    json_decref(in);
    complaint_release(&c);
}

/*
 * POST /complaints/{id}/customer: the customer's data of one complaint
 * corrected as a correction of its record (更正) — by who may correct it,
 * not only by who holds the pii permission — with the reason. The audit
 * names the fields, never their values.
 */
static void done_json(http_resp *rs, const char *count_key, json_t *numbers);

void h_complaint_customer(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    static const char *const known[] = {"customer", "reason", NULL};
    json_t *in = NULL;
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) || !(in = api_body(rq, rs, known)))
        goto out;
    const json_t *fields = json_object_get(in, "customer");
    const json_t *reason = json_object_get(in, "reason");
    if (reason && !json_is_string(reason)) {
        api_error(rs, 422, "validation_failed", "reason", "reason: 应为文本 (expected a string)");
        goto out;
    }
    actor who = api_actor(rq);
    cerr e = CERR_INIT;
    int rc = app_record_correct_customer(a, &who, c.id, fields, json_string_value(reason), time_now(), &e);
    if (api_failed(rs, rc, &e))
        goto out;
    json_t *names = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v) json_array_append_new(names, json_string(k));
    char subject[40];
    if (audit(a, rq, rs, "pii_correct", subject_of(c.id, subject), *c.phone ? c.phone : NULL,
              json_pack("{s:o,s:[s]}", "fields", names, "complaints", c.number)))
        goto out;
    json_t *numbers = json_pack("[s]", c.number);
    done_json(rs, "corrected", numbers);
out:
    json_decref(in);
    complaint_release(&c);
}

/* ---- a customer's complaints, found by phone -------------------------------------------- */

typedef struct found {
    complaint *items;
    size_t n, cap;
    char index[PII_INDEX_HEX];
} found;

/* The units of the complaints found (heap; *n OUT), which a customer's audit entries concern. */
static int64_t *found_units(const found *f, size_t *n)
{
    int64_t *u = xcalloc(3 * f->n + 1, sizeof *u);
    *n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const int64_t mine[] = {f->items[i].owner_unit, f->items[i].subject_unit, f->items[i].handler_unit};
        for (size_t k = 0; k < 3; k++) {
            bool seen = mine[k] <= 0;
            for (size_t j = 0; j < *n && !seen; j++)
                seen = u[j] == mine[k];
            if (!seen)
                u[(*n)++] = mine[k];
        }
    }
    return u;
}

/* audit() of an entry about the customer of f. */
static int audit_customer(app *a, const api_req *rq, http_resp *rs, const char *action, const found *f,
                          json_t *detail /* stolen */)
{
    size_t n;
    int64_t *units = found_units(f, &n);
    int rc = audit_in(a, rq, rs, action, "customer", f->index, detail, units, n);
    free(units);
    return rc;
}

static void found_release(found *f)
{
    for (size_t i = 0; i < f->n; i++)
        complaint_release(&f->items[i]);
    free(f->items);
}

enum { FOUND_MAX = 1000 };

/*
 * Parses {"phone"} of the body in and collects the complaints of that
 * customer the caller may see, newest first. Renders the error and returns
 * -1 on failure.
 */
static int find_customer(app *a, api_req *rq, http_resp *rs, const json_t *in, found *f)
{
    memset(f, 0, sizeof *f);
    const char *phone = json_string_value(json_object_get(in, "phone"));
    if (!phone || app_pii_phone_index(a, phone, f->index)) {
        api_error(rs, 422, "validation_failed", "phone", "phone: 应为 7–20 位数字 (expected 7–20 digits)");
        return -1;
    }
    complaint_filter flt = {.phone = f->index, .full = true, .limit = 200, .now = time_now()};
    for (;;) {
        complaint_page page = {0};
        int rc = store_complaint_list(a->db, &flt, &page);
        if (rc) {
            complaint_page_release(&page);
            api_store_error(rs, rc);
            return -1;
        }
        for (size_t i = 0; i < page.n; i++) {
            if (!api_may_see(a, rq, &page.items[i]) || f->n == FOUND_MAX)
                continue;
            if (f->n == f->cap) {
                f->cap = f->cap ? 2 * f->cap : 16;
                f->items = xrealloc(f->items, f->cap * sizeof *f->items);
            }
            complaint_copy(&f->items[f->n++], &page.items[i]);
        }
        bool more = page.more && page.n;
        if (more) {
            flt.has_cursor = true;
            flt.cursor_id = page.items[page.n - 1].id;
        }
        complaint_page_release(&page);
        if (!more)
            return 0;
    }
}

/* What the bodies of the customer's requests hold: the phone that finds them, and what each does. */
static const char *const phone_only[] = {"phone", NULL};
static const char *const correct_members[] = {"phone", "customer", NULL};
static const char *const erase_members[] = {"phone", "confirm", NULL};

/* Parses the body (members in known), checks the permission and finds the customer; -1 when rendered. */
static int begin(app *a, api_req *rq, http_resp *rs, const char *const *known, json_t **in, found *f)
{
    memset(f, 0, sizeof *f);
    *in = NULL;
    if (need_pii(a, rq, rs))
        return -1;
    *in = api_body(rq, rs, known);
    if (!*in)
        return -1;
    return find_customer(a, rq, rs, *in, f);
}

void h_customer_lookup(app *a, api_req *rq, http_resp *rs)
{
    json_t *in;
    found f;
    if (begin(a, rq, rs, phone_only, &in, &f))
        goto out;
    int64_t now = time_now();
    int rc = app_pii_view(a, f.items, f.n, false);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < f.n; i++)
        json_array_append_new(items, api_complaint_json(a, &f.items[i], false, rq->en, now));
    api_json(rs, 200, json_pack("{s:s,s:o}", "customer", f.index, "items", items));
out:
    found_release(&f);
    json_decref(in);
}

void h_customer_export(app *a, api_req *rq, http_resp *rs)
{
    no_store(rs);
    json_t *in;
    found f;
    if (begin(a, rq, rs, phone_only, &in, &f))
        goto out;
    if (audit_customer(a, rq, rs, "pii_export", &f, json_pack("{s:I}", "complaints", (json_int_t)f.n)))
        goto out;
    int64_t now = time_now();
    json_t *items = json_array();
    for (size_t i = 0; i < f.n; i++) {
        int rc;
        json_t *j = clear_json(a, &f.items[i], rq->en, now, &rc);
        if (!j) {
            json_decref(items);
            api_store_error(rs, rc);
            goto out;
        }
        json_array_append_new(items, j);
    }
    api_json(rs, 200, json_pack("{s:o,s:s,s:o}", "exported_at", api_time(a, now), "customer", f.index,
                                "complaints", items));
out:
    found_release(&f);
    json_decref(in);
}

/* The numbers of the complaints done, and the answer {"count_key": n, "items": [...]}. */
static void done_json(http_resp *rs, const char *count_key, json_t *numbers)
{
    api_json(rs, 200, json_pack("{s:I,s:o}", count_key, (json_int_t)json_array_size(numbers), "items", numbers));
}

void h_customer_correct(app *a, api_req *rq, http_resp *rs)
{
    json_t *in;
    found f;
    json_t *numbers = json_array();
    if (begin(a, rq, rs, correct_members, &in, &f))
        goto out;
    const json_t *fields = json_object_get(in, "customer");
    actor who = api_actor(rq);
    int64_t now = time_now();
    cerr e = CERR_INIT;
    for (size_t i = 0; i < f.n; i++) {
        if (erasure_done(&f.items[i]))
            continue;
        if (api_failed(rs, app_pii_correct(a, &who, f.items[i].id, fields, now, &e), &e))
            goto out;
        json_array_append_new(numbers, json_string(f.items[i].number));
    }
    if (json_array_size(numbers) == 0) {
        api_error(rs, 404, "not_found", "phone", "未找到该客户的工单 (no complaint of this customer to correct)");
        goto out;
    }
    /* Which fields changed, never their values. */
    json_t *names = json_array();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v) json_array_append_new(names, json_string(k));
    if (audit_customer(a, rq, rs, "pii_correct", &f,
              json_pack("{s:o,s:O}", "fields", names, "complaints", numbers)))
        goto out;
    done_json(rs, "corrected", json_incref(numbers));
out:
    json_decref(numbers);
    found_release(&f);
    json_decref(in);
}

void h_customer_erase(app *a, api_req *rq, http_resp *rs)
{
    json_t *in;
    found f;
    json_t *numbers = json_array();
    if (begin(a, rq, rs, erase_members, &in, &f))
        goto out;
    if (!json_is_true(json_object_get(in, "confirm"))) {
        api_error(rs, 422, "validation_failed", "confirm", "confirm: 删除不可恢复，须为 true (erasure cannot be undone: send true)");
        goto out;
    }
    actor who = api_actor(rq);
    int64_t now = time_now();
    cerr e = CERR_INIT;
    for (size_t i = 0; i < f.n; i++) {
        int rc = app_pii_erase(a, &who, f.items[i].id, "request", now, &e);
        if (rc == CERR_USER) {
            api_cerr(rs, &e);
            goto out;
        }
        if (rc < 0) {
            api_store_error(rs, rc);
            goto out;
        }
        if (rc == 0)
            json_array_append_new(numbers, json_string(f.items[i].number));
    }
    if (f.n == 0) {
        api_error(rs, 404, "not_found", "phone", "未找到该客户的工单 (no complaint of this customer)");
        goto out;
    }
    if (audit_customer(a, rq, rs, "pii_erase", &f, json_pack("{s:O}", "complaints", numbers)))
        goto out;
    done_json(rs, "anonymised", json_incref(numbers));
out:
    json_decref(numbers);
    found_release(&f);
    json_decref(in);
}

/* ---- grants ------------------------------------------------------------------------------ */

/* A permission is granted or reset only for a user within the caller's reach (core/reach.h). */

static void grant(app *a, api_req *rq, http_resp *rs, bool reset)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    user u = {0};
    json_t *in = NULL;
    if (!*rq->params[0] || *end || store_user_get(a->db, NULL, id, &u, NULL) != 0) {
        api_error(rs, 404, "not_found", NULL, "用户不存在 (no such user)");
        goto out;
    }
    if (strcmp(rq->params[1], "pii") != 0) {
        api_error(rs, 404, "not_found", "permission", "没有这种权限 (no such permission: pii is the only one)");
        goto out;
    }
    if (api_reach_unit(a, rq, u.unit, NULL, rs))
        goto out;
    int granted = -1;
    if (!reset) {
        static const char *const known[] = {"granted", NULL};
        in = api_body(rq, rs, known);
        if (!in)
            goto out;
        const json_t *g = json_object_get(in, "granted");
        if (!json_is_boolean(g)) {
            api_error(rs, 422, "validation_failed", "granted", "granted: 应为 true/false (expected a boolean)");
            goto out;
        }
        granted = json_is_true(g);
    }
    int rc = store_grant_set(a->db, u.id, "pii", granted);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[40];
    snprintf(subject, sizeof subject, "user:%lld", id);
    if (audit(a, rq, rs, "user_change", subject, NULL,
              json_pack("{s:s,s:o}", "permission", "pii", "granted", granted < 0 ? json_null() : json_boolean(granted))))
        goto out;
    api_json(rs, 200, api_user_json(a, &u));
out:
    json_decref(in);
    user_release(&u);
}

void h_user_grant(app *a, api_req *rq, http_resp *rs)
{
    grant(a, rq, rs, false);
}

void h_user_revoke(app *a, api_req *rq, http_resp *rs)
{
    grant(a, rq, rs, true);
}
