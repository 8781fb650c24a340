/*
 * Unit tests for core/rules: every condition and every action of the
 * declarative grading and routing rules, the window count through a
 * table-driven callback, the cluster rules, unit targets by relation,
 * answer_by, and a malformed rule refused with the JSON path. The policy
 * and the seven-unit organisation come from testutil.h; QA (a department
 * under HQ) has the function "quality" here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/policy.h"
#include "core/roles.h"
#include "core/rules.h"
#include "testutil.h"

static const char units_json[] =
    "[{\"code\":\"HQ\",\"name\":\"总部\",\"type\":\"hq\",\"parent\":null},"
    " {\"code\":\"SH\",\"name\":\"分公司\",\"type\":\"branch\",\"parent\":\"HQ\"},"
    " {\"code\":\"PD\",\"name\":\"片区\",\"type\":\"region\",\"parent\":\"SH\"},"
    " {\"code\":\"PD-01\",\"name\":\"站1\",\"type\":\"site\",\"parent\":\"PD\"},"
    " {\"code\":\"PD-02\",\"name\":\"站2\",\"type\":\"site\",\"parent\":\"PD\"},"
    " {\"code\":\"CC\",\"name\":\"客服中心\",\"type\":\"centre\",\"parent\":\"SH\"},"
    " {\"code\":\"QA\",\"name\":\"质量部\",\"type\":\"department\",\"parent\":\"HQ\",\"function\":\"quality\"}]";

/* Loads the test pack with units and the given rules/clusters (JSON text; NULL = none). */
static int load(policy *p, const char *rules, const char *clusters, cerr *e)
{
    json_error_t jerr;
    json_t *pack = json_loads(tu_pack_json, 0, &jerr);
    json_object_set_new(pack, "units", json_loads(units_json, 0, &jerr));
    if (rules)
        json_object_set_new(pack, "rules", json_loads(rules, 0, &jerr));
    if (clusters)
        json_object_set_new(pack, "clusters", json_loads(clusters, 0, &jerr));
    memset(e, 0, sizeof *e);
    int rc = policy_load(p, pack, e);
    json_decref(pack);
    return rc;
}

/* The window callback: complaints as a table of (unit, category, received). */
typedef struct row {
    int64_t id, unit;
    const char *cat;
    int64_t at;
} row;

typedef struct table {
    const row *rows;
    size_t n;
    int calls;
} table;

static int count_rows(void *arg, const int64_t *units, size_t nunits, const char *const *cats, size_t ncats,
                      int64_t since, int64_t until, int64_t *ids, size_t max, int64_t *n)
{
    table *t = arg;
    t->calls++;
    *n = 0;
    for (size_t i = 0; i < t->n; i++) {
        const row *r = &t->rows[i];
        bool u = false, c = false;
        for (size_t k = 0; k < nunits; k++)
            u = u || units[k] == r->unit;
        for (size_t k = 0; k < ncats; k++)
            c = c || strcmp(cats[k], r->cat) == 0;
        if (u && c && r->at >= since && r->at <= until) {
            if (ids && (size_t)*n < max)
                ids[*n] = r->id;
            (*n)++;
        }
    }
    return 0;
}

typedef struct fixture {
    policy pol;
    org org;
    table tab;
} fixture;

static rules_facts facts(const char *channel, const char *cat, const char *cls, const char *text, int64_t subject)
{
    rules_facts f = {channel, cat, cls, text, NULL, subject, 100000};
    return f;
}

/* Evaluates f under rules (JSON) into o (initialised here). */
static void eval(fixture *fx, const char *rules, const rules_facts *f, rules_outcome *o)
{
    cerr e;
    policy_release(&fx->pol);
    if (load(&fx->pol, rules, NULL, &e))
        fail_msg("rules do not load: %s", e.message);
    rules_outcome_init(o);
    assert_int_equal(rules_evaluate(&fx->pol.rules, &fx->pol.tax, &fx->org, f, count_rows, &fx->tab, o), 0);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    policy_init(&fx->pol);
    tu_org(&fx->org);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    policy_release(&fx->pol);
    org_release(&fx->org);
    free(fx);
    return 0;
}

