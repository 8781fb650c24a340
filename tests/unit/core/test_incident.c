/*
 * Unit tests for core/incident: raising the response level moves the owner
 * one unit up the tree and stops at level 3; notes and the closing summary
 * are required; a closed incident takes no action; every step is appended
 * to the timeline and bumps the version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/incident.h"
#include "testutil.h"

static void open_incident(incident *inc)
{
    memset(inc, 0, sizeof *inc);
    inc->id = 1;
    snprintf(inc->status, sizeof inc->status, "open");
    inc->level = 1;
    inc->owner_unit = U_SITE1;
    inc->anchor_unit = U_SITE1;
    inc->version = 1;
    inc->data = json_object();
    incident_record(inc, "open", 0, 1000, NULL);
}

static int decide(incident *inc, const org *o, const char *action, const char *input, cerr *e)
{
    json_error_t jerr;
    json_t *in = json_loads(input, 0, &jerr);
    assert_non_null(in);
    memset(e, 0, sizeof *e);
    int rc = incident_decide(inc, o, action, in, 7, 2000, e);
    json_decref(in);
    return rc;
}

static void test_raise_climbs_the_tree(void **state)
{
    (void)state;
    org o;
    tu_org(&o);
    incident inc;
    open_incident(&inc);
    cerr e;
    assert_int_equal(decide(&inc, &o, "raise", "{}", &e), CERR_USER);
    assert_string_equal(e.field, "note");
    assert_int_equal(inc.level, 1); /* nothing changed on a refusal */
    assert_int_equal(decide(&inc, &o, "raise", "{\"note\":\"站经理报请公司\"}", &e), 0);
    assert_int_equal(inc.level, 2);
    assert_int_equal(inc.owner_unit, U_REGION);
    assert_int_equal(inc.version, 2);
    assert_int_equal(decide(&inc, &o, "raise", "{\"note\":\"公司层面\"}", &e), 0);
    assert_int_equal(inc.level, 3);
    assert_int_equal(inc.owner_unit, U_BRANCH);
    assert_int_equal(decide(&inc, &o, "raise", "{\"note\":\"再升\"}", &e), CERR_USER);
    assert_string_equal(e.code, "action_not_allowed");
    const json_t *tl = json_object_get(inc.data, "timeline");
    assert_int_equal(json_array_size(tl), 3);
    const json_t *last = json_array_get(tl, 2);
    assert_string_equal(json_string_value(json_object_get(last, "action")), "raise");
    assert_int_equal(json_integer_value(json_object_get(last, "by")), 7);
    assert_int_equal(json_integer_value(json_object_get(last, "owner_unit")), U_BRANCH);
    incident_release(&inc);
    org_release(&o);
}

static void test_note_close_and_closed(void **state)
{
    (void)state;
    org o;
    tu_org(&o);
    incident inc;
    open_incident(&inc);
    cerr e;
    assert_int_equal(decide(&inc, &o, "note", "{\"note\":\"\"}", &e), CERR_USER);
    assert_string_equal(e.field, "note");
    assert_int_equal(decide(&inc, &o, "note", "{\"note\":\"已送检\"}", &e), 0);
    assert_int_equal(decide(&inc, &o, "close", "{}", &e), CERR_USER);
    assert_string_equal(e.field, "summary");
    assert_int_equal(decide(&inc, &o, "close", "{\"summary\":\"检测合格\"}", &e), 0);
    assert_string_equal(inc.status, "closed");
    assert_int_equal(inc.closed_at, 2000);
    assert_string_equal(json_string_value(json_object_get(inc.data, "summary")), "检测合格");
    assert_int_equal(decide(&inc, &o, "note", "{\"note\":\"晚了\"}", &e), CERR_USER);
    assert_string_equal(e.code, "action_not_allowed");
    assert_int_equal(decide(&inc, &o, "fly", "{}", &e), CERR_USER);
    assert_string_equal(e.code, "not_found");
    assert_int_equal(json_array_size(json_object_get(inc.data, "timeline")), 3);
    incident_release(&inc);
    org_release(&o);
}

/* The response team's steps: members keep one role each, tasks are numbered and done once, the notice is kept. */
static void test_team_tasks_notice(void **state)
{
    (void)state;
    org o;
    tu_org(&o);
    incident inc;
    open_incident(&inc);
    cerr e;
    assert_int_equal(decide(&inc, &o, "team", "{\"user\":5,\"role\":\"组长\"}", &e), 0);
    assert_int_equal(decide(&inc, &o, "team", "{\"user\":5,\"role\":\"发言人\"}", &e), 0);
    json_t *team = json_object_get(inc.data, "team");
    assert_int_equal(json_array_size(team), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(team, 0), "role")), "发言人");
    assert_int_equal(decide(&inc, &o, "team", "{\"user\":0,\"role\":\"x\"}", &e), CERR_USER);
    assert_string_equal(e.field, "user");
    assert_int_equal(decide(&inc, &o, "task", "{\"title\":\"调取监控\",\"owner\":5,\"due\":\"soon\"}", &e), CERR_USER);
    assert_string_equal(e.field, "due");
    assert_int_equal(decide(&inc, &o, "task", "{\"title\":\"调取监控\",\"owner\":5,\"due\":\"2027-01-01T10:00:00+08:00\"}", &e), 0);
    assert_int_equal(decide(&inc, &o, "task_done", "{\"no\":2}", &e), CERR_USER);
    assert_string_equal(e.field, "no");
    assert_int_equal(decide(&inc, &o, "task_done", "{\"no\":1}", &e), 0);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(inc.data, "tasks"), 0), "done_at")), 2000);
    assert_int_equal(decide(&inc, &o, "task_done", "{\"no\":1}", &e), CERR_USER);
    assert_string_equal(e.code, "action_not_allowed");
    assert_int_equal(decide(&inc, &o, "notice", "{\"text\":\"致顾客的说明\"}", &e), 0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(inc.data, "customer_notice"), "text")), "致顾客的说明");
    assert_int_equal(inc.version, 6);
    incident_release(&inc);
    org_release(&o);
}

static void test_open_by_hand(void **state)
{
    (void)state;
    incident inc = {0};
    cerr e = CERR_INIT;
    json_error_t jerr;
    json_t *in = json_loads("{\"title\":\"电话勒索\",\"level\":2,\"description\":\"来电威胁\"}", 0, &jerr);
    assert_int_equal(incident_open_manual(&inc, in, U_SITE1, 7, 1000, &e), 0);
    assert_string_equal(inc.cluster, "manual");
    assert_int_equal(inc.level, 2);
    assert_int_equal(inc.owner_unit, U_SITE1);
    assert_int_equal(json_array_size(json_object_get(inc.data, "timeline")), 1);
    json_object_set_new(in, "level", json_integer(0));
    assert_int_equal(incident_open_manual(&inc, in, U_SITE1, 7, 1000, &e), CERR_USER);
    assert_string_equal(e.field, "level");
    json_decref(in);
    incident_release(&inc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raise_climbs_the_tree),
        cmocka_unit_test(test_team_tasks_notice),
        cmocka_unit_test(test_open_by_hand),
        cmocka_unit_test(test_note_close_and_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
