/*
 * portal: the public pages' API — a customer submits a complaint and tracks
 * it by number plus their phone. No sign-in; rate-limited per address; the
 * answer never carries staff names, internal notes or other people's data,
 * and a wrong phone is indistinguishable from an unknown number.
 */
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "app/pii.h"
#include "app/intake.h"
#include "core/workflow.h"
#include "util/timeutil.h"

enum { PORTAL_SUBMITS_PER_HOUR = 30, PORTAL_LOOKUPS_PER_MINUTE = 30 };

static int64_t centre_unit(app *a)
{
    int64_t id = 0;
    for (size_t i = 0; i < app_org(a)->n && !id; i++)
        if (strcmp(app_org(a)->units[i].type, "centre") == 0)
            id = app_org(a)->units[i].id;
    if (!id && app_org(a)->n)
        id = app_org(a)->units[0].id;
    return id;
}

void h_portal_create(app *a, api_req *rq, http_resp *rs)
{
    int64_t now = time_now();
    if (api_limited(rq, rs, "portal-submit", PORTAL_SUBMITS_PER_HOUR, 3600,
                    "提交过于频繁，请稍后再试或拨打客服热线 (too many submissions)"))
        return;
    /* The public may set only what a customer knows; the rest is ours, and
     * a member of ours sent from outside (channel, level, customer.class) is
     * refused like any unknown one. */
    static const char *const allowed[] = {"customer", "category", "subject_unit", "occurred_at",
                                          "place",    "description", "demand", NULL};
    static const char *const customer[] = {"name",    "phone",      "email",             "address",
                                           "plate",   "card_no",    "account_no",        "emergency_contact",
                                           NULL};
    json_t *in = api_body(rq, rs, allowed);
    if (!in)
        return;
    if (api_members(json_object_get(in, "customer"), "customer", customer, rs)) {
        json_decref(in);
        return;
    }
    json_object_set_new(in, "channel", json_string(policy_channel(app_pol(a), "website") ? "website" : app_pol(a)->tax.channels[0].code));
    actor who = {0, 0, centre_unit(a)};
    complaint c;
    complaint_init(&c);
    cerr e = CERR_INIT;
    int rc = app_intake(a, &who, in, now, NULL, &c, NULL, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 201, json_pack("{s:s,s:o,s:o,s:s}", "number", c.number, "received_at", api_time(a, c.received_at),
                                    "promised_at", api_time(a, c.overall_due), "status", status_name(c.status)));
    complaint_release(&c);
    json_decref(in);
}

void h_portal_get(app *a, api_req *rq, http_resp *rs)
{
    if (api_limited(rq, rs, "portal-lookup", PORTAL_LOOKUPS_PER_MINUTE, 60, "查询过于频繁，请稍后再试 (too many lookups)"))
        return;
    const char *phone = http_query(rq->http, "phone");
    char index[PII_INDEX_HEX];
    complaint c;
    complaint_init(&c);
    event_list evs = {0};
    /* The phone is checked through its blind index (app/pii.h); an anonymised
     * complaint has none, so it can no longer be looked up. */
    if (!phone || app_pii_phone_index(a, phone, index) ||
        store_complaint_get(a->db, 0, rq->params[0], &c) != 0 || !*c.phone ||
        sodium_memcmp(c.phone, index, PII_INDEX_HEX) != 0) {
        api_error(rs, 404, "not_found", NULL, "未找到：请核对投诉编号和手机号码 (no complaint with this number and phone)");
        goto out;
    }
    /* The customer proved the phone: what they were told is shown as written. */
    if (store_event_list(a->db, c.id, &evs) || app_pii_view(a, &c, 1, true)) {
        api_store_error(rs, STORE_ERROR);
        goto out;
    }
    api_json(rs, 200, api_public_complaint(a, &c, &evs, rq->en));
out:
    event_list_release(&evs);
    complaint_release(&c);
}

/*
 * What the public form offers: the category tree and the units a customer
 * can complain about (sites, the customer-facing departments and the
 * cooperating partners whose services the company sells) — codes and names
 * only, nothing internal.
 */
void h_portal_options(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    json_t *units = json_array();
    for (size_t i = 0; i < app_org(a)->n; i++) {
        const unit *u = &app_org(a)->units[i];
        if (strcmp(u->type, "site") == 0 || strcmp(u->type, "department") == 0 || strcmp(u->type, "centre") == 0 ||
            strcmp(u->type, "partner") == 0)
            json_array_append_new(units, json_pack("{s:s,s:s,s:s?,s:s}", "code", u->code, "name", u->name, "name_en",
                                                   u->name_en, "type", u->type));
    }
    api_json(rs, 200, json_pack("{s:o,s:o}", "categories", api_category_tree(app_pol(a), -1), "units", units));
}

/*
 * 结果公示 (004: 對處理完成的投訴進行結果公示): when the pack publishes
 * (`publication.days`), the complaints received in that many days and closed,
 * anonymised — the category, the unit, the month received, the day closed,
 * the nature, the corrective action as the unit stated it (masked like every
 * free text: the customer's name, long digit runs and e-mail addresses) and
 * the revisit's result. No number, no customer, no staff.
 */
void h_portal_published(app *a, api_req *rq, http_resp *rs)
{
    int64_t now = time_now();
    if (api_limited(rq, rs, "portal-published", PORTAL_LOOKUPS_PER_MINUTE, 60, "查询过于频繁，请稍后再试 (too many lookups)"))
        return;
    const policy *p = app_pol(a);
    json_int_t days = json_integer_value(json_object_get(json_object_get(p->raw, "publication"), "days"));
    if (days <= 0) {
        api_error(rs, 404, "not_found", NULL, "本单位未公示投诉处理结果 (results are not published)");
        return;
    }
    complaint_filter f = {.status = ST_CLOSED, .from = now - days * 86400, .to = now + 1, .now = now, .full = true,
                          .limit = 50};
    complaint_page page = {0};
    int rc = store_complaint_list(a->db, &f, &page);
    if (rc == 0)
        rc = app_pii_view(a, page.items, page.n, false);
    if (rc) {
        complaint_page_release(&page);
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++) {
        const complaint *c = &page.items[i];
        int ci = policy_category_index(p, c->category);
        const category *cat = ci >= 0 ? &p->tax.cats[ci] : NULL;
        const unit *u = org_find(app_org(a), c->subject_unit);
        char month[16], closed[16];
        time_local_date(c->received_at, p->tz_offset, true, month, sizeof month);
        month[7] = '\0';
        time_local_date(c->closed_at, p->tz_offset, true, closed, sizeof closed);
        const json_t *closing = json_object_get(c->data, "closing");
        if (!closing)
            closing = json_object_get(c->data, "answer"); /* closed on the spot */
        json_array_append_new(
            items, json_pack("{s:{s:s,s:s},s:{s:s?,s:s?},s:s,s:s,s:s,s:O?,s:O?}", "category", "code", c->category,
                             "name", cat ? (rq->en && cat->name_en ? cat->name_en : cat->name) : c->category, "unit",
                             "code", u ? u->code : NULL, "name", u ? (rq->en && u->name_en ? u->name_en : u->name) : NULL,
                             "received_month", month, "closed_on", closed, "nature", c->nature, "result",
                             json_object_get(closing, "corrective_action"), "satisfaction",
                             json_object_get(json_object_get(c->data, "revisit"), "result")));
    }
    complaint_page_release(&page);
    api_json(rs, 200, json_pack("{s:o,s:I}", "items", items, "days", days));
}
