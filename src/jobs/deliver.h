/*
 * deliver: delivery of the outbox's e-mails and webhooks (core/notify.h has
 * the states of a row and the back-off). A pass claims the due rows of the
 * channels "email" (with a mail server) and "webhook" (store_outbox_claim:
 * a lease, and on PostgreSQL FOR UPDATE SKIP LOCKED, so several nodes share
 * the work and never send one row at once), then, outside any transaction
 * and any lock, looks up each recipient's address and preferences or the
 * webhook's URL and secret, renders the message from the row's template and
 * payload, sends it — over SMTP, or as a signed HTTP POST (libcurl) — and
 * records the attempt (store_outbox_finish, which refuses a result whose
 * claim was taken over).
 *
 * At least once: a sender killed between sending and recording leaves the
 * row claimed until its lease runs out, when it is sent again with the
 * same Message-ID or Idempotency-Key, which a receiver may use to drop the
 * copy.
 *
 * The deliverer of `redress serve` is one thread per process that runs a
 * pass every second, and again at once while passes find full batches.
 */
#ifndef REDRESS_DELIVER_H
#define REDRESS_DELIVER_H

#include <stdint.h>

#include "app/app.h"
#include "core/notify.h"
#include "util/buf.h"

enum { DELIVER_BATCH = 16 };

typedef struct deliver_config {
    const char *smtp_url;  /* smtp://HOST:PORT or smtps://…; borrowed */
    const char *smtp_user; /* "" or NULL: none (or in the URL) */
    const char *smtp_password;
    const char *smtp_from; /* the sender's address */
    const char *sms_url;    /* an HTTP(S) SMS gateway; NULL or "": no SMS */
    const char *sms_secret; /* signs the gateway's requests as webhooks are signed */
    notify_backoff backoff;
    int timeout_s; /* one attempt */
} deliver_config;

typedef struct deliver_stats {
    long sent, failed, dead, skipped, lost_claims;
} deliver_stats;

/* One pass at now: claims and handles up to DELIVER_BATCH due rows; *n (OUT) how many. 0 or a STORE_* code. */
int deliver_run(app *a, const deliver_config *cfg, int64_t now, deliver_stats *st, size_t *n);

/*
 * The message of one outbox row of template "dispatch", "rule_notify" or
 * "incident_opened" to a recipient
 * (its name, borrowed), as subject and text and HTML bodies appended to
 * the three buffers. -1 when the template is unknown or the payload is
 * not an object.
 */
int deliver_render(const char *template_name, const char *payload, const char *to_name, buf *subject, buf *text,
                   buf *html);

/*
 * The text message of an outbox row of template "sla_warning" or
 * "supervision" (its payload, as the sweeper writes it), or "rule_notify"
 * or "incident_opened" (the pack's message), appended to out;
 * -1 when the template is unknown or the payload is not an object.
 */
int deliver_sms_text(const char *template_name, const char *payload, buf *out);

/*
 * The body of a webhook row m in format (core/notify.h: WEBHOOK_JSON — the
 * row's key as "id", its template as "event", "created_at" and the payload
 * as "data" —, or a WeCom/DingTalk text message), appended to out. -1 when
 * the template is unknown.
 */
int deliver_webhook_body(const outbox_msg *m, int format, buf *out);

/* The deliverer thread of `redress serve` (webhooks always, e-mail with cfg's smtp_url); cfg is copied. NULL if it
 * cannot start. */
typedef struct deliverer deliverer;
deliverer *deliverer_start(app *a, const deliver_config *cfg);
void deliverer_stop(deliverer *d);

#endif
