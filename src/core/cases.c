/* cases: see cases.h. */
#include "core/cases.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/taxonomy.h"
#include "core/strv.h"
#include "core/roles.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char *const field_names[CF__COUNT] = {
    "cause",       "responsibility", "responsible_unit", "responsible_person", "corrective_action",
    "explanation", "adoption",       "penalty_grade",
};
static const char *const nature_names[CN__COUNT] = {"valid", "invalid", "suggestion"};

#define CFB(f) (1u << (f))

int cases_field_parse(const char *name)
{
    for (int i = 0; i < CF__COUNT; i++)
        if (strcmp(field_names[i], name) == 0)
            return i;
    return -1;
}

const char *cases_field_name(int f)
{
    return f >= 0 && f < CF__COUNT ? field_names[f] : "";
}

int cases_nature_parse(const char *name)
{
    for (int i = 0; name && i < CN__COUNT; i++)
        if (strcmp(nature_names[i], name) == 0)
            return i;
    return -1;
}

void cases_policy_init(cases_policy *cp)
{
    memset(cp, 0, sizeof *cp);
}

static void choices_free(cases_choice *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].code);
        free(c[i].name);
        free(c[i].name_en);
        strv_free(c[i].categories);
    }
    free(c);
}

void cases_policy_release(cases_policy *cp)
{
    for (size_t i = 0; i < cp->nclass_limits; i++)
        free(cp->class_limits[i].cls);
    free(cp->class_limits);
    strv_free(cp->confirm_record_channels);
    strv_free(cp->confirm_result_categories);
    for (size_t i = 0; i < cp->nconditions; i++) {
        free(cp->conditions[i].name);
        free(cp->conditions[i].name_en);
        strv_free(cp->conditions[i].classes);
    }
    free(cp->conditions);
    choices_free(cp->resps, cp->nresps);
    choices_free(cp->adoptions, cp->nadoptions);
    choices_free(cp->pend_reasons, cp->npend_reasons);
    choices_free(cp->kinds, cp->nkinds);
    choices_free(cp->sources, cp->nsources);
    choices_free(cp->conclusions, cp->nconclusions);
    free(cp->approver_unit_type);
    free(cp->senior_unit_type);
    strv_free(cp->appeal_channels);
    for (size_t i = 0; i < cp->ngrades; i++) {
        free(cp->grades[i].code);
        free(cp->grades[i].name);
        free(cp->grades[i].name_en);
    }
    free(cp->grades);
    for (size_t i = 0; i < cp->nrules; i++) {
        cases_rule *r = &cp->rules[i];
        free(r->code);
        free(r->name);
        strv_free(r->resps);
        strv_free(r->categories);
        strv_free(r->grades);
        for (size_t k = 0; k < r->nentries; k++) {
            free(r->entries[k].role);
            free(r->entries[k].name);
            free(r->entries[k].name_en);
            free(r->entries[k].unit_type);
        }
        free(r->entries);
    }
    free(cp->rules);
    cases_policy_init(cp);
}

/* ---- parsing helpers ------------------------------------------------------ */

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int bad(cerr *e, const char *path, const char *what)
{
    return cerr_set(e, "invalid_pack", path, "%s: %s", path, what);
}

/* Yuan as a JSON number (≥ 0, at most 10^8) into fen. */
static int money(const json_t *v, const char *path, int64_t *out, cerr *e)
{
    if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1e8)
        return bad(e, path, "expected an amount in yuan (a number ≥ 0)");
    *out = (int64_t)llround(json_number_value(v) * 100);
    return 0;
}

static int count(const json_t *v, const char *path, int max, int *out, cerr *e)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
        return cerr_set(e, "invalid_pack", path, "%s: expected an integer 0–%d", path, max);
    *out = (int)json_integer_value(v);
    return 0;
}

/* A list of {code, name, name_en}; codes unique. */
static int load_choices(const json_t *arr, const char *path, cases_choice **out, size_t *n, cerr *e)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bad(e, path, "expected a non-empty array of {code, name}");
    *out = xcalloc(json_array_size(arr), sizeof **out);
    size_t i;
    const json_t *it;
    json_array_foreach(arr, i, it)
    {
        char f[128];
        snprintf(f, sizeof f, "%s[%zu]", path, i);
        const char *code = jstr(it, "code"), *name = jstr(it, "name");
        if (!code || !*code || !name)
            return bad(e, f, "needs string \"code\" and \"name\"");
        if (cases_choice_find(*out, *n, code))
            return cerr_set(e, "invalid_pack", f, "%s: duplicate code \"%s\"", f, code);
        cases_choice *c = &(*out)[(*n)++];
        c->code = xstrdup(code);
        c->name = xstrdup(name);
        c->name_en = xstrdup(jstr(it, "name_en"));
    }
    return 0;
}

/* A list of closing field names into CF bits. */
static int load_fields(const json_t *arr, const char *path, unsigned *out, cerr *e)
{
    if (!json_is_array(arr))
        return bad(e, path, "expected an array of closing field names");
    *out = 0;
    size_t i;
    const json_t *it;
    json_array_foreach(arr, i, it)
    {
        char f[128];
        snprintf(f, sizeof f, "%s[%zu]", path, i);
        int k = json_is_string(it) ? cases_field_parse(json_string_value(it)) : -1;
        if (k < 0)
            return bad(e, f, "unknown closing field (cause, responsibility, responsible_unit, responsible_person, "
                             "corrective_action, explanation, adoption, penalty_grade)");
        *out |= CFB(k);
    }
    return 0;
}

/* A string or an array of strings into a NULL-terminated list; each checked by ok. */
static bool ok_unit_type(const taxonomy *p, const char *s)
{
    (void)p;
    return org_type_valid(s);
}

