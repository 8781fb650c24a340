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
 * holds the outcome, for app_rules_notify after the complaint is stored.
 * The caller holds a snapshot (app_enter). 0, CERR_USER (e set) or a STORE_* code.
 */
int app_intake_graded(app *a, const actor *who, const json_t *input, int64_t now, event *ev, rules_outcome *o,
                      cerr *e);
/* Queues the outbox rows of o's notifications about stored complaint c. */
int app_rules_notify(app *a, const complaint *c, const rules_outcome *o, int64_t now);
/* The window counts of the rules (rules_window_fn) from the complaint list, leaving out `exclude`. */
typedef struct app_window {
    app *a;
    int64_t exclude; /* a complaint id, or 0 */
} app_window;
int app_rules_window(void *arg /* app_window */, const int64_t *units, size_t nunits, const char *const *cats,
                     size_t ncats, int64_t since, int64_t until, int64_t *ids, size_t max, int64_t *n);

#endif
