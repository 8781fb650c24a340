/*
 * rules: the pack's declarative grading and routing rules ("rules") and
 * its crisis-cluster rules ("clusters"), parsed once with the policy and
 * evaluated at intake. Pure: the one fact that needs the store — how many
 * complaints about a unit in a category subtree arrived in a window — is
 * asked through a callback, so tests drive it with a table.
 *
 * A rule is {"code", "name", "when": {conditions}, "then": {actions}}; every
 * condition present must hold (an absent one always holds; a list means any
 * of its values). Conditions: channel, category (a code matches its
 * subtree), customer_class, unit (the subject unit's code), unit_type,
 * unit_within (the subject lies in that unit's subtree), keywords (any of
 * them in the description or the demand), count ({same: "unit", unit_type?,
 * category?, window_hours, at_least}: complaints about the same subject unit
 * — or about its ancestor of unit_type and everything below — in the
 * category subtrees, this one included).
 * Rules over time (001: 有效投诉在一个月内得不到合理解决的投诉; reopened again
 * and again): age_days (still open that many days after it was received)
 * and reopens (reopened at least that many times) make a rule one the
 * deadline sweeper evaluates on open complaints rather than intake; such a
 * rule may use the conditions above but keywords and count, and only the
 * actions level and priority; it fires once per complaint (rules_due).
 * Actions: level (the most severe of all fired rules wins), scope (the
 * widest wins), priority (the highest wins: urgent > high > normal), owner
 * (the first rule that names one wins), answer_by (unit types or codes
 * whose members alone may reply; first wins), promise_hours (the overall
 * promise; first wins), notify ({to, message}: an outbox row each).
 * A unit target is a unit code, "subject", or {"from": "subject", "up":
 * TYPE?, "function": F?}: the subject unit, its nearest ancestor of TYPE,
 * then the unit with that function (units[].function in the pack) at or
 * below it.
 */
#ifndef REDRESS_RULES_H
#define REDRESS_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/org.h"
#include "core/taxonomy.h"

typedef struct rule_target {
    int kind;        /* RT_NONE, RT_CODE, RT_SUBJECT (with up and function) */
    char *code;      /* RT_CODE */
    char *up;        /* a unit type or NULL */
    char *function;  /* NULL = the unit reached by up */
} rule_target;
enum { RT_NONE = 0, RT_CODE, RT_SUBJECT };

typedef struct strlist {
    char **v;
    size_t n;
} strlist;

/*
 * Who a notify reaches besides the target unit's in-app list (000 第十四条:
 * the station manager and the region manager told at once). roles: each a
 * role name — its holders at the target unit — or {"role", "at": a unit
 * target as "to"} — its holders at that unit; where the unit has none,
 * those of the nearest unit above that has. Each holder is told on the
 * channels sms and email. channels: "internal" (the unit's in-app list,
 * as without roles), "sms", "email". Without channels: internal, plus sms
 * when roles are given.
 */
enum { RN_INTERNAL = 1, RN_SMS = 2, RN_EMAIL = 4 };
enum { RULE_MAX_ROLES = 6 };
typedef struct rule_role {
    unsigned role;  /* one R_* bit (core/roles.h) */
    rule_target at; /* RT_NONE: the notify's target unit */
} rule_role;
typedef struct rule_reach {
    rule_role roles[RULE_MAX_ROLES];
    size_t nroles;     /* 0: the unit's in-app list only */
    unsigned channels; /* RN_* bits */
} rule_reach;

typedef struct rule_window {
    bool set;
    char *unit_type;  /* NULL: the subject unit itself */
    strlist cats;     /* empty: the complaint's own category */
    int window_minutes;
    int at_least;
} rule_window;

typedef struct rule {
    char *code;
    json_t *name; /* owned; {"zh-CN","en"} or a string */
    /* when */
    strlist channels, cats, classes, units, unit_types, within, keywords;
    rule_window count;
    int age_days, reopens; /* either set: a rule over time (0 = not set) */
    /* then */
    int level;          /* 0 = not set */
    char *scope, *priority;
    rule_target owner;
    strlist answer_by;
    int promise_minutes;
    rule_target notify_to;
    json_t *notify_message; /* owned */
    rule_reach notify_reach;
} rule;

typedef struct cluster_rule {
    char *code;
    json_t *name;
    rule_window win; /* cats required; set = true */
    int level;
    rule_target notify_to;
    json_t *notify_message;
    rule_reach notify_reach;
} cluster_rule;

/* What the pack says of a unit: units[].function and units[].calendar (NULL = none). */
typedef struct unit_function {
    char *code, *function, *calendar;
} unit_function;

typedef struct rules_set {
    rule *rules;
    size_t n;
    cluster_rule *clusters;
    size_t nclusters;
    unit_function *funcs;
    size_t nfuncs;
} rules_set;

void rules_set_init(rules_set *r);
void rules_set_release(rules_set *r);
/*
 * Parses "rules", "clusters" and units[].function of pack (borrowed) into r,
 * checking every code against p (categories, channels, classes, scopes,
 * unit types, the pack's unit codes). -1 with e naming the JSON path.
 */
