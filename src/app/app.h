/*
 * app: the running application — the store, the active policy and the
 * organisation tree — and the operations that combine them (intake, taking
 * an action). The HTTP handlers and the command line both call these, so a
 * step taken from the shell (demo data, imports) follows exactly the same
 * rules as one taken through the API.
 */
#ifndef REDRESS_APP_H
#define REDRESS_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/complaint.h"
#include "core/org.h"
#include "core/policy.h"
#include "core/workflow.h"
#include "store/store.h"

/*
 * The configuration a request works under: the active policy and the unit
 * tree, immutable once published. Exactly one snapshot is current (app.snap);
 * a reader takes a reference for as long as it works (app_acquire, or
 * app_enter for the calling thread), so a change — a pack published or
 * rolled back, a calendar changed, a unit added, a newer version seen in
 * the store — builds a new snapshot and swaps it in without waiting for
 * anyone, and the old one is freed when its last reader lets go.
 *
 * States of a snapshot:
 *   building  — refs 1, owned by its builder, fields still written;
 *   current   — app.snap points at it; its refs count that pointer + readers;
 *   retired   — swapped out; refs count its readers only; freed at 0.
 * Fields never change after building.
 *
 * Never share the pack's JSON values (pol.raw and what policy_load keeps of
 * it) into something a request builds: every thread reads them at once, and
 * jansson's reference counts are not safe for that — json_incref reads the
 * count without an atomic load, json_decref frees without an acquire
 * (ThreadSanitizer reports both). Put a json_deep_copy into a reply or a
 * payload instead, as api/rules.c and api/refdata.c do.
 */
typedef struct app_snap {
    atomic_long refs;
    policy pol;            /* the active pack; empty (no name) before init */
    int64_t pol_version;   /* its version (pack_versions); 0 without one, -1 before the first load */
    org org;               /* the unit tree */
    unsigned long org_gen; /* + 1 whenever the units change: caches of unit data compare it */
    unsigned long seq;     /* unique to this snapshot in the process: caches of what was rendered from its policy compare it */
} app_snap;

typedef struct app {
    store *db;
    /* Guards snap: held to read it and count a reader, or to swap it —
     * a few instructions, never across I/O. */
    pthread_mutex_t snap_mu;
    app_snap *snap; /* current; never NULL between app_open and app_close */
    /* Customer data (app_pii.h): the master keys and the phone index key;
     * NULL / false until app_pii_open (commands that need no key, such as
     * verify and copy, never open them). */
    struct pii_keyring *pii;
    uint8_t pii_index[32];
    bool pii_ready;
    /* The retention policy (jobs/retention.h): days after closing, 0 = off. */
    int retention_days;
} app;

/*
 * Opens the store at url and loads the active pack and units. With
 * need_pack false a database without a pack is accepted (init). Returns -1
 * with a message in err.
 */
int app_open(app *a, const char *url, bool need_pack, char *err, size_t errlen);
/* The same with store options (PostgreSQL pool size, …); so may be NULL. */
int app_open_with(app *a, const char *url, const store_options *so, bool need_pack, char *err, size_t errlen);
void app_close(app *a);

/* The current snapshot with a reference for the caller (release it with
 * app_snap_release). Never blocks on I/O. */
app_snap *app_acquire(app *a);
/* Drops a reference taken by app_acquire; the last one frees s. s may be NULL. */
void app_snap_release(app_snap *s);

/*
 * The calling thread holds the current snapshot until the matching
 * app_leave (calls nest: the outermost pair acquires and releases). Each
 * request runs inside one, as does each run of a background job, so every
 * read of the configuration during it sees one version. When the thread
 * itself installs a change, it holds the new snapshot from then on.
 */
void app_enter(app *a);
void app_leave(app *a);
/* The snapshot the calling thread holds (app_enter); borrowed until its app_leave. */
const app_snap *app_cur(const app *a);
static inline const policy *app_pol(const app *a)
{
    return &app_cur(a)->pol;
}
static inline const org *app_org(const app *a)
{
    return &app_cur(a)->org;
}

