/*
 * auth: passwords (argon2id through libsodium) and bearer tokens. A token
 * is "rd_s_" (session) or "rd_t_" (API token) followed by 43 characters of
 * URL-safe base64 of 32 random bytes; only BLAKE2b(token) is stored, so a
 * stolen database holds no usable token.
 */
#ifndef REDRESS_AUTH_H
#define REDRESS_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Must be called once before any other function here. -1 if libsodium fails. */
int auth_init(void);
/* Hashes password into out (crypto_pwhash_STRBYTES). -1 on failure. */
int auth_hash_password(const char *password, char *out, size_t outlen);
bool auth_check_password(const char *hash, const char *password);
/* A hash made like every other of a password nobody knows (static; made on
 * first use), to check a password against when the name is unknown, so that
 * an unknown name costs the same work as a wrong password. */
const char *auth_dummy_hash(void);
/* A fresh token of kind 's' or 't' into out (at least 64 bytes) and its hash. */
void auth_new_token(char kind, char *out, size_t outlen, uint8_t hash[32]);
/* The stored hash of a presented token. */
void auth_token_hash(const char *token, uint8_t hash[32]);
/* The key under which the sign-in throttle counts a user name tried (hex of
 * its BLAKE2b-128), so that names typed at sign-in are not stored. */
void auth_account_key(const char *username, char out[33]);

/*
 * The signature of a request or a callback between Redress and another
 * system: hex of HMAC-SHA256(secret, ts + "." + body) into hex, ts being
 * Unix seconds (the X-Redress-Timestamp header; the signature goes in
 * X-Redress-Signature as "sha256=" and the hex).
 */
void auth_sign(const char *secret, int64_t ts, const char *body, size_t len, char hex[65]);
/* Seconds a signed request's timestamp may be from now, either way, against replays. */
enum { AUTH_SIGN_SKEW = 300 };
/* True when given ("sha256=HEX" or HEX) signs body at ts with secret and ts is within AUTH_SIGN_SKEW of now. */
bool auth_signature_ok(const char *secret, int64_t ts, int64_t now, const char *body, size_t len, const char *given);

#endif
