/*
 * workflow: the complaint state machine as data. See workflow.c for the
 * diagram and the transition table; the API's "what may I do now", the UI's
 * action forms and docs/workflow.md are all generated from that table.
 *
 * Two phases per step, so that history can be replayed:
 *   workflow_intake / workflow_step  — decide: check status, role, scope and
 *       guard, validate the input against the action's fields, compute every
 *       derived value (target unit, deadlines) and produce an event.
 *   workflow_apply — apply an event to a projection. Pure function of the
 *       event and the previous state: no policy, no clock; replaying a
 *       complaint's events with it rebuilds the complaint exactly.
 *
 * The order of core/: a module includes and calls only modules on lower
 * lines (no circle; those on one line do not depend on each other).
 *
 *   pack                   checking a pack with its units and the kinds' actions
 *   workflow               the state machine
 *   policy                 the whole pack: taxonomy, sla, rules and cases in one
 *   rules  review          grading, routing, clusters (uses sla's scope ranks);
 *                          the review of the handling opinion (复核)
 *   cases  sla             closing, compensation, penalties; clocks and limits
 *   taxonomy  strv  calendar  erasure  incident  reach   codes; string lists;
 *                          working time; anonymising; crisis clusters; how far
 *                          an administrative act may go
 *   event                  a step's sealed, hash-chained record
 *   roles  complaint  org  cerr  auditlog   the leaves
 */
#ifndef REDRESS_WORKFLOW_H
#define REDRESS_WORKFLOW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/complaint.h"
#include "core/event.h"
#include "core/org.h"
#include "core/policy.h"
#include "core/roles.h"

/* A person a work order may be assigned to (assign): a user of its owning unit. */
typedef struct wf_person {
    int64_t id;
    const char *name; /* the display name, borrowed */
} wf_person;

/*
 * Everything a decision may consult; all borrowed. staff: the people the
 * complaint may be assigned to now (the handlers of its owning unit, loaded
 * by the caller for assign and for the forms it offers; none otherwise).
 */
typedef struct wf_ctx {
    const policy *pol;
    const org *org;
    const actor *who;
    int64_t now;
    const wf_person *staff;
    size_t nstaff;
    /* correct: the pack's rules (core/rules.h) on the record as corrected,
     * evaluated by the caller (their windows read the store); NULL: none. */
    const rules_outcome *regrade;
} wf_ctx;

/* F_SURVEY: the revisit's answers, one per question of the complaint's survey (core/survey.h);
 * F_COUNT: a whole number 0–10000000 (months, yuan a month), a "number" field like F_MONEY. */
enum field_type { F_TEXT, F_TEXTAREA, F_SELECT, F_UNIT, F_MONEY, F_DATETIME, F_SURVEY, F_COUNT };

typedef struct wf_option {
    const char *value, *zh, *en;
} wf_option;

typedef struct wf_field {
    const char *name, *zh, *en;
    int type;
    bool required;
    const wf_option *options; /* F_SELECT: terminated by {NULL} */
} wf_field;

/* The actions of the table, in its order: wf_action.id, and the index of the
 * row. The code compares these; the names are for the API, JSON and events. */
enum wf_action_id {
    WF_ANSWER,
    WF_DISPATCH,
    WF_ACCEPT,
    WF_TRANSFER,
    WF_ASSIST,
    WF_ASSIST_REPLY,
    WF_ESCALATE,
    WF_RESOLVE,
    WF_INVALIDATE,
    WF_REPLY,
    WF_REVISIT,
    WF_REVISIT_ATTEMPT,
    WF_REOPEN,
    WF_CLOSE,
    WF_CLOSE_UNACCEPTED,
    WF_ARCHIVE,
    WF_COMMENT,
    WF_WAIT_CUSTOMER,
    WF_RESUME,
    WF_REQUEST_EXTENSION,
    WF_APPROVE_EXTENSION,
    WF_REFUSE_EXTENSION,
    WF_PROGRESS_REPLY,
    WF_WARN,
    WF_BREACH,
    WF_SUPERVISE,
    WF_REPLAN,
    WF_COMPENSATE,
    WF_APPROVE_COMPENSATION,
    WF_REFUSE_COMPENSATION,
    WF_WAIVE_PENALTY,
    WF_INCIDENT,
    WF_ASSIGN,
    WF_CORRECT,
    WF_RETURN,
    WF_UPGRADE,
    WF_COMPLEX,
    WF_FAULT_ANSWER,
    WF_FAULT_CLOSE,
    WF_FAULT_UNLINK,
    WF_APPEAL_LATE,
    WF_MAIL_IN,
    WF_ACKNOWLEDGE,
    WF_PROPOSE_SOLUTION,
    WF_REVIEW,
    WF_MARK_UNRESOLVABLE,
    WF_UNMARK_UNRESOLVABLE,
    WF_CLOSE_UNRESOLVABLE,
    WF_HAND_OVER,
    WF_CONFIRM,
    WF_REQUEST_ONSITE,
    WF_ONSITE_VISIT,
    WF_RECORD_PENDING,
    WF_CONTACT_PENDING,
    WF_SETTLE_PENDING,
    WF__COUNT
};