/* Only the listed keys may appear in o: a misspelt key is an error, not a silent default. */
static int known_keys(const json_t *o, const char *path, const char *const *keys, cerr *e)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool known = strcmp(k, "notes") == 0;
        for (size_t i = 0; !known && keys[i]; i++)
            known = strcmp(keys[i], k) == 0;
        if (!known) {
            char f[128];
            snprintf(f, sizeof f, "%s%s%s", path, *path ? "." : "", k);
            return bad(e, f, "unknown member");
        }
    }
    return 0;
}

/* ---- closing ------------------------------------------------------------------ */

/* DOMAIN §6: the five responsibilities; the company's needs the unit. */
static const struct {
    const char *code, *name, *name_en;
} default_resps[] = {
    {"company", "公司责任", "Company"},
    {"handled_properly", "已妥善处理", "Handled properly earlier"},
    {"withdrawn", "客户撤诉", "Withdrawn"},
    {"customer", "客户自身原因", "Customer's own cause"},
    {"third_party", "第三方原因", "Third party"},
};

static void closing_defaults(cases_policy *cp)
{
    cp->required[CN_VALID] = CFB(CF_CAUSE) | CFB(CF_RESPONSIBILITY) | CFB(CF_CORRECTIVE_ACTION);
    size_t n = sizeof default_resps / sizeof default_resps[0];
    cp->resps = xcalloc(n, sizeof *cp->resps);
    for (size_t i = 0; i < n; i++) {
        cp->resps[i].code = xstrdup(default_resps[i].code);
        cp->resps[i].name = xstrdup(default_resps[i].name);
        cp->resps[i].name_en = xstrdup(default_resps[i].name_en);
    }
    cp->resps[0].requires = CFB(CF_RESPONSIBLE_UNIT);
    cp->nresps = n;
}

/* A list of role names, each one of allowed (enum role bits, named in expect), into *out; at least one. */
static int load_roles(const json_t *arr, const char *path, unsigned allowed, const char *expect, unsigned *out,
                      cerr *e)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return bad(e, path, "expected a non-empty array of roles");
    size_t i;
    const json_t *it;
    json_array_foreach(arr, i, it)
    {
        char f[96];
        snprintf(f, sizeof f, "%s[%zu]", path, i);
        unsigned r = json_is_string(it) ? role_parse(json_string_value(it)) : 0;
        if (!(r & allowed))
            return cerr_set(e, "invalid_pack", f, "%s: expected %s", f, expect);
        *out |= r;
    }
    return 0;
}

/*
 * A section's roles (who record) and approvers (who agree), as closing.unresolvable
 * and closing.pending name them; path is the section's, keys its known members.
 */
static int load_recorders(const json_t *s, const char *path, const char *const *keys, unsigned *roles,
                          unsigned *approvers, cerr *e)
{
    char rp[64], ap[64];
    snprintf(rp, sizeof rp, "%s.roles", path);
    snprintf(ap, sizeof ap, "%s.approvers", path);
    if (!json_is_object(s))
        return bad(e, path, "expected an object with roles and approvers");
    return known_keys(s, path, keys, e) ||
                   load_roles(json_object_get(s, "roles"), rp, R_AGENT | R_HANDLER | R_SUPERVISOR | R_MANAGER,
                              "agent, handler, supervisor or manager", roles, e) ||
                   load_roles(json_object_get(s, "approvers"), ap, R_SUPERVISOR | R_MANAGER, "supervisor or manager",
                              approvers, e)
               ? -1
               : 0;
}

/* closing.unresolvable: who records a case as unresolvable, who agrees to close it, at which period. */
static int load_unresolvable(cases_policy *cp, const json_t *s, cerr *e)
{
    static const char *const keys[] = {"roles", "approvers", "period", NULL};
    if (load_recorders(s, "closing.unresolvable", keys, &cp->unres_roles, &cp->unres_approvers, e))
        return -1;
    const json_t *p = json_object_get(s, "period");
    int period = p ? report_period_parse(json_string_value(p)) : RP_QUARTER;
    if (period != RP_QUARTER && period != RP_MONTH)
        return bad(e, "closing.unresolvable.period", "expected \"quarter\" or \"month\"");
    cp->unres_period = period;
    return 0;
}

/*
 * closing.pending (003 未了事宜): why a matter may stay open, who records it,
 * whose agreement it needs, and the day of the month the open ones are
 * brought to mind (每月4日).
 */
static int load_pending(cases_policy *cp, const json_t *s, cerr *e)
{
    static const char *const keys[] = {"reasons", "roles", "approvers", "reminder_day", NULL};
    if (load_recorders(s, "closing.pending", keys, &cp->pend_roles, &cp->pend_approvers, e) ||
        load_choices(json_object_get(s, "reasons"), "closing.pending.reasons", &cp->pend_reasons, &cp->npend_reasons,
                     e))
        return -1;
    const json_t *d = json_object_get(s, "reminder_day");
    int day = 4;
    if (d && (count(d, "closing.pending.reminder_day", 28, &day, e) || day < 1))
        return bad(e, "closing.pending.reminder_day", "expected a day of the month 1–28");
    cp->pend_reminder_day = day;
    return 0;
}

int64_t cases_unresolvable_from(const cases_policy *cp, int64_t marked_at, int tz_offset_min, char *key,
                                size_t keylen)
{
    assert(cp->unres_period == RP_QUARTER || cp->unres_period == RP_MONTH);
    char k[16];
    int64_t first, end;
    report_period_key(cp->unres_period, time_local_day(marked_at, tz_offset_min), k, sizeof k);
    int rc = report_period_days(cp->unres_period, k, &first, &end);
    assert(rc == 0);
    (void)rc;
    snprintf(key, keylen, "%s", k);
    return end * 86400 - (int64_t)tz_offset_min * 60;
}

