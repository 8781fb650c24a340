/*
 * test_survey: the revisit's questionnaire — which questions a complaint of
 * a category is asked and in what order, how answers are checked and
 * normalised, and the overall result and follow-up their scores give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/survey.h"

static const char *PACK =
    "{\"survey\": [{\"code\": \"result\", \"question\": \"处理结果\"}, {\"code\": \"staff\", \"question\": \"员工服务\"}],"
    " \"categories\": [{\"code\": \"quality\", \"survey\": [{\"code\": \"sample\", \"question\": \"抽检告知\"},"
    "                                                   {\"code\": \"staff\", \"question\": \"又问一次\"}],"
    "   \"children\": [{\"code\": \"quality.fuel\", \"survey\": [{\"code\": \"speed\", \"question\": \"速度\","
    "     \"options\": [{\"code\": \"fast\", \"name\": \"快\", \"score\": 5}, {\"code\": \"slow\", \"name\": \"慢\", \"score\": 1},"
    "                   {\"code\": \"unsure\", \"name\": \"说不清\"}]}]}]},"
    "  {\"code\": \"service\"}]}";

static json_t *pack;

static int setup(void **state)
{
    (void)state;
    pack = json_loads(PACK, 0, NULL);
    return pack ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(pack);
    return 0;
}

static void test_questions_in_order(void **state)
{
    (void)state;
    survey_q q[SURVEY_MAX];
    size_t n = survey_questions(pack, "quality.fuel", q, SURVEY_MAX);
    assert_int_equal(n, 4);
    const char *want[] = {"result", "staff", "sample", "speed"}; /* general, ancestor, own; staff once */
    for (size_t i = 0; i < n; i++)
        assert_string_equal(q[i].code, want[i]);
    assert_string_equal(json_string_value(q[1].question), "员工服务");
    assert_null(q[0].options);
    assert_non_null(q[3].options);
    assert_int_equal(survey_questions(pack, "service", q, SURVEY_MAX), 2);
    assert_int_equal(survey_questions(pack, NULL, q, SURVEY_MAX), 2);
    assert_int_equal(survey_questions(pack, "no.such", q, SURVEY_MAX), 2);
    assert_int_equal(survey_questions(pack, "quality.fuel", q, 3), 3);
}

static json_t *check(const char *category, const char *answers, cerr *e)
{
    json_t *in = json_loads(answers, 0, NULL), *out = NULL;
    assert_non_null(in);
    int rc = survey_check(pack, category, in, &out, e);
    json_decref(in);
    assert_true(rc == 0 ? out != NULL : out == NULL);
    return out;
}

static void expect_refused(const char *category, const char *answers, const char *field)
{
    cerr e = CERR_INIT;
    assert_null(check(category, answers, &e));
    assert_string_equal(e.field, field);
}

static void test_answers_checked(void **state)
{
    (void)state;
    expect_refused("service", "{}", "answers");
    expect_refused("service", "[1]", "answers[0]");
    expect_refused("service", "[{\"question\": \"sample\", \"score\": 5}]", "answers[0].question"); /* not asked here */
    expect_refused("service", "[{\"score\": 5}]", "answers[0].question");
    expect_refused("service", "[{\"question\": \"result\", \"score\": 5}, {\"question\": \"result\", \"score\": 1}]",
                   "answers[1].question");
    expect_refused("service", "[{\"question\": \"result\", \"score\": 6}]", "answers[0].score");
    expect_refused("service", "[{\"question\": \"result\", \"score\": 0}]", "answers[0].score");
    expect_refused("service", "[{\"question\": \"result\", \"score\": 4.5}]", "answers[0].score");
    expect_refused("service", "[{\"question\": \"result\"}]", "answers[0].score");
    expect_refused("service", "[{\"question\": \"result\", \"option\": \"fast\"}]", "answers[0].score");
    expect_refused("service", "[{\"question\": \"result\", \"score\": 3, \"why\": 1}]", "answers[0].why");
    expect_refused("service", "[{\"question\": \"result\", \"score\": 3, \"text\": 7}]", "answers[0].text");
    expect_refused("quality.fuel", "[{\"question\": \"speed\", \"option\": \"medium\"}]", "answers[0].option");
    expect_refused("quality.fuel", "[{\"question\": \"speed\", \"score\": 5}]", "answers[0].option");
    char big[2200] = "[{\"question\": \"result\", \"score\": 3, \"text\": \"";
    for (int i = 0; i < SURVEY_TEXT_MAX + 1; i++)
        strcat(big, "x");
    strcat(big, "\"}]");
    expect_refused("service", big, "answers[0].text");
}

