/*
 * fuzz_login: a request body, as untrusted bytes, through POST
 * /api/v1/auth/login — body parsing, the user lookup, the password check
 * and the session it creates — against the demo users, whose password is
 * FZ_PASSWORD.
 *
 * Cost: production hashes are argon2id at 64 MiB, and an unknown user is
 * checked against a dummy hash of that cost so that it takes as long as a
 * wrong password. At that cost a harness makes a few attempts a second.
 * The users here are hashed at libsodium's minimum cost, and this harness
 * is linked with --wrap=crypto_pwhash_str_verify: a hash of any other cost
 * (the dummy) is replaced by a minimum-cost hash of a random password, so
 * the unknown-user path still runs a real verification that fails. Nothing
 * in the production build changes.
 *
 * Besides the sanitizers: a sign-in succeeds only for an active demo user
 * with the right password, and returns a session token that the store finds
 * as that user's session; no answer is a 5xx.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fixture.h"
#include "sec/auth.h"
#include "util/timeutil.h"

enum { RESET_AFTER = 5000 };

static app A;
static const route *login;
static unsigned long runs, sessions;
static char cheap_dummy[crypto_pwhash_STRBYTES];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __real_crypto_pwhash_str_verify(const char *str, const char *passwd, unsigned long long passwdlen);
int __wrap_crypto_pwhash_str_verify(const char *str, const char *passwd, unsigned long long passwdlen);

int __wrap_crypto_pwhash_str_verify(const char *str, const char *passwd, unsigned long long passwdlen)
{
    if (crypto_pwhash_str_needs_rehash(str, crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN) != 0)
        str = cheap_dummy;
    return __real_crypto_pwhash_str_verify(str, passwd, passwdlen);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    fz_open(&A, false);
    login = fz_route("POST", "/api/v1/auth/login");
    unsigned char raw[16];
    char secret[sizeof raw * 2 + 1];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(secret, sizeof secret, raw, sizeof raw);
    if (crypto_pwhash_str_alg(cheap_dummy, secret, strlen(secret), crypto_pwhash_OPSLIMIT_MIN,
                              crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) != 0)
        abort();
    return 0;
}

/* Whether username may sign in with password (see the fixture's users). */
static bool may_sign_in(const char *username, const char *password)
{
    if (!username || !password || strcmp(password, FZ_PASSWORD) != 0)
        return false;
    user u = {0};
    bool ok = store_user_get(A.db, username, 0, &u, NULL) == 0 && u.active;
    user_release(&u);
    return ok;
}

/* Whether secret finds a live session of username, as the router looks it up. */
static bool session_of(const char *secret, const char *username)
{
    uint8_t hash[32];
    auth_token_hash(secret, hash);
    token t = {0};
    user u = {0};
    bool ok = store_token_find(A.db, hash, time_now(), &t, &u) == 0 && t.kind == 's' &&
              strcmp(u.username, username) == 0;
    free(t.name);
    user_release(&u);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    runs++;
    fz_request r;
    fz_request_init(&r, "POST", "/api/v1/auth/login", data, size);
    /* Another address each time: the per-address limit would otherwise
     * answer 429 to nearly everything. */
    snprintf(r.http.client, sizeof r.http.client, "10.%lu.%lu.%lu", (runs >> 16) & 255, (runs >> 8) & 255, runs & 255);
    http_resp rs;
    fz_call(&A, login, &r, &rs);
    if (rs.status >= 500) {
        fprintf(stderr, "fuzz_login: answered %d: %.*s\n", rs.status, (int)rs.body.len, rs.body.data);
        abort();
    }
    if (rs.status == 200) {
        json_t *in = json_loadb((const char *)data, size, 0, NULL);
        json_t *out = json_loadb(rs.body.data, rs.body.len, 0, NULL);
        const char *token = json_string_value(json_object_get(out, "token"));
        if (!may_sign_in(json_string_value(json_object_get(in, "username")),
                         json_string_value(json_object_get(in, "password"))) ||
            !token || strncmp(token, "rd_s_", 5) != 0) {
            fprintf(stderr, "fuzz_login: a sign-in that should not be: %.*s\n", (int)rs.body.len, rs.body.data);
            abort();
        }
        if (!session_of(token, json_string_value(json_object_get(in, "username")))) {
            fprintf(stderr, "fuzz_login: the token does not open a session of the user who signed in\n");
            abort();
        }
        json_decref(in);
        json_decref(out);
        sessions++;
    }
    fz_response_release(&rs);
    fz_request_release(&r);
    if (sessions >= RESET_AFTER) {
        fz_close(&A);
        fz_open(&A, false);
        sessions = 0;
    }
    return 0;
}
