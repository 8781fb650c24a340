/*
 * Unit tests for api/router, in process and without sockets: a fresh
 * SQLite database per test with one unit, users of several kinds, their
 * sessions and an API token; a small route table whose handler records
 * that it ran and what it saw; and requests made in memory (their lookup
 * answers headers and cookies from a table). Each test asks what a caller
 * would notice — the status and error code, whether the handler ran, what
 * the audit log holds — for one rule of the gate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "api/api.h"
#include "api/router.h"
#include "core/workflow.h"
#include "sec/auth.h"
#include "sec/authcache.h"
#include "sec/session.h"
#include "testutil.h"
#include "util/log.h"
#include "util/timeutil.h"

/* ---- what the handler saw ---------------------------------------------- */

static struct {
    int calls;
    char params[2][32];
    char username[32];
    unsigned roles;
    int64_t unit;
    bool authed;
} seen;

static void record(app *a, api_req *rq, http_resp *rs)
{
    (void)a;
    seen.calls++;
    for (int i = 0; i < 2; i++)
        snprintf(seen.params[i], sizeof seen.params[i], "%s", rq->params[i] ? rq->params[i] : "");
    snprintf(seen.username, sizeof seen.username, "%s", rq->authed ? rq->who.username : "");
    seen.roles = rq->who.roles;
    seen.unit = rq->who.unit;
    seen.authed = rq->authed;
    rs->status = 204;
}

static const route routes[] = {
    {"GET", "/api/v1/open", record, AUTH_NONE, 0, 0},
    {"GET", "/api/v1/things", record, AUTH_USER, 0, 0},
    {"POST", "/api/v1/things", record, AUTH_USER, 0, 0},
    {"GET", "/api/v1/things/{id}/parts/{part}", record, AUTH_USER, 0, 0},
    {"GET", "/api/v1/admin", record, AUTH_USER, R_ADMIN, 0},
    {"GET", "/api/v1/centre", record, AUTH_USER, R_AGENT, 0},
    {"POST", "/api/v1/self", record, AUTH_SELF, 0, 0},
    {"POST", "/api/v1/things/{id}/export", record, AUTH_USER, 0, 0},
    {"GET", "/api/v1/things/{id}/export", record, AUTH_USER, 0, ROUTE_SLOW},
    {NULL, NULL, NULL, 0, 0, 0},
};

/* ---- the fixture --------------------------------------------------------- */

enum { BODY_LIMIT = 1024 };

typedef struct rfx {
    tu_tmpdb db;
    app a;
    int64_t unit, agent_id, admin_id;
    /* Secrets: sessions of agent1, auditor1, newbie (must change its
     * password), an idle session of agent1, and an API token of admin1
     * (who is admin and agent) limited to the agent role and to unit2. */
    char agent[80], auditor[80], newbie[80], idle[80], api[80];
    int64_t unit2;
} rfx;

static int64_t add_unit(rfx *f, const char *code, int64_t parent)
{
    unit u = {.code = (char *)code, .name = (char *)code, .type = parent ? "site" : "hq", .parent = parent};
    assert_int_equal(store_unit_add(f->a.db, &u), 0);
    return u.id;
}

static int64_t add_user(rfx *f, const char *username, unsigned roles, bool must_change)
{
    user u = {.username = (char *)username,
              .name = (char *)username,
              .roles = roles,
              .unit = f->unit,
              .active = true,
              .must_change_password = must_change};
    assert_int_equal(store_user_add(f->a.db, &u, "not-a-hash"), 0);
    return u.id;
}

/* A token of user_id into secret; a session when kind is 's'. */
static void add_token(rfx *f, int64_t user_id, char kind, int64_t used_at, unsigned roles, int64_t unit_id,
                      char secret[80])
{
    token t = {.user_id = user_id,
               .kind = kind,
               .name = kind == 't' ? "test" : NULL,
               .created_at = used_at,
               .last_used_at = used_at,
               .roles = roles,
               .unit = unit_id,
               .created_by = user_id};
    auth_new_token(kind, secret, 80, t.hash);
    assert_int_equal(store_token_add(f->a.db, &t), 0);
}

static int group_setup(void **state)
{
    (void)state;
    log_set_level(LOG_ERROR);
    return auth_init();
}

