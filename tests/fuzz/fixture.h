/*
 * fixture: what the libFuzzer harnesses share — a real application on a
 * throw-away SQLite database (the gas-station pack, its units and a few
 * users of each role, optionally the demo complaints), and requests made in
 * memory whose lookup answers http_query, http_header and http_cookie from
 * the request instead of from libmicrohttpd. Handlers are found in the
 * route table by method and pattern and called as the router calls them
 * (fz_call), or a request goes through the router itself
 * (api_router_dispatch with fz_request's http), so a harness drives
 * exactly the production code from the untrusted bytes inwards.
 *
 * Passwords: every user's password is FZ_PASSWORD, hashed with libsodium's
 * minimum argon2id cost so a login attempt costs microseconds rather than
 * the production 64 MiB (fuzz_login explains the rest). Run the harnesses
 * from the top of the source tree (they read packs/).
 */
#ifndef REDRESS_FUZZ_FIXTURE_H
#define REDRESS_FUZZ_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/router.h"
#include "app/app.h"
#include "http/http.h"

#define FZ_PASSWORD "fuzz-secret-1"

/*
 * Opens a in a fresh database (logs quieted to errors). With demo the 40
 * demo complaints are added with their steps. Aborts when anything fails:
 * a harness without its fixture proves nothing.
 */
void fz_open(app *a, bool demo);
/* Closes a and deletes its database (also deleted at exit, and by the
 * next harness to start if this one crashed). */
void fz_close(app *a);

/* The route of method and pattern in the route table; aborts if absent. */
const route *fz_route(const char *method, const char *pattern);

/*
 * A request in memory: the transport's request (http: body copied, len
 * bytes, no NUL added — handlers get exactly the bytes), the API's view of
 * it (rq: route parameters copied, the caller of fz_sign_in), and headers,
 * query parameters and cookies (borrowed until fz_request_release). An
 * fz_request must not move after fz_request_init (rq points into http).
 */
typedef struct fz_request {
    http_req http;
    api_req rq;
    int nheaders, nquery, ncookies;
    struct {
        const char *name, *value;
    } headers[8], query[32], cookies[4];
} fz_request;

void fz_request_init(fz_request *r, const char *method, const char *path, const void *body, size_t len);
void fz_request_release(fz_request *r);
void fz_param(fz_request *r, const char *value);
void fz_header(fz_request *r, const char *name, const char *value);
void fz_query(fz_request *r, const char *name, const char *value);
void fz_cookie(fz_request *r, const char *name, const char *value);
/* Makes the request come from username, as the router does after a token check. */
void fz_sign_in(app *a, fz_request *r, const char *username);

/*
 * Calls route's handler on r into rs (initialised here, released by the
 * caller with fz_response_release). Checks what every response must be: a
 * status in 200–599 and, for JSON, a body that parses — and for an error
 * the documented {"error":{"code","message"}} shape. Aborts otherwise.
 * With FUZZ_VERBOSE set in the environment each answer is printed.
 */
void fz_call(app *a, const route *rt, fz_request *r, http_resp *rs);
void fz_response_release(http_resp *rs);

#endif
