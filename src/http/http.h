/*
 * http: the transport, and nothing else. server.c runs libmicrohttpd (a few
 * I/O threads over epoll), serves the built web UI, applies the limits of
 * size, time and number of connections, collects each API request's body,
 * works out the client's address (behind trusted proxies too), and hands
 * every request under /api/ and /metrics to one handler function, run on
 * one of a fixed number of request threads, with a response to fill; then
 * it sends the response with the security headers every response carries
 * and counts it for /metrics. A reply may also be a body read in pieces as
 * it is sent (a download), or a live one that stays open and waits,
 * without a thread, until it is woken (Server-Sent Events: http_waker).
 *
 * It knows nothing of users, sessions, routes or the store: matching the
 * path, authenticating the caller and authorising the route are the API
 * router's (api/router.h), which is the handler the server is given. The
 * handler reads the request through the accessors below, which ask the
 * request's own lookup function, so a request made in memory (a unit test,
 * a fuzz harness) needs no libmicrohttpd.
 */
#ifndef REDRESS_HTTP_H
#define REDRESS_HTTP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/sealfile.h"

enum { MAX_HEADERS = 8 };

/* The parts of a request the accessors look into. */
enum http_part { HTTP_QUERY, HTTP_HEADER, HTTP_COOKIE };

typedef struct http_req {
    const char *method;
    const char *path;
    buf body;
    bool body_too_large;
    size_t body_limit; /* the limit body_too_large refers to, in bytes */
    /* The body of a request whose route streams it (http_options.spool):
     * kept in a sealed temporary file as it arrived, never in memory, and
     * body stays empty; NULL otherwise. Read it with seal_spool_read. */
    seal_spool *spool;
    bool spool_failed; /* the spool could not be written (the disk): the body is incomplete */
    bool en;           /* Accept-Language prefers English */
    char client[64];   /* peer address, or the client a trusted proxy names */
    /* The value of key in part of the request on conn (borrowed, valid while
     * the request lasts; NULL if absent): the transport's, or a stand-in's. */
    const char *(*lookup)(void *conn, enum http_part part, const char *key);
    /* Calls fn(arg, key) for every key of the query string; NULL when the
     * request cannot list them (a stand-in that only answers lookups). */
    void (*query_keys)(void *conn, void (*fn)(void *arg, const char *key), void *arg);
    void *conn; /* the transport's connection; opaque to handlers */
} http_req;

/* What a streamed body's read returns at its end, or when it cannot go on (the connection is closed);
 * HTTP_READ_WAIT: a live reply (http_resp.waker) has nothing to send now. */
enum { HTTP_READ_END = -1, HTTP_READ_ERROR = -2, HTTP_READ_WAIT = -3 };

/*
 * The wake-up of a live reply (Server-Sent Events): a body of unknown
 * length that stays open and is written as things happen. Its read returns
 * HTTP_READ_WAIT when it has nothing to send; the transport then suspends
 * the connection — it holds no thread and no I/O thread's attention, and
 * the idle timeout does not run — until http_wake says there is something
 * to read again (or the reply ended: read then returns HTTP_READ_END).
 * http_wake may be called from any thread, at any time from http_waker_new
 * until the reply's release function returns (a wake before the reply is
 * sent is remembered). The transport frees the waker after release; a
 * reply that is never sent frees it in http_resp_release.
 */
typedef struct http_waker {
    /* The transport's: under mu, whether the connection is suspended
     * waiting (asleep), a wake that came while it was not (pending), and
     * the server stopping (stopped: the reply ends). */
    pthread_mutex_t mu;
    bool asleep, pending, stopped;
    void (*resume)(void *conn); /* set when the reply is sent */
    void *conn;
    struct http_waker *prev, *next; /* the server's open live replies */
} http_waker;
/* A new waker (heap), not yet attached to a connection. */
http_waker *http_waker_new(void);
void http_wake(http_waker *w);
/* Frees w (the transport, once the reply's release returned). */
void http_waker_free(http_waker *w);

typedef struct http_resp {
    int status;
    const char *content_type; /* static string */
    buf body;
    /*
     * A body of length bytes read in pieces as it is sent, instead of body
     * (a download): read(arg, pos, out, max) writes up to max bytes from
     * pos and returns their count, HTTP_READ_END or HTTP_READ_ERROR; it runs
     * on an I/O thread, so it must not wait for anything but the local disk.
     * release(arg) is called once the reply is done with (also if it is
     * never sent). NULL: body is the body.
     */
    long (*read)(void *arg, uint64_t pos, char *out, size_t max);
    void (*release)(void *arg);
    void *arg;
    uint64_t length;
    http_waker *waker; /* a live reply (length unknown, read may wait); NULL otherwise */
    int nheaders;
    struct {
        char *name, *value;
    } headers[MAX_HEADERS];
} http_resp;