static int setup(void **state)
{
    rfx *f = calloc(1, sizeof *f);
    char err[256];
    if (!f || tu_tmpdb_make(&f->db) || app_open(&f->a, f->db.url, false, err, sizeof err))
        return -1;
    f->unit = add_unit(f, "HQ", 0);
    f->unit2 = add_unit(f, "S1", f->unit);
    int64_t now = time_now();
    f->agent_id = add_user(f, "agent1", R_AGENT, false);
    f->admin_id = add_user(f, "admin1", R_ADMIN | R_AGENT, false);
    add_token(f, f->agent_id, 's', now, 0, 0, f->agent);
    add_token(f, add_user(f, "auditor1", R_AUDITOR, false), 's', now, 0, 0, f->auditor);
    add_token(f, add_user(f, "newbie", R_AGENT, true), 's', now, 0, 0, f->newbie);
    add_token(f, f->agent_id, 's', now - session_get()->idle - 60, 0, 0, f->idle);
    add_token(f, f->admin_id, 't', now, R_AGENT, f->unit2, f->api);
    authcache_clear();
    memset(&seen, 0, sizeof seen);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    rfx *f = *state;
    app_close(&f->a);
    tu_tmpdb_remove(&f->db);
    free(f);
    return 0;
}

/* ---- requests in memory -------------------------------------------------- */

/* What a request carries besides method and path; NULL = absent. */
typedef struct fake {
    const char *bearer; /* the secret after "Authorization: Bearer " */
    const char *cookie; /* the session cookie's value */
    const char *csrf;   /* the X-CSRF-Token header */
    const char *body;
    bool too_large;
    char authorization[120];
} fake;

static const char *lookup(void *conn, enum http_part part, const char *key)
{
    fake *k = conn;
    if (part == HTTP_HEADER && strcasecmp(key, "Authorization") == 0 && k->bearer) {
        snprintf(k->authorization, sizeof k->authorization, "Bearer %s", k->bearer);
        return k->authorization;
    }
    if (part == HTTP_HEADER && strcasecmp(key, SESSION_CSRF_HEADER) == 0)
        return k->csrf;
    if (part == HTTP_COOKIE && strcmp(key, SESSION_COOKIE) == 0)
        return k->cookie;
    return NULL;
}

typedef struct answer {
    int status;
    char code[40];    /* the error code, "" when none */
    char message[200];
} answer;

static answer call(rfx *f, const char *method, const char *path, fake k)
{
    http_req hr = {.method = method, .path = path, .lookup = lookup, .conn = &k, .body_limit = BODY_LIMIT};
    buf_init(&hr.body);
    if (k.body)
        buf_puts(&hr.body, k.body);
    hr.body_too_large = k.too_large;
    snprintf(hr.client, sizeof hr.client, "192.0.2.7");
    http_resp rs = {.status = 200, .content_type = "application/json; charset=utf-8"};
    buf_init(&rs.body);
    api_router_dispatch(&f->a, routes, &hr, &rs);
    answer an = {.status = rs.status};
    json_t *j = rs.body.len ? json_loadb(rs.body.data, rs.body.len, 0, NULL) : NULL;
    json_t *err = json_object_get(j, "error");
    snprintf(an.code, sizeof an.code, "%s", err ? json_string_value(json_object_get(err, "code")) : "");
    snprintf(an.message, sizeof an.message, "%s", err ? json_string_value(json_object_get(err, "message")) : "");
    json_decref(j);
    http_resp_release(&rs);
    buf_release(&hr.body);
    return an;
}

/* The audit entries with action, newest first, into *out (released by the caller). */
static size_t audited(rfx *f, const char *action, audit_page *out)
{
    audit_filter af = {.action = action, .limit = 100};
    assert_int_equal(store_audit_list(f->a.db, &af, out), 0);
    return out->n;
}

static void expect_refused(answer an, int status, const char *code)
{
    assert_int_equal(an.status, status);
    assert_string_equal(an.code, code);
    assert_int_equal(seen.calls, 0);
}

/* ---- the tests ----------------------------------------------------------- */

