/*
 * Unit tests for core/cases: the closing requirements per nature (and what
 * a responsibility adds), the penalty rules (fixed amounts, the unit types
 * above the responsible unit, award and performance-pay losses, grades and
 * their ranges), the authorisation limits (granted, pending for the roles
 * whose limit covers the amount, senior management by amount and by age),
 * appeals at intake, and malformed sections refused with their JSON path.
 * Decisions go through workflow_step, as the API takes them. The base pack
 * and the seven-unit organisation (HQ → SH → PD → PD-01/PD-02, CC, QA) come
 * from testutil.h; instants are literal Unix seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cases.h"
#include "core/policy.h"
#include "core/workflow.h"
#include "testutil.h"
#include "util/timeutil.h"

#define T0 INT64_C(1772326800) /* 2026-03-01T09:00:00+08:00 */

/* The gas-station pack's closing and penalty sections (seed 000 art. 20), in small. */
static const char closing_json[] =
    "{\"required\":{\"valid\":[\"cause\",\"responsibility\",\"responsible_unit\",\"responsible_person\","
    "  \"corrective_action\"],\"invalid\":[\"explanation\"],\"suggestion\":[\"adoption\"]},"
    " \"responsibilities\":[{\"code\":\"company\",\"name\":\"公司责任\"},{\"code\":\"customer\",\"name\":\"客户原因\"},"
    "  {\"code\":\"third_party\",\"name\":\"第三方\",\"requires\":[\"explanation\"]}],"
    " \"adoptions\":[{\"code\":\"adopted\",\"name\":\"采纳\"}],\"manager_approval_levels\":[1]}";
static const char penalties_json[] =
    "{\"grades\":[{\"code\":\"minor\",\"name\":\"态度不佳\",\"amount_min\":30,\"amount_max\":100},"
    "  {\"code\":\"major\",\"name\":\"记大过\",\"amount\":1000,\"points\":10,\"performance_pay\":true}],"
    " \"rules\":[{\"code\":\"valid\",\"name\":\"有效投诉\",\"when\":{\"nature\":\"valid\",\"responsibility\":[\"company\"]},"
    "   \"entries\":[{\"role\":\"staff\",\"name\":\"员工\",\"person\":true,\"amount\":200},"
    "    {\"role\":\"station_manager\",\"name\":\"站长\",\"unit_type\":\"site\",\"amount\":100},"
    "    {\"role\":\"region_manager\",\"name\":\"片区经理\",\"unit_type\":\"region\",\"amount\":50},"
    "    {\"role\":\"station\",\"name\":\"加油站\",\"unit_type\":\"site\",\"award_loss\":true}]},"
    "  {\"code\":\"graded\",\"name\":\"分档\",\"when\":{\"category\":\"quality\",\"grade\":[\"minor\",\"major\"]},"
    "   \"entries\":[{\"role\":\"staff\",\"name\":\"员工\",\"person\":true,\"amount\":\"grade\",\"points\":\"grade\","
    "    \"performance_pay\":\"grade\"}]}]}";

typedef struct fx {
    policy pol;
    org org;
} fx;

/* The test pack plus the sections given (JSON text; NULL = the test pack's own). */
static int load(policy *p, const char *closing, const char *penalties, const char *appeals, cerr *e)
{
    json_error_t jerr;
    json_t *pack = json_loads(tu_pack_json, 0, &jerr);
    assert_non_null(pack);
    if (closing)
        json_object_set_new(pack, "closing", json_loads(closing, 0, &jerr));
    if (penalties)
        json_object_set_new(pack, "penalties", json_loads(penalties, 0, &jerr));
    if (appeals)
        json_object_set_new(pack, "appeals", json_loads(appeals, 0, &jerr));
    memset(e, 0, sizeof *e);
    int rc = policy_load(p, pack, e);
    json_decref(pack);
    return rc;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    cerr e;
    if (load(&f->pol, closing_json, penalties_json, NULL, &e))
        fail_msg("pack: %s", e.message);
    tu_org(&f->org);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    policy_release(&f->pol);
    org_release(&f->org);
    free(f);
    return 0;
}

static json_t *J(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    if (!v)
        fail_msg("bad JSON in the test (%s): %s", jerr.text, text);
    return v;
}

/* A complaint in status, of nature and category, about PD-01, with data (JSON text or NULL). */
static void mk(complaint *c, int status, const char *nature, const char *cat, int level, const char *data)
{
    complaint_init(c);
    c->id = 7;
    c->status = status;
    c->level = level;
    c->received_at = T0;
    c->subject_unit = U_SITE1;
    c->owner_unit = U_SITE1;
    snprintf(c->nature, sizeof c->nature, "%s", nature);
    snprintf(c->category, sizeof c->category, "%s", cat);
    json_decref(c->data);
    c->data = J(data ? data : "{\"revisit\":{\"result\":\"satisfied\"}}");
}

/* Takes action as who at now with input; 0 or -1 with e. ev is released unless out. */
static int step(const fx *f, const complaint *c, unsigned roles, int64_t home, int64_t now, const char *action,
                const char *input, json_t **payload, cerr *e)
{
    actor who = {42, roles, home};
    wf_ctx ctx = {&f->pol, &f->org, &who, now, NULL, 0, NULL};
    event ev;
    event_init(&ev);
    json_t *in = J(input);
    memset(e, 0, sizeof *e);
    int rc = workflow_step(&ctx, c, action, in, &ev, e);
    json_decref(in);
    if (rc == 0 && payload)
        *payload = json_incref(ev.payload);
    event_release(&ev);
    return rc;
}

static void expect_field(const fx *f, const complaint *c, const char *input, const char *field)
{
    cerr e;
    int rc = step(f, c, R_AGENT, U_CENTRE, T0 + 86400, "close", input, NULL, &e);
    if (rc == 0)
        fail_msg("close %s accepted, expected a refusal naming %s", input, field);
    if (strcmp(e.field, field) != 0 || strcmp(e.code, "validation_failed") != 0)
        fail_msg("close %s: %s on \"%s\" (%s), expected validation_failed on %s", input, e.code, e.field, e.message,
                 field);
}

