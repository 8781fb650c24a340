/*
 * refdata: units, categories, configuration and users. A unit or a user is
 * made only within the caller's reach (core/reach.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/contacts.h"
#include "core/notify.h"
#include "core/roles.h"
#include "sec/auth.h"
#include "sec/authcache.h"
#include "sec/password.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/*
 * The unit tree, whole: intake, transfers and assists pick from it. With
 * reach=true only the units the caller reaches (api_reaches), for the
 * pickers of administration: a new user's home, a token's unit, a new
 * unit's parent.
 */
void h_units_list(app *a, api_req *rq, http_resp *rs)
{
    const char *v = http_query(rq->http, "reach");
    if (v && strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
        api_error(rs, 400, "bad_request", "reach", "reach: expected true or false");
        return;
    }
    bool reach = v && strcmp(v, "true") == 0;
    appeal_contact_list contacts = {0};
    int rc = app_contacts_list(a, &contacts);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < app_org(a)->n; i++) {
        const unit *u = &app_org(a)->units[i];
        if (reach && !api_reaches(a, rq, u->id))
            continue;
        json_t *j = json_pack("{s:I,s:s,s:s,s:s?,s:s,s:o}", "id", (json_int_t)u->id, "code", u->code, "name", u->name,
                              "name_en", u->name_en, "type", u->type, "parent",
                              u->parent ? json_integer(u->parent) : json_null());
        /* The unit's own appeals contact (申诉接口人); the units below it without one are covered by it. */
        json_t *contact = json_null();
        for (size_t k = 0; k < contacts.n; k++)
            if (contacts.items[k].unit == u->id)
                contact = api_user_ref(a, contacts.items[k].user);
        json_object_set_new(j, "appeals_contact", contact);
        json_array_append_new(items, j);
    }
    appeal_contact_list_release(&contacts);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

static int text_field(http_resp *rs, const json_t *in, const char *key, bool required, long max, const char **out)
{
    const json_t *v = json_object_get(in, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required) {
            api_error(rs, 422, "validation_failed", key, "%s: 必填 (required)", key);
            return -1;
        }
        return 0;
    }
    long n = json_is_string(v) ? utf8_count(json_string_value(v)) : -1;
    if (n < 0 || n > max || (required && n == 0)) {
        api_error(rs, 422, "validation_failed", key, "%s: 应为 1–%ld 字的文本 (expected text of 1–%ld characters)",
                  key, max, max);
        return -1;
    }
    *out = json_string_value(v);
    return 0;
}

void h_units_create(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"code", "name", "name_en", "type", "parent", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    unit u = {0};
    const char *code, *name, *name_en, *type;
    if (text_field(rs, in, "code", true, 32, &code) || text_field(rs, in, "name", true, 100, &name) ||
        text_field(rs, in, "name_en", false, 100, &name_en) || text_field(rs, in, "type", true, 16, &type))
        goto out;
    if (!org_type_valid(type)) {
        api_error(rs, 422, "validation_failed", "type",
                  "type: 应为 hq, branch, region, site, department, centre 或 partner (unknown unit type)");
        goto out;
    }
    const json_t *parent = json_object_get(in, "parent");
    if (parent && !json_is_null(parent)) {
        const unit *p = org_resolve(app_org(a), parent);
        u.parent = p ? p->id : -1;
        if (u.parent < 0) {
            api_error(rs, 422, "unknown_unit", "parent", "parent: 上级单位不存在 (unknown unit)");
            goto out;
        }
    }
    if (api_reach_unit(a, rq, u.parent, "parent", rs))
        goto out;
    u.code = (char *)code;
    u.name = (char *)name;
    u.name_en = (char *)name_en;
    u.type = (char *)type;
    int rc = store_unit_add(a->db, &u);
    if (rc == STORE_CONFLICT) {
        api_error(rs, 409, "conflict", "code", "code: 单位编码已存在 (a unit with this code exists)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    app_reload_org(a);
    api_audit_unit_change(a, rq, u.id, json_pack("{s:s,s:s}", "change", "unit_create", "code", code));
    api_json(rs, 201, json_pack("{s:I,s:s,s:s,s:s?,s:s,s:o}", "id", (json_int_t)u.id, "code", code, "name", name,
                                "name_en", name_en, "type", type, "parent",
                                u.parent ? json_integer(u.parent) : json_null()));
out:
    json_decref(in);
}

json_t *api_category_tree(const policy *p, int parent)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < p->tax.ncats; i++) {
        if (p->tax.cats[i].parent != parent)
            continue;
        json_t *c = json_pack("{s:s,s:s,s:s?,s:o}", "code", p->tax.cats[i].code, "name", p->tax.cats[i].name, "name_en",
                              p->tax.cats[i].name_en, "children", api_category_tree(p, (int)i));
        /* The reply script (口径) and survey questions, in both languages. */
        json_t *zh = json_object(), *en = json_object();
        api_category_guidance(p, p->tax.cats[i].code, false, zh);
        api_category_guidance(p, p->tax.cats[i].code, true, en);
        json_object_set(c, "script", json_object_get(zh, "script"));
        json_object_set(c, "script_en", json_object_get(en, "script"));
        json_object_set(c, "survey", json_object_get(zh, "survey"));
        json_object_set(c, "survey_en", json_object_get(en, "survey"));
        json_decref(zh);
        json_decref(en);
        json_array_append_new(arr, c);
    }
    return arr;
}

