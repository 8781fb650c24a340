/*
 * inapp: the in-app notices of people. An outbox row of channel "internal"
 * (a deadline warning, a supervision order, a rule's notice, an appeal
 * contact's, an incident's) becomes a notice for each person it reaches:
 * the user it names, or else the active users at home in its unit who may
 * see its complaint (the complaint list's rule, app_sees). Its text is
 * rendered in Chinese and English from the row's template and payload,
 * which hold the complaint's number, times, unit names and the policy's
 * wording — never customer data. The deliverer (jobs/deliver.c) calls
 * app_inapp_deliver for each row it claims; the notice is stored in the
 * transaction that marks the row sent (store_inapp_deliver).
 */
#ifndef REDRESS_APP_INAPP_H
#define REDRESS_APP_INAPP_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "util/buf.h"

/*
 * Whether a person at home in unit home sees c under o: its owner, subject,
 * last handling or an assisting unit lies in the scope of home
 * (org_scope_root's subtree). The complaint list and api_may_see apply the
 * same rule.
 */
bool app_sees(const org *o, int64_t home, const complaint *c);

/*
 * The texts of a notice of template_name with payload (JSON text,
 * borrowed), appended to zh and en. A template this version does not know
 * gets a general text naming the complaint.
 */
void app_inapp_texts(const char *template_name, const char *payload, buf *zh, buf *en);

/*
 * Delivers the claimed outbox row m (channel "internal") at now: its
 * notices to the people it reaches, stored as store_inapp_deliver does
 * (the row marked sent, or cancelled when it reaches nobody). 0,
 * STORE_CONFLICT when the claim was taken over, or a STORE_* failure.
 */
int app_inapp_deliver(app *a, const outbox_msg *m, int64_t now);

#endif
