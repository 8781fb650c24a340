/*
 * roles: who may do what, as the domain names it — the six roles of
 * DESIGN §7 (agent 座席员, handler 处理人, supervisor 主管, manager 管理层,
 * auditor 质检, admin) and the system itself, as bits of one unsigned; their
 * names and labels; the text form users.roles holds ("agent,handler"); and
 * the actor, a user as a decision sees them.
 *
 * A leaf of core/ (the order is in workflow.h): it includes no other module,
 * so the API's role gate, the store and the CLI can speak of roles without
 * the state machine. Pure: no I/O, no allocation.
 */
#ifndef REDRESS_ROLES_H
#define REDRESS_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum role {
    R_AGENT = 1 << 0,
    R_HANDLER = 1 << 1,
    R_SUPERVISOR = 1 << 2,
    R_MANAGER = 1 << 3,
    R_AUDITOR = 1 << 4,
    R_ADMIN = 1 << 5,
    /* The system itself (the deadline sweeper, a calendar re-plan): no user
     * holds it, role_parse never yields it, and GET …/actions never offers
     * its actions. */
    R_SYSTEM = 1 << 6,
    /* The customer answering a revisit's survey through its single-use link
     * (the portal, no sign-in): held by no user either, never parsed, and
     * allowed only the revisit. */
    R_CUSTOMER = 1 << 7,
};
#define R_ALL_ROLES (R_AGENT | R_HANDLER | R_SUPERVISOR | R_MANAGER | R_AUDITOR | R_ADMIN)

/* "agent" → R_AGENT; 0 if unknown (and for "system"). */
unsigned role_parse(const char *name);
/* The name and label of one role bit (static strings); "" for anything else. */
const char *role_name(unsigned bit);
const char *role_label(unsigned bit, bool en);

/*
 * The text form of users.roles: the names of the user roles in roles, in
 * bit order, joined by "," ("agent,handler"; "" for none; R_SYSTEM is never
 * written). Writes into out (n bytes, caller's), truncating if it must.
 */
void roles_text(unsigned roles, char *out, size_t n);
/* The bits of a text form (borrowed, may be NULL); unknown names are skipped. */
unsigned roles_parse(const char *text);

typedef struct actor {
    int64_t id;     /* user id; 0 for the public portal */
    unsigned roles; /* enum role bits */
    int64_t unit;   /* home unit */
} actor;

#endif
