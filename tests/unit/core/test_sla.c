/*
 * Unit tests for core/sla: every clock transition at explicit instants —
 * start, pause, resume, stop (met and late), the sweeper's warning, breach
 * and further supervision points, an approved extension, a re-plan on
 * re-grading, on escalation and on a calendar change — and working-time
 * limits across a weekend, Golden Week 2026 and its make-up Saturday
 * (2026-10-10), including the gas utility's 1/2/3/5 working days. Then the
 * same clocks through the workflow: intake, dispatch, wait_customer/resume,
 * request/approve_extension, progress_reply, the sweeper's step, and replay
 * of all of it. No sleeping: every instant is a literal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/complaint.h"
#include "core/event.h"
#include "core/org.h"
#include "core/policy.h"
#include "core/sla.h"
#include "core/workflow.h"
#include "testutil.h"

#define MIN 60
#define HOUR 3600

/* Instants, +08:00. */
#define SEP30_1000 INT64_C(1790733600) /* Wed, the day before Golden Week */
#define OCT08_0900 INT64_C(1791421200) /* Thu, first working day after it */
#define OCT08_1730 INT64_C(1791451800)
#define OCT09_1524 INT64_C(1791530640)
#define OCT09_1730 INT64_C(1791538200)
#define OCT10_1730 INT64_C(1791624600) /* Sat, a make-up workday (调休上班日) */
#define OCT12_1730 INT64_C(1791797400)
#define OCT13_1730 INT64_C(1791883800)
#define MAR02_0900 INT64_C(1772413200) /* Mon */
#define MAR06_1600 INT64_C(1772784000) /* Fri */
#define MAR06_1700 INT64_C(1772787600)
#define MAR09_0900 INT64_C(1773018000) /* Mon */
#define MAR09_1630 INT64_C(1773045000)
#define MAR09_1730 INT64_C(1773048600)

#define WEEKDAYS(h) "\"mon\":" h ",\"tue\":" h ",\"wed\":" h ",\"thu\":" h ",\"fri\":" h ",\"sat\":[],\"sun\":[]"
#define OFFICE_HOURS "[\"08:30-12:00\",\"13:30-17:30\"]"

/* The test pack: the centre works 24x7, offices Mon–Fri with the PRC schedule. */
static const char pack_json[] =
    "{\"name\":\"sla-test\",\"timezone\":\"Asia/Shanghai\","
    " \"categories\":[{\"code\":\"service\",\"name\":\"服务\",\"children\":[{\"code\":\"attitude\",\"name\":"
    "\"服务态度\"}]},"
    "                 "
    "{\"code\":\"quality\",\"name\":\"油品质量\",\"children\":[{\"code\":\"quantity\",\"name\":\"数量\"}]}],"
    " \"channels\":[{\"code\":\"phone\",\"name\":\"电话\"},{\"code\":\"media\",\"name\":\"媒体\"},"
    "               {\"code\":\"regulator\",\"name\":\"12315\"}],"
    " \"customer_classes\":[{\"code\":\"ordinary\",\"name\":\"普通客户\"},{\"code\":\"vip\",\"name\":\"VIP\"}],"
    " \"levels\":[{\"code\":1,\"name\":\"重大\"},{\"code\":2,\"name\":\"紧急\"},{\"code\":3,\"name\":\"一般\"}],"
    " \"default_level\":3,"
    " \"time_limits\":{\"dispatch\":240,\"handle\":{\"1\":2520,\"2\":360,\"3\":1080},\"reply\":120,"
    "                  \"revisit\":10080,\"close\":1440,\"overall\":{\"1\":2880,\"2\":720,\"3\":1440}},"
    " \"calendars\":{\"centre\":{\"mode\":\"24x7\"},"
    "               \"office\":{\"week\":{" WEEKDAYS(
        OFFICE_HOURS) "},\"include\":[\"cn-2025-2026\"]}},"
                      " \"time_limit_policy\":{\"calendar\":\"centre\",\"warn_percent\":90,\"supervise_percent\":[100,"
                      "150,200],"
                      "   \"rules\":["
                      "     "
                      "{\"clock\":\"handle\",\"when\":{\"category\":\"quality\"},\"limit\":{\"working_days\":2,"
                      "\"calendar\":\"office\"}},"
                      "     "
                      "{\"clock\":\"handle\",\"when\":{\"channel\":\"regulator\"},\"limit\":{\"working_minutes\":480,"
                      "\"calendar\":\"office\"}},"
                      "     {\"clock\":\"overall\",\"when\":{\"channel\":\"media\"},\"limit\":{\"hours\":48}},"
                      "     {\"clock\":\"handle\",\"when\":{\"scope\":\"provincial\"},\"limit\":{\"hours\":48}},"
                      "     {\"clock\":\"handle\",\"when\":{\"scope\":\"national\"},\"limit\":{\"hours\":72}},"
                      "     "
                      "{\"clock\":\"overall\",\"when\":{\"level\":[3],\"customer_class\":\"vip\"},\"limit\":{\"hours\":"
                      "12}}]}}";

typedef struct fx {
    policy pol;
    org org;
} fx;

static void load_pack(policy *p, const char *text)
{
    json_error_t jerr;
    json_t *pack = json_loads(text, 0, &jerr);
    if (!pack)
        fail_msg("test pack is not JSON: %s", jerr.text);
    cerr e = {0};
    if (policy_load(p, pack, &e) != 0)
        fail_msg("test pack does not load: %s (%s)", e.message, e.field);
    json_decref(pack);
}

static int group_setup(void **state)
{
    static fx f;
    if (sodium_init() < 0)
        return -1;
    load_pack(&f.pol, pack_json);
    tu_org(&f.org);
    *state = &f;
    return 0;
}

static int group_teardown(void **state)
{
    fx *f = *state;
    policy_release(&f->pol);
    org_release(&f->org);
    return 0;
}

static int64_t I(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        fail_msg("no integer \"%s\" in the clock", k);
    return json_integer_value(v);
}

