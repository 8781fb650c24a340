/*
 * custmsg: the customer's own messages (core/custmsg.h) as outbox rows of
 * the step that causes them, written in its transaction: the
 * acknowledgement of an intake, and a reply given by text message or
 * e-mail. A row names no address (target "customer"): the deliverer opens
 * the complaint's sealed phone or e-mail when it sends (jobs/deliver.c),
 * so erasure leaves nothing to send, and the reply's text stays sealed in
 * the payload. A row made inside the pack's quiet hours waits for their end.
 * Only the ways this node delivers (a->notify_sms, a->notify_email) are queued.
 */
#ifndef REDRESS_APP_CUSTMSG_H
#define REDRESS_APP_CUSTMSG_H

#include "app/app.h"

/* The target of a customer's row. */
#define CUSTMSG_TARGET "customer"

/*
 * Appends to *rows (*n of them, realloc'd) the rows telling c's customer of
 * ev under policy pol (the caller's snapshot: it may run inside a store's
 * unit of work, on another thread); none when the pack sends none.
 */
void app_custmsg_rows(app *a, const policy *pol, const complaint *c, const event *ev, outbox_msg **rows, size_t *n);

/*
 * Queues link url (a secret: sealed in the rows) of link link_id to c's
 * customer at now (after the quiet hours) each way the pack's template of
 * kind ("survey", "confirm") and this node allow; appends {"channel", "at"
 * (seconds)} for each to sent (may be NULL). Returns 0 (nothing queued when
 * no way reaches the customer) or a STORE_* code.
 */
int app_custmsg_link(app *a, const complaint *c, const char *kind, const char *url, int64_t link_id, int64_t now,
                     json_t *sent);

#endif