static size_t nfired(const rules_outcome *o)
{
    return json_array_size(o->fired);
}

static void test_conditions(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *when;
        rules_facts f;
        bool fires;
    } cases[] = {
        {"{\"channel\":\"walk_in\"}", {"walk_in", "attitude", "ordinary", NULL, NULL, U_SITE1, 0}, true},
        {"{\"channel\":[\"walk_in\"]}", {"phone", "attitude", "ordinary", NULL, NULL, U_SITE1, 0}, false},
        /* a category matches its subtree, not its siblings */
        {"{\"category\":\"service\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE1, 0}, true},
        {"{\"category\":\"quality\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE1, 0}, false},
        {"{\"customer_class\":\"vip\"}", {"phone", "queue", "vip", NULL, NULL, U_SITE1, 0}, true},
        {"{\"customer_class\":\"vip\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE1, 0}, false},
        {"{\"unit\":\"PD-02\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE2, 0}, true},
        {"{\"unit\":\"PD-02\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE1, 0}, false},
        {"{\"unit_type\":\"site\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE1, 0}, true},
        {"{\"unit_type\":\"site\"}", {"phone", "queue", "ordinary", NULL, NULL, U_CENTRE, 0}, false},
        {"{\"unit_within\":\"PD\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE2, 0}, true},
        {"{\"unit_within\":\"PD\"}", {"phone", "queue", "ordinary", NULL, NULL, U_CENTRE, 0}, false},
        {"{\"keywords\":[\"记者\",\"曝光\"]}", {"phone", "queue", "ordinary", "要找电视台曝光", NULL, U_SITE1, 0}, true},
        {"{\"keywords\":[\"记者\"]}", {"phone", "queue", "ordinary", "态度差", NULL, U_SITE1, 0}, false},
        /* the demand is read too */
        {"{\"keywords\":[\"赔偿\"]}", {"phone", "queue", "ordinary", "态度差", "要求赔偿", U_SITE1, 0}, true},
        /* every condition must hold */
        {"{\"channel\":\"phone\",\"customer_class\":\"vip\"}", {"phone", "queue", "ordinary", NULL, NULL, U_SITE1, 0},
         false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rules[512];
        snprintf(rules, sizeof rules, "[{\"code\":\"r\",\"name\":\"r\",\"when\":%s,\"then\":{\"level\":2}}]",
                 cases[i].when);
        rules_outcome o;
        eval(fx, rules, &cases[i].f, &o);
        if ((nfired(&o) == 1) != cases[i].fires)
            fail_msg("case %zu (%s): fired %zu, expected %s", i, cases[i].when, nfired(&o),
                     cases[i].fires ? "to fire" : "not to fire");
        assert_int_equal(o.level, cases[i].fires ? 2 : 0);
        rules_outcome_release(&o);
    }
}

static void test_window_count(void **state)
{
    fixture *fx = *state;
    /* Two earlier quantity complaints: one at PD-01 within 24 h, one at PD-02; one at PD-01 too old. */
    static const row rows[] = {
        {11, U_SITE1, "quantity", 100000 - 3600},
        {12, U_SITE2, "quantity", 100000 - 7200},
        {13, U_SITE1, "quantity", 100000 - 90000},
        {14, U_SITE1, "attitude", 100000 - 60},
    };
    fx->tab = (table){rows, 4, 0};
    const char *same_site = "[{\"code\":\"q\",\"name\":\"q\",\"when\":{\"category\":\"quantity\",\"count\":"
                            "{\"same\":\"unit\",\"window_hours\":24,\"at_least\":2}},\"then\":{\"level\":2}}]";
    rules_facts f = facts("phone", "quantity", "ordinary", NULL, U_SITE1);
    rules_outcome o;
    eval(fx, same_site, &f, &o);
    assert_int_equal(o.level, 2); /* 11 and this one */
    assert_int_equal(fx->tab.calls, 1);
    rules_outcome_release(&o);
    const char *three = "[{\"code\":\"q\",\"name\":\"q\",\"when\":{\"count\":"
                        "{\"same\":\"unit\",\"category\":\"quality\",\"window_hours\":24,\"at_least\":3}},"
                        "\"then\":{\"level\":2}}]";
    eval(fx, three, &f, &o);
    assert_int_equal(o.level, 0); /* only 11 is in the window at PD-01 */
    rules_outcome_release(&o);
    /* The region: PD-01 and PD-02 together reach three. */
    const char *region = "[{\"code\":\"q\",\"name\":\"q\",\"when\":{\"count\":"
                         "{\"same\":\"unit\",\"unit_type\":\"region\",\"category\":\"quality\",\"window_hours\":24,"
                         "\"at_least\":3}},\"then\":{\"level\":1}}]";
    eval(fx, region, &f, &o);
    assert_int_equal(o.level, 1);
    rules_outcome_release(&o);
    /* A subject with no ancestor of the type: the count does not apply. */
    f.subject_unit = U_DEPT;
    eval(fx, region, &f, &o);
    assert_int_equal(o.level, 0);
    rules_outcome_release(&o);
    fx->tab = (table){0};
}

static void test_actions(void **state)
{
    fixture *fx = *state;
    const char *rules =
        "[{\"code\":\"a\",\"name\":{\"zh-CN\":\"甲\",\"en\":\"A\"},\"when\":{\"category\":\"service\"},"
        "  \"then\":{\"level\":2,\"scope\":\"provincial\",\"priority\":\"high\",\"owner\":\"subject\","
        "           \"answer_by\":[\"hq\"],\"promise_hours\":48,"
        "           \"notify\":{\"to\":{\"from\":\"subject\",\"up\":\"region\"},\"message\":\"注意\"}}},"
        " {\"code\":\"b\",\"name\":\"乙\",\"when\":{\"channel\":\"phone\"},"
        "  \"then\":{\"level\":1,\"scope\":\"general\",\"priority\":\"normal\","
        "           \"owner\":{\"from\":\"subject\",\"up\":\"hq\",\"function\":\"quality\"},\"answer_by\":[\"CC\"],"
        "           \"promise_hours\":12,\"notify\":{\"to\":\"QA\",\"message\":{\"zh-CN\":\"质量\",\"en\":\"Q\"}}}},"
        " {\"code\":\"c\",\"name\":\"丙\",\"when\":{\"channel\":\"walk_in\"},\"then\":{\"level\":3}}]";
    rules_facts f = facts("phone", "attitude", "vip", NULL, U_SITE1);
    rules_outcome o;
    eval(fx, rules, &f, &o);
    assert_int_equal(nfired(&o), 2);
    assert_int_equal(o.level, 1);                 /* the most severe */
    assert_string_equal(o.scope, "provincial");   /* the widest */
    assert_string_equal(o.priority, "high");      /* the highest */
    assert_int_equal(o.owner_unit, U_SITE1);      /* the first owner: the subject itself */
    assert_string_equal(o.answer_by->v[0], "hq"); /* the first */
    assert_int_equal(o.promise_minutes, 48 * 60);
    assert_int_equal(o.nnotify, 2);               /* every notify */
    assert_int_equal(o.notify[0].unit, U_REGION);
    assert_int_equal(o.notify[1].unit, U_DEPT);
    /* what fired is recorded with its actions, in rule order */
    const json_t *first = json_array_get(o.fired, 0);
    assert_string_equal(json_string_value(json_object_get(first, "code")), "a");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(first, "then"), "level")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(o.fired, 1), "code")), "b");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(json_array_get(o.fired, 1), "then"), "owner_unit")),
                     U_DEPT);
    rules_outcome_release(&o);
}

