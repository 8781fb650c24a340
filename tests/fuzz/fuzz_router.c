/*
 * fuzz_router: untrusted bytes through the API's authorisation gate,
 * api_router_dispatch — route matching and {param} capture, the body limit,
 * bearer and cookie authentication with the session timeouts, CSRF, the
 * forced password change, the role gate, the auditors' rule and the denial
 * audit — over the real route table of src/api, whose handlers are
 * replaced here by recorders (the handlers have harnesses of their own).
 *
 * An input is lines: method, path, the Authorization header, the value of
 * the session cookie, the X-CSRF-Token header, then the body (the rest).
 * An empty line leaves its header out. So that inputs can authenticate, the
 * three header lines expand these markers into the fixture's credentials:
 *
 *   %A  a session of admin            %U  a session of auditor1
 *   %G  a session of agent1           %N  a session of new1 (must change its password)
 *   %I  a session of agent1 idle past the timeout (made again for each input)
 *   %T  an API token of multi (admin and agent) limited to agent and to one unit
 *   %C  the CSRF token of the session in the cookie line
 *
 * Besides the sanitizers: when a recorder runs, the route it stands for was
 * the one asked for and everything the gate promises holds (a caller when
 * the route needs one, CSRF for a cookie on an unsafe method, the roles,
 * no change by an auditor or by someone who must change their password,
 * a token's roles within its limit, one parameter per {name}); when none
 * runs, the answer is one of the gate's errors in the documented shape,
 * and a 403 forbidden has just been audited as "denied".
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api.h"
#include "core/workflow.h"
#include "fixture.h"
#include "sec/auth.h"
#include "sec/session.h"
#include "util/timeutil.h"

enum { RESET_AFTER = 50000, BODY_LIMIT = 4096, NFIELDS = 5 };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static app A;
static unsigned long runs;

/* ---- the route table, with recorders ---------------------------------------- */

/* One recorder per route, so that it knows which route it stands for. */
enum { NROUTES = 128 };
static route table[NROUTES + 1];
static int hit;            /* the route whose recorder ran, or -1 */
static const char *csrf_sent; /* the CSRF header of the request, or NULL */

static void record(int i, api_req *rq, http_resp *rs);
#define R(b, k)                                                                                                        \
    static void r##b##k(app *a, api_req *rq, http_resp *rs)                                                            \
    {                                                                                                                  \
        (void)a;                                                                                                       \
        record(b * 8 + k, rq, rs);                                                                                     \
    }
#define R8(b) R(b, 0) R(b, 1) R(b, 2) R(b, 3) R(b, 4) R(b, 5) R(b, 6) R(b, 7)
R8(0) R8(1) R8(2) R8(3) R8(4) R8(5) R8(6) R8(7) R8(8) R8(9) R8(10) R8(11) R8(12) R8(13) R8(14) R8(15)
#define P8(b) r##b##0, r##b##1, r##b##2, r##b##3, r##b##4, r##b##5, r##b##6, r##b##7
static const api_handler recorders[NROUTES] = {P8(0), P8(1), P8(2),  P8(3),  P8(4),  P8(5),  P8(6),  P8(7),
                                               P8(8), P8(9), P8(10), P8(11), P8(12), P8(13), P8(14), P8(15)};

/* ---- the credentials ----------------------------------------------------------- */

static char s_admin[80], s_agent[80], s_auditor[80], s_new[80], s_idle[80], t_multi[80];
static int64_t multi_unit;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_router: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

static int64_t user_id(const char *username)
{
    user u = {0};
    if (store_user_get(A.db, username, 0, &u, NULL))
        fail("no such user", username);
    int64_t id = u.id;
    user_release(&u);
    return id;
}

/* A new token of username into secret; idle sessions were last used before the timeout. */
static void add_token(const char *username, char kind, bool idle, unsigned roles, int64_t unit_id, char secret[80])
{
    int64_t now = time_now(), id = user_id(username);
    int64_t at = idle ? now - session_get()->idle - 60 : now;
    token t = {.user_id = id,
               .kind = kind,
               .name = kind == 't' ? "fuzz" : NULL,
               .created_at = at,
               .last_used_at = at,
               .roles = roles,
               .unit = unit_id,
               .created_by = id};
    auth_new_token(kind, secret, 80, t.hash);
    if (store_token_add(A.db, &t))
        fail("cannot add a token for", username);
}