static void test_no_credentials(void **state)
{
    rfx *f = *state;
    expect_refused(call(f, "GET", "/api/v1/things", (fake){0}), 401, "unauthenticated");
    /* A route that needs nobody runs without a caller. */
    answer an = call(f, "GET", "/api/v1/open", (fake){0});
    assert_int_equal(an.status, 204);
    assert_int_equal(seen.calls, 1);
    assert_false(seen.authed);
}

static void test_unknown_token(void **state)
{
    rfx *f = *state;
    expect_refused(call(f, "GET", "/api/v1/things", (fake){.bearer = "rd_s_0123456789abcdef"}), 401,
                   "unauthenticated");
    expect_refused(call(f, "GET", "/api/v1/things", (fake){.cookie = "rd_s_0123456789abcdef"}), 401,
                   "unauthenticated");
}

static void test_bearer_session_and_params(void **state)
{
    rfx *f = *state;
    answer an = call(f, "GET", "/api/v1/things/42/parts/left/", (fake){.bearer = f->agent});
    assert_int_equal(an.status, 204);
    assert_int_equal(seen.calls, 1);
    assert_string_equal(seen.params[0], "42");
    assert_string_equal(seen.params[1], "left");
    assert_string_equal(seen.username, "agent1");
    /* An empty segment is no parameter. */
    an = call(f, "GET", "/api/v1/things//parts/left", (fake){.bearer = f->agent});
    assert_int_equal(an.status, 404);
    assert_int_equal(seen.calls, 1);
}

static void test_expired_session(void **state)
{
    rfx *f = *state;
    expect_refused(call(f, "GET", "/api/v1/things", (fake){.bearer = f->idle}), 401, "session_expired");
    audit_page p;
    assert_int_equal(audited(f, "session_expired", &p), 1);
    assert_int_equal(p.items[0].actor, f->agent_id);
    assert_string_equal(p.items[0].ip, "192.0.2.7");
    audit_page_release(&p);
    /* The session is revoked: presented again, it is simply unknown. */
    expect_refused(call(f, "GET", "/api/v1/things", (fake){.bearer = f->idle}), 401, "unauthenticated");
}

static void test_csrf(void **state)
{
    rfx *f = *state;
    char csrf[48];
    session_csrf(f->agent, csrf, sizeof csrf);
    expect_refused(call(f, "POST", "/api/v1/things", (fake){.cookie = f->agent}), 403, "csrf_failed");
    char wrong[48];
    session_csrf(f->auditor, wrong, sizeof wrong);
    expect_refused(call(f, "POST", "/api/v1/things", (fake){.cookie = f->agent, .csrf = wrong}), 403, "csrf_failed");
    /* Reading needs no CSRF token; a bearer token never does. */
    assert_int_equal(call(f, "GET", "/api/v1/things", (fake){.cookie = f->agent}).status, 204);
    assert_int_equal(call(f, "POST", "/api/v1/things", (fake){.bearer = f->agent}).status, 204);
    answer an = call(f, "POST", "/api/v1/things", (fake){.cookie = f->agent, .csrf = csrf});
    assert_int_equal(an.status, 204);
    assert_int_equal(seen.calls, 3);
    assert_string_equal(seen.username, "agent1");
}

static void test_api_token_in_cookie(void **state)
{
    rfx *f = *state;
    /* A cookie opens sessions only. */
    expect_refused(call(f, "GET", "/api/v1/things", (fake){.cookie = f->api}), 401, "unauthenticated");
}

static void test_wrong_role_is_denied_and_audited(void **state)
{
    rfx *f = *state;
    audit_page p;
    assert_int_equal(audited(f, "denied", &p), 0);
    audit_page_release(&p);
    expect_refused(call(f, "GET", "/api/v1/admin", (fake){.bearer = f->agent}), 403, "forbidden");
    assert_int_equal(audited(f, "denied", &p), 1);
    assert_int_equal(p.items[0].actor, f->agent_id);
    assert_string_equal(p.items[0].subject, "endpoint:GET /api/v1/admin");
    assert_non_null(strstr(p.items[0].detail, "\"path\":\"/api/v1/admin\""));
    audit_page_release(&p);
    /* The role it has opens its route. */
    assert_int_equal(call(f, "GET", "/api/v1/centre", (fake){.bearer = f->agent}).status, 204);
}

