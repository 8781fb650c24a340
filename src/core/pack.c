/* pack: see pack.h. */
#include "core/pack.h"

#include <stdio.h>
#include <string.h>

#include "core/custmsg.h"
#include "core/evidence.h"
#include "core/org.h"
#include "core/policy.h"
#include "core/roles.h"
#include "core/survey.h"
#include "core/workflow.h"

/* A string, or {"zh-CN": string, "en"?: string}. */
static int check_text(const json_t *v, const char *path, bool required, cerr *e)
{
    if (!v)
        return required ? cerr_set(e, "invalid_pack", path, "%s: required", path) : 0;
    if (json_is_string(v))
        return 0;
    const json_t *en = json_object_get(v, "en");
    if (json_is_object(v) && json_is_string(json_object_get(v, "zh-CN")) && (!en || json_is_string(en)))
        return 0;
    return cerr_set(e, "invalid_pack", path, "%s: expected a string or {\"zh-CN\", \"en\"}", path);
}

static int check_units(const json_t *pack, cerr *e)
{
    const json_t *units = json_object_get(pack, "units");
    if (!json_is_array(units) || json_array_size(units) == 0)
        return cerr_set(e, "invalid_pack", "units", "units: expected a non-empty array");
    size_t i;
    const json_t *u;
    json_array_foreach(units, i, u)
    {
        char f[64];
        snprintf(f, sizeof f, "units[%zu]", i);
        const char *code = json_string_value(json_object_get(u, "code"));
        const char *type = json_string_value(json_object_get(u, "type"));
        const json_t *parent = json_object_get(u, "parent");
        if (!code || !*code || !json_is_string(json_object_get(u, "name")))
            return cerr_set(e, "invalid_pack", f, "%s: needs string \"code\" and \"name\"", f);
        char g[80];
        snprintf(g, sizeof g, "%s.type", f);
        if (!type || !org_type_valid(type))
            return cerr_set(e, "invalid_pack", g, "%s: expected hq, branch, region, site, department, centre or partner", g);
        bool parent_seen = !parent || json_is_null(parent);
        for (size_t k = 0; k < i; k++) {
            const char *other = json_string_value(json_object_get(json_array_get(units, k), "code"));
            if (other && strcmp(other, code) == 0) {
                snprintf(g, sizeof g, "%s.code", f);
                return cerr_set(e, "invalid_pack", g, "%s: duplicate unit code \"%s\"", g, code);
            }
            if (json_is_string(parent) && other && strcmp(other, json_string_value(parent)) == 0)
                parent_seen = true;
        }
        snprintf(g, sizeof g, "%s.parent", f);
        if (!parent_seen)
            return cerr_set(e, "invalid_pack", g, "%s: must name a unit defined before it", g);
    }
    return 0;
}

/* A question's options, when it has them: [{code, name, score?}], score 1..5. */
static int check_survey_options(const json_t *opts, const char *path, cerr *e)
{
    if (!opts)
        return 0;
    if (!json_is_array(opts) || !json_array_size(opts))
        return cerr_set(e, "invalid_pack", path, "%s: expected a non-empty array of {code, name, score}", path);
    size_t i;
    const json_t *o;
    json_array_foreach(opts, i, o)
    {
        char g[224];
        snprintf(g, sizeof g, "%s[%zu].code", path, i);
        if (!json_is_string(json_object_get(o, "code")))
            return cerr_set(e, "invalid_pack", g, "%s: expected a string", g);
        snprintf(g, sizeof g, "%s[%zu].name", path, i);
        if (check_text(json_object_get(o, "name"), g, true, e))
            return -1;
        const json_t *sc = json_object_get(o, "score");
        snprintf(g, sizeof g, "%s[%zu].score", path, i);
        if (sc && !(json_is_integer(sc) && json_integer_value(sc) >= 1 && json_integer_value(sc) <= SURVEY_SCORE_MAX))
            return cerr_set(e, "invalid_pack", g, "%s: expected a score from 1 to %d", g, SURVEY_SCORE_MAX);
    }
    return 0;
}

static int check_survey(const json_t *s, const char *path, cerr *e)
{
    if (!s)
        return 0;
    if (!json_is_array(s))
        return cerr_set(e, "invalid_pack", path, "%s: expected an array of {code, question}", path);
    size_t i;
    const json_t *q;
    json_array_foreach(s, i, q)
    {
        char f[160], g[176];
        snprintf(f, sizeof f, "%s[%zu]", path, i);
        snprintf(g, sizeof g, "%s.code", f);
        if (!json_is_string(json_object_get(q, "code")))
            return cerr_set(e, "invalid_pack", g, "%s: expected a string", g);
        snprintf(g, sizeof g, "%s.question", f);
        if (check_text(json_object_get(q, "question"), g, true, e))
            return -1;
        snprintf(g, sizeof g, "%s.options", f);
        if (check_survey_options(json_object_get(q, "options"), g, e))
            return -1;
    }
    return 0;
}

