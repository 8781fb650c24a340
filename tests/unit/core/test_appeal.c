/*
 * Unit tests for core/appeal: the report goes draft → review → approved →
 * sent; only headquarters reviews, a return needs its reason; the report is
 * rewritten only as a draft while the mediation opinion and the filing may
 * come at any time; sent after its deadline it is late.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/appeal.h"

static int edit(appeal_report *r, const char *body, cerr *e)
{
    json_error_t jerr;
    json_t *in = json_loads(body, 0, &jerr);
    assert_non_null(in);
    memset(e, 0, sizeof *e);
    int rc = appeal_edit(r, in, e);
    json_decref(in);
    return rc;
}

static void fresh(appeal_report *r)
{
    memset(r, 0, sizeof *r);
    r->complaint_id = 9;
    r->received_at = 1000;
    r->due_at = 5000;
    snprintf(r->status, sizeof r->status, "draft");
    r->version = 1;
}

static void test_review_by_headquarters(void **state)
{
    (void)state;
    appeal_report r;
    fresh(&r);
    cerr e;
    assert_int_equal(appeal_act(&r, "submit", NULL, false, 3, 2000, NULL, 0, &e), CERR_USER);
    assert_string_equal(e.field, "report");
    assert_int_equal(edit(&r, "{\"report\":\"已补开发票\",\"registered\":true}", &e), 0);
    assert_int_equal(appeal_act(&r, "approve", NULL, true, 4, 2000, NULL, 0, &e), CERR_USER);
    assert_string_equal(e.code, "action_not_allowed");
    assert_int_equal(appeal_act(&r, "submit", NULL, false, 3, 2000, NULL, 0, &e), 0);
    assert_int_equal(edit(&r, "{\"report\":\"改写\"}", &e), CERR_USER);
    assert_string_equal(e.code, "action_not_allowed");
    assert_int_equal(appeal_act(&r, "approve", NULL, false, 5, 2100, NULL, 0, &e), CERR_USER);
    assert_string_equal(e.code, "forbidden");
    assert_int_equal(appeal_act(&r, "return", "", true, 4, 2100, NULL, 0, &e), CERR_USER);
    assert_string_equal(e.field, "note");
    assert_int_equal(appeal_act(&r, "return", "补充整改措施", true, 4, 2100, NULL, 0, &e), 0);
    assert_string_equal(r.status, "draft");
    assert_int_equal(appeal_act(&r, "submit", NULL, false, 3, 2200, NULL, 0, &e), 0);
    assert_int_equal(appeal_act(&r, "approve", NULL, true, 4, 2300, NULL, 0, &e), 0);
    assert_int_equal(r.reviewed_by, 4);
    assert_int_equal(edit(&r, "{\"mediation\":\"调解成功\",\"filed\":true}", &e), 0);
    assert_int_equal(appeal_act(&r, "send", NULL, false, 4, 5000, NULL, 0, &e), 0);
    assert_string_equal(r.status, "sent");
    assert_false(r.late); /* at the deadline is on time */
    assert_int_equal(appeal_act(&r, "send", NULL, false, 4, 5000, NULL, 0, &e), CERR_USER);
    assert_int_equal(appeal_act(&r, "withdraw", NULL, false, 4, 5000, NULL, 0, &e), CERR_USER);
    assert_string_equal(e.code, "not_found");
    appeal_report_release(&r);
}

static void test_late(void **state)
{
    (void)state;
    appeal_report r;
    fresh(&r);
    r.unit = 12;
    cerr e;
    const appeal_late_rule rule = {true, 20000, 5, 0}; /* no review time owed to headquarters */
    assert_int_equal(edit(&r, "{\"report\":\"x\",\"first_complaint\":0}", &e), CERR_USER);
    assert_string_equal(e.field, "first_complaint");
    assert_int_equal(edit(&r, "{\"report\":\"x\",\"first_complaint\":7}", &e), 0);
    assert_int_equal(r.first_complaint, 7);
    assert_int_equal(appeal_act(&r, "submit", NULL, false, 3, 2000, NULL, 0, &e), 0);
    assert_int_equal(appeal_act(&r, "approve", NULL, true, 4, 2000, NULL, 0, &e), 0);
    assert_int_equal(appeal_act(&r, "send", NULL, false, 4, 5001, &rule, 1, &e), 0);
    assert_true(r.late);
    /* Submitted at 2000, before the deadline at 5000: headquarters was late. */
    assert_int_equal(r.assessed_unit, 1);
    assert_int_equal(r.penalty_fen, 20000);
    assert_int_equal(r.penalty_points, 5);
    appeal_report_release(&r);
}

/* A branch that submits within headquarters' review time before the deadline is the one assessed. */
static void test_late_branch(void **state)
{
    (void)state;
    appeal_report r;
    fresh(&r);
    r.unit = 12;
    cerr e;
    const appeal_late_rule rule = {true, 20000, 5, 1};
    assert_int_equal(edit(&r, "{\"report\":\"x\"}", &e), 0);
    assert_int_equal(appeal_act(&r, "submit", NULL, false, 3, 4000, &rule, 1, &e), 0);
    assert_int_equal(appeal_act(&r, "approve", NULL, true, 4, 4500, &rule, 1, &e), 0);
    assert_int_equal(appeal_act(&r, "send", NULL, false, 4, 6000, &rule, 1, &e), 0);
    assert_int_equal(r.assessed_unit, 12);
    appeal_report_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_review_by_headquarters),
        cmocka_unit_test(test_late),
        cmocka_unit_test(test_late_branch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
