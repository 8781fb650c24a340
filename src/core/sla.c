/* sla: see sla.h for the clock model and its states. */
#include "core/sla.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/roles.h"
#include "core/strv.h"
#include "util/jsonw.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char *clock_names[SLA__COUNT] = {
    "fill", "dispatch", "handle", "reply", "revisit", "close", "overall", "progress", "acknowledge", "solution",
    "review", "first_response", "handover", "partner_reply", "onsite", "second_visit",
};

const char *sla_clock_name(int clock)
{
    return clock >= 0 && clock < SLA__COUNT ? clock_names[clock] : "";
}

int sla_clock_parse(const char *name)
{
    for (int i = 0; i < SLA__COUNT; i++)
        if (strcmp(clock_names[i], name) == 0)
            return i;
    return -1;
}

int sla_scope_rank(const char *scope)
{
    static const char *scopes[] = {"general", "provincial", "national"};
    for (int i = 0; i < 3; i++)
        if (scope && strcmp(scope, scopes[i]) == 0)
            return i;
    return -1;
}

/* ---- the policy ----------------------------------------------------------- */

void sla_policy_init(sla_policy *sp)
{
    memset(sp, 0, sizeof *sp);
}

void sla_policy_release(sla_policy *sp)
{
    for (size_t i = 0; i < sp->ncals; i++) {
        free(sp->cal_names[i]);
        calendar_release(&sp->cals[i]);
    }
    free(sp->cal_names);
    free(sp->cals);
    json_decref(sp->cal_docs);
    for (size_t i = 0; i < sp->nrules; i++) {
        strv_free(sp->rules[i].scopes);
        strv_free(sp->rules[i].classes);
        strv_free(sp->rules[i].categories);
        strv_free(sp->rules[i].channels);
        strv_free(sp->rules[i].kinds);
    }
    free(sp->rules);
    sla_policy_init(sp);
}

const calendar *sla_calendar(const sla_policy *sp, const char *name)
{
    if (!name || !*name)
        name = sp->default_calendar;
    for (size_t i = 0; i < sp->ncals; i++)
        if (strcmp(sp->cal_names[i], name) == 0)
            return &sp->cals[i];
    return NULL;
}

static void add_calendar(sla_policy *sp, const char *name, calendar *cal)
{
    sp->cal_names = xrealloc(sp->cal_names, (sp->ncals + 1) * sizeof *sp->cal_names);
    sp->cals = xrealloc(sp->cals, (sp->ncals + 1) * sizeof *sp->cals);
    sp->cal_names[sp->ncals] = xstrdup(name);
    sp->cals[sp->ncals] = *cal; /* takes over the day sets */
    sp->ncals++;
}

static int load_calendars(sla_policy *sp, const json_t *pack, cerr *e)
{
    const json_t *cals = json_object_get(pack, "calendars");
    const char *tz = json_string_value(json_object_get(pack, "timezone"));
    if (!cals) {
        /* No calendars: every limit runs on the clock, in the pack's zone. */
        json_t *doc = json_pack("{s:s,s:s}", "timezone", tz ? tz : "Asia/Shanghai", "mode", "24x7");
        sp->cal_docs = json_pack("{s:o}", "24x7", doc);
        cals = sp->cal_docs;
    } else if (!json_is_object(cals) || json_object_size(cals) == 0) {
        return cerr_set(e, "invalid_pack", "calendars", "calendars: expected an object of named calendars");
    } else {
        sp->cal_docs = jsonw_copy(cals);
    }
    const char *name;
    const json_t *doc;
    json_object_foreach((json_t *)cals, name, doc)
    {
        char path[96];
        snprintf(path, sizeof path, "calendars.%s", name);
        if (!*name || strlen(name) >= SLA_NAME_MAX)
            return cerr_set(e, "invalid_pack", path, "%s: a name of 1–%d characters", path, SLA_NAME_MAX - 1);
        calendar cal;
        calendar_init(&cal);
        calendar_error err;
        /* A calendar without a zone takes the pack's. */
        json_t *d = jsonw_copy(doc);
        if (json_is_object(d) && !json_object_get(d, "timezone") && tz)
            json_object_set_new(d, "timezone", json_string(tz));
        int rc = calendar_parse_json_value(&cal, d, path, &err);
        json_decref(d);
        if (rc != CALENDAR_OK)
            return cerr_set(e, "invalid_pack", err.path, "%s: %s", err.path, err.message);
        add_calendar(sp, name, &cal);
    }
    return 0;
}