void h_categories(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    api_json(rs, 200, json_pack("{s:o}", "items", api_category_tree(app_pol(a), -1)));
}

static json_t *named_list(const named *list, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s?}", "code", list[i].code, "name", list[i].name, "name_en",
                                             list[i].name_en));
    return arr;
}

static json_t *choice_list(const cases_choice *list, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *req = json_array();
        for (int k = 0; k < CF__COUNT; k++)
            if (list[i].requires & (1u << k))
                json_array_append_new(req, json_string(cases_field_name(k)));
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s?,s:o}", "code", list[i].code, "name", list[i].name,
                                             "name_en", list[i].name_en, "requires", req));
    }
    return arr;
}

/*
 * The pack's closing requirements (core/cases.h), for the intake form's
 * answer on the spot: the complaint does not exist yet, so there is no
 * GET …/actions form to ask; the server checks them again (p_answer).
 */
static json_t *closing_json(const cases_policy *cp)
{
    static const char *const natures[CN__COUNT] = {"valid", "invalid", "suggestion"};
    json_t *required = json_object();
    for (int n = 0; n < CN__COUNT; n++) {
        json_t *fields = json_array();
        for (int k = 0; k < CF__COUNT; k++)
            if (cp->required[n] & (1u << k))
                json_array_append_new(fields, json_string(cases_field_name(k)));
        json_object_set_new(required, natures[n], fields);
    }
    /* Cases that cannot be handled: the list offers their filter only where the pack takes them. */
    json_t *unres = json_null();
    if (cp->unres_period)
        unres = json_pack("{s:o,s:o,s:s}", "roles", api_roles_json(cp->unres_roles), "approvers",
                          api_roles_json(cp->unres_approvers), "period", report_period_name(cp->unres_period));
    /* Pending matters (未了事宜): the list's filter and the ledger only where the pack keeps one. */
    json_t *pend = json_null();
    if (cp->pend_reminder_day)
        pend = json_pack("{s:o,s:o,s:o,s:i}", "reasons", choice_list(cp->pend_reasons, cp->npend_reasons), "roles",
                         api_roles_json(cp->pend_roles), "approvers", api_roles_json(cp->pend_approvers),
                         "reminder_day", cp->pend_reminder_day);
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "required", required, "responsibilities",
                     choice_list(cp->resps, cp->nresps), "conclusions", choice_list(cp->conclusions, cp->nconclusions),
                     "adoptions", choice_list(cp->adoptions, cp->nadoptions), "unresolvable", unres, "pending", pend);
}

