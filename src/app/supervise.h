/*
 * supervise: closing a supervision order (督办办结). The order's closing
 * and the complaint's supervision_close event are one write, so the
 * history says who closed which order when, and verify can tell a status
 * edited in the database from one closed through the service.
 */
#ifndef REDRESS_APP_SUPERVISE_H
#define REDRESS_APP_SUPERVISE_H

#include "app/app.h"
#include "core/records.h"

/*
 * Closes the open order o (as read within the caller's scope) as who at now
 * with note (NULL: none). Returns 0, CERR_USER (conflict: the order is
 * closed already) or a STORE_* code.
 */
int app_supervision_close(app *a, const actor *who, const supervision *o, const char *note, int64_t now, cerr *e);

#endif
