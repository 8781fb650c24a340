/* rules: see rules.h. Loading checks every code, so evaluation never meets an unknown one. */
#include "core/rules.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roles.h"
#include "core/sla.h"
#include "core/taxonomy.h"
#include "util/xalloc.h"

static void strlist_release(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void target_release(rule_target *t)
{
    free(t->code);
    free(t->up);
    free(t->function);
    memset(t, 0, sizeof *t);
}

static void reach_release(rule_reach *r)
{
    for (size_t i = 0; i < r->nroles; i++)
        target_release(&r->roles[i].at);
    r->nroles = 0;
}

static void window_release(rule_window *w)
{
    free(w->unit_type);
    strlist_release(&w->cats);
}

void rules_set_init(rules_set *r)
{
    memset(r, 0, sizeof *r);
}

void rules_set_release(rules_set *r)
{
    for (size_t i = 0; i < r->n; i++) {
        rule *u = &r->rules[i];
        free(u->code);
        json_decref(u->name);
        strlist *lists[] = {&u->channels, &u->cats, &u->classes, &u->units, &u->unit_types, &u->within,
                            &u->keywords, &u->answer_by};
        for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
            strlist_release(lists[k]);
        window_release(&u->count);
        free(u->scope);
        free(u->priority);
        target_release(&u->owner);
        target_release(&u->notify_to);
        json_decref(u->notify_message);
        reach_release(&u->notify_reach);
    }
    free(r->rules);
    for (size_t i = 0; i < r->nclusters; i++) {
        cluster_rule *c = &r->clusters[i];
        free(c->code);
        json_decref(c->name);
        window_release(&c->win);
        target_release(&c->notify_to);
        json_decref(c->notify_message);
        reach_release(&c->notify_reach);
    }
    free(r->clusters);
    for (size_t i = 0; i < r->nfuncs; i++) {
        free(r->funcs[i].code);
        free(r->funcs[i].function);
        free(r->funcs[i].calendar);
    }
    free(r->funcs);
    rules_set_init(r);
}

/* ---- loading ------------------------------------------------------------- */

/* What a loader checks a value against. */
enum check { CK_NONE, CK_CHANNEL, CK_CATEGORY, CK_CLASS, CK_UNIT, CK_UNIT_TYPE, CK_ANSWER };

typedef struct loader {
    const taxonomy *p;
    const json_t *pack;
    cerr *e;
} loader;

bool rules_pack_has_unit(const json_t *pack, const char *code)
{
    size_t i;
    const json_t *u;
    json_array_foreach(json_object_get(pack, "units"), i, u)
    {
        const char *c = json_string_value(json_object_get(u, "code"));
        if (c && strcmp(c, code) == 0)
            return true;
    }
    return false;
}

static bool value_ok(const loader *l, int check, const char *v)
{
    switch (check) {
    case CK_CHANNEL:
        return taxonomy_channel(l->p, v) != NULL;
    case CK_CATEGORY:
        return taxonomy_category(l->p, v) != NULL;
    case CK_CLASS:
        return taxonomy_class(l->p, v) != NULL;
    case CK_UNIT:
        return rules_pack_has_unit(l->pack, v);
    case CK_UNIT_TYPE:
        return org_type_valid(v);
    case CK_ANSWER:
        return org_type_valid(v) || rules_pack_has_unit(l->pack, v);
    default:
        return *v != '\0';
    }
}

/* A string or a non-empty array of strings, each passing check. */
static int load_list(const loader *l, const json_t *v, const char *path, int check, strlist *out)
{
    if (!v)
        return 0;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if ((!json_is_string(v) && !json_is_array(v)) || n == 0)
        return cerr_set(l->e, "invalid_pack", path, "%s: expected a string or a non-empty list of strings", path);
    out->v = xcalloc(n, sizeof *out->v);
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_is_array(v) ? json_array_get(v, i) : v;
        char f[160];
        if (json_is_array(v))
            snprintf(f, sizeof f, "%s[%zu]", path, i);
        else
            snprintf(f, sizeof f, "%s", path);
        if (!json_is_string(it))
            return cerr_set(l->e, "invalid_pack", f, "%s: expected a string", f);
        if (!value_ok(l, check, json_string_value(it)))
            return cerr_set(l->e, "invalid_pack", f, "%s: unknown value \"%s\"", f, json_string_value(it));
        out->v[out->n++] = xstrdup(json_string_value(it));
    }
    return 0;
}

