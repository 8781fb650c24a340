/*
 * router: the API's one authorisation point (router.h has the order of the
 * checks). The transport calls api_router_dispatch for each API request;
 * nothing here knows libmicrohttpd, and no handler runs before the checks
 * its route asks for have passed.
 */
#include "api/router.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/workflow.h"
#include "sec/auth.h"
#include "sec/authcache.h"
#include "sec/session.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void api_req_init(api_req *rq, http_req *hr)
{
    memset(rq, 0, sizeof *rq);
    rq->http = hr;
    rq->method = hr->method;
    rq->path = hr->path;
    rq->body.data = hr->body.data;
    rq->body.len = hr->body.len;
    rq->en = hr->en;
    rq->client = hr->client;
}

void api_req_release(api_req *rq)
{
    for (int i = 0; i < MAX_PARAMS; i++) {
        free(rq->params[i]);
        rq->params[i] = NULL;
    }
    user_release(&rq->who);
    sodium_memzero(rq->cookie_secret, sizeof rq->cookie_secret);
}

/* Matches path against pattern, capturing {x} segments into rq->params (rq NULL: none captured). */
static bool match(const char *pattern, const char *path, api_req *rq)
{
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *end = strchr(s, '/');
            size_t n = end ? (size_t)(end - s) : strlen(s);
            if (n == 0 || np == MAX_PARAMS)
                goto no;
            if (rq) {
                free(rq->params[np]);
                rq->params[np] = xstrndup(s, n);
            }
            np++;
            s += n;
            p = strchr(p, '}') + 1;
            continue;
        }
        if (*p != *s)
            goto no;
        p++, s++;
    }
    if (*p == '\0' && (*s == '\0' || (s[0] == '/' && s[1] == '\0')))
        return true;
no:
    for (int i = 0; rq && i < np; i++) {
        free(rq->params[i]);
        rq->params[i] = NULL;
    }
    return false;
}

/* Finds the caller of a token hash, through the cache unless fresh. */
static bool find_token(app *a, const uint8_t hash[32], int64_t now, bool fresh, api_req *rq)
{
    user_release(&rq->who);
    if (!fresh && authcache_get(hash, now, &rq->tok, &rq->who))
        return true;
    if (store_token_find(a->db, hash, now, &rq->tok, &rq->who) != 0)
        return false;
    authcache_put(&rq->tok, &rq->who, now);
    return true;
}

/* A session whose time is up: revoke it and record why (once, by whoever revokes it). */
static void expire(app *a, api_req *rq, enum session_state why)
{
    authcache_forget(rq->tok.hash);
    if (store_token_delete(a->db, rq->tok.hash, 0) == 0) {
        char subject[32];
        snprintf(subject, sizeof subject, "user:%lld", (long long)rq->who.id);
        json_t *detail = json_pack("{s:s}", "reason", why == SESSION_IDLE ? "idle" : "absolute");
        api_audit_as(a, rq, rq->who.id, "session_expired", subject, detail);
        json_decref(detail);
    }
    rq->expired = true;
}

/*
 * Authenticates by "Authorization: Bearer" or else by the session cookie
 * (sessions only: an API token in a cookie is ignored). Applies the idle and
 * absolute timeouts and records the session's use.
 */
