/* trend: see trend.h. */
#include "core/trend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rules.h"
#include "util/xalloc.h"

void trend_policy_init(trend_policy *tp)
{
    tp->rules = NULL;
    tp->n = 0;
}

void trend_policy_release(trend_policy *tp)
{
    for (size_t i = 0; i < tp->n; i++) {
        free(tp->rules[i].code);
        free(tp->rules[i].name);
        free(tp->rules[i].name_en);
        free(tp->rules[i].notify);
    }
    free(tp->rules);
    trend_policy_init(tp);
}

static int days(const json_t *r, const char *key, const char *path, int lo, int hi, int def, int *out, cerr *e)
{
    const json_t *v = json_object_get(r, key);
    if (!v) {
        *out = def;
        return def ? 0 : cerr_set(e, "invalid_pack", path, "%s.%s: required", path, key);
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
        return cerr_set(e, "invalid_pack", path, "%s.%s: expected a whole number %d–%d", path, key, lo, hi);
    *out = (int)json_integer_value(v);
    return 0;
}

static int load_rule(trend_rule *r, const json_t *pack, const json_t *j, const char *f, cerr *e)
{
    static const char *const known[] = {"code",         "name",     "by",     "window_days", "baseline_days",
                                        "rise_percent", "at_least", "notify", "notes",       NULL};
    if (!json_is_object(j))
        return cerr_set(e, "invalid_pack", f, "%s: expected an object", f);
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)j, k, v)
    {
        bool ok = false;
        for (size_t i = 0; known[i]; i++)
            ok = ok || strcmp(known[i], k) == 0;
        if (!ok)
            return cerr_set(e, "invalid_pack", f, "%s.%s: unknown key", f, k);
    }
    const char *code = json_string_value(json_object_get(j, "code"));
    const json_t *name = json_object_get(j, "name");
    if (!code || !*code || strlen(code) > 32)
        return cerr_set(e, "invalid_pack", f, "%s.code: expected 1–32 characters", f);
    r->code = xstrdup(code);
    if (json_is_string(name)) {
        r->name = xstrdup(json_string_value(name));
    } else if (json_is_string(json_object_get(name, "zh-CN"))) {
        r->name = xstrdup(json_string_value(json_object_get(name, "zh-CN")));
        const char *en = json_string_value(json_object_get(name, "en"));
        r->name_en = en ? xstrdup(en) : NULL;
    } else {
        return cerr_set(e, "invalid_pack", f, "%s.name: expected a string or {\"zh-CN\", \"en\"}", f);
    }
    const char *by = json_string_value(json_object_get(j, "by"));
    if (!by || (strcmp(by, "category") != 0 && strcmp(by, "unit") != 0))
        return cerr_set(e, "invalid_pack", f, "%s.by: expected \"category\" or \"unit\"", f);
    r->by = strcmp(by, "unit") == 0 ? TREND_BY_UNIT : TREND_BY_CATEGORY;
    if (days(j, "window_days", f, 1, 92, 0, &r->window_days, e) ||
        days(j, "baseline_days", f, 1, 366, 0, &r->baseline_days, e) ||
        days(j, "rise_percent", f, 1, 10000, 0, &r->rise_percent, e) ||
        days(j, "at_least", f, 1, 100000, 1, &r->at_least, e))
        return -1;
    const json_t *to = json_object_get(j, "notify");
    if (to && (!json_is_string(to) || !rules_pack_has_unit(pack, json_string_value(to))))
        return cerr_set(e, "invalid_pack", f, "%s.notify: expected the code of one of the pack's units", f);
    r->notify = to ? xstrdup(json_string_value(to)) : NULL;
    return 0;
}

int trend_policy_load(trend_policy *tp, const json_t *pack, cerr *e)
{
    trend_policy_init(tp);
    const json_t *s = json_object_get(pack, "trends");
    if (!s)
        return 0;
    const json_t *rules = json_object_get(s, "rules");
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)s, k, v)
    {
        if (strcmp(k, "rules") != 0 && strcmp(k, "notes") != 0)
            return cerr_set(e, "invalid_pack", "trends", "trends.%s: unknown key", k);
    }
    if (!json_is_array(rules))
        return cerr_set(e, "invalid_pack", "trends.rules", "trends.rules: expected an array");
    tp->rules = xcalloc(json_array_size(rules) + 1, sizeof *tp->rules);
    size_t i;
    const json_t *j;
    json_array_foreach(rules, i, j)
    {
        char f[48];
        snprintf(f, sizeof f, "trends.rules[%zu]", i);
        tp->n++;
        if (load_rule(&tp->rules[i], pack, j, f, e))
            return -1;
        for (size_t p = 0; p < i; p++)
            if (strcmp(tp->rules[p].code, tp->rules[i].code) == 0)
                return cerr_set(e, "invalid_pack", f, "%s.code: duplicate \"%s\"", f, tp->rules[i].code);
    }
    return 0;
}

void trend_windows(const trend_rule *r, int64_t now, int64_t *from, int64_t *base_from)
{
    *from = now - (int64_t)r->window_days * 86400;
    *base_from = *from - (int64_t)r->baseline_days * 86400;
}

bool trend_rising(const trend_rule *r, int64_t count, int64_t baseline, int64_t *usual_x100)
{
    /* usual = baseline × window / baseline_days; a rise is count ≥ usual × (100 + rise) / 100 */
    int64_t usual = baseline * 100 * r->window_days / r->baseline_days;
    if (usual_x100)
        *usual_x100 = usual;
    if (count < r->at_least)
        return false;
    return count * 100 * 100 >= usual * (100 + (int64_t)r->rise_percent);
}