/*
 * Reads the configuration version and the units from the store and, when
 * they differ from the current snapshot's, builds and installs a new one
 * (a newer pack version, or more units: units are only ever added). What
 * another node published thus reaches this one. *changed (OUT, may be
 * NULL): a new snapshot was installed. 0 or a STORE_* code.
 */
int app_refresh(app *a, bool *changed);
/* Re-reads the unit tree after a change (app_refresh). */
int app_reload_org(app *a);
/* Stores pack JSON (borrowed) as the active policy and loads it (a new version by the system). */
int app_set_pack(app *a, json_t *pack, cerr *e);
/*
 * Stores pack (borrowed) as the next version of the configuration, by user
 * `by` for `reason` (source: the version a rollback restores, else 0), and
 * makes it the active policy. *version (OUT, may be NULL). 0, or CERR_USER with e
 * (invalid_pack with the JSON path, unavailable).
 */
int app_pack_publish(app *a, json_t *pack, int64_t by, const char *reason, int64_t source, int64_t now,
                     int64_t *version, cerr *e);

/* The intake's customer data in clear beside its sealed form (app_pii.h). */
typedef struct pii_memo pii_memo;

/*
 * Intake: validates input and stores a new complaint into out (initialised
 * by the caller, released by the caller). Returns 0, CERR_USER with e set for a
 * user error, or a STORE_* code. memo (may be NULL; zeroed by the caller,
 * released with app_pii_memo_release) keeps what was sealed, so the reply
 * can be masked without opening it again.
 */
int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, pii_memo *memo,
               cerr *e);

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
 * Takes action on complaint id. expected_version < 0 means "whatever is
 * current"; otherwise a different stored version is a conflict. On success
 * out holds the new state. Returns 0, CERR_USER (user error, e set: codes include
 * not_found, version_conflict, action_not_allowed, forbidden,
 * validation_failed) or STORE_UNAVAILABLE / STORE_ERROR.
 */
int app_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
            int64_t expected_version, int64_t now, complaint *out, cerr *e);

/* ---- grading and routing rules (app_rules.c, core/rules.h) ---- */

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
/* The facts the rules read, from an intake payload (borrowed). */
void app_rules_facts(const json_t *payload, rules_facts *f);

/* ---- incidents (app_incident.c, core/incident.h) ---- */

/*
 * Crisis clustering for stored complaint c (its intake payload borrowed):
 * opens or joins the cluster's incident, links and grades the members and
 * queues the notification. *grouped: c joined an incident. 0 or a STORE_* code.
 */
int app_cluster(app *a, const complaint *c, const json_t *payload, int64_t now, bool *grouped /* OUT */);
/*
 * Takes an incident action ("add" {complaint}, "raise" {note}, "note"
 * {note}, "close" {summary}) for who; out (zeroed or released by the
 * caller) holds the incident afterwards. 0, CERR_USER with e, or a STORE_* code.
 */
int app_incident_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input, int64_t now,
                     incident *out, cerr *e);

/* Rebuilds complaint id from its events into out and checks the chain.
 * Returns 0 if intact, else -1 with a message naming the first problem. */
int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen);

/* ---- calendars and time limits (core/sla.h) ---- */

/* The pack's calendars as {name: document} (new reference), and the default's name. */
json_t *app_calendars(app *a, const char **default_name);
/*
 * Sets calendar name to doc (borrowed) in the active pack, then re-plans
 * the open complaints with a clock on it (a `replan` event each, through
 * the versioned update). *replanned (OUT) counts them. Returns 0, CERR_USER with e
 * (invalid_pack with the JSON path of the mistake), or a STORE_* code.
 */
int app_set_calendar(app *a, const char *name, const json_t *doc, int64_t now, long *replanned, cerr *e);
/*
 * Adds the holidays and make-up workdays of an iCalendar text (text[0..len))
 * to calendar name, as app_set_calendar. *imported (OUT) counts the events.
 * e->code "not_found" when there is no such calendar.
 */
int app_import_ics(app *a, const char *name, const char *text, size_t len, int64_t now, size_t *imported,
                   long *replanned, cerr *e);
/* Re-plans every open complaint with an open clock on calendar name. */
int app_replan(app *a, const char *name, int64_t now, long *replanned);

#endif
