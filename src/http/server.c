/*
 * server: libmicrohttpd glue, static files, security headers, the client's
 * address, the limits of size and time, and the response counters — the
 * transport of http.h.
 *
 * Threads. A few I/O threads (libmicrohttpd's pool, each over its own epoll
 * set) read every connection's requests and write every reply; they never
 * wait for a client. A request for the API is handed, once its body is
 * complete, to one of a fixed number of request threads, which runs the
 * handler (it may wait for the store: a group commit, a pooled PostgreSQL
 * connection) while its connection is suspended; the I/O thread sends the
 * reply when the connection is resumed. So an idle or slow client holds a
 * socket and a little memory, never a thread, and a request waiting for the
 * store holds up no other connection. The exception: a GET or HEAD without
 * a body that waits for nothing but the CPU and takes little of it (the
 * embedded store's reads, as http_options.inline_read says) runs on the I/O
 * thread — the hand-off's wake-ups cost such a read more than the read
 * itself (docs/architecture.md, Threads).
 *
 * A connection goes through these states (conns.h keeps its deadline):
 *
 *   opened ──► HEADERS ──first call──► BODY ──final call──► HANDLING ──resume──► REPLY
 *                ▲        (headers      (up to      (queued for a      (the reply is
 *                │         complete)    max-body)    request thread)    being written)
 *                └────────────────── the request completed ◄──────────────────┘
 *
 *   HEADERS  deadline: header-timeout after the connection opened or the last reply ended
 *   BODY     deadline: body-timeout after the headers
 *   HANDLING no deadline (suspended: libmicrohttpd does not time it out)
 *   REPLY    no deadline; idle-timeout (libmicrohttpd's) ends a client that stops reading
 *
 * A live reply (http_resp.waker: Server-Sent Events) stays in REPLY for as
 * long as the page is open, alternating between writing what its reader
 * has and waiting suspended for more (stream_read); suspended, it holds no
 * thread and the idle timeout does not run. http_wake resumes it.
 *
 * A connection past its deadline is shut down (conns_expire). Before a
 * request is read further, the first call answers at once what needs no
 * handler: 503 beyond max-connections, 400 for a %00 in the URL or an
 * ambiguous length, 405 for a method outside the API other than GET and
 * HEAD, 411 for a body without Content-Length, 413 for a declared body over
 * max-body; those replies, queued on the first call, close the connection.
 * Everything else is answered on a later call, which keeps it open. Beyond
 * the per-address limit a connection is refused when it is accepted. The
 * web UI's files are served on the I/O threads, from memory (a reply made
 * once per file) or from a --web-root directory (by sendfile). Nothing here
 * knows users, routes or the store.
 */
#include "http/http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/conns.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/worker.h"
#include "util/xalloc.h"

http_metrics http_stats;

#define COUNT(field) atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.field, 1, memory_order_relaxed)

/* An API request from its first call to its completion. */
typedef struct request {
    http_req rq;
    http_resp rs;
    struct MHD_Connection *mc;
    conn *c;
    /* READING (I/O thread) → QUEUED (a request thread fills rs) → DONE (I/O thread sends rs) */
    _Atomic int state;
    struct request *next; /* in the request threads' queue */
} request;
enum { READING, QUEUED, DONE };

typedef struct server {
    const http_options *opt;
    http_handler handler;
    void *ctx;
    conns *reg;
    int64_t header_ms, body_ms;
    char keep_alive[32]; /* the Keep-Alive header every reply carries */
    /* The request threads and their queue. */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    request *head, *tail; /* under mu */
    bool stopping;        /* under mu: no more requests are queued */
    pthread_t *threads;
    unsigned nthreads;
    worker reaper; /* the thread of conns_expire */
    /* The web UI in memory: a reply made once per file of opt->files, with
     * its headers, queued as it is for every request (never copied). */
    struct MHD_Response **file_replies;
    size_t nfiles;
    /* The live replies being sent (http_waker), woken to end when the server stops. */
    pthread_mutex_t live_mu;
    http_waker *live;
    bool stopping_live; /* under live_mu: a live reply sent from now on ends at once */
} server;

/* http_req's lookup over a libmicrohttpd connection. */
static const char *lookup(void *mc, enum http_part part, const char *key)
{
    static const enum MHD_ValueKind kinds[] = {
        [HTTP_QUERY] = MHD_GET_ARGUMENT_KIND,
        [HTTP_HEADER] = MHD_HEADER_KIND,
        [HTTP_COOKIE] = MHD_COOKIE_KIND,
    };
    return MHD_lookup_connection_value(mc, kinds[part], key);
}

