/*
 * server: libmicrohttpd glue, routing, static files, security headers.
 *
 * A request goes: access callback (first call: allocate the request; further
 * calls: append body up to max_body, remembering overflow) → final call:
 * route → authenticate (bearer token) → role check → handler → response
 * with the security headers every response carries.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sodium.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "app/app.h"
#include "sec/auth.h"
#include "sec/authcache.h"
#include "sec/session.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

http_metrics http_stats;

typedef struct server {
    app *a;
    const route *routes;
    const http_options *opt;
} server;

const char *http_query(const http_req *rq, const char *key)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *http_header(const http_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(const http_req *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

static void req_free(http_req *rq)
{
    buf_release(&rq->body);
    for (int i = 0; i < MAX_PARAMS; i++)
        free(rq->params[i]);
    user_release(&rq->who);
    free(rq);
}

/* Matches path against pattern, capturing {x} segments into rq->params. */
static bool match(const char *pattern, const char *path, http_req *rq)
{
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *end = strchr(s, '/');
            size_t n = end ? (size_t)(end - s) : strlen(s);
            if (n == 0 || np == MAX_PARAMS)
                goto no;
            free(rq->params[np]);
            rq->params[np++] = xstrndup(s, n);
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
    for (int i = 0; i < np; i++) {
        free(rq->params[i]);
        rq->params[i] = NULL;
    }
    return false;
}

static void security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'");
}

static enum MHD_Result http_send(struct MHD_Connection *conn, http_resp *rs)
{
    size_t len;
    char *body = buf_detach(&rs->body, &len);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    security_headers(r);
    if (rs->content_type)
        MHD_add_response_header(r, "Content-Type", rs->content_type);
    for (int i = 0; i < rs->nheaders; i++)
        MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
    int cls = rs->status / 100;
    if (cls >= 1 && cls <= 5)
        atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.requests[cls], 1, memory_order_relaxed);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- static files (the built web UI) ------------------------------------ */