static int load_int(const loader *l, const json_t *o, const char *key, const char *path, int lo, int hi,
                    int *out)
{
    const json_t *v = json_object_get(o, key);
    if (!v)
        return 0;
    char f[160];
    snprintf(f, sizeof f, "%s.%s", path, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return cerr_set(l->e, "invalid_pack", f, "%s: expected an integer %d..%d", f, lo, hi);
    *out = (int)json_integer_value(v);
    return 0;
}

/* Rejects members not in allowed (NULL-terminated): a misspelt key must not silently drop a condition. */
static int only_keys(const loader *l, const json_t *o, const char *path, const char *const *allowed)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v)
    {
        bool ok = false;
        for (size_t i = 0; allowed[i] && !ok; i++)
            ok = strcmp(k, allowed[i]) == 0;
        if (!ok) {
            char f[160];
            snprintf(f, sizeof f, "%s.%s", path, k);
            return cerr_set(l->e, "invalid_pack", f, "%s: unknown key", f);
        }
    }
    return 0;
}

static int load_target(const loader *l, const json_t *v, const char *path, rule_target *t)
{
    if (!v)
        return 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (strcmp(s, "subject") == 0) {
            t->kind = RT_SUBJECT;
            return 0;
        }
        if (!rules_pack_has_unit(l->pack, s))
            return cerr_set(l->e, "invalid_pack", path, "%s: no unit \"%s\" in the pack", path, s);
        t->kind = RT_CODE;
        t->code = xstrdup(s);
        return 0;
    }
    static const char *const keys[] = {"from", "up", "function", NULL};
    if (!json_is_object(v) || only_keys(l, v, path, keys))
        return json_is_object(v) ? -1
                                 : cerr_set(l->e, "invalid_pack", path,
                                            "%s: expected a unit code, \"subject\" or {from, up, function}", path);
    const char *from = json_string_value(json_object_get(v, "from"));
    char f[160];
    snprintf(f, sizeof f, "%s.from", path);
    if (!from || strcmp(from, "subject") != 0)
        return cerr_set(l->e, "invalid_pack", f, "%s: expected \"subject\"", f);
    t->kind = RT_SUBJECT;
    const json_t *up = json_object_get(v, "up"), *fn = json_object_get(v, "function");
    snprintf(f, sizeof f, "%s.up", path);
    if (up && (!json_is_string(up) || !org_type_valid(json_string_value(up))))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected a unit type", f);
    snprintf(f, sizeof f, "%s.function", path);
    if (fn && (!json_is_string(fn) || !*json_string_value(fn)))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected a function name", f);
    t->up = xstrdup(json_string_value(up));
    t->function = xstrdup(json_string_value(fn));
    return 0;
}

static int load_window(const loader *l, const json_t *v, const char *path, rule_window *w, bool need_cats)
{
    static const char *const keys[] = {"same", "unit_type", "category", "window_hours", "at_least", NULL};
    if (!json_is_object(v))
        return cerr_set(l->e, "invalid_pack", path, "%s: expected an object", path);
    if (only_keys(l, v, path, keys))
        return -1;
    char f[160];
    const char *same = json_string_value(json_object_get(v, "same"));
    snprintf(f, sizeof f, "%s.same", path);
    if (!same || strcmp(same, "unit") != 0)
        return cerr_set(l->e, "invalid_pack", f, "%s: expected \"unit\"", f);
    const json_t *ut = json_object_get(v, "unit_type");
    snprintf(f, sizeof f, "%s.unit_type", path);
    if (ut && (!json_is_string(ut) || !org_type_valid(json_string_value(ut))))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected a unit type", f);
    w->unit_type = xstrdup(json_string_value(ut));
    snprintf(f, sizeof f, "%s.category", path);
    if (need_cats && !json_object_get(v, "category"))
        return cerr_set(l->e, "invalid_pack", f, "%s: required", f);
    if (load_list(l, json_object_get(v, "category"), f, CK_CATEGORY, &w->cats))
        return -1;
    int hours = 0;
    w->at_least = 0;
    if (load_int(l, v, "window_hours", path, 1, 24 * 366, &hours) ||
        load_int(l, v, "at_least", path, 2, 100000, &w->at_least))
        return -1;
    if (!hours || !w->at_least) {
        snprintf(f, sizeof f, "%s.%s", path, hours ? "at_least" : "window_hours");
        return cerr_set(l->e, "invalid_pack", f, "%s: required", f);
    }
    w->window_minutes = hours * 60;
    w->set = true;
    return 0;
}

/* One entry of notify.roles at path: a role name, or {role, at}. */
static int load_role(const loader *l, const json_t *v, const char *path, rule_role *out)
{
    static const char *const keys[] = {"role", "at", NULL};
    const json_t *name = v;
    char f[192];
    if (json_is_object(v)) {
        if (only_keys(l, v, path, keys))
            return -1;
        name = json_object_get(v, "role");
        snprintf(f, sizeof f, "%s.at", path);
        if (!json_object_get(v, "at"))
            return cerr_set(l->e, "invalid_pack", f, "%s: required", f);
        if (load_target(l, json_object_get(v, "at"), f, &out->at))
            return -1;
        snprintf(f, sizeof f, "%s.role", path);
    } else {
        snprintf(f, sizeof f, "%s", path);
    }
    const char *s = json_string_value(name);
    out->role = s ? role_parse(s) : 0;
    if (!out->role)
        return cerr_set(l->e, "invalid_pack", f, "%s: unknown role \"%s\" (expected a role name or {role, at})", f,
                        s ? s : "");
    return 0;
}

