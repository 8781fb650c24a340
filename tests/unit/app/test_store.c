/*
 * Unit tests of the store through its named operations: store_open on a
 * fresh database file per test (and, when REDRESS_TEST_PG_URL names one, on
 * an emptied PostgreSQL database: scripts/test-pg.sh) and only the store's
 * functions after that — config,
 * units, users, tokens, complaint numbering per local day, optimistic
 * versioning, the list filters and both cursor orders, event order, the
 * daily statistics and concurrent creation through the group-commit writer.
 * Complaints are made by the real workflow (testutil.h's policy and units),
 * so the stored rows are what the application stores. The last tests open
 * the same file with app_open and rebuild every complaint from its events
 * (app_verify_complaint), then edit the file behind the store's back with
 * raw SQL and expect the verification to name what was changed; those need
 * the application's library, so the file lives with app's tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>

#include "app/app.h"
#include "app/verify.h"
#include "core/notify.h"
#include "core/workflow.h"
#include "store/store.h"
#include "testutil.h"
#include "util/log.h"
#include "util/timeutil.h"

#define TZ 480
#define D1 INT64_C(1772294400) /* 2026-03-01T00:00:00+08:00 */
#define HOUR 3600
#define DAY 86400
#define MIN 60

static const actor agent = {11, R_AGENT, U_CENTRE};
static const actor handler1 = {12, R_HANDLER, U_SITE1};
static const actor handler2 = {13, R_HANDLER, U_SITE2};

typedef struct sfx {
    char dir[64];
    char path[128];
    char url[160];
    store *s;
    policy pol;
    org org;
} sfx;

static int group_setup(void **state)
{
    (void)state;
    log_set_level(LOG_ERROR);
    return sodium_init() < 0 ? -1 : 0;
}

/* The store of f->url with the seven units, into *state. */
static int open_fixture(sfx *f, void **state)
{
    char err[256];
    f->s = store_open(f->url, err, sizeof err);
    if (!f->s) {
        fprintf(stderr, "store_open(%s): %s\n", f->url, err);
        return -1;
    }
    for (int i = U_HQ; i < U__COUNT; i++) {
        unit u = {0,    (char *)tu_units[i].code, (char *)tu_units[i].name,
                  NULL, (char *)tu_units[i].type, tu_units[i].parent};
        if (store_unit_add(f->s, &u) != 0 || u.id != i)
            return -1; /* the fixtures rely on ids 1..7 in this order */
    }
    org_init(&f->org);
    if (store_unit_load(f->s, &f->org) != 0)
        return -1;
    tu_policy(&f->pol);
    *state = f;
    return 0;
}

/* A fresh database in a new temporary directory. */
static int setup(void **state)
{
    sfx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/redress-test-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/redress.db", f->dir);
    snprintf(f->url, sizeof f->url, "sqlite:%s", f->path);
    return open_fixture(f, state);
}

/* The PostgreSQL database of REDRESS_TEST_PG_URL (scripts/test-pg.sh), emptied. */
static int setup_pg(void **state)
{
    sfx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->url, sizeof f->url, "%s", getenv("REDRESS_TEST_PG_URL"));
    PGconn *pg = PQconnectdb(f->url);
    PGresult *r = PQexec(pg, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "cannot empty %s: %s\n", f->url, PQerrorMessage(pg));
    PQclear(r);
    PQfinish(pg);
    return ok ? open_fixture(f, state) : -1;
}

static void close_store(sfx *f)
{
    store_close(f->s);
    f->s = NULL;
}

static int teardown(void **state)
{
    sfx *f = *state;
    char p[200];
    close_store(f);
    policy_release(&f->pol);
    org_release(&f->org);
    static const char *suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; f->dir[0] && i < 4; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    if (f->dir[0])
        rmdir(f->dir);
    free(f);
    return 0;
}

static json_t *J(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    if (!v)
        fail_msg("bad JSON literal in the test (%s): %s", jerr.text, text);
    return v;
}

/* Registers a complaint received at `received` (Unix seconds), level 1–3,
 * and stores it; out is filled by the store. Returns the store's rc. */
static int create_at(sfx *f, int64_t received, const char *phone, int level, complaint *out)
{
    char when[40];
    time_format(received, TZ, when, sizeof when);
    json_t *in = tu_intake(when, phone);
    json_object_set_new(in, "level", json_integer(level));
    wf_ctx ctx = {&f->pol, &f->org, &agent, received + 60, NULL, 0, NULL};
    event ev;
    cerr e = {0};
    event_init(&ev);
    int rc = workflow_intake(&ctx, in, &ev, &e);
    json_decref(in);
    if (rc != 0) {
        event_release(&ev);
        fail_msg("intake refused: %s on %s (%s)", e.code, e.field, e.message);
    }
    complaint_init(out);
    rc = store_complaint_create(f->s, f->pol.number_prefix, TZ, &ev, out);
    event_release(&ev);
    return rc;
}

static void create_ok(sfx *f, int64_t received, const char *phone, int level, complaint *out)
{
    int rc = create_at(f, received, phone, level, out);
    if (rc != 0)
        fail_msg("complaint_create: %d", rc);
}

/* Decides action on *c, seals it and asks the store to write the next
 * state. On success *c becomes that state. Returns the store's rc. */
static int step(sfx *f, complaint *c, const actor *who, int64_t now, const char *action, const char *input)
{
    wf_ctx ctx = {&f->pol, &f->org, who, now, NULL, 0, NULL};
    event ev;
    cerr e = {0};
    json_t *in = input ? J(input) : NULL;
    event_init(&ev);
    int rc = workflow_step(&ctx, c, action, in, &ev, &e);
    json_decref(in);
    if (rc != 0) {
        event_release(&ev);
        fail_msg("%s on %s refused: %s on \"%s\" (%s)", action, c->number, e.code, e.field, e.message);
    }
    event_seal(&ev);
    complaint next;
    complaint_copy(&next, c);
    workflow_apply(&next, &ev);
    rc = store_complaint_update(f->s, c, &next, &ev, TZ);
    event_release(&ev);
    if (rc == 0) {
        complaint_release(c);
        *c = next;
    } else {
        complaint_release(&next);
    }
    return rc;
}

static void step_ok(sfx *f, complaint *c, const actor *who, int64_t now, const char *action, const char *input)
{
    int rc = step(f, c, who, now, action, input);
    if (rc != 0)
        fail_msg("complaint_update after %s on %s: %d", action, c->number, rc);
}

#define RESOLVE "{\"resolution_type\":\"solution\",\"resolution\":\"已补开发票\",\"nature\":\"valid\"}"
#define CLOSE_VALID "{\"cause\":\"未按规定开票\",\"responsibility\":\"customer\",\"corrective_action\":\"无\"}"
/* 当场答复 of a valid complaint closes it: the same closing fields as CLOSE_VALID. */
#define ANSWER_VALID "{\"answer\":\"已解释\",\"nature\":\"valid\",\"cause\":\"未按规定开票\",\"responsibility\":\"customer\",\"corrective_action\":\"无\"}"

/* dispatch → accept → resolve → reply → revisit (satisfied) → close, one hour apart from t. */
static void close_by_path(sfx *f, complaint *c, int64_t t)
{
    step_ok(f, c, &agent, t, "dispatch", "{\"unit\":\"PD-01\"}");
    step_ok(f, c, &handler1, t + HOUR, "accept", NULL);
    step_ok(f, c, &handler1, t + 2 * HOUR, "resolve", RESOLVE);
    step_ok(f, c, &agent, t + 3 * HOUR, "reply", "{\"method\":\"phone\",\"content\":\"已告知\"}");
    step_ok(f, c, &agent, t + 4 * HOUR, "revisit", "{\"method\":\"phone\",\"result\":\"satisfied\"}");
    step_ok(f, c, &agent, t + 5 * HOUR, "close", CLOSE_VALID);
}

/* complaint_get into out, which is initialised here and released by the caller whatever the rc. */
static int get(sfx *f, int64_t id, const char *number, complaint *out)
{
    complaint_init(out);
    return store_complaint_get(f->s, id, number, out);
}

static int64_t count_events(sfx *f, int64_t id)
{
    event_list l = {0};
    assert_int_equal(store_event_list(f->s, id, &l), 0);
    int64_t n = (int64_t)l.n;
    event_list_release(&l);
    return n;
}

/* ---- config, units, users, tokens ------------------------------------------------ */

static void test_config(void **state)
{
    sfx *f = *state;
    char *v = (char *)"untouched";
    assert_int_equal(store_config_get(f->s, "pack", &v), STORE_NOTFOUND);
    assert_null(v);
    assert_int_equal(store_config_set(f->s, "pack", "{\"name\":\"a\"}"), 0);
    assert_int_equal(store_config_get(f->s, "pack", &v), 0);
    assert_string_equal(v, "{\"name\":\"a\"}");
    free(v);
    assert_int_equal(store_config_set(f->s, "pack", "第二版"), 0);
    assert_int_equal(store_config_get(f->s, "pack", &v), 0);
    assert_string_equal(v, "第二版");
    free(v);
    assert_int_equal(store_config_get(f->s, "other", &v), STORE_NOTFOUND);
}

