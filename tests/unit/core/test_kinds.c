/*
 * Unit tests for the kinds of work order (core/taxonomy.h "kinds", the
 * workflow's gating in core/workflow.c): a pack's kinds load with their
 * actions and flags, a broken one is refused naming its JSON path, intake
 * takes a kind of the pack and refuses any other, and a complaint of a kind
 * is offered only its kind's subset of the workflow. A pack without kinds
 * keeps today's two, complaint and appeal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/pack.h"
#include "core/strv.h"
#include "core/workflow.h"
#include "testutil.h"

#define T_NOW INT64_C(1772326800) /* 2026-03-01T09:00:00+08:00 */

/* The test pack's kinds: praise is recorded and closed, a consultation has no revisit. */
#define KINDS                                                                                                          \
    "[{\"code\":\"complaint\",\"name\":\"投诉\",\"name_en\":\"Complaint\"},"                                         \
    " {\"code\":\"consultation\",\"name\":\"咨询\",\"name_en\":\"Consultation\",\"actions\":[\"answer\","            \
    "\"dispatch\",\"accept\",\"resolve\",\"reply\",\"close\",\"archive\"],\"penalties\":false,"                        \
    "\"counts_as_complaint\":false},"                                                                                  \
    " {\"code\":\"praise\",\"name\":\"表扬\",\"actions\":[\"answer\",\"archive\",\"comment\"],\"penalties\":false,"  \
    "\"counts_as_complaint\":false}]"

/* The test pack with kinds (NULL = KINDS): loaded into p, or (whole) checked by pack_validate. */
static int load_kinds(const char *kinds, policy *p, cerr *e, bool whole)
{
    json_error_t jerr;
    /* pack_validate also wants what only init reads (units …): a shipped pack. */
    json_t *pack = whole ? json_load_file("packs/utility.json", 0, &jerr) : json_loads(tu_pack_json, 0, &jerr);
    json_t *k = json_loads(kinds ? kinds : KINDS, JSON_DECODE_ANY, &jerr);
    if (!pack || !k)
        fail_msg("bad JSON in the test: %s", kinds);
    json_object_set_new(pack, "kinds", k);
    memset(e, 0, sizeof *e);
    int rc;
    if (whole) {
        rc = pack_validate(pack, e);
    } else {
        rc = policy_load(p, pack, e);
    }
    json_decref(pack);
    return rc;
}

static void expect_kinds_error(const char *kinds, const char *field, bool whole)
{
    policy p;
    cerr e;
    int rc = load_kinds(kinds, &p, &e, whole);
    if (!whole)
        policy_release(&p);
    if (rc == 0)
        fail_msg("kinds %s loaded, expected an error at %s", kinds, field);
    if (!e.code || strcmp(e.code, "invalid_pack") != 0 || strcmp(e.field, field) != 0)
        fail_msg("kinds %s: %s at \"%s\" (%s), expected invalid_pack at \"%s\"", kinds, e.code ? e.code : "(none)",
                 e.field, e.message, field);
}

static void test_kinds_load(void **state)
{
    (void)state;
    policy p;
    cerr e;
    if (load_kinds(NULL, &p, &e, false))
        fail_msg("kinds do not load: %s", e.message);
    assert_int_equal(p.tax.nkinds, 3);
    const kind_def *k = taxonomy_kind(&p.tax, "consultation");
    assert_non_null(k);
    assert_string_equal(k->name, "咨询");
    assert_false(k->penalties);
    assert_false(k->counts);
    assert_true(taxonomy_kind(&p.tax, "complaint")->penalties && taxonomy_kind(&p.tax, "complaint")->counts);
    assert_null(taxonomy_kind(&p.tax, "complaint")->actions);
    assert_true(taxonomy_has_kind(&p.tax, "appeal"));
    assert_false(taxonomy_has_kind(&p.tax, "repair"));
    assert_true(taxonomy_kind_allows(&p.tax, NULL, "revisit"));
    assert_true(taxonomy_kind_allows(&p.tax, "consultation", "reply"));
    assert_false(taxonomy_kind_allows(&p.tax, "consultation", "revisit"));
    assert_true(taxonomy_kind_allows(&p.tax, "appeal", "compensate"));
    assert_string_equal(taxonomy_kind_name(&p.tax, "praise", true), "表扬"); /* no English name: the Chinese */
    assert_string_equal(taxonomy_kind_name(&p.tax, "consultation", true), "Consultation");
    assert_string_equal(taxonomy_kind_name(&p.tax, "appeal", false), "申诉");
    policy_release(&p);
}

