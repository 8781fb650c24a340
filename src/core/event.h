/*
 * event: one step in a complaint's history. Events are append-only and
 * chained per complaint: hash = BLAKE2b-256(prev_hash || body), keyed with
 * the chain's events key (core/chain.h) the event carries, where body is
 * the canonical JSON text of the event (sorted keys, compact) and prev_hash
 * is the previous event's hash (32 zero bytes for the first). The body is
 * stored verbatim, so verification recomputes the hash from stored bytes.
 */
#ifndef REDRESS_EVENT_H
#define REDRESS_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/complaint.h"

typedef struct event {
    int64_t id; /* store row id; 0 until stored */
    int64_t complaint_id;
    int64_t seq; /* 1, 2, … within the complaint */
    char action[24];
    int64_t at;
    int64_t actor; /* user id; 0 for the system or the public portal */
    int from_status, to_status;
    json_t *payload; /* owned */
    char *body;      /* owned canonical text; NULL until sealed */
    uint8_t prev[32];
    uint8_t hash[32];
    /* Borrowed: the chain's events key (32 bytes) the event is sealed with,
     * set by whoever builds it; NULL = unkeyed, as before the chain's epoch. */
    const uint8_t *key;
} event;

void event_init(event *e);
void event_release(event *e);
/* Builds e->body from the fields and computes e->hash from e->prev, keyed with e->key. */
void event_seal(event *e);
/*
 * Parses a stored body back into the fields (the inverse of event_seal);
 * e->body is taken over by e. Returns -1 if the body is not a well-formed
 * event.
 */
int event_from_body(event *e, char *body);
/* True when e->hash == BLAKE2b(e->prev || e->body) keyed with key (32 bytes), or unkeyed when key is NULL. */
bool event_hash_ok(const event *e, const uint8_t *key);
/* Lower-case hex of a 32-byte hash into out (65 bytes). */
void hash_hex(const uint8_t h[32], char out[65]);
int hash_unhex(const char *s, uint8_t h[32]);

/* The head of a new event of c outside the transition table (a correction,
 * an erasure, a link): its complaint, seq, action, time, actor and prev;
 * the status stays. The payload is the caller's. */
void event_head(const complaint *c, int64_t actor, int64_t now, const char *action, event *ev);

#endif
