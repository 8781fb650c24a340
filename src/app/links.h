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

/*
 * Repeat complaints (001: 重复投诉): a complaint just taken (c) is linked as a
 * `repeat` of the same customer's complaints (the same phone) about the same
 * matter (a category under the same top-level category) received within the
 * pack's `repeats.days` (default 30; 0 switches it off), newest first, at
 * most REPEATS_MAX of them. Runs after the creation, like crisis
 * clustering: a failure leaves the complaint stored and unlinked, and an
 * agent links it by hand. *found (OUT) is how many were linked.
 */
enum { REPEATS_MAX = 3, REPEATS_DAYS = 30 };
int app_link_repeats(app *a, const complaint *c, int64_t now, size_t *found);

/* The window the pack gives repeat complaints (repeats.days; 0: off), in days. */
int64_t app_repeat_days(app *a);

#endif