static void open_fixture(void)
{
    fz_open(&A, false);
    app_enter(&A);
    const org *o = app_org(&A);
    user multi = {.username = "multi",
                  .name = "multi",
                  .roles = R_ADMIN | R_AGENT,
                  .unit = o->units[0].id,
                  .active = true};
    if (store_user_add(A.db, &multi, "not-a-hash"))
        fail("cannot add multi", NULL);
    multi_unit = o->units[o->n - 1].id;
    app_leave(&A);
    add_token("admin", 's', false, 0, 0, s_admin);
    add_token("agent1", 's', false, 0, 0, s_agent);
    add_token("auditor1", 's', false, 0, 0, s_auditor);
    add_token("new1", 's', false, 0, 0, s_new);
    add_token("multi", 't', false, R_AGENT, multi_unit, t_multi);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    open_fixture();
    int n = 0;
    for (const route *r = api_routes; r->method; r++, n++) {
        if (n == NROUTES)
            fail("more routes than recorders: raise NROUTES", NULL);
        table[n] = *r;
        table[n].handler = recorders[n];
    }
    return 0;
}

/* ---- one input ---------------------------------------------------------------------- */

/* Copies field into out (at most outlen - 1 bytes) with the markers expanded. */
static void expand(const char *field, const char *cookie, char *out, size_t outlen)
{
    size_t o = 0;
    for (const char *p = field; *p && o + 1 < outlen; p++) {
        const char *with = NULL;
        char csrf[48];
        if (p[0] == '%' && p[1]) {
            switch (p[1]) {
            case 'A': with = s_admin; break;
            case 'G': with = s_agent; break;
            case 'U': with = s_auditor; break;
            case 'N': with = s_new; break;
            case 'I':
                add_token("agent1", 's', true, 0, 0, s_idle);
                with = s_idle;
                break;
            case 'T': with = t_multi; break;
            case 'C':
                session_csrf(cookie ? cookie : "", csrf, sizeof csrf);
                with = csrf;
                break;
            }
        }
        if (!with) {
            out[o++] = *p;
            continue;
        }
        size_t n = strlen(with);
        if (n > outlen - 1 - o)
            n = outlen - 1 - o;
        memcpy(out + o, with, n);
        o += n;
        p++;
    }
    out[o] = '\0';
}