struct keys_arg {
    void (*fn)(void *arg, const char *key);
    void *arg;
};

static enum MHD_Result each_key(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind, (void)value;
    struct keys_arg *k = cls;
    k->fn(k->arg, key);
    return MHD_YES;
}

static void query_keys(void *mc, void (*fn)(void *arg, const char *key), void *arg)
{
    struct keys_arg k = {fn, arg};
    MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, each_key, &k);
}

static void request_free(request *r)
{
    buf_release(&r->rq.body);
    seal_spool_free(r->rq.spool);
    http_resp_release(&r->rs);
    free(r);
}

static int64_t now_ms(void)
{
    return (int64_t)time_mono_ms();
}

/* own_csp: the reply brings a Content-Security-Policy of its own (a download), which replaces the UI's. */
static void security_headers(server *sv, struct MHD_Response *r, bool own_csp)
{
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (!own_csp)
        MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                            "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'");
    /* Clients that read it close an idle connection before the server does,
     * so a request is not sent on a connection being closed. */
    MHD_add_response_header(r, "Keep-Alive", sv->keep_alive);
}

_Static_assert(HTTP_READ_END == MHD_CONTENT_READER_END_OF_STREAM &&
                   HTTP_READ_ERROR == MHD_CONTENT_READER_END_WITH_ERROR,
               "a streamed body's ends are libmicrohttpd's");

/* A streamed body being sent: the reply's reader, and for a live reply its connection and server. */
typedef struct stream {
    http_resp rs; /* read, release, arg, waker */
    struct MHD_Connection *mc;
    server *sv;
} stream;

static void resume(void *mc)
{
    MHD_resume_connection(mc);
}

/*
 * libmicrohttpd's reader over a streamed body's. A live reply with
 * nothing to send suspends its connection (under the waker's lock, so that
 * a wake either finds it asleep and resumes it, or is seen here first) and
 * returns 0, which libmicrohttpd takes as "not yet": it asks again once
 * the connection is resumed.
 */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    stream *st = cls;
    http_waker *w = st->rs.waker;
    for (;;) {
        long n = st->rs.read(st->rs.arg, pos, out, max);
        if (n != HTTP_READ_WAIT)
            return (ssize_t)n;
        if (!w)
            return HTTP_READ_ERROR;
        pthread_mutex_lock(&w->mu);
        if (w->stopped) {
            pthread_mutex_unlock(&w->mu);
            return HTTP_READ_END;
        }
        if (w->pending) {
            w->pending = false;
            pthread_mutex_unlock(&w->mu);
            continue;
        }
        w->asleep = true;
        MHD_suspend_connection(st->mc);
        pthread_mutex_unlock(&w->mu);
        return 0;
    }
}

static void stream_free(void *cls)
{
    stream *st = cls;
    http_waker *w = st->rs.waker;
    if (w) {
        pthread_mutex_lock(&st->sv->live_mu);
        if (w->prev)
            w->prev->next = w->next;
        else
            st->sv->live = w->next;
        if (w->next)
            w->next->prev = w->prev;
        pthread_mutex_unlock(&st->sv->live_mu);
    }
    if (st->rs.release)
        st->rs.release(st->rs.arg);
    http_waker_free(w);
    free(st);
}

/* Ends every live reply (the server stops): libmicrohttpd must not be stopped with a connection suspended. */
static void live_stop(server *sv)
{
    pthread_mutex_lock(&sv->live_mu);
    sv->stopping_live = true;
    for (http_waker *w = sv->live; w; w = w->next) {
        pthread_mutex_lock(&w->mu);
        w->stopped = true;
        pthread_mutex_unlock(&w->mu);
        http_wake(w);
    }
    pthread_mutex_unlock(&sv->live_mu);
}

