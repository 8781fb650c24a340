/*
 * Unit tests for app/app.c: the configuration snapshot's lifecycle and the
 * separation of user errors from store failures, on a temporary SQLite
 * database. A snapshot that is freed too early (while a holder still reads
 * it) or never freed shows up under ASan, which these tests run under.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "app/app.h"
#include "app/result.h"
#include "app/act.h"
#include "app/duty.h"
#include "testutil.h"
#include "util/log.h"

typedef struct afx {
    tu_tmpdb db;
    app a;
} afx;

/* Publishes the test pack as the next version (fails the test otherwise). */
static int64_t publish(app *a)
{
    json_t *pack = json_loads(tu_pack_json, 0, NULL);
    assert_non_null(pack);
    cerr e = CERR_INIT;
    int64_t v = 0;
    assert_int_equal(app_pack_publish(a, pack, 0, "test", 0, 1000, &v, &e), 0);
    json_decref(pack);
    return v;
}

static int group_setup(void **state)
{
    (void)state;
    log_set_level(LOG_ERROR + 1);
    return sodium_init() < 0 ? -1 : 0;
}

/* A new database with the seven units and the test pack as version 1. */
static int setup(void **state)
{
    afx *f = calloc(1, sizeof *f);
    char err[256];
    if (!f)
        return -1;
    if (tu_tmpdb_make(&f->db))
        return -1;
    if (app_open(&f->a, f->db.url, false, err, sizeof err)) {
        fprintf(stderr, "app_open(%s): %s\n", f->db.url, err);
        return -1;
    }
    for (int i = U_HQ; i < U__COUNT; i++) {
        unit u = {0, (char *)tu_units[i].code, (char *)tu_units[i].name, NULL, (char *)tu_units[i].type,
                  tu_units[i].parent};
        if (store_unit_add(f->a.db, &u) != 0)
            return -1;
    }
    if (app_reload_org(&f->a))
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    afx *f = *state;
    app_close(&f->a);
    tu_tmpdb_remove(&f->db);
    free(f);
    return 0;
}

static void test_snapshot_outlives_its_swap(void **state)
{
    afx *f = *state;
    app *a = &f->a;
    int64_t v1 = publish(a);
    app_snap *s1 = app_acquire(a);
    assert_int_equal(s1->pol_version, v1);
    assert_int_equal(s1->org.n, U__COUNT - 1);
    assert_int_equal(atomic_load(&s1->refs), 2); /* current + us */

    int64_t v2 = publish(a);
    assert_true(v2 > v1);
    app_snap *s2 = app_acquire(a);
    assert_ptr_not_equal(s1, s2);
    assert_int_equal(s2->pol_version, v2);
    /* Swapped out, still whole for its holder (ASan: no use after free). */
    assert_int_equal(atomic_load(&s1->refs), 1);
    assert_string_equal(s1->pol.name, s2->pol.name);
    assert_int_equal(s1->pol_version, v1);
    assert_non_null(org_find(&s1->org, U_SITE1));
    app_snap_release(s1); /* the last reader: freed here (ASan: no leak) */
    app_snap_release(s2);
}

static void test_thread_holds_one_and_sees_its_own_change(void **state)
{
    afx *f = *state;
    app *a = &f->a;
    int64_t v1 = publish(a);
    app_enter(a);
    app_enter(a); /* nests */
    const app_snap *held = app_cur(a);
    assert_int_equal(held->pol_version, v1);
    app_leave(a);
    assert_ptr_equal(app_cur(a), held);
    int64_t v2 = publish(a);
    assert_int_equal(app_cur(a)->pol_version, v2); /* the thread's own change */
    app_leave(a);
}

static void test_refresh_picks_up_another_node(void **state)
{
    afx *f = *state;
    app *a = &f->a;
    publish(a);
    app b;
    char err[256];
    assert_int_equal(app_open(&b, f->db.url, true, err, sizeof err), 0);
    app_snap *s = app_acquire(a);
    unsigned long gen = s->org_gen;
    app_snap_release(s);

    int64_t v = publish(&b);
    unit u = {0, "PD-03", "新站", NULL, "site", U_REGION};
    assert_int_equal(store_unit_add(b.db, &u), 0);
    bool changed = false;
    assert_int_equal(app_refresh(a, &changed), 0);
    assert_true(changed);
    s = app_acquire(a);
    assert_int_equal(s->pol_version, v);
    assert_int_equal(s->org.n, U__COUNT);
    assert_int_equal(s->org_gen, gen + 1);
    app_snap_release(s);
    assert_int_equal(app_refresh(a, &changed), 0);
    assert_false(changed); /* nothing new: the same snapshot stays */
    app_close(&b);
}

static void test_user_error_and_store_failure_differ(void **state)
{
    afx *f = *state;
    app *a = &f->a;
    publish(a);
    const actor admin = {1, R_ADMIN, U_HQ};
    complaint out;
    complaint_init(&out);

    cerr e = CERR_INIT;
    assert_int_equal(app_act(a, &admin, 4242, "dispatch", NULL, -1, 2000, &out, &e), CERR_USER);
    assert_string_equal(e.code, "not_found");
    assert_true(e.message[0] != '\0');

    /* The store loses its complaints table behind its back: a failure, not a refusal. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->db.path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "ALTER TABLE complaints RENAME TO complaints_gone", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cerr e2 = CERR_INIT;
    int rc = app_act(a, &admin, 1, "dispatch", NULL, -1, 2000, &out, &e2);
    assert_true(rc < 0 && rc != CERR_USER);
    assert_true(app_result_ok(rc));
    assert_null(e2.code); /* nothing to show the user */
    complaint_release(&out);
}

/* Rows completed twice (a unit of work tried again) keep one key each and one payload. */
static void test_people_rows_completed_once(void **state)
{
    (void)state;
    outbox_msg rows[2] = {0};
    snprintf(rows[0].key, sizeof rows[0].key, "user7/sms");
    snprintf(rows[1].key, sizeof rows[1].key, "duty/user9/sms");
    for (int round = 0; round < 2; round++)
        app_people_fill(rows, 2, 42, "rule_notify", "{\"number\":\"TS1\"}", "c42/rule/safety");
    assert_string_equal(rows[0].key, "c42/rule/safety/user7/sms");
    assert_string_equal(rows[1].key, "c42/rule/safety/duty/user9/sms");
    assert_string_equal(rows[1].payload, "{\"number\":\"TS1\"}");
    assert_int_equal(rows[0].complaint_id, 42);
    free(rows[0].payload);
    free(rows[1].payload);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_snapshot_outlives_its_swap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_holds_one_and_sees_its_own_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_picks_up_another_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_error_and_store_failure_differ, setup, teardown),
        cmocka_unit_test(test_people_rows_completed_once),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