static void test_units(void **state)
{
    sfx *f = *state;
    assert_int_equal(f->org.n, U__COUNT - 1);
    for (int i = U_HQ; i < U__COUNT; i++) {
        const unit *u = org_find(&f->org, i);
        assert_non_null(u);
        assert_string_equal(u->code, tu_units[i].code);
        assert_string_equal(u->name, tu_units[i].name);
        assert_string_equal(u->type, tu_units[i].type);
        assert_int_equal(u->parent, tu_units[i].parent);
        assert_null(u->name_en);
    }
    assert_true(org_within(&f->org, U_SITE2, U_BRANCH));

    unit dup = {0, "PD-01", "重复", NULL, "site", U_REGION};
    assert_int_equal(store_unit_add(f->s, &dup), STORE_CONFLICT);
    unit bad_parent = {0, "X-1", "无上级", NULL, "site", 404};
    assert_int_not_equal(store_unit_add(f->s, &bad_parent), 0);
    unit en = {0, "PD-03", "川沙加油站", "Chuansha Station", "site", U_REGION};
    assert_int_equal(store_unit_add(f->s, &en), 0);
    assert_true(en.id >= U__COUNT); /* PostgreSQL's sequence keeps the ids the failed ones took */

    org o;
    org_init(&o);
    assert_int_equal(store_unit_load(f->s, &o), 0);
    assert_int_equal(o.n, U__COUNT);
    assert_string_equal(org_find_code(&o, "PD-03")->name_en, "Chuansha Station");
    assert_null(org_find_code(&o, "X-1"));
    org_release(&o);
}

static void test_users(void **state)
{
    sfx *f = *state;
    user u = {0, "zhang", "张三", R_AGENT | R_SUPERVISOR, U_CENTRE, true, true, "zhang@example.com", "13800000000",
              NOTIFY_EMAIL};
    assert_int_equal(store_user_add(f->s, &u, "hash-1"), 0);
    assert_true(u.id > 0);
    user dup = {0, "zhang", "另一个张三", R_HANDLER, U_SITE1, true, false, NULL, NULL, 0};
    assert_int_equal(store_user_add(f->s, &dup, "hash-2"), STORE_CONFLICT);
    user other = {0, "li", "李四", R_HANDLER, U_SITE1, true, false, NULL, NULL, 0};
    assert_int_equal(store_user_add(f->s, &other, "hash-3"), 0);
    assert_int_not_equal(other.id, u.id);

    user got = {0};
    char *pw = NULL;
    assert_int_equal(store_user_get(f->s, "zhang", 0, &got, &pw), 0);
    assert_int_equal(got.id, u.id);
    assert_string_equal(got.name, "张三");
    assert_int_equal(got.roles, R_AGENT | R_SUPERVISOR);
    assert_int_equal(got.unit, U_CENTRE);
    assert_true(got.active);
    assert_true(got.must_change_password);
    assert_string_equal(got.email, "zhang@example.com");
    assert_string_equal(got.phone, "13800000000");
    assert_int_equal(got.notify, NOTIFY_EMAIL);
    assert_string_equal(pw, "hash-1");
    free(pw);
    user_release(&got);
    assert_int_equal(store_user_get(f->s, NULL, other.id, &got, NULL), 0);
    assert_string_equal(got.username, "li");
    assert_null(got.email);
    assert_int_equal(got.notify, 0);
    /* Changed: the name, roles, unit, contact details and channels; the tokens end only when asked. */
    token sess = {.user_id = other.id, .kind = 's', .created_at = 1};
    memset(sess.hash, 7, sizeof sess.hash);
    assert_int_equal(store_token_add(f->s, &sess), 0);
    free(got.name);
    got.name = strdup("李四四");
    got.email = strdup("li@example.org");
    got.notify = NOTIFY_EMAIL | NOTIFY_SMS;
    assert_int_equal(store_user_update(f->s, &got, NULL, false), 0);
    token found = {0};
    user owner = {0};
    assert_int_equal(store_token_find(f->s, sess.hash, 2, &found, &owner), 0);
    token_release(&found);
    user_release(&owner);
    user was = got;
    got.roles = R_HANDLER | R_AUDITOR;
    assert_int_equal(store_user_update(f->s, &got, &was, true), 0);
    /* decided on roles that are no longer the user's: nothing written */
    got.unit = U_SITE2;
    assert_int_equal(store_user_update(f->s, &got, &was, false), STORE_CONFLICT);
    got.unit = U_SITE1;
    assert_int_equal(store_token_find(f->s, sess.hash, 2, &found, &owner), STORE_NOTFOUND);
    user_release(&got);
    assert_int_equal(store_user_get(f->s, NULL, other.id, &got, NULL), 0);
    assert_string_equal(got.name, "李四四");
    assert_int_equal(got.roles, R_HANDLER | R_AUDITOR);
    assert_string_equal(got.email, "li@example.org");
    assert_null(got.phone);
    assert_int_equal(got.notify, NOTIFY_EMAIL | NOTIFY_SMS);
    user_release(&got);
    user_list in_unit = {0};
    assert_int_equal(store_user_list_unit(f->s, U_SITE1, &in_unit), 0);
    assert_int_equal(in_unit.n, 1);
    assert_string_equal(in_unit.items[0].username, "li");
    user_list_release(&in_unit);
    assert_int_equal(store_user_list_unit(f->s, U_SITE2, &in_unit), 0);
    assert_int_equal(in_unit.n, 0);
    user_list_release(&in_unit);
    assert_int_equal(store_user_get(f->s, "nobody", 0, &got, NULL), STORE_NOTFOUND);

    assert_int_equal(store_user_set_password(f->s, u.id, "hash-9", false), 0);
    assert_int_equal(store_user_get(f->s, "zhang", 0, &got, &pw), 0);
    assert_string_equal(pw, "hash-9");
    assert_false(got.must_change_password);
    free(pw);
    user_release(&got);
    assert_int_equal(store_user_set_password(f->s, 999, "x", false), STORE_NOTFOUND);

    user_list l = {0};
    assert_int_equal(store_user_list(f->s, &l), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].username, "zhang");
    user_list_release(&l);
}

static void test_tokens(void **state)
{
    sfx *f = *state;
    user u = {0, "wang", "王五", R_HANDLER, U_SITE1, true, false, NULL, NULL, 0};
    user off = {0, "zhao", "赵六", R_AGENT, U_CENTRE, false, false, NULL, NULL, 0};
    assert_int_equal(store_user_add(f->s, &u, "h"), 0);
    assert_int_equal(store_user_add(f->s, &off, "h"), 0);

    int64_t now = D1 + 9 * HOUR;
    token sess = {0}, api = {0}, dead = {0};
    memset(sess.hash, 0x11, 32);
    sess.user_id = u.id;
    sess.kind = 's';
    sess.created_at = now;
    sess.expires_at = now + 8 * HOUR;
    memset(api.hash, 0x22, 32);
    api.user_id = u.id;
    api.kind = 't';
    api.name = "导入脚本";
    api.created_at = now;
    memset(dead.hash, 0x33, 32);
    dead.user_id = off.id;
    dead.kind = 's';
    dead.created_at = now;
    dead.expires_at = now + HOUR;
    assert_int_equal(store_token_add(f->s, &sess), 0);
    assert_int_equal(store_token_add(f->s, &api), 0);
    assert_int_equal(store_token_add(f->s, &dead), 0);
    assert_true(sess.id > 0 && api.id > sess.id);
    token again = sess;
    assert_int_equal(store_token_add(f->s, &again), STORE_CONFLICT);

    token t;
    user who = {0};
    assert_int_equal(store_token_find(f->s, sess.hash, now + 60, &t, &who), 0);
    assert_int_equal(t.id, sess.id);
    assert_int_equal(t.kind, 's');
    assert_int_equal(t.user_id, u.id);
    assert_int_equal(t.expires_at, now + 8 * HOUR);
    assert_string_equal(who.username, "wang");
    assert_int_equal(who.roles, R_HANDLER);
    user_release(&who);
    /* expired at its expiry instant */
    assert_int_equal(store_token_find(f->s, sess.hash, now + 8 * HOUR - 1, &t, &who), 0);
    user_release(&who);
    assert_int_equal(store_token_find(f->s, sess.hash, now + 8 * HOUR, &t, &who), STORE_NOTFOUND);
    /* an API token without expiry lasts */
    assert_int_equal(store_token_find(f->s, api.hash, now + 3650 * DAY, &t, &who), 0);
    assert_int_equal(t.kind, 't');
    user_release(&who);
    /* a deactivated user's token does not authenticate */
    assert_int_equal(store_token_find(f->s, dead.hash, now, &t, &who), STORE_NOTFOUND);
    uint8_t unknown[32];
    memset(unknown, 0x44, 32);
    assert_int_equal(store_token_find(f->s, unknown, now, &t, &who), STORE_NOTFOUND);

    token_list l = {0};
    assert_int_equal(store_token_list(f->s, &l), 0);
    assert_int_equal(l.n, 1); /* API tokens only */
    assert_int_equal(l.items[0].id, api.id);
    assert_string_equal(l.items[0].name, "导入脚本");
    token_list_release(&l);
    /* by id: API tokens only, as listed */
    token got = {0};
    assert_int_equal(store_token_get(f->s, api.id, &got), 0);
    assert_int_equal(got.user_id, api.user_id);
    assert_string_equal(got.name, "导入脚本");
    token_release(&got);
    assert_int_equal(store_token_get(f->s, sess.id, &got), STORE_NOTFOUND);
    assert_int_equal(store_token_get(f->s, 0, &got), STORE_NOTFOUND);

    /* by id only API tokens are deleted; by hash any */
    assert_int_equal(store_token_delete(f->s, NULL, sess.id), STORE_NOTFOUND);
    assert_int_equal(store_token_find(f->s, sess.hash, now, &t, &who), 0);
    user_release(&who);
    assert_int_equal(store_token_delete(f->s, sess.hash, 0), 0);
    assert_int_equal(store_token_find(f->s, sess.hash, now, &t, &who), STORE_NOTFOUND);
    assert_int_equal(store_token_delete(f->s, sess.hash, 0), STORE_NOTFOUND);
    assert_int_equal(store_token_delete(f->s, NULL, api.id), 0);
    assert_int_equal(store_token_find(f->s, api.hash, now, &t, &who), STORE_NOTFOUND);
}

