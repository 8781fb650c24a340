/*
 * notify: the rules of notifications that reach people, pure — what a
 * staff member's e-mail address and phone number may look like, the
 * channels a user may ask for, and when a delivery that failed is tried
 * again. The delivery job (jobs/deliver.c) and the users' API use them;
 * the randomness of the back-off's jitter is an argument, like the time.
 *
 * States of an outbox row (the store keeps them, jobs/deliver.c moves them):
 *
 *     pending ──claimed, sent──▶ sent
 *        │  └───claimed, failed──▶ failed ──next_at comes, claimed──▶ …
 *        │                           │
 *        │       failed with the allowance used up (notify_status_after)
 *        │                           ▼
 *        └─────────────────────────▶ dead ──retry (an administrator)──▶ pending
 *     pending, failed, dead ──cancel (an administrator)──▶ cancelled
 *
 * A claim lasts a lease; a row whose sender died mid-way is claimed again
 * when it runs out (at least once; the Message-ID lets a receiver drop a
 * copy).
 */
#ifndef REDRESS_NOTIFY_H
#define REDRESS_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The channels a user may want (users.notify): bits. */
enum { NOTIFY_EMAIL = 1, NOTIFY_SMS = 2 };

/* An address a staff member may give: ASCII local@domain.tld, at most 254
 * bytes, no space, control character, quote, bracket or comma (so that it
 * can go into a header as is). */
bool notify_email_ok(const char *s);
/* A phone number: an optional leading +, then 5–20 digits, with single
 * spaces or hyphens between them. */
bool notify_phone_ok(const char *s);

/* Parses "email,sms" (each at most once; "" = none) into bits; -1 on an unknown or repeated name. */
int notify_channels_parse(const char *s, unsigned *out);
/* The bits as "email,sms" into out (at least 16 bytes). */
void notify_channels_text(unsigned bits, char *out, size_t n);
/* The name of each bit, for the API's lists: NULL past the last. */
const char *notify_channel_name(int i);

/* A webhook's name: 1–32 of a-z, 0-9, _ and - (it goes into idempotency keys). */
bool notify_webhook_name_ok(const char *s);
/* An endpoint: http:// or https://, a host, printable ASCII without spaces, at most 2000 bytes. */
bool notify_url_ok(const char *s);
/* The formats of a webhook's body: signed JSON, or a group robot's text message. */
enum { WEBHOOK_JSON, WEBHOOK_WECOM, WEBHOOK_DINGTALK };
/* The format named s, or -1. */
int notify_webhook_format(const char *s);

typedef struct notify_backoff {
    int64_t base;     /* seconds before the second attempt (≥ 1) */
    int64_t cap;      /* no wait is longer (≥ base) */
    int max_attempts; /* attempts allowed before the row is dead (≥ 1) */
} notify_backoff;

/*
 * Seconds to wait after the n-th failed attempt (n ≥ 1): base · 2^(n−1),
 * capped at cap, then spread by jitter ∈ [0, 1) over its upper half
 * (between half of it and all of it), so that rows that failed together do
 * not come back together. At least 1.
 */
int64_t notify_backoff_delay(const notify_backoff *b, int n, double jitter);

/* The status after a failed attempt, tries being the attempts since the last retry (≥ 1): "failed" or "dead". */
const char *notify_status_after_failure(const notify_backoff *b, int tries);

#endif