#define VALID_CLOSE                                                                                             \
    "\"nature\":\"valid\",\"cause\":\"态度生硬\",\"responsibility\":\"company\",\"responsible_unit\":\"PD-01\","  \
    "\"responsible_person\":\"加油员 李强\",\"corrective_action\":\"培训\""

/* ---- closing ------------------------------------------------------------------ */

static void test_required_per_nature(void **state)
{
    fx *f = *state;
    const cases_policy *cp = &f->pol.cases;
    unsigned valid = cases_required(cp, CN_VALID, "company", false);
    for (int k = CF_CAUSE; k <= CF_CORRECTIVE_ACTION; k++)
        assert_true(valid & (1u << k));
    assert_false(valid & (1u << CF_EXPLANATION));
    /* a responsibility can add a field; an invalid complaint needs only the explanation */
    assert_true(cases_required(cp, CN_VALID, "third_party", false) & (1u << CF_EXPLANATION));
    assert_int_equal(cases_required(cp, CN_INVALID, NULL, false), 1u << CF_EXPLANATION);
    assert_int_equal(cases_required(cp, CN_SUGGESTION, NULL, false), 1u << CF_ADOPTION);
    assert_int_equal(cases_required(cp, -1, NULL, false), 0);

    complaint c;
    mk(&c, ST_REVISITED, "valid", "attitude", 3, NULL);
    expect_field(f, &c, "{}", "cause");
    expect_field(f, &c, "{\"cause\":\"c\",\"responsibility\":\"company\",\"responsible_unit\":\"PD-01\","
                        "\"corrective_action\":\"培训\"}",
                 "responsible_person");
    expect_field(f, &c, "{\"cause\":\"c\",\"responsibility\":\"company\",\"responsible_person\":\"张三\","
                        "\"corrective_action\":\"培训\"}",
                 "responsible_unit");
    expect_field(f, &c, "{" VALID_CLOSE ",\"responsibility\":\"third_party\"}", "explanation");
    /* the same complaint closed as a suggestion needs the adoption instead */
    expect_field(f, &c, "{\"nature\":\"suggestion\"}", "adoption");
    cerr e;
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close", "{\"nature\":\"suggestion\",\"adoption\":\"adopted\"}",
                          NULL, &e),
                     0);
    complaint_release(&c);

    /* an invalid complaint: the explanation given when it was marked invalid is carried over */
    mk(&c, ST_REPLIED, "invalid", "attitude", 3, "{\"invalid\":{\"explanation\":\"酒后来电，无加油记录\"}}");
    json_t *p = NULL;
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close", "{}", &p, &e), 0);
    assert_string_equal(json_string_value(json_object_get(p, "explanation")), "酒后来电，无加油记录");
    assert_null(json_object_get(p, "penalties"));
    json_decref(p);
    complaint_release(&c);
    mk(&c, ST_REPLIED, "invalid", "attitude", 3, "{}");
    expect_field(f, &c, "{}", "explanation");
    complaint_release(&c);
}

/* The form GET …/actions shows: required flags for the complaint's nature, the pack's options. */
static void test_close_form(void **state)
{
    fx *f = *state;
    complaint c;
    mk(&c, ST_REVISITED, "valid", "attitude", 3, NULL);
    actor who = {42, R_AGENT, U_CENTRE};
    wf_ctx ctx = {&f->pol, &f->org, &who, T0, NULL, 0, NULL};
    wf_form form;
    const wf_field *fields = workflow_fields(&ctx, &c, workflow_find("close"), &form);
    bool saw_person = false, saw_grade = false;
    for (const wf_field *x = fields; x->name; x++) {
        if (strcmp(x->name, "responsible_person") == 0)
            saw_person = x->required;
        if (strcmp(x->name, "nature") == 0)
            assert_false(x->required);
        if (strcmp(x->name, "explanation") == 0)
            assert_false(x->required);
        if (strcmp(x->name, "responsibility") == 0) {
            assert_string_equal(x->options[0].value, "company");
            assert_string_equal(x->options[2].value, "third_party");
            assert_null(x->options[3].value);
        }
        if (strcmp(x->name, "penalty_grade") == 0) {
            saw_grade = true;
            assert_string_equal(x->options[1].zh, "记大过");
        }
    }
    assert_true(saw_person);
    assert_true(saw_grade);
    complaint_release(&c);
}

static void test_major_needs_a_manager(void **state)
{
    fx *f = *state;
    complaint c;
    cerr e;
    mk(&c, ST_REVISITED, "valid", "attitude", 1, NULL);
    assert_int_equal(step(f, &c, R_SUPERVISOR, U_BRANCH, T0, "close", "{" VALID_CLOSE "}", NULL, &e), -1);
    assert_string_equal(e.code, "forbidden");
    assert_int_equal(step(f, &c, R_MANAGER, U_BRANCH, T0, "close", "{" VALID_CLOSE "}", NULL, &e), 0);
    complaint_release(&c);
    mk(&c, ST_REVISITED, "valid", "attitude", 2, NULL);
    assert_int_equal(step(f, &c, R_SUPERVISOR, U_BRANCH, T0, "close", "{" VALID_CLOSE "}", NULL, &e), 0);
    complaint_release(&c);
}

/* ---- penalties ------------------------------------------------------------------ */

static const json_t *entry(const json_t *list, const char *role)
{
    size_t i;
    const json_t *it;
    json_array_foreach(list, i, it) if (strcmp(json_string_value(json_object_get(it, "role")), role) == 0) return it;
    fail_msg("no %s entry", role);
    return NULL;
}