/* ---- complaints --------------------------------------------------------------------- */

static void test_numbers_dense_per_local_day(void **state)
{
    sfx *f = *state;
    complaint c[6], got;
    /* 23:59 and 00:01 Asia/Shanghai: one UTC day, two local days */
    create_ok(f, D1 + 23 * HOUR + 59 * MIN, "13800000001", 3, &c[0]);
    create_ok(f, D1 + DAY + MIN, "13800000002", 3, &c[1]);
    create_ok(f, D1 + 9 * HOUR, "13800000003", 3, &c[2]);
    create_ok(f, D1 + 8 * HOUR, "13800000004", 3, &c[3]);
    create_ok(f, D1 + DAY + 12 * HOUR, "13800000005", 3, &c[4]);
    create_ok(f, D1 + 2 * DAY, "13800000006", 3, &c[5]); /* local midnight exactly */
    static const char *want[] = {"TS20260301-0001", "TS20260302-0001", "TS20260301-0002",
                                 "TS20260301-0003", "TS20260302-0002", "TS20260303-0001"};
    for (int i = 0; i < 6; i++) {
        assert_string_equal(c[i].number, want[i]);
        assert_int_equal(c[i].id, i + 1);
        assert_int_equal(c[i].version, 1);
        assert_int_equal(c[i].status, ST_REGISTERED);
        /* what the store holds is what it returned */
        assert_int_equal(get(f, 0, want[i], &got), 0);
        const char *diff = complaint_diff(&got, &c[i]);
        if (diff)
            fail_msg("%s as stored differs in %s", want[i], diff);
        complaint_release(&got);
        assert_int_equal(get(f, c[i].id, NULL, &got), 0);
        assert_string_equal(got.number, want[i]);
        complaint_release(&got);
        complaint_release(&c[i]);
    }
    assert_int_equal(get(f, 99, NULL, &got), STORE_NOTFOUND);
    complaint_release(&got);
    assert_int_equal(get(f, 0, "TS20260301-0009", &got), STORE_NOTFOUND);
    complaint_release(&got);
    int64_t n = 0;
    assert_int_equal(store_complaint_count(f->s, &n), 0);
    assert_int_equal(n, 6);
}

/*
 * Ids and day numbers are reserved in memory ahead of the writer. When
 * another store on the same file (another process) creates complaints,
 * this store's counters are stale: its next create hits the UNIQUE number,
 * reloads the counters and succeeds with the next dense number.
 */
static void test_numbers_stay_dense_with_a_second_writer(void **state)
{
    sfx *f = *state;
    complaint a, b, c;
    char err[256];
    create_ok(f, D1 + 9 * HOUR, "13800000011", 3, &a); /* warms this store's counters */
    store *other = store_open(f->url, err, sizeof err);
    assert_non_null(other);
    store *mine = f->s;
    f->s = other;
    create_ok(f, D1 + 10 * HOUR, "13800000012", 3, &b);
    f->s = mine;
    create_ok(f, D1 + 11 * HOUR, "13800000013", 3, &c);
    store_close(other);
    assert_string_equal(a.number, "TS20260301-0001");
    assert_string_equal(b.number, "TS20260301-0002");
    assert_string_equal(c.number, "TS20260301-0003");
    assert_true(a.id != b.id && b.id != c.id && a.id != c.id);
    complaint_release(&a);
    complaint_release(&b);
    complaint_release(&c);
}

static void test_update_needs_current_version(void **state)
{
    sfx *f = *state;
    complaint c, stale, got;
    create_ok(f, D1 + 9 * HOUR, "13800000001", 3, &c);
    complaint_copy(&stale, &c);
    step_ok(f, &c, &agent, D1 + 10 * HOUR, "dispatch", "{\"unit\":\"PD-01\"}");
    assert_int_equal(c.version, 2);
    assert_int_equal(count_events(f, c.id), 2);

    /* someone else decided on version 1 as well: refused, nothing written */
    assert_int_equal(step(f, &stale, &agent, D1 + 10 * HOUR + 5, "dispatch", "{\"unit\":\"PD-02\"}"), STORE_CONFLICT);
    assert_int_equal(count_events(f, c.id), 2);
    assert_int_equal(get(f, c.id, NULL, &got), 0);
    assert_int_equal(got.version, 2);
    assert_int_equal(got.owner_unit, U_SITE1);
    assert_null(complaint_diff(&got, &c));
    complaint_release(&got);

    /* the current version goes through */
    step_ok(f, &c, &handler1, D1 + 11 * HOUR, "accept", NULL);
    assert_int_equal(count_events(f, c.id), 3);
    assert_int_equal(get(f, c.id, NULL, &got), 0);
    assert_int_equal(got.status, ST_PROCESSING);
    assert_int_equal(got.version, 3);
    complaint_release(&got);

    /* an update of a complaint that does not exist */
    stale.id = 77;
    assert_int_equal(step(f, &stale, &agent, D1 + 12 * HOUR, "dispatch", "{\"unit\":\"PD-02\"}"), STORE_NOTFOUND);
    complaint_release(&stale);
    complaint_release(&c);
}

/* ---- what an update writes -------------------------------------------------------- */

/* Empties the file's write-ahead log, from a connection of the test's own. */
static void wal_empty(sfx *f)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Whether the log holds a page of the table or index called name: the page
 * numbers are read from the frames' headers, their owners from dbstat. */
static bool wal_touches(sfx *f, const char *name)
{
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    FILE *in = fopen(wal, "rb");
    assert_non_null(in);
    unsigned char hdr[32], fh[24];
    assert_int_equal(fread(hdr, 1, sizeof hdr, in), sizeof hdr);
    long page_size = (long)hdr[8] << 24 | hdr[9] << 16 | hdr[10] << 8 | hdr[11];
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT 1 FROM dbstat WHERE pageno = ? AND name = ?", -1, &st, NULL),
                     SQLITE_OK);
    bool found = false;
    int frames = 0;
    while (!found && fread(fh, 1, sizeof fh, in) == sizeof fh && fseek(in, page_size, SEEK_CUR) == 0) {
        uint32_t pgno = (uint32_t)fh[0] << 24 | (uint32_t)fh[1] << 16 | (uint32_t)fh[2] << 8 | fh[3];
        sqlite3_bind_int64(st, 1, pgno);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        frames++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    fclose(in);
    assert_true(frames > 0);
    return found;
}

/*
 * An update rewrites the entries of the complaints' indexes whose values
 * change, and no other: each entry is a page of the log (a sweep's warning
 * rewrote eleven). The statement names only the columns that differ from
 * the row it replaces, so an index a migration adds
 * (complaints_subject_received, 005) costs nothing either.
 */
static void test_update_rewrites_only_changed_indexes(void **state)
{
    sfx *f = *state;
    static const char *const untouched[] = {"complaints_queue", "complaints_owner_status", "complaints_due",
                                            "complaints_status", "complaints_phone", "complaints_received",
                                            "complaints_next_check", "complaints_warn", "complaints_retention",
                                            "complaints_subject_received", "complaints_kind",
                                            "sqlite_autoindex_complaints_1"};
    complaint c;
    create_ok(f, D1 + 9 * HOUR, "13800000001", 3, &c);
    step_ok(f, &c, &agent, D1 + 10 * HOUR, "dispatch", "{\"unit\":\"PD-01\"}");

    /* a comment changes the projection's data, not one indexed value */
    wal_empty(f);
    step_ok(f, &c, &agent, D1 + 11 * HOUR, "comment", "{\"text\":\"客户来电催办\"}");
    assert_true(wal_touches(f, "complaints"));
    assert_true(wal_touches(f, "sqlite_autoindex_events_1"));
    for (size_t i = 0; i < sizeof untouched / sizeof untouched[0]; i++)
        if (wal_touches(f, untouched[i]))
            fail_msg("a comment rewrote an entry of %s", untouched[i]);

    /* accepting moves the status: its indexes change, the phone's does not */
    wal_empty(f);
    step_ok(f, &c, &handler1, D1 + 12 * HOUR, "accept", NULL);
    assert_true(wal_touches(f, "complaints_status"));
    assert_true(wal_touches(f, "complaints_owner_status"));
    assert_false(wal_touches(f, "complaints_phone"));
    assert_false(wal_touches(f, "complaints_subject_received"));
    complaint_release(&c);
}

/*
 * A batched write that names the state it replaces (store_write.was): the
 * version check refuses a stale write, a missing complaint is told apart,
 * and the columns that changed are written.
 */