static enum MHD_Result http_send(server *sv, struct MHD_Connection *mc, http_resp *rs)
{
    struct MHD_Response *r;
    if (rs->read) {
        /* The reply owns the reader from here: a copy of what it needs. */
        stream *st = xmalloc(sizeof *st);
        *st = (stream){.rs = {.read = rs->read, .release = rs->release, .arg = rs->arg, .waker = rs->waker},
                       .mc = mc,
                       .sv = sv};
        rs->read = NULL;
        rs->release = NULL;
        rs->waker = NULL;
        http_waker *w = st->rs.waker;
        if (w) {
            pthread_mutex_lock(&sv->live_mu);
            pthread_mutex_lock(&w->mu);
            w->resume = resume;
            w->conn = mc;
            w->stopped = sv->stopping_live;
            pthread_mutex_unlock(&w->mu);
            w->prev = NULL;
            w->next = sv->live;
            if (sv->live)
                sv->live->prev = w;
            sv->live = w;
            pthread_mutex_unlock(&sv->live_mu);
        }
        /* A live reply is sent in small pieces as they come: its length is unknown (chunked). */
        r = MHD_create_response_from_callback(w ? MHD_SIZE_UNKNOWN : rs->length, w ? 4096 : 64 << 10, stream_read, st,
                                              stream_free);
    } else {
        size_t len;
        char *body = buf_detach(&rs->body, &len);
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    }
    bool own_csp = false;
    for (int i = 0; i < rs->nheaders; i++)
        own_csp |= strcasecmp(rs->headers[i].name, "Content-Security-Policy") == 0;
    security_headers(sv, r, own_csp);
    if (rs->content_type)
        MHD_add_response_header(r, "Content-Type", rs->content_type);
    for (int i = 0; i < rs->nheaders; i++)
        MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
    int cls = rs->status / 100;
    if (cls >= 1 && cls <= 5)
        COUNT(requests[cls]);
    enum MHD_Result ret = MHD_queue_response(mc, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

/*
 * Answers a request with the documented error shape before its body is read,
 * and closes the connection after the reply (libmicrohttpd discards what is
 * left of the body). code and message are constants, written here, never
 * text from the request.
 */
static enum MHD_Result refuse(server *sv, struct MHD_Connection *mc, conn *c, int status, const char *code,
                              const char *message, const char *hname, const char *hvalue)
{
    http_resp rs = {.status = status, .content_type = "application/json; charset=utf-8"};
    buf_init(&rs.body);
    buf_printf(&rs.body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);
    if (hname)
        http_set_header(&rs, hname, hvalue);
    http_set_header(&rs, "Connection", "close");
    if (c)
        conns_set_deadline(c, 0);
    enum MHD_Result ret = http_send(sv, mc, &rs);
    http_resp_release(&rs);
    return ret;
}

/* ---- static files (the built web UI) ------------------------------------ */

static bool is_gz(const char *path)
{
    size_t n = strlen(path);
    return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}

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
    /* A file's gzip (NAME.gz, scripts/web.sh) is sent as NAME, encoded. */
    size_t n = strlen(path) - (is_gz(path) ? 3 : 0);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t k = strlen(types[i].ext);
        if (n >= k && strncmp(path + n - k, types[i].ext, k) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

/* Whether the client takes gzip (Accept-Encoding names it without q=0). */
static bool takes_gzip(struct MHD_Connection *mc)
{
    const char *ae = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    for (const char *p = ae ? strcasestr(ae, "gzip") : NULL; p; p = strcasestr(p + 4, "gzip")) {
        if ((p != ae && !strchr(" ,", p[-1])) || (p[4] && !strchr(" ,;", p[4])))
            continue; /* part of another token (x-gzip) */
        const char *q = p + 4 + strspn(p + 4, " ");
        if (*q != ';')
            return true;
        q += 1 + strspn(q + 1, " ");
        /* q=0, q=0.0, q=0.000: refused */
        return !(strncasecmp(q, "q=0", 3) == 0 && strspn(q + 3, ".0") == strcspn(q + 3, " ,"));
    }
    return false;
}

/* The headers of a file of the UI: its type and cache policy, and — when it is a gzip, or has one — its encoding. */
static void file_headers(server *sv, struct MHD_Response *r, const char *path, const char *cache, bool has_gz)
{
    security_headers(sv, r, false);
    MHD_add_response_header(r, "Content-Type", mime(path));
    MHD_add_response_header(r, "Cache-Control", cache);
    if (is_gz(path))
        MHD_add_response_header(r, "Content-Encoding", "gzip");
    if (is_gz(path) || has_gz)
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
}

/* An open regular file at path into *fd and its size; false if there is none. */
static bool open_regular(const char *path, int *fd, uint64_t *size)
{
    struct stat st;
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return false;
    if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(*fd);
        return false;
    }
    *size = (uint64_t)st.st_size;
    return true;
}

static enum MHD_Result serve_file(server *sv, struct MHD_Connection *mc, const char *fs_path, const char *cache)
{
    char gz[1100];
    int fd;
    uint64_t size;
    snprintf(gz, sizeof gz, "%s.gz", fs_path);
    bool has_gz = access(gz, R_OK) == 0;
    bool zipped = has_gz && takes_gzip(mc) && open_regular(gz, &fd, &size);
    if (!zipped && !open_regular(fs_path, &fd, &size))
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_fd(size, fd);
    file_headers(sv, r, zipped ? gz : fs_path, cache, has_gz);
    COUNT(requests[2]);
    enum MHD_Result ret = MHD_queue_response(mc, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

/* The cache policy of a file of the UI: the build names the files under
 * /assets/ by a hash of their contents, so those never change. */
static const char *cache_of(const char *url)
{
    return strncmp(url, "/assets/", 8) == 0 ? "public, max-age=31536000, immutable" : "no-cache";
}

static int file_cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const http_file *)elem)->path);
}

