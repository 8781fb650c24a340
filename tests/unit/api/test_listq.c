/*
 * Unit tests for api/listq: the complaint list's query string to a store
 * filter — each parameter's translation, the caller's scope (a site sees
 * its subtree, a centre its branch, the head office everything, no unit
 * nothing), and the error that names the bad parameter. The parameters come
 * from a table here, as the fuzz harness and the handler pass theirs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/listq.h"
#include "core/workflow.h"
#include "testutil.h"

static const char *const *params; /* NULL-terminated name, value pairs */

static const char *get(void *ctx, const char *key)
{
    (void)ctx;
    for (const char *const *p = params; p && *p; p += 2)
        if (strcmp(p[0], key) == 0)
            return p[1];
    return NULL;
}

static policy pol;
static org o;

static int setup(void **state)
{
    (void)state;
    tu_policy(&pol);
    tu_org(&o);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    policy_release(&pol);
    org_release(&o);
    return 0;
}

static int parse(const char *const *p, int64_t caller, listq *q, cerr *e)
{
    params = p;
    listq_init(q);
    return listq_parse(q, get, NULL, &pol, &o, caller, 1000, e);
}

static bool has(const int64_t *ids, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

static void test_defaults_and_scope(void **state)
{
    (void)state;
    listq q;
    cerr e;
    static const char *const none[] = {NULL};
    /* Head office: no scope filter at all. */
    assert_int_equal(parse(none, U_HQ, &q, &e), 0);
    assert_int_equal(q.f.limit, 50);
    assert_int_equal(q.f.now, 1000);
    assert_null(q.f.scope_units);
    listq_release(&q);
    /* A site: itself only. */
    assert_int_equal(parse(none, U_SITE1, &q, &e), 0);
    assert_int_equal(q.f.n_scope_units, 1);
    assert_true(has(q.f.scope_units, q.f.n_scope_units, U_SITE1));
    listq_release(&q);
    /* The service centre sees its branch's subtree, sites included. */
    assert_int_equal(parse(none, U_CENTRE, &q, &e), 0);
    assert_true(has(q.f.scope_units, q.f.n_scope_units, U_SITE2));
    assert_false(has(q.f.scope_units, q.f.n_scope_units, U_DEPT));
    listq_release(&q);
    /* No unit: an impossible unit, so nothing is listed. */
    assert_int_equal(parse(none, 0, &q, &e), 0);
    assert_int_equal(q.f.n_scope_units, 1);
    assert_int_equal(q.f.scope_units[0], 0);
    listq_release(&q);
}

static void test_filters(void **state)
{
    (void)state;
    listq q;
    cerr e;
    static const char *const p[] = {"status", "open", "owner_unit", "PD", "category", "service", "level", "2",
                                    "phone", "138-1234-5678", "overdue", "true", "sort", "deadline", "limit",
                                    "200", "cursor", "d99.7", "to", "2026-11-24", "channel", "phone", NULL};
    assert_int_equal(parse(p, U_BRANCH, &q, &e), 0);
    assert_int_equal(q.f.status, -1);
    assert_int_equal(q.f.n_owner_units, 3); /* PD and its two sites */
    assert_null(q.f.scope_units);           /* the owner filter lies inside the scope */
    assert_int_equal(q.f.n_categories, 3);  /* service, attitude, queue */
    assert_int_equal(q.f.level, 2);
    assert_string_equal(q.f.phone, "13812345678");
    assert_true(q.f.overdue);
    assert_true(q.f.sort_deadline);
    assert_int_equal(q.f.limit, 200);
    assert_true(q.f.has_cursor);
    assert_int_equal(q.f.cursor_key, 99);
    assert_int_equal(q.f.cursor_id, 7);
    /* A date "to" includes the whole local day: 2026-11-25 00:00 +08:00. */
    assert_int_equal(q.f.to, 1795536000);
    assert_string_equal(q.f.channel, "phone");
    listq_release(&q);
}

static void test_errors_name_the_parameter(void **state)
{
    (void)state;
    static const struct {
        const char *name, *value;
    } bad[] = {
        {"status", "lost"},  {"stage", "x"},     {"owner_unit", "NOPE"}, {"subject_unit", "99"},
        {"channel", "fax"},  {"category", "z"},  {"level", "4"},         {"from", "2026-13-01"},
        {"to", "tomorrow"},  {"phone", "12"},    {"overdue", "yes"},     {"warning", "1"},
        {"sort", "random"},  {"limit", "201"},   {"limit", "0"},         {"cursor", "d1.2"},
        {"cursor", "c1 "},   {"level", "2x"},
        {"nature", "maybe"}, {"reopened", "1"},  {"supervised", "no"},   {"appealed", "x"},
        {"closed_from", "x"}, {"closed_to", "2026-02-30x"}, {"due_from", "x"}, {"due_to", "x"},
        {"customer_class", "nobody"}, {"responsibility", "nobody"}, {"responsible_unit", "NOPE"},
        {"sort", "relevance"}, {"priority", "low"}, {"waiting", "yes"}, {"incident", "0"}, {"incident", "x"},
        {"satisfaction", "happy"}, {"sort", "urgency"},
        {"subject_staff", "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0\xe5\xbc\xa0"
                          "\xe5\xbc\xa0\xe5\xbc\xa0"}, /* 65 characters */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *p[] = {bad[i].name, bad[i].value, NULL};
        listq q;
        cerr e = {0};
        if (parse(p, U_HQ, &q, &e) != CERR_USER)
            fail_msg("%s=%s accepted", bad[i].name, bad[i].value);
        assert_string_equal(e.code, "bad_request");
        assert_string_equal(e.field, bad[i].name);
        listq_release(&q);
    }
}

static void test_cursor(void **state)
{
    (void)state;
    int64_t key = -1, id = -1;
    assert_int_equal(listq_cursor("c42", false, &key, &id), 0);
    assert_int_equal(id, 42);
    assert_int_equal(key, 0);
    assert_int_equal(listq_cursor("d1764547200.12", true, &key, &id), 0);
    assert_int_equal(key, 1764547200);
    assert_int_equal(id, 12);
    assert_int_equal(listq_cursor("c42", true, &key, &id), -1);
    assert_int_equal(listq_cursor("d1.2", false, &key, &id), -1);
    assert_int_equal(listq_cursor("c42x", false, &key, &id), -1);
    assert_int_equal(listq_cursor("", false, &key, &id), -1);
    /* Only what the server writes: no blanks, signs or overflow. */
    static const char *bad[] = {"c 1", "c+1", "c-1", "c", "d1.", "d.1", "c9223372036854775808", "d1.2.3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (listq_cursor(bad[i], bad[i][0] == 'd', &key, &id) != -1)
            fail_msg("cursor \"%s\" accepted", bad[i]);
    assert_int_equal(listq_cursor("c9223372036854775807", false, &key, &id), 0);
    assert_int_equal(id, INT64_MAX);
}

/* The state filters of issue #20 and the listing by priority, whose cursor carries the priority's place. */
static void test_state_and_priority(void **state)
{
    (void)state;
    listq q;
    cerr e;
    static const char *const p[] = {"subject_staff", "加油员 李强", "responsible_person", "站长", "waiting", "true",
                                    "incident", "17", "satisfaction", "none", "sort", "priority",
                                    "cursor", "p1d99.7", NULL};
    assert_int_equal(parse(p, U_HQ, &q, &e), 0);
    assert_string_equal(q.f.subject_staff, "加油员 李强");
    assert_string_equal(q.f.responsible_person, "站长");
    assert_int_equal(q.f.waiting, 1);
    assert_int_equal(q.f.incident_id, 17);
    assert_int_equal(q.f.incident, 0);
    assert_string_equal(q.f.satisfaction, "");
    assert_true(q.f.sort_priority);
    assert_false(q.f.sort_deadline);
    assert_true(q.f.has_cursor);
    assert_int_equal(q.f.cursor_rank, 1);
    assert_int_equal(q.f.cursor_key, 99);
    assert_int_equal(q.f.cursor_id, 7);
    /* The next page's cursor says the last row's place: a high-priority complaint is 1. */
    complaint last;
    complaint_init(&last);
    last.id = 8;
    last.stage_due = 120;
    json_object_set_new(last.data, "priority", json_string("high"));
    char cur[64];
    listq_cursor_next(&q.f, &last, cur, sizeof cur);
    assert_string_equal(cur, "p1d120.8");
    listq_page_after(&q.f, &last);
    assert_int_equal(q.f.cursor_rank, 1);
    assert_int_equal(q.f.cursor_key, 120);
    json_object_del(last.data, "priority");
    listq_cursor_next(&q.f, &last, cur, sizeof cur);
    assert_string_equal(cur, "p2d120.8"); /* none is normal */
    complaint_release(&last);
    listq_release(&q);
    static const char *const in[] = {"incident", "false", "waiting", "false", "satisfaction", "dissatisfied", NULL};
    assert_int_equal(parse(in, U_HQ, &q, &e), 0);
    assert_int_equal(q.f.incident, -1);
    assert_int_equal(q.f.waiting, -1);
    assert_string_equal(q.f.satisfaction, "dissatisfied");
    listq_release(&q);
    /* A cursor of another order is refused. */
    static const char *const cursors[] = {"c7", "d99.7", "p3d1.2", "p1c7", "p", "p1d1."};
    for (size_t i = 0; i < sizeof cursors / sizeof cursors[0]; i++) {
        const char *pc[] = {"sort", "priority", "cursor", cursors[i], NULL};
        if (parse(pc, U_HQ, &q, &e) != CERR_USER)
            fail_msg("cursor %s accepted", cursors[i]);
        assert_string_equal(e.field, "cursor");
        listq_release(&q);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_and_scope),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_errors_name_the_parameter),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_state_and_priority),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