static void test_batch_write_with_was(void **state)
{
    sfx *f = *state;
    complaint c, next, got;
    create_ok(f, D1 + 9 * HOUR, "13800000001", 3, &c);
    wf_ctx ctx = {&f->pol, &f->org, &agent, D1 + 10 * HOUR, NULL, 0, NULL};
    json_t *in = J("{\"unit\":\"PD-01\"}");
    event ev;
    event_init(&ev);
    cerr e = {0};
    assert_int_equal(workflow_step(&ctx, &c, "dispatch", in, &ev, &e), 0);
    event_seal(&ev);
    complaint_copy(&next, &c);
    workflow_apply(&next, &ev);
    store_write w = {.c = &next, .was = &c, .ev = &ev};
    assert_int_equal(store_complaint_write(f->s, &w, 1, TZ), 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(get(f, c.id, NULL, &got), 0);
    assert_null(complaint_diff(&got, &next));
    assert_int_equal(got.owner_unit, U_SITE1);
    complaint_release(&got);
    /* the same write again: the stored version has moved on */
    w.rc = 0;
    assert_int_equal(store_complaint_write(f->s, &w, 1, TZ), 0);
    assert_int_equal(w.rc, STORE_CONFLICT);
    assert_int_equal(count_events(f, c.id), 2);
    /* a complaint that does not exist */
    next.id = c.id + 100;
    w.rc = 0;
    assert_int_equal(store_complaint_write(f->s, &w, 1, TZ), 0);
    assert_int_equal(w.rc, STORE_NOTFOUND);
    json_decref(in);
    event_release(&ev);
    complaint_release(&next);
    complaint_release(&c);
}

/* dispatch of *c decided into *next and *ev (both initialised here), not written. */
static void decide_dispatch(sfx *f, const complaint *c, complaint *next, event *ev)
{
    wf_ctx ctx = {&f->pol, &f->org, &agent, D1 + 10 * HOUR, NULL, 0, NULL};
    json_t *in = J("{\"unit\":\"PD-01\"}");
    cerr e = {0};
    event_init(ev);
    assert_int_equal(workflow_step(&ctx, c, "dispatch", in, ev, &e), 0);
    json_decref(in);
    event_seal(ev);
    complaint_copy(next, c);
    workflow_apply(next, ev);
}

static outbox_msg notice(int64_t complaint_id, const char *tmpl, const char *key)
{
    outbox_msg m = {.complaint_id = complaint_id, .recipient_unit = U_SITE1, .payload = "{}"};
    snprintf(m.channel, sizeof m.channel, "internal");
    snprintf(m.template_name, sizeof m.template_name, "%s", tmpl);
    snprintf(m.key, sizeof m.key, "%s", key);
    return m;
}

/* A store_with that gives two notices about the complaint it is shown
 * (or, with bad_ref, one about a complaint that does not exist). */
struct intake_rows {
    outbox_msg m[2];
    char number[32]; /* the number the complaint had when the rows were made */
    int calls;
    bool bad_ref;
};

static void intake_rows_of(void *arg, const complaint *c, const outbox_msg **msgs, size_t *n)
{
    struct intake_rows *x = arg;
    x->calls++;
    snprintf(x->number, sizeof x->number, "%s", c->number);
    for (int i = 0; i < 2; i++) {
        char key[96];
        snprintf(key, sizeof key, "c%lld/rule/r%d/unit%d", (long long)c->id, i, U_SITE1);
        x->m[i] = notice(x->bad_ref && i == 1 ? c->id + 1000 : c->id, "rule_notify", key);
    }
    *msgs = x->m;
    *n = 2;
}

/* Creates a complaint received at D1 + 9 h with rows x; the store's rc. */
static int create_with(sfx *f, struct intake_rows *x, complaint *out)
{
    json_t *in = tu_intake("2026-03-01T09:00:00+08:00", "13800000009");
    wf_ctx ctx = {&f->pol, &f->org, &agent, D1 + 9 * HOUR + 60, NULL, 0, NULL};
    event ev;
    cerr e = {0};
    event_init(&ev);
    assert_int_equal(workflow_intake(&ctx, in, &ev, &e), 0);
    json_decref(in);
    complaint_init(out);
    store_with with = {.fn = intake_rows_of, .arg = x};
    int rc = store_complaint_create_keyed(f->s, f->pol.number_prefix, TZ, &ev, out, NULL, &with);
    event_release(&ev);
    return rc;
}

/*
 * An intake's notifications are made once the complaint is numbered and
 * stored in its transaction: both are there, or (one of them cannot be
 * stored) neither they nor the complaint is.
 */
static void test_intake_rows_commit_with_the_complaint(void **state)
{
    sfx *f = *state;
    complaint c;
    struct intake_rows bad = {.bad_ref = true};
    assert_int_not_equal(create_with(f, &bad, &c), 0);
    assert_true(bad.calls >= 1);
    complaint_release(&c);
    int64_t n = -1;
    assert_int_equal(store_complaint_count(f->s, &n), 0);
    assert_int_equal(n, 0);
    outbox_list l = {0};
    assert_int_equal(store_outbox_list(f->s, 0, NULL, &l), 0);
    assert_int_equal(l.n, 0);
    outbox_list_release(&l);

    struct intake_rows good = {0};
    assert_int_equal(create_with(f, &good, &c), 0);
    assert_string_equal(good.number, c.number); /* made with its final number */
    assert_string_equal(c.number, "TS20260301-0001"); /* the failed one gave its number back */
    assert_int_equal(store_outbox_list(f->s, c.id, NULL, &l), 0);
    assert_int_equal(l.n, 2);
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.items[i].complaint_id, c.id);
        assert_string_equal(l.items[i].template_name, "rule_notify");
    }
    outbox_list_release(&l);
    complaint_release(&c);
}

/*
 * Delivery's rows (core/notify.h): a due e-mail row is claimed once until
 * its lease runs out, then again with a new claim; a result under an old
 * claim is refused; a failed row waits for next_at; retry and cancel end a
 * claim; every attempt is numbered; rows of other channels are never claimed.
 */
/* The one row a claim of "email" at now takes (its texts not kept), or (want 0) none. */
static outbox_msg claim_email(sfx *f, int64_t now, size_t want)
{
    outbox_list l = {0};
    assert_int_equal(store_outbox_claim(f->s, "email", now, 300, 16, &l), 0);
    assert_int_equal(l.n, want);
    outbox_msg m = want ? l.items[0] : (outbox_msg){0};
    m.payload = m.last_error = NULL;
    outbox_list_release(&l);
    return m;
}

static void test_outbox_claims_and_attempts(void **state)
{
    sfx *f = *state;
    enum { T0 = 1800000000, LEASE = 300 };
    outbox_msg rows[2] = {notice(0, "dispatch", "c0/test/email"), notice(0, "sla_warning", "c0/test/internal")};
    snprintf(rows[0].channel, sizeof rows[0].channel, "email");
    rows[0].created_at = rows[1].created_at = T0 - 10;
    rows[0].complaint_id = rows[1].complaint_id = 0;
    assert_int_equal(store_outbox_add(f->s, rows, 2), 0);

    outbox_msg first = claim_email(f, T0, 1);
    assert_string_equal(first.key, "c0/test/email");
    claim_email(f, T0 + 1, 0);                              /* leased */
    outbox_msg second = claim_email(f, T0 + LEASE, 1);      /* the sender died: claimed again */
    assert_true(second.claim > first.claim);

    outbox_attempt at = {.at = T0 + LEASE, .code = 451, .latency_ms = 12, .error = "try later"};
    snprintf(at.result, sizeof at.result, "failed");
    assert_int_equal(store_outbox_finish(f->s, &first, "failed", T0 + 1000, 0, "try later", &at), STORE_CONFLICT);
    assert_int_equal(store_outbox_finish(f->s, &second, "failed", T0 + 1000, 0, "try later", &at), 0);
    claim_email(f, T0 + 999, 0); /* not due yet */
    outbox_msg third = claim_email(f, T0 + 1000, 1);
    assert_int_equal(third.attempts, 1);
    at.at = T0 + 1000;
    assert_int_equal(store_outbox_finish(f->s, &third, "dead", T0 + 2000, 0, "try later", &at), 0);

    outbox_msg got = {0};
    assert_int_equal(store_outbox_get(f->s, third.id, &got), 0);
    assert_string_equal(got.status, "dead");
    assert_int_equal(got.attempts, 2);
    assert_string_equal(got.last_error, "try later");
    free(got.payload);
    free(got.last_error);
    outbox_list l = {0};
    assert_int_equal(store_outbox_list(f->s, 0, "dead", &l), 0);
    assert_int_equal(l.n, 1);
    outbox_list_release(&l);

    assert_int_equal(store_outbox_cancel(f->s, 999999), STORE_NOTFOUND);
    assert_int_equal(store_outbox_retry(f->s, third.id, T0 + 3000), 0);
    assert_int_equal(store_outbox_retry(f->s, third.id, T0 + 3000), STORE_CONFLICT); /* pending already */
    outbox_msg fourth = claim_email(f, T0 + 3000, 1);
    assert_int_equal(fourth.retry_base, 2);
    assert_int_equal(store_outbox_cancel(f->s, fourth.id), 0);
    snprintf(at.result, sizeof at.result, "sent");
    assert_int_equal(store_outbox_finish(f->s, &fourth, "sent", 0, T0 + 3001, NULL, &at), STORE_CONFLICT);
    assert_int_equal(store_outbox_get(f->s, fourth.id, &got), 0);
    assert_string_equal(got.status, "cancelled");
    free(got.payload);
    free(got.last_error);

    outbox_attempt_list al = {0};
    assert_int_equal(store_outbox_attempts(f->s, fourth.id, &al), 0);
    assert_int_equal(al.n, 2);
    assert_int_equal(al.items[0].no, 1);
    assert_int_equal(al.items[1].no, 2);
    assert_int_equal(al.items[0].code, 451);
    assert_string_equal(al.items[0].error, "try later");
    outbox_attempt_list_release(&al);
    assert_int_equal(store_outbox_claim(f->s, "internal", T0, LEASE, 16, &l), 0);
    assert_int_equal(l.n, 1); /* a channel is claimed only by name */
    outbox_list_release(&l);
}