/* The one thing besides stopping and starting that an action does to the clocks. */
enum wf_clock_op {
    WF_CLK_NONE,
    WF_CLK_STOP_ALL,  /* every clock stops: the case ends */
    WF_CLK_PAUSE_ALL, /* every running clock pauses: waiting for the customer */
    WF_CLK_REGRADE,   /* with a level or a scope in the payload: limits chosen again */
    WF_CLK_WIDEN,     /* the scope widens with the new owner's unit type, limits chosen again */
    WF_CLK_RECALC,    /* the calendar arithmetic again (a calendar changed), same limits */
    WF_CLK_PROGRESS,  /* "progress" starts, due at the handle deadline, on its calendar */
    WF_CLK_EXTEND,    /* the handle deadline moves to the one approved */
    WF_CLK_FLAG,      /* the sweeper marks the clock its payload names: warned, breached */
    WF_CLK_PARK,      /* the handling unit's running clocks pause: unresolvable, or a pending matter */
    WF_CLK_UNPARK,    /* … and resume: handled again */
};

/*
 * An action's clock plan (core/sla.h): from a status in `when` (0 = any) it
 * stops the clocks of `stop` and then starts those of `start`, both bits
 * (1 << SLA_*), each started now with the limit the pack chooses; then op.
 * A step that moves the complaint on also ends a wait for the customer
 * first (every paused clock resumes); resume does only that.
 */
typedef struct wf_clock_plan {
    unsigned when;
    unsigned stop, start;
    int op; /* enum wf_clock_op */
} wf_clock_plan;

typedef struct wf_action {
    int id; /* enum wf_action_id: the row's index */
    const char *name, *zh, *en;
    unsigned from;  /* bit (1 << status) for each status it may start from */
    int to;         /* target status; ST_NONE = stays */
    unsigned roles; /* who may take it */
    int scope;      /* which unit check applies to handlers */
    const wf_field *fields; /* terminated by {NULL} */
    int (*guard)(const wf_ctx *, const complaint *, cerr *);
    int (*prepare)(const wf_ctx *, const complaint *, json_t *payload, cerr *);
    void (*effect)(complaint *, const event *);
    wf_clock_plan clocks;
} wf_action;

/*
 * The fields of an action as offered for one complaint now. Most actions
 * have the table's static fields; some take theirs from the pack or from
 * the complaint (close: the closing requirements of its nature, the
 * responsibility or appeal-conclusion options, penalty grades; the
 * compensation and penalty decisions: the entries that may be decided).
 * A form is filled in place and needs no release; its fields, options and
 * labels point into the form and into the policy, both borrowed.
 */
enum { WF_FORM_FIELDS = 24, WF_FORM_OPTIONS = 192, WF_FORM_TEXT = 4096 };
typedef struct wf_form {
    wf_field fields[WF_FORM_FIELDS + 1]; /* terminated by {NULL} */
    size_t n;
    wf_option options[WF_FORM_OPTIONS];
    size_t nopts;
    char text[WF_FORM_TEXT];
    size_t used;
} wf_form;

/*
 * What the form of act starts with for c, editable (a new object, the
 * caller's): closing pre-filled from the handling — the nature the
 * resolution found, the unit complained about as the responsible unit, its
 * staff as the responsible person. Empty for the other actions.
 */
json_t *workflow_defaults(const complaint *c, const wf_action *act);

/*
 * Where a step of act goes instead of its row's target when its outcome sends
 * the complaint back (review returned, 有异议: processing); ST_NONE for the
 * actions that always go where their row says.
 */
int workflow_sent_back_to(const wf_action *act);

/* The whole table (borrowed, static). */
const wf_action *workflow_table(size_t *n);
const wf_action *workflow_find(const char *name);
const char *workflow_label(const char *action, bool en); /* includes "intake" */
const char *field_type_name(int type);
/* The fields of act for c now (see wf_form), into form (OUT); returns form->fields or act->fields. */
const wf_field *workflow_fields(const wf_ctx *ctx, const complaint *c, const wf_action *act, wf_form *form);