static void test_penalty_rules(void **state)
{
    fx *f = *state;
    complaint c;
    cerr e;
    json_t *p = NULL;
    mk(&c, ST_REVISITED, "valid", "attitude", 3, NULL);
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close", "{" VALID_CLOSE "}", &p, &e), 0);
    const json_t *pens = json_object_get(p, "penalties");
    assert_int_equal(json_array_size(pens), 4);
    const json_t *staff = entry(pens, "staff");
    assert_int_equal(json_integer_value(json_object_get(staff, "amount_fen")), 20000);
    assert_string_equal(json_string_value(json_object_get(staff, "person")), "加油员 李强");
    assert_int_equal(json_integer_value(json_object_get(staff, "unit")), U_SITE1);
    assert_string_equal(json_string_value(json_object_get(staff, "month")), "2026-03");
    assert_int_equal(json_integer_value(json_object_get(staff, "no")), 1);
    assert_int_equal(json_integer_value(json_object_get(entry(pens, "station_manager"), "unit")), U_SITE1);
    assert_null(json_string_value(json_object_get(entry(pens, "station_manager"), "person")));
    assert_int_equal(json_integer_value(json_object_get(entry(pens, "region_manager"), "unit")), U_REGION);
    assert_int_equal(json_integer_value(json_object_get(entry(pens, "region_manager"), "amount_fen")), 5000);
    assert_true(json_is_true(json_object_get(entry(pens, "station"), "award_loss")));
    assert_false(json_is_true(json_object_get(staff, "award_loss")));
    json_decref(p);

    /* the customer's own cause, or an invalid complaint: nothing */
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close", "{" VALID_CLOSE ",\"responsibility\":\"customer\"}",
                          &p, &e),
                     0);
    assert_null(json_object_get(p, "penalties"));
    json_decref(p);
    complaint_release(&c);

    /* a responsible unit with no site above it (a department): only the entries without a unit type */
    mk(&c, ST_REVISITED, "valid", "attitude", 3, NULL);
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close", "{" VALID_CLOSE ",\"responsible_unit\":\"QA\"}", &p, &e),
                     0);
    pens = json_object_get(p, "penalties");
    assert_int_equal(json_array_size(pens), 1);
    assert_int_equal(json_integer_value(json_object_get(entry(pens, "staff"), "unit")), U_DEPT);
    json_decref(p);
    complaint_release(&c);
}

static void test_penalty_grades(void **state)
{
    fx *f = *state;
    complaint c;
    cerr e;
    json_t *p = NULL;
    /* a quality complaint of the customer's cause: only the graded rule can apply */
    mk(&c, ST_REVISITED, "valid", "quantity", 3, NULL);
    const char *base = "{" VALID_CLOSE ",\"responsibility\":\"customer\",\"penalty_grade\":\"minor\"";
    char in[512];
    snprintf(in, sizeof in, "%s}", base);
    expect_field(f, &c, in, "penalty_amount"); /* a range needs the amount */
    snprintf(in, sizeof in, "%s,\"penalty_amount\":120}", base);
    expect_field(f, &c, in, "penalty_amount"); /* above the range */
    snprintf(in, sizeof in, "%s,\"penalty_amount\":29.99}", base);
    expect_field(f, &c, in, "penalty_amount"); /* below it */
    snprintf(in, sizeof in, "%s,\"penalty_amount\":80}", base);
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close", in, &p, &e), 0);
    const json_t *pens = json_object_get(p, "penalties");
    assert_int_equal(json_array_size(pens), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(pens, 0), "amount_fen")), 8000);
    assert_false(json_is_true(json_object_get(json_array_get(pens, 0), "performance_pay")));
    json_decref(p);
    /* a fixed grade: its amount, points and the month's performance pay */
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close",
                          "{" VALID_CLOSE ",\"responsibility\":\"customer\",\"penalty_grade\":\"major\"}", &p, &e),
                     0);
    const json_t *m = json_array_get(json_object_get(p, "penalties"), 0);
    assert_int_equal(json_integer_value(json_object_get(m, "amount_fen")), 100000);
    assert_int_equal(json_integer_value(json_object_get(m, "points")), 10);
    assert_true(json_is_true(json_object_get(m, "performance_pay")));
    json_decref(p);
    /* an amount without a grade is refused; a grade outside the rule's category writes nothing */
    expect_field(f, &c, "{" VALID_CLOSE ",\"responsibility\":\"customer\",\"penalty_amount\":50}", "penalty_amount");
    complaint_release(&c);
    mk(&c, ST_REVISITED, "valid", "attitude", 3, NULL);
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close",
                          "{" VALID_CLOSE ",\"responsibility\":\"customer\",\"penalty_grade\":\"major\"}", &p, &e),
                     0);
    assert_null(json_object_get(p, "penalties"));
    json_decref(p);
    complaint_release(&c);
}

static void test_waive(void **state)
{
    fx *f = *state;
    complaint c;
    cerr e;
    json_t *p = NULL;
    mk(&c, ST_CLOSED, "valid", "attitude", 3,
       "{\"penalties\":[{\"no\":1,\"role\":\"staff\",\"status\":\"active\"},{\"no\":2,\"role\":\"station\",\"status\":\"waived\"}]}");
    assert_int_equal(step(f, &c, R_SUPERVISOR, U_BRANCH, T0, "waive_penalty", "{\"entry\":\"1\",\"reason\":\"r\"}", NULL, &e),
                     -1);
    assert_string_equal(e.code, "forbidden");
    assert_int_equal(step(f, &c, R_MANAGER, U_BRANCH, T0, "waive_penalty", "{\"entry\":\"1\"}", NULL, &e), -1);
    assert_string_equal(e.field, "reason");
    assert_int_equal(step(f, &c, R_MANAGER, U_BRANCH, T0, "waive_penalty", "{\"entry\":\"2\",\"reason\":\"r\"}", NULL, &e),
                     -1);
    assert_string_equal(e.field, "entry"); /* already waived: not an option */
    assert_int_equal(step(f, &c, R_MANAGER, U_BRANCH, T0, "waive_penalty", "{\"entry\":\"1\",\"reason\":\"复核\"}", &p, &e),
                     0);
    assert_int_equal(json_integer_value(json_object_get(p, "no")), 1);
    json_decref(p);
    complaint_release(&c);
}

/* ---- authorisation ---------------------------------------------------------------- */

