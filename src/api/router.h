/*
 * router: the one authorisation point of the API. Every request the
 * transport hands over passes api_router_dispatch before any handler runs,
 * in this order:
 *
 *   match the path and method in the route table   404 not_found,
 *                                                   405 method_not_allowed
 *   the body within the transport's limit           413 body_too_large
 *   route needs a caller (AUTH_USER, AUTH_SELF):
 *     authenticate: "Authorization: Bearer" (a session or an API token,
 *     whose roles and unit then narrow the user's) or else the session
 *     cookie (sessions only); idle and absolute timeouts, which revoke the
 *     session and audit "session_expired"; the session's use recorded    401 session_expired,
 *                                                                         401 unauthenticated
 *     a cookie session on an unsafe method carries the CSRF header        403 csrf_failed
 *     a password change, when required, comes first (AUTH_SELF exempt)    403 password_change_required
 *     the route's roles; auditors change nothing (AUTH_SELF exempt)       403 forbidden + audit "denied"
 *     a partner system's token: only ROUTE_PARTNER routes, its webhook     403 forbidden + audit "denied"
 *     still there; a signature, when given or required, right and fresh   401 bad_signature
 *   → the route's handler
 *   a 403 the handler answered without a "denied" entry of its own       audit "denied"
 *
 * Handlers then check what depends on the data (a complaint's scope, an
 * action's guard, whether an administrative act lies within the caller's
 * unit and roles: core/reach.h through api_reach_caller). Each such refusal
 * is a "denied" entry too: written by the handler where it knows the units
 * concerned (api_audit_denied), else by the router after the handler.
 * The transport (http/) knows nothing of this: it sees a function and a
 * context; the caller's identity lives in api_req, which the router owns.
 */
#ifndef REDRESS_API_ROUTER_H
#define REDRESS_API_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "http/http.h"
#include "store/store.h"

enum { MAX_PARAMS = 4 };

/*
 * A request as the handlers see it: the transport's request, the route's
 * parameters and, once the router has authenticated it, the caller.
 */
typedef struct api_req {
    http_req *http; /* the transport's request (borrowed): http_query(rq->http, …) */
    const char *method;
    const char *path;
    struct {
        const char *data; /* the transport's body (borrowed), NUL-terminated */
        size_t len;
    } body;
    bool en;                  /* Accept-Language prefers English */
    const char *client;       /* the client's address (borrowed from http) */
    char *params[MAX_PARAMS]; /* {name} segments of the matched route, in order (owned) */
    /* Set by the router when the route needs a caller. */
    bool authed;
    user who; /* owned */
    token tok;
    /* How the caller was authenticated: by the session cookie (then the
     * secret, for the CSRF check and sign-out) or by a bearer token. */
    bool cookie_auth;
    char cookie_secret[80];
    bool expired; /* a session was presented but its time is up */
    char partner_channel[32]; /* a partner's token: the channel its complaints come in on (its webhook's) */
    const struct route *route; /* the matched route (borrowed from the table), set before authorisation */
    bool denied;               /* a "denied" entry was written for this request (api_audit_denied) */
} api_req;

/* A view of hr (borrowed; it must outlive rq) with no caller and no parameters. */
void api_req_init(api_req *rq, http_req *hr);
/* Frees the parameters and the caller and wipes the cookie secret; rq may be initialised again. */
void api_req_release(api_req *rq);

typedef void (*api_handler)(app *a, api_req *rq, http_resp *rs);

/*
 * Who may call a route. AUTH_SELF: any signed-in user, for what concerns
 * only their own session and password — allowed while a password change is
 * required and to auditors (who otherwise may not change anything).
 */
enum route_auth { AUTH_NONE, AUTH_USER, AUTH_SELF };

typedef struct route {
    const char *method;
    const char *pattern; /* "/api/v1/complaints/{id}/actions/{action}" */
    api_handler handler;
    int auth;
    unsigned roles; /* enum role bits allowed; 0 = any signed-in user */
    unsigned flags; /* enum route_flag */
} route;

/*
 * ROUTE_SLOW: a read that may take long (an export, a scan of the audit
 * log, sums over many days), which the transport must not run on an I/O
 * thread, where it would hold up every connection of that thread
 * (api_router_quick, http_options.inline_read).
 */
/*
 * ROUTE_STREAM: a route whose body (an upload) the transport keeps in a
 * sealed temporary file as it arrives, not in memory (http_req.spool),
 * up to the larger limit of uploads (api_router_streams).
 */
/*
 * ROUTE_PARTNER: a route a partner system's token may call (taking
 * complaints in and reading them); every other route refuses it (403).
 */
enum route_flag { ROUTE_SLOW = 1, ROUTE_STREAM = 2, ROUTE_PARTNER = 4 };

/* True when method and path are a route marked ROUTE_STREAM. */
bool api_router_streams(const route *routes, const char *method, const char *path);

/* False when path is a GET route marked ROUTE_SLOW; true otherwise (an unknown path's 404 is quick too). */
bool api_router_quick(const route *routes, const char *path);

/*
 * Answers hr into rs: finds its route in routes (borrowed, NULL-terminated
 * by method NULL), authenticates and authorises the caller as above, and
 * calls the route's handler, or renders the error that stopped it. rs is
 * the transport's empty reply (status 200, JSON). Everything the router
 * allocates is freed before it returns.
 */
void api_router_dispatch(app *a, const route *routes, http_req *hr, http_resp *rs);

#endif