/* closing.confirmation: {record: {channels}, result: {categories?}} */
static int load_confirmation(cases_policy *cp, const taxonomy *pol, const json_t *s, cerr *e)
{
    static const char *const keys[] = {"record", "result", NULL}, *const rkeys[] = {"channels", NULL},
                             *const skeys[] = {"categories", NULL};
    if (!json_is_object(s))
        return bad(e, "closing.confirmation", "expected {record, result}");
    if (known_keys(s, "closing.confirmation", keys, e))
        return -1;
    const json_t *r = json_object_get(s, "record"), *t = json_object_get(s, "result");
    if (r) {
        if (!json_is_object(r) || !json_object_get(r, "channels"))
            return bad(e, "closing.confirmation.record", "expected {channels: [the channels taken face to face]}");
        if (known_keys(r, "closing.confirmation.record", rkeys, e) ||
            strv_load(json_object_get(r, "channels"), "closing.confirmation.record.channels", taxonomy_has_channel,
                      pol, &cp->confirm_record_channels, e))
            return -1;
    }
    if (t) {
        if (!json_is_object(t))
            return bad(e, "closing.confirmation.result", "expected {categories?}");
        if (known_keys(t, "closing.confirmation.result", skeys, e))
            return -1;
        const json_t *cats = json_object_get(t, "categories");
        if (cats && strv_load(cats, "closing.confirmation.result.categories", taxonomy_has_category, pol,
                              &cp->confirm_result_categories, e))
            return -1;
        cp->confirm_result = true;
    }
    return 0;
}

int64_t cases_pending_month(const cases_policy *cp, int64_t now, int tz_offset_min, char *key, size_t keylen)
{
    assert(cp->pend_reminder_day >= 1);
    int64_t day = time_local_day(now, tz_offset_min), y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    report_period_key(RP_MONTH, day, key, keylen);
    if ((int)d < cp->pend_reminder_day)
        return -1;
    return days_from_civil(y, m, 1) * 86400 - (int64_t)tz_offset_min * 60;
}

static int load_closing(cases_policy *cp, const json_t *s, cerr *e)
{
    static const char *const keys[] = {"required", "responsibilities", "adoptions", "manager_approval_levels",
                                       "unresolvable", "confirmation", "pending", NULL};
    if (!json_is_object(s))
        return bad(e, "closing", "expected an object");
    if (known_keys(s, "closing", keys, e))
        return -1;
    const json_t *req = json_object_get(s, "required");
    if (req) {
        static const char *const nkeys[] = {"valid", "invalid", "suggestion", NULL};
        if (!json_is_object(req) || known_keys(req, "closing.required", nkeys, e))
            return json_is_object(req) ? -1 : bad(e, "closing.required", "expected {valid, invalid, suggestion}");
        for (int n = 0; n < CN__COUNT; n++) {
            const json_t *l = json_object_get(req, nature_names[n]);
            char f[64];
            snprintf(f, sizeof f, "closing.required.%s", nature_names[n]);
            if (l && load_fields(l, f, &cp->required[n], e))
                return -1;
        }
    }
    const json_t *rs = json_object_get(s, "responsibilities");
    if (rs) {
        choices_free(cp->resps, cp->nresps);
        cp->resps = NULL;
        cp->nresps = 0;
        if (load_choices(rs, "closing.responsibilities", &cp->resps, &cp->nresps, e))
            return -1;
        for (size_t i = 0; i < cp->nresps; i++) {
            const json_t *r = json_object_get(json_array_get(rs, i), "requires");
            char f[96];
            snprintf(f, sizeof f, "closing.responsibilities[%zu].requires", i);
            if (r && load_fields(r, f, &cp->resps[i].requires, e))
                return -1;
        }
    }
    const json_t *ad = json_object_get(s, "adoptions");
    if (ad && load_choices(ad, "closing.adoptions", &cp->adoptions, &cp->nadoptions, e))
        return -1;
    const json_t *lv = json_object_get(s, "manager_approval_levels");
    if (lv) {
        if (!json_is_array(lv))
            return bad(e, "closing.manager_approval_levels", "expected an array of levels");
        size_t i;
        const json_t *it;
        json_array_foreach(lv, i, it)
        {
            char f[64];
            snprintf(f, sizeof f, "closing.manager_approval_levels[%zu]", i);
            if (!json_is_integer(it) || json_integer_value(it) < 1 || json_integer_value(it) > LEVEL_MAX)
                return cerr_set(e, "invalid_pack", f, "%s: expected a level 1–%d", f, LEVEL_MAX);
            cp->approval_levels |= 1u << json_integer_value(it);
        }
    }
    const json_t *un = json_object_get(s, "unresolvable");
    if (un && load_unresolvable(cp, un, e))
        return -1;
    const json_t *pm = json_object_get(s, "pending");
    if (pm && load_pending(cp, pm, e))
        return -1;
    for (int n = 0; n < CN__COUNT; n++)
        if ((cp->required[n] & CFB(CF_ADOPTION)) && !cp->nadoptions)
            return bad(e, "closing.adoptions", "needed when a nature requires \"adoption\"");
    return 0;
}

/* ---- authorization ------------------------------------------------------------ */

static int role_index(unsigned bit)
{
    for (int i = 0; i < 6; i++)
        if (bit == 1u << i)
            return i;
    return -1;
}

/* {role: yuan, …} into limit_fen (per role bit position); path names the object. */
static int role_limits(const json_t *lim, const char *path, int64_t *limit_fen, cerr *e)
{
    const char *role;
    const json_t *v;
    json_object_foreach((json_t *)lim, role, v)
    {
        char f[128];
        snprintf(f, sizeof f, "%s.%s", path, role);
        int k = role_index(role_parse(role));
        if (k < 0)
            return bad(e, f, "unknown role");
        if (money(v, f, &limit_fen[k], e))
            return -1;
    }
    return 0;
}