/* notify.roles and notify.channels (rule_reach) of v at path. */
static int load_reach(const loader *l, const json_t *v, const char *path, rule_reach *out)
{
    static const char *const chans[] = {"internal", "sms", "email"};
    const json_t *roles = json_object_get(v, "roles"), *ch = json_object_get(v, "channels");
    char f[176];
    snprintf(f, sizeof f, "%s.roles", path);
    if (roles && (!json_is_array(roles) || !json_array_size(roles) || json_array_size(roles) > RULE_MAX_ROLES))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected 1 to %d roles", f, RULE_MAX_ROLES);
    size_t i;
    const json_t *it;
    json_array_foreach(roles, i, it)
    {
        snprintf(f, sizeof f, "%s.roles[%zu]", path, i);
        if (load_role(l, it, f, &out->roles[out->nroles++]))
            return -1;
    }
    snprintf(f, sizeof f, "%s.channels", path);
    if (ch && (!json_is_array(ch) || !json_array_size(ch)))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected a non-empty array of channels", f);
    out->channels = ch ? 0 : RN_INTERNAL | (roles ? RN_SMS : 0);
    json_array_foreach(ch, i, it)
    {
        const char *s = json_string_value(it);
        unsigned bit = 0;
        for (size_t c = 0; s && c < 3; c++)
            if (strcmp(s, chans[c]) == 0)
                bit = 1u << c;
        snprintf(f, sizeof f, "%s.channels[%zu]", path, i);
        if (!bit)
            return cerr_set(l->e, "invalid_pack", f, "%s: unknown channel \"%s\" (expected internal, sms or email)",
                            f, s ? s : "");
        out->channels |= bit;
    }
    snprintf(f, sizeof f, "%s.channels", path);
    if (out->nroles && !(out->channels & (RN_SMS | RN_EMAIL)))
        return cerr_set(l->e, "invalid_pack", f, "%s: roles need \"sms\" or \"email\"", f);
    if (!out->nroles && (out->channels & (RN_SMS | RN_EMAIL)))
        return cerr_set(l->e, "invalid_pack", f, "%s: \"sms\" and \"email\" need roles", f);
    return 0;
}

static int load_notify(const loader *l, const json_t *v, const char *path, rule_target *to, json_t **msg,
                       rule_reach *reach)
{
    static const char *const keys[] = {"to", "roles", "channels", "message", NULL};
    if (!json_is_object(v))
        return cerr_set(l->e, "invalid_pack", path, "%s: expected {to, roles, channels, message}", path);
    if (only_keys(l, v, path, keys))
        return -1;
    char f[160];
    snprintf(f, sizeof f, "%s.to", path);
    if (!json_object_get(v, "to"))
        return cerr_set(l->e, "invalid_pack", f, "%s: required", f);
    if (load_target(l, json_object_get(v, "to"), f, to) || load_reach(l, v, path, reach))
        return -1;
    const json_t *m = json_object_get(v, "message");
    snprintf(f, sizeof f, "%s.message", path);
    if (!json_is_string(m) && !(json_is_object(m) && json_is_string(json_object_get(m, "zh-CN"))))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected a string or {\"zh-CN\", \"en\"}", f);
    *msg = json_incref((json_t *)m);
    return 0;
}

static int load_name(const loader *l, const json_t *o, const char *path, char **code, json_t **name)
{
    const json_t *c = json_object_get(o, "code"), *n = json_object_get(o, "name");
    char f[160];
    snprintf(f, sizeof f, "%s.code", path);
    if (!json_is_string(c) || !*json_string_value(c))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected a string", f);
    *code = xstrdup(json_string_value(c));
    snprintf(f, sizeof f, "%s.name", path);
    if (!json_is_string(n) && !(json_is_object(n) && json_is_string(json_object_get(n, "zh-CN"))))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected a string or {\"zh-CN\", \"en\"}", f);
    *name = json_incref((json_t *)n);
    return 0;
}

