/*
 * chain: the keyed MACs that make the event log and the audit log tamper
 * evident to someone who can write the database but does not hold the
 * master key (docs/operations.md "Integrity"). Pure.
 *
 *   chain key     32 random bytes per installation, stored in the config
 *                 table wrapped by the master key (app/pii.c), so that
 *                 rotating the master key re-wraps it and every MAC stays
 *                 valid. Four subkeys are derived from it (crypto_kdf,
 *                 context "rdchain1"): events, audit, log, checkpoint.
 *   event hash    keyed BLAKE2b-256(prev || body) under the events subkey
 *                 (core/event.h); an audit entry's hash likewise under the
 *                 audit subkey (core/auditlog.h).
 *   epoch         the first event id and audit seq sealed with a key; rows
 *                 before them (written before the upgrade) carry unkeyed
 *                 hashes, which verification accepts for them alone. The
 *                 epoch is MACed, so it cannot be moved forward.
 *   log digest    over every complaint's events at once: the XOR of
 *                 BLAKE2b-256_{log}(event id || event hash) over the events
 *                 up to an id. XOR makes it independent of the order the
 *                 events are read in, so verification computes it in the
 *                 one pass that checks each complaint; a keyed PRF under
 *                 XOR is a MAC of the set (removing, adding or changing an
 *                 event changes it unpredictably).
 *   checkpoint    (last event id, counts of complaints and events, log
 *                 digest, audit seq and hash) at a moment, MACed with the
 *                 checkpoint subkey: stored by the server and exported by
 *                 `redress verify --checkpoint-out`, it makes a deleted
 *                 complaint, a deleted event or a truncated tail visible.
 *
 * The keys are the caller's (app opens them with the master key) and are
 * handed to each seal and check: an event carries its key (event.key), an
 * audit row its own (audit_row.key); NULL seals unkeyed.
 */
#ifndef REDRESS_CHAIN_H
#define REDRESS_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { CHAIN_KEY_BYTES = 32 };

typedef struct chain_keys {
    uint8_t events[32], audit[32], log[32], checkpoint[32];
    /* The epoch: the first event id and audit seq written keyed. */
    int64_t events_from, audit_from;
} chain_keys;

/* Derives the four subkeys of chain key k into out (epoch untouched). */
void chain_keys_derive(const uint8_t k[CHAIN_KEY_BYTES], chain_keys *out);

/* BLAKE2b-256(prev || body), keyed with key (32 bytes) or unkeyed when key is NULL. */
void chain_hash(const uint8_t *key, const uint8_t prev[32], const char *body, uint8_t out[32]);

/* The MAC of the epoch (events_from, audit_from) under the checkpoint subkey. */
void chain_epoch_mac(const chain_keys *k, uint8_t out[32]);

/* digest ^= BLAKE2b-256_{log}(event_id || hash). */
void chain_digest_add(const chain_keys *k, uint8_t digest[32], int64_t event_id, const uint8_t hash[32]);

typedef struct checkpoint {
    int64_t id; /* 1, 2, … in the store; 0 until stored */
    int64_t at; /* unix seconds */
    int64_t last_event; /* the events with id <= this are covered */
    int64_t complaints, events; /* how many of each, up to last_event */
    uint8_t digest[32];         /* the log digest up to last_event */
    int64_t audit_seq;          /* the audit log's head then */
    uint8_t audit_hash[32];
    uint8_t mac[32];
} checkpoint;

/* Computes c->mac from the other fields. */
void checkpoint_seal(const chain_keys *k, checkpoint *c);
/* True when c->mac is what the other fields give. */
bool checkpoint_mac_ok(const chain_keys *k, const checkpoint *c);
/* c as one line of compact JSON (heap; caller frees). */
char *checkpoint_json(const checkpoint *c);
/* Parses what checkpoint_json wrote; -1 if text is not a checkpoint. */
int checkpoint_parse(const char *text, checkpoint *c);

#endif