/*
 * authorization.conditions: [{name, name_en, when: {tenure_months,
 * monthly_spend, classes}, limits: {role: yuan}}] — a customer meeting every
 * condition of when gets the limits named (001 2.5 授权使用的条件).
 */
static int load_conditions(cases_policy *cp, const taxonomy *pol, const json_t *list, cerr *e)
{
    static const char *const keys[] = {"name", "name_en", "when", "limits", NULL};
    static const char *const wkeys[] = {"tenure_months", "monthly_spend", "classes", NULL};
    if (!json_is_array(list))
        return bad(e, "authorization.conditions", "expected an array of {name, when, limits}");
    cp->conditions = xcalloc(json_array_size(list) + 1, sizeof *cp->conditions);
    size_t i;
    const json_t *it;
    json_array_foreach(list, i, it)
    {
        char f[96], ff[128];
        snprintf(f, sizeof f, "authorization.conditions[%zu]", i);
        if (!json_is_object(it))
            return bad(e, f, "expected {name, when, limits}");
        if (known_keys(it, f, keys, e))
            return -1;
        struct cases_condition *c = &cp->conditions[cp->nconditions++];
        c->min_tenure_months = -1;
        c->min_spend_yuan = -1;
        for (int k = 0; k < 6; k++)
            c->limit_fen[k] = -1;
        snprintf(ff, sizeof ff, "%s.name", f);
        if (!jstr(it, "name") || !*jstr(it, "name"))
            return bad(e, ff, "required: what the condition is called");
        c->name = xstrdup(jstr(it, "name"));
        c->name_en = xstrdup(jstr(it, "name_en"));
        const json_t *w = json_object_get(it, "when");
        snprintf(ff, sizeof ff, "%s.when", f);
        if (!json_is_object(w) || json_object_size(w) == 0)
            return bad(e, ff, "expected {tenure_months, monthly_spend, classes}: at least one");
        if (known_keys(w, ff, wkeys, e))
            return -1;
        snprintf(ff, sizeof ff, "%s.when.tenure_months", f);
        if (json_object_get(w, "tenure_months") && count(json_object_get(w, "tenure_months"), ff, 1200,
                                                         &c->min_tenure_months, e))
            return -1;
        snprintf(ff, sizeof ff, "%s.when.monthly_spend", f);
        int spend = -1;
        if (json_object_get(w, "monthly_spend") && count(json_object_get(w, "monthly_spend"), ff, 10000000, &spend, e))
            return -1;
        c->min_spend_yuan = spend;
        snprintf(ff, sizeof ff, "%s.when.classes", f);
        if (json_object_get(w, "classes") &&
            strv_load(json_object_get(w, "classes"), ff, taxonomy_has_class, pol, &c->classes, e))
            return -1;
        const json_t *lim = json_object_get(it, "limits");
        snprintf(ff, sizeof ff, "%s.limits", f);
        if (!json_is_object(lim) || json_object_size(lim) == 0)
            return bad(e, ff, "expected {role: yuan, …}");
        if (role_limits(lim, ff, c->limit_fen, e))
            return -1;
    }
    return 0;
}

static int load_authorization(cases_policy *cp, const taxonomy *pol, const json_t *s, cerr *e)
{
    static const char *const keys[] = {"kinds",      "limits", "class_limits", "conditions", "approver_unit_type",
                                       "senior",     NULL};
    if (!json_is_object(s))
        return bad(e, "authorization", "expected an object");
    if (known_keys(s, "authorization", keys, e))
        return -1;
    cp->has_authorization = true;
    if (load_choices(json_object_get(s, "kinds"), "authorization.kinds", &cp->kinds, &cp->nkinds, e))
        return -1;
    size_t ki;
    const json_t *kv;
    json_array_foreach(json_object_get(s, "kinds"), ki, kv)
    {
        char f[96];
        snprintf(f, sizeof f, "authorization.kinds[%zu].multiplier", ki);
        const json_t *m = json_object_get(kv, "multiplier");
        if (m && (!json_is_integer(m) || json_integer_value(m) < 2 || json_integer_value(m) > 10))
            return bad(e, f, "expected a whole number 2–10 (the refund is that many times the wrong charge)");
        cp->kinds[ki].multiplier = m ? (int)json_integer_value(m) : 0;
        snprintf(f, sizeof f, "authorization.kinds[%zu].categories", ki);
        const json_t *cats = json_object_get(kv, "categories");
        if (cats && strv_load(cats, f, taxonomy_has_category, pol, &cp->kinds[ki].categories, e))
            return -1;
    }
    const json_t *lim = json_object_get(s, "limits");
    if (!json_is_object(lim) || json_object_size(lim) == 0)
        return bad(e, "authorization.limits", "expected {role: yuan, …}");
    if (role_limits(lim, "authorization.limits", cp->limit_fen, e))
        return -1;
    const json_t *cl = json_object_get(s, "class_limits");
    if (cl && !json_is_object(cl))
        return bad(e, "authorization.class_limits", "expected {customer class: {role: yuan, …}}");
    cp->class_limits = xcalloc(json_object_size(cl) + 1, sizeof *cp->class_limits);
    const char *cls;
    const json_t *cv;
    json_object_foreach((json_t *)cl, cls, cv)
    {
        char f[96];
        snprintf(f, sizeof f, "authorization.class_limits.%s", cls);
        if (!taxonomy_has_class(pol, cls))
            return bad(e, f, "not one of the pack's customer classes");
        struct cases_class_limit *c = &cp->class_limits[cp->nclass_limits++];
        c->cls = xstrdup(cls);
        memcpy(c->limit_fen, cp->limit_fen, sizeof c->limit_fen); /* a role not named keeps its general limit */
        if (!json_is_object(cv) || role_limits(cv, f, c->limit_fen, e))
            return json_is_object(cv) ? -1 : bad(e, f, "expected {role: yuan, …}");
    }
    if (json_object_get(s, "conditions") && load_conditions(cp, pol, json_object_get(s, "conditions"), e))
        return -1;
    const char *aut = jstr(s, "approver_unit_type");
    if (json_object_get(s, "approver_unit_type") && (!aut || !org_type_valid(aut)))
        return bad(e, "authorization.approver_unit_type", "unknown unit type");
    cp->approver_unit_type = xstrdup(aut);
    const json_t *sn = json_object_get(s, "senior");
    if (sn) {
        static const char *const skeys[] = {"above", "after_hours", "roles", "unit_type", NULL};
        if (!json_is_object(sn))
            return bad(e, "authorization.senior", "expected an object");
        if (known_keys(sn, "authorization.senior", skeys, e))
            return -1;
        if (json_object_get(sn, "above") && money(json_object_get(sn, "above"), "authorization.senior.above",
                                                  &cp->senior_above_fen, e))
            return -1;
        int hours = 0;
        if (json_object_get(sn, "after_hours") &&
            count(json_object_get(sn, "after_hours"), "authorization.senior.after_hours", 24 * 366, &hours, e))
            return -1;
        cp->senior_after_minutes = hours * 60;
        if (load_roles(json_object_get(sn, "roles"), "authorization.senior.roles", R_ALL_ROLES, "a known role",
                       &cp->senior_roles, e))
            return -1;
        const char *ut = jstr(sn, "unit_type");
        if (json_object_get(sn, "unit_type") && (!ut || !org_type_valid(ut)))
            return bad(e, "authorization.senior.unit_type", "unknown unit type");
        cp->senior_unit_type = xstrdup(ut);
    }
    return 0;
}