static void test_targets_and_answer(void **state)
{
    fixture *fx = *state;
    cerr e;
    policy_release(&fx->pol);
    assert_int_equal(load(&fx->pol, NULL, NULL, &e), 0);
    rule_target self = {RT_SUBJECT, NULL, NULL, NULL};
    rule_target branch = {RT_SUBJECT, NULL, "branch", NULL};
    rule_target qa = {RT_SUBJECT, NULL, "hq", "quality"};
    rule_target none = {RT_SUBJECT, NULL, "branch", "quality"}; /* no quality unit under SH */
    rule_target code = {RT_CODE, "CC", NULL, NULL};
    assert_int_equal(rules_resolve(&fx->pol.rules, &fx->org, &self, U_SITE2), U_SITE2);
    assert_int_equal(rules_resolve(&fx->pol.rules, &fx->org, &branch, U_SITE2), U_BRANCH);
    assert_int_equal(rules_resolve(&fx->pol.rules, &fx->org, &qa, U_SITE2), U_DEPT);
    assert_int_equal(rules_resolve(&fx->pol.rules, &fx->org, &none, U_SITE2), 0);
    assert_int_equal(rules_resolve(&fx->pol.rules, &fx->org, &code, U_SITE2), U_CENTRE);
    json_t *hq = json_pack("[s]", "hq"), *cc = json_pack("[s]", "CC");
    assert_true(rules_may_answer(&fx->org, hq, U_HQ));
    assert_true(rules_may_answer(&fx->org, hq, U_DEPT));    /* a department of headquarters */
    assert_false(rules_may_answer(&fx->org, hq, U_CENTRE)); /* the branch's service centre */
    assert_false(rules_may_answer(&fx->org, hq, U_BRANCH));
    assert_true(rules_may_answer(&fx->org, cc, U_CENTRE));
    assert_true(rules_may_answer(&fx->org, NULL, U_SITE1)); /* no restriction */
    /* a cooperating partner (SI) under headquarters does not answer for it */
    org o;
    tu_org(&o);
    unit si = {U__COUNT, (char *)"SI-01", (char *)"合作SI", NULL, (char *)"partner", U_HQ};
    org_add(&o, &si);
    assert_false(rules_may_answer(&o, hq, U__COUNT));
    assert_true(rules_may_answer(&o, hq, U_DEPT));
    org_release(&o);
    json_decref(hq);
    json_decref(cc);
}