void h_config(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    const policy *p = app_pol(a);
    json_t *levels = json_array();
    for (int l = 1; l <= LEVEL_MAX; l++)
    {
        json_t *lv = json_pack("{s:i,s:s,s:s?}", "code", l, "name", p->levels[l].name, "name_en", p->levels[l].name_en);
        /* The pack's grading criteria, shown beside the level field. */
        size_t k;
        json_t *pl;
        json_array_foreach(json_object_get(p->raw, "levels"), k, pl)
        {
            if (json_integer_value(json_object_get(pl, "code")) == l && json_is_string(json_object_get(pl, "criteria")))
                json_object_set_new(lv, "criteria", json_deep_copy(json_object_get(pl, "criteria")));
        }
        json_array_append_new(levels, lv);
    }
    json_t *statuses = json_array();
    for (int s = ST_REGISTERED; s < ST__COUNT; s++)
        json_array_append_new(statuses, json_pack("{s:s,s:s,s:s,s:s}", "code", status_name(s), "name",
                                                  status_label(s, false), "name_en", status_label(s, true), "stage",
                                                  stage_name(stage_of(s))));
    json_t *natures = json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]", "code", "valid", "name", "有效投诉",
                                "name_en", "Valid", "code", "invalid", "name", "无效投诉", "name_en", "Invalid", "code",
                                "suggestion", "name", "意见建议", "name_en", "Suggestion");
    json_t *roles = json_array();
    for (unsigned bit = 1; bit <= R_ADMIN; bit <<= 1)
        json_array_append_new(roles, json_pack("{s:s,s:s,s:s}", "code", role_name(bit), "name", role_label(bit, false),
                                               "name_en", role_label(bit, true)));
    /* Copies: the pack's values are shared by every request (app.h). */
    json_t *limits = json_deep_copy(json_object_get(p->raw, "time_limits"));
    json_t *title = json_deep_copy(json_object_get(p->raw, "title"));
    json_t *cfg = json_pack("{s:{s:s,s:o?},s:o,s:o,s:i,s:o,s:o,s:o,s:o,s:o?,s:i}", "pack", "name", p->name, "title", title,
                            "channels", named_list(p->tax.channels, p->tax.nchannels), "levels", levels, "default_level",
                            p->default_level, "customer_classes", named_list(p->tax.classes, p->tax.nclasses), "natures",
                            natures, "statuses", statuses, "roles", roles, "time_limits", limits,
                            "tz_offset_minutes", p->tz_offset);
    /* The pack's appeals (core/cases.h): the regulators' channels and the regulators, for intake. */
    json_t *appeals = json_object_get(p->raw, "appeals");
    if (json_is_object(appeals))
        json_object_set_new(cfg, "appeals", json_pack("{s:o?,s:o?}", "channels",
                                                      json_deep_copy(json_object_get(appeals, "channels")), "sources",
                                                      json_deep_copy(json_object_get(appeals, "sources"))));
    /* The pack's kinds of work order (core/taxonomy.h), for intake's selector and the list's filter. */
    if (p->tax.nkinds) {
        json_t *kinds = json_array();
        for (size_t i = 0; i < p->tax.nkinds; i++)
            json_array_append_new(kinds, json_pack("{s:s,s:s,s:s?,s:b}", "code", p->tax.kinds[i].code, "name",
                                                   p->tax.kinds[i].name, "name_en", p->tax.kinds[i].name_en,
                                                   "penalties", p->tax.kinds[i].penalties));
        json_object_set_new(cfg, "kinds", kinds);
    }
    json_object_set_new(cfg, "closing", closing_json(&p->cases));
    /* The conditions of the authority (core/cases.h): the intake form asks for
     * the figures they read only where the pack has them. */
    json_t *conds = json_array();
    for (size_t i = 0; i < p->cases.nconditions; i++) {
        const struct cases_condition *cd = &p->cases.conditions[i];
        json_t *when = json_object();
        if (cd->min_tenure_months >= 0)
            json_object_set_new(when, "tenure_months", json_integer(cd->min_tenure_months));
        if (cd->min_spend_yuan >= 0)
            json_object_set_new(when, "monthly_spend", json_integer(cd->min_spend_yuan));
        if (cd->classes) {
            json_t *cls = json_array();
            for (char *const *c = cd->classes; *c; c++)
                json_array_append_new(cls, json_string(*c));
            json_object_set_new(when, "classes", cls);
        }
        json_array_append_new(conds, json_pack("{s:s,s:s?,s:o}", "name", cd->name, "name_en", cd->name_en, "when", when));
    }
    json_object_set_new(cfg, "authority_conditions", conds);
    /* The incidents' response levels as the pack names them (api/incidents.c), for opening one by hand. */
    json_object_set_new(cfg, "incident_levels", json_deep_copy(json_object_get(p->raw, "incident_levels")));
    api_json(rs, 200, cfg);
}