static int load_when(const loader *l, const json_t *w, const char *path, rule *u)
{
    static const char *const keys[] = {"channel", "category", "customer_class", "unit", "unit_type",
                                       "unit_within", "keywords", "count", "age_days", "reopens", NULL};
    if (!json_is_object(w))
        return cerr_set(l->e, "invalid_pack", path, "%s: expected an object", path);
    if (only_keys(l, w, path, keys))
        return -1;
    static const struct {
        const char *key;
        int check;
        size_t off;
    } lists[] = {
        {"channel", CK_CHANNEL, offsetof(rule, channels)},  {"category", CK_CATEGORY, offsetof(rule, cats)},
        {"customer_class", CK_CLASS, offsetof(rule, classes)}, {"unit", CK_UNIT, offsetof(rule, units)},
        {"unit_type", CK_UNIT_TYPE, offsetof(rule, unit_types)}, {"unit_within", CK_UNIT, offsetof(rule, within)},
        {"keywords", CK_NONE, offsetof(rule, keywords)},
    };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        char f[160];
        snprintf(f, sizeof f, "%s.%s", path, lists[i].key);
        if (load_list(l, json_object_get(w, lists[i].key), f, lists[i].check,
                      (strlist *)((char *)u + lists[i].off)))
            return -1;
    }
    if (load_int(l, w, "age_days", path, 1, 366, &u->age_days) || load_int(l, w, "reopens", path, 1, 100, &u->reopens))
        return -1;
    if (rules_over_time(u) && (json_object_get(w, "keywords") || json_object_get(w, "count")))
        return cerr_set(l->e, "invalid_pack", path,
                        "%s: a rule over time (age_days, reopens) cannot use keywords or count", path);
    const json_t *cnt = json_object_get(w, "count");
    if (cnt) {
        char f[160];
        snprintf(f, sizeof f, "%s.count", path);
        if (load_window(l, cnt, f, &u->count, false))
            return -1;
    }
    return 0;
}

static int load_then(const loader *l, const json_t *t, const char *path, rule *u)
{
    static const char *const keys[] = {"level", "scope", "priority", "owner", "answer_by", "promise_hours",
                                       "notify", NULL};
    if (!json_is_object(t) || json_object_size(t) == 0)
        return cerr_set(l->e, "invalid_pack", path, "%s: expected an object with at least one action", path);
    if (only_keys(l, t, path, keys))
        return -1;
    char f[160];
    int hours = 0;
    if (load_int(l, t, "level", path, 1, LEVEL_MAX, &u->level) ||
        load_int(l, t, "promise_hours", path, 1, 24 * 366, &hours))
        return -1;
    u->promise_minutes = hours * 60;
    const json_t *sc = json_object_get(t, "scope");
    snprintf(f, sizeof f, "%s.scope", path);
    if (sc && (!json_is_string(sc) || sla_scope_rank(json_string_value(sc)) < 0))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected general, provincial or national", f);
    u->scope = xstrdup(json_string_value(sc));
    const json_t *pr = json_object_get(t, "priority");
    snprintf(f, sizeof f, "%s.priority", path);
    if (pr && (!json_is_string(pr) || !rules_priority_rank(json_string_value(pr))))
        return cerr_set(l->e, "invalid_pack", f, "%s: expected urgent, high or normal", f);
    u->priority = xstrdup(json_string_value(pr));
    snprintf(f, sizeof f, "%s.owner", path);
    if (load_target(l, json_object_get(t, "owner"), f, &u->owner))
        return -1;
    snprintf(f, sizeof f, "%s.answer_by", path);
    if (load_list(l, json_object_get(t, "answer_by"), f, CK_ANSWER, &u->answer_by))
        return -1;
    const json_t *nt = json_object_get(t, "notify");
    snprintf(f, sizeof f, "%s.notify", path);
    if (nt && load_notify(l, nt, f, &u->notify_to, &u->notify_message, &u->notify_reach))
        return -1;
    return 0;
}

static bool function_known(const rules_set *r, const char *fn)
{
    for (size_t i = 0; i < r->nfuncs; i++)
        if (r->funcs[i].function && strcmp(r->funcs[i].function, fn) == 0)
            return true;
    return false;
}

/* A target naming a function no unit of the pack has can never resolve: an error, not a silent no-op. */
static int check_function(const loader *l, const rules_set *r, const rule_target *t, const char *path)
{
    if (t->kind == RT_SUBJECT && t->function && !function_known(r, t->function))
        return cerr_set(l->e, "invalid_pack", path, "%s: no unit of the pack has function \"%s\"", path,
                        t->function);
    return 0;
}

/* units[].function and units[].calendar (a name among the pack's calendars). */
/* check_function of a notify's target and of its roles' units (path: the notify's). */
static int check_notify(const loader *l, const rules_set *r, const rule_target *to, const rule_reach *reach,
                        const char *path)
{
    char f[192];
    snprintf(f, sizeof f, "%s.to", path);
    if (check_function(l, r, to, f))
        return -1;
    for (size_t i = 0; i < reach->nroles; i++) {
        snprintf(f, sizeof f, "%s.roles[%zu].at", path, i);
        if (check_function(l, r, &reach->roles[i].at, f))
            return -1;
    }
    return 0;
}

