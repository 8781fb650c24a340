/* chain: see chain.h. */
#include "core/chain.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/jsonr.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

void chain_keys_derive(const uint8_t k[CHAIN_KEY_BYTES], chain_keys *out)
{
    static const char ctx[crypto_kdf_CONTEXTBYTES] = "rdchain1";
    crypto_kdf_derive_from_key(out->events, 32, 1, ctx, k);
    crypto_kdf_derive_from_key(out->audit, 32, 2, ctx, k);
    crypto_kdf_derive_from_key(out->log, 32, 3, ctx, k);
    crypto_kdf_derive_from_key(out->checkpoint, 32, 4, ctx, k);
}

void chain_hash(const uint8_t *key, const uint8_t prev[32], const char *body, uint8_t out[32])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, key ? 32 : 0, 32);
    crypto_generichash_update(&st, prev, 32);
    crypto_generichash_update(&st, (const unsigned char *)body, strlen(body));
    crypto_generichash_final(&st, out, 32);
}

/* Little-endian bytes of v into p. */
static void le64(uint8_t p[8], int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(u >> (8 * i));
}

void chain_epoch_mac(const chain_keys *k, uint8_t out[32])
{
    uint8_t m[5 + 16];
    memcpy(m, "epoch", 5);
    le64(m + 5, k->events_from);
    le64(m + 13, k->audit_from);
    crypto_generichash(out, 32, m, sizeof m, k->checkpoint, 32);
}

void chain_digest_add(const chain_keys *k, uint8_t digest[32], int64_t event_id, const uint8_t hash[32])
{
    uint8_t m[8 + 32], h[32];
    le64(m, event_id);
    memcpy(m + 8, hash, 32);
    crypto_generichash(h, 32, m, sizeof m, k->log, 32);
    for (int i = 0; i < 32; i++)
        digest[i] ^= h[i];
}

static void checkpoint_mac(const chain_keys *k, const checkpoint *c, uint8_t out[32])
{
    uint8_t m[10 + 6 * 8 + 64];
    uint8_t *p = m;
    memcpy(p, "checkpoint", 10);
    p += 10;
    const int64_t v[] = {c->id, c->at, c->last_event, c->complaints, c->events, c->audit_seq};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++, p += 8)
        le64(p, v[i]);
    memcpy(p, c->digest, 32);
    memcpy(p + 32, c->audit_hash, 32);
    crypto_generichash(out, 32, m, sizeof m, k->checkpoint, 32);
}

void checkpoint_seal(const chain_keys *k, checkpoint *c)
{
    checkpoint_mac(k, c, c->mac);
}

bool checkpoint_mac_ok(const chain_keys *k, const checkpoint *c)
{
    uint8_t m[32];
    checkpoint_mac(k, c, m);
    return sodium_memcmp(m, c->mac, 32) == 0;
}

char *checkpoint_json(const checkpoint *c)
{
    char d[65], a[65], m[65];
    sodium_bin2hex(d, sizeof d, c->digest, 32);
    sodium_bin2hex(a, sizeof a, c->audit_hash, 32);
    sodium_bin2hex(m, sizeof m, c->mac, 32);
    json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:s,s:s}", "id", (json_int_t)c->id, "at", (json_int_t)c->at,
                          "last_event", (json_int_t)c->last_event, "complaints", (json_int_t)c->complaints, "events",
                          (json_int_t)c->events, "digest", d, "audit_seq", (json_int_t)c->audit_seq, "audit_hash", a,
                          "mac", m);
    if (!o)
        die("chain: cannot build a checkpoint");
    char *s = jsonw_dumps(o, true);
    json_decref(o);
    if (!s)
        die("chain: cannot serialise a checkpoint");
    return s;
}

static int unhex32(const char *s, uint8_t out[32])
{
    size_t n = 0;
    return s && strlen(s) == 64 && sodium_hex2bin(out, 32, s, 64, NULL, &n, NULL) == 0 && n == 32 ? 0 : -1;
}

int checkpoint_parse(const char *text, checkpoint *c)
{
    json_error_t jerr;
    json_t *o = jsonr_loads(text, &jerr);
    json_int_t id, at, last, nc, ne, aseq;
    const char *d, *a, *m;
    memset(c, 0, sizeof *c);
    int rc = o && json_unpack(o, "{s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:s,s:s}", "id", &id, "at", &at, "last_event", &last,
                              "complaints", &nc, "events", &ne, "digest", &d, "audit_seq", &aseq, "audit_hash", &a,
                              "mac", &m) == 0 &&
                     unhex32(d, c->digest) == 0 && unhex32(a, c->audit_hash) == 0 && unhex32(m, c->mac) == 0
                 ? 0
                 : -1;
    if (rc == 0) {
        c->id = id;
        c->at = at;
        c->last_event = last;
        c->complaints = nc;
        c->events = ne;
        c->audit_seq = aseq;
    }
    json_decref(o);
    return rc;
}
