/*
 * http: the transport. server.c runs libmicrohttpd (a thread pool over
 * epoll), collects each request body, matches the route table and calls the
 * handler with a request and a response to fill. Handlers never see
 * libmicrohttpd; they read the request through the accessors below and
 * write status, headers and body into the response.
 */
#ifndef REDRESS_HTTP_H
#define REDRESS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/buf.h"

struct app;

enum { MAX_PARAMS = 4, MAX_HEADERS = 8 };

typedef struct http_req {
    const char *method;
    const char *path;
    void *conn; /* the transport's connection; opaque to handlers */
    buf body;
    bool body_too_large;
    char *params[MAX_PARAMS]; /* {name} segments of the matched route, in order */
    bool en;                  /* Accept-Language prefers English */
    char client[64];          /* peer address */
    /* Set by the router when the route needs a caller. */
    bool authed;
    user who;
    token tok;
    /* How the caller was authenticated: by the session cookie (then the
     * secret, for the CSRF check and sign-out) or by a bearer token. */
    bool cookie_auth;
    char cookie_secret[80];
    bool expired; /* a session was presented but its time is up */
} http_req;

typedef struct http_resp {
    int status;
    const char *content_type; /* static string */
    buf body;
    int nheaders;
    struct {
        char *name, *value;
    } headers[MAX_HEADERS];
} http_resp;

/* Borrowed from the transport, valid during the handler; NULL if absent. */
const char *http_query(const http_req *rq, const char *key);
const char *http_header(const http_req *rq, const char *name);
const char *http_cookie(const http_req *rq, const char *name);
/* Adds a response header (copied). */
void http_set_header(http_resp *rs, const char *name, const char *value);
/* Frees the body and headers of rs. */
void http_resp_release(http_resp *rs);

typedef void (*http_handler)(struct app *a, http_req *rq, http_resp *rs);

/*
 * Who may call a route. AUTH_SELF: any signed-in user, for what concerns
 * only their own session and password — allowed while a password change is
 * required and to auditors (who otherwise may not change anything).
 */
enum route_auth { AUTH_NONE, AUTH_USER, AUTH_SELF };

typedef struct route {
    const char *method;
    const char *pattern; /* "/api/v1/complaints/{id}/actions/{action}" */
    http_handler handler;
    int auth;
    unsigned roles; /* enum role bits allowed; 0 = any signed-in user */
} route;

typedef struct http_options {
    const char *listen; /* "127.0.0.1:8080" */
    const char *web_root;
    unsigned threads; /* 0: a thread per connection; N: a pool of N workers */
    size_t max_body;
    /* Comma-separated addresses of reverse proxies whose X-Forwarded-For is
     * believed (the client is then its last entry); NULL or "" = none. */
    const char *trusted_proxies;
} http_options;

/*
 * Serves until SIGINT or SIGTERM. routes is borrowed and NULL-terminated
 * (method NULL). Returns 0 on a clean stop, -1 if it could not start.
 */
int http_serve(struct app *a, const route *routes, const http_options *opt);

/* Counters for /metrics (monotonic, updated atomically). */
typedef struct http_metrics {
    unsigned long long requests[6]; /* by status class: [1]=1xx … [5]=5xx */
    unsigned long long intake;
    unsigned long long actions;
    unsigned long long conflicts;
} http_metrics;
extern http_metrics http_stats;

#endif