static void test_limits(void **state)
{
    fx *f = *state;
    const cases_policy *cp = &f->pol.cases;
    assert_int_equal(cases_role_limit(cp, R_AGENT), 5000);
    assert_int_equal(cases_role_limit(cp, R_AGENT | R_SUPERVISOR), 50000);
    assert_int_equal(cases_role_limit(cp, R_AUDITOR), -1);
    complaint c;
    cerr e;
    json_t *p = NULL;
    mk(&c, ST_PROCESSING, "", "attitude", 3, "{}");
    /* within the handler's 200 yuan: granted at once */
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0 + 3600, "compensate",
                          "{\"kind\":\"voucher\",\"amount\":200,\"reason\":\"洗车券\"}", &p, &e),
                     0);
    assert_string_equal(json_string_value(json_object_get(p, "status")), "granted");
    assert_int_equal(json_integer_value(json_object_get(p, "amount_fen")), 20000);
    json_decref(p);
    /* 200.01 is above it: pending for the supervisor and the manager, at the branch */
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0 + 3600, "compensate",
                          "{\"kind\":\"refund\",\"amount\":200.01,\"reason\":\"退款\"}", &p, &e),
                     0);
    assert_string_equal(json_string_value(json_object_get(p, "status")), "pending");
    assert_false(json_is_true(json_object_get(p, "senior")));
    assert_int_equal(json_integer_value(json_object_get(p, "approver_unit")), U_BRANCH);
    assert_int_equal(json_array_size(json_object_get(p, "approver_roles")), 2);
    json_decref(p);
    /* 600: only the manager's limit covers it */
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0 + 3600, "compensate",
                          "{\"kind\":\"refund\",\"amount\":600,\"reason\":\"退款\"}", &p, &e),
                     0);
    assert_int_equal(json_array_size(json_object_get(p, "approver_roles")), 1);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "approver_roles"), 0)), "manager");
    json_decref(p);
    /* above 2000: senior management at HQ; so is any amount after 72 h */
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0 + 3600, "compensate",
                          "{\"kind\":\"refund\",\"amount\":2000.5,\"reason\":\"赔偿\"}", &p, &e),
                     0);
    assert_true(json_is_true(json_object_get(p, "senior")));
    assert_int_equal(json_integer_value(json_object_get(p, "approver_unit")), U_HQ);
    json_decref(p);
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0 + 72 * 3600, "compensate",
                          "{\"kind\":\"refund\",\"amount\":300,\"reason\":\"超期\"}", &p, &e),
                     0);
    assert_true(json_is_true(json_object_get(p, "senior")));
    json_decref(p);
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0 + 72 * 3600 - 1, "compensate",
                          "{\"kind\":\"refund\",\"amount\":300,\"reason\":\"未超期\"}", &p, &e),
                     0);
    assert_false(json_is_true(json_object_get(p, "senior")));
    json_decref(p);
    /* the amount must be positive, the kind one of the pack's */
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0, "compensate", "{\"kind\":\"refund\",\"amount\":0,\"reason\":\"x\"}",
                          NULL, &e),
                     -1);
    assert_string_equal(e.field, "amount");
    assert_int_equal(step(f, &c, R_HANDLER, U_SITE1, T0, "compensate", "{\"kind\":\"gold\",\"amount\":1,\"reason\":\"x\"}",
                          NULL, &e),
                     -1);
    assert_string_equal(e.field, "kind");
    complaint_release(&c);
}

/* 001: 对错收的费用实行双倍返还 — a kind with a multiplier refunds twice the wrong charge. */
static void test_double_refund(void **state)
{
    (void)state;
    fx f;
    json_t *pack = tu_pack();
    json_array_append_new(json_object_get(json_object_get(pack, "authorization"), "kinds"),
                          J("{\"code\":\"double_refund\",\"name\":\"错收费用双倍返还\",\"multiplier\":2}"));
    tu_policy_of(&f.pol, pack);
    tu_org(&f.org);
    cerr e;
    complaint c;
    json_t *p = NULL;
    mk(&c, ST_PROCESSING, "", "attitude", 3, "{}");
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate",
                          "{\"kind\":\"double_refund\",\"charged\":12.5,\"reason\":\"多收\"}", &p, &e),
                     0);
    assert_int_equal(json_integer_value(json_object_get(p, "amount_fen")), 2500);
    assert_int_equal(json_integer_value(json_object_get(p, "charged_fen")), 1250);
    assert_int_equal(json_integer_value(json_object_get(p, "multiplier")), 2);
    json_decref(p);
    /* the amount may be given, but only the right one */
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate",
                          "{\"kind\":\"double_refund\",\"charged\":12.5,\"amount\":25,\"reason\":\"多收\"}", NULL, &e),
                     0);
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate",
                          "{\"kind\":\"double_refund\",\"charged\":12.5,\"amount\":12.5,\"reason\":\"多收\"}", NULL, &e),
                     -1);
    assert_string_equal(e.field, "amount");
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate",
                          "{\"kind\":\"double_refund\",\"reason\":\"多收\"}", NULL, &e),
                     -1);
    assert_string_equal(e.field, "charged");
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate",
                          "{\"kind\":\"refund\",\"charged\":5,\"amount\":10,\"reason\":\"x\"}", NULL, &e),
                     -1);
    assert_string_equal(e.field, "charged");
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate", "{\"kind\":\"refund\",\"reason\":\"x\"}", NULL, &e),
                     -1);
    assert_string_equal(e.field, "amount");
    /* a kind meant for other business is not offered (001: 确定授权的使用业务类型) */
    json_object_set_new(json_array_get(json_object_get(json_object_get(pack, "authorization"), "kinds"), 2), "categories",
                        tu_json("[\"quality\"]"));
    policy_release(&f.pol);
    tu_policy_of(&f.pol, pack);
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate",
                          "{\"kind\":\"double_refund\",\"charged\":5,\"reason\":\"多收\"}", NULL, &e),
                     -1);
    assert_string_equal(e.field, "kind");
    json_object_set_new(json_array_get(json_object_get(json_object_get(pack, "authorization"), "kinds"), 2), "categories",
                        tu_json("[\"nowhere\"]"));
    policy bad0;
    assert_int_equal(policy_load(&bad0, pack, &e), -1);
    assert_string_equal(e.field, "authorization.kinds[2].categories[0]");
    policy_release(&bad0);
    json_object_del(json_array_get(json_object_get(json_object_get(pack, "authorization"), "kinds"), 2), "categories");
    /* a multiplier is a whole number from 2 to 10 */
    json_object_set_new(json_array_get(json_object_get(json_object_get(pack, "authorization"), "kinds"), 2), "multiplier",
                        json_integer(1));
    policy bad;
    assert_int_equal(policy_load(&bad, pack, &e), -1);
    assert_string_equal(e.field, "authorization.kinds[2].multiplier");
    policy_release(&bad);
    complaint_release(&c);
    json_decref(pack);
    policy_release(&f.pol);
    org_release(&f.org);
}

