/*
 * test_report: the indicators' table (counts and rates, a rate's value and
 * its target), the pack's overrides of names, definitions and targets, and
 * the periods' keys and days — ISO weeks across a year's end included.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/report.h"
#include "util/timeutil.h"

static void test_the_contract_ids_and_formulas(void **state)
{
    (void)state;
    static const char *const ids[] = {"received",          "invalid",     "on_time_rate", "first_contact_rate",
                                      "satisfaction_rate", "reopen_rate", "valid",        "suggestion",
                                      "open",              "closed",      "overdue",      "supervision_rate"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        assert_true(report_find(ids[i]) >= 0);
    assert_int_equal(report_find("no_such"), -1);
    size_t n;
    const report_def *d = report_defs(&n);
    const report_def *on_time = &d[report_find("on_time_rate")];
    assert_true(on_time->rate);
    /* Invalid complaints are never in the on-time denominator: closed valid ones are. */
    assert_int_equal(on_time->den, RF_CLOSED_VALID);
    assert_int_equal(on_time->num, RF_ON_TIME);
    assert_true(fabs(on_time->target - 0.95) < 1e-9);
    assert_true(fabs(report_value(on_time, 19, 20) - 0.95) < 1e-12);
    assert_true(isnan(report_value(on_time, 0, 0)));
    const report_def *received = &d[report_find("received")];
    assert_false(received->rate);
    assert_true(report_value(received, 7, 0) == 7.0);
    /* A floor and a ceiling. */
    assert_true(report_meets(on_time, 0.95, 0.95));
    assert_false(report_meets(on_time, 0.95, 0.949));
    const report_def *reopen = &d[report_find("reopen_rate")];
    assert_true(report_meets(reopen, 0.05, 0.04));
    assert_false(report_meets(reopen, 0.05, 0.06));
    assert_true(report_meets(on_time, NAN, 0.1));
}

static int load(const char *text, report_policy *rp, cerr *e, json_t **pack)
{
    json_error_t jerr;
    *pack = json_loads(text, 0, &jerr);
    assert_non_null(*pack);
    report_policy_init(rp);
    return report_policy_load(rp, *pack, e);
}

static void test_a_pack_names_and_targets(void **state)
{
    (void)state;
    report_policy rp;
    cerr e = {0};
    json_t *pack;
    assert_int_equal(load("{\"natures\": [{\"code\": \"invalid\", \"name\": \"沟通性投诉\", \"name_en\": \"Communicative\"}],"
                          " \"indicators\": {\"on_time_rate\": {\"target\": 0.9, \"name\": \"办结及时率\"},"
                          " \"first_contact_rate\": {\"target\": 0.8}, \"satisfaction_rate\": {\"target\": null}}}",
                          &rp, &e, &pack),
                     0);
    assert_string_equal(rp.ind[report_find("invalid")].name, "沟通性投诉");
    assert_string_equal(rp.ind[report_find("invalid")].name_en, "Communicative");
    assert_string_equal(rp.ind[report_find("on_time_rate")].name, "办结及时率");
    assert_true(fabs(rp.ind[report_find("on_time_rate")].target - 0.9) < 1e-12);
    assert_true(fabs(rp.ind[report_find("first_contact_rate")].target - 0.8) < 1e-12);
    assert_true(isnan(rp.ind[report_find("satisfaction_rate")].target));
    assert_string_equal(rp.ind[report_find("received")].name, "受理量"); /* the default */
    report_policy_release(&rp);
    json_decref(pack);

    static const char *const bad[] = {
        "{\"indicators\": {\"nope\": {}}}",
        "{\"indicators\": {\"on_time_rate\": {\"target\": 95}}}",
        "{\"indicators\": {\"on_time_rate\": {\"colour\": \"red\"}}}",
        "{\"indicators\": {\"received\": {\"target\": 0.5}}}",
        "{\"indicators\": {\"on_time_rate\": {\"name\": \"\"}}}",
        "{\"indicators\": []}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load(bad[i], &rp, &e, &pack), CERR_USER);
        assert_string_equal(e.field, "indicators");
        report_policy_release(&rp);
        json_decref(pack);
    }
}

static void key(int p, const char *date, const char *want)
{
    int64_t first, end, day;
    assert_int_equal(report_period_days(RP_DAY, date, &day, &end), 0);
    char got[16];
    report_period_key(p, day, got, sizeof got);
    assert_string_equal(got, want);
    /* The key's days hold the day, and give the key back. */
    assert_int_equal(report_period_days(p, want, &first, &end), 0);
    assert_true(first <= day && day < end);
    report_period_key(p, first, got, sizeof got);
    assert_string_equal(got, want);
    report_period_key(p, end - 1, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_periods(void **state)
{
    (void)state;
    key(RP_DAY, "2026-11-03", "2026-11-03");
    key(RP_MONTH, "2026-02-28", "2026-02");
    key(RP_QUARTER, "2026-11-03", "2026-Q4");
    key(RP_QUARTER, "2026-04-01", "2026-Q2");
    key(RP_YEAR, "2024-02-29", "2024");
    key(RP_WEEK, "2026-11-03", "2026-W45");
    /* ISO weeks across the year's end: 2026-12-31 is a Thursday (week 53); 2027-01-01 too belongs to it. */
    key(RP_WEEK, "2026-12-31", "2026-W53");
    key(RP_WEEK, "2027-01-03", "2026-W53");
    key(RP_WEEK, "2027-01-04", "2027-W01");
    key(RP_WEEK, "2024-12-30", "2025-W01");
    int64_t first, end;
    assert_int_equal(report_period_days(RP_WEEK, "2027-W01", &first, &end), 0);
    assert_int_equal(end - first, 7);
    assert_int_equal(first, days_from_civil(2027, 1, 4));
    assert_int_equal(report_period_days(RP_MONTH, "2026-12", &first, &end), 0);
    assert_int_equal(end, days_from_civil(2027, 1, 1));
    static const struct {
        int p;
        const char *key;
    } bad[] = {{RP_DAY, "2026-02-30"}, {RP_DAY, "2026-1-01"}, {RP_MONTH, "2026-13"}, {RP_QUARTER, "2026-Q5"},
               {RP_WEEK, "2025-W53"},  {RP_WEEK, "2026-W00"},  {RP_YEAR, "26"},     {RP_MONTH, "2026-11-03"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(report_period_days(bad[i].p, bad[i].key, &first, &end), -1);
    assert_int_equal(report_period_parse("month"), RP_MONTH);
    assert_int_equal(report_period_parse("fortnight"), -1);
    assert_int_equal(report_dim_parse("nature"), RD_NATURE);
    assert_int_equal(report_dim_parse("colour"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_contract_ids_and_formulas),
        cmocka_unit_test(test_a_pack_names_and_targets),
        cmocka_unit_test(test_periods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