bool cases_kind_fits(const taxonomy *tax, const cases_choice *k, const char *cat)
{
    if (!k->categories)
        return true;
    for (size_t i = 0; k->categories[i]; i++)
        if (cat && taxonomy_category_within(tax, cat, k->categories[i]))
            return true;
    return false;
}

/* ---- appeals ------------------------------------------------------------------- */

static int load_appeals(cases_policy *cp, const taxonomy *pol, const json_t *s, cerr *e)
{
    static const char *const keys[] = {"channels", "sources", "conclusions", "late_penalty", NULL};
    if (!json_is_object(s))
        return bad(e, "appeals", "expected an object");
    if (known_keys(s, "appeals", keys, e))
        return -1;
    const json_t *lp = json_object_get(s, "late_penalty");
    if (lp) {
        static const char *const lkeys[] = {"amount", "points", "review_hours", NULL};
        appeal_late_rule *r = &cp->appeal_late;
        const json_t *pt = json_object_get(lp, "points");
        if (!json_is_object(lp))
            return bad(e, "appeals.late_penalty", "expected an object");
        if (known_keys(lp, "appeals.late_penalty", lkeys, e) ||
            money(json_object_get(lp, "amount"), "appeals.late_penalty.amount", &r->amount_fen, e) ||
            (pt && count(pt, "appeals.late_penalty.points", 1000, &r->points, e)) ||
            count(json_object_get(lp, "review_hours"), "appeals.late_penalty.review_hours", 720, &r->review_hours, e))
            return -1;
        r->set = true;
    }
    const json_t *ch = json_object_get(s, "channels");
    if (ch && strv_load(ch, "appeals.channels", taxonomy_has_channel, pol, &cp->appeal_channels, e))
        return -1;
    const json_t *src = json_object_get(s, "sources");
    if (src && load_choices(src, "appeals.sources", &cp->sources, &cp->nsources, e))
        return -1;
    return load_choices(json_object_get(s, "conclusions"), "appeals.conclusions", &cp->conclusions,
                        &cp->nconclusions, e);
}

/* ---- penalties ------------------------------------------------------------------ */

static int load_grades(cases_policy *cp, const json_t *arr, cerr *e)
{
    if (!json_is_array(arr))
        return bad(e, "penalties.grades", "expected an array");
    cp->grades = xcalloc(json_array_size(arr) + 1, sizeof *cp->grades);
    size_t i;
    const json_t *g;
    json_array_foreach(arr, i, g)
    {
        static const char *const keys[] = {"code", "name", "name_en", "amount", "amount_min", "amount_max",
                                           "points", "performance_pay", NULL};
        char f[96], ff[128];
        snprintf(f, sizeof f, "penalties.grades[%zu]", i);
        const char *code = jstr(g, "code"), *name = jstr(g, "name");
        if (!code || !name)
            return bad(e, f, "needs string \"code\" and \"name\"");
        if (known_keys(g, f, keys, e))
            return -1;
        if (cases_grade_find(cp, code))
            return cerr_set(e, "invalid_pack", f, "%s: duplicate code \"%s\"", f, code);
        cases_grade *d = &cp->grades[cp->ngrades++];
        d->code = xstrdup(code);
        d->name = xstrdup(name);
        d->name_en = xstrdup(jstr(g, "name_en"));
        const json_t *am = json_object_get(g, "amount");
        if (am) {
            snprintf(ff, sizeof ff, "%s.amount", f);
            if (money(am, ff, &d->min_fen, e))
                return -1;
            d->max_fen = d->min_fen;
        } else {
            snprintf(ff, sizeof ff, "%s.amount_min", f);
            if (money(json_object_get(g, "amount_min"), ff, &d->min_fen, e))
                return -1;
            snprintf(ff, sizeof ff, "%s.amount_max", f);
            if (money(json_object_get(g, "amount_max"), ff, &d->max_fen, e))
                return -1;
            if (d->max_fen < d->min_fen)
                return bad(e, ff, "must not be below amount_min");
        }
        snprintf(ff, sizeof ff, "%s.points", f);
        if (json_object_get(g, "points") && count(json_object_get(g, "points"), ff, 1000, &d->points, e))
            return -1;
        d->perf_pay = json_is_true(json_object_get(g, "performance_pay"));
    }
    return 0;
}