/* Two senders claiming at once never get the same row. */
enum { CLAIM_ROWS = 60 };
struct claimer {
    store *s;
    int64_t got[CLAIM_ROWS];
    size_t n;
};

static void *claimer_main(void *arg)
{
    struct claimer *c = arg;
    for (;;) {
        outbox_list l = {0};
        if (store_outbox_claim(c->s, "email", 1800000000, 300, 3, &l) != 0 || l.n == 0) {
            outbox_list_release(&l);
            return NULL;
        }
        for (size_t i = 0; i < l.n && c->n < CLAIM_ROWS; i++)
            c->got[c->n++] = l.items[i].id;
        outbox_list_release(&l);
    }
}

static void test_outbox_claims_never_overlap(void **state)
{
    sfx *f = *state;
    for (int i = 0; i < CLAIM_ROWS; i++) {
        char key[40];
        snprintf(key, sizeof key, "c0/overlap/%d", i);
        outbox_msg m = notice(0, "dispatch", key);
        m.complaint_id = 0;
        m.created_at = 1700000000;
        snprintf(m.channel, sizeof m.channel, "email");
        assert_int_equal(store_outbox_add(f->s, &m, 1), 0);
    }
    struct claimer c[2] = {{.s = f->s}, {.s = f->s}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, claimer_main, &c[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(c[0].n + c[1].n, CLAIM_ROWS);
    for (size_t i = 0; i < c[0].n; i++)
        for (size_t k = 0; k < c[1].n; k++)
            assert_true(c[0].got[i] != c[1].got[k]);
}

/*
 * A complaint's outbox: the notification written with one of its events
 * (found through the event), and those of no event (found by their key,
 * which stays unique among them); none of another complaint's.
 */
static void test_outbox_rows_with_and_without_an_event(void **state)
{
    sfx *f = *state;
    complaint c, other, next;
    event ev;
    create_ok(f, D1 + 9 * HOUR, "13800000001", 3, &c);
    create_ok(f, D1 + 9 * HOUR, "13800000002", 3, &other);
    decide_dispatch(f, &c, &next, &ev);
    char key[96];
    snprintf(key, sizeof key, "c%lld/e%lld/dispatch_notice/unit%d", (long long)c.id, (long long)ev.seq, U_SITE1);
    outbox_msg with_event = notice(c.id, "dispatch_notice", key);
    store_write w = {.c = &next, .was = &c, .ev = &ev, .msgs = &with_event, .nmsgs = 1};
    assert_int_equal(store_complaint_write(f->s, &w, 1, TZ), 0);
    assert_int_equal(w.rc, 0);

    snprintf(key, sizeof key, "c%lld/rule/night/unit%d", (long long)c.id, U_SITE1);
    outbox_msg by_rule = notice(c.id, "rule_notify", key);
    assert_int_equal(store_outbox_add(f->s, &by_rule, 1), 0);
    assert_int_equal(store_outbox_add(f->s, &by_rule, 1), STORE_CONFLICT); /* at most once */
    snprintf(key, sizeof key, "c%lld/rule/night/unit%d", (long long)other.id, U_SITE1);
    outbox_msg elsewhere = notice(other.id, "rule_notify", key);
    assert_int_equal(store_outbox_add(f->s, &elsewhere, 1), 0);

    outbox_list l = {0};
    assert_int_equal(store_outbox_list(f->s, c.id, NULL, &l), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.items[0].template_name, "rule_notify"); /* newest first */
    assert_string_equal(l.items[1].template_name, "dispatch_notice");
    assert_string_equal(l.items[1].key, with_event.key);
    assert_int_equal(l.items[1].complaint_id, c.id);
    outbox_list_release(&l);
    assert_int_equal(store_outbox_list(f->s, other.id, NULL, &l), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.items[0].key, elsewhere.key);
    outbox_list_release(&l);
    assert_int_equal(store_outbox_list(f->s, 0, NULL, &l), 0);
    assert_int_equal(l.n, 3);
    outbox_list_release(&l);
    event_release(&ev);
    complaint_release(&next);
    complaint_release(&other);
    complaint_release(&c);
}

/*
 * A batch whose second complaint fails half written — its row updated, its
 * event refused (an event with that number is already there) — stores the
 * first and the third and leaves the second as it was. (The batch first
 * runs without savepoints; the failure makes the writer start over with
 * them.)
 */
static void test_batch_write_item_fails_half_written(void **state)
{
    sfx *f = *state;
    complaint c[3], next[3], got;
    event ev[3];
    store_write w[3];
    for (int i = 0; i < 3; i++) {
        char phone[16];
        snprintf(phone, sizeof phone, "1380000000%d", i);
        create_ok(f, D1 + 9 * HOUR + i, phone, 3, &c[i]);
        decide_dispatch(f, &c[i], &next[i], &ev[i]);
        w[i] = (store_write){.c = &next[i], .was = &c[i], .ev = &ev[i]};
    }
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char sql[200];
    snprintf(sql, sizeof sql,
             "INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body) "
             "VALUES (%lld, 2, 'comment', 0, 0, zeroblob(32), zeroblob(32), '{}')",
             (long long)c[1].id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(store_complaint_write(f->s, w, 3, TZ), 0);
    assert_int_equal(w[0].rc, 0);
    assert_int_equal(w[1].rc, STORE_CONFLICT);
    assert_int_equal(w[2].rc, 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(get(f, c[i].id, NULL, &got), 0);
        assert_int_equal(got.version, i == 1 ? 1 : 2);
        assert_int_equal(got.owner_unit, i == 1 ? c[1].owner_unit : U_SITE1);
        complaint_release(&got);
        event_release(&ev[i]);
        complaint_release(&next[i]);
        complaint_release(&c[i]);
    }
}

static void test_event_list_in_seq_order(void **state)
{
    sfx *f = *state;
    complaint c, other;
    create_ok(f, D1 + 9 * HOUR, "13800000001", 3, &c);
    create_ok(f, D1 + 9 * HOUR, "13800000002", 3, &other);
    /* interleave the two complaints' events so that row order is not seq order per complaint */
    step_ok(f, &other, &agent, D1 + 10 * HOUR, "answer", "{\"answer\":\"已解释\",\"nature\":\"suggestion\"}");
    close_by_path(f, &c, D1 + 10 * HOUR);
    step_ok(f, &other, &agent, D1 + 20 * HOUR, "archive", NULL);

    static const char *actions[] = {"intake", "dispatch", "accept", "resolve", "reply", "revisit", "close"};
    event_list l = {0};
    assert_int_equal(store_event_list(f->s, c.id, &l), 0);
    assert_int_equal(l.n, 7);
    uint8_t prev[32] = {0};
    for (size_t i = 0; i < l.n; i++) {
        assert_int_equal(l.items[i].seq, (int64_t)i + 1);
        assert_int_equal(l.items[i].complaint_id, c.id);
        assert_string_equal(l.items[i].action, actions[i]);
        assert_true(l.items[i].id > 0);
        assert_true(event_hash_ok(&l.items[i], NULL));
        assert_memory_equal(l.items[i].prev, prev, 32);
        memcpy(prev, l.items[i].hash, 32);
    }
    assert_memory_equal(prev, c.head, 32);
    assert_true(l.items[0].id < l.items[6].id);
    event_list_release(&l);
    assert_int_equal(count_events(f, other.id), 3);
    assert_int_equal(count_events(f, 999), 0);
    complaint_release(&c);
    complaint_release(&other);
}

/* ---- listing ------------------------------------------------------------------------ */

enum { N_LIST = 10 };

/* Ten complaints over three local days in every open status and two closed. */
static void build_list_set(sfx *f, complaint *c)
{
    static const struct {
        int64_t received;
        const char *phone;
        int level;
        const char *dispatch_to; /* NULL: stays registered; "answer": closed at once */
        bool accept;
    } spec[N_LIST] = {
        {D1 + 9 * HOUR, "13800000001", 3, "PD-01", false},
        {D1 + 10 * HOUR, "13800000002", 1, "PD-02", false},
        {D1 + 11 * HOUR, "13800000001", 2, NULL, false},
        {D1 + DAY + 9 * HOUR, "13800000003", 3, "PD-01", true},
        {D1 + DAY + 10 * HOUR, "13800000001", 3, "answer", false},
        {D1 + DAY + 11 * HOUR, "13800000004", 2, "PD", false},
        {D1 + 11 * HOUR, "13800000005", 3, NULL, false}, /* received with the third: the same dispatch deadline */
        {D1 + 2 * DAY + 10 * HOUR, "13800000001", 1, "PD-01", false},
        {D1 + 2 * DAY + 11 * HOUR, "13800000006", 3, "answer", false},
        {D1 + 9 * HOUR, "13800000007", 3, "PD-02", true}, /* with the first: the same overall promise */
    };
    /* Every dispatch at the same instant. stage_due is the nearest running
     * deadline (core/sla.h), which after a late dispatch is the overall promise:
     * complaints received at the same instant with the same level share it. */
    int64_t now = D1 + 3 * DAY;
    for (int i = 0; i < N_LIST; i++) {
        create_ok(f, spec[i].received, spec[i].phone, spec[i].level, &c[i]);
        if (!spec[i].dispatch_to)
            continue;
        if (strcmp(spec[i].dispatch_to, "answer") == 0) {
            step_ok(f, &c[i], &agent, spec[i].received + 600, "answer", ANSWER_VALID);
            continue;
        }
        char in[64];
        snprintf(in, sizeof in, "{\"unit\":\"%s\"}", spec[i].dispatch_to);
        step_ok(f, &c[i], &agent, now, "dispatch", in);
        if (spec[i].accept)
            step_ok(f, &c[i], &(actor){20, R_SUPERVISOR, U_BRANCH}, now + 60, "accept", NULL);
    }
}

typedef bool (*pick_fn)(const complaint *c, const void *arg);

/* Lists with filter (one page big enough for all) and compares the ids with
 * those of the model complaints that pick selects. */
static void expect_listed(sfx *f, complaint_filter flt, const complaint *model, pick_fn pick, const void *arg,
                          const char *what)
{
    complaint_page page = {0};
    flt.limit = 100;
    assert_int_equal(store_complaint_list(f->s, &flt, &page), 0);
    assert_false(page.more);
    size_t want = 0;
    for (int i = 0; i < N_LIST; i++) {
        if (!pick(&model[i], arg))
            continue;
        want++;
        bool found = false;
        for (size_t k = 0; k < page.n; k++)
            found = found || page.items[k].id == model[i].id;
        if (!found)
            fail_msg("%s: %s is missing", what, model[i].number);
    }
    if (page.n != want)
        fail_msg("%s: %zu listed, expected %zu", what, page.n, want);
    complaint_page_release(&page);
}

static bool pick_status(const complaint *c, const void *arg)
{
    return c->status == *(const int *)arg;
}
static bool pick_open(const complaint *c, const void *arg)
{
    (void)arg;
    return status_open(c->status);
}
static bool pick_owner_in(const complaint *c, const void *arg)
{
    const int64_t *ids = arg; /* 0-terminated */
    for (; *ids; ids++)
        if (c->owner_unit == *ids)
            return true;
    return false;
}
static bool pick_phone(const complaint *c, const void *arg)
{
    return strcmp(c->phone, arg) == 0;
}
static bool pick_level(const complaint *c, const void *arg)
{
    return c->level == *(const int *)arg;
}
static bool pick_received(const complaint *c, const void *arg)
{
    const int64_t *r = arg;
    return c->received_at >= r[0] && c->received_at < r[1];
}
static bool pick_open_region_l3(const complaint *c, const void *arg)
{
    (void)arg;
    static const int64_t region[] = {U_REGION, U_SITE1, U_SITE2, 0};
    return status_open(c->status) && pick_owner_in(c, region) && c->level == 3;
}
static bool pick_overdue(const complaint *c, const void *arg)
{
    return status_open(c->status) && c->stage_due && c->stage_due < *(const int64_t *)arg;
}

static void test_list_filters(void **state)
{
    sfx *f = *state;
    complaint c[N_LIST];
    build_list_set(f, c);
    /* the set is what it should be */
    int n_by_status[ST__COUNT] = {0};
    for (int i = 0; i < N_LIST; i++)
        n_by_status[c[i].status]++;
    assert_int_equal(n_by_status[ST_REGISTERED], 2);
    assert_int_equal(n_by_status[ST_DISPATCHED], 4);
    assert_int_equal(n_by_status[ST_PROCESSING], 2);
    assert_int_equal(n_by_status[ST_CLOSED], 2);

    for (int st = ST_REGISTERED; st <= ST_CLOSED; st++)
        expect_listed(f, (complaint_filter){.status = st}, c, pick_status, &st, "status");
    expect_listed(f, (complaint_filter){.status = -1}, c, pick_open, NULL, "open");

    int64_t one[] = {U_SITE1, 0};
    expect_listed(f, (complaint_filter){.owner_units = one, .n_owner_units = 1}, c, pick_owner_in, one, "owner PD-01");
    size_t n_sub;
    int64_t *sub = org_subtree(&f->org, U_REGION, &n_sub);
    assert_int_equal(n_sub, 3);
    int64_t region[] = {U_REGION, U_SITE1, U_SITE2, 0};
    expect_listed(f, (complaint_filter){.owner_units = sub, .n_owner_units = n_sub}, c, pick_owner_in, region,
                  "owner within PD");
    expect_listed(f, (complaint_filter){.status = -1, .owner_units = sub, .n_owner_units = n_sub, .level = 3}, c,
                  pick_open_region_l3, NULL, "open, within PD, level 3");
    free(sub);

    expect_listed(f, (complaint_filter){.phone = "13800000001"}, c, pick_phone, "13800000001", "phone");
    expect_listed(f, (complaint_filter){.phone = "13900000000"}, c, pick_phone, "13900000000", "unknown phone");
    for (int level = 1; level <= 3; level++)
        expect_listed(f, (complaint_filter){.level = level}, c, pick_level, &level, "level");
    int64_t day2[] = {D1 + DAY, D1 + 2 * DAY};
    expect_listed(f, (complaint_filter){.from = day2[0], .to = day2[1]}, c, pick_received, day2, "received on day 2");
    int64_t from_day2[] = {D1 + DAY, INT64_MAX};
    expect_listed(f, (complaint_filter){.from = from_day2[0]}, c, pick_received, from_day2, "received from day 2");
    int64_t now = D1 + 3 * DAY + 1;
    expect_listed(f, (complaint_filter){.overdue = true, .now = now}, c, pick_overdue, &now, "overdue");

    for (int i = 0; i < N_LIST; i++)
        complaint_release(&c[i]);
}

/* Walks every page with the cursor of the last item; returns the ids seen. */
static size_t walk_pages(sfx *f, complaint_filter flt, int limit, int64_t *ids, int64_t *keys, size_t cap)
{
    size_t n = 0;
    int pages = 0;
    flt.limit = limit;
    for (;;) {
        complaint_page page = {0};
        assert_int_equal(store_complaint_list(f->s, &flt, &page), 0);
        assert_true(page.n <= (size_t)limit);
        for (size_t k = 0; k < page.n && n < cap; k++) {
            ids[n] = page.items[k].id;
            keys[n++] = page.items[k].stage_due;
        }
        bool more = page.more;
        if (page.n) {
            flt.has_cursor = true;
            flt.cursor_id = page.items[page.n - 1].id;
            flt.cursor_key = page.items[page.n - 1].stage_due;
        }
        complaint_page_release(&page);
        if (!more)
            break;
        if (++pages > 50)
            fail_msg("pagination does not end");
    }
    return n;
}

static void expect_each_once(const int64_t *ids, size_t n, const complaint *model, pick_fn pick, const void *arg)
{
    size_t want = 0;
    for (int i = 0; i < N_LIST; i++) {
        if (!pick(&model[i], arg))
            continue;
        want++;
        int seen = 0;
        for (size_t k = 0; k < n; k++)
            seen += ids[k] == model[i].id;
        if (seen != 1)
            fail_msg("%s seen %d times", model[i].number, seen);
    }
    assert_int_equal(n, want);
}

static bool pick_all(const complaint *c, const void *arg)
{
    (void)c, (void)arg;
    return true;
}

static void test_list_pagination(void **state)
{
    sfx *f = *state;
    complaint c[N_LIST];
    build_list_set(f, c);
    int64_t ids[64], keys[64];
    for (int limit = 1; limit <= N_LIST + 1; limit++) {
        /* newest first: ids descending */
        size_t n = walk_pages(f, (complaint_filter){0}, limit, ids, keys, 64);
        expect_each_once(ids, n, c, pick_all, NULL);
        for (size_t k = 1; k < n; k++)
            assert_true(ids[k] < ids[k - 1]);

        /* nearest deadline first, no deadline last, ties by id */
        n = walk_pages(f, (complaint_filter){.sort_deadline = true}, limit, ids, keys, 64);
        expect_each_once(ids, n, c, pick_all, NULL);
        for (size_t k = 1; k < n; k++) {
            int64_t a = keys[k - 1] ? keys[k - 1] : INT64_MAX, b = keys[k] ? keys[k] : INT64_MAX;
            if (a > b || (a == b && ids[k - 1] >= ids[k]))
                fail_msg("limit %d: %lld (due %lld) listed before %lld (due %lld)", limit, (long long)ids[k - 1],
                         (long long)keys[k - 1], (long long)ids[k], (long long)keys[k]);
        }
        assert_int_equal(keys[n - 1], 0); /* the closed ones come last */

        /* with a filter */
        n = walk_pages(f, (complaint_filter){.status = -1, .sort_deadline = true}, limit, ids, keys, 64);
        expect_each_once(ids, n, c, pick_open, NULL);
        n = walk_pages(f, (complaint_filter){.phone = "13800000001"}, limit, ids, keys, 64);
        expect_each_once(ids, n, c, pick_phone, "13800000001");
    }
    /* the set has equal deadlines, so the tie-break was exercised */
    int ties = 0;
    for (int i = 0; i < N_LIST; i++)
        for (int j = i + 1; j < N_LIST; j++)
            ties += c[i].stage_due && c[i].stage_due == c[j].stage_due;
    assert_true(ties >= 2);
    for (int i = 0; i < N_LIST; i++)
        complaint_release(&c[i]);
}

/* ---- daily statistics ------------------------------------------------------------------ */

static void test_daily_stats(void **state)
{
    sfx *f = *state;
    complaint a, b, c, d, e;
    int64_t day1 = time_local_day(D1, TZ);
    /* day 1: three received; one answered on the spot, one closed in time */
    create_ok(f, D1 + 9 * HOUR, "13800000001", 3, &a);
    step_ok(f, &a, &agent, D1 + 9 * HOUR + 1800, "answer", ANSWER_VALID);
    create_ok(f, D1 + 10 * HOUR, "13800000002", 3, &b);
    close_by_path(f, &b, D1 + 11 * HOUR); /* closed 16:00 day 1, due 10:00 day 2 */
    create_ok(f, D1 + 11 * HOUR, "13800000003", 3, &c);
    close_by_path(f, &c, D1 + 2 * DAY + 6 * HOUR);                     /* closed 11:00 day 3: late */
    step_ok(f, &c, &agent, D1 + 2 * DAY + 12 * HOUR, "archive", NULL); /* not a second close */
    /* 23:59 on day 2 and 00:01 on day 3, local time (the same UTC day) */
    create_ok(f, D1 + DAY + 23 * HOUR + 59 * MIN, "13800000004", 3, &d);
    create_ok(f, D1 + 2 * DAY + MIN, "13800000005", 3, &e);

    day_stat *st = NULL;
    size_t n = 0;
    assert_int_equal(store_stats_days(f->s, day1 - 5, day1 + 5, &st, &n), 0);
    assert_int_equal(n, 3);
    static const int64_t want[3][4] = {
        {3, 2, 2, 1}, /* received, closed, closed_on_time, first_contact */
        {1, 0, 0, 0},
        {1, 1, 0, 0},
    };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(st[i].day, day1 + (int64_t)i);
        int64_t got[4] = {st[i].received, st[i].closed, st[i].closed_on_time, st[i].first_contact};
        for (int k = 0; k < 4; k++)
            if (got[k] != want[i][k])
                fail_msg("day %zu: {%lld, %lld, %lld, %lld}, expected {%lld, %lld, %lld, %lld}", i + 1,
                         (long long)got[0], (long long)got[1], (long long)got[2], (long long)got[3],
                         (long long)want[i][0], (long long)want[i][1], (long long)want[i][2], (long long)want[i][3]);
    }
    free(st);
    /* a range that covers only day 2 */
    assert_int_equal(store_stats_days(f->s, day1 + 1, day1 + 1, &st, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(st[0].received, 1);
    free(st);

    int64_t counts[ST__COUNT], overdue = -1;
    assert_int_equal(store_stats_status(f->s, counts, D1 + 2 * DAY + 4 * HOUR, &overdue), 0);
    assert_int_equal(counts[ST_CLOSED], 2);
    assert_int_equal(counts[ST_ARCHIVED], 1);
    assert_int_equal(counts[ST_REGISTERED], 2);
    assert_int_equal(overdue, 1); /* d was to be dispatched by 03:59 on day 3, e by 04:01 */
    complaint_release(&a);
    complaint_release(&b);
    complaint_release(&c);
    complaint_release(&d);
    complaint_release(&e);
}

/* ---- verification ---------------------------------------------------------------------- */

struct verify_all {
    app *a;
    int checked, broken;
    char msg[512];
};

static int verify_one(int64_t id, void *arg)
{
    struct verify_all *v = arg;
    char msg[512];
    v->checked++;
    if (app_verify_complaint(v->a, id, msg, sizeof msg) != 0) {
        if (!v->broken)
            snprintf(v->msg, sizeof v->msg, "%s", msg);
        v->broken++;
    }
    return 0;
}

/* Fills the database with the list set and one complaint that went the
 * long way (assistance, a dissatisfied revisit, reopen, close, archive). */
static int64_t populate(sfx *f)
{
    complaint c[N_LIST], l;
    build_list_set(f, c);
    for (int i = 0; i < N_LIST; i++)
        complaint_release(&c[i]);
    int64_t t = D1 + 4 * DAY;
    create_ok(f, t, "13800000009", 2, &l);
    step_ok(f, &l, &agent, t += HOUR, "dispatch", "{\"unit\":\"PD-01\",\"note\":\"尽快\"}");
    step_ok(f, &l, &handler1, t += HOUR, "accept", NULL);
    step_ok(f, &l, &handler1, t += HOUR, "assist", "{\"unit\":\"PD-02\",\"request\":\"核对发票机\"}");
    step_ok(f, &l, &handler2, t += HOUR, "assist_reply", "{\"feedback\":\"发票机正常\"}");
    step_ok(f, &l, &handler1, t += HOUR, "resolve", RESOLVE);
    step_ok(f, &l, &agent, t += HOUR, "reply", "{\"method\":\"phone\",\"content\":\"已告知\"}");
    step_ok(f, &l, &agent, t += HOUR, "revisit",
            "{\"method\":\"phone\",\"result\":\"dissatisfied\",\"remarks\":\"要赔偿\"}");
    step_ok(f, &l, &agent, t += HOUR, "reopen", "{\"reason\":\"客户要求赔偿\"}");
    step_ok(f, &l, &handler1, t += HOUR, "accept", NULL);
    step_ok(f, &l, &handler1, t += HOUR, "resolve", RESOLVE);
    step_ok(f, &l, &agent, t += HOUR, "reply", "{\"method\":\"phone\",\"content\":\"已赔偿\"}");
    step_ok(f, &l, &agent, t += HOUR, "revisit", "{\"method\":\"phone\",\"result\":\"satisfied\"}");
    step_ok(f, &l, &agent, t += HOUR, "close",
            "{\"cause\":\"c\",\"responsibility\":\"company\",\"responsible_unit\":\"PD-01\","
            "\"corrective_action\":\"培训\",\"compensation\":\"50.5\"}");
    step_ok(f, &l, &agent, t += HOUR, "archive", NULL);
    assert_int_equal(l.version, 15);
    int64_t id = l.id;
    complaint_release(&l);
    return id;
}

static void open_app(sfx *f, app *a)
{
    char err[256];
    close_store(f);
    if (app_open(a, f->url, false, err, sizeof err) != 0)
        fail_msg("app_open(%s): %s", f->url, err);
}

static void raw_sql(sfx *f, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        fail_msg("%s: %s", sql, copy);
    }
    int changed = sqlite3_changes(db);
    sqlite3_close(db);
    if (changed != 1)
        fail_msg("%s changed %d rows", sql, changed);
}

/* Rewrites text in an event's body and stores a hash recomputed over the new
 * body, as someone who knows the algorithm would: the event itself then
 * checks out, and only the chain can tell. */
static void raw_rewrite_rehash(sfx *f, int64_t event_id, const char *from, const char *to)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT prev, body FROM events WHERE id = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, event_id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_bytes(st, 0), 32);
    uint8_t prev[32], hash[32];
    memcpy(prev, sqlite3_column_blob(st, 0), 32);
    char body[8192];
    snprintf(body, sizeof body, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    char *at = strstr(body, from);
    assert_non_null(at);
    assert_int_equal(strlen(from), strlen(to));
    memcpy(at, to, strlen(to));
    crypto_generichash_state hs;
    crypto_generichash_init(&hs, NULL, 0, 32);
    crypto_generichash_update(&hs, prev, 32);
    crypto_generichash_update(&hs, (const unsigned char *)body, strlen(body));
    crypto_generichash_final(&hs, hash, 32);
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE events SET body = ?, hash = ? WHERE id = ?", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, body, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, event_id);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static int64_t event_row_id(app *a, int64_t complaint_id, int64_t seq)
{
    event_list l = {0};
    assert_int_equal(store_event_list(a->db, complaint_id, &l), 0);
    assert_true((size_t)seq <= l.n);
    int64_t id = l.items[seq - 1].id;
    event_list_release(&l);
    return id;
}

static void expect_broken(app *a, int64_t id, const char *fragment1, const char *fragment2)
{
    char msg[512] = "";
    if (app_verify_complaint(a, id, msg, sizeof msg) == 0)
        fail_msg("complaint %lld verifies after being edited", (long long)id);
    if (!tu_contains(msg, fragment1) || (fragment2 && !tu_contains(msg, fragment2)))
        fail_msg("\"%s\" does not name %s%s%s", msg, fragment1, fragment2 ? " and " : "", fragment2 ? fragment2 : "");
}

static void test_verify_rebuilds_every_complaint(void **state)
{
    sfx *f = *state;
    populate(f);
    app a;
    open_app(f, &a);
    struct verify_all v = {&a, 0, 0, ""};
    assert_int_equal(store_complaint_ids(a.db, verify_one, &v), 0);
    if (v.broken)
        fail_msg("%d of %d complaints do not rebuild: %s", v.broken, v.checked, v.msg);
    assert_int_equal(v.checked, N_LIST + 1);
    char msg[256];
    assert_int_not_equal(app_verify_complaint(&a, 999, msg, sizeof msg), 0);
    app_close(&a);
}

static void test_verify_reports_edited_rows(void **state)
{
    sfx *f = *state;
    int64_t longest = populate(f);
    app a;
    open_app(f, &a);
    char sql[512], name[64];

    /* an event body edited: the event is named */
    int64_t ev1 = event_row_id(&a, 1, 1);
    snprintf(sql, sizeof sql, "UPDATE events SET body = replace(body, '\"level\":3', '\"level\":1') WHERE id = %lld",
             (long long)ev1);
    raw_sql(f, sql);
    snprintf(name, sizeof name, "event #%lld", (long long)ev1);
    expect_broken(&a, 1, name, "seq 1");

    /* an event in the middle of the long complaint */
    int64_t ev5 = event_row_id(&a, longest, 5);
    snprintf(sql, sizeof sql, "UPDATE events SET body = replace(body, '发票机正常', '发票机故障') WHERE id = %lld",
             (long long)ev5);
    raw_sql(f, sql);
    snprintf(name, sizeof name, "event #%lld", (long long)ev5);
    expect_broken(&a, longest, name, "seq 5");

    /* an event's columns disagreeing with its body */
    int64_t ev2 = event_row_id(&a, 2, 2);
    snprintf(sql, sizeof sql, "UPDATE events SET actor = 999 WHERE id = %lld", (long long)ev2);
    raw_sql(f, sql);
    snprintf(name, sizeof name, "event #%lld", (long long)ev2);
    expect_broken(&a, 2, name, NULL);

    /* a hash edited: the chain breaks at that event or the next */
    int64_t ev3 = event_row_id(&a, 4, 1);
    snprintf(sql, sizeof sql, "UPDATE events SET hash = zeroblob(32) WHERE id = %lld", (long long)ev3);
    raw_sql(f, sql);
    expect_broken(&a, 4, "event #", NULL);

    /* an event edited with its hash recomputed: caught at the next event */
    int64_t ev10a = event_row_id(&a, 10, 1), ev10b = event_row_id(&a, 10, 2);
    raw_rewrite_rehash(f, ev10a, "\"level\":3", "\"level\":1");
    snprintf(name, sizeof name, "event #%lld", (long long)ev10b);
    expect_broken(&a, 10, name, "does not follow");

    /* complaint rows edited: the field is named */
    raw_sql(f, "UPDATE complaints SET owner_unit = 5 WHERE id = 3");
    expect_broken(&a, 3, "\"owner_unit\"", NULL);
    raw_sql(f, "UPDATE complaints SET status = 7 WHERE id = 6");
    expect_broken(&a, 6, "\"status\"", NULL);
    raw_sql(f, "UPDATE complaints SET data = json_set(data, '$.customer.name', '李四') WHERE id = 7");
    expect_broken(&a, 7, "\"data\"", NULL);

    /* an event deleted */
    snprintf(sql, sizeof sql, "DELETE FROM events WHERE complaint_id = 8 AND seq = 2");
    raw_sql(f, sql);
    expect_broken(&a, 8, "complaint", NULL);

    /* the others are intact */
    char msg[512];
    static const int64_t intact[] = {5, 9};
    for (size_t i = 0; i < 2; i++)
        if (app_verify_complaint(&a, intact[i], msg, sizeof msg) != 0)
            fail_msg("complaint %lld was not edited but: %s", (long long)intact[i], msg);
    app_close(&a);
}

/* ---- concurrency ------------------------------------------------------------------------ */

enum { THREADS = 8, PER_THREAD = 50 };

struct worker {
    sfx *f;
    int index;
    int failures;
    char numbers[PER_THREAD][32];
    int64_t ids[PER_THREAD];
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    sfx *f = w->f;
    actor who = {100 + w->index, R_AGENT, U_CENTRE};
    for (int i = 0; i < PER_THREAD; i++) {
        char phone[16];
        snprintf(phone, sizeof phone, "1390000%02d%02d", w->index, i);
        json_t *in = json_pack("{s:s,s:s,s:{s:s,s:s},s:s,s:s,s:s}", "channel", "phone", "received_at",
                               "2026-03-01T10:00:00+08:00", "customer", "name", "客户", "phone", phone, "subject_unit",
                               "PD-02", "category", "queue", "description", "排队时间过长");
        wf_ctx ctx = {&f->pol, &f->org, &who, D1 + 11 * HOUR, NULL, 0, NULL};
        event ev;
        complaint c;
        cerr e;
        event_init(&ev);
        complaint_init(&c);
        if (workflow_intake(&ctx, in, &ev, &e) != 0 ||
            store_complaint_create(f->s, f->pol.number_prefix, TZ, &ev, &c) != 0) {
            w->failures++;
        } else {
            snprintf(w->numbers[i], sizeof w->numbers[i], "%s", c.number);
            w->ids[i] = c.id;
        }
        json_decref(in);
        event_release(&ev);
        complaint_release(&c);
    }
    return NULL;
}

static void test_concurrent_creates_are_dense(void **state)
{
    sfx *f = *state;
    static struct worker w[THREADS];
    pthread_t th[THREADS];
    memset(w, 0, sizeof w);
    for (int i = 0; i < THREADS; i++) {
        w[i].f = f;
        w[i].index = i;
        assert_int_equal(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);

    static bool seen_seq[THREADS * PER_THREAD + 1], seen_id[THREADS * PER_THREAD + 1];
    memset(seen_seq, 0, sizeof seen_seq);
    memset(seen_id, 0, sizeof seen_id);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(w[i].failures, 0);
        for (int k = 0; k < PER_THREAD; k++) {
            const char *num = w[i].numbers[k];
            if (strncmp(num, "TS20260301-", 11) != 0 || strlen(num) != 15)
                fail_msg("number %s", num);
            int seq = atoi(num + 11);
            assert_true(seq >= 1 && seq <= THREADS * PER_THREAD);
            if (seen_seq[seq])
                fail_msg("number %s given twice", num);
            seen_seq[seq] = true;
            int64_t id = w[i].ids[k];
            assert_true(id >= 1 && id <= THREADS * PER_THREAD);
            assert_false(seen_id[id]);
            seen_id[id] = true;
        }
    }
    /* 400 distinct numbers in 1..400: dense */
    int64_t n = 0;
    assert_int_equal(store_complaint_count(f->s, &n), 0);
    assert_int_equal(n, THREADS * PER_THREAD);
    complaint last;
    assert_int_equal(get(f, 0, "TS20260301-0400", &last), 0);
    assert_int_equal(count_events(f, last.id), 1);
    complaint_release(&last);
    day_stat *st = NULL;
    size_t nd = 0;
    assert_int_equal(store_stats_days(f->s, time_local_day(D1, TZ), time_local_day(D1, TZ), &st, &nd), 0);
    assert_int_equal(nd, 1);
    assert_int_equal(st[0].received, THREADS * PER_THREAD);
    free(st);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_config),
        T(test_units),
        T(test_users),
        T(test_tokens),
        T(test_numbers_dense_per_local_day),
        T(test_numbers_stay_dense_with_a_second_writer),
        T(test_update_needs_current_version),
        T(test_update_rewrites_only_changed_indexes),
        T(test_batch_write_with_was),
        T(test_outbox_rows_with_and_without_an_event),
        T(test_outbox_claims_and_attempts),
        T(test_outbox_claims_never_overlap),
        T(test_intake_rows_commit_with_the_complaint),
        T(test_batch_write_item_fails_half_written),
        T(test_event_list_in_seq_order),
        T(test_list_filters),
        T(test_list_pagination),
        T(test_daily_stats),
        T(test_verify_rebuilds_every_complaint),
        T(test_verify_reports_edited_rows),
        T(test_concurrent_creates_are_dense),
    };
#undef T
    int failed = cmocka_run_group_tests(tests, group_setup, NULL);
    if (!getenv("REDRESS_TEST_PG_URL"))
        return failed;
    /* The same on PostgreSQL, but for what reads SQLite's own files. */
#define T(name) cmocka_unit_test_setup_teardown(name, setup_pg, teardown)
    const struct CMUnitTest pg_tests[] = {
        T(test_config),
        T(test_units),
        T(test_users),
        T(test_tokens),
        T(test_numbers_dense_per_local_day),
        T(test_numbers_stay_dense_with_a_second_writer),
        T(test_update_needs_current_version),
        T(test_batch_write_with_was),
        T(test_outbox_rows_with_and_without_an_event),
        T(test_outbox_claims_and_attempts),
        T(test_outbox_claims_never_overlap),
        T(test_intake_rows_commit_with_the_complaint),
        T(test_event_list_in_seq_order),
        T(test_list_filters),
        T(test_list_pagination),
        T(test_daily_stats),
        T(test_verify_rebuilds_every_complaint),
        T(test_concurrent_creates_are_dense),
    };
#undef T
    return failed + cmocka_run_group_tests_name("postgresql", pg_tests, group_setup, NULL);
}