static const char *S(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static json_t *start(const fx *f, int kind, int64_t value, const char *cal, int64_t at)
{
    sla_limit l = {.kind = kind, .value = value};
    snprintf(l.calendar, sizeof l.calendar, "%s", cal);
    json_t *ck;
    cerr e = {0};
    if (sla_start(&f->pol.sla, &l, at, &ck, &e) != 0)
        fail_msg("sla_start: %s", e.message);
    return ck;
}

/* ---- the policy ----------------------------------------------------------------- */

static void test_policy_select(void **state)
{
    fx *f = *state;
    sla_limit l;
    sla_attrs a = {3, NULL, "ordinary", "attitude", "phone", NULL, false};
    /* defaults: time_limits in clock minutes, on the default calendar */
    sla_select(&f->pol.sla, &f->pol.tax, SLA_DISPATCH, &a, &l);
    assert_int_equal(l.kind, SLA_MINUTES);
    assert_int_equal(l.value, 240);
    assert_string_equal(l.calendar, "centre");
    sla_select(&f->pol.sla, &f->pol.tax, SLA_HANDLE, &a, &l);
    assert_int_equal(l.value, 1080);
    sla_select(&f->pol.sla, &f->pol.tax, SLA_FILL, &a, &l);
    assert_int_equal(l.value, 60);
    a.level = 2;
    sla_select(&f->pol.sla, &f->pol.tax, SLA_HANDLE, &a, &l);
    assert_int_equal(l.value, 360);
    /* a category rule matches the category's descendants, on its calendar */
    a.category = "quantity";
    sla_select(&f->pol.sla, &f->pol.tax, SLA_HANDLE, &a, &l);
    assert_int_equal(l.kind, SLA_WORKING_DAYS);
    assert_int_equal(l.value, 2);
    assert_string_equal(l.calendar, "office");
    /* the first matching rule wins */
    a.category = "attitude";
    a.channel = "regulator";
    sla_select(&f->pol.sla, &f->pol.tax, SLA_HANDLE, &a, &l);
    assert_int_equal(l.kind, SLA_WORKING_MINUTES);
    assert_int_equal(l.value, 480);
    /* media → 48 h promise; VIP general complaints 12 h; scope */
    a.channel = "media";
    sla_select(&f->pol.sla, &f->pol.tax, SLA_OVERALL, &a, &l);
    assert_int_equal(l.value, 48 * 60);
    a = (sla_attrs){3, NULL, "vip", "attitude", "phone", NULL, false};
    sla_select(&f->pol.sla, &f->pol.tax, SLA_OVERALL, &a, &l);
    assert_int_equal(l.value, 12 * 60);
    a.level = 1;
    sla_select(&f->pol.sla, &f->pol.tax, SLA_OVERALL, &a, &l);
    assert_int_equal(l.value, 2880);
    a.scope = "national";
    sla_select(&f->pol.sla, &f->pol.tax, SLA_HANDLE, &a, &l);
    assert_int_equal(l.value, 72 * 60);
    assert_int_equal(sla_clock_parse("overall"), SLA_OVERALL);
    assert_int_equal(sla_clock_parse("nope"), -1);
    assert_true(sla_scope_rank("national") > sla_scope_rank("provincial"));
}

static void test_policy_errors(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *field;
    } bad[] = {
        {"\"calendar\":\"centre\"", "\"calendar\":\"nowhere\"", "time_limit_policy.calendar"},
        {"\"limit\":{\"working_days\":2,\"calendar\":\"office\"}", "\"limit\":{\"fortnights\":2}",
         "time_limit_policy.rules[0].limit"},
        {"\"category\":\"quality\"", "\"category\":\"no-such\"", "time_limit_policy.rules[0].when.category"},
        {"\"supervise_percent\":[100,150,200]", "\"supervise_percent\":[90,150]",
         "time_limit_policy.supervise_percent"},
        {"\"08:30-12:00\"", "\"08:30-25:00\"", "calendars.office.week.mon[0]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *text = strdup(pack_json);
        char *at = strstr(text, bad[i].from);
        assert_non_null(at);
        size_t n = strlen(text) - strlen(bad[i].from) + strlen(bad[i].to) + 1;
        char *out = malloc(n);
        snprintf(out, n, "%.*s%s%s", (int)(at - text), text, bad[i].to, at + strlen(bad[i].from));
        json_t *pack = json_loads(out, 0, NULL);
        assert_non_null(pack);
        policy p;
        cerr e = {0};
        assert_int_equal(policy_load(&p, pack, &e), -1);
        if (strcmp(e.field, bad[i].field) != 0)
            fail_msg("case %zu: error on \"%s\" (%s), expected \"%s\"", i, e.field, e.message, bad[i].field);
        policy_release(&p);
        json_decref(pack);
        free(out);
        free(text);
    }
    /* a pack without calendars runs every limit on the clock */
    policy p;
    tu_policy(&p);
    assert_string_equal(p.sla.default_calendar, "24x7");
    assert_non_null(sla_calendar(&p.sla, ""));
    assert_true(sla_calendar(&p.sla, "")->all_hours);
    policy_release(&p);
}

/* The test pack with time_limit_policy.clocks.handover = clocks (JSON text); policy_load's rc, error in *e. */
static int load_handover(policy *p, const char *clocks, cerr *e)
{
    json_t *pack = json_loads(pack_json, 0, NULL);
    assert_non_null(pack);
    json_t *lim = json_loads(clocks, JSON_DECODE_ANY, NULL);
    assert_non_null(lim);
    json_object_set_new(json_object_get(pack, "time_limit_policy"), "clocks", json_pack("{s:o}", "handover", lim));
    memset(e, 0, sizeof *e);
    int rc = policy_load(p, pack, e);
    json_decref(pack);
    return rc;
}

/* A level's limit may be null (no clock at that level); anything else is named by its path. */
static void test_policy_per_level_null(void **state)
{
    (void)state;
    policy p;
    cerr e;
    sla_limit l;
    sla_attrs a = {1, NULL, "ordinary", "attitude", "phone", NULL, false};
    if (load_handover(&p, "{\"1\":{\"same_day\":true},\"2\":{\"minutes\":60},\"3\":null}", &e) != 0)
        fail_msg("refused: %s (%s)", e.message, e.field);
    sla_select(&p.sla, &p.tax, SLA_HANDOVER, &a, &l);
    assert_int_equal(l.kind, SLA_SAME_DAY);
    a.level = 2;
    sla_select(&p.sla, &p.tax, SLA_HANDOVER, &a, &l);
    assert_int_equal(l.kind, SLA_MINUTES);
    assert_int_equal(l.value, 60);
    a.level = 3;
    sla_select(&p.sla, &p.tax, SLA_HANDOVER, &a, &l);
    assert_int_equal(l.kind, SLA_NONE);
    a.level = 0; /* not graded: the pack's default level (3) */
    sla_select(&p.sla, &p.tax, SLA_HANDOVER, &a, &l);
    assert_int_equal(l.kind, SLA_NONE);
    policy_release(&p);
    static const struct {
        const char *clocks, *field;
    } bad[] = {
        {"{\"1\":{\"same_day\":true},\"2\":\"60\",\"3\":null}", "time_limit_policy.clocks.handover.2"},
        {"{\"1\":{\"same_day\":true},\"2\":{\"minutes\":60}}", "time_limit_policy.clocks.handover.3"},
        {"{\"1\":{\"same_day\":false},\"2\":null,\"3\":null}", "time_limit_policy.clocks.handover.1"},
        {"{\"1\":{\"same_day\":true,\"hours\":1},\"2\":null,\"3\":null}", "time_limit_policy.clocks.handover.1"},
        {"null", "time_limit_policy.clocks.handover"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (load_handover(&p, bad[i].clocks, &e) == 0)
            fail_msg("case %zu: %s accepted", i, bad[i].clocks);
        if (strcmp(e.field, bad[i].field) != 0)
            fail_msg("case %zu: error on \"%s\" (%s), expected \"%s\"", i, e.field, e.message, bad[i].field);
        policy_release(&p);
    }
}

/* ---- clock transitions ------------------------------------------------------------ */

static void test_start_and_warning_point(void **state)
{
    fx *f = *state;
    json_t *ck = start(f, SLA_MINUTES, 240, "centre", MAR02_0900);
    assert_string_equal(S(ck, "state"), "running");
    assert_string_equal(S(ck, "calendar"), "centre");
    assert_int_equal(I(ck, "started_at"), MAR02_0900);
    assert_int_equal(I(ck, "deadline"), MAR02_0900 + 240 * MIN);
    assert_int_equal(I(ck, "warning_at"), MAR02_0900 + 216 * MIN); /* 90 % */
    json_t *esc = json_object_get(ck, "escalate_at");
    assert_int_equal(json_array_size(esc), 2);
    assert_int_equal(json_integer_value(json_array_get(esc, 0)), MAR02_0900 + 360 * MIN); /* 150 % */
    assert_int_equal(json_integer_value(json_array_get(esc, 1)), MAR02_0900 + 480 * MIN); /* 200 % */
    assert_true(sla_open(ck) && sla_running(ck));
    assert_int_equal(sla_remaining_minutes(&f->pol.sla, ck, MAR02_0900 + 40 * MIN), 200);
    assert_int_equal(sla_remaining_minutes(&f->pol.sla, ck, MAR02_0900 + 250 * MIN), -10);
    json_decref(ck);
}

/* {"same_day": true}: 23:59:59 local (+08:00) of the start's day, in wall time on any calendar. */
static void test_same_day(void **state)
{
    fx *f = *state;
    const int64_t end = MAR02_0900 + 15 * HOUR - 1; /* Mon 2026-03-02 23:59:59 +08:00 */
    static const int64_t starts[] = {MAR02_0900 - 9 * HOUR, MAR02_0900, MAR02_0900 + 14 * HOUR + 30 * MIN,
                                     MAR02_0900 + 15 * HOUR - 1};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        json_t *ck = start(f, SLA_SAME_DAY, 1, "centre", starts[i]);
        if (I(ck, "deadline") != end)
            fail_msg("same day from %lld: deadline %lld, expected %lld", (long long)starts[i],
                     (long long)I(ck, "deadline"), (long long)end);
        json_decref(ck);
    }
    /* received at 23:30: 29 min 59 s; warned at 90 %; met at 23:59:59, late a second after */
    json_t *ck = start(f, SLA_SAME_DAY, 1, "centre", MAR02_0900 + 14 * HOUR + 30 * MIN);
    assert_true(json_is_true(json_object_get(json_object_get(ck, "limit"), "same_day")));
    assert_int_equal(I(ck, "total"), 30 * MIN - 1);
    assert_int_equal(I(ck, "warning_at"), MAR02_0900 + 14 * HOUR + 30 * MIN + (30 * MIN - 1) * 90 / 100);
    json_t *late = json_deep_copy(ck);
    cerr e = {0};
    assert_int_equal(sla_stop(&f->pol.sla, ck, end, &e), 0);
    assert_string_equal(S(ck, "state"), "met");
    assert_int_equal(sla_stop(&f->pol.sla, late, end + 1, &e), 0);
    assert_string_equal(S(late, "state"), "breached");
    json_decref(ck);
    json_decref(late);
    /* midnight starts the next day */
    ck = start(f, SLA_SAME_DAY, 1, "centre", end + 1);
    assert_int_equal(I(ck, "deadline"), end + 24 * HOUR);
    json_decref(ck);
    /* on the office calendar too: the civil day, whatever the working hours (Fri 16:00 → Fri 23:59:59) */
    ck = start(f, SLA_SAME_DAY, 1, "office", MAR06_1600);
    assert_int_equal(I(ck, "deadline"), MAR06_1600 + 8 * HOUR - 1);
    json_decref(ck);
}

static void test_pause_resume(void **state)
{
    fx *f = *state;
    cerr e;
    /* clock minutes: the pause is added whole */
    json_t *ck = start(f, SLA_MINUTES, 240, "centre", MAR02_0900);
    assert_int_equal(sla_pause(&f->pol.sla, ck, MAR02_0900 + 60 * MIN, &e), 0);
    assert_string_equal(S(ck, "state"), "paused");
    assert_false(sla_running(ck));
    assert_true(sla_open(ck));
    /* paused: 180 minutes were left at the pause, and still are later */
    assert_int_equal(sla_remaining_minutes(&f->pol.sla, ck, MAR02_0900 + 100 * MIN), 180);
    assert_int_equal(sla_resume(&f->pol.sla, ck, MAR02_0900 + 120 * MIN, &e), 0);
    assert_string_equal(S(ck, "state"), "running");
    assert_int_equal(I(ck, "deadline"), MAR02_0900 + 300 * MIN);
    assert_int_equal(I(ck, "warning_at"), MAR02_0900 + 276 * MIN);
    assert_null(json_object_get(ck, "paused_at"));
    assert_int_equal(json_array_size(json_object_get(ck, "pauses")), 1);
    /* pausing twice or resuming a running clock changes nothing */
    json_t *copy = json_deep_copy(ck);
    assert_int_equal(sla_resume(&f->pol.sla, ck, MAR02_0900 + 130 * MIN, &e), 0);
    assert_true(json_equal(copy, ck));
    json_decref(copy);
    json_decref(ck);

    /* working minutes: only the working time inside the pause counts —
     * Fri 17:00 → Mon 09:00 holds 30 + 30 working minutes */
    ck = start(f, SLA_WORKING_MINUTES, 480, "office", MAR06_1600);
    assert_int_equal(I(ck, "deadline"), MAR09_1630); /* 1.5 h Friday, 3.5 h + 3 h Monday */
    assert_int_equal(sla_pause(&f->pol.sla, ck, MAR06_1700, &e), 0);
    assert_int_equal(sla_resume(&f->pol.sla, ck, MAR09_0900, &e), 0);
    assert_int_equal(I(ck, "deadline"), MAR09_1730);
    json_decref(ck);
}

static void test_stop_met_and_late(void **state)
{
    fx *f = *state;
    cerr e;
    json_t *ck = start(f, SLA_MINUTES, 120, "centre", MAR02_0900);
    assert_int_equal(sla_stop(&f->pol.sla, ck, MAR02_0900 + 120 * MIN, &e), 0); /* exactly at the deadline */
    assert_string_equal(S(ck, "state"), "met");
    assert_int_equal(I(ck, "ended_at"), MAR02_0900 + 120 * MIN);
    assert_false(sla_open(ck));
    assert_int_equal(sla_remaining_minutes(&f->pol.sla, ck, MAR02_0900), 0);
    json_decref(ck);

    ck = start(f, SLA_MINUTES, 120, "centre", MAR02_0900);
    assert_int_equal(sla_stop(&f->pol.sla, ck, MAR02_0900 + 120 * MIN + 1, &e), 0);
    assert_string_equal(S(ck, "state"), "breached");
    json_decref(ck);

    /* stopping a paused clock closes the pause first: it was not late */
    ck = start(f, SLA_MINUTES, 120, "centre", MAR02_0900);
    sla_pause(&f->pol.sla, ck, MAR02_0900 + 60 * MIN, &e);
    assert_int_equal(sla_stop(&f->pol.sla, ck, MAR02_0900 + 600 * MIN, &e), 0);
    assert_string_equal(S(ck, "state"), "met");
    json_decref(ck);
}

static void test_sweeper_points(void **state)
{
    fx *f = *state;
    json_t *clocks = json_object();
    json_t *ck = start(f, SLA_MINUTES, 240, "centre", MAR02_0900);
    json_object_set_new(clocks, "handle", ck);
    sla_due d;
    assert_int_equal(sla_next_check(clocks), MAR02_0900 + 216 * MIN);
    assert_int_equal(sla_nearest(clocks), MAR02_0900 + 240 * MIN);
    assert_int_equal(sla_warn_at(clocks), MAR02_0900 + 216 * MIN);
    sla_due_at(clocks, MAR02_0900 + 216 * MIN - 1, &d);
    assert_int_equal(d.kind, SLA_DUE_NONE);
    sla_due_at(clocks, MAR02_0900 + 216 * MIN, &d);
    assert_int_equal(d.kind, SLA_DUE_WARN);
    assert_string_equal(d.clock, "handle");
    json_object_set_new(ck, "warned", json_true());
    /* late only once the deadline has passed */
    assert_int_equal(sla_next_check(clocks), MAR02_0900 + 240 * MIN + 1);
    sla_due_at(clocks, MAR02_0900 + 240 * MIN, &d);
    assert_int_equal(d.kind, SLA_DUE_NONE);
    sla_due_at(clocks, MAR02_0900 + 240 * MIN + 1, &d);
    assert_int_equal(d.kind, SLA_DUE_BREACH);
    assert_int_equal(d.level, 1);
    json_object_set_new(ck, "level", json_integer(1));
    json_object_set_new(ck, "state", json_string("breached"));
    assert_true(sla_running(ck));
    /* 150 %: supervision one unit up; 200 %: another */
    assert_int_equal(sla_next_check(clocks), MAR02_0900 + 360 * MIN);
    sla_due_at(clocks, MAR02_0900 + 360 * MIN, &d);
    assert_int_equal(d.kind, SLA_DUE_SUPERVISE);
    assert_int_equal(d.level, 2);
    json_object_set_new(ck, "level", json_integer(2));
    sla_due_at(clocks, MAR02_0900 + 480 * MIN, &d);
    assert_int_equal(d.level, 3);
    json_object_set_new(ck, "level", json_integer(3));
    assert_int_equal(sla_next_check(clocks), 0);
    sla_due_at(clocks, MAR02_0900 + 9999 * MIN, &d);
    assert_int_equal(d.kind, SLA_DUE_NONE);
    /* stopping a breached clock keeps it breached */
    cerr e;
    sla_stop(&f->pol.sla, ck, MAR02_0900 + 500 * MIN, &e);
    assert_string_equal(S(ck, "state"), "breached");
    assert_int_equal(sla_nearest(clocks), 0);

    /* a warning first seen after the deadline is overtaken by the breach */
    json_t *late = start(f, SLA_MINUTES, 60, "centre", MAR02_0900);
    json_object_set_new(clocks, "reply", late);
    sla_due_at(clocks, MAR02_0900 + 61 * MIN, &d);
    assert_int_equal(d.kind, SLA_DUE_BREACH);
    assert_string_equal(d.clock, "reply");
    /* a paused clock is never due */
    sla_pause(&f->pol.sla, late, MAR02_0900 + 30 * MIN, &e);
    sla_due_at(clocks, MAR02_0900 + 9999 * MIN, &d);
    assert_int_equal(d.kind, SLA_DUE_NONE);
    assert_int_equal(sla_next_check(clocks), 0);
    json_decref(clocks);
}

static void test_extension(void **state)
{
    fx *f = *state;
    cerr e;
    json_t *ck = start(f, SLA_MINUTES, 240, "centre", MAR02_0900);
    json_object_set_new(ck, "warned", json_true());
    json_object_set_new(ck, "level", json_integer(1));
    json_object_set_new(ck, "state", json_string("breached"));
    int64_t now = MAR02_0900 + 300 * MIN, until = MAR02_0900 + 400 * MIN;
    assert_int_equal(sla_extend(&f->pol.sla, ck, now, until, &e), 0);
    assert_string_equal(S(ck, "state"), "running");
    assert_int_equal(I(ck, "deadline"), until);
    assert_int_equal(I(ck, "warning_at"), now + 90 * MIN); /* 90 % of the new span */
    assert_int_equal(I(ck, "level"), 0);
    assert_false(json_is_true(json_object_get(ck, "warned")));
    assert_int_equal(I(ck, "extensions"), 1);
    assert_int_equal(I(ck, "started_at"), MAR02_0900);
    /* an approved deadline is a commitment: a re-plan of the limit keeps it */
    sla_limit l = {.kind = SLA_MINUTES, .value = 30};
    assert_int_equal(sla_replan(&f->pol.sla, ck, &l, &e), 0);
    assert_int_equal(I(ck, "deadline"), until);
    json_decref(ck);
    /* on a working calendar the new deadline is snapped back to working time */
    ck = start(f, SLA_WORKING_MINUTES, 60, "office", MAR06_1600);
    assert_int_equal(sla_extend(&f->pol.sla, ck, MAR06_1600, MAR06_1700 + 2 * HOUR, &e), 0);
    assert_int_equal(I(ck, "deadline"), MAR06_1700 + 30 * MIN); /* Friday 17:30, the end of work */
    json_decref(ck);
}

static void test_working_days_golden_week(void **state)
{
    fx *f = *state;
    /* the gas utility's 1 / 2 / 3 / 5 working days from receipt (004), received the
     * day before Golden Week: Oct 1–7 are holidays, Sat Oct 10 is a make-up workday */
    static const struct {
        int days;
        int64_t deadline;
    } want[] = {{1, OCT08_1730}, {2, OCT09_1730}, {3, OCT10_1730}, {4, OCT12_1730}, {5, OCT13_1730}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        json_t *ck = start(f, SLA_WORKING_DAYS, want[i].days, "office", SEP30_1000);
        if (I(ck, "deadline") != want[i].deadline)
            fail_msg("%d working days from Sep 30 10:00: deadline %lld, expected %lld", want[i].days,
                     (long long)I(ck, "deadline"), (long long)want[i].deadline);
        json_decref(ck);
    }
    json_t *ck = start(f, SLA_WORKING_DAYS, 2, "office", SEP30_1000);
    /* 90 % of 21 working hours (6 + 7.5 + 7.5) is 18.9 h: Oct 9 at 15:24 */
    assert_int_equal(I(ck, "warning_at"), OCT09_1524);
    /* remaining on Oct 8 09:00 (a working day after the holiday): 30 min of Oct 8
     * gone, so 7 h + 7.5 h left */
    assert_int_equal(sla_remaining_minutes(&f->pol.sla, ck, OCT08_0900), 14 * 60 + 30);
    /* on the 24x7 calendar the same clock would not care about the holiday */
    json_decref(ck);
    ck = start(f, SLA_MINUTES, 2 * 1440, "centre", SEP30_1000);
    assert_int_equal(I(ck, "deadline"), SEP30_1000 + 2 * 86400);
    json_decref(ck);
}

static void test_replan_on_calendar_change(void **state)
{
    fx *f = *state;
    cerr e;
    json_t *ck = start(f, SLA_WORKING_DAYS, 2, "office", SEP30_1000);
    assert_int_equal(I(ck, "deadline"), OCT09_1730);
    /* the organisation declares Oct 9 a holiday too: the deadline moves to the make-up Saturday */
    char *text = strdup(pack_json);
    char *at = strstr(text, "\"include\":[\"cn-2025-2026\"]");
    assert_non_null(at);
    const char *repl = "\"include\":[\"cn-2025-2026\"],\"holidays\":[\"2026-10-09\"]";
    size_t n = strlen(text) + strlen(repl) + 1;
    char *out = malloc(n);
    snprintf(out, n, "%.*s%s%s", (int)(at - text), text, repl, at + strlen("\"include\":[\"cn-2025-2026\"]"));
    policy p2;
    load_pack(&p2, out);
    assert_int_equal(sla_replan(&p2.sla, ck, NULL, &e), 0);
    assert_int_equal(I(ck, "deadline"), OCT10_1730);
    /* and through the workflow: a `replan` event carries the moved clock */
    complaint c;
    complaint_init(&c);
    c.id = 1;
    c.status = ST_PROCESSING;
    c.level = 3;
    c.owner_unit = U_SITE1;
    snprintf(c.category, sizeof c.category, "quantity");
    json_t *clocks = json_object();
    json_object_set_new(clocks, "handle", start(f, SLA_WORKING_DAYS, 2, "office", SEP30_1000));
    json_object_set_new(c.data, "clocks", clocks);
    assert_true(workflow_uses_calendar(&c, "office"));
    assert_false(workflow_uses_calendar(&c, "centre"));
    actor sys = {0, R_SYSTEM, 0};
    wf_ctx ctx = {&p2, &f->org, &sys, OCT08_0900, NULL, 0, NULL};
    event ev;
    event_init(&ev);
    assert_int_equal(workflow_step(&ctx, &c, "replan", NULL, &ev, &e), 0);
    json_t *moved = json_object_get(json_object_get(ev.payload, "clocks"), "handle");
    assert_non_null(moved);
    assert_int_equal(I(moved, "deadline"), OCT10_1730);
    assert_int_equal(json_integer_value(json_object_get(ev.payload, "stage_due")), OCT10_1730);
    event_seal(&ev);
    workflow_apply(&c, &ev);
    assert_int_equal(c.stage_due, OCT10_1730);
    /* users cannot take the system's actions */
    actor admin = {1, R_ALL_ROLES, U_HQ};
    wf_ctx uctx = {&p2, &f->org, &admin, OCT08_0900, NULL, 0, NULL};
    event ev2;
    event_init(&ev2);
    assert_int_equal(workflow_step(&uctx, &c, "replan", NULL, &ev2, &e), -1);
    assert_string_equal(e.code, "forbidden");
    event_release(&ev2);
    event_release(&ev);
    complaint_release(&c);
    policy_release(&p2);
    free(out);
    free(text);
    json_decref(ck);
}

/* ---- through the workflow ---------------------------------------------------------- */

static const actor agent = {11, R_AGENT, U_CENTRE};
static const actor handler1 = {12, R_HANDLER, U_SITE1};
static const actor supervisor = {14, R_SUPERVISOR, U_BRANCH};
static const actor sys = {0, R_SYSTEM, 0};

enum { MAX_EVENTS = 32 };

typedef struct walk {
    const fx *f;
    complaint c;
    event evs[MAX_EVENTS];
    size_t n;
} walk;

static void w_intake(walk *w, const char *received, int64_t now, const char *extra)
{
    json_t *in = tu_intake(received, "13800138000");
    if (extra) {
        json_t *x = json_loads(extra, 0, NULL);
        assert_non_null(x);
        json_object_update(in, x);
        json_decref(x);
    }
    wf_ctx ctx = {&w->f->pol, &w->f->org, &agent, now, NULL, 0, NULL};
    event *ev = &w->evs[w->n];
    event_init(ev);
    cerr e = {0};
    if (workflow_intake(&ctx, in, ev, &e) != 0)
        fail_msg("intake: %s (%s)", e.message, e.field);
    json_decref(in);
    ev->complaint_id = 1;
    json_object_set_new(ev->payload, "number", json_string("TS20260302-0001"));
    event_seal(ev);
    complaint_init(&w->c);
    workflow_apply(&w->c, ev);
    w->n++;
}

static int w_try(walk *w, const actor *who, int64_t now, const char *action, const char *input, cerr *e)
{
    wf_ctx ctx = {&w->f->pol, &w->f->org, who, now, NULL, 0, NULL};
    json_t *in = input ? json_loads(input, 0, NULL) : NULL;
    event *ev = &w->evs[w->n];
    event_init(ev);
    memset(e, 0, sizeof *e);
    int rc = workflow_step(&ctx, &w->c, action, in, ev, e);
    json_decref(in);
    if (rc) {
        event_release(ev);
        return rc;
    }
    event_seal(ev);
    workflow_apply(&w->c, ev);
    w->n++;
    return 0;
}

static void w_step(walk *w, const actor *who, int64_t now, const char *action, const char *input)
{
    cerr e;
    if (w_try(w, who, now, action, input, &e))
        fail_msg("%s: %s (%s)", action, e.message, e.field);
}

/* The sweeper's step at now; returns the action taken or NULL. */
static const char *w_sweep(walk *w, int64_t now)
{
    wf_ctx ctx = {&w->f->pol, &w->f->org, &sys, now, NULL, 0, NULL};
    event *ev = &w->evs[w->n];
    event_init(ev);
    cerr e = {0};
    int rc = workflow_sweep_step(&ctx, &w->c, ev, &e);
    if (rc) {
        event_release(ev);
        if (rc < 0)
            fail_msg("sweep: %s", e.message);
        return NULL;
    }
    event_seal(ev);
    workflow_apply(&w->c, ev);
    return w->evs[w->n++].action;
}

static const json_t *clk(const walk *w, const char *name)
{
    const json_t *ck = json_object_get(json_object_get(w->c.data, "clocks"), name);
    if (!ck)
        fail_msg("no clock %s", name);
    return ck;
}

/* Every event still says what it said when sealed: the projection shares
 * the clocks of the payloads it applied (workflow_apply), and no later
 * step may have changed one in place. */
static void w_events_intact(walk *w)
{
    for (size_t i = 0; i < w->n; i++) {
        char *sealed = strdup(w->evs[i].body);
        event_seal(&w->evs[i]);
        if (strcmp(sealed, w->evs[i].body) != 0)
            fail_msg("event %zu (%s) changed after it was sealed", i, w->evs[i].action);
        free(sealed);
    }
}

/* Replays the events into a fresh projection and compares. */
static void w_replay_check(walk *w)
{
    w_events_intact(w);
    complaint r;
    complaint_init(&r);
    for (size_t i = 0; i < w->n; i++)
        workflow_apply(&r, &w->evs[i]);
    const char *diff = complaint_diff(&w->c, &r);
    if (diff)
        fail_msg("replay differs in %s", diff);
    complaint_release(&r);
}

static void w_release(walk *w)
{
    for (size_t i = 0; i < w->n; i++)
        event_release(&w->evs[i]);
    complaint_release(&w->c);
}

#define RECV "2026-03-02T09:00:00+08:00"

static void test_workflow_clocks(void **state)
{
    walk w = {.f = *state};
    /* intake 90 minutes after receipt: the fill clock (1 h) was missed */
    w_intake(&w, RECV, MAR02_0900 + 90 * MIN, NULL);
    assert_string_equal(S(clk(&w, "fill"), "state"), "breached");
    assert_string_equal(S(clk(&w, "dispatch"), "state"), "running");
    assert_int_equal(I(clk(&w, "dispatch"), "deadline"), MAR02_0900 + 240 * MIN);
    assert_int_equal(I(clk(&w, "overall"), "deadline"), MAR02_0900 + 1440 * MIN);
    assert_int_equal(w.c.stage_due, MAR02_0900 + 240 * MIN);
    assert_int_equal(w.c.overall_due, MAR02_0900 + 1440 * MIN);
    assert_int_equal(w.c.warn_at, MAR02_0900 + 216 * MIN);
    assert_int_equal(w.c.next_check_at, MAR02_0900 + 216 * MIN);

    /* the sweeper: nothing before the warning point, a warning at it, once */
    assert_null(w_sweep(&w, MAR02_0900 + 200 * MIN));
    assert_string_equal(w_sweep(&w, MAR02_0900 + 220 * MIN), "warn");
    assert_null(w_sweep(&w, MAR02_0900 + 220 * MIN));
    assert_true(json_is_true(json_object_get(clk(&w, "dispatch"), "warned")));
    assert_int_equal(json_integer_value(json_object_get(w.c.data, "warnings")), 1);

    /* dispatch stops the dispatch clock (met) and starts handling: 1080 min */
    int64_t t = MAR02_0900 + 230 * MIN;
    w_step(&w, &agent, t, "dispatch", "{\"unit\":\"PD-01\"}");
    assert_string_equal(S(clk(&w, "dispatch"), "state"), "met");
    assert_int_equal(I(clk(&w, "handle"), "deadline"), t + 1080 * MIN);
    assert_int_equal(w.c.stage_due, t + 1080 * MIN);
    w_step(&w, &handler1, t + 10 * MIN, "accept", NULL);

    /* waiting for the customer pauses every running clock; any resume continues them */
    w_step(&w, &handler1, t + 60 * MIN, "wait_customer", "{\"reason\":\"等待客户提供小票\"}");
    assert_string_equal(S(clk(&w, "handle"), "state"), "paused");
    assert_string_equal(S(clk(&w, "overall"), "state"), "paused");
    assert_int_equal(w.c.stage_due, 0);
    assert_int_equal(w.c.next_check_at, 0);
    assert_non_null(json_object_get(w.c.data, "waiting"));
    cerr e;
    assert_int_equal(w_try(&w, &handler1, t + 70 * MIN, "wait_customer", "{\"reason\":\"again\"}", &e), -1);
    assert_string_equal(e.code, "action_not_allowed");
    assert_null(w_sweep(&w, t + 5000 * MIN)); /* paused: nothing is ever due */
    w_step(&w, &handler1, t + 180 * MIN, "resume", "{\"note\":\"小票已收到\"}");
    assert_null(json_object_get(w.c.data, "waiting"));
    assert_int_equal(I(clk(&w, "handle"), "deadline"), t + (1080 + 120) * MIN);
    assert_int_equal(w.c.stage_due, t + 1200 * MIN);

    /* an extension: asked for, the progress reply is owed before the old limit;
     * approved, the handling deadline moves */
    int64_t old = t + 1200 * MIN, want = t + 3000 * MIN;
    char in[160];
    char when[40];
    time_t tt = (time_t)(want + 8 * HOUR);
    struct tm tmv;
    gmtime_r(&tt, &tmv);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+08:00", &tmv);
    snprintf(in, sizeof in, "{\"deadline\":\"%s\",\"reason\":\"需第三方检测\"}", when);
    assert_int_equal(w_try(&w, &handler1, t + 300 * MIN, "approve_extension", NULL, &e), -1);
    w_step(&w, &handler1, t + 300 * MIN, "request_extension", in);
    assert_int_equal(I(clk(&w, "progress"), "deadline"), old);
    assert_int_equal(I(clk(&w, "handle"), "deadline"), old); /* not yet approved */
    assert_int_equal(w_try(&w, &handler1, t + 310 * MIN, "request_extension", in, &e), -1);
    assert_int_equal(w_try(&w, &handler1, t + 310 * MIN, "approve_extension", NULL, &e), -1);
    assert_string_equal(e.code, "forbidden");
    w_step(&w, &supervisor, t + 320 * MIN, "approve_extension", "{\"note\":\"同意\"}");
    assert_int_equal(I(clk(&w, "handle"), "deadline"), want);
    assert_int_equal(I(clk(&w, "handle"), "extensions"), 1);
    assert_string_equal(S(json_object_get(w.c.data, "extension"), "status"), "approved");
    /* the progress reply is still owed; given in time it is met */
    w_step(&w, &agent, t + 400 * MIN, "progress_reply", "{\"method\":\"phone\",\"content\":\"已告知客户检测进度\"}");
    assert_string_equal(S(clk(&w, "progress"), "state"), "met");
    assert_int_equal(json_array_size(json_object_get(w.c.data, "progress_replies")), 1);

    /* resolve stops handling, starts the reply clock; reply stops it and the promise */
    w_step(&w, &handler1, t + 500 * MIN, "resolve",
           "{\"resolution_type\":\"solution\",\"resolution\":\"已检测并补偿\",\"nature\":\"valid\"}");
    assert_string_equal(S(clk(&w, "handle"), "state"), "met");
    assert_int_equal(I(clk(&w, "reply"), "deadline"), t + 620 * MIN);
    w_step(&w, &agent, t + 530 * MIN, "reply", "{\"method\":\"phone\",\"content\":\"已答复\"}");
    assert_string_equal(S(clk(&w, "reply"), "state"), "met");
    assert_string_equal(S(clk(&w, "overall"), "state"), "met");
    assert_int_equal(I(clk(&w, "revisit"), "deadline"), t + 530 * MIN + 10080 * MIN);
    w_step(&w, &agent, t + 600 * MIN, "revisit", "{\"method\":\"phone\",\"result\":\"satisfied\"}");
    w_step(&w, &agent, t + 700 * MIN, "close",
           "{\"cause\":\"c\",\"responsibility\":\"handled_properly\",\"corrective_action\":\"无\"}");
    assert_int_equal(w.c.stage_due, 0);
    assert_int_equal(w.c.next_check_at, 0);
    assert_string_equal(S(clk(&w, "close"), "state"), "met");
    w_replay_check(&w);
    w_release(&w);
}

static void test_workflow_breach_and_supervision(void **state)
{
    walk w = {.f = *state};
    w_intake(&w, RECV, MAR02_0900 + 10 * MIN, NULL);
    int64_t t = MAR02_0900 + 20 * MIN;
    w_step(&w, &agent, t, "dispatch", "{\"unit\":\"PD-01\"}");
    /* first seen long after the deadline: the breach, not a late warning */
    int64_t late = t + 1081 * MIN;
    const json_t *last;
    assert_string_equal(w_sweep(&w, late), "breach");
    last = w.evs[w.n - 1].payload;
    assert_string_equal(json_string_value(json_object_get(last, "clock")), "handle");
    assert_int_equal(json_integer_value(json_object_get(last, "supervision_level")), 1);
    assert_int_equal(json_integer_value(json_object_get(last, "supervise_unit")), U_SITE1);
    assert_string_equal(S(clk(&w, "handle"), "state"), "breached");
    assert_true(json_is_true(json_object_get(clk(&w, "handle"), "warned")));
    /* the overall promise (1440 min from receipt, warning at 1296) is not due yet */
    assert_null(w_sweep(&w, late));
    /* the promise ran out meanwhile (its warning overtaken by the breach); then
     * 150 % of handling: one unit up (the region) */
    assert_string_equal(w_sweep(&w, t + 1620 * MIN), "breach");
    last = w.evs[w.n - 1].payload;
    assert_string_equal(json_string_value(json_object_get(last, "clock")), "overall");
    assert_string_equal(w_sweep(&w, t + 1620 * MIN), "supervise");
    last = w.evs[w.n - 1].payload;
    assert_string_equal(json_string_value(json_object_get(last, "clock")), "handle");
    assert_int_equal(json_integer_value(json_object_get(last, "supervision_level")), 2);
    assert_int_equal(json_integer_value(json_object_get(last, "supervise_unit")), U_REGION);
    assert_null(w_sweep(&w, t + 1620 * MIN));
    /* the promise's 150 % (t + 2140) and handling's 200 % (t + 2160): the branch */
    assert_string_equal(w_sweep(&w, t + 2160 * MIN), "supervise");
    last = w.evs[w.n - 1].payload;
    assert_string_equal(json_string_value(json_object_get(last, "clock")), "overall");
    assert_int_equal(json_integer_value(json_object_get(last, "supervise_unit")), U_REGION);
    assert_string_equal(w_sweep(&w, t + 2160 * MIN), "supervise");
    last = w.evs[w.n - 1].payload;
    assert_string_equal(json_string_value(json_object_get(last, "clock")), "handle");
    assert_int_equal(json_integer_value(json_object_get(last, "supervision_level")), 3);
    assert_int_equal(json_integer_value(json_object_get(last, "supervise_unit")), U_BRANCH);
    assert_null(w_sweep(&w, t + 2160 * MIN));
    assert_int_equal(json_integer_value(json_object_get(w.c.data, "supervisions")), 5);
    /* an approved extension puts the clock back on time */
    char in[160];
    time_t tt = (time_t)(t + 4000 * MIN + 8 * HOUR);
    struct tm tmv;
    gmtime_r(&tt, &tmv);
    char when[40];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+08:00", &tmv);
    snprintf(in, sizeof in, "{\"deadline\":\"%s\",\"reason\":\"需要更多时间\"}", when);
    w_step(&w, &handler1, t + 2200 * MIN, "request_extension", in);
    w_step(&w, &supervisor, t + 2210 * MIN, "approve_extension", NULL);
    assert_string_equal(S(clk(&w, "handle"), "state"), "running");
    assert_int_equal(I(clk(&w, "handle"), "level"), 0);
    /* a system actor's event has actor 0 and leaves the status alone */
    for (size_t i = 0; i < w.n; i++)
        if (strcmp(w.evs[i].action, "warn") == 0 || strcmp(w.evs[i].action, "breach") == 0) {
            assert_int_equal(w.evs[i].actor, 0);
            assert_int_equal(w.evs[i].from_status, w.evs[i].to_status);
        }
    w_replay_check(&w);
    w_release(&w);
}

static void test_workflow_replan_on_regrade_and_escalation(void **state)
{
    walk w = {.f = *state};
    w_intake(&w, RECV, MAR02_0900 + 10 * MIN, NULL);
    int64_t t = MAR02_0900 + 20 * MIN;
    w_step(&w, &agent, t, "dispatch", "{\"unit\":\"PD-01\"}");
    assert_int_equal(I(clk(&w, "handle"), "deadline"), t + 1080 * MIN);
    /* re-grading to level 2 re-plans from the clock's start, not from now */
    w_step(&w, &agent, t + 60 * MIN, "dispatch", "{\"unit\":\"PD-01\",\"level\":\"2\"}");
    assert_int_equal(w.c.level, 2);
    assert_int_equal(I(clk(&w, "handle"), "deadline"), t + 360 * MIN);
    assert_int_equal(I(clk(&w, "overall"), "deadline"), MAR02_0900 + 720 * MIN);
    assert_int_equal(w.c.overall_due, MAR02_0900 + 720 * MIN);
    /* escalation to the region keeps the scope; to the branch it becomes provincial (48 h) */
    w_step(&w, &handler1, t + 70 * MIN, "escalate", "{\"reason\":\"需片区协调\"}");
    assert_int_equal(w.c.owner_unit, U_REGION);
    assert_int_equal(I(clk(&w, "handle"), "deadline"), t + 360 * MIN);
    w_step(&w, &supervisor, t + 80 * MIN, "escalate", "{\"reason\":\"需分公司处理\"}");
    assert_int_equal(w.c.owner_unit, U_BRANCH);
    assert_string_equal(S(w.c.data, "scope"), "provincial");
    assert_int_equal(I(clk(&w, "handle"), "deadline"), t + 48 * 60 * MIN);
    assert_int_equal(I(clk(&w, "handle"), "started_at"), t);
    /* and to HQ: national, 72 h */
    w_step(&w, &supervisor, t + 90 * MIN, "escalate", "{\"reason\":\"需总部处理\"}");
    assert_string_equal(S(w.c.data, "scope"), "national");
    assert_int_equal(I(clk(&w, "handle"), "deadline"), t + 72 * 60 * MIN);
    w_replay_check(&w);
    w_release(&w);

    /* a quality complaint is handled in 2 working days on the office calendar */
    walk q = {.f = *state};
    w_intake(&q, "2026-09-30T09:00:00+08:00", SEP30_1000 - 30 * MIN, "{\"category\":\"quantity\"}");
    w_step(&q, &agent, SEP30_1000, "dispatch", "{\"unit\":\"PD-01\"}");
    assert_string_equal(S(clk(&q, "handle"), "calendar"), "office");
    assert_int_equal(I(clk(&q, "handle"), "deadline"), OCT09_1730);
    assert_int_equal(I(clk(&q, "handle"), "warning_at"), OCT09_1524);
    w_release(&q);
}

static void test_actions_offered(void **state)
{
    fx *f = *state;
    /* GET …/actions never offers the system's actions, whoever asks */
    complaint c;
    complaint_init(&c);
    c.id = 1;
    c.status = ST_PROCESSING;
    c.level = 3;
    c.owner_unit = U_SITE1;
    actor every = {1, R_ALL_ROLES, U_HQ};
    wf_ctx ctx = {&f->pol, &f->org, &every, MAR02_0900, NULL, 0, NULL};
    const wf_action *acts[64];
    size_t n = workflow_allowed(&ctx, &c, acts, 64);
    for (size_t i = 0; i < n; i++) {
        assert_false(acts[i]->roles & R_SYSTEM);
        assert_string_not_equal(acts[i]->name, "warn");
    }
    assert_int_equal(role_parse("system"), 0);
    complaint_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_select),
        cmocka_unit_test(test_policy_errors),
        cmocka_unit_test(test_policy_per_level_null),
        cmocka_unit_test(test_start_and_warning_point),
        cmocka_unit_test(test_same_day),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_stop_met_and_late),
        cmocka_unit_test(test_sweeper_points),
        cmocka_unit_test(test_extension),
        cmocka_unit_test(test_working_days_golden_week),
        cmocka_unit_test(test_replan_on_calendar_change),
        cmocka_unit_test(test_workflow_clocks),
        cmocka_unit_test(test_workflow_breach_and_supervision),
        cmocka_unit_test(test_workflow_replan_on_regrade_and_escalation),
        cmocka_unit_test(test_actions_offered),
    };
    return cmocka_run_group_tests_name("sla", tests, group_setup, group_teardown);
}
