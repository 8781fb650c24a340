/*
 * notify: the notifications to people that a step of a complaint queues,
 * written to the outbox in the step's own transaction and delivered later
 * by jobs/deliver.c (core/notify.h has the states of a row).
 *
 * A dispatch, when e-mail is on (app.notify_email), queues one e-mail for
 * each active user of the unit it is dispatched to who has an address and
 * wants e-mail — one row per recipient, so each has its own attempts, and
 * a retry or a dead letter concerns one person. The row names the user,
 * not the address: the address is read when sending, so a corrected
 * address or a changed preference counts until the message goes. The
 * payload holds what any member of that unit may see of the complaint
 * (number, category, level, units, time limit) and no customer data.
 *
 * A dispatch also queues one row (channel "webhook") for each webhook of
 * the unit it goes to or of a unit above it, named by the webhook
 * (outbox.target), whose URL and secret are read when sending.
 *
 * Every change of status of a complaint that a partner system sent in
 * (data.partner, app/intake.h) queues one row (channel "webhook",
 * template "status") for that partner's webhook: the number, the
 * partner's reference, the new status and the step, and a reply's method
 * and content — what the partner needs to answer its own customer.
 */
#ifndef REDRESS_APP_NOTIFY_H
#define REDRESS_APP_NOTIFY_H

#include "app/app.h"

/*
 * The outbox rows that ev (sealed, the step from was to next) queues for
 * people, appended to *rows (a heap array of *n elements, grown with
 * xrealloc); the payloads of the rows appended are owned, freed by
 * app_notify_release. The caller holds a snapshot (app_enter). 0 or a STORE_*
 * code (the users could not be read).
 */
int app_notify_rows(app *a, const complaint *next, const event *ev, outbox_msg **rows, size_t *n);
/* Frees the payloads of rows[0..n) (not the array). */
void app_notify_release(outbox_msg *rows, size_t n);

#endif