static void test_clusters(void **state)
{
    fixture *fx = *state;
    static const row rows[] = {{21, U_SITE1, "quality", 100000 - 3600}, {22, U_SITE2, "quality", 100000 - 60}};
    fx->tab = (table){rows, 2, 0};
    cerr e;
    policy_release(&fx->pol);
    assert_int_equal(load(&fx->pol, NULL,
                          "[{\"code\":\"fq\",\"name\":\"油品\",\"category\":\"quality\",\"same\":\"unit\","
                          "\"window_hours\":24,\"at_least\":2,\"level\":1,"
                          "\"notify\":{\"to\":\"subject\",\"message\":\"停售\"}}]",
                          &e),
                     0);
    assert_int_equal(fx->pol.rules.nclusters, 1);
    assert_int_equal(fx->pol.rules.clusters[0].win.window_minutes, 24 * 60);
    fx->tab = (table){0};
}

/* notify.roles and notify.channels: who is told, and where each role is looked for. */
static void test_notify_reach(void **state)
{
    fixture *fx = *state;
    rules_facts f = facts("phone", "attitude", "ordinary", "着火了", U_SITE1);
    rules_outcome o;
    eval(fx,
         "[{\"code\":\"safety\",\"name\":\"安全\",\"when\":{\"keywords\":[\"着火\"]},"
         "  \"then\":{\"notify\":{\"to\":{\"from\":\"subject\",\"up\":\"region\"},"
         "    \"roles\":[{\"role\":\"supervisor\",\"at\":\"subject\"},\"manager\","
         "               {\"role\":\"manager\",\"at\":{\"from\":\"subject\",\"up\":\"branch\"}}],"
         "    \"channels\":[\"sms\",\"email\"],\"message\":\"到场\"}}},"
         " {\"code\":\"plain\",\"name\":\"平常\",\"then\":{\"notify\":{\"to\":\"subject\",\"message\":\"m\"}}},"
         " {\"code\":\"sms\",\"name\":\"短信\",\"then\":{\"notify\":{\"to\":\"CC\",\"roles\":[\"agent\"],\"message\":\"m\"}}}]",
         &f, &o);
    assert_int_equal(o.nnotify, 3);
    const rules_notify *n = &o.notify[0];
    assert_int_equal(n->unit, U_REGION);
    assert_int_equal(n->reach->nroles, 3);
    assert_int_equal(n->reach->roles[0].role, R_SUPERVISOR);
    assert_int_equal(n->reach->roles[1].role, R_MANAGER);
    assert_int_equal(n->reach->channels, RN_SMS | RN_EMAIL); /* no internal: not the unit's list */
    assert_int_equal(n->role_units[0], U_SITE1);  /* at the subject */
    assert_int_equal(n->role_units[1], U_REGION); /* at the target */
    assert_int_equal(n->role_units[2], U_BRANCH);
    assert_int_equal(n->role_units[3], 0);
    /* without roles and channels: the unit's in-app list only; roles alone add sms */
    assert_int_equal(o.notify[1].reach->nroles, 0);
    assert_int_equal(o.notify[1].reach->channels, RN_INTERNAL);
    assert_int_equal(o.notify[2].reach->channels, RN_INTERNAL | RN_SMS);
    assert_int_equal(o.notify[2].role_units[0], U_CENTRE);
    rules_outcome_release(&o);
}

