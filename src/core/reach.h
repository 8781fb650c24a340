/*
 * reach: how far an administrative act may go. Whoever makes a user or a
 * unit, grants a permission, makes or revokes an API token, or changes what
 * holds for the whole organisation acts within their own unit subtree (the
 * scope of core/org.h: org_scope_root of their home unit), and hands out no
 * more roles than they may:
 *
 *   act                                   allowed when
 *   a user made or granted a permission;  the scope of the user's home unit
 *     a token made for or revoked from a    lies within the caller's
 *     user
 *   a unit made                           its parent within the caller's scope
 *   a new root unit; organisation-wide    the caller's scope is a root of the
 *     settings                              tree
 *   an API token made                     as for its user, and its unit within
 *                                           both the user's scope and the
 *                                           caller's
 *   a user changed (name, roles, home)    the user within the caller's scope
 *                                           before, the new home unit within
 *                                           it after
 *
 * Roles: a person signed in (a session) who holds admin gives any role —
 * that is an administrator's job; an API token acts for a system and hands
 * out only roles it holds itself, so a token limited to ["admin"] never
 * makes an agent, and a token it makes is always limited explicitly.
 *
 * The caller is as the router narrowed it: an API token's roles and unit,
 * not its user's. Pure: no I/O. A refusal is CERR_USER with code
 * "forbidden" (403) naming the field, or "validation_failed" (422) where the
 * request contradicts the user it names.
 */
#ifndef REDRESS_REACH_H
#define REDRESS_REACH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/org.h"

/* The caller of an administrative act. */
typedef struct reach_caller {
    unsigned roles; /* effective role bits (an API token's, narrowed) */
    int64_t unit;   /* effective home unit (an API token's unit when it has one) */
    bool token;     /* acting through an API token, not a person's session */
} reach_caller;

/*
 * Whether by reaches unit_id: its scope lies within by's. unit_id 0 is the
 * whole organisation (a new root unit, organisation-wide settings), reached
 * only from a root. Returns 0, or CERR_USER "forbidden" naming field (may be
 * NULL) in e.
 */
int reach_unit(const org *o, const reach_caller *by, int64_t unit_id, const char *field, cerr *e);

/*
 * Whether by may hand out roles (to a new user or token): always for a
 * session, only roles it holds for an API token. Returns 0, or CERR_USER
 * "forbidden" naming field in e.
 */
int reach_roles(const reach_caller *by, unsigned roles, const char *field, cerr *e);

/* Whether by may make a user with roles at home unit home: reach_unit ("unit"), then reach_roles ("roles"). */
int reach_user(const org *o, const reach_caller *by, unsigned roles, int64_t home, cerr *e);

/*
 * Whether by may change a user with old_roles at home old_unit into one with
 * new_roles at new_unit (equal values: unchanged). The user must lie within
 * by's reach before ("forbidden", no field) and the new home within it after
 * ("unit"); a change of roles or of home hands out new_roles as making the
 * user would (reach_roles, "roles"). self: by is that user, who may neither
 * give up the admin role (422 "roles") nor move to a home whose scope does
 * not cover the old one (422 "unit"), so that no administrator locks
 * themselves, or the organisation, out. Returns 0 or CERR_USER with e filled.
 */
int reach_user_change(const org *o, const reach_caller *by, bool self, unsigned old_roles, int64_t old_unit,
                      unsigned new_roles, int64_t new_unit, cerr *e);

/*
 * The limits of a new API token for a user with user_roles at home unit
 * user_unit. *roles and *unit_id are what was asked (0: not given) and become
 * what to store (0: all of the user's roles, the user's own scope). The user
 * must be within by's reach ("username"), the roles the user's and the unit
 * within the user's scope (422 "roles", "unit"), both within by's reach
 * (403 "roles", "unit"); a token's caller gets the roles it shares with the
 * user when none are asked. Returns 0 or CERR_USER with e filled.
 */
int reach_token(const org *o, const reach_caller *by, unsigned user_roles, int64_t user_unit, unsigned *roles,
                int64_t *unit_id, cerr *e);

#endif