static void test_kinds_errors(void **state)
{
    (void)state;
    expect_kinds_error("[]", "kinds", false);
    expect_kinds_error("{\"code\":\"complaint\"}", "kinds", false);
    expect_kinds_error("[{\"code\":\"complaint\"}]", "kinds[0]", false);
    expect_kinds_error("[{\"code\":\"complaint\",\"name\":\"投诉\"},{\"code\":\"complaint\",\"name\":\"投诉\"}]",
                       "kinds[1]", false);
    expect_kinds_error("[{\"code\":\"repair\",\"name\":\"报修\"}]", "kinds", false);
    expect_kinds_error("[{\"code\":\"complaint\",\"name\":\"投诉\"},{\"code\":\"appeal\",\"name\":\"申诉\"}]",
                       "kinds[1]", false);
    expect_kinds_error("[{\"code\":\"complaint\",\"name\":\"投诉\",\"actions\":[]}]", "kinds[0].actions", false);
    expect_kinds_error("[{\"code\":\"complaint\",\"name\":\"投诉\",\"actions\":[\"answer\",\"answer\"]}]",
                       "kinds[0].actions[1]", false);
    expect_kinds_error("[{\"code\":\"complaint\",\"name\":\"投诉\",\"penalties\":0}]", "kinds[0]", false);
    expect_kinds_error("[{\"code\":\"complaint\",\"name\":\"投诉\",\"counts\":true}]", "kinds[0]", false);
    /* The actions are the table's, and people's: checked with the whole pack (the utility's rules name repair and
     * consultation). */
#define UTILITY_KINDS(last)                                                                                            \
    "[{\"code\":\"complaint\",\"name\":\"投诉\"},{\"code\":\"consultation\",\"name\":\"咨询\"},"                   \
    "{\"code\":\"repair\",\"name\":\"报修\"}," last "]"
    expect_kinds_error(UTILITY_KINDS("{\"code\":\"praise\",\"name\":\"表扬\",\"actions\":[\"answer\",\"thank\"]}"),
                       "kinds[3].actions[1]", true);
    expect_kinds_error(UTILITY_KINDS("{\"code\":\"praise\",\"name\":\"表扬\",\"actions\":[\"warn\"]}"),
                       "kinds[3].actions[0]", true);
}

/* A time-limit rule may name the pack's kinds; without kinds only complaint and appeal. */
static void test_time_limit_rule_kind(void **state)
{
    (void)state;
    policy p;
    cerr e;
    json_t *pack = json_loads(tu_pack_json, 0, NULL);
    json_object_set_new(pack, "time_limit_policy",
                        json_pack("{s:[{s:s,s:{s:s},s:{s:i}}]}", "rules", "clock", "handle", "when", "kind", "praise",
                                  "limit", "minutes", 60));
    memset(&e, 0, sizeof e);
    assert_int_not_equal(policy_load(&p, pack, &e), 0);
    assert_string_equal(e.field, "time_limit_policy.rules[0].when.kind");
    policy_release(&p);
    json_object_set_new(pack, "kinds", json_loads(KINDS, 0, NULL));
    if (policy_load(&p, pack, &e))
        fail_msg("a rule for praise: %s", e.message);
    assert_int_equal(p.sla.nrules, 1);
    assert_true(strv_has(p.sla.rules[0].kinds, "praise"));
    policy_release(&p);
    json_decref(pack);
}

typedef tu_fx fx;

static int setup(void **state)
{
    static fx f;
    cerr e;
    if (sodium_init() < 0 || load_kinds(NULL, &f.pol, &e, false))
        return -1;
    tu_org(&f.org);
    *state = &f;
    return 0;
}

static int intake(const policy *pol, const org *o, const char *kind, event *ev, cerr *e)
{
    actor agent = {11, R_AGENT, U_CENTRE};
    wf_ctx ctx = {pol, o, &agent, T_NOW, NULL, 0, NULL};
    json_t *in = tu_intake("2026-03-01T09:00:00+08:00", "13800138000");
    if (kind)
        json_object_set_new(in, "kind", json_string(kind));
    event_init(ev);
    memset(e, 0, sizeof *e);
    int rc = workflow_intake(&ctx, in, ev, e);
    json_decref(in);
    return rc;
}

static void test_intake_kind(void **state)
{
    fx *f = *state;
    event ev;
    cerr e;
    assert_int_equal(intake(&f->pol, &f->org, "praise", &ev, &e), 0);
    assert_string_equal(json_string_value(json_object_get(ev.payload, "kind")), "praise");
    event_release(&ev);
    assert_int_equal(intake(&f->pol, &f->org, NULL, &ev, &e), 0);
    assert_null(json_object_get(ev.payload, "kind")); /* a complaint, as before */
    event_release(&ev);
    assert_int_equal(intake(&f->pol, &f->org, "complaint", &ev, &e), 0);
    assert_null(json_object_get(ev.payload, "kind"));
    event_release(&ev);
    assert_int_not_equal(intake(&f->pol, &f->org, "repair", &ev, &e), 0);
    assert_string_equal(e.code, "validation_failed");
    assert_string_equal(e.field, "kind");
    event_release(&ev);
    /* The pack without kinds: complaint and appeal only. */
    policy plain;
    tu_policy(&plain);
    assert_int_not_equal(intake(&plain, &f->org, "praise", &ev, &e), 0);
    assert_string_equal(e.field, "kind");
    event_release(&ev);
    assert_int_equal(intake(&plain, &f->org, "appeal", &ev, &e), 0);
    event_release(&ev);
    policy_release(&plain);
}