/* units[].calendar: a unit's working calendar is its own or the nearest named above it. */
static void test_unit_calendar(void **state)
{
    fixture *fx = *state;
    json_error_t jerr;
    json_t *pack = json_loads(tu_pack_json, 0, &jerr);
    json_t *units = json_loads(units_json, 0, &jerr);
    json_object_set_new(json_array_get(units, 0), "calendar", json_string("office"));
    json_object_set_new(json_array_get(units, 5), "calendar", json_string("centre"));
    json_object_set_new(pack, "units", units);
    json_object_set_new(pack, "calendars",
                        json_pack("{s:{s:s},s:{s:{s:[s]}}}", "centre", "mode", "24x7", "office", "week", "mon",
                                  "08:30-17:30"));
    json_object_set_new(pack, "time_limit_policy", json_pack("{s:s}", "calendar", "centre"));
    cerr e = CERR_INIT;
    policy_release(&fx->pol);
    if (policy_load(&fx->pol, pack, &e))
        fail_msg("does not load: %s %s", e.field, e.message);
    assert_string_equal(rules_unit_calendar(&fx->pol.rules, &fx->org, U_SITE1), "office");
    assert_string_equal(rules_unit_calendar(&fx->pol.rules, &fx->org, U_CENTRE), "centre");
    assert_string_equal(rules_unit_calendar(&fx->pol.rules, &fx->org, U_HQ), "office");
    assert_string_equal(rules_unit_calendar(&fx->pol.rules, &fx->org, 0), "");
    /* a calendar the pack does not have */
    json_object_set_new(json_array_get(json_object_get(pack, "units"), 3), "calendar", json_string("night"));
    policy p;
    assert_int_not_equal(policy_load(&p, pack, &e), 0);
    assert_string_equal(e.field, "units[3].calendar");
    policy_release(&p);
    json_decref(pack);
}