/*
 * May the actor take act on c now? 0 if yes; otherwise -1 with e->code
 * "action_not_allowed" (wrong status or guard) or "forbidden" (role/scope).
 */
int workflow_may(const wf_ctx *ctx, const complaint *c, const wf_action *act, cerr *e);

/*
 * Whether the actor's roles and unit allow act on c at all, whatever its
 * status: 0, or non-zero with e->code "forbidden". A refusal of the caller
 * comes before any other answer about the complaint — before a stale
 * version's conflict (app/act.c) and before the status check.
 */
int workflow_permitted(const wf_ctx *ctx, const complaint *c, const wf_action *act, cerr *e);

/*
 * The member of an action's input that is no field of it, if any: the names
 * it may carry are the fields of its form for c now (workflow_fields), those
 * of its row of the table with its closing fields (workflow_closing_fields),
 * and
 * WF_INPUT_VERSION. Returns 0, or non-zero with e->code CERR_UNKNOWN_FIELD
 * naming the member (core/cerr.h).
 */
/* The closing fields (those of close) that an action which closes in a step
 * of its own may also carry: answer (当场答复), close_unaccepted and
 * close_unresolvable; NULL for the others. */
const wf_field *workflow_closing_fields(const wf_action *act);

#define WF_INPUT_VERSION "version" /* the version the step is conditional on (the API's lost-update check) */
int workflow_check_input(const wf_ctx *ctx, const complaint *c, const wf_action *act, const json_t *input, cerr *e);

/*
 * How far ahead a time limit may be set: promised_at at intake and the
 * deadline of an extension lie at most this many days after now (a later
 * one is validation_failed naming the field).
 */
enum { WF_HORIZON_DAYS = 366 };


/*
 * 客户确认 (core/cases.h closing.confirmation): the CONFIRM_* bits of what
 * c's customer may confirm now — the record while it is open, the result
 * once it is resolved — and has not yet.
 */
unsigned workflow_confirmable(const wf_ctx *ctx, const complaint *c);
/* The actions the actor may take now, into out (cap entries); returns count. */
size_t workflow_allowed(const wf_ctx *ctx, const complaint *c, const wf_action **out, size_t cap);

/*
 * Validates an intake record (borrowed) and fills ev (initialised by caller)
 * with the intake event: action "intake", to registered, payload = the
 * normalised record. The store later assigns the complaint id and number.
 */
int workflow_intake(const wf_ctx *ctx, const json_t *input, event *ev, cerr *e);

/*
 * Decides one action on c with input (borrowed); fills ev (initialised by
 * caller) with complaint id, seq, from/to, payload. Does not change c.
 */
int workflow_step(const wf_ctx *ctx, const complaint *c, const char *action, const json_t *input,
                  event *ev, cerr *e);

/* Applies ev to c (see above). ev must be sealed (its hash becomes c->head). */
void workflow_apply(complaint *c, const event *ev);

/*
 * The deadline sweeper's decision (ctx->who is the system actor): the next
 * warning, breach or supervision due on c at ctx->now, as an event ("warn",
 * "breach" or "supervise") in ev. Returns 0 with ev filled, 1 when nothing
 * is due, -1 on a calendar error (e set).
 */
int workflow_sweep_step(const wf_ctx *ctx, const complaint *c, event *ev, cerr *e);

/*
 * The pack's rules over time (core/rules.h rules_due) on c at ctx->now
 * (ctx->who the system actor): the first one due as an "upgrade" event in
 * ev. 0 with ev filled, 1 when none is due, -1 with e set.
 */
int workflow_upgrade_step(const wf_ctx *ctx, const complaint *c, event *ev, cerr *e);

/*
 * The "import" event of a complaint taken in from a ledger (台账), outside
 * the table, as "link" is: it names the file and the row (info: "file",
 * "row"), and when info has "closing" ({"nature", "on_time"}, on_time
 * true, false or absent) it closes c at ctx->now, its clocks stopped as a
 * close stops them, with the ledger's nature; an on_time the deadline the
 * pack computed disagrees with moves overall_due to the closing instant
 * (on time) or a second before it (late), so the reports count it as the
 * ledger says. ev (initialised by the caller) gets seq c->version + 1 and
 * prev c->head. 0, or -1 with e set (an unknown nature, a closing before
 * the receipt). info is borrowed.
 */
int workflow_import(const wf_ctx *ctx, const complaint *c, const json_t *info, event *ev, cerr *e);

/* True when c has an open clock on calendar `name` (a re-plan concerns it). */
bool workflow_uses_calendar(const complaint *c, const char *name);

/* Digits of a phone number into out; -1 if it is not 7–20 digits. */
int phone_normalise(const char *in, char *out, size_t outlen);

#endif