static bool offered(const fx *f, const complaint *c, unsigned roles, const char *name)
{
    actor who = {99, roles, U_BRANCH};
    wf_ctx ctx = {&f->pol, &f->org, &who, T_NOW, NULL, 0, NULL};
    const wf_action *list[WF__COUNT];
    size_t n = workflow_allowed(&ctx, c, list, WF__COUNT);
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i]->name, name) == 0)
            return true;
    return false;
}

static void mk(complaint *c, int status, const char *data)
{
    complaint_init(c);
    c->id = 1;
    c->status = status;
    c->level = 3;
    c->subject_unit = c->owner_unit = c->handler_unit = U_SITE1;
    json_decref(c->data);
    c->data = json_loads(data, 0, NULL);
}

static void test_gating(void **state)
{
    fx *f = *state;
    complaint c;
    const unsigned sup = R_SUPERVISOR;
    mk(&c, ST_REGISTERED, "{\"kind\":\"praise\"}");
    assert_true(offered(f, &c, sup, "answer"));
    assert_false(offered(f, &c, sup, "dispatch"));
    assert_true(offered(f, &c, sup, "comment"));
    assert_false(offered(f, &c, sup, "correct"));
    actor who = {99, sup, U_BRANCH};
    wf_ctx ctx = {&f->pol, &f->org, &who, T_NOW, NULL, 0, NULL};
    cerr e = {0};
    assert_int_not_equal(workflow_may(&ctx, &c, workflow_find("dispatch"), &e), 0);
    assert_string_equal(e.code, "action_not_allowed");
    /* The system's steps are every kind's. */
    actor sys = {0, R_SYSTEM, 0};
    ctx.who = &sys;
    assert_int_equal(workflow_may(&ctx, &c, workflow_find("upgrade"), &e), 0);
    complaint_release(&c);

    mk(&c, ST_REGISTERED, "{}");
    assert_true(offered(f, &c, sup, "dispatch"));
    complaint_release(&c);

    mk(&c, ST_REPLIED, "{\"kind\":\"consultation\",\"reply\":{\"revisit_required\":false}}");
    assert_false(offered(f, &c, sup, "revisit"));
    assert_true(offered(f, &c, sup, "close"));
    complaint_release(&c);
}

/* A consultation's reply plans no revisit, and its closing asks nothing but the nature. */
static void test_consultation_reply_and_close(void **state)
{
    fx *f = *state;
    complaint c;
    actor who = {99, R_SUPERVISOR, U_BRANCH};
    wf_ctx ctx = {&f->pol, &f->org, &who, T_NOW, NULL, 0, NULL};
    mk(&c, ST_RESOLVED, "{\"kind\":\"consultation\"}");
    snprintf(c.nature, sizeof c.nature, "valid");
    event ev;
    event_init(&ev);
    cerr e = {0};
    json_t *in = json_pack("{s:s,s:s}", "method", "phone", "content", "已答复");
    if (workflow_step(&ctx, &c, "reply", in, &ev, &e))
        fail_msg("reply: %s", e.message);
    assert_true(json_is_false(json_object_get(ev.payload, "revisit_required")));
    json_decref(in);
    event_release(&ev);
    c.status = ST_REPLIED;
    json_object_set_new(c.data, "reply", json_pack("{s:b}", "revisit_required", 0));
    event_init(&ev);
    in = json_pack("{s:s}", "nature", "valid");
    if (workflow_step(&ctx, &c, "close", in, &ev, &e))
        fail_msg("close: %s (%s)", e.message, e.field);
    assert_null(json_object_get(ev.payload, "penalties"));
    json_decref(in);
    event_release(&ev);
    /* Its form asks for the nature alone. */
    wf_form fm;
    const wf_field *fields = workflow_fields(&ctx, &c, workflow_find("close"), &fm);
    assert_string_equal(fields[0].name, "nature");
    assert_null(fields[1].name);
    complaint_release(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds_load),
        cmocka_unit_test(test_kinds_errors),
        cmocka_unit_test(test_time_limit_rule_kind),
        cmocka_unit_test(test_intake_kind),
        cmocka_unit_test(test_gating),
        cmocka_unit_test(test_consultation_reply_and_close),
    };
    return cmocka_run_group_tests(tests, setup, tu_fx_teardown);
}