static int load_functions(const loader *l, rules_set *r)
{
    const json_t *units = json_object_get(l->pack, "units");
    const json_t *cals = json_object_get(l->pack, "calendars");
    size_t i;
    const json_t *u;
    r->funcs = xcalloc(json_array_size(units) + 1, sizeof *r->funcs);
    json_array_foreach(units, i, u)
    {
        const json_t *fn = json_object_get(u, "function"), *cal = json_object_get(u, "calendar");
        const char *code = json_string_value(json_object_get(u, "code"));
        if (!fn && !cal)
            continue;
        char f[64];
        snprintf(f, sizeof f, "units[%zu].function", i);
        if (fn && (!json_is_string(fn) || !*json_string_value(fn)))
            return cerr_set(l->e, "invalid_pack", f, "%s: expected a string", f);
        snprintf(f, sizeof f, "units[%zu].calendar", i);
        if (cal && (!json_is_string(cal) || !json_object_get(cals, json_string_value(cal))))
            return cerr_set(l->e, "invalid_pack", f, "%s: expected the name of one of the pack's calendars", f);
        if (!code)
            continue; /* units[i].code is reported by the unit loader */
        unit_function *x = &r->funcs[r->nfuncs++];
        x->code = xstrdup(code);
        x->function = xstrdup(json_string_value(fn));
        x->calendar = xstrdup(json_string_value(cal));
    }
    return 0;
}

int rules_load(rules_set *r, const taxonomy *p, const json_t *pack, cerr *e)
{
    rules_set_init(r);
    loader l = {p, pack, e};
    if (load_functions(&l, r))
        return -1;
    const json_t *rules = json_object_get(pack, "rules");
    if (rules && !json_is_array(rules))
        return cerr_set(e, "invalid_pack", "rules", "rules: expected an array");
    r->rules = xcalloc(json_array_size(rules) + 1, sizeof *r->rules);
    size_t i;
    const json_t *it;
    json_array_foreach(rules, i, it)
    {
        char f[64], g[80];
        snprintf(f, sizeof f, "rules[%zu]", i);
        rule *u = &r->rules[r->n++];
        static const char *const keys[] = {"code", "name", "when", "then", "notes", NULL};
        if (!json_is_object(it))
            return cerr_set(e, "invalid_pack", f, "%s: expected an object", f);
        if (only_keys(&l, it, f, keys) || load_name(&l, it, f, &u->code, &u->name))
            return -1;
        for (size_t k = 0; k + 1 < r->n; k++)
            if (strcmp(r->rules[k].code, u->code) == 0) {
                snprintf(g, sizeof g, "%s.code", f);
                return cerr_set(e, "invalid_pack", g, "%s: duplicate rule code \"%s\"", g, u->code);
            }
        snprintf(g, sizeof g, "%s.when", f);
        const json_t *when = json_object_get(it, "when");
        if (when && load_when(&l, when, g, u)) /* no "when": the rule always fires */
            return -1;
        snprintf(g, sizeof g, "%s.then", f);
        if (load_then(&l, json_object_get(it, "then"), g, u))
            return -1;
        if (rules_over_time(u) && (u->scope || u->owner.kind || u->answer_by.n || u->promise_minutes || u->notify_to.kind))
            return cerr_set(e, "invalid_pack", g, "%s: a rule over time may only set level and priority", g);
        snprintf(g, sizeof g, "%s.then.owner", f);
        if (check_function(&l, r, &u->owner, g))
            return -1;
        snprintf(g, sizeof g, "%s.then.notify", f);
        if (check_notify(&l, r, &u->notify_to, &u->notify_reach, g))
            return -1;
    }
    const json_t *cl = json_object_get(pack, "clusters");
    if (cl && !json_is_array(cl))
        return cerr_set(e, "invalid_pack", "clusters", "clusters: expected an array");
    r->clusters = xcalloc(json_array_size(cl) + 1, sizeof *r->clusters);
    json_array_foreach(cl, i, it)
    {
        char f[64], g[80];
        snprintf(f, sizeof f, "clusters[%zu]", i);
        cluster_rule *c = &r->clusters[r->nclusters++];
        static const char *const keys[] = {"code", "name", "same", "unit_type", "category", "window_hours",
                                           "at_least", "level", "notify", "notes", NULL};
        if (!json_is_object(it))
            return cerr_set(e, "invalid_pack", f, "%s: expected an object", f);
        if (only_keys(&l, it, f, keys) || load_name(&l, it, f, &c->code, &c->name))
            return -1;
        /* The window members sit on the cluster object itself. */
        json_t *w = json_object();
        static const char *const wk[] = {"same", "unit_type", "category", "window_hours", "at_least"};
        for (size_t k = 0; k < sizeof wk / sizeof wk[0]; k++)
            if (json_object_get(it, wk[k]))
                json_object_set(w, wk[k], json_object_get(it, wk[k]));
        int rc = load_window(&l, w, f, &c->win, true);
        json_decref(w);
        if (rc)
            return -1;
        c->level = 1;
        if (load_int(&l, it, "level", f, 1, LEVEL_MAX, &c->level))
            return -1;
        snprintf(g, sizeof g, "%s.notify", f);
        if (!json_object_get(it, "notify"))
            return cerr_set(e, "invalid_pack", g, "%s: required", g);
        if (load_notify(&l, json_object_get(it, "notify"), g, &c->notify_to, &c->notify_message,
                        &c->notify_reach))
            return -1;
        snprintf(g, sizeof g, "%s.notify", f);
        if (check_notify(&l, r, &c->notify_to, &c->notify_reach, g))
            return -1;
    }
    return 0;
}

