/* review: see review.h. */
#include "core/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strv.h"
#include "util/xalloc.h"

void review_policy_init(review_policy *rp)
{
    memset(rp, 0, sizeof *rp);
}

void review_policy_release(review_policy *rp)
{
    strv_free(rp->channels);
    strv_free(rp->units);
    free(rp->name);
    free(rp->name_en);
    review_policy_init(rp);
}

static int bad(cerr *e, const char *path, const char *what)
{
    return cerr_set(e, "invalid_pack", path, "%s: %s", path, what);
}

/* "all", or a non-empty list of levels 1..SLA_LEVELS. */
static int load_levels(review_policy *rp, const json_t *v, cerr *e)
{
    if (!v || (json_is_string(v) && strcmp(json_string_value(v), "all") == 0)) {
        for (int l = 1; l <= SLA_LEVELS; l++)
            rp->levels |= 1u << l;
        return 0;
    }
    if (!json_is_array(v) || !json_array_size(v))
        return bad(e, "review.levels", "expected \"all\" or a list of levels 1–3");
    size_t i;
    const json_t *lv;
    json_array_foreach(v, i, lv)
    {
        if (!json_is_integer(lv) || json_integer_value(lv) < 1 || json_integer_value(lv) > SLA_LEVELS) {
            char f[48];
            snprintf(f, sizeof f, "review.levels[%zu]", i);
            return bad(e, f, "expected a level 1–3");
        }
        rp->levels |= 1u << json_integer_value(lv);
    }
    return 0;
}

static int load_roles(review_policy *rp, const json_t *v, cerr *e)
{
    if (!json_is_array(v) || !json_array_size(v))
        return bad(e, "review.roles", "expected a non-empty list of roles (agent, handler, supervisor, manager)");
    size_t i;
    const json_t *r;
    json_array_foreach(v, i, r)
    {
        unsigned bit = json_is_string(r) ? role_parse(json_string_value(r)) : 0;
        if (!(bit & (R_AGENT | R_HANDLER | R_SUPERVISOR | R_MANAGER))) {
            char f[48];
            snprintf(f, sizeof f, "review.roles[%zu]", i);
            return bad(e, f, "expected agent, handler, supervisor or manager");
        }
        rp->roles |= bit;
    }
    return 0;
}

/* Unit codes, each one of the pack's units. */
static int load_units(review_policy *rp, const json_t *v, const json_t *pack, cerr *e)
{
    if (!v)
        return 0;
    if (strv_load(v, "review.units", NULL, NULL, &rp->units, e))
        return -1;
    for (size_t i = 0; rp->units[i]; i++) {
        bool found = false;
        size_t k;
        const json_t *u;
        json_array_foreach(json_object_get(pack, "units"), k, u)
        {
            const char *code = json_string_value(json_object_get(u, "code"));
            found = found || (code && strcmp(code, rp->units[i]) == 0);
        }
        if (!found) {
            char f[48];
            snprintf(f, sizeof f, "review.units[%zu]", i);
            return cerr_set(e, "invalid_pack", f, "%s: no unit \"%s\" in the pack's units", f, rp->units[i]);
        }
    }
    return 0;
}

/* A string, or {"zh-CN": string, "en"?: string}; absent: 复核 / Review. */
static int load_name(review_policy *rp, const json_t *v, cerr *e)
{
    const json_t *zh = json_is_object(v) ? json_object_get(v, "zh-CN") : v, *en = json_object_get(v, "en");
    if (v && (!json_is_string(zh) || (en && !json_is_string(en))))
        return bad(e, "review.name", "expected a string or {\"zh-CN\", \"en\"}");
    rp->name = xstrdup(zh ? json_string_value(zh) : "复核");
    rp->name_en = xstrdup(en ? json_string_value(en) : zh ? json_string_value(zh) : "Review");
    return 0;
}

/* "hours": N or {"1": N, "2": N, "3": N} — the review clock's default, in clock hours. */
static int load_hours(sla_policy *sp, const json_t *v, const json_t *pack, cerr *e)
{
    if (!v)
        return 0;
    if (json_object_get(json_object_get(json_object_get(pack, "time_limit_policy"), "clocks"), "review"))
        return bad(e, "review.hours", "the review clock's limit is given in time_limit_policy.clocks.review already");
    for (int l = 1; l <= SLA_LEVELS; l++) {
        char k[4], f[48];
        snprintf(k, sizeof k, "%d", l);
        const json_t *h = json_is_object(v) ? json_object_get(v, k) : v;
        snprintf(f, sizeof f, json_is_object(v) ? "review.hours.%s" : "review.hours", k);
        if (!json_is_integer(h) || json_integer_value(h) < 1 || json_integer_value(h) > 8760)
            return bad(e, f, "expected whole hours 1–8760, or one per level {\"1\", \"2\", \"3\"}");
        sla_limit *lim = &sp->defaults[SLA_REVIEW][l];
        memset(lim, 0, sizeof *lim);
        lim->kind = SLA_MINUTES;
        lim->value = json_integer_value(h) * 60;
    }
    sp->defaults[SLA_REVIEW][0] = sp->defaults[SLA_REVIEW][SLA_LEVELS];
    if (json_is_object(v) && json_object_size(v) != SLA_LEVELS)
        return bad(e, "review.hours", "expected one limit for each of the levels \"1\", \"2\", \"3\"");
    return 0;
}

int review_policy_load(review_policy *rp, const taxonomy *tax, sla_policy *sp, const json_t *pack, cerr *e)
{
    static const char *const known[] = {"notes", "name", "levels", "channels", "roles", "units", "hours", NULL};
    review_policy_init(rp);
    const json_t *sec = json_object_get(pack, "review");
    if (!sec)
        return 0;
    if (!json_is_object(sec))
        return bad(e, "review", "expected {levels, roles, units, hours, name}");
    if (cerr_members(e, sec, "review", known)) {
        if (e)
            e->code = "invalid_pack";
        return -1;
    }
    rp->set = true;
    if (load_levels(rp, json_object_get(sec, "levels"), e) || load_roles(rp, json_object_get(sec, "roles"), e) ||
        load_units(rp, json_object_get(sec, "units"), pack, e) || load_name(rp, json_object_get(sec, "name"), e) ||
        load_hours(sp, json_object_get(sec, "hours"), pack, e))
        return -1;
    return strv_load(json_object_get(sec, "channels"), "review.channels", taxonomy_has_channel, tax, &rp->channels, e);
}

bool review_needed(const review_policy *rp, int level, const char *channel)
{
    return rp->set && level >= 1 && level <= SLA_LEVELS && (rp->levels & (1u << level)) &&
           strv_has(rp->channels, channel);
}

int review_may(const review_policy *rp, const org *o, const actor *who, cerr *e)
{
    unsigned roles = rp->set ? rp->roles : R_AGENT | R_HANDLER | R_SUPERVISOR | R_MANAGER;
    if (!(who->roles & roles))
        return cerr_set(e, "forbidden", "", "您的角色不能复核处理意见 (your role may not review the handling opinion)");
    if (!rp->units)
        return 0;
    for (size_t i = 0; rp->units[i]; i++) {
        const unit *u = org_find_code(o, rp->units[i]);
        if (u && org_within(o, who->unit, u->id))
            return 0;
    }
    const unit *first = org_find_code(o, rp->units[0]);
    return cerr_set(e, "forbidden", "", "只有%s可以复核处理意见 (only %s reviews the handling opinion)",
                    first ? first->name : rp->units[0], rp->units[0]);
}
