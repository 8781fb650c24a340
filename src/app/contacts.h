/*
 * contacts: the appeals contact of a unit (申诉接口人; seed 001 §4.1.8,
 * 联系责任人, core/appeal.h) — naming one, finding the one who answers for
 * a unit, and the in-app notices that tell the contact of an appeal
 * dispatched to their units (queued in the dispatch's own transaction by
 * app/act.c). Headquarters' return of a report tells the contact too
 * (app/appeal.c).
 */
#ifndef REDRESS_APP_CONTACTS_H
#define REDRESS_APP_CONTACTS_H

#include "app/app.h"
#include "core/appeal.h"
#include "store/appeals.h"

/* Every unit's appeals contact into out (store/appeals.h). 0 or a STORE_* code. */
int app_contacts_list(app *a, appeal_contact_list *out);

/*
 * Names the appeals contact of unit_id: user_key (borrowed) a username or a
 * user id, or JSON null to remove the unit's contact. The user must exist
 * and be active: CERR_USER with e naming "user" otherwise. *user_id (OUT)
 * the contact named (0 when removed). 0, CERR_USER, or a STORE_* code.
 */
int app_contact_set(app *a, const actor *who, int64_t unit_id, const json_t *user_key, int64_t now, int64_t *user_id,
                    cerr *e);

/*
 * The contact who answers for appeals about unit_id (appeal_contact_for)
 * into *out; STORE_NOTFOUND when no unit up the tree names one.
 */
int app_contact_of(app *a, int64_t unit_id, appeal_contact *out);

/*
 * The in-app notices (outbox rows of channel "internal") that step ev of
 * complaint next queues for the appeals contact: a dispatch of an appeal
 * tells the contact who answers for its subject unit. Appended to *rows
 * (a heap array of *n, grown with xrealloc), payloads owned (released by
 * app_notify_release). The caller holds a snapshot. 0 or a STORE_* code.
 */
int app_contact_notify_rows(app *a, const complaint *next, const event *ev, outbox_msg **rows, size_t *n);

/*
 * Fills m (overwritten) as an in-app notice (channel "internal") to contact
 * c about complaint cid at `at`: template_name, idempotency key, and
 * payload (consumed) as its JSON text, owned by m (the caller frees
 * m->payload).
 */
void app_contact_row(outbox_msg *m, const appeal_contact *c, int64_t cid, int64_t at, const char *template_name,
                     const char *key, json_t *payload);

#endif