static void expect_error(const char *rules, const char *clusters, const char *field)
{
    policy p;
    cerr e;
    int rc = load(&p, rules, clusters, &e);
    policy_release(&p);
    if (rc == 0)
        fail_msg("loaded; expected an error at %s", field);
    if (strcmp(e.field, field) != 0 || strncmp(e.message, field, strlen(field)) != 0)
        fail_msg("error at \"%s\" (%s), expected \"%s\"", e.field, e.message, field);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_error("{}", NULL, "rules");
    expect_error("[{\"name\":\"x\",\"then\":{\"level\":1}}]", NULL, "rules[0].code");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"when\":{\"chanel\":\"phone\"},\"then\":{\"level\":1}}]", NULL,
                 "rules[0].when.chanel");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"when\":{\"category\":[\"service\",\"nope\"]},\"then\":{\"level\":1}}]",
                 NULL, "rules[0].when.category[1]");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"then\":{\"level\":4}}]", NULL, "rules[0].then.level");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"then\":{}}]", NULL, "rules[0].then");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"then\":{\"owner\":\"NOPE\"}}]", NULL, "rules[0].then.owner");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"then\":{\"owner\":{\"from\":\"subject\",\"function\":\"legal\"}}}]",
                 NULL, "rules[0].then.owner");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"then\":{\"priority\":\"asap\"}}]", NULL, "rules[0].then.priority");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"when\":{\"count\":{\"same\":\"unit\",\"at_least\":2}},"
                 "\"then\":{\"level\":1}}]",
                 NULL, "rules[0].when.count.window_hours");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"then\":{\"level\":1}},{\"code\":\"x\",\"name\":\"y\",\"then\":{\"level\":2}}]",
                 NULL, "rules[1].code");
    expect_error(NULL, "[{\"code\":\"c\",\"name\":\"c\",\"same\":\"unit\",\"window_hours\":24,\"at_least\":2,"
                       "\"notify\":{\"to\":\"subject\",\"message\":\"m\"}}]",
                 "clusters[0].category");
    expect_error(NULL, "[{\"code\":\"c\",\"name\":\"c\",\"category\":\"quality\",\"same\":\"unit\",\"window_hours\":24,"
                       "\"at_least\":2}]",
                 "clusters[0].notify");
    /* notify roles and channels */
#define NOTIFY(x) "[{\"code\":\"x\",\"name\":\"x\",\"then\":{\"notify\":{\"to\":\"subject\",\"message\":\"m\"," x "}}}]"
    expect_error(NOTIFY("\"roles\":[\"manager\",\"boss\"]"), NULL, "rules[0].then.notify.roles[1]");
    expect_error(NOTIFY("\"roles\":[\"system\"]"), NULL, "rules[0].then.notify.roles[0]");
    expect_error(NOTIFY("\"roles\":[]"), NULL, "rules[0].then.notify.roles");
    expect_error(NOTIFY("\"roles\":[{\"role\":\"boss\",\"at\":\"subject\"}]"), NULL,
                 "rules[0].then.notify.roles[0].role");
    expect_error(NOTIFY("\"roles\":[{\"role\":\"manager\"}]"), NULL, "rules[0].then.notify.roles[0].at");
    expect_error(NOTIFY("\"roles\":[{\"role\":\"manager\",\"at\":\"NOPE\"}]"), NULL,
                 "rules[0].then.notify.roles[0].at");
    expect_error(NOTIFY("\"roles\":[{\"role\":\"manager\",\"at\":{\"from\":\"subject\",\"function\":\"legal\"}}]"),
                 NULL, "rules[0].then.notify.roles[0].at");
    expect_error(NOTIFY("\"roles\":[{\"role\":\"manager\",\"at\":\"subject\",\"up\":1}]"), NULL,
                 "rules[0].then.notify.roles[0].up");
    expect_error(NOTIFY("\"roles\":[\"manager\"],\"channels\":[\"sms\",\"fax\"]"), NULL,
                 "rules[0].then.notify.channels[1]");
    expect_error(NOTIFY("\"roles\":[\"manager\"],\"channels\":[\"internal\"]"), NULL,
                 "rules[0].then.notify.channels");
    expect_error(NOTIFY("\"channels\":[\"sms\"]"), NULL, "rules[0].then.notify.channels");
    expect_error(NOTIFY("\"channels\":\"sms\""), NULL, "rules[0].then.notify.channels");
#undef NOTIFY
    expect_error(NULL, "[{\"code\":\"c\",\"name\":\"c\",\"category\":\"quality\",\"same\":\"unit\",\"window_hours\":24,"
                       "\"at_least\":2,\"notify\":{\"to\":\"subject\",\"roles\":[\"chief\"],\"message\":\"m\"}}]",
                 "clusters[0].notify.roles[0]");
}