static void authenticate(app *a, api_req *rq)
{
    const char *h = http_header(rq->http, "Authorization");
    const char *secret = NULL;
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        secret = h + 7;
    } else if ((secret = http_cookie(rq->http, SESSION_COOKIE)) && *secret &&
               strlen(secret) < sizeof rq->cookie_secret) {
        rq->cookie_auth = true;
        snprintf(rq->cookie_secret, sizeof rq->cookie_secret, "%s", secret);
    } else {
        return;
    }
    uint8_t hash[32];
    int64_t now = time_now();
    auth_token_hash(secret, hash);
    if (!find_token(a, hash, now, false, rq) || (rq->cookie_auth && rq->tok.kind != 's'))
        goto no;
    const session_config *cfg = session_get();
    enum session_state st = session_check(cfg, &rq->tok, now);
    /* The cached last use may be older than another node's: ask the store. */
    if (st == SESSION_IDLE && !find_token(a, hash, now, true, rq))
        goto no;
    if ((st = session_check(cfg, &rq->tok, now)) != SESSION_OK) {
        expire(a, rq, st);
        goto no;
    }
    if (session_should_touch(cfg, &rq->tok, now) && store_token_touch(a->db, rq->tok.id, now) == 0) {
        rq->tok.last_used_at = now;
        authcache_put(&rq->tok, &rq->who, now);
    }
    if (rq->tok.kind == 't') {
        /* An API token acts with at most its roles, within its unit. */
        if (rq->tok.roles)
            rq->who.roles &= rq->tok.roles;
        if (rq->tok.unit)
            rq->who.unit = rq->tok.unit;
    }
    rq->authed = true;
    return;
no:
    user_release(&rq->who);
    rq->cookie_auth = false;
    sodium_memzero(rq->cookie_secret, sizeof rq->cookie_secret);
}

static bool unsafe_method(const char *m)
{
    return strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0 && strcmp(m, "OPTIONS") != 0;
}

/* A role check failed: 403, and a "denied" entry in the audit log. */
static void deny(app *a, api_req *rq, http_resp *rs)
{
    api_audit_denied(a, rq, NULL, NULL, NULL, 0);
    api_error(rs, 403, "forbidden", NULL, "您的角色无权访问 (your role may not do this)");
}

/*
 * A handler answered 403 and wrote no "denied" entry (a refusal of
 * core/reach.h or of a workflow guard rendered from a cerr): the entry is
 * written here, with the field and message of the reply, about the
 * caller's unit.
 */
static void deny_after(app *a, api_req *rq, const http_resp *rs)
{
    json_t *reply = json_loadb(rs->body.data, rs->body.len, 0, NULL);
    const json_t *err = json_object_get(reply, "error");
    json_t *why = json_pack("{s:O*,s:O*}", "field", json_object_get(err, "field"), "message",
                            json_object_get(err, "message"));
    api_audit_denied(a, rq, NULL, why, NULL, 0);
    json_decref(why);
    json_decref(reply);
}

/*
 * A partner system's token (tokens.partner): only the routes it may call,
 * while its webhook is there with a channel; a request that carries a
 * signature must carry the right one, and a partner that asks for it must
 * sign every request (auth_signature_ok). Sets rq->partner_channel. True
 * when the request may go on, else the error is rendered into rs.
 */
static bool partner_allows(app *a, api_req *rq, http_resp *rs, const route *hit)
{
    webhook w = {0};
    if (!(hit->flags & ROUTE_PARTNER) || store_webhook_get(a->db, rq->tok.partner, &w) != 0 || !w.channel[0]) {
        webhook_release(&w);
        api_audit_denied(a, rq, NULL, NULL, NULL, 0);
        api_error(rs, 403, "forbidden", NULL,
                  "合作系统的令牌只能提交和查询其投诉 (a partner's token may only send complaints in and read them)");
        return false;
    }
    const char *sig = http_header(rq->http, "X-Redress-Signature");
    const char *ts = http_header(rq->http, "X-Redress-Timestamp");
    char *end = NULL;
    long long t = ts ? strtoll(ts, &end, 10) : 0;
    bool ok = sig ? ts && *ts && !*end && auth_signature_ok(w.secret, t, time_now(), rq->body.data, rq->body.len, sig)
                  : !w.signed_only;
    if (ok)
        snprintf(rq->partner_channel, sizeof rq->partner_channel, "%s", w.channel);
    webhook_release(&w);
    if (!ok)
        api_error(rs, 401, "bad_signature", NULL,
                  "签名缺失、错误或已过期 (missing, wrong or stale X-Redress-Signature: HMAC-SHA256 of "
                  "X-Redress-Timestamp + \".\" + body, within 300 s)");
    return ok;
}

/*
 * The checks of a route that needs a caller (router.h); true when the
 * handler may run, else the error is rendered into rs.
 */