/* Borrowed from the transport, valid during the handler; NULL if absent. */
const char *http_query(const http_req *rq, const char *key);
/* Calls fn(arg, key) for each key of the query string (none when the request cannot list them). */
void http_query_each(const http_req *rq, void (*fn)(void *arg, const char *key), void *arg);
const char *http_header(const http_req *rq, const char *name);
const char *http_cookie(const http_req *rq, const char *name);
/* The first name of a query parameter for which known(name) is false, or NULL (none, or no listing). */
const char *http_query_unknown(const http_req *rq, bool (*known)(const char *name));
/* Adds a response header (copied). */
void http_set_header(http_resp *rs, const char *name, const char *value);
/* Frees the body and headers of rs. */
void http_resp_release(http_resp *rs);

/*
 * What the server calls for every request under /api/ and /metrics, once its
 * body is complete: ctx is the pointer given to http_serve; rq and rs are
 * the server's, borrowed for the call; rs starts as an empty 200 JSON reply.
 */
typedef void (*http_handler)(void *ctx, http_req *rq, http_resp *rs);

/* A file of the web UI held in memory (scripts/embed-files.sh -b): path as
 * in the URL ("/index.html"), data of len bytes, both static. */
typedef struct http_file {
    const char *path;
    const char *data;
    size_t len;
} http_file;

typedef struct http_options {
    const char *listen; /* "127.0.0.1:8080" */
    /* The web UI: the directory web_root when it is given (not NULL or ""),
     * else the files, sorted by path (strcmp) and ending with a NULL path;
     * neither: a page at / says the UI is missing. */
    const char *web_root;
    const http_file *files;
    unsigned threads;    /* request threads: each runs one handler at a time (≥ 1) */
    unsigned io_threads; /* threads that read requests and write replies (≥ 1) */
    /* A GET or HEAD without a body whose path inline_read(ctx, path)
     * accepts runs on the I/O thread that read it — for reads that wait for
     * nothing but the CPU and take little of it (the embedded store's);
     * NULL: every request goes to a request thread. */
    bool (*inline_read)(void *ctx, const char *path);
    size_t max_body;
    /* A request with a body whose path spool(ctx, method, path) accepts
     * (uploads) has it written to a sealed temporary file in spool_dir as it
     * arrives (http_req.spool), up to spool_max bytes instead of max_body;
     * NULL: every body is held in memory. */
    bool (*spool)(void *ctx, const char *method, const char *path);
    size_t spool_max;
    const char *spool_dir;
    /* Comma-separated addresses of reverse proxies whose X-Forwarded-For is
     * believed (the client is then its last entry) and whose connections the
     * per-address limit does not count; NULL or "" = none. */
    const char *trusted_proxies;
    unsigned max_connections; /* open connections; a request beyond gets 503 */
    unsigned max_per_address; /* open connections from one address; 0 = no limit */
    unsigned header_timeout;  /* seconds for a request's headers (and a kept-alive connection's wait) */
    unsigned body_timeout;    /* seconds for its body, from the end of its headers */
    unsigned idle_timeout;    /* seconds without a byte either way that end a connection */
} http_options;

/*
 * Serves until SIGINT or SIGTERM, calling handler(ctx, …) for each API
 * request (opt and ctx are borrowed until it returns). Returns 0 on a clean
 * stop, -1 if it could not start.
 */
int http_serve(const http_options *opt, http_handler handler, void *ctx);

/* Counters for /metrics (monotonic, updated atomically). */
typedef struct http_metrics {
    unsigned long long requests[6]; /* by status class: [1]=1xx … [5]=5xx */
    unsigned long long intake;
    unsigned long long actions;
    unsigned long long conflicts;
    unsigned long long connections;     /* open now (a gauge) */
    unsigned long long refused;         /* connections refused by the per-address limit */
    unsigned long long overloaded;      /* requests answered 503 beyond max-connections */
    unsigned long long deadline_closes; /* connections closed for missing a header or body deadline */
} http_metrics;
extern http_metrics http_stats;
/* A copy of http_stats, each counter read atomically (they change meanwhile). */
void http_metrics_read(http_metrics *out);

#endif