/* Reads a limit object: exactly one of minutes, hours, working_minutes,
 * working_hours, working_days, same_day (true); optionally "calendar". */
static int load_limit_obj(const sla_policy *sp, const json_t *v, const char *path, sla_limit *out, cerr *e)
{
    static const struct {
        const char *key;
        int kind, factor;
    } keys[] = {
        {"minutes", SLA_MINUTES, 1},
        {"hours", SLA_MINUTES, 60},
        {"working_minutes", SLA_WORKING_MINUTES, 1},
        {"working_hours", SLA_WORKING_MINUTES, 60},
        {"working_days", SLA_WORKING_DAYS, 1},
    };
    if (!json_is_object(v))
        return cerr_set(e, "invalid_pack", path,
                        "%s: expected {\"minutes\": N}, {\"working_days\": N}, {\"same_day\": true}, …", path);
    memset(out, 0, sizeof *out);
    int found = 0;
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)v, key, val)
    {
        if (strcmp(key, "calendar") == 0) {
            const char *cn = json_string_value(val);
            if (!cn || !sla_calendar(sp, cn))
                return cerr_set(e, "invalid_pack", path, "%s.calendar: no calendar called \"%s\"", path, cn ? cn : "?");
            snprintf(out->calendar, sizeof out->calendar, "%s", cn);
            continue;
        }
        if (strcmp(key, "same_day") == 0) {
            if (!json_is_true(val))
                return cerr_set(e, "invalid_pack", path, "%s.same_day: expected true", path);
            out->kind = SLA_SAME_DAY;
            out->value = 1;
            found++;
            continue;
        }
        size_t i;
        for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (strcmp(keys[i].key, key) == 0)
                break;
        if (i == sizeof keys / sizeof keys[0])
            return cerr_set(e, "invalid_pack", path, "%s: unknown key \"%s\"", path, key);
        if (!json_is_integer(val) || json_integer_value(val) < 0 || json_integer_value(val) > 1000000)
            return cerr_set(e, "invalid_pack", path, "%s.%s: expected a whole number ≥ 0", path, key);
        out->kind = json_integer_value(val) ? keys[i].kind : SLA_NONE;
        out->value = json_integer_value(val) * keys[i].factor;
        found++;
    }
    if (found != 1)
        return cerr_set(e, "invalid_pack", path,
                        "%s: give exactly one of minutes, hours, working_minutes, "
                        "working_hours, working_days, same_day",
                        path);
    return 0;
}

/* A list of strings, each checked by ok (may be NULL); into a NULL-terminated vector. */
static bool ok_scope(const taxonomy *p, const char *s)
{
    (void)p;
    return sla_scope_rank(s) >= 0;
}

