/*
 * session: the rules of signed-in sessions for people — idle and absolute
 * timeouts, the session cookie, the CSRF token, and the sign-in throttle
 * settings. The values come from the settings table once at start-up
 * (session_configure); everything that needs the time takes it as a
 * parameter, so the rules are tested without a clock.
 *
 * A browser holds the session secret only in an HttpOnly, SameSite=Strict
 * cookie (script cannot read it). Requests that change something and are
 * authenticated by the cookie must also carry the CSRF token in the
 * X-CSRF-Token header: a keyed BLAKE2b of the secret, so it needs no
 * storage, differs per session, and cannot be computed from the stored
 * hash. Bearer tokens (scripts, other systems) need no CSRF token: a
 * browser never attaches them by itself.
 */
#ifndef REDRESS_SESSION_H
#define REDRESS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/throttle.h"
#include "store/store.h"

#define SESSION_COOKIE "redress_session"
#define SESSION_CSRF_HEADER "X-CSRF-Token"

typedef struct session_config {
    int64_t idle;          /* seconds without a request before a session ends */
    int64_t absolute;      /* seconds after sign-in when a session ends regardless */
    throttle_rule login;   /* the sign-in throttle per address and name tried (core/throttle.h) */
    bool cookie_secure;    /* the server is reached over https: mark the cookie Secure */
} session_config;

/* The defaults: 30 minutes idle, 12 hours absolute; from the 5th failure in
 * a row an address waits 60 s before it may try that name again, twice as
 * long after each further failure, at most 15 minutes; a day without a
 * failure forgets them. */
extern const session_config session_defaults;

/* Sets the process-wide configuration (copied); call before serving. */
void session_configure(const session_config *c);
/* The current configuration (borrowed; never NULL). */
const session_config *session_get(void);

enum session_state { SESSION_OK, SESSION_IDLE, SESSION_ABSOLUTE };
/*
 * Whether session t is still valid at now under c: SESSION_IDLE when its
 * last use (or its creation) is idle seconds or more ago, SESSION_ABSOLUTE
 * when its creation is absolute seconds or more ago. API tokens (kind 't')
 * are always SESSION_OK here; they end by revocation.
 */
enum session_state session_check(const session_config *c, const token *t, int64_t now);
/* Whether the last use of t should be written at now (at most every
 * min(60, idle / 4) seconds, so a request does not always cost a write). */
bool session_should_touch(const session_config *c, const token *t, int64_t now);

/* The CSRF token of a session secret into out (at least 48 bytes). */
void session_csrf(const char *secret, char *out, size_t outlen);
/* True when presented equals the CSRF token of secret (constant time). */
bool session_csrf_ok(const char *secret, const char *presented);
/* The Set-Cookie value that stores secret (or, when secret is NULL, clears the cookie). */
void session_cookie(const session_config *c, const char *secret, char *out, size_t outlen);

#endif