/* ---- evaluation ------------------------------------------------------------ */

int rules_priority_rank(const char *pr)
{
    if (!pr)
        return 0;
    return strcmp(pr, "urgent") == 0 ? 3 : strcmp(pr, "high") == 0 ? 2 : strcmp(pr, "normal") == 0 ? 1 : 0;
}

int rules_priority_order(const char *pr)
{
    int r = rules_priority_rank(pr);
    return r >= 2 ? 3 - r : 2;
}

static bool in_list(const strlist *l, const char *v)
{
    for (size_t i = 0; v && i < l->n; i++)
        if (strcmp(l->v[i], v) == 0)
            return true;
    return false;
}

static bool cat_in(const taxonomy *p, const strlist *l, const char *cat)
{
    for (size_t i = 0; cat && i < l->n; i++)
        if (taxonomy_category_within(p, cat, l->v[i]))
            return true;
    return false;
}

/* The nearest unit at or above id of type (NULL type: id itself); 0 if none. */
static int64_t ancestor_of_type(const org *o, int64_t id, const char *type)
{
    for (size_t steps = 0; id && steps <= o->n; steps++) {
        const unit *u = org_find(o, id);
        if (!u)
            return 0;
        if (!type || strcmp(u->type, type) == 0)
            return u->id;
        id = u->parent;
    }
    return 0;
}

static const char *function_of(const rules_set *r, const char *code)
{
    for (size_t i = 0; i < r->nfuncs; i++)
        if (strcmp(r->funcs[i].code, code) == 0)
            return r->funcs[i].function;
    return NULL;
}

const char *rules_unit_calendar(const rules_set *r, const org *o, int64_t unit_id)
{
    for (int depth = 0; unit_id && depth < 64; depth++) {
        const unit *u = org_find(o, unit_id);
        if (!u)
            break;
        for (size_t i = 0; i < r->nfuncs; i++)
            if (r->funcs[i].calendar && strcmp(r->funcs[i].code, u->code) == 0)
                return r->funcs[i].calendar;
        unit_id = u->parent;
    }
    return "";
}

void rules_reach_units(const rules_set *r, const org *o, const rule_reach *reach, int64_t target, int64_t subject,
                       int64_t units[RULE_MAX_ROLES])
{
    for (size_t i = 0; i < RULE_MAX_ROLES; i++)
        units[i] = i >= reach->nroles         ? 0
                   : reach->roles[i].at.kind ? rules_resolve(r, o, &reach->roles[i].at, subject)
                                             : target;
}

int64_t rules_resolve(const rules_set *r, const org *o, const rule_target *t, int64_t subject)
{
    if (t->kind == RT_CODE) {
        const unit *u = org_find_code(o, t->code);
        return u ? u->id : 0;
    }
    if (t->kind != RT_SUBJECT)
        return 0;
    int64_t base = ancestor_of_type(o, subject, t->up);
    if (!base || !t->function)
        return base;
    /* The unit of that function nearest to base: base itself, then its children, breadth first. */
    size_t n;
    int64_t *ids = org_subtree(o, base, &n);
    int64_t found = 0;
    for (size_t i = 0; i < n && !found; i++) {
        const unit *u = org_find(o, ids[i]);
        const char *fn = u ? function_of(r, u->code) : NULL;
        if (fn && strcmp(fn, t->function) == 0)
            found = u->id;
    }
    free(ids);
    return found;
}

static bool has_keyword(const strlist *kw, const char *a, const char *b)
{
    for (size_t i = 0; i < kw->n; i++)
        if ((a && strstr(a, kw->v[i])) || (b && strstr(b, kw->v[i])))
            return true;
    return false;
}

/* Codes of every category within one of l (or within cat when l is empty), into a heap array. */
static const char **expand_cats(const taxonomy *p, const strlist *l, const char *cat, size_t *n)
{
    const char **out = xcalloc(p->ncats + 1, sizeof *out);
    *n = 0;
    for (size_t i = 0; i < p->ncats; i++) {
        bool in = l->n ? cat_in(p, l, p->cats[i].code) : (cat && taxonomy_category_within(p, p->cats[i].code, cat));
        if (in)
            out[(*n)++] = p->cats[i].code;
    }
    return out;
}