static int load_rule(sla_policy *sp, const taxonomy *pol, const json_t *r, const char *path, sla_rule *out, cerr *e)
{
    char f[128];
    memset(out, 0, sizeof *out);
    const char *clock = json_string_value(json_object_get(r, "clock"));
    if (!json_is_object(r) || !clock || (out->clock = sla_clock_parse(clock)) < 0 || out->clock == SLA_PROGRESS)
        return cerr_set(e, "invalid_pack", path,
                        "%s: needs \"clock\": fill, dispatch, handle, reply, revisit, "
                        "close or overall",
                        path);
    snprintf(f, sizeof f, "%s.limit", path);
    /* null: no such clock for what the rule matches (out->limit stays SLA_NONE). */
    const json_t *limit = json_object_get(r, "limit");
    if (!json_is_null(limit) && load_limit_obj(sp, limit, f, &out->limit, e))
        return -1;
    const json_t *when = json_object_get(r, "when");
    if (!when)
        return 0;
    if (!json_is_object(when))
        return cerr_set(e, "invalid_pack", path, "%s.when: expected an object", path);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)when, key, v)
    {
        snprintf(f, sizeof f, "%s.when.%s", path, key);
        if (strcmp(key, "level") == 0) {
            json_t *arr = json_is_integer(v) ? json_pack("[O]", v) : json_incref((json_t *)v);
            size_t i;
            const json_t *lv;
            int bad = !json_is_array(arr) || json_array_size(arr) == 0;
            json_array_foreach(arr, i, lv)
            {
                if (!json_is_integer(lv) || json_integer_value(lv) < 1 || json_integer_value(lv) > SLA_LEVELS)
                    bad = 1;
                else
                    out->levels |= 1u << json_integer_value(lv);
            }
            json_decref(arr);
            if (bad)
                return cerr_set(e, "invalid_pack", f, "%s: expected levels 1–%d", f, SLA_LEVELS);
        } else if (strcmp(key, "scope") == 0) {
            if (strv_load(v, f, ok_scope, pol, &out->scopes, e))
                return -1;
        } else if (strcmp(key, "customer_class") == 0) {
            if (strv_load(v, f, taxonomy_has_class, pol, &out->classes, e))
                return -1;
        } else if (strcmp(key, "category") == 0) {
            if (strv_load(v, f, taxonomy_has_category, pol, &out->categories, e))
                return -1;
        } else if (strcmp(key, "channel") == 0) {
            if (strv_load(v, f, taxonomy_has_channel, pol, &out->channels, e))
                return -1;
        } else if (strcmp(key, "kind") == 0) {
            if (strv_load(v, f, taxonomy_has_kind, pol, &out->kinds, e))
                return -1;
        } else if (strcmp(key, "complex") == 0) {
            if (!json_is_boolean(v))
                return cerr_set(e, "invalid_pack", f, "%s: expected true or false", f);
            out->complex = json_is_true(v) ? 1 : -1;
        } else {
            return cerr_set(e, "invalid_pack", f,
                            "%s: unknown condition (level, scope, customer_class, "
                            "category, channel, kind, complex)",
                            f);
        }
    }
    return 0;
}

static void minutes_limit(sla_limit *l, int minutes)
{
    memset(l, 0, sizeof *l);
    l->kind = minutes > 0 ? SLA_MINUTES : SLA_NONE;
    l->value = minutes;
}

/* {"1": ["manager"], …}: who decides an extension per level (supervisor and/or manager). */
static int load_extension_approvers(sla_policy *sp, const json_t *v, cerr *e)
{
    const char *path = "time_limit_policy.extension_approvers";
    if (!v)
        return 0;
    if (!json_is_object(v))
        return cerr_set(e, "invalid_pack", path, "%s: expected {level: [roles]}", path);
    const char *k;
    const json_t *roles;
    json_object_foreach((json_t *)v, k, roles)
    {
        char f[96];
        snprintf(f, sizeof f, "%s.%s", path, k);
        int lv = strlen(k) == 1 && k[0] >= '1' && k[0] <= '0' + SLA_LEVELS ? k[0] - '0' : 0;
        if (!lv)
            return cerr_set(e, "invalid_pack", f, "%s: expected a level 1–%d", f, SLA_LEVELS);
        if (!json_is_array(roles) || json_array_size(roles) == 0)
            return cerr_set(e, "invalid_pack", f, "%s: expected a non-empty list of roles", f);
        size_t i;
        const json_t *r;
        json_array_foreach(roles, i, r)
        {
            unsigned bit = json_is_string(r) ? role_parse(json_string_value(r)) : 0;
            if (bit != R_SUPERVISOR && bit != R_MANAGER)
                return cerr_set(e, "invalid_pack", f, "%s[%zu]: expected \"supervisor\" or \"manager\"", f, i);
            sp->extension_roles[lv] |= bit;
        }
    }
    return 0;
}

