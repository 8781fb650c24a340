/*
 * announce: announcements of known faults (系统公告, core/announce.h) —
 * publishing one, the ones that match a complaint, a complaint answered
 * with a fault's script (linked to it as a 不满工单 and no longer waiting for
 * a dispatch), and resolving a fault, which closes its complaints with it.
 */
#ifndef REDRESS_APP_ANNOUNCE_H
#define REDRESS_APP_ANNOUNCE_H

#include "app/app.h"
#include "core/announce.h"

/*
 * Publishes the announcement of body in for who at now (the publishing
 * department: who's unit; a scope without units is who's scope, except for
 * an administrator, whose empty list means every unit). out (zeroed or
 * released) holds it as stored. 0, CERR_USER with e, or a STORE_* code.
 */
int app_announce_publish(app *a, const actor *who, const json_t *in, int64_t now, announcement *out, cerr *e);

/*
 * The announcements into out that concern the people of unit root's subtree
 * (announce_concerns; 0: every one): all (active false), or those active at
 * now whose scope covers unit_id (0: any), category cat and channel (NULL:
 * any).
 */
int app_announce_list(app *a, int64_t root, bool active, int64_t unit_id, const char *cat, const char *channel,
                      int64_t now, announcement_list *out);

/*
 * Complaint cid answered by who with announcement id's script: the fault
 * must be active and cover the complaint, which must still be registered.
 * out holds the complaint afterwards. 0, CERR_USER with e, or a STORE_* code.
 */
int app_announce_answer(app *a, const actor *who, int64_t id, int64_t cid, int64_t now, complaint *out, cerr *e);

/*
 * Resolves announcement id (resolution: borrowed, may be NULL) and closes
 * every complaint still waiting on it, each with a fault_close event;
 * *closed (OUT) counts them, *left (OUT) those linked but taken on another
 * path (dispatched meanwhile). Resolving a resolved announcement again
 * closes only what is left. out holds the announcement afterwards.
 */
int app_announce_resolve(app *a, const actor *who, int64_t id, const char *resolution, int64_t now,
                         announcement *out, size_t *closed, size_t *left, cerr *e);

#endif
