/* session: see session.h. */
#include "sec/session.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

const session_config session_defaults = {
    .idle = 30 * 60,
    .absolute = 12 * 3600,
    .login = {.limit = 5, .first_delay = 60, .max_delay = 15 * 60, .forget = 86400},
    .cookie_secure = false,
};

/* Written once before the server starts its threads, read-only after. */
static session_config current = {30 * 60, 12 * 3600, {5, 60, 15 * 60, 86400}, false};

void session_configure(const session_config *c)
{
    current = *c;
}

const session_config *session_get(void)
{
    return &current;
}

enum session_state session_check(const session_config *c, const token *t, int64_t now)
{
    if (t->kind != 's')
        return SESSION_OK;
    if (now - t->created_at >= c->absolute)
        return SESSION_ABSOLUTE;
    int64_t last = t->last_used_at > t->created_at ? t->last_used_at : t->created_at;
    if (now - last >= c->idle)
        return SESSION_IDLE;
    return SESSION_OK;
}

bool session_should_touch(const session_config *c, const token *t, int64_t now)
{
    if (t->kind != 's')
        return false;
    int64_t every = c->idle / 4 < 60 ? c->idle / 4 : 60;
    int64_t last = t->last_used_at > t->created_at ? t->last_used_at : t->created_at;
    return now - last >= (every > 0 ? every : 1);
}

void session_csrf(const char *secret, char *out, size_t outlen)
{
    static const unsigned char key[] = "redress csrf v1: the session's second secret";
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), key, sizeof key - 1);
    char b64[48];
    sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(out, outlen, "%s", b64);
    sodium_memzero(h, sizeof h);
}

bool session_csrf_ok(const char *secret, const char *presented)
{
    char want[48];
    session_csrf(secret, want, sizeof want);
    size_t n = strlen(want);
    bool ok = presented && strlen(presented) == n && sodium_memcmp(want, presented, n) == 0;
    sodium_memzero(want, sizeof want);
    return ok;
}

void session_cookie(const session_config *c, const char *secret, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s", SESSION_COOKIE,
             secret ? secret : "", secret ? (long long)c->absolute : 0LL, c->cookie_secure ? "; Secure" : "");
}