/* A number, or the string "grade": take it from the grade chosen at closing. */
static int number_or_grade(const json_t *v, const char *path, bool is_money, int64_t *fen, int *n, bool *grade,
                           cerr *e)
{
    if (!v)
        return 0;
    if (json_is_string(v) && strcmp(json_string_value(v), "grade") == 0) {
        *grade = true;
        return 0;
    }
    return is_money ? money(v, path, fen, e) : count(v, path, 1000, n, e);
}

static int load_entry(const cases_policy *cp, const json_t *it, const char *f, cases_entry *d, cerr *e)
{
    static const char *const keys[] = {"role", "name", "name_en", "unit_type", "person", "amount", "points",
                                       "award_loss", "performance_pay", NULL};
    char ff[160];
    const char *role = jstr(it, "role"), *name = jstr(it, "name");
    if (!role || !*role || strlen(role) > 23 || !name)
        return bad(e, f, "needs string \"role\" (at most 23 characters) and \"name\"");
    if (known_keys(it, f, keys, e))
        return -1;
    d->role = xstrdup(role);
    d->name = xstrdup(name);
    d->name_en = xstrdup(jstr(it, "name_en"));
    const json_t *ut = json_object_get(it, "unit_type");
    snprintf(ff, sizeof ff, "%s.unit_type", f);
    if (ut && (!json_is_string(ut) || !ok_unit_type(NULL, json_string_value(ut))))
        return bad(e, ff, "unknown unit type");
    d->unit_type = xstrdup(jstr(it, "unit_type"));
    d->person = json_is_true(json_object_get(it, "person"));
    snprintf(ff, sizeof ff, "%s.amount", f);
    if (number_or_grade(json_object_get(it, "amount"), ff, true, &d->amount_fen, NULL, &d->amount_grade, e))
        return -1;
    snprintf(ff, sizeof ff, "%s.points", f);
    if (number_or_grade(json_object_get(it, "points"), ff, false, NULL, &d->points, &d->points_grade, e))
        return -1;
    d->award_loss = json_is_true(json_object_get(it, "award_loss"));
    const json_t *pp = json_object_get(it, "performance_pay");
    d->perf_grade = json_is_string(pp) && strcmp(json_string_value(pp), "grade") == 0;
    d->perf_pay = json_is_true(pp);
    if ((d->amount_grade || d->points_grade || d->perf_grade) && !cp->ngrades)
        return bad(e, f, "takes values from the grade, but penalties.grades is empty");
    return 0;
}

static int load_rule(cases_policy *cp, const taxonomy *pol, const json_t *r, const char *f, cases_rule *d, cerr *e)
{
    static const char *const keys[] = {"code", "name", "when", "entries", NULL};
    static const char *const wkeys[] = {"nature", "responsibility", "category", "grade", NULL};
    char ff[128];
    if (!json_is_object(r) || !jstr(r, "code") || !jstr(r, "name"))
        return bad(e, f, "needs string \"code\" and \"name\"");
    if (known_keys(r, f, keys, e))
        return -1;
    d->code = xstrdup(jstr(r, "code"));
    d->name = xstrdup(jstr(r, "name"));
    const json_t *w = json_object_get(r, "when");
    snprintf(ff, sizeof ff, "%s.when", f);
    if (w && (!json_is_object(w) || known_keys(w, ff, wkeys, e)))
        return json_is_object(w) ? -1 : bad(e, ff, "expected an object");
    d->natures = 1u << CN_VALID;
    const json_t *nat = json_object_get(w, "nature");
    if (nat) {
        char **v = NULL;
        snprintf(ff, sizeof ff, "%s.when.nature", f);
        if (strv_load(nat, ff, NULL, pol, &v, e)) {
            strv_free(v);
            return -1;
        }
        d->natures = 0;
        for (size_t i = 0; v[i]; i++) {
            int n = cases_nature_parse(v[i]);
            if (n < 0) {
                strv_free(v);
                return bad(e, ff, "expected valid, invalid or suggestion");
            }
            d->natures |= 1u << n;
        }
        strv_free(v);
    }
    snprintf(ff, sizeof ff, "%s.when.responsibility", f);
    if (json_object_get(w, "responsibility") && strv_load(json_object_get(w, "responsibility"), ff, NULL, pol,
                                                          &d->resps, e))
        return -1;
    for (size_t i = 0; d->resps && d->resps[i]; i++)
        if (!cases_choice_find(cp->resps, cp->nresps, d->resps[i]) &&
            !cases_choice_find(cp->conclusions, cp->nconclusions, d->resps[i]))
            return cerr_set(e, "invalid_pack", ff, "%s: unknown responsibility \"%s\"", ff, d->resps[i]);
    snprintf(ff, sizeof ff, "%s.when.category", f);
    if (json_object_get(w, "category") && strv_load(json_object_get(w, "category"), ff, taxonomy_has_category, pol,
                                                    &d->categories, e))
        return -1;
    snprintf(ff, sizeof ff, "%s.when.grade", f);
    if (json_object_get(w, "grade")) {
        if (strv_load(json_object_get(w, "grade"), ff, NULL, pol, &d->grades, e))
            return -1;
        for (size_t i = 0; d->grades[i]; i++)
            if (!cases_grade_find(cp, d->grades[i]))
                return cerr_set(e, "invalid_pack", ff, "%s: unknown grade \"%s\"", ff, d->grades[i]);
    }
    const json_t *en = json_object_get(r, "entries");
    snprintf(ff, sizeof ff, "%s.entries", f);
    if (!json_is_array(en) || json_array_size(en) == 0)
        return bad(e, ff, "expected a non-empty array");
    d->entries = xcalloc(json_array_size(en), sizeof *d->entries);
    size_t i;
    const json_t *it;
    json_array_foreach(en, i, it)
    {
        char ef[160];
        snprintf(ef, sizeof ef, "%s.entries[%zu]", f, i);
        d->nentries++;
        if (load_entry(cp, it, ef, &d->entries[i], e))
            return -1;
    }
    return 0;
}