/* The users the caller reaches (api_reaches): the subtree of their scope. */
void h_users_list(app *a, api_req *rq, http_resp *rs)
{
    user_list l = {0};
    int rc = store_user_list(a->db, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        if (api_reaches(a, rq, l.items[i].unit))
            json_array_append_new(items, api_user_json(a, &l.items[i]));
    user_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

/*
 * The contact details and channels of in (email, phone, notify) into u,
 * those given only; "" or null clears an address. Staff data, never
 * logged or audited in clear. 0, or -1 with a 400 naming the field.
 */
static int contact_fields(http_resp *rs, const json_t *in, user *u)
{
    static const char *const keys[] = {"email", "phone"};
    for (int k = 0; k < 2; k++) {
        const json_t *v = json_object_get(in, keys[k]);
        char **to = k == 0 ? &u->email : &u->phone;
        if (!v)
            continue;
        const char *t = json_is_string(v) ? json_string_value(v) : NULL;
        if (!json_is_null(v) && !json_is_string(v)) {
            api_error(rs, 400, "validation_failed", keys[k], "%s: 应为文本 (expected a string)", keys[k]);
            return -1;
        }
        if (t && *t && !(k == 0 ? notify_email_ok(t) : notify_phone_ok(t))) {
            api_error(rs, 400, "validation_failed", keys[k],
                      k == 0 ? "email: 邮箱地址无效 (not an e-mail address such as name@example.com)"
                             : "phone: 电话号码无效 (expected 5–20 digits, an optional leading +)");
            return -1;
        }
        free(*to);
        *to = t && *t ? xstrdup(t) : NULL;
    }
    const json_t *n = json_object_get(in, "notify");
    if (n) {
        unsigned bits = 0;
        size_t i;
        const json_t *ch;
        bool ok = json_is_array(n);
        json_array_foreach(n, i, ch) {
            unsigned one;
            if (!json_is_string(ch) || notify_channels_parse(json_string_value(ch), &one) || !one || (bits & one))
                ok = false;
            else
                bits |= one;
        }
        if (!ok) {
            api_error(rs, 400, "validation_failed", "notify",
                      "notify: 应为渠道列表，如 [\"email\"] (expected a list of channels: email, sms)");
            return -1;
        }
        u->notify = bits;
    }
    return 0;
}

void h_users_create(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"username", "name", "password", "roles", "unit", "must_change_password",
                                        "email", "phone", "notify", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    const char *username, *name, *password, *why;
    user u = {0};
    char hash[256];
    if (text_field(rs, in, "username", true, 64, &username) || text_field(rs, in, "name", true, 100, &name) ||
        text_field(rs, in, "password", true, 128, &password))
        goto out;
    for (const char *p = username; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-')) {
            api_error(rs, 422, "validation_failed", "username",
                      "username: 只能包含小写字母、数字和 _ . - (lower-case letters, digits, _ . - only)");
            goto out;
        }
    if (password_ok(password, username, &why)) {
        api_error(rs, 422, "validation_failed", "password", "password: %s", why);
        goto out;
    }
    const json_t *roles = json_object_get(in, "roles");
    if (api_roles(roles, &u.roles, rs))
        goto out;
    const unit *un = org_resolve(app_org(a), json_object_get(in, "unit"));
    u.unit = un ? un->id : 0;
    if (!u.unit) {
        api_error(rs, 422, "unknown_unit", "unit", "unit: 单位不存在 (unknown unit)");
        goto out;
    }
    const json_t *must_change = json_object_get(in, "must_change_password");
    if (must_change && !json_is_null(must_change) && !json_is_boolean(must_change)) {
        api_error(rs, 400, "bad_request", "must_change_password",
                  "must_change_password: 应为 true/false (expected a boolean)");
        goto out;
    }
    reach_caller by = api_reach_caller(rq);
    cerr e = CERR_INIT;
    if (reach_user(app_org(a), &by, u.roles, u.unit, &e)) {
        api_reach_refused(a, rq, &e, u.unit, rs);
        goto out;
    }
    if (auth_hash_password(password, hash, sizeof hash)) {
        api_error(rs, 500, "internal", NULL, "cannot hash the password");
        goto out;
    }
    u.notify = NOTIFY_EMAIL;
    if (contact_fields(rs, in, &u))
        goto out;
    u.username = (char *)username;
    u.name = (char *)name;
    u.active = true;
    u.must_change_password = json_is_true(must_change);
    int rc = store_user_add(a->db, &u, hash);
    if (rc == STORE_CONFLICT) {
        api_error(rs, 409, "conflict", "username", "username: 用户名已存在 (taken)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
    json_t *detail = json_pack("{s:s,s:O,s:I}", "username", u.username, "roles", roles, "unit", (json_int_t)u.unit);
    api_audit(a, rq, "user_create", subject, detail);
    json_decref(detail);
    api_json(rs, 201, api_user_json(a, &u));
out:
    free(u.email);
    free(u.phone);
    json_decref(in);
}

/* Whether two optional texts differ. */
static bool text_differs(const char *x, const char *y)
{
    return (x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0);
}

/*
 * The name, roles and home unit of in into u, those given only: a name of
 * 1–100 characters, a non-empty list of roles, a unit by id or code.
 * 0, or -1 with a 422 naming the field.
 */
static int identity_fields(app *a, http_resp *rs, const json_t *in, user *u)
{
    const char *name;
    if (json_object_get(in, "name")) {
        if (text_field(rs, in, "name", true, 100, &name))
            return -1;
        free(u->name);
        u->name = xstrdup(name);
    }
    const json_t *roles = json_object_get(in, "roles");
    if (roles && api_roles(roles, &u->roles, rs))
        return -1;
    const json_t *unit_key = json_object_get(in, "unit");
    if (unit_key) {
        const unit *un = org_resolve(app_org(a), unit_key);
        if (!un) {
            api_error(rs, 422, "unknown_unit", "unit", "unit: 单位不存在 (unknown unit)");
            return -1;
        }
        u->unit = un->id;
    }
    return 0;
}

/*
 * The user_change entry of a change from was to u: the names of the fields
 * that changed (never a contact value), the old and new roles and home
 * unit when they changed, the new activity.
 */
static json_t *change_detail(const user *was, const user *u, bool ended)
{
    json_t *changed = json_array();
    if (strcmp(was->name, u->name) != 0)
        json_array_append_new(changed, json_string("name"));
    if (was->roles != u->roles)
        json_array_append_new(changed, json_string("roles"));
    if (was->unit != u->unit)
        json_array_append_new(changed, json_string("unit"));
    if (text_differs(was->email, u->email))
        json_array_append_new(changed, json_string("email"));
    if (text_differs(was->phone, u->phone))
        json_array_append_new(changed, json_string("phone"));
    if (was->notify != u->notify)
        json_array_append_new(changed, json_string("notify"));
    if (was->active != u->active)
        json_array_append_new(changed, json_string("active"));
    json_t *detail = json_pack("{s:o}", "changed", changed);
    if (was->roles != u->roles)
        json_object_set_new(detail, "roles", json_pack("{s:o,s:o}", "from", api_roles_json(was->roles), "to",
                                                       api_roles_json(u->roles)));
    if (was->unit != u->unit)
        json_object_set_new(detail, "unit", json_pack("{s:I,s:I}", "from", (json_int_t)was->unit, "to",
                                                      (json_int_t)u->unit));
    if (was->active != u->active)
        json_object_set_new(detail, "active", json_boolean(u->active));
    if (ended)
        json_object_set_new(detail, "sessions_ended", json_true());
    return detail;
}

/*
 * PUT /users/{id}: changes what is given of name, roles, unit, email,
 * phone, notify and active, in one write, for a user within the caller's
 * reach whose new home unit lies within it too, handing out roles as
 * making the user would (core/reach.h reach_user_change); an administrator
 * can neither disable themselves, give up their own admin role nor move out
 * of their own scope. A change of roles or home unit deletes every session
 * and API token of the user in the same transaction, since their scope
 * changed; disabling stops them too (the token lookup requires an active
 * user). Either is forgotten by this node's cache at once, by others'
 * within AUTHCACHE_TTL; a new name shows in the user references of this
 * node's replies at once, of others' within USER_REF_TTL (api/refs.c).
 */
void h_user_update(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"name", "roles", "unit", "email", "phone", "notify", "active", NULL};
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    user was = {0}, u = {0};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    if (!*rq->params[0] || *end || store_user_get(a->db, NULL, id, &was, NULL) != 0 ||
        store_user_get(a->db, NULL, id, &u, NULL) != 0) {
        api_error(rs, 404, "not_found", NULL, "用户不存在 (no such user)");
        goto out;
    }
    if (api_reach_unit(a, rq, was.unit, NULL, rs) || identity_fields(a, rs, in, &u) || contact_fields(rs, in, &u))
        goto out;
    const json_t *active = json_object_get(in, "active");
    if (active && !json_is_boolean(active)) {
        api_error(rs, 400, "validation_failed", "active", "active: 应为 true/false (expected a boolean)");
        goto out;
    }
    bool self = u.id == rq->who.id;
    if (json_is_false(active) && self) {
        api_error(rs, 422, "validation_failed", "active", "active: 不能停用自己的账号 (you cannot disable yourself)");
        goto out;
    }
    if (active)
        u.active = json_is_true(active);
    reach_caller by = api_reach_caller(rq);
    cerr e = CERR_INIT;
    if (reach_user_change(app_org(a), &by, self, was.roles, was.unit, u.roles, u.unit, &e)) {
        api_reach_refused(a, rq, &e, *e.field ? u.unit : was.unit, rs);
        goto out;
    }
    bool scope = u.roles != was.roles || u.unit != was.unit;
    int rc = store_user_update(a->db, &u, &was, scope);
    if (rc == STORE_CONFLICT) {
        api_error(rs, 409, "conflict", NULL,
                  "该用户的角色或单位刚被他人修改，请刷新后重试 (the user's roles or unit changed meanwhile; reload)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    if (scope || (was.active && !u.active))
        authcache_clear(); /* this node forgets the user's sessions at once */
    if (strcmp(was.name, u.name) != 0)
        api_user_refs_changed();
    char subject[32];
    snprintf(subject, sizeof subject, "user:%lld", id);
    json_t *detail = change_detail(&was, &u, scope);
    api_audit(a, rq, "user_change", subject, detail);
    json_decref(detail);
    api_json(rs, 200, api_user_json(a, &u));
out:
    user_release(&was);
    user_release(&u);
    json_decref(in);
}

/*
 * POST /users/{id}/actions/{action}, for a user within the caller's reach:
 *   reset_password {"password"}: a new password the user must change at
 *     their next sign-in (must_change_password); their sessions end and
 *     the sign-in throttle of their name is cleared;
 *   unlock {}: clears the sign-in throttle of their name (every address
 *     may try again at once).
 * Each is a user_change entry naming what was done, never the password.
 */
void h_user_action(app *a, api_req *rq, http_resp *rs)
{
    static const char *const with_password[] = {"password", NULL};
    static const char *const nothing[] = {NULL};
    const char *action = rq->params[1];
    bool reset = strcmp(action, "reset_password") == 0;
    if (!reset && strcmp(action, "unlock") != 0) {
        api_error(rs, 404, "not_found", "action", "action: 未知操作 (unknown action; reset_password or unlock)");
        return;
    }
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    user u = {0};
    json_t *in = api_body(rq, rs, reset ? with_password : nothing);
    if (!in)
        return;
    const char *password = NULL, *why;
    char hash[256], account[33], subject[32];
    if (!*rq->params[0] || *end || store_user_get(a->db, NULL, id, &u, NULL) != 0) {
        api_error(rs, 404, "not_found", NULL, "用户不存在 (no such user)");
        goto out;
    }
    if (api_reach_unit(a, rq, u.unit, NULL, rs))
        goto out;
    if (reset) {
        if (text_field(rs, in, "password", true, 128, &password))
            goto out;
        if (password_ok(password, u.username, &why)) {
            api_error(rs, 422, "validation_failed", "password", "password: %s", why);
            goto out;
        }
        if (auth_hash_password(password, hash, sizeof hash)) {
            api_error(rs, 500, "internal", NULL, "cannot hash the password");
            goto out;
        }
    }
    int rc = reset ? store_user_set_password(a->db, u.id, hash, true) : 0;
    if (rc == 0 && reset)
        rc = store_token_delete_sessions(a->db, u.id, 0);
    auth_account_key(u.username, account);
    if (rc == 0)
        rc = store_throttle_forget(a->db, account);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    if (reset)
        authcache_clear(); /* this node forgets the ended sessions at once */
    snprintf(subject, sizeof subject, "user:%lld", id);
    json_t *detail = json_pack("{s:[s]}", "changed", reset ? "password_reset" : "unlock");
    if (reset)
        json_object_set_new(detail, "must_change_password", json_true());
    api_audit(a, rq, "user_change", subject, detail);
    json_decref(detail);
    if (reset)
        u.must_change_password = true;
    api_json(rs, 200, api_user_json(a, &u));
out:
    user_release(&u);
    json_decref(in);
}