static int check_categories(const json_t *arr, const char *path, cerr *e)
{
    size_t i;
    const json_t *c;
    json_array_foreach(arr, i, c)
    {
        char f[128], g[160];
        snprintf(f, sizeof f, "%s[%zu]", path, i);
        snprintf(g, sizeof g, "%s.script", f);
        if (check_text(json_object_get(c, "script"), g, false, e))
            return -1;
        snprintf(g, sizeof g, "%s.survey", f);
        if (check_survey(json_object_get(c, "survey"), g, e))
            return -1;
        snprintf(g, sizeof g, "%s.children", f);
        if (check_categories(json_object_get(c, "children"), g, e))
            return -1;
    }
    return 0;
}

/* natures / scopes: [{code, name, criteria?}] with the codes the workflow knows. */
static int check_codes(const json_t *pack, const char *key, const char *const *known, cerr *e)
{
    const json_t *arr = json_object_get(pack, key);
    if (!arr)
        return 0;
    if (!json_is_array(arr))
        return cerr_set(e, "invalid_pack", key, "%s: expected an array", key);
    size_t i;
    const json_t *it;
    json_array_foreach(arr, i, it)
    {
        char f[64], g[80];
        snprintf(f, sizeof f, "%s[%zu]", key, i);
        const char *code = json_string_value(json_object_get(it, "code"));
        bool ok = false;
        for (size_t k = 0; code && known[k] && !ok; k++)
            ok = strcmp(code, known[k]) == 0;
        snprintf(g, sizeof g, "%s.code", f);
        if (!ok)
            return cerr_set(e, "invalid_pack", g, "%s: expected one of the known codes (%s, …)", g, known[0]);
        snprintf(g, sizeof g, "%s.name", f);
        if (!json_is_string(json_object_get(it, "name")))
            return cerr_set(e, "invalid_pack", g, "%s: expected a string", g);
    }
    return 0;
}

static int check_incident_levels(const json_t *pack, cerr *e)
{
    const json_t *arr = json_object_get(pack, "incident_levels");
    if (!arr)
        return 0;
    if (!json_is_array(arr) || json_array_size(arr) != 3)
        return cerr_set(e, "invalid_pack", "incident_levels", "incident_levels: expected three response levels");
    size_t i;
    const json_t *it;
    json_array_foreach(arr, i, it)
    {
        char f[64];
        snprintf(f, sizeof f, "incident_levels[%zu].level", i);
        if (json_integer_value(json_object_get(it, "level")) != (json_int_t)i + 1)
            return cerr_set(e, "invalid_pack", f, "%s: expected %zu", f, i + 1);
        snprintf(f, sizeof f, "incident_levels[%zu].name", i);
        if (check_text(json_object_get(it, "name"), f, true, e))
            return -1;
    }
    return 0;
}

/* The sections of a pack (docs/packs.md): what Redress reads, and the notes beside it. */
static const char *const sections[] = {"name",
                                       "title",
                                       "version",
                                       "notes",
                                       "timezone",
                                       "number_prefix",
                                       "units",
                                       "channels",
                                       "customer_classes",
                                       "categories",
                                       "category_dimensions",
                                       "kinds",
                                       "levels",
                                       "default_level",
                                       "natures",
                                       "scopes",
                                       "time_limits",
                                       "time_limit_policy",
                                       "calendars",
                                       "rules",
                                       "clusters",
                                       "incident_levels",
                                       "closing",
                                       "penalties",
                                       "appeals",
                                       "authorization",
                                       "survey",
                                       "survey_link_days",
                                       "revisit",
                                       "confidentiality",
                                       "replies",
                                       "publication",
                                       "repeats",
                                       "indicators",
                                       "attachments",
                                       "corrections",
                                       "customer_messages",
                                       "trends",
                                       "review",
                                       NULL};

/* replies: {"written_channels": [the pack's channel codes], "written_methods": [reply methods]}. */
static int check_replies(const json_t *pack, cerr *e)
{
    static const char *const known[] = {"notes", "written_channels", "written_methods", NULL};
    static const char *const methods[] = {"letter", "fax", "email", "sms", "phone", "visit", NULL};
    const json_t *r = json_object_get(pack, "replies");
    if (!r)
        return 0;
    if (!json_is_object(r))
        return cerr_set(e, "invalid_pack", "replies", "replies: expected {written_channels, written_methods}");
    if (cerr_members(e, r, "replies", known)) {
        if (e)
            e->code = "invalid_pack";
        return -1;
    }
    size_t i, k;
    const json_t *v, *ch;
    json_array_foreach(json_object_get(r, "written_channels"), i, v)
    {
        bool found = false;
        json_array_foreach(json_object_get(pack, "channels"), k, ch) found =
            found || (json_is_string(v) && json_equal(json_object_get(ch, "code"), v));
        if (!found)
            return cerr_set(e, "invalid_pack", "replies.written_channels",
                            "replies.written_channels: expected the pack's channel codes");
    }
    json_array_foreach(json_object_get(r, "written_methods"), i, v)
    {
        bool found = false;
        for (const char *const *m = methods; *m && !found; m++)
            found = json_is_string(v) && strcmp(json_string_value(v), *m) == 0;
        if (!found)
            return cerr_set(e, "invalid_pack", "replies.written_methods",
                            "replies.written_methods: expected reply methods (letter, fax, email, …)");
    }
    return 0;
}