static int load_penalties(cases_policy *cp, const taxonomy *pol, const json_t *s, cerr *e)
{
    static const char *const keys[] = {"grades", "rules", NULL};
    if (!json_is_object(s))
        return bad(e, "penalties", "expected an object");
    if (known_keys(s, "penalties", keys, e))
        return -1;
    const json_t *g = json_object_get(s, "grades");
    if (g && load_grades(cp, g, e))
        return -1;
    const json_t *rules = json_object_get(s, "rules");
    if (!json_is_array(rules))
        return bad(e, "penalties.rules", "expected an array");
    cp->rules = xcalloc(json_array_size(rules) + 1, sizeof *cp->rules);
    size_t i;
    const json_t *r;
    json_array_foreach(rules, i, r)
    {
        char f[64];
        snprintf(f, sizeof f, "penalties.rules[%zu]", i);
        cp->nrules++;
        if (load_rule(cp, pol, r, f, &cp->rules[i], e))
            return -1;
    }
    return 0;
}

int cases_policy_load(cases_policy *cp, const taxonomy *pol, const json_t *pack, cerr *e)
{
    cases_policy_init(cp);
    for (int i = 0; i < 6; i++)
        cp->limit_fen[i] = -1;
    closing_defaults(cp);
    const json_t *s;
    if ((s = json_object_get(pack, "closing")) &&
        (load_closing(cp, s, e) ||
         (json_object_get(s, "confirmation") && load_confirmation(cp, pol, json_object_get(s, "confirmation"), e))))
        return -1;
    if ((s = json_object_get(pack, "authorization")) && load_authorization(cp, pol, s, e))
        return -1;
    if ((s = json_object_get(pack, "appeals")) && load_appeals(cp, pol, s, e))
        return -1;
    if ((s = json_object_get(pack, "penalties")) && load_penalties(cp, pol, s, e))
        return -1;
    return 0;
}

/* ---- lookups and decisions ------------------------------------------------------- */

unsigned cases_confirmations_needed(const cases_policy *cp, const taxonomy *tax, const complaint *c)
{
    unsigned need = 0;
    if (cp->confirm_record_channels && strv_has(cp->confirm_record_channels, c->channel))
        need |= CONFIRM_RECORD;
    bool cat = !cp->confirm_result_categories;
    for (char *const *k = cp->confirm_result_categories; k && *k && !cat; k++)
        cat = taxonomy_category_within(tax, c->category, *k);
    if (cp->confirm_result && cat)
        need |= CONFIRM_RESULT;
    return need;
}

const char *cases_confirmation_name(unsigned what)
{
    return what == CONFIRM_RECORD ? "record" : what == CONFIRM_RESULT ? "result" : "";
}

unsigned cases_confirmation_parse(const char *name)
{
    return !name ? 0 : strcmp(name, "record") == 0 ? CONFIRM_RECORD : strcmp(name, "result") == 0 ? CONFIRM_RESULT : 0;
}

unsigned cases_confirmations_missing(const complaint *c, unsigned needed)
{
    const json_t *done = json_object_get(c->data, "confirmations");
    unsigned missing = 0;
    for (unsigned w = CONFIRM_RECORD; w <= CONFIRM_RESULT; w <<= 1) {
        const char *verdict = jstr(json_object_get(done, cases_confirmation_name(w)), "verdict");
        if ((needed & w) && !(verdict && strcmp(verdict, "confirmed") == 0))
            missing |= w;
    }
    return missing;
}

const cases_choice *cases_choice_find(const cases_choice *list, size_t n, const char *code)
{
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(list[i].code, code) == 0)
            return &list[i];
    return NULL;
}

const cases_grade *cases_grade_find(const cases_policy *cp, const char *code)
{
    for (size_t i = 0; code && i < cp->ngrades; i++)
        if (strcmp(cp->grades[i].code, code) == 0)
            return &cp->grades[i];
    return NULL;
}

bool cases_appeal_channel(const cases_policy *cp, const char *channel)
{
    return cp->appeal_channels && strv_has(cp->appeal_channels, channel);
}

const char *cases_kind(const complaint *c)
{
    const char *k = jstr(c->data, "kind");
    return k ? k : "complaint";
}

unsigned cases_required(const cases_policy *cp, int nature, const char *responsibility, bool appeal)
{
    if (nature < 0 || nature >= CN__COUNT)
        return 0;
    unsigned req = cp->required[nature];
    const cases_choice *r = cases_choice_find(cp->resps, cp->nresps, responsibility);
    if (!r && appeal)
        r = cases_choice_find(cp->conclusions, cp->nconclusions, responsibility);
    return r ? req | r->requires : req;
}

cases_customer cases_customer_of(const json_t *obj, const char *class_key)
{
    cases_customer cu = {jstr(obj, class_key), -1, -1};
    const json_t *t = json_object_get(obj, "tenure_months"), *m = json_object_get(obj, "monthly_spend");
    if (json_is_integer(t) && json_integer_value(t) >= 0)
        cu.tenure_months = (int)json_integer_value(t);
    if (json_is_integer(m) && json_integer_value(m) >= 0)
        cu.spend_yuan = json_integer_value(m);
    return cu;
}

/* Whether cu meets every condition of c; an unknown figure meets none. */
static bool condition_met(const struct cases_condition *c, const cases_customer *cu)
{
    if (c->min_tenure_months >= 0 && cu->tenure_months < c->min_tenure_months)
        return false;
    if (c->min_spend_yuan >= 0 && cu->spend_yuan < c->min_spend_yuan)
        return false;
    return !c->classes || (cu->cls && strv_has(c->classes, cu->cls));
}

