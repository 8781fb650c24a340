/*
 * links: linking two complaints (core/links.h) — each records the link as
 * an event of its own history, the other with the reverse kind.
 */
#ifndef REDRESS_APP_LINKS_H
#define REDRESS_APP_LINKS_H

#include "app/app.h"

/*
 * Links complaint id to complaint `to` with kind (related, duplicate,
 * follow_on, repeat) as who at now; then `to` back with the reverse kind.
 * A link that exists already is left as it is (0). Returns 0, CERR_USER
 * (validation_failed naming kind or to; not_found) or a STORE_* code.
 */
int app_link(app *a, const actor *who, int64_t id, int64_t to, const char *kind, int64_t now, cerr *e);

#endif
