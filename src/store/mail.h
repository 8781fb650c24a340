/*
 * mail: the mailboxes the e-mail intake reads and the messages it took in
 * (migration 025, app/mailin.h), written once for both backends over the
 * driver. The customer's data of a message row arrive sealed and leave
 * sealed; this file never sees them in clear.
 */
#ifndef REDRESS_STORE_MAIL_H
#define REDRESS_STORE_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* A mailbox (its texts owned: mailbox_release). */
typedef struct mailbox {
    char name[64];
    int64_t unit;   /* whose agents take its messages in */
    char *url;      /* imap:// or imaps://, the folder in the path */
    char *username;
    char *password; /* never shown by the API */
    bool enabled;
    int poll_seconds;
    int64_t created_at;
    /* The poller's state. */
    int64_t uidvalidity, last_uid, polled_at, lease_until, claim;
    char *last_error; /* "" when the last poll went well */
} mailbox;
typedef struct mailbox_list {
    mailbox *items;
    size_t n;
} mailbox_list;
void mailbox_release(mailbox *m);
void mailbox_list_release(mailbox_list *l);

/* Creates mailbox m->name, or replaces its settings (url, user, password, enabled, interval), keeping its state. */
int store_mailbox_put(store *s, const mailbox *m);
/* 0 or STORE_NOTFOUND. */
int store_mailbox_delete(store *s, const char *name);
int store_mailbox_list(store *s, mailbox_list *out);
int store_mailbox_get(store *s, const char *name, mailbox *out);
/*
 * Claims mailbox name for a poll at now until now + lease seconds, unless
 * another poller's lease holds it; *claim (OUT) the token its end must
 * match. 0, STORE_CONFLICT (held), STORE_NOTFOUND.
 */
int store_mailbox_claim(store *s, const char *name, int64_t now, int64_t lease, int64_t *claim);
/*
 * Ends a claim: the folder's uidvalidity and the highest UID taken in,
 * polled_at, last_error (borrowed, "" = none); the lease is let go.
 * STORE_CONFLICT when the claim is no longer this one's: nothing written.
 */
int store_mailbox_done(store *s, const char *name, int64_t claim, int64_t uidvalidity, int64_t last_uid,
                       int64_t polled_at, const char *last_error);

/* A message taken in (its texts owned: mail_draft_release). Sealed: sender … raw, note. */
typedef struct mail_draft {
    char id[40];
    char mailbox[64];
    int64_t unit; /* the mailbox's, when it was taken in */
    int64_t uidvalidity, uid;
    char status[16]; /* pending, aside, joined, confirmed, discarded */
    char reason[32]; /* aside: malformed, oversized, duplicate */
    char msgid_key[40];
    int64_t received_at, sent_at, size;
    char key_id[32];
    char *wrapped;
    char *sender, *sender_name, *subject, *body, *files, *raw;
    int64_t complaint_id, decided_by, decided_at;
    char *note;
} mail_draft;
typedef struct mail_draft_list {
    mail_draft *items;
    size_t n;
} mail_draft_list;
void mail_draft_release(mail_draft *d);
void mail_draft_list_release(mail_draft_list *l);

/* Stores d; a message of the same mailbox, uidvalidity and uid stored already is left as it is (0). */
int store_mail_draft_add(store *s, const mail_draft *d);
/* *seen (OUT): a message with Message-ID key msgid_key was taken in already. */
int store_mail_draft_seen(store *s, const char *msgid_key, bool *seen);
/* Which messages a listing reads. */
typedef struct mail_draft_filter {
    const char *status;   /* NULL: every one */
    const int64_t *units; /* those of a mailbox of these units; NULL: every unit */
    size_t n_units;
    int limit;
} mail_draft_filter;
/* The rows f selects newest first, at most f->limit, without their raw message (raw ""). */
int store_mail_draft_list(store *s, const mail_draft_filter *f, mail_draft_list *out);
/* Row id with its raw message. 0 or STORE_NOTFOUND. */
int store_mail_draft_get(store *s, const char *id, mail_draft *out);
/*
 * Decides a pending row: status (confirmed, discarded), complaint_id, who,
 * when and note (sealed or ""). STORE_CONFLICT when it is not pending.
 */
int store_mail_draft_decide(store *s, const char *id, const char *status, int64_t complaint_id, int64_t by,
                            int64_t at, const char *note);

#endif