static void test_answers_normalised(void **state)
{
    (void)state;
    cerr e = CERR_INIT;
    json_t *out = check("quality.fuel",
                        "[{\"question\": \"speed\", \"option\": \"fast\", \"text\": \"很快\"},"
                        " {\"question\": \"result\", \"score\": 4, \"text\": \"\"},"
                        " {\"question\": \"sample\", \"score\": 3, \"text\": null}]",
                        &e);
    char *s = json_dumps(out, JSON_COMPACT);
    /* the questions' order; an option's score copied in; empty words dropped */
    assert_string_equal(s, "[{\"question\":\"result\",\"score\":4},{\"question\":\"sample\",\"score\":3},"
                           "{\"question\":\"speed\",\"option\":\"fast\",\"score\":5,\"text\":\"很快\"}]");
    free(s);
    assert_string_equal(survey_result(out), "basically_satisfied");
    assert_false(survey_low(out));
    json_decref(out);
    out = check("quality.fuel", "[{\"question\": \"speed\", \"option\": \"unsure\"}]", &e);
    assert_null(survey_result(out)); /* no score: no result of its own */
    json_decref(out);
}

static void test_result_from_scores(void **state)
{
    (void)state;
    static const struct {
        const char *answers, *result;
        bool low;
    } cases[] = {
        {"[{\"question\": \"result\", \"score\": 5}, {\"question\": \"staff\", \"score\": 4}]", "satisfied", false},
        {"[{\"question\": \"result\", \"score\": 5}, {\"question\": \"staff\", \"score\": 3}]", "basically_satisfied", false},
        {"[{\"question\": \"result\", \"score\": 5}, {\"question\": \"staff\", \"score\": 2}]", "dissatisfied", true},
        {"[{\"question\": \"result\", \"score\": 1}]", "dissatisfied", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cerr e = CERR_INIT;
        json_t *out = check("service", cases[i].answers, &e);
        assert_string_equal(survey_result(out), cases[i].result);
        assert_int_equal(survey_low(out), cases[i].low);
        json_decref(out);
    }
    json_t *none = json_array();
    assert_null(survey_result(none));
    assert_false(survey_low(none));
    json_decref(none);
}

static void test_plan(void **state)
{
    (void)state;
    json_t *p = json_loads("{\"revisit\": {\"attempts\": 3, \"sample_percent\": 30,"
                           " \"always\": {\"classes\": [\"vip\"], \"levels\": [1]},"
                           " \"visit\": {\"classes\": [\"vip\", \"group\"]}}}",
                           0, NULL);
    revisit_plan a, b;
    int sampled = 0;
    char number[32];
    for (int i = 0; i < 2000; i++) {
        snprintf(number, sizeof number, "TS20261207-%04d", i);
        survey_plan(p, number, 3, "ordinary", &a);
        survey_plan(p, number, 3, "ordinary", &b);
        assert_int_equal(a.required, b.required); /* the same choice at every reading */
        assert_false(a.visit);
        assert_int_equal(a.attempts, 3);
        sampled += a.required;
    }
    assert_in_range(sampled, 500, 700); /* about 30 % of 2000 */
    for (int i = 0; i < 50; i++) {
        snprintf(number, sizeof number, "TS20261207-%04d", i);
        survey_plan(p, number, 3, "vip", &a);
        assert_true(a.required && a.visit);
        survey_plan(p, number, 1, "ordinary", &a);
        assert_true(a.required && !a.visit);
        survey_plan(p, number, 2, "group", &a);
        assert_true(a.visit);
    }
    json_decref(p);
    /* no section: everyone, once, no visit */
    survey_plan(pack, "TS20261207-0001", 3, NULL, &a);
    assert_true(a.required && !a.visit);
    assert_int_equal(a.attempts, 1);
}

static void test_pack_section(void **state)
{
    (void)state;
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"revisit\": []}", "revisit"},
        {"{\"revisit\": {\"tries\": 3}}", "revisit.tries"},
        {"{\"revisit\": {\"attempts\": 0}}", "revisit.attempts"},
        {"{\"revisit\": {\"sample_percent\": 101}}", "revisit.sample_percent"},
        {"{\"revisit\": {\"visit\": {\"classes\": [1]}}}", "revisit.visit"},
        {"{\"revisit\": {\"always\": {\"units\": []}}}", "revisit.always.units"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *p = json_loads(bad[i].json, 0, NULL);
        cerr e = CERR_INIT;
        assert_int_not_equal(survey_check_pack(p, &e), 0);
        assert_string_equal(e.code, "invalid_pack");
        assert_string_equal(e.field, bad[i].field);
        json_decref(p);
    }
    json_t *ok = json_loads("{\"revisit\": {\"attempts\": 2, \"sample_percent\": 0, \"always\": {\"levels\": [1]}}}", 0, NULL);
    cerr e = CERR_INIT;
    assert_int_equal(survey_check_pack(ok, &e), 0);
    json_decref(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_questions_in_order),
        cmocka_unit_test(test_answers_checked),
        cmocka_unit_test(test_answers_normalised),
        cmocka_unit_test(test_result_from_scores),
        cmocka_unit_test(test_plan),
        cmocka_unit_test(test_pack_section),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