/* Makes the reply of each file of the UI held in memory. */
static void files_start(server *sv)
{
    const http_file *f = sv->opt->files;
    if (!f || (sv->opt->web_root && *sv->opt->web_root))
        return;
    while (f[sv->nfiles].path)
        sv->nfiles++;
    sv->file_replies = xcalloc(sv->nfiles ? sv->nfiles : 1, sizeof *sv->file_replies);
    for (size_t i = 0; i < sv->nfiles; i++) {
        assert(i == 0 || strcmp(f[i - 1].path, f[i].path) < 0);
        char gz[600];
        snprintf(gz, sizeof gz, "%s.gz", f[i].path);
        bool has_gz = bsearch(gz, f, sv->nfiles, sizeof *f, file_cmp) != NULL;
        struct MHD_Response *r =
            MHD_create_response_from_buffer(f[i].len, (void *)f[i].data, MHD_RESPMEM_PERSISTENT);
        file_headers(sv, r, f[i].path, cache_of(f[i].path), has_gz);
        sv->file_replies[i] = r;
    }
}

static void files_stop(server *sv)
{
    for (size_t i = 0; i < sv->nfiles; i++)
        MHD_destroy_response(sv->file_replies[i]);
    free(sv->file_replies);
}

/* Queues the reply of the file at url held in memory — its gzip to a client that takes it; MHD_NO if there is none. */
static enum MHD_Result serve_memory(server *sv, struct MHD_Connection *mc, const char *url)
{
    char gz[600];
    snprintf(gz, sizeof gz, "%s.gz", url);
    const http_file *f = NULL;
    if (sv->nfiles && bsearch(url, sv->opt->files, sv->nfiles, sizeof *f, file_cmp) && takes_gzip(mc))
        f = bsearch(gz, sv->opt->files, sv->nfiles, sizeof *f, file_cmp);
    if (!f && sv->nfiles)
        f = bsearch(url, sv->opt->files, sv->nfiles, sizeof *f, file_cmp);
    if (!f)
        return MHD_NO;
    COUNT(requests[2]);
    return MHD_queue_response(mc, MHD_HTTP_OK, sv->file_replies[f - sv->opt->files]);
}

/* The file at url below the directory root; MHD_NO if there is none. */
static enum MHD_Result serve_dir(server *sv, struct MHD_Connection *mc, const char *root, const char *url)
{
    char path[1024];
    snprintf(path, sizeof path, "%s%s", root, url);
    return serve_file(sv, mc, path, cache_of(url));
}

static enum MHD_Result serve_static(server *sv, struct MHD_Connection *mc, const char *url)
{
    const char *root = sv->opt->web_root;
    bool dir = root && *root;
    if (strstr(url, "..") || strlen(url) > 512)
        url = "/";
    if (strcmp(url, "/") != 0 && (dir ? serve_dir(sv, mc, root, url) : serve_memory(sv, mc, url)) == MHD_YES)
        return MHD_YES;
    /* Unknown paths get the single-page app; it routes on the client. */
    if ((dir ? serve_dir(sv, mc, root, "/index.html") : serve_memory(sv, mc, "/index.html")) == MHD_YES)
        return MHD_YES;
    http_resp rs = {.status = 200, .content_type = "text/html; charset=utf-8"};
    buf_init(&rs.body);
    if (dir)
        buf_puts(&rs.body, "<!doctype html><meta charset=utf-8><title>Redress</title>"
                           "<p>Redress is running, but the web UI directory given (<code>--web-root</code>) "
                           "holds no index.html. The API is at <a href=\"/api/v1/health\">/api/v1/health</a>.</p>");
    else
        buf_puts(&rs.body, "<!doctype html><meta charset=utf-8><title>Redress</title>"
                           "<p>Redress is running, but this binary was built without its web UI "
                           "(<code>web/dist</code> was empty: run <code>make web</code>, then <code>make build</code>; "
                           "or serve a built UI with <code>--web-root DIR</code>). "
                           "The API is at <a href=\"/api/v1/health\">/api/v1/health</a>.</p>");
    enum MHD_Result ret = http_send(sv, mc, &rs);
    http_resp_release(&rs);
    return ret;
}