static void test_auditor_reads_only(void **state)
{
    rfx *f = *state;
    expect_refused(call(f, "POST", "/api/v1/things", (fake){.bearer = f->auditor}), 403, "forbidden");
    audit_page p;
    assert_int_equal(audited(f, "denied", &p), 1);
    audit_page_release(&p);
    assert_int_equal(call(f, "GET", "/api/v1/things", (fake){.bearer = f->auditor}).status, 204);
    /* Its own session and password are its own to change. */
    assert_int_equal(call(f, "POST", "/api/v1/self", (fake){.bearer = f->auditor}).status, 204);
    assert_int_equal(seen.calls, 2);
}

static void test_must_change_password(void **state)
{
    rfx *f = *state;
    answer an = call(f, "GET", "/api/v1/things", (fake){.bearer = f->newbie});
    expect_refused(an, 403, "password_change_required");
    assert_non_null(strstr(an.message, "POST /api/v1/auth/password"));
    assert_int_equal(call(f, "POST", "/api/v1/self", (fake){.bearer = f->newbie}).status, 204);
    assert_string_equal(seen.username, "newbie");
}

static void test_api_token_limits_roles_and_unit(void **state)
{
    rfx *f = *state;
    /* admin1 is an administrator, but its token may act only as an agent. */
    expect_refused(call(f, "GET", "/api/v1/admin", (fake){.bearer = f->api}), 403, "forbidden");
    assert_int_equal(call(f, "GET", "/api/v1/centre", (fake){.bearer = f->api}).status, 204);
    assert_string_equal(seen.username, "admin1");
    assert_int_equal(seen.roles, R_AGENT);
    assert_int_equal(seen.unit, f->unit2);
}

static void test_not_found_method_too_large(void **state)
{
    rfx *f = *state;
    expect_refused(call(f, "GET", "/api/v1/nothing", (fake){.bearer = f->agent}), 404, "not_found");
    expect_refused(call(f, "DELETE", "/api/v1/things", (fake){.bearer = f->agent}), 405, "method_not_allowed");
    answer an = call(f, "POST", "/api/v1/things", (fake){.bearer = f->agent, .body = "{}", .too_large = true});
    expect_refused(an, 413, "body_too_large");
    assert_non_null(strstr(an.message, "1024"));
    /* Before anyone is asked who they are. */
    expect_refused(call(f, "POST", "/api/v1/things", (fake){.too_large = true}), 413, "body_too_large");
}

/* HEAD takes the GET route, through the same checks. */
static void test_head_is_get(void **state)
{
    rfx *f = *state;
    expect_refused(call(f, "HEAD", "/api/v1/things", (fake){0}), 401, "unauthenticated");
    expect_refused(call(f, "HEAD", "/api/v1/admin", (fake){.bearer = f->agent}), 403, "forbidden");
    /* A path with only a POST route is still 405. */
    expect_refused(call(f, "HEAD", "/api/v1/self", (fake){.bearer = f->agent}), 405, "method_not_allowed");
    answer an = call(f, "HEAD", "/api/v1/things/7/parts/x", (fake){.bearer = f->agent});
    assert_int_equal(an.status, 204);
    assert_int_equal(seen.calls, 1);
    assert_string_equal(seen.params[0], "7");
}

/* Only a GET route marked slow keeps a read off the I/O thread; its parameters change nothing. */
static void test_quick_reads(void **state)
{
    (void)state;
    assert_true(api_router_quick(routes, "/api/v1/things"));
    assert_true(api_router_quick(routes, "/api/v1/things/7/parts/x"));
    assert_false(api_router_quick(routes, "/api/v1/things/7/export"));
    assert_false(api_router_quick(routes, "/api/v1/things/7/export/"));
    assert_true(api_router_quick(routes, "/api/v1/things/7/exports"));
    assert_true(api_router_quick(routes, "/api/v1/nothing-here"));
    assert_false(api_router_quick(api_routes, "/api/v1/audit"));
    assert_true(api_router_quick(api_routes, "/api/v1/complaints"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_credentials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_token, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bearer_session_and_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expired_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_token_in_cookie, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_role_is_denied_and_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auditor_reads_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_must_change_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_token_limits_roles_and_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_found_method_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_is_get, setup, teardown),
        cmocka_unit_test(test_quick_reads),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