/* 001 2.5: 结合…客户类型…确定授权使用的条件 — a customer class with limits of its own. */
static void test_class_limits(void **state)
{
    (void)state;
    fx f;
    json_t *pack = tu_pack();
    json_object_set_new(json_object_get(pack, "authorization"), "class_limits",
                        tu_json("{\"vip\":{\"agent\":100,\"supervisor\":800}}"));
    tu_policy_of(&f.pol, pack);
    tu_org(&f.org);
    const cases_policy *cp = &f.pol.cases;
    cases_customer vip = {"vip", -1, -1}, ordinary = {"ordinary", -1, -1};
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, &vip), 10000);
    assert_int_equal(cases_role_limit_for(cp, R_HANDLER, &vip), 20000); /* not named: the general */
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, &ordinary), 5000);
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, NULL), 5000);
    complaint c;
    cerr e;
    json_t *p = NULL;
    mk(&c, ST_PROCESSING, "", "attitude", 3, "{\"customer\":{\"class\":\"vip\"}}");
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate", "{\"kind\":\"voucher\",\"amount\":80,\"reason\":\"x\"}",
                          &p, &e),
                     0);
    assert_string_equal(json_string_value(json_object_get(p, "status")), "granted");
    json_decref(p);
    /* 700 is above the general supervisor's 500 but within a VIP's 800 */
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate", "{\"kind\":\"refund\",\"amount\":700,\"reason\":\"x\"}",
                          &p, &e),
                     0);
    assert_true(cases_may_decide(cp, R_SUPERVISOR, "branch", p));
    json_object_del(p, "customer_class");
    assert_false(cases_may_decide(cp, R_SUPERVISOR, "branch", p));
    json_decref(p);
    complaint_release(&c);
    json_object_set_new(json_object_get(pack, "authorization"), "class_limits", tu_json("{\"gold\":{\"agent\":1}}"));
    policy bad;
    assert_int_equal(policy_load(&bad, pack, &e), -1);
    assert_string_equal(e.field, "authorization.class_limits.gold");
    policy_release(&bad);
    json_decref(pack);
    policy_release(&f.pol);
    org_release(&f.org);
}

/*
 * 001 2.5: 结合客户的在网时间、平均消费水平…确定授权使用的条件 — a customer who
 * meets a condition's every figure gets its limits; the highest that applies
 * wins; an unknown figure meets nothing; the request keeps the figures it
 * was decided on.
 */
static void test_conditions(void **state)
{
    (void)state;
    fx f;
    json_t *pack = tu_pack();
    json_object_set_new(json_object_get(pack, "authorization"), "class_limits", tu_json("{\"vip\":{\"agent\":100}}"));
    json_object_set_new(json_object_get(pack, "authorization"), "conditions",
                        tu_json("[{\"name\":\"一年百元\",\"when\":{\"tenure_months\":12,\"monthly_spend\":100},"
                                "\"limits\":{\"agent\":80,\"supervisor\":600}},"
                                "{\"name\":\"三年\",\"when\":{\"tenure_months\":36},\"limits\":{\"agent\":90}},"
                                "{\"name\":\"VIP五年\",\"when\":{\"tenure_months\":60,\"classes\":[\"vip\"]},"
                                "\"limits\":{\"agent\":150}}]"));
    tu_policy_of(&f.pol, pack);
    tu_org(&f.org);
    const cases_policy *cp = &f.pol.cases;
    assert_int_equal(cp->nconditions, 3);
    cases_customer unknown = {"ordinary", -1, -1}, year = {"ordinary", 12, 100}, poor = {"ordinary", 40, 99},
                   vip5 = {"vip", 60, 0}, ord5 = {"ordinary", 60, 0};
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, &unknown), 5000);
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, &year), 8000);       /* both figures met, at the bound */
    assert_int_equal(cases_role_limit_for(cp, R_HANDLER, &year), 20000);    /* not named: the general */
    assert_int_equal(cases_role_limit_for(cp, R_SUPERVISOR, &year), 60000);
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, &poor), 9000);       /* 99 yuan: only the three years */
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, &vip5), 15000);      /* the highest of class and conditions */
    assert_int_equal(cases_role_limit_for(cp, R_AGENT, &ord5), 9000);       /* the VIP condition needs the class */
    json_t *met = cases_conditions_met(cp, &poor);
    assert_int_equal(json_array_size(met), 1);
    assert_string_equal(json_string_value(json_array_get(met, 0)), "三年");
    json_decref(met);

    complaint c;
    cerr e;
    json_t *p = NULL;
    mk(&c, ST_PROCESSING, "", "attitude", 3,
       "{\"customer\":{\"class\":\"ordinary\",\"tenure_months\":13,\"monthly_spend\":120}}");
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate", "{\"kind\":\"voucher\",\"amount\":80,\"reason\":\"x\"}",
                          &p, &e),
                     0);
    assert_string_equal(json_string_value(json_object_get(p, "status")), "granted");
    assert_int_equal(json_integer_value(json_object_get(p, "tenure_months")), 13);
    assert_int_equal(json_integer_value(json_object_get(p, "monthly_spend")), 120);
    assert_string_equal(json_string_value(json_array_get(json_object_get(p, "conditions"), 0)), "一年百元");
    json_decref(p);
    /* 550 is above the general supervisor's 500, within the condition's 600: a supervisor decides it */
    assert_int_equal(step(&f, &c, R_AGENT, U_SITE1, T0, "compensate", "{\"kind\":\"refund\",\"amount\":550,\"reason\":\"x\"}",
                          &p, &e),
                     0);
    assert_string_equal(json_string_value(json_object_get(p, "status")), "pending");
    assert_true(cases_may_decide(cp, R_SUPERVISOR, "branch", p));
    json_object_del(p, "tenure_months");
    assert_false(cases_may_decide(cp, R_SUPERVISOR, "branch", p));
    json_decref(p);
    complaint_release(&c);

    /* the pack is checked: a figure out of range, a condition with no figure, an unknown class */
    static const char *const wrong[][2] = {
        {"[{\"name\":\"x\",\"when\":{\"tenure_months\":-1},\"limits\":{\"agent\":1}}]",
         "authorization.conditions[0].when.tenure_months"},
        {"[{\"name\":\"x\",\"when\":{},\"limits\":{\"agent\":1}}]", "authorization.conditions[0].when"},
        {"[{\"name\":\"x\",\"when\":{\"classes\":[\"gold\"]},\"limits\":{\"agent\":1}}]",
         "authorization.conditions[0].when.classes"},
        {"[{\"name\":\"x\",\"when\":{\"tenure_months\":1},\"limits\":{\"boss\":1}}]",
         "authorization.conditions[0].limits.boss"},
        {"[{\"when\":{\"tenure_months\":1},\"limits\":{\"agent\":1}}]", "authorization.conditions[0].name"},
    };
    for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
        json_object_set_new(json_object_get(pack, "authorization"), "conditions", tu_json(wrong[i][0]));
        policy bad;
        assert_int_equal(policy_load(&bad, pack, &e), -1);
        assert_true(strncmp(e.field, wrong[i][1], strlen(wrong[i][1])) == 0);
        policy_release(&bad);
    }
    json_decref(pack);
    policy_release(&f.pol);
    org_release(&f.org);
}

