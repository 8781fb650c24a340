/*
 * auditlog: the pure part of the installation's audit log — one hash chain
 * for every security-relevant event (sign-ins, denials, configuration
 * changes, views of customer data). An entry's hash is
 * BLAKE2b-256(prev_hash || canonical text), keyed with the chain's audit key
 * (core/chain.h) the row carries, where the canonical text is the
 * compact JSON object of its columns with sorted keys:
 *
 *   {"action":…,"actor":…,"at":…,"customer":…|null,"detail":"…"|null,
 *    "ip":…|null,"seq":…,"subject":…|null}
 *
 * detail is hashed as the text it is stored as (a JSON string), so the
 * check never depends on how a JSON document is re-serialised. The first
 * entry's prev_hash is 32 zero bytes. The store assigns seq and prev_hash
 * under its lock and seals the row (auditlog_seal); verification recomputes
 * the hash from the stored columns (auditlog_hash_ok).
 */
#ifndef REDRESS_AUDITLOG_H
#define REDRESS_AUDITLOG_H

#include <stdbool.h>
#include <stdint.h>

typedef struct audit_row {
    int64_t seq; /* 1, 2, … over the whole installation; set by the store */
    int64_t at;  /* unix seconds (UTC) */
    int64_t actor;
    /* Owned by an audit_page; borrowed when appending. action is never NULL. */
    char *action, *subject, *customer, *ip, *detail;
    uint8_t prev[32], hash[32];
    /* Borrowed: the chain's audit key (32 bytes) to seal with; NULL = unkeyed. */
    const uint8_t *key;
} audit_row;

/*
 * What an entry's subject names, for the two things the log derives from
 * it: the data key that seals its free text (a complaint's) and the units
 * whose auditors may read it (docs/privacy.md "The audit log").
 */
typedef enum audit_about {
    AUDIT_ABOUT_ACTOR,     /* nothing with a unit ("endpoint:…", "customer", none): the actor's unit */
    AUDIT_ABOUT_COMPLAINT, /* "complaint:ID": the complaint's units */
    AUDIT_ABOUT_USER,      /* "user:ID": the user's home unit */
    AUDIT_ABOUT_TOKEN,     /* "token:ID": its user's home unit */
    AUDIT_ABOUT_UNIT,      /* "unit:ID": the unit */
    AUDIT_ABOUT_CONFIG,    /* "config:…": the whole installation, no unit */
} audit_about;
/* Classifies subject (may be NULL); *id (OUT) is the number after the colon, else 0. */
audit_about auditlog_about(const char *subject, int64_t *id);

/* The canonical text of r (heap; caller frees). */
char *auditlog_canonical(const audit_row *r);
/* Computes r->hash from r->prev and the other columns, keyed with r->key. */
void auditlog_seal(audit_row *r);
/* True when r->hash is what its columns and r->prev give, keyed with key (32 bytes) or unkeyed when NULL. */
bool auditlog_hash_ok(const audit_row *r, const uint8_t *key);

#endif
