/*
 * mailin: the poller of `redress serve` that reads the enabled mailboxes
 * (app/mailin.h): one thread per process that wakes every second and polls
 * each mailbox whose interval has passed since its last poll. Each poll
 * claims its mailbox under a lease (store_mailbox_claim), so the pollers
 * of several nodes share the mailboxes and never read one at once.
 */
#ifndef REDRESS_JOBS_MAILIN_H
#define REDRESS_JOBS_MAILIN_H

#include <stdint.h>

#include "app/app.h"

/* One pass at now: polls the enabled mailboxes that are due; *n (OUT) how many were polled. 0 or a STORE_* code. */
int mailin_run(app *a, int64_t now, int *n);

typedef struct mailpoller mailpoller;
/* Starts the poller; NULL if it cannot start. */
mailpoller *mailpoller_start(app *a);
void mailpoller_stop(mailpoller *p);

#endif
