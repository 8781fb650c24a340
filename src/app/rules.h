/*
 * rules: the pack's grading and routing rules (core/rules.h) at intake,
 * the counts their windows read, and the notifications they queue.
 */
#ifndef REDRESS_APP_RULES_H
#define REDRESS_APP_RULES_H

#include "app/app.h"
#include "core/rules.h"

/*
 * workflow_intake with the pack's rules applied: ev (initialised by the
 * caller) gets the final grading and what fired (payload "rules",
 * "priority", "route_unit", "answer_by"); o (initialised by the caller)
 * holds the outcome, whose notifications app_notices_of makes.
 * The caller holds a snapshot (app_enter). 0, CERR_USER (e set) or a STORE_* code.
 */
int app_intake_graded(app *a, const actor *who, const json_t *input, int64_t now, event *ev, rules_outcome *o,
                      cerr *e);
/*
 * The outbox rows of o's notifications about complaint c, made when the
 * store has numbered it (a store_with's fn: arg is an app_notices, its o
 * and now set by the caller, its people by app_notices_people first;
 * released with app_notices_release). Each notify queues its people's rows
 * (notify.roles) and, with channel internal, one row for its unit's
 * in-app list; the keys are "c<id>/rule/<code>/…".
 */
typedef struct app_notices {
    const rules_outcome *o;
    int64_t now;
    outbox_list rows;                     /* owned */
    outbox_list people[RULES_MAX_NOTIFY]; /* owned: app_people_notify's rows of each notify, keys unfinished */
} app_notices;
/*
 * Decides, before the transaction, whom the notifications of x->o with
 * roles reach (app/duty.h), into x->people. The caller holds a snapshot.
 * 0 or a STORE_* code.
 */
int app_notices_people(app *a, app_notices *x);
void app_notices_of(void *arg, const complaint *c, const outbox_msg **msgs, size_t *n);
void app_notices_release(app_notices *x);
/* The window counts of the rules (rules_window_fn) from the complaint list, leaving out `exclude`. */
typedef struct app_window {
    app *a;
    int64_t exclude; /* a complaint id, or 0 */
} app_window;
int app_rules_window(void *arg /* app_window */, const int64_t *units, size_t nunits, const char *const *cats,
                     size_t ncats, int64_t since, int64_t until, int64_t *ids, size_t max, int64_t *n);

/*
 * The pack's rules on complaint c as a correction's input would leave it
 * (its category, subject unit and customer class, each where input gives
 * one; the sealed free text is not read, so a rule on keywords, decided at
 * intake, is not decided again), into o (initialised by the caller), for
 * wf_ctx.regrade. 0 when input corrects none of them (o stays empty), or a
 * STORE_* code.
 */
int app_rules_corrected(app *a, const complaint *c, const json_t *input, rules_outcome *o);
/*
 * The outbox rows of the notifications of the rules a correction fired
 * (its event's "rules"; o as app_rules_corrected made it), appended to
 * *msgs (*n of them; their payloads released with app_notify_release).
 * 0 or a STORE_* code.
 */
int app_rules_corrected_rows(app *a, const rules_outcome *o, const complaint *c, const event *ev, int64_t now,
                             outbox_msg **msgs, size_t *n);

/*
 * The pack's rules over time (core/rules.h) at now: every open complaint
 * old enough, or reopened often enough, for one gets an "upgrade" event for
 * each rule due (the deadline sweeper's, and `redress sweep`). *upgraded
 * counts the events written. 0 or a STORE_* code.
 */
int app_upgrades(app *a, int64_t now, long *upgraded);

#endif