/* A section {"notes"?, key: [role names]}, when present (confidentiality, corrections). */
static int check_roles(const json_t *pack, const char *section, const char *key, cerr *e)
{
    const char *const known[] = {"notes", key, NULL};
    const json_t *sec = json_object_get(pack, section), *roles = json_object_get(sec, key);
    char f[64];
    snprintf(f, sizeof f, "%s.%s", section, key);
    if (!sec)
        return 0;
    if (!json_is_object(sec) || (roles && !json_is_array(roles)))
        return cerr_set(e, "invalid_pack", f, "%s: expected a list of role names", f);
    if (cerr_members(e, sec, section, known)) {
        if (e)
            e->code = "invalid_pack";
        return -1;
    }
    size_t i;
    const json_t *role;
    json_array_foreach(roles, i, role)
    {
        if (!json_is_string(role) || !role_parse(json_string_value(role)))
            return cerr_set(e, "invalid_pack", f, "%s: expected role names", f);
    }
    return 0;
}

/* A section {"notes"?, "days": min..366}, when present. */
static int check_days(const json_t *pack, const char *section, int min, cerr *e)
{
    static const char *const known[] = {"notes", "days", NULL};
    const json_t *sec = json_object_get(pack, section), *days = json_object_get(sec, "days");
    if (!sec)
        return 0;
    if (!json_is_object(sec) || !json_is_integer(days) || json_integer_value(days) < min ||
        json_integer_value(days) > 366) {
        char f[48];
        snprintf(f, sizeof f, "%s.days", section);
        return cerr_set(e, "invalid_pack", f, "%s: expected %d to 366 days", f, min);
    }
    if (cerr_members(e, sec, section, known) == 0)
        return 0;
    if (e)
        e->code = "invalid_pack";
    return -1;
}

/* Each kind's actions are actions of the table that people take (the system's are every kind's). */
static int check_kind_actions(const json_t *pack, cerr *e)
{
    size_t i, j;
    const json_t *k, *a;
    json_array_foreach(json_object_get(pack, "kinds"), i, k)
    {
        json_array_foreach(json_object_get(k, "actions"), j, a)
        {
            const wf_action *act = workflow_find(json_string_value(a));
            if (!act || (act->roles & R_SYSTEM)) {
                char f[96];
                snprintf(f, sizeof f, "kinds[%zu].actions[%zu]", i, j);
                return cerr_set(e, "invalid_pack", f, "%s: \"%s\" is not an action people take (docs/workflow.md)", f,
                                json_string_value(a));
            }
        }
    }
    return 0;
}

int pack_validate(json_t *pack, cerr *e)
{
    /* A misspelt section would silently fall back to the defaults. */
    if (cerr_members(e, pack, NULL, sections)) {
        if (e)
            e->code = "invalid_pack";
        return -1;
    }
    policy p;
    int rc = policy_load(&p, pack, e);
    policy_release(&p);
    if (rc)
        return -1;
    static const char *const natures[] = {"valid", "invalid", "suggestion", NULL};
    static const char *const scopes[] = {"general", "provincial", "national", NULL};
    if (check_units(pack, e) || check_categories(json_object_get(pack, "categories"), "categories", e) ||
        check_codes(pack, "natures", natures, e) || check_codes(pack, "scopes", scopes, e) ||
        check_survey(json_object_get(pack, "survey"), "survey", e) || check_incident_levels(pack, e) ||
        survey_check_pack(pack, e) || evidence_validate(json_object_get(pack, "attachments"), e))
        return -1;
    if (check_roles(pack, "confidentiality", "subject_unit_roles", e) || check_roles(pack, "corrections", "roles", e) ||
        check_replies(pack, e) || custmsg_check(json_object_get(pack, "customer_messages"), e))
        return -1;
    if (check_days(pack, "repeats", 0, e) || check_days(pack, "publication", 1, e) || check_kind_actions(pack, e))
        return -1;
    const json_t *days = json_object_get(pack, "survey_link_days");
    if (days && !(json_is_integer(days) && json_integer_value(days) >= 1 && json_integer_value(days) <= 90))
        return cerr_set(e, "invalid_pack", "survey_link_days", "survey_link_days: expected 1 to 90 days");
    return 0;
}