int rules_load(rules_set *r, const taxonomy *p, const json_t *pack, cerr *e);
/* Whether pack (borrowed) defines a unit with code in its "units" (a unit target's check; core/trend.c too). */
bool rules_pack_has_unit(const json_t *pack, const char *code);

/* What a complaint's intake record says, for the conditions. All borrowed. */
typedef struct rules_facts {
    const char *channel, *category, *customer_class;
    const char *description, *demand; /* may be NULL */
    int64_t subject_unit;
    int64_t at; /* received_at */
} rules_facts;

/* The facts of an intake payload (its strings borrowed from payload). */
void rules_facts_of(const json_t *payload, rules_facts *f);

/*
 * The store's answer to a window condition: the complaints (other than the
 * one being decided) whose subject unit is among units and category among
 * cats, received in [since, until]. Writes up to max ids into ids (may be
 * NULL with max 0) and the total count into *n. 0 or a negative error.
 */
typedef int (*rules_window_fn)(void *arg, const int64_t *units, size_t nunits, const char *const *cats,
                               size_t ncats, int64_t since, int64_t until, int64_t *ids, size_t max,
                               int64_t *n);

enum { RULES_MAX_NOTIFY = 8 };

typedef struct rules_notify {
    int64_t unit;
    const char *rule;      /* borrowed from the rules_set */
    const json_t *message;   /* borrowed */
    const rule_reach *reach; /* borrowed */
    int64_t role_units[RULE_MAX_ROLES]; /* where each of reach->roles is looked for (rules_reach_units) */
} rules_notify;

typedef struct rules_outcome {
    int level;               /* 0 = no rule set one */
    const char *scope;       /* borrowed; NULL = not set */
    const char *priority;    /* borrowed; NULL = not set */
    int64_t owner_unit;      /* 0 = not set (or the target does not exist) */
    const strlist *answer_by; /* borrowed; NULL = anyone */
    int promise_minutes;     /* 0 = not set */
    rules_notify notify[RULES_MAX_NOTIFY];
    size_t nnotify;
    json_t *fired;           /* owned: [{code, name, then}] in rule order */
} rules_outcome;

void rules_outcome_init(rules_outcome *o);
void rules_outcome_release(rules_outcome *o);

/*
 * Evaluates every rule of r against f and accumulates the actions of those
 * that fire into out (initialised by the caller). Returns 0, or the
 * callback's negative error.
 */
int rules_evaluate(const rules_set *r, const taxonomy *p, const org *o, const rules_facts *f,
                   rules_window_fn win, void *arg, rules_outcome *out);

/*
 * The cluster rules that f completes: for each, the other complaints of the
 * cluster, received within the window before or after f (a cluster is
 * "complaints within N hours of each other", so whichever of several
 * concurrent intakes looks last finds all of them).
 * Calls fn once per matching cluster rule; stops on fn's non-zero return
 * and returns it (or the window callback's negative error).
 */
int rules_clusters(const rules_set *r, const taxonomy *p, const org *o, const rules_facts *f,
                   rules_window_fn win, void *arg,
                   int (*fn)(void *fnarg, const cluster_rule *cr, int64_t anchor_unit, const int64_t *ids,
                             size_t n),
                   void *fnarg);

/* Whether u is a rule over time (age_days or reopens). */
static inline bool rules_over_time(const rule *u)
{
    return u->age_days || u->reopens;
}
/*
 * The first rule over time due on a complaint with facts f (at: when it was
 * received), reopened `reopens` times, at now, that is not among fired
 * (a JSON array of rule codes; may be NULL): its conditions hold, it is
 * age_days old and reopened often enough. NULL when none.
 */
const rule *rules_due(const rules_set *r, const taxonomy *p, const org *o, const rules_facts *f, int reopens,
                      int64_t now, const json_t *fired);
/* The rule of code (borrowed), or NULL. */
const rule *rules_find(const rules_set *r, const char *code);

/*
 * The name of the working calendar of unit_id: units[].calendar of the unit
 * or of the nearest unit above it that names one; "" (the pack's default
 * calendar) when none does. Borrowed from r.
 */
const char *rules_unit_calendar(const rules_set *r, const org *o, int64_t unit_id);
/* The unit each role of reach is looked for at (0: none), for a notify to target about subject, into units. */
void rules_reach_units(const rules_set *r, const org *o, const rule_reach *reach, int64_t target, int64_t subject,
                       int64_t units[RULE_MAX_ROLES]);
/* The unit a target points at for subject (0 if it resolves to nothing). */
int64_t rules_resolve(const rules_set *r, const org *o, const rule_target *t, int64_t subject);
/* True when the actor's unit may answer under answer_by (types or codes). */
bool rules_may_answer(const org *o, const json_t *answer_by, int64_t actor_unit);
/* The level at which priority p ranks: urgent 3, high 2, normal 1, else 0. */
int rules_priority_rank(const char *p);
/* A complaint's place when listed by priority: urgent 0, high 1, anything else
 * (normal, none) 2 — the order the store's list sorts by (sort_priority). */
int rules_priority_order(const char *p);

#endif