int sla_policy_load(sla_policy *sp, const taxonomy *pol, const sla_minutes *m, const json_t *pack, cerr *e)
{
    sla_policy_init(sp);
    if (load_calendars(sp, pack, e))
        return -1;
    sp->warn_percent = 90;
    sp->supervise_percent[0] = 100;
    sp->supervise_percent[1] = 150;
    sp->nsupervise = 2;
    for (int l = 0; l <= SLA_LEVELS; l++) {
        int lv = l ? l : m->default_level;
        minutes_limit(&sp->defaults[SLA_FILL][l], 60);
        minutes_limit(&sp->defaults[SLA_DISPATCH][l], m->dispatch);
        minutes_limit(&sp->defaults[SLA_HANDLE][l], m->handle[lv]);
        minutes_limit(&sp->defaults[SLA_REPLY][l], m->reply);
        minutes_limit(&sp->defaults[SLA_REVISIT][l], m->revisit);
        minutes_limit(&sp->defaults[SLA_CLOSE][l], m->close);
        minutes_limit(&sp->defaults[SLA_OVERALL][l], m->overall[lv]);
    }
    const json_t *tp = json_object_get(pack, "time_limit_policy");
    const char *defcal = NULL;
    if (tp && !json_is_object(tp))
        return cerr_set(e, "invalid_pack", "time_limit_policy", "time_limit_policy: expected an object");
    if (tp) {
        const json_t *v;
        if ((v = json_object_get(tp, "calendar"))) {
            defcal = json_string_value(v);
            if (!defcal || !sla_calendar(sp, defcal))
                return cerr_set(e, "invalid_pack", "time_limit_policy.calendar",
                                "time_limit_policy.calendar: no calendar called \"%s\"", defcal ? defcal : "?");
        }
        if ((v = json_object_get(tp, "warn_percent"))) {
            if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 99)
                return cerr_set(e, "invalid_pack", "time_limit_policy.warn_percent",
                                "time_limit_policy.warn_percent: expected 1–99");
            sp->warn_percent = (int)json_integer_value(v);
        }
        if ((v = json_object_get(tp, "supervise_percent"))) {
            size_t n = json_array_size(v);
            if (!json_is_array(v) || n == 0 || n > SLA_MAX_SUPERVISE || json_integer_value(json_array_get(v, 0)) != 100)
                return cerr_set(e, "invalid_pack", "time_limit_policy.supervise_percent",
                                "time_limit_policy.supervise_percent: a list starting with 100 (the breach), "
                                "at most %d levels",
                                SLA_MAX_SUPERVISE);
            for (size_t i = 0; i < n; i++) {
                const json_t *p = json_array_get(v, i);
                if (!json_is_integer(p) || (i && json_integer_value(p) <= sp->supervise_percent[i - 1]) ||
                    json_integer_value(p) > 10000)
                    return cerr_set(e, "invalid_pack", "time_limit_policy.supervise_percent",
                                    "time_limit_policy.supervise_percent: increasing whole percentages");
                sp->supervise_percent[i] = (int)json_integer_value(p);
            }
            sp->nsupervise = (int)n;
        }
    }
    if (tp && load_extension_approvers(sp, json_object_get(tp, "extension_approvers"), e))
        return -1;
    if (!defcal) {
        if (sp->ncals != 1 && !sla_calendar(sp, "24x7"))
            return cerr_set(e, "invalid_pack", "time_limit_policy.calendar",
                            "time_limit_policy.calendar: name the default of the %zu calendars", sp->ncals);
        defcal = sp->ncals == 1 ? sp->cal_names[0] : "24x7";
    }
    snprintf(sp->default_calendar, sizeof sp->default_calendar, "%s", defcal);
    if (!tp)
        return 0;
    const json_t *clocks = json_object_get(tp, "clocks");
    if (clocks) {
        if (!json_is_object(clocks))
            return cerr_set(e, "invalid_pack", "time_limit_policy.clocks",
                            "time_limit_policy.clocks: expected an object");
        const char *name;
        const json_t *v;
        json_object_foreach((json_t *)clocks, name, v)
        {
            char f[96];
            snprintf(f, sizeof f, "time_limit_policy.clocks.%s", name);
            int ck = sla_clock_parse(name);
            if (ck < 0 || ck == SLA_PROGRESS)
                return cerr_set(e, "invalid_pack", f, "%s: unknown clock", f);
            bool per_level = json_object_get(v, "1") != NULL;
            for (int l = 0; l <= SLA_LEVELS; l++) {
                char lf[112];
                int lv = l ? l : m->default_level;
                char k[4];
                snprintf(k, sizeof k, "%d", lv);
                snprintf(lf, sizeof lf, per_level ? "%s.%s" : "%s", f, k);
                const json_t *lim = per_level ? json_object_get(v, k) : v;
                /* A level's null: no such clock at that level (001: 轻微投诉 need no hand-over). */
                if (per_level && json_is_null(lim)) {
                    memset(&sp->defaults[ck][l], 0, sizeof sp->defaults[ck][l]);
                    continue;
                }
                if (!lim && per_level)
                    return cerr_set(e, "invalid_pack", lf, "%s: missing: give a limit or null (no clock at this level)",
                                    lf);
                if (load_limit_obj(sp, lim, lf, &sp->defaults[ck][l], e))
                    return -1;
            }
        }
    }
    const json_t *rules = json_object_get(tp, "rules");
    if (rules) {
        if (!json_is_array(rules))
            return cerr_set(e, "invalid_pack", "time_limit_policy.rules", "time_limit_policy.rules: expected a list");
        sp->rules = xcalloc(json_array_size(rules) + 1, sizeof *sp->rules);
        size_t i;
        const json_t *r;
        json_array_foreach(rules, i, r)
        {
            char f[96];
            snprintf(f, sizeof f, "time_limit_policy.rules[%zu]", i);
            sp->nrules = i + 1;
            if (load_rule(sp, pol, r, f, &sp->rules[i], e))
                return -1;
        }
    }
    return 0;
}