/*
 * Asks the store about window w for f: *count (OUT) is the number of other
 * complaints in it; ids (OUT, heap, may be NULL) the first max of them;
 * *anchor (OUT) the unit the window is about. 1 when the window does not
 * apply (no ancestor of the type), 0, or the callback's error.
 */
static int window_count(const taxonomy *p, const org *o, const rule_window *w, const rules_facts *f,
                        rules_window_fn fn, void *arg, int64_t *count, int64_t **ids, size_t max,
                        int64_t *anchor, bool both_ways)
{
    *count = 0;
    *anchor = ancestor_of_type(o, f->subject_unit, w->unit_type);
    if (!*anchor)
        return 1;
    size_t nunits = 1, ncats;
    int64_t one = *anchor, *units = &one;
    if (w->unit_type)
        units = org_subtree(o, *anchor, &nunits);
    const char **cats = expand_cats(p, &w->cats, f->category, &ncats);
    if (ids)
        *ids = xcalloc(max + 1, sizeof **ids);
    int64_t span = (int64_t)w->window_minutes * 60;
    int rc = fn(arg, units, nunits, cats, ncats, f->at - span, both_ways ? f->at + span : f->at, ids ? *ids : NULL,
                ids ? max : 0, count);
    if (units != &one)
        free(units);
    free(cats);
    return rc;
}

static bool rule_matches(const rules_set *r, const taxonomy *p, const org *o, const rule *u, const rules_facts *f,
                         rules_window_fn fn, void *arg, int *err)
{
    const unit *su = org_find(o, f->subject_unit);
    if (u->channels.n && !in_list(&u->channels, f->channel))
        return false;
    if (u->cats.n && !cat_in(p, &u->cats, f->category))
        return false;
    if (u->classes.n && !in_list(&u->classes, f->customer_class))
        return false;
    if (u->units.n && !(su && in_list(&u->units, su->code)))
        return false;
    if (u->unit_types.n && !(su && in_list(&u->unit_types, su->type)))
        return false;
    if (u->within.n) {
        bool in = false;
        for (size_t i = 0; su && i < u->within.n && !in; i++) {
            const unit *a = org_find_code(o, u->within.v[i]);
            in = a && org_within(o, su->id, a->id);
        }
        if (!in)
            return false;
    }
    if (u->keywords.n && !has_keyword(&u->keywords, f->description, f->demand))
        return false;
    (void)r;
    if (u->count.set) {
        int64_t n, anchor;
        int rc = window_count(p, o, &u->count, f, fn, arg, &n, NULL, 0, &anchor, false);
        if (rc < 0)
            *err = rc;
        if (rc || n + 1 < u->count.at_least)
            return false;
    }
    return true;
}

void rules_outcome_init(rules_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->fired = json_array();
}

void rules_outcome_release(rules_outcome *o)
{
    json_decref(o->fired);
    memset(o, 0, sizeof *o);
}

static void add_notify(const rules_set *r, const org *o, rules_outcome *out, int64_t to, const rule *u,
                       int64_t subject)
{
    if (!to || out->nnotify == RULES_MAX_NOTIFY)
        return;
    rules_notify *n = &out->notify[out->nnotify++];
    *n = (rules_notify){to, u->code, u->notify_message, &u->notify_reach, {0}};
    rules_reach_units(r, o, &u->notify_reach, to, subject, n->role_units);
}

int rules_evaluate(const rules_set *r, const taxonomy *p, const org *o, const rules_facts *f, rules_window_fn fn,
                   void *arg, rules_outcome *out)
{
    for (size_t i = 0; i < r->n; i++) {
        const rule *u = &r->rules[i];
        int err = 0;
        if (rules_over_time(u))
            continue; /* the sweeper's (rules_due) */
        if (!rule_matches(r, p, o, u, f, fn, arg, &err)) {
            if (err)
                return err;
            continue;
        }
        json_t *did = json_object();
        if (u->level) {
            json_object_set_new(did, "level", json_integer(u->level));
            if (!out->level || u->level < out->level)
                out->level = u->level;
        }
        if (u->scope) {
            json_object_set_new(did, "scope", json_string(u->scope));
            if (!out->scope || sla_scope_rank(u->scope) > sla_scope_rank(out->scope))
                out->scope = u->scope;
        }
        if (u->priority) {
            json_object_set_new(did, "priority", json_string(u->priority));
            if (rules_priority_rank(u->priority) > rules_priority_rank(out->priority))
                out->priority = u->priority;
        }
        if (u->owner.kind) {
            int64_t to = rules_resolve(r, o, &u->owner, f->subject_unit);
            json_object_set_new(did, "owner_unit", to ? json_integer(to) : json_null());
            if (to && !out->owner_unit)
                out->owner_unit = to;
        }
        if (u->answer_by.n) {
            json_t *ab = json_array();
            for (size_t k = 0; k < u->answer_by.n; k++)
                json_array_append_new(ab, json_string(u->answer_by.v[k]));
            json_object_set_new(did, "answer_by", ab);
            if (!out->answer_by)
                out->answer_by = &u->answer_by;
        }
        if (u->promise_minutes) {
            json_object_set_new(did, "promise_hours", json_integer(u->promise_minutes / 60));
            if (!out->promise_minutes)
                out->promise_minutes = u->promise_minutes;
        }
        if (u->notify_to.kind) {
            int64_t to = rules_resolve(r, o, &u->notify_to, f->subject_unit);
            json_object_set_new(did, "notify", to ? json_integer(to) : json_null());
            add_notify(r, o, out, to, u, f->subject_unit);
        }
        json_t *rec = json_object();
        json_object_set_new(rec, "code", json_string(u->code));
        json_object_set_new(rec, "name", json_deep_copy(u->name)); /* never share the pack's values */
        json_object_set_new(rec, "then", did);
        json_array_append_new(out->fired, rec);
    }
    return 0;
}

