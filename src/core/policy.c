/* policy: see policy.h. */
#include "core/policy.h"

#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"
#include "util/xalloc.h"

void policy_init(policy *p)
{
    memset(p, 0, sizeof *p);
}

void policy_release(policy *p)
{
    free(p->name);
    free(p->number_prefix);
    taxonomy_release(&p->tax);
    for (int i = 0; i <= LEVEL_MAX; i++)
        taxonomy_named_release(&p->levels[i]);
    sla_policy_release(&p->sla);
    size_t ns;
    const policy_section *sec = policy_sections(&ns);
    for (size_t i = 0; i < ns; i++)
        sec[i].release(p);
    json_decref(p->raw);
    policy_init(p);
}

static const char *str_member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A limit is minutes as an integer, or per level as {"1": m, "2": m, "3": m}. */
static int load_limit(const json_t *tl, const char *key, int *per_level, int *single, cerr *e)
{
    char f[96];
    snprintf(f, sizeof f, "time_limits.%s", key);
    const json_t *v = json_object_get(tl, key);
    if (!v)
        return 0;
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        int m = (int)json_integer_value(v);
        if (single)
            *single = m;
        if (per_level)
            for (int l = 1; l <= LEVEL_MAX; l++)
                per_level[l] = m;
        return 0;
    }
    if (json_is_object(v) && per_level) {
        for (int l = 1; l <= LEVEL_MAX; l++) {
            char k[4];
            snprintf(k, sizeof k, "%d", l);
            const json_t *lv = json_object_get(v, k);
            if (!json_is_integer(lv) || json_integer_value(lv) < 0) {
                char lf[112];
                snprintf(lf, sizeof lf, "%s.%s", f, k);
                return cerr_set(e, "invalid_pack", lf, "%s: expected minutes (integer ≥ 0)", lf);
            }
            per_level[l] = (int)json_integer_value(lv);
        }
        return 0;
    }
    return cerr_set(e, "invalid_pack", f, "%s: expected minutes", f);
}

int policy_load(policy *p, json_t *pack, cerr *e)
{
    policy_init(p);
    if (!json_is_object(pack))
        return cerr_set(e, "invalid_pack", "", "the pack must be a JSON object");
    p->raw = json_incref(pack);
    const char *name = str_member(pack, "name");
    if (!name)
        return cerr_set(e, "invalid_pack", "name", "name: expected a string");
    p->name = xstrdup(name);
    /* A member of the wrong type is an error, never a silent default. */
    static const char *strings[] = {"number_prefix", "timezone"};
    for (size_t k = 0; k < 2; k++) {
        const json_t *v = json_object_get(pack, strings[k]);
        if (v && !json_is_string(v))
            return cerr_set(e, "invalid_pack", strings[k], "%s: expected a string", strings[k]);
    }
    const json_t *dlv = json_object_get(pack, "default_level");
    if (dlv && !json_is_integer(dlv))
        return cerr_set(e, "invalid_pack", "default_level", "default_level: expected 1..%d", LEVEL_MAX);
    const char *prefix = str_member(pack, "number_prefix");
    p->number_prefix = xstrdup(prefix ? prefix : "TS");
    if (strlen(p->number_prefix) > 8)
        return cerr_set(e, "invalid_pack", "number_prefix", "number_prefix: at most 8 characters");
    const char *tz = str_member(pack, "timezone");
    p->tz_offset = 480;
    if (tz && time_zone_offset(tz, &p->tz_offset))
        return cerr_set(e, "invalid_pack", "timezone", "timezone: unknown zone \"%s\"", tz);
    if (taxonomy_load(&p->tax, pack, e))
        return -1;
    const json_t *levels = json_object_get(pack, "levels");
    if (!json_is_array(levels))
        return cerr_set(e, "invalid_pack", "levels", "levels: expected an array");
    size_t i;
    const json_t *lv;
    json_array_foreach(levels, i, lv)
    {
        char f[64];
        snprintf(f, sizeof f, "levels[%zu]", i);
        const json_t *code = json_object_get(lv, "code");
        const char *lname = str_member(lv, "name");
        if (!json_is_integer(code) || json_integer_value(code) < 1 ||
            json_integer_value(code) > LEVEL_MAX || !lname)
            return cerr_set(e, "invalid_pack", f, "%s: needs \"code\" 1..%d and \"name\"", f, LEVEL_MAX);
        named *d = &p->levels[json_integer_value(code)];
        taxonomy_named_release(d);
        d->code = xasprintf("%d", (int)json_integer_value(code));
        d->name = xstrdup(lname);
        d->name_en = xstrdup(str_member(lv, "name_en"));
    }
    for (int l = 1; l <= LEVEL_MAX; l++)
        if (!p->levels[l].name)
            return cerr_set(e, "invalid_pack", "levels", "levels: level %d is missing", l);
    const json_t *dl = json_object_get(pack, "default_level");
    p->default_level = json_is_integer(dl) ? (int)json_integer_value(dl) : LEVEL_MAX;
    if (p->default_level < 1 || p->default_level > LEVEL_MAX)
        return cerr_set(e, "invalid_pack", "default_level", "default_level: expected 1..%d", LEVEL_MAX);

    /* Defaults are DOMAIN §5: dispatch 4 h, handle 24 h, reply 2 h, revisit 7 d. */
    p->limit_dispatch = 240;
    p->limit_reply = 120;
    p->limit_revisit = 7 * 1440;
    p->limit_close = 1440;
    for (int l = 1; l <= LEVEL_MAX; l++) {
        p->limit_handle[l] = 1440;
        p->limit_overall[l] = 1440;
    }
    const json_t *tl = json_object_get(pack, "time_limits");
    if (tl) {
        if (!json_is_object(tl))
            return cerr_set(e, "invalid_pack", "time_limits", "time_limits: expected an object");
        if (load_limit(tl, "dispatch", NULL, &p->limit_dispatch, e) ||
            load_limit(tl, "handle", p->limit_handle, NULL, e) ||
            load_limit(tl, "reply", NULL, &p->limit_reply, e) ||
            load_limit(tl, "revisit", NULL, &p->limit_revisit, e) ||
            load_limit(tl, "close", NULL, &p->limit_close, e) ||
            load_limit(tl, "overall", p->limit_overall, NULL, e))
            return -1;
    }
    sla_minutes m = {.default_level = p->default_level,
                     .dispatch = p->limit_dispatch,
                     .reply = p->limit_reply,
                     .revisit = p->limit_revisit,
                     .close = p->limit_close};
    memcpy(m.handle, p->limit_handle, sizeof m.handle);
    memcpy(m.overall, p->limit_overall, sizeof m.overall);
    if (sla_policy_load(&p->sla, &p->tax, &m, pack, e))
        return -1;
    size_t ns;
    const policy_section *sec = policy_sections(&ns);
    for (size_t k = 0; k < ns; k++)
        if (sec[k].load(p, pack, e))
            return -1;
    return 0;
}