/*
 * Behind a trusted reverse proxy the client is the last address the proxy
 * appended to X-Forwarded-For (earlier ones come from the client and prove
 * nothing). It replaces rq->client only when it parses as an address.
 */
static void forwarded_client(http_req *rq, const char *trusted)
{
    if (!trusted || !*trusted || !conns_listed(trusted, rq->client))
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

/* ---- the request threads -------------------------------------------------- */

/* Queues r for a request thread; false once the server is stopping. */
static bool submit(server *sv, request *r)
{
    pthread_mutex_lock(&sv->mu);
    bool ok = !sv->stopping;
    if (ok) {
        r->next = NULL;
        if (sv->tail)
            sv->tail->next = r;
        else
            sv->head = r;
        sv->tail = r;
        pthread_cond_signal(&sv->cv);
    }
    pthread_mutex_unlock(&sv->mu);
    return ok;
}

/* A request thread: runs the handler of each queued request, then resumes
 * its connection so that an I/O thread sends the reply. When the server
 * stops it empties the queue first. */
static void *request_thread(void *arg)
{
    server *sv = arg;
    for (;;) {
        pthread_mutex_lock(&sv->mu);
        while (!sv->head && !sv->stopping)
            pthread_cond_wait(&sv->cv, &sv->mu);
        request *r = sv->head;
        if (r) {
            sv->head = r->next;
            if (!sv->head)
                sv->tail = NULL;
        }
        pthread_mutex_unlock(&sv->mu);
        if (!r)
            return NULL;
        sv->handler(sv->ctx, &r->rq, &r->rs);
        atomic_store_explicit(&r->state, DONE, memory_order_release);
        MHD_resume_connection(r->mc);
    }
}

static int threads_start(server *sv, unsigned n)
{
    pthread_mutex_init(&sv->mu, NULL);
    pthread_cond_init(&sv->cv, NULL);
    sv->threads = xcalloc(n, sizeof *sv->threads);
    for (; sv->nthreads < n; sv->nthreads++)
        if (pthread_create(&sv->threads[sv->nthreads], NULL, request_thread, sv) != 0)
            return -1;
    return 0;
}

/* Lets the request threads finish what is queued and waits for them. */
static void threads_stop(server *sv)
{
    pthread_mutex_lock(&sv->mu);
    sv->stopping = true;
    pthread_cond_broadcast(&sv->cv);
    pthread_mutex_unlock(&sv->mu);
    for (unsigned i = 0; i < sv->nthreads; i++)
        pthread_join(sv->threads[i], NULL);
    free(sv->threads);
    pthread_cond_destroy(&sv->cv);
    pthread_mutex_destroy(&sv->mu);
}

/* ---- requests ------------------------------------------------------------- */

static bool is_api(const char *url)
{
    return strncmp(url, "/api/", 5) == 0 || strcmp(url, "/metrics") == 0;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind, (void)value;
    if (strcasecmp(key, "Content-Length") == 0)
        ++*(int *)cls;
    return MHD_YES;
}

static conn *conn_of(struct MHD_Connection *mc)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* What the handler reads besides the headers: the language and the client's address. */
static void describe(server *sv, struct MHD_Connection *mc, http_req *rq)
{
    const char *lang = http_header(rq, "Accept-Language");
    rq->en = lang && strncasecmp(lang, "en", 2) == 0;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, rq->client, sizeof rq->client);
    forwarded_client(rq, sv->opt->trusted_proxies);
}

/*
 * A read (GET or HEAD without a body) when the handler's reads wait for
 * nothing but the CPU (http_options.inline_read): run on this I/O thread
 * and answered at once, with no hand-off to a request thread and back.
 */