int rules_clusters(const rules_set *r, const taxonomy *p, const org *o, const rules_facts *f, rules_window_fn win,
                   void *arg,
                   int (*fn)(void *fnarg, const cluster_rule *cr, int64_t anchor_unit, const int64_t *ids, size_t n),
                   void *fnarg)
{
    for (size_t i = 0; i < r->nclusters; i++) {
        const cluster_rule *c = &r->clusters[i];
        if (!cat_in(p, &c->win.cats, f->category))
            continue;
        int64_t n, anchor, *ids = NULL;
        enum { MAX_GROUPED = 200 };
        /* Both ways: a complaint received earlier but stored later (concurrent intakes) still meets it. */
        int rc = window_count(p, o, &c->win, f, win, arg, &n, &ids, MAX_GROUPED, &anchor, true);
        if (rc == 1) /* no ancestor of the window's type: the cluster cannot form here */
            rc = 0;
        else if (rc == 0 && n + 1 >= c->win.at_least)
            rc = fn(fnarg, c, anchor, ids, n < MAX_GROUPED ? (size_t)n : MAX_GROUPED);
        free(ids);
        if (rc)
            return rc;
    }
    return 0;
}

bool rules_may_answer(const org *o, const json_t *answer_by, int64_t actor_unit)
{
    if (!json_is_array(answer_by) || json_array_size(answer_by) == 0)
        return true;
    const unit *u = org_find(o, actor_unit);
    if (!u)
        return false;
    /* A member of a unit whose parent is the named one (its service centre, a department) answers for it too;
     * a cooperating partner (SI) under it is no part of it. */
    const unit *parent = org_find(o, u->parent);
    size_t i;
    const json_t *v;
    json_array_foreach(answer_by, i, v)
    {
        const char *s = json_string_value(v);
        if (!s)
            continue;
        if (strcmp(u->type, s) == 0 || strcmp(u->code, s) == 0)
            return true;
        if (parent && (strcmp(parent->type, s) == 0 || strcmp(parent->code, s) == 0) &&
            strcmp(u->type, "site") != 0 && strcmp(u->type, "region") != 0 && strcmp(u->type, "branch") != 0 &&
            strcmp(u->type, "partner") != 0)
            return true;
    }
    return false;
}

void rules_facts_of(const json_t *p, rules_facts *f)
{
    memset(f, 0, sizeof *f);
    f->channel = json_string_value(json_object_get(p, "channel"));
    f->category = json_string_value(json_object_get(p, "category"));
    f->customer_class = json_string_value(json_object_get(json_object_get(p, "customer"), "class"));
    f->description = json_string_value(json_object_get(p, "description"));
    f->demand = json_string_value(json_object_get(p, "demand"));
    f->subject_unit = json_integer_value(json_object_get(p, "subject_unit"));
    f->at = json_integer_value(json_object_get(p, "received_at"));
}

const rule *rules_find(const rules_set *r, const char *code)
{
    for (size_t i = 0; code && i < r->n; i++)
        if (strcmp(r->rules[i].code, code) == 0)
            return &r->rules[i];
    return NULL;
}

const rule *rules_due(const rules_set *r, const taxonomy *p, const org *o, const rules_facts *f, int reopens,
                      int64_t now, const json_t *fired)
{
    for (size_t i = 0; i < r->n; i++) {
        const rule *u = &r->rules[i];
        if (!rules_over_time(u) || (u->age_days && now - f->at < (int64_t)u->age_days * 86400) ||
            (u->reopens && reopens < u->reopens))
            continue;
        bool done = false;
        size_t k;
        const json_t *c;
        json_array_foreach(fired, k, c) done = done || (json_string_value(c) && strcmp(json_string_value(c), u->code) == 0);
        int err = 0;
        /* No window or keyword condition (rules_load refuses them here): no callback is asked. */
        if (!done && rule_matches(r, p, o, u, f, NULL, NULL, &err))
            return u;
    }
    return NULL;
}
