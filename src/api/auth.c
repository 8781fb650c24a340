/* auth: sign-in, sign-out, the caller, password change, API tokens. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/workflow.h"
#include "sec/auth.h"
#include "sec/authcache.h"
#include "sec/ratelimit.h"
#include "util/log.h"
#include "util/timeutil.h"

/* Session lifetime: 12 hours. */
enum { SESSION_TTL = 12 * 3600, LOGIN_PER_MINUTE = 60 };

void h_login(app *a, http_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs);
    if (!in)
        return;
    const char *username = json_string_value(json_object_get(in, "username"));
    const char *password = json_string_value(json_object_get(in, "password"));
    user u = {0};
    char *pwhash = NULL;
    if (!username || !*username) {
        api_error(rs, 422, "validation_failed", "username", "username: 必填 (required)");
        goto out;
    }
    if (!password || !*password) {
        api_error(rs, 422, "validation_failed", "password", "password: 必填 (required)");
        goto out;
    }
    int64_t now = time_now();
    if (!ratelimit_hit("login-ip", rq->client, LOGIN_PER_MINUTE, 60, now)) {
        http_set_header(rs, "Retry-After", "60");
        api_error(rs, 429, "rate_limited", NULL, "登录尝试过于频繁，请稍后再试 (too many attempts; wait a minute)");
        goto out;
    }
    int rc = a->db->ops->user_get(a->db, username, 0, &u, &pwhash);
    if (rc && rc != STORE_NOTFOUND) {
        api_store_error(rs, rc);
        goto out;
    }
    /* Unknown users cost the same as wrong passwords, and get the same answer. */
    static const char dummy[] = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                                "9Bpy5yfP0vM4j6mGJ5v2ZbqgC+3cV8t7b7q8s1kqg7Q";
    bool ok = auth_check_password(pwhash ? pwhash : dummy, password) && rc == 0 && u.active;
    if (!ok) {
        log_info("login failed for a user name from %s", rq->client);
        char subject[32];
        snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
        json_t *detail = json_pack("{s:s}", "username", username);
        api_audit_as(a, rq, 0, "login_failed", rc == 0 ? subject : NULL, detail);
        json_decref(detail);
        api_error(rs, 401, "unauthenticated", NULL, "用户名或密码错误 (wrong user name or password)");
        goto out;
    }
    char secret[80];
    token t = {.user_id = u.id, .kind = 's', .created_at = now, .expires_at = now + SESSION_TTL};
    auth_new_token('s', secret, sizeof secret, t.hash);
    rc = a->db->ops->token_add(a->db, &t);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
    api_audit_as(a, rq, u.id, "login", subject, NULL);
    api_json(rs, 200, json_pack("{s:s,s:o,s:o}", "token", secret, "expires_at", api_time(a, t.expires_at), "user",
                                api_user_json(a, &u)));
    sodium_memzero(secret, sizeof secret);
out:
    free(pwhash);
    user_release(&u);
    json_decref(in);
}

void h_logout(app *a, http_req *rq, http_resp *rs)
{
    authcache_forget(rq->tok.hash);
    int rc = a->db->ops->token_delete(a->db, rq->tok.hash, 0);
    if (rc && rc != STORE_NOTFOUND) {
        api_store_error(rs, rc);
        return;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "user:%lld", (long long)rq->who.id);
    api_audit(a, rq, "logout", subject, NULL);
    rs->status = 204;
}

void h_me(app *a, http_req *rq, http_resp *rs)
{
    api_json(rs, 200, api_user_json(a, &rq->who));
}

void h_password(app *a, http_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs);
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
    if (auth_password_ok(new, &why)) {
        api_error(rs, 422, "validation_failed", "new_password", "new_password: %s", why);
        goto out;
    }
    if (a->db->ops->user_get(a->db, NULL, rq->who.id, &u, &pwhash) || !auth_check_password(pwhash, old)) {
        api_error(rs, 422, "validation_failed", "old_password", "old_password: 原密码不正确 (wrong password)");
        goto out;
    }
    if (auth_hash_password(new, hash, sizeof hash)) {
        api_error(rs, 500, "internal", NULL, "cannot hash the password");
        goto out;
    }
    int rc = a->db->ops->user_set_password(a->db, u.id, hash, false);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
    api_audit(a, rq, "password_change", subject, NULL);
    rs->status = 204;
out:
    free(pwhash);
    user_release(&u);
    json_decref(in);
}

void h_tokens_create(app *a, http_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs);
    if (!in)
        return;
    const char *name = json_string_value(json_object_get(in, "name"));
    const char *username = json_string_value(json_object_get(in, "username"));
    user u = {0};
    if (!name || !*name || strlen(name) > 100) {
        api_error(rs, 422, "validation_failed", "name", "name: 必填，最多 100 字符 (required, ≤ 100 characters)");
        goto out;
    }
    int rc = a->db->ops->user_get(a->db, username ? username : rq->who.username, 0, &u, NULL);
    if (rc) {
        api_error(rs, 422, "validation_failed", "username", "username: 用户不存在 (unknown user)");
        goto out;
    }
    char secret[80];
    token t = {.user_id = u.id, .kind = 't', .name = (char *)name, .created_at = time_now(), .expires_at = 0};
    auth_new_token('t', secret, sizeof secret, t.hash);
    rc = a->db->ops->token_add(a->db, &t);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "token:%lld", (long long)t.id);
    json_t *detail = json_pack("{s:s,s:s}", "name", name, "username", u.username);
    api_audit(a, rq, "token_create", subject, detail);
    json_decref(detail);
    api_json(rs, 201, json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)t.id, "name", name, "username", u.username,
                                "token", secret));
    sodium_memzero(secret, sizeof secret);
out:
    user_release(&u);
    json_decref(in);
}

void h_tokens_list(app *a, http_req *rq, http_resp *rs)
{
    (void)rq;
    token_list l = {0};
    int rc = a->db->ops->token_list(a->db, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)l.items[i].id, "name",
                                               l.items[i].name ? l.items[i].name : "", "user",
                                               api_user_ref(a, l.items[i].user_id), "created_at",
                                               api_time(a, l.items[i].created_at)));
    token_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

void h_tokens_delete(app *a, http_req *rq, http_resp *rs)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    if (*end) {
        api_error(rs, 404, "not_found", NULL, "令牌不存在 (no such token)");
        return;
    }
    int rc = a->db->ops->token_delete(a->db, NULL, id);
    authcache_clear(); /* only the hash is cached; forget them all */
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "令牌不存在 (no such token)");
    else if (rc)
        api_store_error(rs, rc);
    else {
        char subject[32];
        snprintf(subject, sizeof subject, "token:%lld", id);
        api_audit(a, rq, "token_revoke", subject, NULL);
        rs->status = 204;
    }
}
