/*
 * partner: webhooks, and the partner systems among them (a webhook with a
 * channel, docs/api.md "Partner systems"), as the API and the shell make
 * them: a webhook's settings checked whole, and the partner a token is
 * made for. Who may make them (reach) is the caller's to check.
 */
#ifndef REDRESS_APP_PARTNER_H
#define REDRESS_APP_PARTNER_H

#include "app/app.h"

/*
 * The webhook called name that in describes ({"unit", "url", "secret",
 * "format", "channel", "signed"}: unit an id or code, format json by
 * default and json for a partner, channel one of the pack's; without a
 * secret, the stored webhook of that name keeps its own, which is set into
 * in) into w, its strings borrowed from in, created at now. 0 or CERR_USER
 * with e naming the field.
 */
int app_webhook_check(app *a, const char *name, json_t *in, int64_t now, webhook *w, cerr *e);

/*
 * The partner system called name (a webhook with a channel) into w
 * (released by the caller). 0, CERR_USER with e naming field when there is
 * none, or a STORE_* code.
 */
int app_partner_find(app *a, const char *name, const char *field, webhook *w, cerr *e);

#endif
