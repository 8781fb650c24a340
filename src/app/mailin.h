/*
 * mailin: e-mail intake (docs/operations.md "E-mail intake"). A mailbox
 * (store/mail.h) is read over IMAP (util/imap.h); each new message is read
 * (util/mailmsg.h) and kept, sealed under a data key of its own, as one of:
 *
 *   pending    a draft complaint for an agent to complete and confirm
 *              (app_mail_confirm: an intake on channel "email", the
 *              message kept as an attachment) or discard — nothing is
 *              dispatched before a person confirmed it;
 *   aside      kept with its reason and never taken further: malformed
 *              (not a message, or no sender), oversized (larger than the
 *              limit: its header only is fetched and kept), duplicate (its
 *              Message-ID was taken in already);
 *   joined     a reply whose subject names a stored complaint's number:
 *              a "mail_in" step on that complaint's timeline, its texts
 *              sealed under the complaint's key.
 *
 * A poll claims the mailbox under a lease, so two nodes never read one
 * mailbox at once, and moves its last UID on only past messages kept.
 */
#ifndef REDRESS_APP_MAILIN_H
#define REDRESS_APP_MAILIN_H

#include "app/app.h"
#include "store/mail.h"

typedef struct pii_memo pii_memo;

/* The intake's limits (serve's settings; process-wide, set before serving). */
typedef struct mailin_config {
    int64_t max_bytes; /* a larger message is kept aside as oversized */
    int timeout_s;     /* one IMAP command */
} mailin_config;
void app_mailin_configure(const mailin_config *cfg);

/*
 * The mailbox called name that in describes ({"unit", "url", "user",
 * "password", "enabled", "poll_seconds"}; unit an id or code) into m (its strings borrowed from in),
 * created at now. Without a password (or an empty one) the stored mailbox
 * of that name keeps its own. 0 or CERR_USER with e naming the field.
 */
int app_mailbox_check(app *a, const char *name, json_t *in, int64_t now, mailbox *m, cerr *e);

/* What a poll did. */
typedef struct mailin_counts {
    int fetched, pending, aside, joined;
} mailin_counts;

/*
 * Polls mailbox name at now: claims it (STORE_CONFLICT while another
 * poller holds it), reads the messages above its last UID and keeps each
 * (app_mailin_take). 0 — an IMAP failure too, recorded as the mailbox's
 * last_error and copied into err — STORE_NOTFOUND or a STORE_* code.
 */
int app_mailin_poll(app *a, const char *name, int64_t now, mailin_counts *out, char *err, size_t errlen);

/*
 * Keeps one message of mailbox (of unit unit_id; its folder's uidvalidity and the
 * message's uid): raw[0..n) its bytes, or its header only when oversized
 * (size: its whole size). Never fails on the bytes; 0 or a STORE_* code.
 */
int app_mailin_take(app *a, const char *mailbox, int64_t unit_id, int64_t uidvalidity, int64_t uid, const void *raw, size_t n,
                    bool oversized, int64_t size, int64_t now, mailin_counts *c);

/*
 * Replaces the sealed texts of message row d in place (sender,
 * sender_name, subject, body, note, the files' names) by their clear form
 * when clear — for who may see customer data (app_pii_may_unmask, the
 * caller's check), recorded as a pii_view in the audit log at now — else
 * masked. 0 or a STORE_* code (the audit entry could not be written).
 */
int app_mail_draft_open(app *a, const actor *who, mail_draft *d, bool clear, int64_t now);

/*
 * Confirms pending draft id as a complaint: input is the intake body the
 * agent completed (its channel is "email"); the message is attached as a
 * .eml and so are its files of the types allowed. Confirming it again
 * answers the same complaint (1). 0, 1, CERR_USER with e, or a STORE_* code.
 */
int app_mail_confirm(app *a, const actor *who, const char *id, json_t *input, int64_t now, complaint *out,
                     pii_memo *memo, cerr *e);
/* Discards pending draft id for reason (1–500 characters, sealed). 0, CERR_USER or a STORE_* code. */
int app_mail_discard(app *a, const actor *who, const char *id, const char *reason, int64_t now, cerr *e);

#endif
