/*
 * announce: announcements of known faults (系统公告, seed 001: 如遇系统故障导致
 * 的客户投诉，先查看系统公告 … 按系统公告中的统一解释口径向客户做好解释工作).
 *
 * An announcement says what fault is felt where — its scope: units (each
 * with its subtree), categories (each with its subtree) and channels, an
 * empty list matching every one — and when (starts_at, until ends_at or,
 * when that is 0, until it is resolved), with the one script (统一解释口径)
 * every agent answers with. It is owed within ANNOUNCE_PUBLISH_LIMIT of the
 * moment the fault was confirmed (IT部 … 在1小时内 … 发布); one published
 * later is marked late, for ever.
 *
 * States:   active ──resolve──▶ resolved
 *   active:   resolved_at = 0; matches complaints within its window
 *   resolved: resolved_at ≥ published_at; matches nothing any more
 *
 * Pure: the caller passes the time, the unit tree and the taxonomy.
 */
#ifndef REDRESS_ANNOUNCE_H
#define REDRESS_ANNOUNCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/org.h"
#include "core/taxonomy.h"

enum { ANNOUNCE_PUBLISH_LIMIT = 3600, ANNOUNCE_TITLE_MAX = 200, ANNOUNCE_SCRIPT_MAX = 2000 };

typedef struct announcement {
    int64_t id;
    char *title, *script;          /* owned */
    json_t *scope;                 /* owned: {"units":[id…],"categories":[code…],"channels":[code…]} */
    int64_t unit;                  /* the publishing department */
    int64_t starts_at, ends_at;    /* ends_at 0: until resolved */
    int64_t confirmed_at, published_at;
    bool late;                     /* published more than ANNOUNCE_PUBLISH_LIMIT after confirmed_at */
    char status[12];               /* active, resolved */
    int64_t created_by, resolved_at, resolved_by;
    char *resolution;              /* owned, NULL until resolved */
    int64_t version;
} announcement;

typedef struct announcement_list {
    announcement *items;
    size_t n;
} announcement_list;

void announcement_release(announcement *a);
void announcement_list_release(announcement_list *l);

/*
 * Reads a new announcement from the body `in` (borrowed): title, script,
 * scope {units (ids or codes), categories, channels}, starts_at, ends_at
 * (optional), confirmed_at (optional: now). Fills out (released first) with
 * published_at = now, late, status active, unit (unit_id) and created_by as given.
 * CERR_USER with e (validation_failed naming the member, e.g. "scope.units") on a
 * bad body.
 */
int announce_parse(announcement *out, const json_t *in, const org *o, const taxonomy *t, int64_t unit_id, int64_t by,
                   int64_t now, cerr *e);

/* Is a active at instant at (started, not ended, not resolved)? */
bool announce_active(const announcement *a, int64_t at);

/*
 * Does a's scope cover a complaint about unit_id (0: any) in category cat (NULL or
 * "": any) by channel (NULL or "": any) received at `at`? A scope unit
 * covers its subtree, a scope category its subcategories.
 */
bool announce_matches(const announcement *a, const org *o, const taxonomy *t, int64_t unit_id, const char *cat,
                      const char *channel, int64_t at);

/*
 * Does a cover a complaint about unit_id in category cat by channel received
 * at `at`? As announce_matches, except that what the complaint does not say
 * (no unit, no category: 0 or NULL) is covered only by a scope that does not
 * narrow it: a fault of some units is not the answer to a complaint about no
 * unit.
 */
bool announce_covers(const announcement *a, const org *o, const taxonomy *t, int64_t unit_id, const char *cat,
                     const char *channel, int64_t at);

/*
 * Does a concern the people whose scope is the subtree of unit root (0:
 * everyone's)? An announcement without units concerns everyone; one with
 * units, those whose subtree holds one of them or lies inside one of them —
 * a station's staff see their region's fault, the region's supervisor a
 * station's, the centre of the branch all of them.
 */
bool announce_concerns(const announcement *a, const org *o, int64_t root);

/*
 * Resolves a at now by `by` with resolution text (borrowed, may be NULL):
 * CERR_USER with e: action_not_allowed when it is resolved already, or
 * validation_failed (resolution too long).
 */
int announce_resolve(announcement *a, const char *resolution, int64_t by, int64_t now, cerr *e);

#endif
