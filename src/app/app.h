/*
 * app: the running application — the store and the configuration
 * snapshot (the active policy and the organisation tree) — which the use
 * cases of app/ work on, one header each: intake.h, act.h (actions and
 * versioned changes), rules.h, incident.h, calendar.h, pii.h (sealing and
 * viewing customer data), rights.h (correction, erasure), ledger.h,
 * verify.h. The HTTP handlers and the command line both call these, so a
 * step taken from the shell (demo data, imports) follows exactly the same
 * rules as one taken through the API. Within app/ the files call in one
 * direction: app ← pii ← ledger ← act ← rights, calendar, incident ←
 * intake; rules and verify on app alone.
 */
#ifndef REDRESS_APP_H
#define REDRESS_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/chain.h"
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
    /* The search index key (core/search.h), random, kept like the phone index key. */
    uint8_t search_key[32];
    bool pii_ready;
    /* The chain key (core/chain.h), opened with the master keys; its
     * subkeys seal every event and audit entry written. chain_epoch_ok: the stored
     * epoch is present and carries its MAC. */
    uint8_t chain_key[32];
    chain_keys chain; /* its subkeys and the epoch; valid with chain_ready */
    bool chain_ready, chain_epoch_ok;
    /* The retention policy (jobs/retention.h): days after closing, 0 = off. */
    int retention_days;
    /* E-mail notifications are delivered (serve with --smtp-url): a step
     * queues them (app/notify.h). */
    bool notify_email;
    /* Text messages are delivered (serve with --sms-url): customer messages by SMS are queued (app/custmsg.h). */
    bool notify_sms;
    /* The address customers reach the portal at (the public-url setting;
     * NULL or "": none): customer messages link to its tracking page. */
    const char *public_url;
    /* What this process's deliverer did (jobs/deliver.c), for /metrics. */
    atomic_long notify_sent, notify_failed, notify_dead;
    /* The open pages' live streams (app/live.h) while serving; NULL otherwise
     * (GET /events/stream then answers 503). */
    struct live_hub *live;
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

/* The chain's keys (core/chain.h) when the master key is open, else NULL. */
static inline const chain_keys *app_chain(const app *a)
{
    return a->chain_ready ? &a->chain : NULL;
}
/* The key an event (event.key) or an audit entry (audit_entry.key) is sealed with: NULL without the master key. */
static inline const uint8_t *app_events_key(const app *a)
{
    return a->chain_ready ? a->chain.events : NULL;
}
static inline const uint8_t *app_audit_key(const app *a)
{
    return a->chain_ready ? a->chain.audit : NULL;
}

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
/*
 * The active user key names (borrowed): a username or a user id. *id (OUT)
 * its id. CERR_USER with e naming field when there is none, 0, or a
 * STORE_* code.
 */
int app_active_user(app *a, const json_t *key, const char *field, int64_t *id, cerr *e);
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

#endif