static bool unsafe(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* What the recorder of route rt sees must be what the gate lets through. */
static void check_passed(const route *rt, const api_req *rq, const char *csrf)
{
    /* HEAD takes the GET route; every other method only its own. */
    bool head_get = strcmp(rq->method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0;
    if (strcmp(rt->method, rq->method) != 0 && !head_get)
        fail("a handler of another method", rt->pattern);
    if (rq->http->body_too_large)
        fail("a handler for a body over the limit", rt->pattern);
    int want = 0, got = 0;
    for (const char *p = rt->pattern; (p = strchr(p, '{')); p++)
        want++;
    for (int k = 0; k < MAX_PARAMS && rq->params[k]; k++, got++)
        if (!*rq->params[k] || strchr(rq->params[k], '/'))
            fail("an empty parameter or one with a slash", rt->pattern);
    if (want != got)
        fail("parameters do not match the pattern", rt->pattern);
    if (rt->auth == AUTH_NONE)
        return;
    if (!rq->authed)
        fail("a route that needs a caller ran without one", rt->pattern);
    if (rq->cookie_auth && unsafe(rq->method) && !session_csrf_ok(rq->cookie_secret, csrf))
        fail("a cookie session changed something without its CSRF token", rt->pattern);
    if (rq->cookie_auth && rq->tok.kind != 's')
        fail("an API token accepted in a cookie", rt->pattern);
    if (rq->who.must_change_password && rt->auth != AUTH_SELF)
        fail("a user who must change the password got past it", rt->pattern);
    if (rt->roles && !(rq->who.roles & rt->roles))
        fail("a role the route does not allow", rt->pattern);
    if ((rq->who.roles & R_AUDITOR) && unsafe(rq->method) && rt->auth != AUTH_SELF)
        fail("an auditor changed something", rt->pattern);
    if (rq->tok.kind == 't' && rq->tok.roles && (rq->who.roles & ~rq->tok.roles))
        fail("an API token acted beyond its roles", rt->pattern);
}

static void record(int i, api_req *rq, http_resp *rs)
{
    if (hit >= 0)
        fail("two handlers for one request", NULL);
    hit = i;
    check_passed(&table[i], rq, csrf_sent);
    rs->status = 204;
}

/* The gate's own answers: an error it renders, in the documented shape. */
static void check_refused(const http_resp *rs)
{
    json_t *j = json_loadb(rs->body.data, rs->body.len, 0, NULL);
    const char *code = json_string_value(json_object_get(json_object_get(j, "error"), "code"));
    if (!code || !json_is_string(json_object_get(json_object_get(j, "error"), "message")))
        fail("an answer without {\"error\":{\"code\",\"message\"}}", rs->body.data);
    static const struct {
        int status;
        const char *code;
    } known[] = {
        {401, "unauthenticated"}, {401, "session_expired"},       {403, "csrf_failed"},
        {403, "forbidden"},       {403, "password_change_required"}, {404, "not_found"},
        {405, "method_not_allowed"}, {413, "body_too_large"},
    };
    bool ok = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok |= known[i].status == rs->status && strcmp(known[i].code, code) == 0;
    if (!ok)
        fail("an answer the gate does not give", rs->body.data);
    if (strcmp(code, "forbidden") == 0) {
        audit_page p;
        audit_filter f = {.limit = 1};
        if (store_audit_list(A.db, &f, &p) || p.n != 1 || strcmp(p.items[0].action, "denied") != 0)
            fail("a 403 forbidden that was not audited", NULL);
        audit_page_release(&p);
    }
    json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The five lines, NUL-terminated copies; the rest is the body. */
    char *copy = malloc(size + 1), *field[NFIELDS] = {0};
    memcpy(copy, data, size);
    copy[size] = '\0';
    char *p = copy, *end = copy + size;
    for (int i = 0; i < NFIELDS; i++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        field[i] = p;
        if (!nl) {
            p = end;
            for (i++; i < NFIELDS; i++)
                field[i] = end;
            break;
        }
        *nl = '\0';
        p = nl + 1;
    }
    char cookie[200], auth[200], csrf[200];
    expand(field[3], NULL, cookie, sizeof cookie);
    expand(field[2], NULL, auth, sizeof auth);
    expand(field[4], cookie, csrf, sizeof csrf);

    fz_request r;
    fz_request_init(&r, field[0], field[1], p, (size_t)(end - p));
    r.http.body_limit = BODY_LIMIT;
    r.http.body_too_large = (size_t)(end - p) > BODY_LIMIT;
    /* Another address each time, as in the other harnesses. */
    snprintf(r.http.client, sizeof r.http.client, "10.%lu.%lu.%lu", (runs >> 16) & 255, (runs >> 8) & 255, runs & 255);
    if (*auth)
        fz_header(&r, "Authorization", auth);
    if (*cookie)
        fz_cookie(&r, SESSION_COOKIE, cookie);
    if (*csrf)
        fz_header(&r, SESSION_CSRF_HEADER, csrf);

    http_resp rs = {.status = 200, .content_type = "application/json; charset=utf-8"};
    buf_init(&rs.body);
    hit = -1;
    csrf_sent = *csrf ? csrf : NULL;
    api_router_dispatch(&A, table, &r.http, &rs);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz_router: %s %s → %d %s %.*s\n", field[0], field[1], rs.status,
                hit >= 0 ? table[hit].pattern : "", (int)rs.body.len, rs.body.data);
    if (hit >= 0) {
        if (rs.status != 204)
            fail("a handler's answer was changed", NULL);
    } else {
        check_refused(&rs);
    }
    http_resp_release(&rs);
    fz_request_release(&r);
    free(copy);
    if (++runs % RESET_AFTER == 0) {
        fz_close(&A);
        open_fixture();
    }
    return 0;
}