static bool rule_matches(const taxonomy *pol, const sla_rule *r, const sla_attrs *a)
{
    if (r->levels && !(r->levels & (1u << a->level)))
        return false;
    if (r->complex && (r->complex > 0) != a->complex)
        return false;
    if (!strv_has(r->scopes, a->scope ? a->scope : "general") || !strv_has(r->classes, a->customer_class) ||
        !strv_has(r->channels, a->channel) || !strv_has(r->kinds, a->kind ? a->kind : "complaint"))
        return false;
    if (r->categories) {
        for (size_t i = 0; r->categories[i]; i++)
            if (a->category && taxonomy_category_within(pol, a->category, r->categories[i]))
                return true;
        return false;
    }
    return true;
}

void sla_select(const sla_policy *sp, const taxonomy *pol, int clock, const sla_attrs *a, sla_limit *out)
{
    int level = a->level >= 1 && a->level <= SLA_LEVELS ? a->level : 0;
    *out = sp->defaults[clock][level];
    for (size_t i = 0; i < sp->nrules; i++)
        if (sp->rules[i].clock == clock && rule_matches(pol, &sp->rules[i], a)) {
            *out = sp->rules[i].limit;
            break;
        }
    if (!out->calendar[0])
        snprintf(out->calendar, sizeof out->calendar, "%s", sp->default_calendar);
}

/* ---- clock arithmetic ------------------------------------------------------ */

