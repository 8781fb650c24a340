/* auth: sign-in (throttled per address and name), sign-out, the caller, password change. API tokens are in tokens.c. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/live.h"
#include "core/workflow.h"
#include "sec/auth.h"
#include "sec/password.h"
#include "sec/authcache.h"
#include "sec/ratelimit.h"
#include "sec/session.h"
#include "util/log.h"
#include "util/timeutil.h"

/*
 * Sign-in is limited per client address (LOGIN_PER_MINUTE) and throttled per
 * pair of client address and name tried (core/throttle.h; the settings
 * login-max-failures, login-delay and login-lockout): after a few failures
 * that address waits, longer after each further failure, before it may try
 * that name again. Other addresses are not held up, so nobody can lock a
 * user out. A name that exists and one that does not are answered alike —
 * the same statuses and bodies after the same password hash work and the
 * same writes — so the answers do not tell which names exist. While a pair
 * waits its password is not even checked, so guessing gains nothing.
 */
enum { LOGIN_PER_MINUTE = 60 };

static void user_subject(int64_t id, char out[32])
{
    snprintf(out, 32, "user:%lld", (long long)id);
}

static void throttled(http_resp *rs, int64_t wait)
{
    char retry[24];
    snprintf(retry, sizeof retry, "%lld", (long long)wait);
    http_set_header(rs, "Retry-After", retry);
    /* The code is the one clients know; the English ends as it always has
     * ("… locked for N more seconds"), which the UI reads. */
    api_error(rs, 429, "account_locked", NULL, "登录失败次数过多，请 %lld 秒后再从此地址登录该账号 (too many failed "
              "sign-ins with this user name from this address: locked for %lld more seconds)", (long long)wait,
              (long long)wait);
}

/* A failed attempt (a wrong password, an unknown or inactive name): count it
 * for the pair, answer 401, or 429 when this failure made the pair wait. */
static void count_failure(app *a, api_req *rq, http_resp *rs, const char *account, const char *username,
                          const char *subject, int64_t now)
{
    const throttle_rule *r = &session_get()->login;
    throttle_state st;
    int rc = store_throttle_record(a->db, rq->client, account, r, false, now, &st);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    if (throttle_wait(&st, now) == 0) {
        api_error(rs, 401, "unauthenticated", NULL, "用户名或密码错误 (wrong user name or password)");
        return;
    }
    json_t *detail = json_pack("{s:s,s:I,s:I}", "username", username, "failures", (json_int_t)st.failures, "seconds",
                               (json_int_t)throttle_wait(&st, now));
    api_audit_as(a, rq, 0, "lockout", subject, detail);
    json_decref(detail);
    throttled(rs, throttle_wait(&st, now));
}

void h_login(app *a, api_req *rq, http_resp *rs)
{
    static const char *const members[] = {"username", "password", NULL};
    json_t *in = api_body(rq, rs, members);
    if (!in)
        return;
    const char *username = json_string_value(json_object_get(in, "username"));
    const char *password = json_string_value(json_object_get(in, "password"));
    user u = {0};
    char *pwhash = NULL;
    json_t *detail = NULL;
    char subject[32], account[33];
    /* No account has a longer name (users are made with at most 64), and the
     * name tried goes into the audit log. */
    if (!username || !*username || strlen(username) > 64) {
        api_error(rs, 422, "validation_failed", "username", "username: 必填，最多 64 字符 (required, ≤ 64 characters)");
        goto out;
    }
    if (!password || !*password || strlen(password) > 1024) {
        api_error(rs, 422, "validation_failed", "password", "password: 必填，最多 1024 字符 (required, ≤ 1024 characters)");
        goto out;
    }
    int64_t now = time_now();
    if (!ratelimit_hit("login-ip", rq->client, LOGIN_PER_MINUTE, 60, now)) {
        http_set_header(rs, "Retry-After", "60");
        api_error(rs, 429, "rate_limited", NULL, "登录尝试过于频繁，请稍后再试 (too many attempts; wait a minute)");
        goto out;
    }
    int rc = store_user_get(a->db, username, 0, &u, &pwhash);
    if (rc && rc != STORE_NOTFOUND) {
        api_store_error(rs, rc);
        goto out;
    }
    bool known = rc == 0;
    user_subject(u.id, subject);
    auth_account_key(username, account);
    throttle_state st;
    if ((rc = store_throttle_get(a->db, rq->client, account, &st))) {
        api_store_error(rs, rc);
        goto out;
    }
    detail = json_pack("{s:s}", "username", username);
    if (throttle_wait(&st, now) > 0) {
        json_object_set_new(detail, "reason", json_string("locked"));
        api_audit_as(a, rq, 0, "login_failed", known ? subject : NULL, detail);
        throttled(rs, throttle_wait(&st, now));
        goto out;
    }
    /* An unknown name costs the same hash work as a wrong password. */
    bool pw_ok = auth_check_password(known ? pwhash : auth_dummy_hash(), password) && known;
    if (!pw_ok || !u.active) {
        log_info("login failed for a user name from %s", rq->client);
        api_audit_as(a, rq, 0, "login_failed", known ? subject : NULL, detail);
        count_failure(a, rq, rs, account, username, known ? subject : NULL, now);
        goto out;
    }
    if (st.failures && (rc = store_throttle_record(a->db, rq->client, account, &session_get()->login, true, now, NULL))) {
        api_store_error(rs, rc);
        goto out;
    }
    const session_config *cfg = session_get();
    char secret[80], csrf[48], cookie[200];
    /* No stored expiry: the idle and absolute timeouts of the settings apply
     * when the session is presented (sec/session.h), so changing them
     * applies to the sessions already open. */
    token t = {.user_id = u.id, .kind = 's', .created_at = now, .expires_at = 0, .last_used_at = now};
    auth_new_token('s', secret, sizeof secret, t.hash);
    rc = store_token_add(a->db, &t);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    api_audit_as(a, rq, u.id, "login", subject, NULL);
    session_csrf(secret, csrf, sizeof csrf);
    session_cookie(cfg, secret, cookie, sizeof cookie);
    http_set_header(rs, "Set-Cookie", cookie);
    http_set_header(rs, "Cache-Control", "no-store");
    api_json(rs, 200, json_pack("{s:s,s:s,s:o,s:I,s:o}", "token", secret, "csrf_token", csrf, "expires_at",
                                api_time(a, now + cfg->absolute), "idle_timeout", (json_int_t)cfg->idle, "user",
                                api_user_json(a, &u)));
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(cookie, sizeof cookie);
out:
    free(pwhash);
    user_release(&u);
    json_decref(detail);
    json_decref(in);
}