static enum MHD_Result run_inline(server *sv, struct MHD_Connection *mc, const char *url, const char *method)
{
    http_req rq = {.method = method, .path = url, .lookup = lookup, .query_keys = query_keys, .conn = mc, .body_limit = sv->opt->max_body};
    http_resp rs = {.status = 200, .content_type = "application/json; charset=utf-8"};
    buf_init(&rq.body);
    buf_init(&rs.body);
    describe(sv, mc, &rq);
    sv->handler(sv->ctx, &rq, &rs);
    enum MHD_Result ret = http_send(sv, mc, &rs);
    buf_release(&rq.body);
    http_resp_release(&rs);
    return ret;
}

/*
 * The markers in *con_cls of a request answered on its I/O thread: a static
 * file, or an API read run there (run_inline). Such a request is answered
 * on its next call, not the first: libmicrohttpd closes the connection after
 * a reply queued on the first call (as for refuse), and these keep it open.
 */
static char STATIC_FILE, INLINE_READ;

static bool is_marker(const void *p)
{
    return p == &STATIC_FILE || p == &INLINE_READ;
}

/* Marks a request without a body, answered on the next call (at once). */
static enum MHD_Result answer_later(conn *c, char *marker, void **con_cls)
{
    *con_cls = marker;
    if (c)
        conns_set_deadline(c, 0);
    return MHD_YES;
}

/*
 * The first call: the request's headers are complete. Answers at once what
 * needs no handler (the order of the checks is the order of the file's
 * header comment); else allocates the API request and starts its body's
 * deadline.
 */
static enum MHD_Result first_call(server *sv, struct MHD_Connection *mc, const char *url, const char *method,
                                  void **con_cls)
{
    conn *c = conn_of(mc);
    bool nul = c && c->nul_in_url;
    if (c)
        c->nul_in_url = false;
    if (conns_open(sv->reg) > sv->opt->max_connections) {
        COUNT(overloaded);
        return refuse(sv, mc, c, 503, "overloaded", "连接过多，请稍后重试 (too many connections; retry shortly)", "Retry-After", "1");
    }
    if (nul)
        return refuse(sv, mc, c, 400, "bad_request", "地址中含有编码的空字符 (the URL holds an encoded NUL: %00)", NULL, NULL);
    int lengths = 0;
    MHD_get_connection_values(mc, MHD_HEADER_KIND, count_header, &lengths);
    const char *te = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Transfer-Encoding");
    if (lengths > 1 || (lengths && te))
        return refuse(sv, mc, c, 400, "bad_request",
                      "请求体长度不明确 (ambiguous body length: two Content-Length headers, or one with Transfer-Encoding)",
                      NULL, NULL);
    const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
    bool body = te || (cl && strcmp(cl, "0") != 0);
    if (!is_api(url)) {
        if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
            return refuse(sv, mc, c, 405, "method_not_allowed", "该地址只支持 GET 和 HEAD (only GET and HEAD outside /api)", "Allow",
                          "GET, HEAD");
        if (!body)
            return answer_later(c, &STATIC_FILE, con_cls);
        /* A file asked for with a body: answered now, so the body is not
         * read but dropped with the connection. */
        if (c)
            conns_set_deadline(c, 0);
        return serve_static(sv, mc, url);
    }
    if (te)
        return refuse(sv, mc, c, 411, "length_required", "请求体须带 Content-Length (send the body with a Content-Length header)", NULL, NULL);
    /* An upload goes to a sealed temporary file as it arrives, not to memory. */
    bool spool = body && sv->opt->spool && sv->opt->spool(sv->ctx, method, url);
    size_t limit = spool ? sv->opt->spool_max : sv->opt->max_body;
    if (cl && strtoull(cl, NULL, 10) > limit) {
        char msg[128];
        snprintf(msg, sizeof msg, "请求体过大，上限 %zu 字节 (body too large)", limit);
        return refuse(sv, mc, c, 413, "body_too_large", msg, NULL, NULL);
    }
    seal_spool *sp = NULL;
    if (spool && !(sp = seal_spool_new(sv->opt->spool_dir))) {
        log_error("http: cannot make a temporary file in %s: %s", sv->opt->spool_dir, strerror(errno));
        return refuse(sv, mc, c, 503, "unavailable", "暂时无法接收上传 (cannot store the upload now)", "Retry-After", "5");
    }
    bool read = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    /* A read that asks for a file (?format=csv|xlsx: an export of a whole
     * list) may take long, whatever its route: a request thread's. */
    bool file = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "format") != NULL;
    if (read && !body && !file && sv->opt->inline_read && sv->opt->inline_read(sv->ctx, url))
        return answer_later(c, &INLINE_READ, con_cls);
    request *r = xcalloc(1, sizeof *r);
    r->rq.method = method;
    r->rq.path = url;
    r->rq.lookup = lookup;
    r->rq.query_keys = query_keys;
    r->rq.conn = mc;
    r->rq.body_limit = limit;
    r->rq.spool = sp;
    buf_init(&r->rq.body);
    r->rs = (http_resp){.status = 200, .content_type = "application/json; charset=utf-8"};
    buf_init(&r->rs.body);
    r->mc = mc;
    r->c = c;
    atomic_init(&r->state, READING);
    *con_cls = r;
    if (c)
        conns_set_deadline(c, now_ms() + sv->body_ms);
    return MHD_YES;
}

