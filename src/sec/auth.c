/* auth: see auth.h. */
#include "sec/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Interactive limits: ~50 ms and 64 MiB per hash on this class of machine. */
#define OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

int auth_init(void)
{
    return sodium_init() < 0 ? -1 : 0;
}

int auth_hash_password(const char *password, char *out, size_t outlen)
{
    if (outlen < crypto_pwhash_STRBYTES)
        return -1;
    return crypto_pwhash_str_alg(out, password, strlen(password), OPS, MEM, crypto_pwhash_ALG_ARGON2ID13);
}

bool auth_check_password(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static char dummy[crypto_pwhash_STRBYTES];

static void make_dummy(void)
{
    unsigned char raw[32];
    char pw[65];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
    if (auth_hash_password(pw, dummy, sizeof dummy))
        abort(); /* out of memory: no hash could be checked either */
}

const char *auth_dummy_hash(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, make_dummy);
    return dummy;
}

void auth_new_token(char kind, char *out, size_t outlen, uint8_t hash[32])
{
    unsigned char raw[32];
    char b64[64];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(out, outlen, "rd_%c_%s", kind, b64);
    auth_token_hash(out, hash);
}

void auth_token_hash(const char *token, uint8_t hash[32])
{
    crypto_generichash(hash, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

void auth_account_key(const char *username, char out[33])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)username, strlen(username), NULL, 0);
    sodium_bin2hex(out, 33, h, sizeof h);
}

void auth_sign(const char *secret, int64_t ts, const char *body, size_t len, char hex[65])
{
    crypto_auth_hmacsha256_state st;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    char stamp[24];
    int n = snprintf(stamp, sizeof stamp, "%lld.", (long long)ts);
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)stamp, (unsigned long long)n);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2hex(hex, 65, mac, sizeof mac);
}

bool auth_signature_ok(const char *secret, int64_t ts, int64_t now, const char *body, size_t len, const char *given)
{
    if (!secret || !*secret || !given || ts < now - AUTH_SIGN_SKEW || ts > now + AUTH_SIGN_SKEW)
        return false;
    if (strncmp(given, "sha256=", 7) == 0)
        given += 7;
    char want[65];
    auth_sign(secret, ts, body, len, want);
    return strlen(given) == 64 && sodium_memcmp(want, given, 64) == 0;
}