static int rules_section_load(policy *p, const json_t *pack, cerr *e)
{
    return rules_load(&p->rules, &p->tax, pack, e);
}

static void rules_section_release(policy *p)
{
    rules_set_release(&p->rules);
}

static int cases_section_load(policy *p, const json_t *pack, cerr *e)
{
    return cases_policy_load(&p->cases, &p->tax, pack, e);
}

static void cases_section_release(policy *p)
{
    cases_policy_release(&p->cases);
}

static int reports_section_load(policy *p, const json_t *pack, cerr *e)
{
    return report_policy_load(&p->reports, pack, e);
}

static void reports_section_release(policy *p)
{
    report_policy_release(&p->reports);
}

static int trends_section_load(policy *p, const json_t *pack, cerr *e)
{
    return trend_policy_load(&p->trends, pack, e);
}

static void trends_section_release(policy *p)
{
    trend_policy_release(&p->trends);
}

static int review_section_load(policy *p, const json_t *pack, cerr *e)
{
    return review_policy_load(&p->review, &p->tax, &p->sla, pack, e);
}

static void review_section_release(policy *p)
{
    review_policy_release(&p->review);
}

const policy_section *policy_sections(size_t *n)
{
    static const policy_section sections[] = {
        {"rules", rules_section_load, rules_section_release},
        {"cases", cases_section_load, cases_section_release},
        {"indicators", reports_section_load, reports_section_release},
        {"trends", trends_section_load, trends_section_release},
        {"review", review_section_load, review_section_release},
    };
    *n = sizeof sections / sizeof sections[0];
    return sections;
}

/* The app's lookups go through the policy it holds; core modules below it use taxonomy.h. */
int policy_category_index(const policy *p, const char *code)
{
    return taxonomy_category_index(&p->tax, code);
}

const category *policy_category(const policy *p, const char *code)
{
    return taxonomy_category(&p->tax, code);
}

const named *policy_channel(const policy *p, const char *code)
{
    return taxonomy_channel(&p->tax, code);
}

const named *policy_class(const policy *p, const char *code)
{
    return taxonomy_class(&p->tax, code);
}

bool policy_category_within(const policy *p, const char *code, const char *ancestor)
{
    return taxonomy_category_within(&p->tax, code, ancestor);
}