/* The final call: the body is complete. Hands the request to a request thread. */
static enum MHD_Result final_call(server *sv, request *r)
{
    if (r->c)
        conns_set_deadline(r->c, 0);
    if (r->rq.spool && seal_spool_close(r->rq.spool))
        r->rq.spool_failed = true;
    describe(sv, r->mc, &r->rq);
    atomic_store_explicit(&r->state, QUEUED, memory_order_relaxed);
    /* Suspended first, so that a request thread's resume always follows it. */
    MHD_suspend_connection(r->mc);
    if (!submit(sv, r)) {
        r->rs.status = 503;
        buf_puts(&r->rs.body, "{\"error\":{\"code\":\"unavailable\",\"message\":\"服务正在停止 (the server is stopping)\"}}");
        http_set_header(&r->rs, "Connection", "close");
        atomic_store_explicit(&r->state, DONE, memory_order_release);
        MHD_resume_connection(r->mc);
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    server *sv = cls;
    request *r = *con_cls;
    if (!r)
        return first_call(sv, mc, url, method, con_cls);
    if (is_marker(r)) {
        assert(!*upload_data_size); /* only requests without a body are marked */
        return r == (void *)&STATIC_FILE ? serve_static(sv, mc, url) : run_inline(sv, mc, url, method);
    }
    switch (atomic_load_explicit(&r->state, memory_order_acquire)) {
    case READING:
        if (!*upload_data_size)
            return final_call(sv, r);
        /* Content-Length is at most max_body (first_call), so this holds;
         * body_too_large stays for a transport that cannot check first. */
        if (r->rq.spool) {
            if (seal_spool_size(r->rq.spool) + *upload_data_size > r->rq.body_limit)
                r->rq.body_too_large = true;
            else if (!r->rq.spool_failed && seal_spool_write(r->rq.spool, upload_data, *upload_data_size))
                r->rq.spool_failed = true;
        } else if (!r->rq.body_too_large && r->rq.body.len + *upload_data_size <= sv->opt->max_body) {
            buf_append(&r->rq.body, upload_data, *upload_data_size);
        } else {
            r->rq.body_too_large = true;
        }
        *upload_data_size = 0;
        return MHD_YES;
    case DONE:
        return http_send(sv, mc, &r->rs);
    default:
        return MHD_YES; /* resumed only when DONE */
    }
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    server *sv = cls;
    if (*con_cls && !is_marker(*con_cls))
        request_free(*con_cls);
    *con_cls = NULL;
    /* The next request's headers are due header-timeout from now. */
    conn *c = conn_of(mc);
    if (c)
        conns_set_deadline(c, now_ms() + sv->header_ms);
}

/* ---- connections ---------------------------------------------------------- */

/* The per-address limit, asked before a connection is set up. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    server *sv = cls;
    if (conns_admit(sv->reg, addr, addrlen))
        return MHD_YES;
    COUNT(refused);
    return MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    server *sv = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ad = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const struct sockaddr *sa = ad ? ad->client_addr : NULL;
        socklen_t len = !sa ? 0 : sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
        *socket_context = conns_add(sv->reg, fd ? fd->connect_fd : -1, sa, len, now_ms() + sv->header_ms);
        COUNT(connections);
    } else if (*socket_context) {
        conns_remove(sv->reg, *socket_context);
        *socket_context = NULL;
        atomic_fetch_sub_explicit((_Atomic unsigned long long *)&http_stats.connections, 1, memory_order_relaxed);
    }
}

/*
 * libmicrohttpd's decoding of %HH in the path and the query, with a note of
 * a %00: it would end the decoded text early (/complaints/1%00x would read
 * as /complaints/1), so the request is refused instead.
 */
static size_t unescape(void *cls, struct MHD_Connection *mc, char *s)
{
    (void)cls;
    if (strstr(s, "%00")) {
        conn *c = conn_of(mc);
        if (c)
            c->nul_in_url = true;
    }
    return MHD_http_unescape(s);
}

/* libmicrohttpd's own messages (refused connections, timeouts, malformed requests). */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[256];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_debug("http: %s", msg);
}

