/*
 * act: the steps of a stored complaint — an action of the transition table
 * (app_act) and a versioned change outside it (app_change: a correction, an
 * erasure, a re-plan), each retried on a version conflict (app/result.h).
 */
#ifndef REDRESS_APP_ACT_H
#define REDRESS_APP_ACT_H

#include "app/app.h"

/*
 * A versioned change of complaint id outside the transition table (a
 * correction, an erasure, a re-plan). build(a, cur, ev, arg, e) makes the
 * event from the current state, or returns non-zero: 1 "nothing to do",
 * CERR_USER with e, a STORE_* code. The event is sealed, applied to a copy of cur
 * and stored (complaint_erase with erase, else complaint_update); when
 * someone acted meanwhile, all of it again on the new state (app/result.h:
 * APP_WRITE_ATTEMPTS in all). Returns 0, build's result, a STORE_* code
 * (STORE_NOTFOUND, or STORE_CONFLICT after the last attempt).
 */
typedef int (*app_event_fn)(app *a, const complaint *cur, event *ev, void *arg, cerr *e);
int app_change(app *a, int64_t id, app_event_fn build, void *arg, bool erase, cerr *e);
/*
 * app_change (not an erasure) whose event brings rows of its own: w's
 * att_op, att and att_file (app/attachments.h) or its sups (the closing of
 * a supervision order, app/supervise.h) are written in the event's
 * transaction; app_change_write sets the rest of w on each attempt.
 */
int app_change_write(app *a, int64_t id, app_event_fn build, void *arg, store_write *w, cerr *e);

/*
 * The people complaint c may be assigned to (wf_ctx.staff): the active
 * handlers whose home unit owns it. app_staff_load points ctx at them
 * (held by s until app_staff_release); none while c is not where it can be
 * assigned (its owner is the centre, or it is past handling) or when
 * ctx->who may not assign at all.
 */
typedef struct app_staff {
    user_list users;
    wf_person *people;
} app_staff;
int app_staff_load(app *a, const complaint *c, wf_ctx *ctx, app_staff *s);
void app_staff_release(app_staff *s);

/*
 * Takes action on complaint id. expected_version < 0 means "whatever is
 * current"; otherwise a different stored version is a conflict. On success
 * out holds the new state. Returns 0, CERR_USER (user error, e set: codes include
 * not_found, version_conflict, action_not_allowed, forbidden,
 * validation_failed) or STORE_UNAVAILABLE / STORE_ERROR.
 */
int app_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
            int64_t expected_version, int64_t now, complaint *out, cerr *e);

#endif
