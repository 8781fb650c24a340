/*
 * pii: the cryptography that keeps customer data unreadable at rest
 * (docs/privacy.md), all of it libsodium.
 *
 *   master keys   32 bytes each, with an id ("k1"), from a key file or an
 *                 environment variable (never from the database). The first
 *                 is the current one (it wraps new keys); the others are
 *                 still accepted for unwrapping while keys are rotated.
 *   data keys     32 random bytes per complaint, stored wrapped
 *                 (crypto_secretbox, nonce || MAC || key) by a master key.
 *   sealed value  "pii1:" + base64url(nonce || secretbox(text)) under a
 *                 complaint's data key; core/ treats it as an opaque string.
 *   blind index   hex BLAKE2b-128 of a phone's digits keyed with the index
 *                 key: lookups without the number in clear. The index key
 *                 is random, made once per installation and stored in the
 *                 config table wrapped by the master key, so rotating the
 *                 master key re-wraps it and every index stays valid.
 *
 * A keyring is shared by all threads (its own mutex). When it meets a key
 * id it does not know, it reads its source again once: a server keeps
 * serving while `redress rekey` adds a new master key to the file.
 */
#ifndef REDRESS_PII_H
#define REDRESS_PII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/erasure.h"

enum {
    PII_KEY_BYTES = 32,
    PII_ID_MAX = 32,
    /* nonce (24) + MAC (16) + key (32) */
    PII_WRAPPED_BYTES = 72,
    PII_INDEX_HEX = 33, /* 32 hex digits + NUL */
};

typedef struct pii_master {
    char id[PII_ID_MAX];
    uint8_t key[PII_KEY_BYTES];
} pii_master;

typedef struct pii_keyring pii_keyring;

/*
 * Loads the master keys: from the environment variable env_name when it is
 * set and not empty, else from the file at path. The text is one key a line,
 * "ID HEX64" (# starts a comment); the first is current. A key file readable
 * by group or others is refused. Returns NULL with a message in err.
 */
pii_keyring *pii_keyring_load(const char *path, const char *env_name, char *err, size_t errlen);
/* A keyring of the given keys (tests, `redress rekey`); keys[0] is current. */
pii_keyring *pii_keyring_new(const pii_master *keys, size_t n);
void pii_keyring_free(pii_keyring *kr);
/* The current master key's id into out. */
void pii_keyring_current(pii_keyring *kr, char out[PII_ID_MAX]);
/* Copies up to max keys (current first) into keys; returns the count. */
size_t pii_keyring_export(pii_keyring *kr, pii_master *keys, size_t max);
/* True when the keyring knows key id (reading its source again if not). */
bool pii_keyring_knows(pii_keyring *kr, const char *id);

/*
 * Creates a key file at path with one new random key and mode 0600, unless
 * one exists. Returns 1 when created, 0 when it existed, -1 with err.
 */
int pii_keyfile_create(const char *path, char *err, size_t errlen);
/* Writes keys (keys[0] current) to path atomically with mode 0600. */
int pii_keyfile_write(const char *path, const pii_master *keys, size_t n, char *err, size_t errlen);
/* A new random master key with a fresh id ("k" + unix seconds + random). */
void pii_master_generate(pii_master *out);

/* A new random data key. */
void pii_datakey_new(uint8_t dk[PII_KEY_BYTES]);
/* Wraps dk with the current master key: its id into key_id, the box into out. */
void pii_wrap(pii_keyring *kr, const uint8_t dk[PII_KEY_BYTES], char key_id[PII_ID_MAX],
              uint8_t out[PII_WRAPPED_BYTES]);
/*
 * Unwraps a key wrapped by master key key_id: 0, PII_KEY_UNKNOWN when the
 * keyring holds no key of that id, PII_KEY_WRONG when it holds one that does
 * not open the box (another key under the same id, or a damaged box). The
 * two need different remedies, so they are told apart (pii_unwrap_why).
 */
enum { PII_KEY_UNKNOWN = -1, PII_KEY_WRONG = -2 };
int pii_unwrap(pii_keyring *kr, const char *key_id, const uint8_t *wrapped, size_t len, uint8_t dk[PII_KEY_BYTES]);
/* What a failure of pii_unwrap means, for a message ("… key \"k1\" <why>"): static text. */
const char *pii_unwrap_why(int rc);

/*
 * base64url without padding (RFC 4648 §5), the sealed form's text, in
 * variable time (it encodes boxes, not secrets). encode writes
 * PII_B64_LEN(n) characters and a NUL, returning the length; decode
 * refuses anything but the canonical encoding of some bytes (-1), writing
 * at most n * 3 / 4 bytes.
 */
#define PII_B64_LEN(n) (((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))
size_t pii_b64_encode(char *out, const uint8_t *in, size_t n);
int pii_b64_decode(uint8_t *out, size_t *outlen, const char *in, size_t n);

/* Seals text under dk: a new heap string "pii1:…" (caller frees). */
char *pii_seal(const uint8_t dk[PII_KEY_BYTES], const char *text);
/* Opens a sealed value: a new heap string, or NULL if it is not one sealed under dk. */
char *pii_open(const uint8_t dk[PII_KEY_BYTES], const char *sealed);

/* The blind index of a phone's digits under the index key, as hex. */
void pii_blind_index(const uint8_t index_key[PII_KEY_BYTES], const char *digits, char out[PII_INDEX_HEX]);

#endif
