/*
 * POST /api/v1/complaints/similar: the open complaints like the one an
 * agent is taking (app/similar.h), in the caller's scope, within the
 * pack's repeat window — for the intake form to offer linking as a repeat.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/listq.h"
#include "app/links.h"
#include "app/pii.h"
#include "app/similar.h"
#include "core/workflow.h"
#include "util/timeutil.h"

/* A listq lookup over a few fixed parameters. */
struct params {
    const char *status, *subject_unit, *category, *phone;
};

static const char *param_of(void *ctx, const char *key)
{
    const struct params *p = ctx;
    return strcmp(key, "status") == 0         ? p->status
           : strcmp(key, "subject_unit") == 0 ? p->subject_unit
           : strcmp(key, "category") == 0     ? p->category
           : strcmp(key, "phone") == 0        ? p->phone
                                              : NULL;
}

/* The top-level category of code, or NULL when the pack has no such category. */
static const char *matter_of(const policy *p, const char *code)
{
    int i = policy_category_index(p, code);
    while (i >= 0 && p->tax.cats[i].parent >= 0)
        i = p->tax.cats[i].parent;
    return i >= 0 ? p->tax.cats[i].code : NULL;
}

/* A string member of in, NULL when absent or null; 1 (with a 422 sent) when it is not a string of at most max bytes. */
static int text_member(const json_t *in, const char *name, const char *field, size_t max, const char **out,
                       http_resp *rs)
{
    const json_t *v = json_object_get(in, name);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) > max) {
        api_error(rs, 422, "validation_failed", field, "%s: 应为不超过 %zu 字节的文本 (text of at most %zu bytes)", field,
                  max, max);
        return 1;
    }
    *out = json_string_value(v);
    return 0;
}

/* Parses one filter of the caller's open complaints in the window; 0, or 1 with the error sent. */
static int filter_of(app *a, api_req *rq, struct params *p, int64_t now, int64_t days, listq *l, http_resp *rs)
{
    cerr e = CERR_INIT;
    l->caller_id = rq->who.id;
    if (listq_parse(l, param_of, p, app_pol(a), app_org(a), rq->who.unit, now, &e)) {
        api_cerr(rs, &e);
        return 1;
    }
    l->f.from = now - days * 86400;
    l->f.to = now + 1;
    l->f.full = true; /* the descriptions, to compare */
    l->f.limit = SIMILAR_CANDIDATES;
    return 0;
}

void h_complaints_similar(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"customer", "subject_unit", "category", "description", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    listq by_customer, by_matter;
    listq_init(&by_customer);
    listq_init(&by_matter);
    similar_list found = {0};
    const char *phone = NULL, *unit_code = NULL, *cat = NULL, *text = NULL;
    const json_t *cust = json_object_get(in, "customer");
    if (cust && !json_is_null(cust) && !json_is_object(cust)) {
        api_error(rs, 422, "validation_failed", "customer", "customer: 应为对象 (expected an object)");
        goto out;
    }
    static const char *const customer_known[] = {"phone", NULL};
    if (cust && json_is_object(cust) && api_members(cust, "customer", customer_known, rs))
        goto out;
    char unit_id[24];
    const json_t *u = json_object_get(in, "subject_unit");
    if (json_is_integer(u)) {
        snprintf(unit_id, sizeof unit_id, "%lld", (long long)json_integer_value(u));
        unit_code = unit_id;
    } else if (text_member(in, "subject_unit", "subject_unit", 64, &unit_code, rs)) {
        goto out;
    }
    if (text_member(cust, "phone", "customer.phone", 40, &phone, rs) ||
        text_member(in, "category", "category", 64, &cat, rs) ||
        text_member(in, "description", "description", 20000, &text, rs))
        goto out;
    char digits[24];
    if (phone && *phone && phone_normalise(phone, digits, sizeof digits)) {
        api_error(rs, 422, "validation_failed", "customer.phone", "customer.phone: 应为 7–20 位数字 (7–20 digits)");
        goto out;
    }
    int64_t now = time_now(), days = app_repeat_days(a);
    const char *matter = cat && *cat ? matter_of(app_pol(a), cat) : NULL;
    if (cat && *cat && !matter) {
        api_error(rs, 422, "validation_failed", "category", "category: 没有这个类别 (unknown category)");
        goto out;
    }
    bool want_customer = phone && *phone && days > 0, want_matter = unit_code && *unit_code && matter && text && *text && days > 0;
    struct params pc = {"open", NULL, NULL, phone}, pm = {"open", unit_code, matter, NULL};
    if ((want_customer && filter_of(a, rq, &pc, now, days, &by_customer, rs)) ||
        (want_matter && filter_of(a, rq, &pm, now, days, &by_matter, rs)))
        goto out;
    if (want_customer) {
        char index[PII_INDEX_HEX];
        if (app_pii_phone_index(a, by_customer.f.phone, index)) {
            api_error(rs, 422, "validation_failed", "customer.phone", "customer.phone: 应为 7–20 位数字 (7–20 digits)");
            goto out;
        }
        snprintf(by_customer.phone, sizeof by_customer.phone, "%s", index);
        by_customer.f.phone = by_customer.phone;
    }
    int rc = app_similar(a, want_customer ? &by_customer.f : NULL, want_matter ? &by_matter.f : NULL, text, &found);
    json_t *items = json_array();
    for (size_t i = 0; rc == 0 && i < found.n; i++) {
        complaint *c = &found.items[i].c;
        if ((rc = app_pii_view(a, c, 1, false)))
            break;
        json_t *j = api_complaint_json(a, c, false, rq->en, now);
        json_object_set_new(j, "similar", json_pack("{s:b,s:f}", "customer", found.items[i].same_customer, "score",
                                                    (double)(int)(found.items[i].score * 100 + 0.5) / 100));
        json_array_append_new(items, j);
    }
    if (rc) {
        json_decref(items);
        api_store_error(rs, rc);
        goto out;
    }
    api_json(rs, 200, json_pack("{s:o,s:I}", "items", items, "days", (json_int_t)days));
out:
    similar_list_release(&found);
    listq_release(&by_customer);
    listq_release(&by_matter);
    json_decref(in);
}
