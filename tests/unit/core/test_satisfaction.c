/*
 * test_satisfaction: the satisfaction breakdown (core/satisfaction.h) — the
 * revisits counted by unit and by question, the scale answers' average and
 * low scores, an option question's counts, the total counting each revisit
 * once, unreachable customers left out; and survey_find over the pack.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/satisfaction.h"
#include "core/survey.h"

static json_t *answers(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    assert_non_null(j);
    return j;
}

static void add(sat_table *t, int64_t id, const char *result, const char *text)
{
    json_t *a = text ? answers(text) : NULL;
    sat_add(t, id, result, a);
    json_decref(a);
}

static void fill(sat_table *t)
{
    add(t, 7, "satisfied", "[{\"question\": \"result\", \"score\": 5}, {\"question\": \"staff\", \"score\": 4}]");
    add(t, 7, "dissatisfied",
        "[{\"question\": \"result\", \"score\": 2}, {\"question\": \"way\", \"option\": \"slow\", "
        "\"score\": 1}]");
    add(t, 9, "basically_satisfied",
        "[{\"question\": \"result\", \"score\": 3}, {\"question\": \"way\", \"option\": "
        "\"fast\"}]");
    add(t, 9, "satisfied", NULL);
    add(t, 9, "unreachable", "[{\"question\": \"result\", \"score\": 1}]");
}

static void test_by_unit(void **state)
{
    (void)state;
    sat_table t;
    sat_init(&t, SAT_UNIT);
    fill(&t);
    assert_int_equal(t.n, 2);
    const sat_group *u7 = sat_group_of(&t, 7, NULL), *u9 = sat_group_of(&t, 9, NULL);
    assert_int_equal(t.n, 2);
    assert_int_equal(u7->reached, 2);
    assert_int_equal(u7->satisfied, 1);
    assert_int_equal(u7->dissatisfied, 1);
    /* The option's score is not a scale: 5, 4, 2. */
    assert_int_equal(u7->scores, 3);
    assert_int_equal(u7->sum, 11);
    assert_int_equal(u7->low, 1);
    assert_true(fabs(sat_rate(u7) - 0.5) < 1e-12);
    /* The unreachable customer is in no count. */
    assert_int_equal(u9->reached, 2);
    assert_int_equal(u9->satisfied, 2);
    assert_int_equal(u9->scores, 1);
    assert_true(fabs(sat_average(u9) - 3.0) < 1e-12);
    assert_int_equal(t.total.reached, 4);
    assert_int_equal(t.total.satisfied, 3);
    assert_int_equal(t.total.scores, 4);
    assert_int_equal(t.total.low, 1);
    sat_release(&t);
}

static void test_by_question(void **state)
{
    (void)state;
    sat_table t;
    sat_init(&t, SAT_QUESTION);
    sat_group_of(&t, 0, "staff"); /* a question asked first, as the pack orders them */
    fill(&t);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.g[0].question, "staff");
    assert_string_equal(t.g[1].question, "result");
    assert_string_equal(t.g[2].question, "way");
    const sat_group *result = &t.g[1], *way = &t.g[2];
    assert_int_equal(result->reached, 3);
    assert_int_equal(result->satisfied, 2);
    assert_int_equal(result->dissatisfied, 1);
    assert_int_equal(result->sum, 10);
    assert_int_equal(result->low, 1);
    assert_int_equal(way->scores, 0);
    assert_true(isnan(sat_average(way)));
    assert_int_equal(json_integer_value(json_object_get(way->options, "slow")), 1);
    assert_int_equal(json_integer_value(json_object_get(way->options, "fast")), 1);
    /* Each revisit once in the total, whatever it answered. */
    assert_int_equal(t.total.reached, 4);
    sat_release(&t);
    assert_int_equal(t.n, 0);
}

static void test_names_and_empty(void **state)
{
    (void)state;
    assert_int_equal(sat_by_parse("staff"), SAT_STAFF);
    assert_int_equal(sat_by_parse("shift"), -1);
    assert_string_equal(sat_by_name(SAT_QUESTION), "question");
    sat_table t;
    sat_init(&t, SAT_STAFF);
    assert_true(isnan(sat_rate(&t.total)));
    add(&t, 0, NULL, NULL);
    add(&t, 0, "satisfied", "{\"not\": \"an array\"}");
    assert_int_equal(t.n, 1);
    assert_int_equal(t.g[0].id, 0);
    assert_int_equal(t.total.reached, 1);
    sat_release(&t);
}

static void test_survey_find(void **state)
{
    (void)state;
    json_t *pack =
        answers("{\"survey\": [{\"code\": \"result\", \"question\": \"结果？\"}], \"categories\": [{\"code\": "
                "\"a\", \"children\": [{\"code\": \"a.b\", \"survey\": [{\"code\": \"way\", \"question\": "
                "{\"zh-CN\": \"方式？\", \"en\": \"How?\"}, \"options\": [{\"code\": \"fast\"}]}]}]}]}");
    survey_q q;
    assert_true(survey_find(pack, "result", &q));
    assert_null(q.options);
    assert_true(survey_find(pack, "way", &q));
    assert_string_equal(q.code, "way");
    assert_non_null(q.options);
    assert_false(survey_find(pack, "nope", &q));
    json_decref(pack);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_by_unit),
        cmocka_unit_test(test_by_question),
        cmocka_unit_test(test_names_and_empty),
        cmocka_unit_test(test_survey_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
