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
#include <stdint.h>

#include "core/cerr.h"
#include "core/complaint.h"
#include "core/org.h"
#include "core/policy.h"
#include "core/workflow.h"
#include "store/store.h"

typedef struct app {
    store *db;
    policy pol;
    /* The unit tree is read by every request and changed rarely: a rwlock. */
    pthread_rwlock_t org_lock;
    org org;
    /* Policies replaced while serving (a calendar changed): kept until
     * app_close, so a request still reading the old one never reads freed
     * memory. */
    policy *retired;
    size_t nretired;
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
/* Re-reads the unit tree after a change. */
int app_reload_org(app *a);
/* Stores pack JSON (borrowed) as the active policy and loads it. */
int app_set_pack(app *a, json_t *pack, cerr *e);

/*
 * Intake: validates input and stores a new complaint into out (initialised
 * by the caller, released by the caller). Returns 0, -1 with e set for a
 * user error, or a STORE_* code.
 */
int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, cerr *e);

/*
 * Takes action on complaint id. expected_version < 0 means "whatever is
 * current"; otherwise a different stored version is a conflict. On success
 * out holds the new state. Returns 0, -1 (user error, e set: codes include
 * not_found, version_conflict, action_not_allowed, forbidden,
 * validation_failed) or STORE_UNAVAILABLE / STORE_ERROR.
 */
int app_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
            int64_t expected_version, int64_t now, complaint *out, cerr *e);

/* Rebuilds complaint id from its events into out and checks the chain.
 * Returns 0 if intact, else -1 with a message naming the first problem. */
int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen);

/* ---- calendars and time limits (core/sla.h) ---- */

/* The pack's calendars as {name: document} (new reference), and the default's name. */
json_t *app_calendars(app *a, const char **default_name);
/*
 * Sets calendar name to doc (borrowed) in the active pack, then re-plans
 * the open complaints with a clock on it (a `replan` event each, through
 * the versioned update). *replanned (OUT) counts them. Returns 0, -1 with e
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