/* Shuts down the connections past their deadline, four times a second. */
static void *reaper(void *arg)
{
    server *sv = arg;
    worker *w = &sv->reaper;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 250 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
        if (w->stop)
            break;
        unsigned n = conns_expire(sv->reg, now_ms());
        if (n) {
            atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.deadline_closes, n,
                                      memory_order_relaxed);
            log_debug("http: %u connection(s) closed: a request's headers or body missed its deadline", n);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
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


/*
 * Raises the limit of open files to what max_connections needs (a socket
 * each, and an eighth more that are accepted only to be told 503), plus the
 * request threads' database files and the static files being sent; if the
 * hard limit is lower, lowers max_connections to fit. Returns libmicrohttpd's
 * own limit, beyond which connections are refused outright.
 */
static unsigned fit_files(http_options *o)
{
    unsigned reserve = 256 + 8 * o->threads;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return o->max_connections + o->max_connections / 8 + 16;
    rlim_t want = (rlim_t)o->max_connections + o->max_connections / 8 + 16 + reserve;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur < want) {
        rlim_t room = rl.rlim_cur > reserve + 32 ? rl.rlim_cur - reserve : 32;
        unsigned fit = (unsigned)((room - 16) * 8 / 9);
        log_warn("open files are limited to %llu: max-connections lowered from %u to %u (raise LimitNOFILE / ulimit -n)",
                 (unsigned long long)rl.rlim_cur, o->max_connections, fit);
        o->max_connections = fit;
    }
    return o->max_connections + o->max_connections / 8 + 16;
}

int http_serve(const http_options *opt, http_handler handler, void *ctx)
{
    struct sockaddr_in sa;
    if (parse_listen(opt->listen, &sa)) {
        log_error("cannot parse listen address \"%s\" (expected HOST:PORT)", opt->listen);
        return -1;
    }
    http_options o = *opt;
    unsigned hard_limit = fit_files(&o);
    server sv = {.opt = &o, .handler = handler, .ctx = ctx};
    pthread_mutex_init(&sv.live_mu, NULL);
    sv.header_ms = (int64_t)o.header_timeout * 1000;
    sv.body_ms = (int64_t)o.body_timeout * 1000;
    snprintf(sv.keep_alive, sizeof sv.keep_alive, "timeout=%u", o.header_timeout);
    sv.reg = conns_new(o.max_per_address, o.trusted_proxies);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* Block the signals before any thread starts, so only sigwait sees them. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = -1;
    bool reaping = false;
    struct MHD_Daemon *d = NULL;
    if (threads_start(&sv, o.threads)) {
        log_error("cannot start %u request threads: %s", o.threads, strerror(errno));
        goto out;
    }
    if (worker_start(&sv.reaper, reaper, &sv)) {
        log_error("cannot start a thread: %s", strerror(errno));
        goto out;
    }
    reaping = true;
    files_start(&sv);
    d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, on_accept, &sv,
        on_request, &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, o.io_threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT, o.idle_timeout,
        MHD_OPTION_CONNECTION_LIMIT, hard_limit, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &sv,
        MHD_OPTION_UNESCAPE_CALLBACK, unescape, &sv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &sv, MHD_OPTION_END);
    if (!d) {
        log_error("cannot listen on %s: %s", o.listen, strerror(errno));
        goto out;
    }
    log_info("listening on http://%s (%u request threads, %u I/O threads; %u connections, %u per address)", o.listen,
             o.threads, o.io_threads, o.max_connections, o.max_per_address);
    int sig;
    sigwait(&set, &sig);
    log_info("signal %d: stopping", sig);
    rc = 0;
out:
    /* The queued requests finish and resume their connections first:
     * libmicrohttpd must not be stopped with a connection suspended. */
    if (sv.threads)
        threads_stop(&sv);
    live_stop(&sv);
    if (d)
        MHD_stop_daemon(d);
    if (reaping)
        worker_stop(&sv.reaper);
    files_stop(&sv);
    conns_free(sv.reg);
    pthread_mutex_destroy(&sv.live_mu);
    return rc;
}