/* Rules over time: not at intake; due by age or reopens, once; keywords and count refused. */
static void test_over_time(void **state)
{
    fixture *fx = *state;
    cerr e;
    const char *rules = "[{\"code\":\"month\",\"name\":\"m\",\"when\":{\"age_days\":30,\"category\":\"service\"},"
                        "\"then\":{\"level\":1}},"
                        "{\"code\":\"twice\",\"name\":\"t\",\"when\":{\"reopens\":2},\"then\":{\"priority\":\"high\"}}]";
    if (load(&fx->pol, rules, NULL, &e))
        fail_msg("rules do not load: %s", e.message);
    rules_facts f = {"phone", "attitude", "ordinary", NULL, NULL, U_SITE1, 1000};
    rules_outcome o;
    rules_outcome_init(&o);
    assert_int_equal(rules_evaluate(&fx->pol.rules, &fx->pol.tax, &fx->org, &f, count_rows, &fx->tab, &o), 0);
    assert_int_equal(nfired(&o), 0); /* never at intake */
    rules_outcome_release(&o);
    const rules_set *r = &fx->pol.rules;
    int64_t day = 86400;
    assert_null(rules_due(r, &fx->pol.tax, &fx->org, &f, 0, 1000 + 30 * day - 1, NULL));
    assert_string_equal(rules_due(r, &fx->pol.tax, &fx->org, &f, 0, 1000 + 30 * day, NULL)->code, "month");
    json_t *fired = json_pack("[s]", "month");
    assert_null(rules_due(r, &fx->pol.tax, &fx->org, &f, 1, 1000 + 60 * day, fired));
    assert_string_equal(rules_due(r, &fx->pol.tax, &fx->org, &f, 2, 1000 + 60 * day, fired)->code, "twice");
    json_decref(fired);
    rules_facts q = {"phone", "quantity", "ordinary", NULL, NULL, U_SITE1, 1000}; /* not a service complaint */
    assert_null(rules_due(r, &fx->pol.tax, &fx->org, &q, 0, 1000 + 60 * day, NULL));
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"when\":{\"age_days\":30,\"keywords\":[\"a\"]},\"then\":{\"level\":1}}]",
                 NULL, "rules[0].when");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"when\":{\"age_days\":0},\"then\":{\"level\":1}}]", NULL,
                 "rules[0].when.age_days");
    expect_error("[{\"code\":\"x\",\"name\":\"x\",\"when\":{\"reopens\":2},\"then\":{\"owner\":\"PD-01\"}}]", NULL,
                 "rules[0].then");
}

/* Every shipped pack loads with its rules (the test runs at the repository root). */
static void test_shipped_packs(void **state)
{
    (void)state;
    static const char *packs[] = {"gas-station", "telecom", "utility", "restaurant", "property"};
    for (size_t i = 0; i < sizeof packs / sizeof packs[0]; i++) {
        char path[96];
        snprintf(path, sizeof path, "packs/%s.json", packs[i]);
        json_error_t jerr;
        json_t *pack = json_load_file(path, 0, &jerr);
        if (!pack)
            fail_msg("%s: %s", path, jerr.text);
        policy p;
        cerr e = {0};
        int rc = policy_load(&p, pack, &e);
        size_t n = p.rules.n;
        policy_release(&p);
        json_decref(pack);
        if (rc)
            fail_msg("%s: %s", path, e.message);
        assert_true(n > 0);
    }
}

/* The facts the conditions read come from the intake payload as it is stored. */
static void test_facts_of_payload(void **state)
{
    (void)state;
    json_t *p = json_pack("{s:s,s:s,s:{s:s},s:s,s:I,s:I}", "channel", "hotline", "category", "attitude", "customer",
                          "class", "vip", "description", "加油站员工态度恶劣", "subject_unit", (json_int_t)4,
                          "received_at", (json_int_t)1772294400);
    rules_facts f;
    rules_facts_of(p, &f);
    assert_string_equal(f.channel, "hotline");
    assert_string_equal(f.category, "attitude");
    assert_string_equal(f.customer_class, "vip");
    assert_string_equal(f.description, "加油站员工态度恶劣");
    assert_null(f.demand);
    assert_int_equal(f.subject_unit, 4);
    assert_int_equal(f.at, 1772294400);
    json_decref(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conditions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_count, setup, teardown),
        cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_targets_and_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clusters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_notify_reach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unit_calendar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_over_time, setup, teardown),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_shipped_packs),
        cmocka_unit_test(test_facts_of_payload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