static void test_decide(void **state)
{
    fx *f = *state;
    const cases_policy *cp = &f->pol.cases;
    json_t *ordinary = J("{\"amount_fen\":40000,\"senior\":false}");
    json_t *big = J("{\"amount_fen\":150000,\"senior\":false}");
    json_t *senior = J("{\"amount_fen\":300000,\"senior\":true}");
    assert_true(cases_may_decide(cp, R_SUPERVISOR, "branch", ordinary));
    assert_false(cases_may_decide(cp, R_SUPERVISOR, "branch", big));
    assert_true(cases_may_decide(cp, R_MANAGER, "branch", big));
    assert_false(cases_may_decide(cp, R_AGENT, "centre", ordinary)); /* the agent's own limit does not count */
    assert_false(cases_may_decide(cp, R_MANAGER, "branch", senior));
    assert_true(cases_may_decide(cp, R_MANAGER, "hq", senior));
    json_decref(ordinary);
    json_decref(big);
    json_decref(senior);

    complaint c;
    cerr e;
    json_t *p = NULL;
    mk(&c, ST_PROCESSING, "", "attitude", 3,
       "{\"compensations\":[{\"no\":1,\"kind\":\"refund\",\"amount_fen\":150000,\"status\":\"pending\",\"senior\":false}]}");
    /* a supervisor may not decide it, and is not offered it */
    assert_int_equal(step(f, &c, R_SUPERVISOR, U_BRANCH, T0, "approve_compensation", "{\"entry\":\"1\"}", NULL, &e), -1);
    assert_string_equal(e.code, "forbidden");
    assert_int_equal(step(f, &c, R_MANAGER, U_BRANCH, T0, "refuse_compensation", "{\"entry\":\"1\"}", NULL, &e), -1);
    assert_string_equal(e.field, "reason");
    assert_int_equal(step(f, &c, R_MANAGER, U_BRANCH, T0, "approve_compensation", "{\"entry\":\"1\",\"note\":\"同意\"}", &p,
                          &e),
                     0);
    assert_int_equal(json_integer_value(json_object_get(p, "no")), 1);
    assert_int_equal(json_integer_value(json_object_get(p, "amount_fen")), 150000);
    json_decref(p);
    /* while it is pending the complaint cannot be closed */
    complaint_release(&c);
    mk(&c, ST_REVISITED, "valid", "attitude", 3,
       "{\"revisit\":{\"result\":\"satisfied\"},\"compensations\":[{\"no\":1,\"amount_fen\":1,\"status\":\"pending\"}]}");
    assert_int_equal(step(f, &c, R_AGENT, U_CENTRE, T0, "close", "{" VALID_CLOSE "}", NULL, &e), -1);
    assert_string_equal(e.code, "action_not_allowed");
    complaint_release(&c);
}

/* ---- appeals ---------------------------------------------------------------------- */