void h_logout(app *a, api_req *rq, http_resp *rs)
{
    authcache_forget(rq->tok.hash);
    int rc = store_token_delete(a->db, rq->tok.hash, 0);
    if (rc && rc != STORE_NOTFOUND) {
        api_store_error(rs, rc);
        return;
    }
    /* The live streams of this session end now (those on other nodes at their next heartbeat). */
    if (a->live)
        live_end_token(a->live, rq->tok.id);
    char subject[32], cookie[200];
    user_subject(rq->who.id, subject);
    api_audit(a, rq, "logout", subject, NULL);
    session_cookie(session_get(), NULL, cookie, sizeof cookie);
    http_set_header(rs, "Set-Cookie", cookie);
    rs->status = 204;
}

void h_me(app *a, api_req *rq, http_resp *rs)
{
    json_t *j = api_user_json(a, &rq->who);
    /* A page reloaded in the browser has the cookie but lost the CSRF token. */
    if (rq->cookie_auth) {
        char csrf[48];
        session_csrf(rq->cookie_secret, csrf, sizeof csrf);
        json_object_set_new(j, "csrf_token", json_string(csrf));
        http_set_header(rs, "Cache-Control", "no-store");
    }
    api_json(rs, 200, j);
}

void h_password(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"old_password", "new_password", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    const char *old = json_string_value(json_object_get(in, "old_password"));
    const char *new = json_string_value(json_object_get(in, "new_password"));
    user u = {0};
    char *pwhash = NULL;
    const char *why;
    char hash[256];
    if (!old || !new) {
        api_error(rs, 422, "validation_failed", old ? "new_password" : "old_password", "%s: 必填 (required)",
                  old ? "new_password" : "old_password");
        goto out;
    }
    if (password_ok(new, rq->who.username, &why)) {
        api_error(rs, 422, "validation_failed", "new_password", "new_password: %s", why);
        goto out;
    }
    if (strcmp(old, new) == 0) {
        api_error(rs, 422, "validation_failed", "new_password",
                  "new_password: 新密码不能与原密码相同 (must differ from the old one)");
        goto out;
    }
    if (store_user_get(a->db, NULL, rq->who.id, &u, &pwhash) || !auth_check_password(pwhash, old)) {
        api_error(rs, 422, "validation_failed", "old_password", "old_password: 原密码不正确 (wrong password)");
        goto out;
    }
    if (auth_hash_password(new, hash, sizeof hash)) {
        api_error(rs, 500, "internal", NULL, "cannot hash the password");
        goto out;
    }
    int rc = store_user_set_password(a->db, u.id, hash, false);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    /* Whoever else holds a session of this user (a stolen one too) is out;
     * the caller's own session goes on, no longer asked to change. */
    rc = store_token_delete_sessions(a->db, u.id, rq->tok.kind == 's' ? rq->tok.id : 0);
    authcache_clear();
    if (rc)
        log_warn("password change of user %lld: the other sessions could not be revoked", (long long)u.id);
    char subject[32];
    user_subject(u.id, subject);
    json_t *detail = json_pack("{s:b}", "forced", u.must_change_password);
    api_audit(a, rq, "password_change", subject, detail);
    json_decref(detail);
    rs->status = 204;
out:
    free(pwhash);
    user_release(&u);
    json_decref(in);
}
