/*
 * server: libmicrohttpd glue, static files, security headers, the client's
 * address and the response counters — the transport of http.h.
 *
 * A request goes: access callback (first call: static file, or allocate the
 * API request; further calls: append body up to max_body, remembering
 * overflow) → final call: the handler given to http_serve (the API router,
 * which authorises and dispatches) → response with the security headers
 * every response carries. Nothing here knows users, routes or the store.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "util/xalloc.h"

http_metrics http_stats;

typedef struct server {
    const http_options *opt;
    http_handler handler;
    void *ctx;
} server;

/* http_req's lookup over a libmicrohttpd connection. */
static const char *lookup(void *conn, enum http_part part, const char *key)
{
    static const enum MHD_ValueKind kinds[] = {
        [HTTP_QUERY] = MHD_GET_ARGUMENT_KIND,
        [HTTP_HEADER] = MHD_HEADER_KIND,
        [HTTP_COOKIE] = MHD_COOKIE_KIND,
    };
    return MHD_lookup_connection_value(conn, kinds[part], key);
}

static void req_free(http_req *rq)
{
    buf_release(&rq->body);
    free(rq);
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
        rq->lookup = lookup;
        rq->conn = conn;
        rq->body_limit = sv->opt->max_body;
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
    sv->handler(sv->ctx, rq, &rs);
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

int http_serve(const http_options *opt, http_handler handler, void *ctx)
{
    struct sockaddr_in sa;
    if (parse_listen(opt->listen, &sa)) {
        log_error("cannot parse listen address \"%s\" (expected HOST:PORT)", opt->listen);
        return -1;
    }
    server sv = {opt, handler, ctx};
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