static int64_t best_of(const int64_t lim[6], unsigned roles, int64_t best)
{
    for (int i = 0; i < 6; i++)
        if ((roles & (1u << i)) && lim[i] > best)
            best = lim[i];
    return best;
}

int64_t cases_role_limit_for(const cases_policy *cp, unsigned roles, const cases_customer *cu)
{
    const int64_t *lim = cp->limit_fen;
    for (size_t i = 0; cu && cu->cls && i < cp->nclass_limits; i++)
        if (strcmp(cp->class_limits[i].cls, cu->cls) == 0)
            lim = cp->class_limits[i].limit_fen;
    int64_t best = best_of(lim, roles, -1);
    for (size_t i = 0; cu && i < cp->nconditions; i++)
        if (condition_met(&cp->conditions[i], cu))
            best = best_of(cp->conditions[i].limit_fen, roles, best);
    return best;
}

json_t *cases_conditions_met(const cases_policy *cp, const cases_customer *cu)
{
    json_t *names = json_array();
    for (size_t i = 0; cu && i < cp->nconditions; i++)
        if (condition_met(&cp->conditions[i], cu))
            json_array_append_new(names, json_string(cp->conditions[i].name));
    return names;
}

int64_t cases_role_limit(const cases_policy *cp, unsigned roles)
{
    return cases_role_limit_for(cp, roles, NULL);
}

bool cases_senior(const cases_policy *cp, int64_t amount_fen, const complaint *c, int64_t now)
{
    if (!cp->senior_roles)
        return false;
    if (cp->senior_above_fen && amount_fen > cp->senior_above_fen)
        return true;
    /* 003: a claim still not settled after three days goes up too. */
    return cp->senior_after_minutes && now - c->received_at >= (int64_t)cp->senior_after_minutes * 60;
}

bool cases_may_decide(const cases_policy *cp, unsigned roles, const char *unit_type, const json_t *comp)
{
    int64_t amount = json_integer_value(json_object_get(comp, "amount_fen"));
    if (json_is_true(json_object_get(comp, "senior"))) {
        if (!(roles & cp->senior_roles))
            return false;
        if (cp->senior_unit_type && (!unit_type || strcmp(unit_type, cp->senior_unit_type) != 0))
            return false;
        /* Senior management decides above every front-line limit. */
        return true;
    }
    cases_customer cu = cases_customer_of(comp, "customer_class");
    return cases_role_limit_for(cp, roles & (R_SUPERVISOR | R_MANAGER), &cu) >= amount;
}

/* The responsible unit's ancestor (or itself) of type; 0 when there is none. */
static int64_t unit_of_type(const org *o, int64_t id, const char *type)
{
    for (int steps = 0; id && steps < 64; steps++) {
        const unit *u = org_find(o, id);
        if (!u)
            return 0;
        if (!type || strcmp(u->type, type) == 0)
            return u->id;
        id = u->parent;
    }
    return 0;
}

static bool rule_matches(const taxonomy *pol, const cases_rule *r, int nature, const char *resp, const char *cat,
                         const char *grade)
{
    if (nature < 0 || !(r->natures & (1u << nature)))
        return false;
    if (r->resps && !strv_has(r->resps, resp))
        return false;
    if (r->grades && !strv_has(r->grades, grade))
        return false;
    if (r->categories) {
        for (size_t i = 0; r->categories[i]; i++)
            if (taxonomy_category_within(pol, cat, r->categories[i]))
                return true;
        return false;
    }
    return true;
}

json_t *cases_penalties(const cases_policy *cp, const taxonomy *pol, const org *o, const complaint *c,
                        const json_t *closing, const char *month)
{
    json_t *out = json_array();
    int nature = cases_nature_parse(jstr(closing, "nature"));
    const char *resp = jstr(closing, "responsibility"), *grade_code = jstr(closing, "penalty_grade");
    const cases_grade *grade = cases_grade_find(cp, grade_code);
    int64_t grade_fen = grade ? grade->min_fen : 0;
    if (grade && json_is_integer(json_object_get(closing, "penalty_amount_fen")))
        grade_fen = json_integer_value(json_object_get(closing, "penalty_amount_fen"));
    int64_t runit = json_integer_value(json_object_get(closing, "responsible_unit"));
    if (!runit)
        runit = c->subject_unit;
    const char *person = jstr(closing, "responsible_person");
    for (size_t i = 0; i < cp->nrules; i++) {
        const cases_rule *r = &cp->rules[i];
        if (!rule_matches(pol, r, nature, resp, c->category, grade_code))
            continue;
        for (size_t k = 0; k < r->nentries; k++) {
            const cases_entry *en = &r->entries[k];
            int64_t u = unit_of_type(o, runit, en->unit_type);
            if (!u)
                continue;
            int64_t fen = en->amount_grade ? grade_fen : en->amount_fen;
            int points = en->points_grade ? (grade ? grade->points : 0) : en->points;
            bool perf = en->perf_grade ? grade && grade->perf_pay : en->perf_pay;
            if (!fen && !points && !perf && !en->award_loss)
                continue; /* a grade-driven entry without a grade costs nothing */
            json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:s?,s:I,s:I,s:i,s:b,s:b,s:s}", "no",
                                  (json_int_t)json_array_size(out) + 1, "rule", r->code, "role", en->role,
                                  "role_name", en->name, "role_name_en", en->name_en, "unit", (json_int_t)u,
                                  "amount_fen", (json_int_t)fen, "points", points, "award_loss", en->award_loss,
                                  "performance_pay", perf, "month", month);
            json_object_set_new(j, "person", en->person && person ? json_string(person) : json_null());
            json_object_set_new(j, "status", json_string("active"));
            json_array_append_new(out, j);
        }
    }
    return out;
}