static void test_appeal_intake(void **state)
{
    (void)state;
    policy p;
    cerr e;
    if (load(&p, NULL, NULL,
             "{\"channels\":[\"walk_in\"],\"sources\":[{\"code\":\"12315\",\"name\":\"12315\"}],"
             "\"conclusions\":[{\"code\":\"company\",\"name\":\"企业责任\"}]}",
             &e))
        fail_msg("pack: %s", e.message);
    org o;
    tu_org(&o);
    actor agent = {11, R_AGENT, U_CENTRE};
    wf_ctx ctx = {&p, &o, &agent, T0 + 600, NULL, 0, NULL};
    static const struct {
        const char *channel, *kind, *source, *field; /* field: the refusal, or NULL */
        bool appeal;
    } cases[] = {
        {"walk_in", NULL, "12315", NULL, true},   {"phone", "appeal", NULL, NULL, true},
        {"phone", NULL, NULL, NULL, false},       {"walk_in", "complaint", NULL, "kind", false},
        {"phone", "grievance", NULL, "kind", false}, {"phone", NULL, "12315", "appeal_source", false},
        {"walk_in", NULL, "110", "appeal_source", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *in = tu_intake("2026-03-01T09:00:00+08:00", "13800138000");
        json_object_set_new(in, "channel", json_string(cases[i].channel));
        if (cases[i].kind)
            json_object_set_new(in, "kind", json_string(cases[i].kind));
        if (cases[i].source)
            json_object_set_new(in, "appeal_source", json_string(cases[i].source));
        event ev;
        event_init(&ev);
        memset(&e, 0, sizeof e);
        int rc = workflow_intake(&ctx, in, &ev, &e);
        if (cases[i].field) {
            if (rc == 0 || strcmp(e.field, cases[i].field) != 0)
                fail_msg("case %zu: expected a refusal on %s, got %d %s", i, cases[i].field, rc, e.field);
        } else {
            if (rc)
                fail_msg("case %zu refused: %s", i, e.message);
            const char *kind = json_string_value(json_object_get(ev.payload, "kind"));
            if (cases[i].appeal)
                assert_string_equal(kind, "appeal");
            else
                assert_null(kind);
        }
        event_release(&ev);
        json_decref(in);
    }
    org_release(&o);
    policy_release(&p);
}

/* ---- malformed sections -------------------------------------------------------------- */

static void test_malformed(void **state)
{
    (void)state;
    static const struct {
        const char *closing, *penalties, *appeals, *path;
    } bad[] = {
        {"{\"required\":{\"valid\":[\"cause\",\"mood\"]}}", NULL, NULL, "closing.required.valid[1]"},
        {"{\"required\":{\"happy\":[]}}", NULL, NULL, "closing.required.happy"},
        {"{\"manager_approval_levels\":[4]}", NULL, NULL, "closing.manager_approval_levels[0]"},
        {"{\"required\":{\"suggestion\":[\"adoption\"]}}", NULL, NULL, "closing.adoptions"},
        {"{\"responsibilities\":[{\"code\":\"a\",\"name\":\"A\"},{\"code\":\"a\",\"name\":\"B\"}]}", NULL, NULL,
         "closing.responsibilities[1]"},
        {NULL, "{\"rules\":[{\"code\":\"r\",\"name\":\"R\",\"entries\":[{\"role\":\"x\",\"name\":\"X\",\"unit_type\":\"moon\"}]}]}",
         NULL, "penalties.rules[0].entries[0].unit_type"},
        {NULL, "{\"rules\":[{\"code\":\"r\",\"name\":\"R\",\"entries\":[{\"role\":\"x\",\"name\":\"X\",\"amount\":-5}]}]}", NULL,
         "penalties.rules[0].entries[0].amount"},
        {NULL, "{\"rules\":[{\"code\":\"r\",\"name\":\"R\",\"entries\":[{\"role\":\"x\",\"name\":\"X\",\"amount\":\"grade\"}]}]}",
         NULL, "penalties.rules[0].entries[0]"},
        {NULL, "{\"rules\":[{\"code\":\"r\",\"name\":\"R\",\"when\":{\"category\":\"nowhere\"},\"entries\":[{\"role\":\"x\",\"name\":\"X\"}]}]}",
         NULL, "penalties.rules[0].when.category"},
        {NULL, "{\"grades\":[{\"code\":\"g\",\"name\":\"G\",\"amount_min\":100,\"amount_max\":50}],\"rules\":[]}", NULL,
         "penalties.grades[0].amount_max"},
        {NULL, NULL, "{\"channels\":[\"pigeon\"],\"conclusions\":[{\"code\":\"a\",\"name\":\"A\"}]}", "appeals.channels[0]"},
        {NULL, NULL, "{\"sources\":[]}", "appeals.sources"},
        {NULL, NULL, "{\"conclusions\":[{\"code\":\"a\",\"name\":\"A\"}],\"extra\":1}", "appeals.extra"},
        {"{\"unresolvable\":{\"roles\":[\"handler\"],\"approvers\":[\"manager\"],\"every\":\"quarter\"}}", NULL, NULL,
         "closing.unresolvable.every"},
        {"{\"unresolvable\":{\"roles\":[\"handler\"],\"approvers\":[\"handler\"]}}", NULL, NULL,
         "closing.unresolvable.approvers[0]"},
        {"{\"unresolvable\":{\"roles\":[\"auditor\"],\"approvers\":[\"manager\"]}}", NULL, NULL,
         "closing.unresolvable.roles[0]"},
        {"{\"unresolvable\":{\"roles\":[],\"approvers\":[\"manager\"]}}", NULL, NULL, "closing.unresolvable.roles"},
        {"{\"unresolvable\":{\"roles\":[\"handler\"],\"approvers\":[\"manager\"],\"period\":\"week\"}}", NULL, NULL,
         "closing.unresolvable.period"},
        {"{\"unresolvable\":true}", NULL, NULL, "closing.unresolvable"},
        {"{\"pending\":{\"roles\":[\"handler\"],\"approvers\":[\"manager\"]}}", NULL, NULL, "closing.pending.reasons"},
        {"{\"pending\":{\"reasons\":[{\"code\":\"a\",\"name\":\"甲\"}],\"roles\":[\"auditor\"],\"approvers\":[\"manager\"]}}",
         NULL, NULL, "closing.pending.roles[0]"},
        {"{\"pending\":{\"reasons\":[{\"code\":\"a\",\"name\":\"甲\"}],\"roles\":[\"handler\"],\"approvers\":[\"agent\"]}}",
         NULL, NULL, "closing.pending.approvers[0]"},
        {"{\"pending\":{\"reasons\":[{\"code\":\"a\",\"name\":\"甲\"}],\"roles\":[\"handler\"],\"approvers\":[\"manager\"],"
         "\"reminder_day\":29}}",
         NULL, NULL, "closing.pending.reminder_day"},
        {"{\"pending\":{\"reasons\":[{\"code\":\"a\",\"name\":\"甲\"}],\"roles\":[\"handler\"],\"approvers\":[\"manager\"],"
         "\"reminder_day\":0}}",
         NULL, NULL, "closing.pending.reminder_day"},
        {"{\"pending\":{\"reasons\":[{\"code\":\"a\",\"name\":\"甲\"}],\"roles\":[\"handler\"],\"approvers\":[\"manager\"],"
         "\"day\":4}}",
         NULL, NULL, "closing.pending.day"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        policy p;
        cerr e;
        int rc = load(&p, bad[i].closing, bad[i].penalties, bad[i].appeals, &e);
        if (rc == 0)
            fail_msg("case %zu loaded, expected an error at %s", i, bad[i].path);
        if (strcmp(e.field, bad[i].path) != 0 || strcmp(e.code, "invalid_pack") != 0)
            fail_msg("case %zu: error at \"%s\" (%s), expected %s", i, e.field, e.message, bad[i].path);
        policy_release(&p);
    }
}

/* A local instant (+08:00) as Unix seconds. */
static int64_t local(int y, unsigned m, unsigned d, int hh, int mm, int ss)
{
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - 8 * 3600;
}

/*
 * closing.unresolvable: a case recorded as unresolvable is closed at the
 * review of the period after the one it was recorded in, whose local start
 * (the pack's zone, +08:00) is the first instant allowed — to the second.
 */
static void test_unresolvable_period(void **state)
{
    (void)state;
    policy p;
    cerr e;
    char key[16];
    assert_int_equal(load(&p, "{\"unresolvable\":{\"roles\":[\"handler\",\"supervisor\"],\"approvers\":[\"manager\"]}}",
                          NULL, NULL, &e), 0);
    const cases_policy *cp = &p.cases;
    assert_int_equal(cp->unres_period, RP_QUARTER); /* the default */
    assert_int_equal(cp->unres_roles, R_HANDLER | R_SUPERVISOR);
    assert_int_equal(cp->unres_approvers, R_MANAGER);
    const struct {
        int64_t marked, from;
        const char *key;
    } q[] = {
        {local(2026, 1, 1, 0, 0, 0), local(2026, 4, 1, 0, 0, 0), "2026-Q1"},
        {local(2026, 3, 31, 23, 59, 59), local(2026, 4, 1, 0, 0, 0), "2026-Q1"},
        /* 2026-03-31T16:00:00Z is already April 1st in the pack's zone */
        {INT64_C(1774972800), local(2026, 7, 1, 0, 0, 0), "2026-Q2"},
        {local(2026, 12, 31, 23, 59, 59), local(2027, 1, 1, 0, 0, 0), "2026-Q4"},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        assert_int_equal(cases_unresolvable_from(cp, q[i].marked, p.tz_offset, key, sizeof key), q[i].from);
        assert_string_equal(key, q[i].key);
    }
    assert_int_equal(local(2026, 4, 1, 0, 0, 0), INT64_C(1774972800));
    policy_release(&p);

    assert_int_equal(load(&p, "{\"unresolvable\":{\"roles\":[\"handler\"],\"approvers\":[\"supervisor\"],"
                              "\"period\":\"month\"}}", NULL, NULL, &e), 0);
    assert_int_equal(cases_unresolvable_from(&p.cases, local(2026, 2, 28, 23, 59, 59), p.tz_offset, key, sizeof key),
                     local(2026, 3, 1, 0, 0, 0));
    assert_string_equal(key, "2026-02");
    policy_release(&p);

    /* Without the section the pack takes no such cases. */
    assert_int_equal(load(&p, NULL, NULL, NULL, &e), 0);
    assert_int_equal(p.cases.unres_period, 0);
    policy_release(&p);
}

/* closing.pending (003 未了事宜): reasons, roles, approvers and the reminder day; the month it reminds of. */
static void test_pending_section(void **state)
{
    (void)state;
    policy p;
    cerr e;
    char key[16];
    assert_int_equal(load(&p, "{\"pending\":{\"reasons\":[{\"code\":\"parts_delayed\",\"name\":\"配件延时\"}],"
                              "\"roles\":[\"handler\",\"agent\"],\"approvers\":[\"manager\"]}}",
                          NULL, NULL, &e), 0);
    const cases_policy *cp = &p.cases;
    assert_int_equal(cp->pend_reminder_day, 4); /* the default: 每月4日 */
    assert_int_equal(cp->pend_roles, R_HANDLER | R_AGENT);
    assert_int_equal(cp->pend_approvers, R_MANAGER);
    assert_int_equal(cp->npend_reasons, 1);
    /* before the 4th, local time: no reminder yet; from it, the month began on the 1st */
    assert_int_equal(cases_pending_month(cp, local(2027, 1, 3, 23, 59, 59), p.tz_offset, key, sizeof key), -1);
    assert_string_equal(key, "2027-01");
    assert_int_equal(cases_pending_month(cp, local(2027, 1, 4, 0, 0, 0), p.tz_offset, key, sizeof key),
                     local(2027, 1, 1, 0, 0, 0));
    assert_int_equal(cases_pending_month(cp, local(2027, 1, 31, 12, 0, 0), p.tz_offset, key, sizeof key),
                     local(2027, 1, 1, 0, 0, 0));
    policy_release(&p);

    /* Without the section the pack keeps no ledger. */
    assert_int_equal(load(&p, NULL, NULL, NULL, &e), 0);
    assert_int_equal(p.cases.pend_reminder_day, 0);
    policy_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_required_per_nature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_form, setup, teardown),
        cmocka_unit_test_setup_teardown(test_major_needs_a_manager, setup, teardown),
        cmocka_unit_test_setup_teardown(test_penalty_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_penalty_grades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decide, setup, teardown),
        cmocka_unit_test(test_double_refund),
        cmocka_unit_test(test_class_limits),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_appeal_intake),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_unresolvable_period),
        cmocka_unit_test(test_pending_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