static const char *mime(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".ico", "image/x-icon"},
        {".json", "application/json"},         {".woff2", "font/woff2"},
        {".woff", "font/woff"},                {".ttf", "font/ttf"},
        {".txt", "text/plain; charset=utf-8"}, {".map", "application/json"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

static enum MHD_Result serve_file(struct MHD_Connection *conn, const char *fs_path, const char *cache)
{
    int fd = open(fs_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return MHD_NO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return MHD_NO;
    }
    struct MHD_Response *r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    security_headers(r);
    MHD_add_response_header(r, "Content-Type", mime(fs_path));
    MHD_add_response_header(r, "Cache-Control", cache);
    atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.requests[2], 1, memory_order_relaxed);
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result serve_static(server *sv, struct MHD_Connection *conn, const char *url)
{
    const char *root = sv->opt->web_root;
    if (strstr(url, "..") || strlen(url) > 512)
        url = "/";
    char path[1024];
    if (strcmp(url, "/") != 0) {
        snprintf(path, sizeof path, "%s%s", root, url);
        bool hashed = strncmp(url, "/assets/", 8) == 0;
        if (serve_file(conn, path, hashed ? "public, max-age=31536000, immutable" : "no-cache") == MHD_YES)
            return MHD_YES;
    }
    /* Unknown paths get the single-page app; it routes on the client. */
    snprintf(path, sizeof path, "%s/index.html", root);
    if (serve_file(conn, path, "no-cache") == MHD_YES)
        return MHD_YES;
    http_resp rs = {.status = 200, .content_type = "text/html; charset=utf-8"};
    buf_init(&rs.body);
    buf_puts(&rs.body, "<!doctype html><meta charset=utf-8><title>Redress</title>"
                       "<p>Redress is running. The web UI is not built (run <code>make web</code>); "
                       "the API is at <a href=\"/api/v1/health\">/api/v1/health</a>.</p>");
    return http_send(conn, &rs);
}

/* ---- dispatch ------------------------------------------------------------ */

/* Finds the caller of a token hash, through the cache unless fresh. */
static bool find_token(app *a, const uint8_t hash[32], int64_t now, bool fresh, http_req *rq)
{
    user_release(&rq->who);
    if (!fresh && authcache_get(hash, now, &rq->tok, &rq->who))
        return true;
    if (a->db->ops->token_find(a->db, hash, now, &rq->tok, &rq->who) != 0)
        return false;
    authcache_put(&rq->tok, &rq->who, now);
    return true;
}

/* A session whose time is up: revoke it and record why (once, by whoever revokes it). */
static void expire(app *a, http_req *rq, enum session_state why)
{
    authcache_forget(rq->tok.hash);
    if (a->db->ops->token_delete(a->db, rq->tok.hash, 0) == 0) {
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
static void authenticate(app *a, http_req *rq)
{
    const char *h = http_header(rq, "Authorization");
    const char *secret = NULL;
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        secret = h + 7;
    } else if ((secret = http_cookie(rq, SESSION_COOKIE)) && *secret && strlen(secret) < sizeof rq->cookie_secret) {
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
    if (session_should_touch(cfg, &rq->tok, now) && a->db->ops->token_touch(a->db, rq->tok.id, now) == 0) {
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
static void deny(app *a, http_req *rq, http_resp *rs, const route *hit)
{
    char subject[160];
    snprintf(subject, sizeof subject, "endpoint:%s %s", hit->method, hit->pattern);
    json_t *detail = json_pack("{s:s,s:s}", "method", rq->method, "path", rq->path);
    api_audit(a, rq, "denied", subject, detail);
    json_decref(detail);
    api_error(rs, 403, "forbidden", NULL, "您的角色无权访问 (your role may not do this)");
}

static void dispatch(server *sv, http_req *rq, http_resp *rs)
{
    const route *hit = NULL;
    bool path_known = false;
    for (const route *r = sv->routes; r->method; r++) {
        if (!match(r->pattern, rq->path, rq))
            continue;
        path_known = true;
        if (strcmp(r->method, rq->method) == 0) {
            hit = r;
            break;
        }
    }
    if (!hit) {
        if (path_known)
            api_error(rs, 405, "method_not_allowed", NULL, "该地址不支持此方法 (method not allowed)");
        else
            api_error(rs, 404, "not_found", NULL, "没有这个接口 (no such endpoint)");
        return;
    }
    if (rq->body_too_large) {
        api_error(rs, 413, "body_too_large", NULL, "请求体过大，上限 %zu 字节 (body too large)", sv->opt->max_body);
        return;
    }
    if (hit->auth == AUTH_USER || hit->auth == AUTH_SELF) {
        authenticate(sv->a, rq);
        if (!rq->authed && rq->expired) {
            api_error(rs, 401, "session_expired", NULL, "登录已超时，请重新登录 (the session has expired; sign in again)");
            return;
        }
        if (!rq->authed) {
            api_error(rs, 401, "unauthenticated", NULL, "请先登录 (sign in first: missing, unknown or expired token)");
            return;
        }
        /* A cookie is sent by the browser on its own; the header proves the
         * page that sends it was ours. */
        if (rq->cookie_auth && unsafe_method(rq->method) &&
            !session_csrf_ok(rq->cookie_secret, http_header(rq, SESSION_CSRF_HEADER))) {
            api_error(rs, 403, "csrf_failed", NULL,
                      "缺少或错误的 CSRF 令牌 (missing or wrong " SESSION_CSRF_HEADER " header for a cookie session)");
            return;
        }
        if (rq->who.must_change_password && hit->auth != AUTH_SELF) {
            api_error(rs, 403, "password_change_required", NULL,
                      "请先修改密码 (change your password first: POST /api/v1/auth/password)");
            return;
        }
        if (hit->roles && !(rq->who.roles & hit->roles)) {
            deny(sv->a, rq, rs, hit);
            return;
        }
        /* Auditors read everything in their scope and change nothing. */
        if ((rq->who.roles & R_AUDITOR) && unsafe_method(rq->method) && hit->auth != AUTH_SELF) {
            deny(sv->a, rq, rs, hit);
            return;
        }
    }
    app_enter(sv->a); /* the request works under one configuration */
    hit->handler(sv->a, rq, rs);
    app_leave(sv->a);
}

/* Whether addr is one of the comma-separated list. */
static bool listed(const char *list, const char *addr)
{
    size_t n = strlen(addr);
    for (const char *p = list; p && *p;) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, " ,");
        if (len == n && strncmp(p, addr, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/*
 * Behind a trusted reverse proxy the client is the last address the proxy
 * appended to X-Forwarded-For (earlier ones come from the client and prove
 * nothing). It replaces rq->client only when it parses as an address.
 */
static void forwarded_client(http_req *rq, const char *trusted)
{
    if (!trusted || !*trusted || !listed(trusted, rq->client))
        return;
    const char *xff = http_header(rq, "X-Forwarded-For");
    if (!xff)
        return;
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    last += strspn(last, " ");
    char addr[64];
    snprintf(addr, sizeof addr, "%.*s", (int)strcspn(last, " "), last);
    unsigned char bin[16];
    if (inet_pton(AF_INET, addr, bin) == 1 || inet_pton(AF_INET6, addr, bin) == 1)
        snprintf(rq->client, sizeof rq->client, "%s", addr);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    server *sv = cls;
    http_req *rq = *con_cls;
    if (!rq) {
        if (strncmp(url, "/api/", 5) != 0 && strcmp(url, "/metrics") != 0) {
            if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
                return MHD_NO;
            return serve_static(sv, conn, url);
        }
        rq = xcalloc(1, sizeof *rq);
        rq->method = method;
        rq->path = url;
        rq->conn = conn;
        buf_init(&rq->body);
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > sv->opt->max_body)
            rq->body_too_large = true;
        *con_cls = rq;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!rq->body_too_large && rq->body.len + *upload_data_size <= sv->opt->max_body)
            buf_append(&rq->body, upload_data, *upload_data_size);
        else
            rq->body_too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    const char *lang = http_header(rq, "Accept-Language");
    rq->en = lang && strncasecmp(lang, "en", 2) == 0;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, rq->client, sizeof rq->client);
    forwarded_client(rq, sv->opt->trusted_proxies);

    http_resp rs = {.status = 200, .content_type = "application/json; charset=utf-8"};
    buf_init(&rs.body);
    dispatch(sv, rq, &rs);
    enum MHD_Result ret = http_send(conn, &rs);
    http_resp_release(&rs);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    if (*con_cls)
        req_free(*con_cls);
    *con_cls = NULL;
}

static int parse_listen(const char *listen, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return -1;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port <= 0 || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        snprintf(host, sizeof host, "127.0.0.1");
    if (inet_pton(AF_INET, host[0] ? host : "0.0.0.0", &sa->sin_addr) != 1)
        return -1;
    return 0;
}

/*
 * Each connection's buffer for the request line, headers and body chunks
 * (bodies are copied out as they arrive). libmicrohttpd zeroes all of it
 * after every request: its default of 32 KiB cost 50,000 instructions a
 * request, more than parsing the request. 16 KiB still holds headers twice
 * the size of nginx's default limit (8 KiB).
 */
enum { CONNECTION_MEMORY = 16 << 10 };

int http_serve(app *a, const route *routes, const http_options *opt)
{
    struct sockaddr_in sa;
    if (parse_listen(opt->listen, &sa)) {
        log_error("cannot parse listen address \"%s\" (expected HOST:PORT)", opt->listen);
        return -1;
    }
    server sv = {a, routes, opt};
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Block the signals before MHD starts its threads, so only sigwait sees them. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    /*
     * A handler blocks while its write waits for the group commit. In a
     * thread pool each worker serves several connections, which then wait
     * behind it: eight clients on sixteen workers were served by four, two
     * by two. So by default every connection has a thread of its own
     * (threads = 0); a fixed pool of N workers stays available.
     */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
                     (opt->threads ? MHD_USE_EPOLL : MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, opt->threads, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_CONNECTION_LIMIT,
        4096u, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv, MHD_OPTION_END);
    if (!d) {
        log_error("cannot listen on %s: %s", opt->listen, strerror(errno));
        return -1;
    }
    if (opt->threads)
        log_info("listening on http://%s (%u threads)", opt->listen, opt->threads);
    else
        log_info("listening on http://%s (a thread per connection)", opt->listen);
    int sig;
    sigwait(&set, &sig);
    log_info("signal %d: stopping", sig);
    MHD_stop_daemon(d);
    return 0;
}
