/*
 * audit: the installation's hash-chained audit log of security events —
 * sign-ins and failures, lockouts, sign-outs, expired sessions, password
 * changes, permission denials, token and user and configuration changes,
 * views, exports, corrections and erasures of customer data.
 *
 * Every entry is appended to one chain (core/auditlog.h) through the store;
 * `redress verify` walks it (audit_verify) and names the first entry whose
 * hash, link or sequence is wrong. Entries are never updated or deleted.
 *
 * Action codes (stable; the API and the UI filter on them): login,
 * login_failed, lockout, logout, session_expired, password_change, denied,
 * token_create, token_revoke, user_create, user_change, config_change,
 * pii_view, pii_export, pii_correct, pii_erase, retention_anonymise, rekey,
 * list_export (a list of complaints exported as a file, masked),
 * report_export (the satisfaction breakdown exported as a file).
 */
#ifndef REDRESS_AUDIT_H
#define REDRESS_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/chain.h"
#include "store/store.h"

typedef struct audit_entry {
    int64_t at;           /* unix seconds (UTC) */
    int64_t actor;        /* user id; 0 = anonymous or the system */
    const char *action;   /* stable code, see above */
    const char *subject;  /* what it concerns: "complaint:42", "user:7",
                             "token:3", "config:pack", "customer" … or NULL */
    const char *customer; /* the customer concerned: the hex blind index of
                             their phone, or NULL */
    const char *ip;       /* client address or NULL */
    const char *detail;   /* a JSON object as text, or NULL; never PII in clear:
                             free text a user typed about a complaint is sealed
                             under its data key (app/pii.h) before it gets here */
    /* The units the entry concerns, when the caller knows them (a customer's
     * complaints); none (n_units 0): derived from subject (auditlog_about). */
    const int64_t *units;
    size_t n_units;
    /* Borrowed: the chain's audit key (core/chain.h, app_audit_key) the
     * entry is sealed with; NULL (no master key open) seals it unkeyed,
     * which `redress verify` reports. */
    const uint8_t *key;
} audit_entry;

/*
 * Appends e to the hash-chained audit log; durable when it returns 0.
 * Returns 0 or a STORE_* code (a failure is also logged). Borrowed:
 * everything in e. Empty strings are stored as NULL. Unless e names its
 * units, they are looked up from its subject as it stands now: a
 * complaint's owner, subject, handling and assisting units, a user's (or a
 * token's user's) home unit, the unit named; none for config:…; else the
 * actor's home unit. They decide which auditors may list it.
 */
int audit_record(store *db, const audit_entry *e);

/*
 * Walks the whole chain from the first entry: entries from seq keyed_from
 * on must carry the hash keyed with key (core/chain.h), older ones may carry the
 * unkeyed one; the entry each checkpoint cps[0..ncps) (in order) recorded
 * must be there with the hash recorded. Returns 0 when intact, with
 * *checked (OUT) entries; 1 with a message naming the first broken entry
 * (by its seq) in msg; or a negative STORE_* code when the log cannot be
 * read.
 */
int audit_verify(store *db, const uint8_t *key, int64_t keyed_from, const checkpoint *cps, size_t ncps, long *checked, char *msg,
                 size_t msglen);

#endif