static bool authorise(app *a, api_req *rq, http_resp *rs, const route *hit)
{
    authenticate(a, rq);
    if (!rq->authed && rq->expired) {
        api_error(rs, 401, "session_expired", NULL, "登录已超时，请重新登录 (the session has expired; sign in again)");
        return false;
    }
    if (!rq->authed) {
        api_error(rs, 401, "unauthenticated", NULL, "请先登录 (sign in first: missing, unknown or expired token)");
        return false;
    }
    /* A cookie is sent by the browser on its own; the header proves the
     * page that sends it was ours. */
    if (rq->cookie_auth && unsafe_method(rq->method) &&
        !session_csrf_ok(rq->cookie_secret, http_header(rq->http, SESSION_CSRF_HEADER))) {
        api_error(rs, 403, "csrf_failed", NULL,
                  "缺少或错误的 CSRF 令牌 (missing or wrong " SESSION_CSRF_HEADER " header for a cookie session)");
        return false;
    }
    if (rq->who.must_change_password && hit->auth != AUTH_SELF) {
        api_error(rs, 403, "password_change_required", NULL,
                  "请先修改密码 (change your password first: POST /api/v1/auth/password)");
        return false;
    }
    if (hit->roles && !(rq->who.roles & hit->roles)) {
        deny(a, rq, rs);
        return false;
    }
    /* Auditors read everything in their scope and change nothing. */
    if ((rq->who.roles & R_AUDITOR) && unsafe_method(rq->method) && hit->auth != AUTH_SELF) {
        deny(a, rq, rs);
        return false;
    }
    return rq->tok.kind != 't' || !rq->tok.partner[0] || partner_allows(a, rq, rs, hit);
}

bool api_router_quick(const route *routes, const char *path)
{
    for (const route *r = routes; r->method; r++)
        if (strcmp(r->method, "GET") == 0 && match(r->pattern, path, NULL))
            return !(r->flags & ROUTE_SLOW);
    return true;
}

bool api_router_streams(const route *routes, const char *method, const char *path)
{
    for (const route *r = routes; r->method; r++)
        if (strcmp(r->method, method) == 0 && match(r->pattern, path, NULL))
            return (r->flags & ROUTE_STREAM) != 0;
    return false;
}

void api_router_dispatch(app *a, const route *routes, http_req *hr, http_resp *rs)
{
    api_req rq;
    api_req_init(&rq, hr);
    const route *hit = NULL;
    bool path_known = false;
    /* HEAD is GET without the body, which the transport leaves out. */
    const char *method = strcmp(rq.method, "HEAD") == 0 ? "GET" : rq.method;
    for (const route *r = routes; r->method; r++) {
        if (!match(r->pattern, rq.path, &rq))
            continue;
        path_known = true;
        if (strcmp(r->method, method) == 0) {
            hit = r;
            break;
        }
    }
    if (!hit) {
        if (path_known)
            api_error(rs, 405, "method_not_allowed", NULL, "该地址不支持此方法 (method not allowed)");
        else
            api_error(rs, 404, "not_found", NULL, "没有这个接口 (no such endpoint)");
        goto out;
    }
    if (hr->spool_failed) {
        api_error(rs, 503, "unavailable", NULL, "暂时无法保存上传 (the upload could not be stored; retry)");
        goto out;
    }
    if (hr->body_too_large) {
        api_error(rs, 413, "body_too_large", NULL, "请求体过大，上限 %zu 字节 (body too large)", hr->body_limit);
        goto out;
    }
    rq.route = hit;
    if ((hit->auth == AUTH_USER || hit->auth == AUTH_SELF) && !authorise(a, &rq, rs, hit))
        goto out;
    assert(hit->auth == AUTH_NONE || rq.authed);
    app_enter(a); /* the request works under one configuration */
    hit->handler(a, &rq, rs);
    if (rs->status == 403 && rq.authed && !rq.denied)
        deny_after(a, &rq, rs);
    app_leave(a);
out:
    api_req_release(&rq);
}