static int64_t jint(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void seti(json_t *o, const char *k, int64_t v)
{
    json_object_set_new(o, k, json_integer(v));
}

static const char *state_of(const json_t *clock)
{
    const char *s = json_string_value(json_object_get(clock, "state"));
    return s ? s : "";
}

static int limit_kind(const json_t *clock)
{
    const json_t *l = json_object_get(clock, "limit");
    if (json_object_get(l, "working_minutes"))
        return SLA_WORKING_MINUTES;
    if (json_object_get(l, "working_days"))
        return SLA_WORKING_DAYS;
    if (json_object_get(l, "until"))
        return SLA_UNTIL;
    if (json_object_get(l, "same_day"))
        return SLA_SAME_DAY;
    return SLA_MINUTES;
}

static bool working(const json_t *clock)
{
    int k = limit_kind(clock);
    return k == SLA_WORKING_MINUTES || k == SLA_WORKING_DAYS;
}

static int cal_fail(cerr *e, int rc)
{
    return cerr_set(e, "validation_failed", "",
                    "工作日历无法计算该时限 (the working calendar cannot place "
                    "this deadline: %s)",
                    calendar_strerror(rc));
}

static const calendar *clock_cal(const sla_policy *sp, const json_t *clock)
{
    const calendar *c = sla_calendar(sp, json_string_value(json_object_get(clock, "calendar")));
    return c ? c : sla_calendar(sp, "");
}

/* Seconds of the clock's basis in [from, to). */
static int bsecs(const sla_policy *sp, const json_t *clock, int64_t from, int64_t to, int64_t *out, cerr *e)
{
    if (!working(clock)) {
        *out = to - from;
        return 0;
    }
    const calendar *cal = clock_cal(sp, clock);
    int rc = cal ? calendar_working_seconds(cal, from, to, out) : CALENDAR_EINVAL;
    return rc ? cal_fail(e, rc) : 0;
}

/* The instant `secs` seconds of the clock's basis after t. */
static int badd(const sla_policy *sp, const json_t *clock, int64_t t, int64_t secs, int64_t *out, cerr *e)
{
    if (!working(clock)) {
        *out = t + secs;
        return 0;
    }
    const calendar *cal = clock_cal(sp, clock);
    int rc = cal ? calendar_add_seconds(cal, t, secs < 0 ? 0 : secs, out) : CALENDAR_EINVAL;
    return rc ? cal_fail(e, rc) : 0;
}

/* The length of the clock's limit from start, in its basis. */
static int limit_total(const sla_policy *sp, const json_t *clock, int64_t start, int64_t *out, cerr *e)
{
    const json_t *l = json_object_get(clock, "limit");
    switch (limit_kind(clock)) {
    case SLA_WORKING_DAYS: {
        const calendar *cal = clock_cal(sp, clock);
        int64_t end;
        int rc = cal ? calendar_add_working_days(cal, start, jint(l, "working_days"), &end) : CALENDAR_EINVAL;
        if (rc)
            return cal_fail(e, rc);
        return bsecs(sp, clock, start, end, out, e);
    }
    case SLA_WORKING_MINUTES:
        *out = jint(l, "working_minutes") * 60;
        return 0;
    case SLA_UNTIL:
        *out = jint(l, "until") > start ? jint(l, "until") - start : 0;
        return 0;
    case SLA_SAME_DAY: {
        /* 23:59:59 of the start's local day: on time until the day ends. */
        const calendar *cal = clock_cal(sp, clock);
        int off = cal ? cal->utc_offset_min : 0;
        *out = (time_local_day(start, off) + 1) * 86400 - (int64_t)off * 60 - 1 - start;
        return 0;
    }
    default:
        *out = jint(l, "minutes") * 60;
        return 0;
    }
}

static json_t *limit_json(const sla_limit *l)
{
    switch (l->kind) {
    case SLA_WORKING_MINUTES:
        return json_pack("{s:I}", "working_minutes", (json_int_t)l->value);
    case SLA_WORKING_DAYS:
        return json_pack("{s:I}", "working_days", (json_int_t)l->value);
    case SLA_UNTIL:
        return json_pack("{s:I}", "until", (json_int_t)l->value);
    case SLA_SAME_DAY:
        return json_pack("{s:b}", "same_day", 1);
    default:
        return json_pack("{s:I}", "minutes", (json_int_t)l->value);
    }
}

int sla_plan(const sla_policy *sp, json_t *clock, cerr *e)
{
    int64_t base = jint(clock, "base"), total = jint(clock, "total"), paused = 0, d;
    size_t i;
    const json_t *p;
    json_array_foreach(json_object_get(clock, "pauses"), i, p)
    {
        int64_t a = json_integer_value(json_array_get(p, 0)), b = json_integer_value(json_array_get(p, 1));
        if (a < base)
            a = base;
        if (b <= a)
            continue;
        if (bsecs(sp, clock, a, b, &d, e))
            return -1;
        paused += d;
    }
    int64_t deadline, warn;
    if (badd(sp, clock, base, total + paused, &deadline, e) ||
        badd(sp, clock, base, total * sp->warn_percent / 100 + paused, &warn, e))
        return -1;
    seti(clock, "deadline", deadline);
    seti(clock, "warning_at", warn);
    json_t *esc = json_array();
    for (int k = 1; k < sp->nsupervise; k++) {
        int64_t t;
        if (badd(sp, clock, deadline, total * (sp->supervise_percent[k] - 100) / 100, &t, e)) {
            json_decref(esc);
            return -1;
        }
        /* Strictly after the deadline, so each level has its own instant. */
        json_array_append_new(esc, json_integer(t > deadline ? t : deadline + k));
    }
    json_object_set_new(clock, "escalate_at", esc);
    return 0;
}

int sla_start(const sla_policy *sp, const sla_limit *limit, int64_t start, json_t **out, cerr *e)
{
    *out = NULL;
    json_t *c = json_object();
    json_object_set_new(c, "state", json_string("running"));
    json_object_set_new(c, "calendar", json_string(limit->calendar[0] ? limit->calendar : sp->default_calendar));
    json_object_set_new(c, "limit", limit_json(limit));
    seti(c, "started_at", start);
    seti(c, "base", start);
    int64_t total;
    if (limit_total(sp, c, start, &total, e))
        goto fail;
    seti(c, "total", total);
    json_object_set_new(c, "pauses", json_array());
    json_object_set_new(c, "warned", json_false());
    seti(c, "level", 0);
    seti(c, "extensions", 0);
    if (sla_plan(sp, c, e))
        goto fail;
    *out = c;
    return 0;
fail:
    json_decref(c);
    return -1;
}

bool sla_open(const json_t *clock)
{
    const char *s = state_of(clock);
    return (strcmp(s, "running") == 0 || strcmp(s, "paused") == 0 || strcmp(s, "breached") == 0) &&
           !json_object_get(clock, "ended_at");
}

bool sla_running(const json_t *clock)
{
    return sla_open(clock) && strcmp(state_of(clock), "paused") != 0;
}

int sla_pause(const sla_policy *sp, json_t *clock, int64_t now, cerr *e)
{
    (void)sp, (void)e;
    if (!sla_running(clock))
        return 0;
    seti(clock, "paused_at", now);
    json_object_set_new(clock, "state", json_string("paused"));
    assert(sla_open(clock) && !sla_running(clock)); /* pause: running → paused, still open */
    return 0;
}

int sla_resume(const sla_policy *sp, json_t *clock, int64_t now, cerr *e)
{
    if (!sla_open(clock) || strcmp(state_of(clock), "paused") != 0)
        return 0;
    json_t *pauses = json_object_get(clock, "pauses");
    if (!json_is_array(pauses)) {
        pauses = json_array();
        json_object_set_new(clock, "pauses", pauses);
    }
    json_array_append_new(pauses, json_pack("[I,I]", (json_int_t)jint(clock, "paused_at"), (json_int_t)now));
    json_object_del(clock, "paused_at");
    json_object_set_new(clock, "state", json_string(jint(clock, "level") >= 1 ? "breached" : "running"));
    assert(sla_running(clock)); /* resume: paused → running, or breached when it was */
    return sla_plan(sp, clock, e);
}

int sla_stop(const sla_policy *sp, json_t *clock, int64_t now, cerr *e)
{
    if (!sla_open(clock))
        return 0;
    if (sla_resume(sp, clock, now, e))
        return -1;
    bool late = jint(clock, "level") >= 1 || now > jint(clock, "deadline");
    json_object_set_new(clock, "state", json_string(late ? "breached" : "met"));
    seti(clock, "ended_at", now);
    assert(!sla_open(clock)); /* stop ends it for good: met or breached, never reopened */
    return 0;
}

int sla_extend(const sla_policy *sp, json_t *clock, int64_t now, int64_t until, cerr *e)
{
    if (!sla_open(clock))
        return 0;
    if (sla_resume(sp, clock, now, e))
        return -1;
    int64_t total;
    if (bsecs(sp, clock, now, until, &total, e))
        return -1;
    seti(clock, "base", now);
    seti(clock, "total", total > 0 ? total : 0);
    json_object_set_new(clock, "pauses", json_array());
    json_object_set_new(clock, "warned", json_false());
    seti(clock, "level", 0);
    seti(clock, "extensions", jint(clock, "extensions") + 1);
    json_object_set_new(clock, "state", json_string("running"));
    return sla_plan(sp, clock, e);
}

int sla_replan(const sla_policy *sp, json_t *clock, const sla_limit *limit, cerr *e)
{
    if (!sla_open(clock))
        return 0;
    if (limit) {
        json_object_set_new(clock, "limit", limit_json(limit));
        if (limit->calendar[0])
            json_object_set_new(clock, "calendar", json_string(limit->calendar));
    }
    /* An approved extension is a commitment to an instant: it stands. */
    if (jint(clock, "extensions") == 0) {
        int64_t total;
        if (limit_total(sp, clock, jint(clock, "base"), &total, e))
            return -1;
        seti(clock, "total", total);
    }
    if (strcmp(state_of(clock), "paused") == 0) {
        /* Plan as if resumed at the pause, so a paused clock shows a deadline. */
        json_t *tmp = jsonw_copy(clock);
        json_array_append_new(json_object_get(tmp, "pauses"), json_pack("[I,I]", (json_int_t)jint(clock, "paused_at"),
                                                                        (json_int_t)jint(clock, "paused_at")));
        int rc = sla_plan(sp, tmp, e);
        if (rc == 0) {
            json_object_set(clock, "deadline", json_object_get(tmp, "deadline"));
            json_object_set(clock, "warning_at", json_object_get(tmp, "warning_at"));
            json_object_set(clock, "escalate_at", json_object_get(tmp, "escalate_at"));
        }
        json_decref(tmp);
        return rc;
    }
    /* A breach already recorded stays recorded (level, state): the further
     * supervision points follow the new deadline. */
    return sla_plan(sp, clock, e);
}

int64_t sla_remaining_minutes(const sla_policy *sp, const json_t *clock, int64_t now)
{
    if (!sla_open(clock))
        return 0;
    int64_t at = strcmp(state_of(clock), "paused") == 0 ? jint(clock, "paused_at") : now;
    int64_t deadline = jint(clock, "deadline"), secs = 0;
    if (strcmp(state_of(clock), "paused") == 0) {
        /* Left when it was paused: total + pauses − the time used up to the pause. */
        json_t *tmp = jsonw_copy(clock);
        json_array_append_new(json_object_get(tmp, "pauses"), json_pack("[I,I]", (json_int_t)at, (json_int_t)at));
        if (sla_plan(sp, tmp, NULL) == 0)
            deadline = jint(tmp, "deadline");
        json_decref(tmp);
    }
    const calendar *cal = clock_cal(sp, clock);
    if (working(clock) && cal) {
        if (calendar_working_seconds(cal, at, deadline, &secs) != CALENDAR_OK)
            return 0;
    } else {
        secs = deadline - at;
    }
    return secs / 60;
}

/* ---- the sweeper's view -------------------------------------------------------- */

/* The next point of one clock at which the sweeper acts; 0 = none. */
static int64_t next_point(const json_t *clock, int *kind, int *level)
{
    if (!sla_running(clock))
        return 0;
    int64_t lv = jint(clock, "level"), deadline = jint(clock, "deadline");
    if (lv == 0 && !json_is_true(json_object_get(clock, "warned")) && jint(clock, "warning_at") <= deadline) {
        *kind = SLA_DUE_WARN;
        *level = 0;
        return jint(clock, "warning_at");
    }
    if (lv == 0) {
        *kind = SLA_DUE_BREACH;
        *level = 1;
        return deadline + 1; /* late once the deadline has passed */
    }
    const json_t *esc = json_object_get(clock, "escalate_at");
    if ((size_t)lv - 1 < json_array_size(esc)) {
        *kind = SLA_DUE_SUPERVISE;
        *level = (int)lv + 1;
        return json_integer_value(json_array_get(esc, (size_t)lv - 1));
    }
    return 0;
}

int64_t sla_next_check(const json_t *clocks)
{
    int64_t best = 0;
    const char *name;
    const json_t *c;
    json_object_foreach((json_t *)clocks, name, c)
    {
        int k, l;
        int64_t t = next_point(c, &k, &l);
        if (t && (!best || t < best))
            best = t;
    }
    return best;
}

int64_t sla_nearest(const json_t *clocks)
{
    int64_t best = 0;
    const char *name;
    const json_t *c;
    json_object_foreach((json_t *)clocks, name, c)
    {
        if (!sla_running(c))
            continue;
        int64_t t = jint(c, "deadline");
        if (!best || t < best)
            best = t;
    }
    return best;
}

int64_t sla_warn_at(const json_t *clocks)
{
    int64_t best = 0;
    const char *name;
    const json_t *c;
    json_object_foreach((json_t *)clocks, name, c)
    {
        if (!sla_running(c))
            continue;
        int64_t t = jint(c, "warning_at");
        if (!best || t < best)
            best = t;
    }
    return best;
}

void sla_due_at(const json_t *clocks, int64_t now, sla_due *d)
{
    memset(d, 0, sizeof *d);
    int64_t best = 0;
    const char *name;
    const json_t *c;
    json_object_foreach((json_t *)clocks, name, c)
    {
        int k = 0, l = 0;
        int64_t t = next_point(c, &k, &l);
        if (!t || t > now || (best && t >= best))
            continue;
        /* A warning first seen after the deadline is overtaken by the breach. */
        if (k == SLA_DUE_WARN && now > jint(c, "deadline")) {
            k = SLA_DUE_BREACH;
            l = 1;
        }
        best = t;
        d->kind = k;
        d->level = l;
        d->clock = name;
    }
}
