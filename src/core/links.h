/*
 * links: a complaint's links to other complaints (the case file: 001 连带或是
 * 其它问题; repeats, duplicates): related, duplicate (this one repeats the
 * other, which carries the case), follow_on (opened from the other one) and
 * repeat (the same customer about the same matter again). A link is an
 * event of each complaint's history (`link`), kept in its data as
 * "links": [{"kind", "to", "number", "at", "by"}]; the other complaint
 * records the reverse kind (duplicate ↔ duplicated_by, follow_on ↔ followed_by,
 * repeat ↔ repeated_by, related ↔ related). Pure.
 */
#ifndef REDRESS_LINKS_H
#define REDRESS_LINKS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/complaint.h"
#include "core/event.h"

/* Is kind one a caller may give (related, duplicate, follow_on, repeat)? */
bool link_kind_ok(const char *kind);
/* The kind the other complaint records (static string); kind itself when it has none. */
const char *link_kind_reverse(const char *kind);
/* Does c already link to complaint `to` with kind? */
bool link_has(const complaint *c, const char *kind, int64_t to);
/* The `link` event of c: payload {"kind", "to", "number"}. Not sealed. */
void link_event(const complaint *c, int64_t actor, int64_t now, const char *kind, int64_t to, const char *number,
                event *ev);
/* Applies a `link` event (called by workflow_apply). */
void link_apply(complaint *c, const event *ev);

#endif
