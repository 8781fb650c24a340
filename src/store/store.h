/*
 * store: the one narrow interface between Redress and its database: named
 * operations (store_config_get, store_complaint_write, …) on a store opened
 * from a URL, "sqlite:PATH" (sqlite.c) or "postgresql://…" (pg.c). Nothing
 * above sees SQL. The SQL of each aggregate is written once, over the
 * driver of driver.h, in a file of its own (config.c, users.c,
 * complaints.c, …), every statement prepared with bound parameters; the
 * backends keep only what is theirs (see docs/architecture.md).
 *
 * Writes that change a complaint are atomic: the event row and the
 * projection row are written in one transaction, and a complaint write
 * returns only after its transaction is durable.
 *
 * Return codes: 0 ok; STORE_NOTFOUND; STORE_CONFLICT (version or unique
 * value); STORE_ERROR (anything else, already logged); STORE_UNAVAILABLE
 * (the database cannot take the write now — the caller may retry).
 */
#ifndef REDRESS_STORE_H
#define REDRESS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/auditlog.h"
#include "core/complaint.h"
#include "core/duty.h"
#include "core/incident.h"
#include "core/event.h"
#include "core/org.h"
#include "core/records.h"
#include "core/search.h"
#include "core/throttle.h"

enum {
    STORE_OK = 0,
    STORE_NOTFOUND = 1,
    STORE_CONFLICT = 2,
    STORE_ERROR = -1,
    STORE_UNAVAILABLE = -2,
};

typedef struct user {
    int64_t id;
    char *username;
    char *name;
    unsigned roles;
    int64_t unit;
    bool active;
    bool must_change_password;
    char *email;     /* NULL = none; staff data, never logged */
    char *phone;     /* NULL = none; staff data, never logged */
    unsigned notify; /* the channels the user wants (core/notify.h: NOTIFY_EMAIL, …) */
} user;

void user_release(user *u);

typedef struct user_list {
    user *items;
    size_t n;
} user_list;

void user_list_release(user_list *l);

/* A session or API token, stored only as the BLAKE2b hash of the secret. */
typedef struct token {
    int64_t id;
    uint8_t hash[32];
    int64_t user_id;
    char kind;        /* 's' session, 't' API token */
    char *name;       /* API tokens: a label; sessions: NULL */
    int64_t created_at;
    int64_t expires_at; /* 0 = never (sessions: the timeouts of sec/session.h apply) */
    int64_t last_used_at; /* sessions: the last request (idle timeout) */
    unsigned roles;       /* API tokens: the roles it may use; 0 = all of the user's */
    int64_t unit;         /* API tokens: the unit subtree it is limited to; 0 = the user's scope */
    int64_t created_by;   /* API tokens: who made it */
    char partner[64];     /* API tokens: the partner system (a webhook with a channel) it speaks for; "" = none */
} token;

typedef struct token_list {
    token *items;
    size_t n;
} token_list;
/* Frees what a token owns (its name); t may be released again. */
void token_release(token *t);
void token_list_release(token_list *l);

/* Filters of the complaint list; zero / NULL / false = not filtered. */
typedef struct complaint_filter {
    int status;             /* ST_* or -1 for "open" */
    int stage;              /* SG_* */
    const int64_t *owner_units; /* a unit and its subtree */
    size_t n_owner_units;
    const int64_t *subject_units;
    size_t n_subject_units;
    /* Visibility: owner, subject or last handling unit among these. */
    const int64_t *scope_units;
    size_t n_scope_units;
    const char *channel;
    const char *const *categories; /* a category and its descendants */
    size_t n_categories;
    int level;
    int64_t from, to;       /* received_at in [from, to) */
    const char *phone;      /* digits */
    bool overdue;           /* stage_due < now (open only) */
    bool warning;           /* warn_at <= now: a running clock passed its warning point (open only) */
    bool extension;         /* an extension request awaits its decision (open only; the board) */
    int64_t now;
    bool sort_deadline;     /* else newest first */
    /* The rules' priority first (urgent, high, normal: rules_priority_order),
     * then as sort_deadline; the cursor's place in that order is cursor_rank. */
    bool sort_priority;
    int64_t cursor_rank;
    bool full;              /* the whole data document, not just what a summary shows */
    int limit;
    bool has_cursor;        /* continue after (cursor_key, cursor_id) */
    int64_t cursor_key;
    int64_t cursor_id;
    const char *kind;       /* "appeal", "complaint" or a pack's kind (core/taxonomy.h); NULL = any */
    const char *const *leave_out; /* kinds left out (those not counted as complaints); n_leave_out of them */
    size_t n_leave_out;
    /* The closing's findings and the record's state (0 / NULL: any). */
    const char *nature;         /* valid, invalid, suggestion, "" (undecided); NULL = any */
    int fact;                   /* an indicator's condition (core/report.h report_fact, at now); RF_ALL = none */
    bool report;                /* a report's cell: read through the reports' index (newest first only) */
    const char *responsibility; /* the closing's or on-the-spot answer's */
    const int64_t *responsible_units; /* the closing's responsible unit among these */
    size_t n_responsible_units;
    const char *customer_class;
    const char *priority;       /* urgent, high, normal (the rules' priority; none = normal) */
    int reopened, supervised;   /* 1: at least once, -1: never */
    int64_t assignee;           /* the person assigned (data.assignee); -1: nobody; 0: any */
    const char *subject_staff;      /* the staff complained about, exactly */
    const char *responsible_person; /* the closing's or on-the-spot answer's, exactly */
    int waiting;                    /* 1: waiting for the customer now, -1: not */
    int unresolvable;               /* 1: recorded as unresolvable now (core/cases.h), -1: not */
    int pending;                    /* 1: a pending matter open now (core/cases.h closing.pending), -1: not */
    int incident;                   /* 1: grouped into an incident, -1: in none */
    int64_t incident_id;            /* grouped into this incident */
    const char *satisfaction;       /* the revisit's result; "" none yet */
    int64_t closed_from, closed_to; /* closed_at in [from, to) */
    int64_t due_from, due_to;       /* overall_due in [from, to) */
    /* A search (core/search.h): every one of terms[0..n_terms) held. */
    const int64_t *terms;
    size_t n_terms;
    /* Ranked by BM25, paged by offset; else by the sort above.
     * store_search_weigh fills weights, avglen and driver (the rarest
     * term, which the statement starts from); a search needs it first. */
    bool sort_relevance;
    int64_t offset;
    int64_t weights[SEARCH_QUERY_MAX];
    int64_t avglen;
    size_t driver;
    /* Set by the store inside a search's read: the index's recent level as
     * that read sees it (store/rows.h); NULL outside. */
    const struct search_recent *recent;
} complaint_filter;

typedef struct complaint_page {
    complaint *items;
    size_t n;
    bool more; /* another page exists; continue from the last item */
} complaint_page;

void complaint_page_release(complaint_page *p);

typedef struct event_list {
    event *items;
    size_t n;
} event_list;

void event_list_release(event_list *l);

typedef struct day_stat {
    int64_t day; /* local day number */
    int64_t received, closed, closed_on_time, first_contact;
} day_stat;

/*
 * Rows as they are, for moving an installation between stores (`redress
 * copy`): a value is NULL, an integer, text (NUL-terminated) or a blob.
 * Values handed to a callback are borrowed for the duration of the call.
 */
typedef struct store_value {
    enum { SV_NULL, SV_INT, SV_TEXT, SV_BLOB } type;
    int64_t i;
    const char *p; /* SV_TEXT, SV_BLOB */
    size_t len;    /* SV_TEXT (without the NUL), SV_BLOB */
} store_value;

/* A table of the schema and its columns in their declared order. */
typedef struct store_table {
    char *name;
    char **cols;
    size_t ncols;
} store_table;

void store_tables_release(store_table *t, size_t n);

/* Filters of the lists of the records of core/records.h; zero / NULL = not filtered. */
typedef struct supervision_filter {
    const char *status;        /* "open", "closed" or NULL for both */
    const int64_t *units;      /* unit among these; NULL = any */
    size_t n_units;
    int64_t complaint_id;      /* 0 = any */
    int64_t id;                /* 0 = any */
    int limit;
} supervision_filter;

typedef struct penalty_filter {
    const char *month;     /* YYYY-MM or NULL */
    const int64_t *units;  /* unit among these; NULL = any */
    size_t n_units;
    const char *status;    /* active, waived or NULL */
    int64_t complaint_id;  /* 0 = any */
    int64_t id;            /* 0 = any */
    int limit;             /* 0 = 10000 */
} penalty_filter;

typedef struct compensation_filter {
    const char *status;    /* or NULL */
    int64_t complaint_id;  /* 0 = any */
    int limit;             /* 0 = 500 */
} compensation_filter;

/*
 * A file of evidence on a complaint (migration 015, app/attachments.h).
 * The strings marked sealed are sealed under the complaint's data key.
 */
typedef struct attachment {
    char id[33];          /* 32 random hex digits */
    int64_t complaint_id;
    int64_t seq;          /* its "attach" event */
    char *name;           /* sealed; PII_ANONYMISED once shredded (owned) */
    char type[128];       /* as its content says */
    int64_t size;         /* clear bytes */
    char sha256[65];      /* of the clear bytes, hex; "" once shredded */
    char blob[65];        /* BLAKE2b-256 of the sealed bytes, hex: where they are */
    int64_t sealed_size;
    int64_t created_at, created_by;
    int64_t removed_at, removed_by; /* 0: not removed */
    char *removed_reason;           /* sealed, or NULL (owned) */
    bool shredded;                  /* its bytes are gone */
} attachment;
void attachment_release(attachment *a);

typedef struct attachment_list {
    attachment *items;
    size_t n;
} attachment_list;
void attachment_list_release(attachment_list *l);

/* What a store_write does to its attachment. */
enum { ATT_NONE, ATT_ADD, ATT_REMOVE };

/*
 * One versioned complaint write of a batch (complaint_write): the next
 * state c, its sealed event, and the rows it causes. rc is set by the store:
 * 0, STORE_CONFLICT (c->version - 1 is no longer the stored version),
 * STORE_NOTFOUND or an error.
 */
typedef struct store_write {
    const complaint *c;
    /* The state c was derived from, as read at c->version - 1 (its data is
     * not read): the store may write only the columns that differ. NULL:
     * every column is written. */
    const complaint *was;
    const event *ev;
    const outbox_msg *msgs;
    size_t nmsgs;
    const supervision *sups;
    size_t nsups;
    int rc; /* OUT */
    const penalty *pens;       /* ledger entries decided or waived by ev */
    size_t npens;
    const compensation *comps; /* compensations granted, requested or decided by ev */
    size_t ncomps;
    /* ATT_ADD: the row att is inserted (on PostgreSQL with its sealed bytes,
     * read from the file att_file); ATT_REMOVE: att's removal (removed_*)
     * is recorded. */
    int att_op;
    const attachment *att;
    const char *att_file;
} store_write;

/*
 * A complaint's data key, wrapped by master key key_id (sec/pii.h,
 * migrations 004). wrapped holds len bytes.
 */
typedef struct pii_keyrow {
    int64_t complaint_id;
    char key_id[32];
    uint8_t wrapped[72];
    size_t len;
    bool found;         /* OUT of pii_keys_get */
    char old_key_id[32]; /* pii_keys_rewrap: the id the row must still have */
    int rc;             /* OUT of pii_keys_rewrap: 0 or STORE_CONFLICT (re-wrapped or erased meanwhile) */
} pii_keyrow;

/* Filters of the audit log; zero / NULL = not filtered. */
typedef struct audit_filter {
    int64_t actor;
    const char *customer, *action, *subject;
    int64_t from, to; /* at in [from, to) */
    int64_t cursor;   /* continue after this seq (below it, or above it when ascending) */
    bool ascending;   /* oldest first (verification); else newest first */
    int limit;
    /* With scoped, only entries concerning one of units[0..n_units) (the
     * caller's subtree; none when n_units is 0); else every entry. */
    bool scoped;
    const int64_t *units;
    size_t n_units;
} audit_filter;

typedef struct audit_page {
    audit_row *items;
    size_t n;
    bool more;        /* another page exists */
    int64_t head_seq; /* the chain's last seq as its head row records it */
} audit_page;
void audit_page_release(audit_page *p);

/* One version of the policy pack (app/app.c). */
typedef struct pack_version {
    int64_t version;
    int64_t created_at;
    int64_t created_by; /* user id; 0 = the system (init, a calendar change) */
    int64_t source;     /* a rollback: the version restored; else 0 */
    char *reason;       /* owned */
    char *pack;         /* owned JSON text; NULL in lists */
} pack_version;

typedef struct pack_version_list {
    pack_version *items;
    size_t n;
} pack_version_list;
void pack_version_release(pack_version *v);
void pack_version_list_release(pack_version_list *l);

typedef struct store store;

/*
 * The named operations. Each borrows what it is given unless its comment
 * says otherwise; OUT arguments are filled only on success (0).
 */

/* "sqlite" or "postgresql". */
const char *store_name(store *s);
/* Applies pending migrations; safe to run twice. */
int store_migrate(store *s);
int store_config_get(store *s, const char *key, char **value /* OUT: heap */);
int store_config_set(store *s, const char *key, const char *value);
int store_unit_add(store *s, unit *u /* IN, OUT: id */);
int store_unit_load(store *s, org *o /* OUT: appended */);
int store_user_add(store *s, user *u /* IN, OUT: id */, const char *pwhash);
/* Finds by username (when username) or id; pwhash (OUT, heap) may be NULL. */
int store_user_get(store *s, const char *username, int64_t id, user *out, char **pwhash);
int store_user_list(store *s, user_list *out);
/* The active users whose home unit is unit_id, by id. */
int store_user_list_unit(store *s, int64_t unit_id, user_list *out);
int store_user_set_password(store *s, int64_t id, const char *pwhash, bool must_change);
/*
 * Writes u's name, roles, unit, email, phone, notify and active (borrowed)
 * to the user u->id (STORE_NOTFOUND if none); with end_tokens, in the same
 * transaction, deletes every session and API token of the user. was (may
 * be NULL): the user as the change was decided on; STORE_CONFLICT, and
 * nothing written, when their roles or unit changed meanwhile.
 */
int store_user_update(store *s, const user *u, const user *was, bool end_tokens);
int store_token_add(store *s, token *t /* IN, OUT: id */);
int store_token_find(store *s, const uint8_t hash[32], int64_t now, token *out, user *u);
int store_token_delete(store *s, const uint8_t *hash, int64_t id);
int store_token_list(store *s, token_list *out);
/* The API token of id (not a session) into out; STORE_NOTFOUND if none. Release out with token_release. */
int store_token_get(store *s, int64_t id, token *out);
/*
 * Creates a complaint from its intake event: assigns the id and the next
 * number of the day (prefix + local date of received_at + 4 digits),
 * writes them into ev->payload, seals ev, applies it to c and stores
 * both. c is initialised by the caller and filled here.
 */
int store_complaint_create(store *s, const char *prefix, int tz_offset, event *ev, complaint *c);
/*
 * Stores the next state c (already the result of applying the sealed ev
 * to was, the state as read at c->version - 1) if the stored version is
 * still c->version - 1; else STORE_CONFLICT. The store may write only
 * the columns in which c differs from was (was's data is not read).
 */
int store_complaint_update(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset);
/* out must be initialised (complaint_init); it is released and refilled. */
int store_complaint_get(store *s, int64_t id, const char *number, complaint *out);
/* By key: an id when key is all digits, else a number (as a caller names a complaint). */
int store_complaint_find(store *s, const char *key, complaint *out);
/*
 * A page of complaints for a list. Unless f->full, their data holds only
 * what a summary shows — customer, subject_staff, waiting — not the full
 * document (a backend may return more).
 */
int store_complaint_list(store *s, const complaint_filter *f, complaint_page *out);
/*
 * Compares the columns the reports read that only the data holds otherwise
 * (reopens, escalations, revisit, supervisions, migration 013; announcement,
 * 019; unaccepted, 029) with what c,
 * a projection rebuilt from the events, gives: *differs (OUT) names the
 * first that differs (static), or NULL.
 */
int store_complaint_facts_check(store *s, const complaint *c, const char **differs);
/* The number of complaints of the list f (its cursor and limit ignored) into *total (OUT). */
int store_complaint_total(store *s, const complaint_filter *f, int64_t *total);
/* The BM25 weights of f's terms, the documents' average length and the rarest term: before a search's list or total. */
int store_search_weigh(store *s, complaint_filter *f);
/*
 * The search index's merger (jobs/merge.h): moves up to max_docs of the
 * oldest rows of the recent level into the merged level, in term order,
 * and deletes them — one transaction. On PostgreSQL rows another node is
 * merging are skipped. *moved (OUT): the rows moved (fewer than max_docs:
 * the level is empty now, as far as this node could see).
 */
int store_search_merge(store *s, int max_docs, int *moved);
/* The rows of the recent level now (*rows OUT) and the sequence number
 * of the last row written (*last_seq OUT, may be NULL): it moves when an
 * intake or a step is indexed. */
int store_search_recent_count(store *s, int64_t *rows, int64_t *last_seq);
/*
 * Re-indexing (redress search reindex): up to max complaint ids after
 * after, ascending, into ids (*n OUT) — those without an index (no
 * search_docs row: stored before migration 014, or lost), or all.
 */
int store_search_unindexed(store *s, int64_t after, bool all, int64_t *ids, size_t max, size_t *n);
/*
 * Replaces complaint_id's index by t (both levels; t goes to the recent
 * level), in one transaction — STORE_CONFLICT when the complaint's version
 * is no longer version (a step came between the reading of its text and
 * now: read it again).
 */
int store_search_reindex(store *s, int64_t complaint_id, int64_t version, const search_terms *t);
int store_event_list(store *s, int64_t complaint_id, event_list *out);
/* Calls fn for every complaint id in order; stops when fn returns non-zero. */
int store_complaint_ids(store *s, int (*fn)(int64_t id, void *arg), void *arg);
int store_complaint_count(store *s, int64_t *n);
int store_stats_days(store *s, int64_t from_day, int64_t to_day, day_stat **out, size_t *n);
int store_stats_status(store *s, int64_t counts[ST__COUNT], int64_t now, int64_t *overdue);
/* The highest applied migration. */
int store_schema_version(store *s, int *version /* OUT */);
/* When migration version was applied (Unix seconds), 0 when it was not. */
int store_schema_applied_at(store *s, int version, int64_t *at /* OUT */);
/*
 * Whether the database takes writes now (health checks): 0 when a write
 * committed less than fresh seconds before now and none failed since;
 * otherwise the result of a small committed write (one row of
 * health_probe), so a full disk, a lost or read-only database is seen
 * even while nothing else writes, and its end as soon as a write works.
 */
int store_write_check(store *s, int64_t now, int64_t fresh);
/*
 * Bulk copy (redress copy). tables: every table of the schema except
 * schema_version, into a heap array (store_tables_release). rows_dump
 * calls fn for every row of t ordered by its first column, with t->ncols
 * values; it stops when fn returns non-zero and returns that value.
 * rows_load inserts nrows rows of t->ncols values (row-major) as they
 * are, ids included, in one transaction, after which new ids continue
 * past the largest one. rows_count counts the rows of a table.
 */
int store_tables(store *s, store_table **out, size_t *n);
int store_rows_dump(store *s, const store_table *t, int (*fn)(const store_value *row, void *arg), void *arg);
int store_rows_load(store *s, const store_table *t, const store_value *rows, size_t nrows);
int store_rows_count(store *s, const char *table, int64_t *n);
/* ---- time limits (core/sla.h, jobs/sweep.c) ---- */
/*
 * Open complaints whose next check has come (next_check_at <= now),
 * earliest first, after (after_key, after_id) — pass 0, 0 for the first
 * page: up to max ids into ids (OUT), their next_check_at into keys (OUT).
 */
int store_complaint_due(store *s, int64_t now, int64_t after_key, int64_t after_id, int max, int64_t *ids, int64_t *keys, size_t *n);
/*
 * The open complaints a rule over time may concern (core/rules.h): received
 * at or before received_before, or reopened at least reopens times (0: that
 * part does not apply), with an id after after_id — up to max ids, in
 * order, into *ids (heap, the caller frees) and *n.
 */
int store_complaint_aging(store *s, int64_t received_before, int reopens, int64_t after_id, int max, int64_t **ids,
                          size_t *n);
/*
 * Stores n versioned complaint writes with their outbox and supervision
 * rows, in one durable transaction; each write succeeds or fails alone
 * (w[i].rc). Writes of the same complaint apply in order. Returns 0 when
 * the batch was committed (whatever the rcs), or STORE_UNAVAILABLE.
 */
int store_complaint_write(store *s, store_write *w, size_t n, int tz_offset);
/*
 * Brackets a burst of complaint_write batches (a sweep): begin true, then
 * false when it ends. The store may put its own background work off
 * until the end — the SQLite store's checkpoints, which would otherwise
 * compete with the burst for the disk and the cores. Calls nest. May be
 * NULL.
 */
void store_write_burst(store *s, bool begin);
/*
 * The outbox rows of one complaint (0 = all, newest first, at most 500).
 * A row written with its event (store_write.msgs) belongs to that event,
 * and its key names the event; the others' keys are unique by
 * themselves (outbox_add refuses a second one: STORE_CONFLICT).
 */
int store_outbox_list(store *s, int64_t complaint_id, const char *status /* NULL = any */, outbox_list *out);
/* One row by id: 0 or STORE_NOTFOUND; out's payload and last_error are the caller's to free. */
int store_outbox_get(store *s, int64_t id, outbox_msg *out);

/*
 * Delivery (jobs/deliver.c, core/notify.h). store_outbox_claim takes up to
 * max rows of channel that are due at now (pending or failed, next_at and
 * lease_until passed) and leases them until now + lease, bumping each one's
 * claim; on PostgreSQL with FOR UPDATE SKIP LOCKED, so that nodes never
 * claim the same row at once. out (OUT) is set from scratch.
 */
int store_outbox_claim(store *s, const char *channel, int64_t now, int64_t lease, size_t max, outbox_list *out);
/*
 * Records the end of a claimed row m (its id and claim): status, next_at,
 * sent_at, last_error (error, borrowed, NULL = none), and the attempt at
 * (borrowed; NULL: none was made, e.g. the recipient has no address),
 * which counts in attempts. STORE_CONFLICT when
 * the claim is no longer m's (retried, cancelled, or claimed again after
 * its lease): nothing is written.
 */
int store_outbox_finish(store *s, const outbox_msg *m, const char *status, int64_t next_at, int64_t sent_at,
                        const char *error, const outbox_attempt *at);
/* The ends of n claimed rows in one transaction (one commit for a batch of
 * deliveries): each f[i].rc (OUT) is 0 or STORE_CONFLICT as above, or the
 * store's failure, which is also returned (then nothing is written). */
typedef struct outbox_finish {
    const outbox_msg *m;
    const char *status;
    int64_t next_at, sent_at;
    const char *error;
    const outbox_attempt *at;
    int rc; /* OUT */
} outbox_finish;
int store_outbox_finish_batch(store *s, outbox_finish *f, size_t n);
/* A failed or dead row is due again at now, with a new allowance of attempts
 * (retry_base = attempts); a pending, failed or dead one is cancelled. Both
 * end a claim in progress. 0, STORE_NOTFOUND, or STORE_CONFLICT (not in a
 * state that allows it). */
int store_outbox_retry(store *s, int64_t id, int64_t now);
int store_outbox_cancel(store *s, int64_t id);
/* The attempts of row id, first first. */
int store_outbox_attempts(store *s, int64_t id, outbox_attempt_list *out);

/*
 * A webhook (migration 016): an endpoint told of the complaints dispatched
 * to unit or below it; secret signs each request. Lists own their texts
 * (webhook_release).
 */
/* ---- saved views of the complaint list (migration 024) ---- */
typedef struct saved_view {
    int64_t id;         /* OUT of the store when added */
    char name[128];     /* what the list's tab says */
    char *filters;      /* a JSON object of the list's parameters (api/views.c) */
    int64_t owner_user; /* one user's own; 0 when shared */
    int64_t unit;       /* shared with this unit and the units below it; 0 when one user's own */
    int64_t created_by, created_at;
} saved_view;
typedef struct saved_view_list {
    saved_view *items;
    size_t n;
} saved_view_list;
void saved_view_list_release(saved_view_list *l);
/* The views user_id may open: their own, and those shared with one of units (their unit and those above it); oldest first. */
int store_view_list(store *s, int64_t user_id, const int64_t *units, size_t n_units, saved_view_list *out);
/* One view (any owner); STORE_NOTFOUND. out's filters is the caller's to free. */
int store_view_get(store *s, int64_t id, saved_view *out);
int store_view_add(store *s, saved_view *v);
/* STORE_NOTFOUND when there is no such view. */
int store_view_delete(store *s, int64_t id);

/* ---- on-duty rosters of units (migration 028, core/duty.h) ---- */
/* The roster of unit_id, by from (out set from scratch; duty_list_release). */
int store_duty_list(store *s, int64_t unit_id, duty_list *out);
/* Every unit's entries covering instant t. */
int store_duty_at(store *s, int64_t t, duty_list *out);
/* Replaces the roster of unit_id with e[0..n) (borrowed; checked by duty_check) in one transaction. */
int store_duty_set(store *s, int64_t unit_id, const duty_entry *e, size_t n);

typedef struct webhook {
    char name[64];  /* [a-z0-9_-], the key */
    int64_t unit;
    char *url;      /* http:// or https:// */
    char *secret;   /* never shown by the API */
    char format[16]; /* json, wecom, dingtalk */
    int64_t created_at;
    char channel[32]; /* a partner system's (migration 021): the channel its tokens take complaints in on; "" = none */
    bool signed_only; /* a partner's requests must be signed with the secret */
} webhook;
typedef struct webhook_list {
    webhook *items;
    size_t n;
} webhook_list;
void webhook_release(webhook *w);
void webhook_list_release(webhook_list *l);
/* Creates or replaces the webhook w->name. */
int store_webhook_put(store *s, const webhook *w);
/* 0 or STORE_NOTFOUND. */
int store_webhook_delete(store *s, const char *name);
int store_webhook_list(store *s, webhook_list *out);
int store_webhook_get(store *s, const char *name, webhook *out);

/* The rows of a channel waiting (pending), to be tried again (failed) and
 * given up (dead), and the creation time of the oldest pending one (0 =
 * none), for /metrics: rows that do not pile up, read through the index of
 * due rows. */
typedef struct outbox_counts {
    int64_t pending, failed, dead;
    int64_t oldest_pending;
} outbox_counts;
int store_outbox_counts(store *s, const char *channel, outbox_counts *out);
int store_supervision_list(store *s, const supervision_filter *f, supervision_list *out);
/* ---- rules (app/rules.c) ---- */
/* Queues n outbox rows (a rule's notifications) in one transaction. */
int store_outbox_add(store *s, const outbox_msg *m, size_t n);
/* ---- closing, compensation, the penalty ledger (core/cases.h) ---- */
/* Ledger entries by f, oldest first. */
int store_penalty_list(store *s, const penalty_filter *f, penalty_list *out);
/* Compensations by f, newest first. */
int store_compensation_list(store *s, const compensation_filter *f, compensation_list *out);
/*
 * The authority each person used in [from, to) (core/records.h): granted
 * and referred by when they were asked, approved by when they were
 * decided; ordered by user, then AU_*. *out is set from scratch.
 */
int store_authority_use(store *s, int64_t from, int64_t to, authority_use_list *out);
/* ---- incidents (app/incident.c) ---- */
/*
 * Opens an incident for inc->cluster_key unless one is open: either way
 * inc (IN: key, cluster, anchor, level, owner, opened_at, data) is
 * refilled with the open incident of the key; *created (OUT) says which.
 */
int store_incident_open(store *s, incident *inc, bool *created);
/* out (zeroed or released) with its complaints; STORE_NOTFOUND. */
int store_incident_get(store *s, int64_t id, incident *out);
/* Newest first; status "open", "closed" or NULL for both; at most limit. */
int store_incident_list(store *s, const char *status, int limit, incident_list *out);
/* Stores inc if the stored version is inc->version - 1; else STORE_CONFLICT. */
int store_incident_update(store *s, const incident *inc);
/* Adds complaint_id to the incident; *added (OUT) false when it was there already. */
int store_incident_link(store *s, int64_t incident_id, int64_t complaint_id, int64_t at, bool *added);
/* ---- the versioned configuration (app/app.c) ---- */
/*
 * Stores v->pack as the next version and makes it the active pack
 * (config "pack" and "pack_version") in one transaction. IN: every field
 * but version; OUT: v->version. Borrowed: the strings of v.
 */
int store_pack_version_add(store *s, pack_version *v);
/* Every version, newest first, without the pack text. */
int store_pack_version_list(store *s, pack_version_list *out);
/* One version with its pack text (out zeroed or released); STORE_NOTFOUND. */
int store_pack_version_get(store *s, int64_t version, pack_version *out);
/* ---- customer data (sec/pii.h, docs/privacy.md) ---- */
/*
 * The rows an intake writes with its complaint, made once the complaint
 * has its id and number (store_complaint_create_keyed): fn sets *msgs to n
 * outbox rows (a rule's notifications), which are stored with the intake
 * event in the creating transaction. fn may be called more than once (the
 * creation run again) and must not use the store; the rows stay fn's until
 * its next call or the creation's return.
 */
/* A ledger row a creation came from (import_rows, migration 018); borrowed. */
typedef struct store_import_mark {
    const char *key;       /* the row's key, unique across ledgers */
    const char *file_hash; /* BLAKE2b of the file, hex */
    const char *file_name;
    int64_t row; /* 1-based, the header being row 1 */
    int64_t at;
} store_import_mark;
/*
 * fn may be NULL. then (NULL: none) is a decided event that follows the
 * intake in the same transaction (a ledger import's, core/workflow.h's
 * workflow_import): once the intake is sealed it gets the complaint's id,
 * seq 2, the intake's hash as prev and its key, and is sealed and applied;
 * mark (NULL: none) is stored with them, and a key already stored makes
 * the creation fail with STORE_NOTFOUND (not a conflict a fresh number would
 * resolve: there is nothing new to create).
 */
/* The reference another system gave a complaint, unique within its channel (external_refs, migration 021); borrowed. */
typedef struct store_external_ref {
    const char *channel, *ref;
} store_external_ref;
/*
 * ref (NULL: none) is stored with the complaint like mark: a reference of
 * the channel stored already makes the creation fail with STORE_NOTFOUND.
 */
typedef struct store_with {
    void (*fn)(void *arg, const complaint *c, const outbox_msg **msgs, size_t *n);
    void *arg;
    event *then;
    const store_import_mark *mark;
    const store_external_ref *ref;
} store_with;
/* The complaint that reference ref of channel was given to into *id; 0 or STORE_NOTFOUND. */
int store_external_ref_find(store *s, const char *channel, const char *ref, int64_t *id);
/* A ledger import's mapping saved by name (core/importmap.h); lists own their texts. */
typedef struct import_mapping {
    char name[64];
    char *mapping; /* its JSON */
    int64_t updated_at, updated_by;
} import_mapping;
typedef struct import_mapping_list {
    import_mapping *items;
    size_t n;
} import_mapping_list;
void import_mapping_release(import_mapping *m);
void import_mapping_list_release(import_mapping_list *l);
/* Creates or replaces the mapping m->name. */
int store_import_mapping_put(store *s, const import_mapping *m);
/* The mapping name into out (zeroed or released); STORE_NOTFOUND. */
int store_import_mapping_get(store *s, const char *name, import_mapping *out);
/* Every saved mapping, by name. */
int store_import_mapping_list(store *s, import_mapping_list *out);
/* Whether key was imported already: *complaint_id (OUT) the complaint it became, or 0. */
int store_import_find(store *s, const char *key, int64_t *complaint_id);
/* How many rows of the file file_hash were imported into *n. */
int store_import_count(store *s, const char *file_hash, int64_t *n);
/*
 * complaint_create that also stores, in the same transaction, the
 * complaint's wrapped data key k (k->complaint_id is set here) and the
 * rows of with (either may be NULL).
 */
int store_complaint_create_keyed(store *s, const char *prefix, int tz_offset, event *ev, complaint *c, pii_keyrow *k,
                                 const store_with *with);
/* One creation of store_complaint_create_many: as store_complaint_create_keyed's arguments; rc OUT. */
typedef struct store_create {
    event *ev;
    complaint *c;
    pii_keyrow *k;
    const store_with *with;
    int rc;
} store_create;
/*
 * Creates items[0..n) in few durable transactions (a ledger import's batch:
 * one commit for many complaints; SQLite one, PostgreSQL one per 128), each
 * in a savepoint of its own: one that fails is left out with its code in
 * items[i].rc (STORE_NOTFOUND: its mark's key was stored already), the
 * others are stored. Returns the first failure of a whole transaction
 * (its creations' rc say so too), or 0.
 */
int store_complaint_create_many(store *s, const char *prefix, int tz_offset, store_create *items, size_t n);
/* For each of rows[0..n): IN complaint_id; OUT found, key_id, wrapped, len. One round trip. */
int store_pii_keys_get(store *s, pii_keyrow *rows, size_t n);
/*
 * complaint_update of an `anonymise` event that also deletes the
 * complaint's data key, in the same transaction (crypto-shredding).
 */
int store_complaint_erase(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset);

/* ---- attachments (store/attachments.c, app/attachments.h) ---- */
/* One attachment (out zeroed or released); STORE_NOTFOUND. */
int store_attachment_get(store *s, const char *id, attachment *out);
/* complaint_id's attachments, removed ones too, oldest first. */
int store_attachment_list(store *s, int64_t complaint_id, attachment_list *out);
/* Every attachment whose id sorts after after_id ("" from the start), at most max, in id order (verify). */
int store_attachment_page(store *s, const char *after_id, int max, attachment_list *out);
/* The clear bytes of complaint_id's attachments not removed into *total. */
int store_attachment_bytes(store *s, int64_t complaint_id, int64_t *total);
/*
 * Where sealed bytes are kept: the directory of the files, beside the SQLite
 * database ("PATH.files"); NULL when they are kept in the database itself
 * (PostgreSQL: attachment_chunks).
 */
const char *store_files_dir(store *s);
/*
 * SQLite: moves the sealed file at tmp (in store_files_dir's "tmp") to its
 * place under its blob name and makes the file and the rename durable
 * before it returns. PostgreSQL: nothing (the bytes go in with the row).
 * 0 or STORE_ERROR.
 */
int store_blob_place(store *s, const char *tmp, const char *blob);
/*
 * A blob's sealed bytes from the file at tmp, outside a complaint's write
 * (redress copy): SQLite, store_blob_place; PostgreSQL, its rows of
 * attachment_chunks in a transaction of their own (tmp is left for the
 * caller to remove). 0 or a STORE_* code.
 */
int store_blob_import(store *s, const char *tmp, const char *blob);
/* A reader of blob's sealed bytes of sealed_size; NULL (STORE_NOTFOUND or an error in *rc). */
typedef struct store_blob store_blob;
store_blob *store_blob_open(store *s, const char *blob, int64_t sealed_size, int *rc);
/* Exactly n sealed bytes at off into p: 0 or -1 (util/sealfile.h's seal_pread_fn). */
int store_blob_pread(void *blob, void *p, size_t n, uint64_t off);
void store_blob_close(store_blob *b);
/*
 * Destroys att's sealed bytes (the file, or its rows) and marks it shredded,
 * with its name PII_ANONYMISED and no hash when erased (its complaint's data
 * are gone), else keeping them (a removal). Safe to run twice. 0 or a STORE_* code.
 */
int store_attachment_shred(store *s, const attachment *att, bool erased);
/*
 * Restores a SQLite backup (store_backup) as the database file target: the
 * backup must be a sound database of a schema this build knows; it is
 * copied beside target, target's log and shared memory are removed (they
 * would be replayed onto the copy), and the copy is renamed over target,
 * durably. No process may have target open. An existing target is
 * replaced only with replace. 0, or -1 with a message in err.
 */
int store_sqlite_restore(const char *backup, const char *target, bool replace, char *err, size_t errlen);
/* Up to max key rows not wrapped by key_id, complaint_id > after_id, in id order (rekey). */
int store_pii_keys_page(store *s, const char *key_id, int64_t after_id, int max, pii_keyrow *out, size_t *n);
/* Replaces the wrapping of each row whose key id is still old_key_id (rows[i].rc), one transaction. */
int store_pii_keys_rewrap(store *s, pii_keyrow *rows, size_t n);
/* A user's explicit permission perm: *granted 1, 0, or -1 when none is recorded (the role decides). */
int store_grant_get(store *s, int64_t user_id, const char *perm, int *granted);
/* Records granted 1 or 0, or removes the record with -1. */
int store_grant_set(store *s, int64_t user_id, const char *perm, int granted);
/*
 * Complaints closed before closed_before and not yet anonymised, by id
 * after after_id: up to max ids into ids (OUT), the count into n.
 */
int store_retention_due(store *s, int64_t closed_before, int64_t after_id, int max, int64_t *ids, size_t *n);
/* An online copy of the whole database into a new file at path (SQLite); STORE_ERROR when unsupported. */
int store_backup(store *s, const char *path);
/* ---- the audit log (core/auditlog.h, sec/audit.h) ---- */
/*
 * Appends r to the chain in one durable transaction: takes the head
 * under its lock, sets r->seq and r->prev, seals r and stores it with the
 * units it concerns, units[0..n_units) (duplicates and zeros are skipped;
 * the units are an index for scoping, not part of the hashed entry).
 * Borrowed: the strings of r, units.
 */
int store_audit_append(store *s, audit_row *r /* IN; OUT: seq, prev, hash */, const int64_t *units, size_t n_units);
/* A page of entries matching f (out->items owned by out; audit_page_release). */
int store_audit_list(store *s, const audit_filter *f, audit_page *out);
/* ---- sessions and sign-in ---- */
/* Records a session's use at now (idle timeout). */
int store_token_touch(store *s, int64_t id, int64_t now);
/*
 * The sign-in throttle (core/throttle.h) of one pair: client, the caller's
 * address, and account, a key of the name tried (never the name itself;
 * the pair need not be a user). store_throttle_get reads its state into
 * *out (zeros when it has none). store_throttle_record records an attempt
 * that was allowed at now under rule r, atomically across nodes, and
 * drops pairs gone stale; *out (OUT, may be NULL) is the state after.
 * store_throttle_forget drops every pair of account (a password reset).
 */
int store_throttle_get(store *s, const char *client, const char *account, throttle_state *out);
int store_throttle_record(store *s, const char *client, const char *account, const throttle_rule *r, bool ok,
                          int64_t now, throttle_state *out);
int store_throttle_forget(store *s, const char *account);
/* Revokes every session (kind 's') of a user except keep_id (0 = all), e.g. after a password change. */
int store_token_delete_sessions(store *s, int64_t user_id, int64_t keep_id);
/*
 * The overview of the complaints visible in a scope — owner, subject,
 * last handling or assisting unit among units[0..n) — for a caller who
 * does not see the whole organisation: counts by status, the open ones
 * past their stage deadline at now, and per local day (tz) of
 * [from_day, to_day] what was received and closed (days: a heap array of
 * to_day - from_day + 1, in order; see store_day_stats_add).
 */
/*
 * ---- reports (store/reports.c) ----
 * The cells of an indicator: the complaints received in [from, to) whose
 * subject unit is among units (n_units 0: any) and that match the other
 * filters set, for which den holds, grouped by the dimensions asked (the
 * local day when by_day) — each cell with how many there are (den) and for
 * how many of them num holds too (num). num and den are core/report.h
 * report_fact, evaluated at now.
 */
typedef struct report_query {
    int num, den;
    int64_t from, to, now;
    int tz_offset; /* minutes east of UTC: the local day of by_day */
    const int64_t *units;
    size_t n_units;
    const char *category, *channel, *nature, *kind; /* exact; NULL = any */
    int level;                                      /* 0 = any */
    const char *const *leave_out; /* kinds not counted (core/taxonomy.h kind_def.counts) */
    size_t n_leave_out;
    bool by_day, by_unit, by_category, by_channel, by_level, by_nature, by_kind;
} report_query;

typedef struct report_row {
    int64_t day, unit;
    int level;
    char category[64], channel[32], nature[16], kind[32];
    int64_t num, den;
} report_row;

/* The cells into the heap array *rows of *n (the dimensions not asked are 0 or ""); freed by the caller. */
int store_report_rows(store *s, const report_query *q, report_row **rows, size_t *n);

/*
 * The last revisits that reached the customer (core/satisfaction.h) of the
 * complaints q's range and filters select (q's facts and dimensions
 * unused): each complaint's subject unit, the revisit's result, who handled
 * it (the person assigned, else the one who resolved it; 0: nobody) and the
 * revisit's answers as JSON text (NULL: none), in order of id. Into the
 * heap array *rows of *n; freed by store_survey_rows_free.
 */
typedef struct survey_row {
    int64_t unit, staff;
    char result[24];
    char *answers; /* owned */
} survey_row;
int store_survey_rows(store *s, const report_query *q, survey_row **rows, size_t *n);
void store_survey_rows_free(survey_row *rows, size_t n);

/*
 * The open work of people: open complaints owned by one of units[0..n), by
 * owning unit and assignee (0: nobody assigned), with how many of them are
 * past their stage deadline at now; ordered by unit, then assignee.
 */
typedef struct workload_row {
    int64_t unit, assignee, open, overdue;
} workload_row;
int store_workload(store *s, const int64_t *units, size_t n, int64_t now, workload_row **out, size_t *nout);
int store_stats_scope(store *s, const int64_t *units, size_t n, int64_t now, int tz, int64_t from_day, int64_t to_day, int64_t counts[ST__COUNT], int64_t *overdue, day_stat **days);

/* How a store is run; zero values mean the defaults. */
typedef struct store_options {
    int pool_size;      /* PostgreSQL: connections per process (default 8) */
    bool unnamed_stmts; /* PostgreSQL: no named prepared statements (pgbouncer in transaction mode) */
    int connect_timeout; /* PostgreSQL: seconds to wait for a new connection (default 10) */
} store_options;

/*
 * Opens a store from a URL ("sqlite:PATH" or "postgresql://…"), applying
 * pending migrations. opt may be NULL. Returns NULL with a message in err
 * on failure. The store owns its connections and threads until store_close.
 */
store *store_open(const char *url, char *err, size_t errlen);
store *store_open_with(const char *url, const store_options *opt, char *err, size_t errlen);
void store_close(store *s);

/*
 * Adds one complaint to days[0..to_day - from_day] (day numbers from_day…)
 * as the daily statistics count it: received on the local day of
 * received_at; closed (on time unless past overall_due; first-contact) on
 * the local day of closed_at (0 = open). Shared by the backends' stats_scope.
 */
void store_day_stats_add(day_stat *days, int64_t from_day, int64_t to_day, int tz, int64_t received_at,
                         int64_t closed_at, int64_t overall_due, bool first_contact);

/* ---- in-app notices and the live feed (inapp.c, migration 026) ---- */

/* A person's in-app notice: what an outbox row of channel "internal" told them. */
typedef struct inapp_notice {
    int64_t id;
    int64_t user_id;
    int64_t complaint_id; /* 0 = none */
    char number[32];      /* the complaint's number, "" = none */
    char template_name[32];
    char *text_zh, *text_en; /* owned by a list; borrowed when writing */
    int64_t created_at;
    int64_t read_at; /* 0 = unread */
} inapp_notice;

typedef struct inapp_list {
    inapp_notice *items;
    size_t n;
} inapp_list;
void inapp_list_release(inapp_list *l);

typedef struct inapp_filter {
    int64_t user_id;
    bool unread;
    int64_t before; /* ids below it (the cursor); 0 = from the newest */
    int64_t limit;
} inapp_filter;

/*
 * Delivers the claimed outbox row m as the notices n[0..count) (their
 * user, complaint, number, template and texts; borrowed) at now, in one
 * transaction that marks m sent — or cancelled when count is 0 — while
 * its claim holds (STORE_CONFLICT when it was taken over). A notice its
 * user already has from m is not written twice.
 */
int store_inapp_deliver(store *s, const outbox_msg *m, const inapp_notice *n, size_t count, int64_t now);
/* The notices of f, newest first (out owned by the caller: inapp_list_release). */
int store_inapp_list(store *s, const inapp_filter *f, inapp_list *out);
/* How many notices of user_id are unread. */
int store_inapp_unread(store *s, int64_t user_id, int64_t *out);
/* Marks notice id of user_id read at now (STORE_NOTFOUND: no such notice of theirs). */
int store_inapp_read(store *s, int64_t user_id, int64_t id, int64_t now);
/* Marks every unread notice of user_id read at now. */
int store_inapp_read_all(store *s, int64_t user_id, int64_t now);
/* Up to max notices of every user with ids above after, oldest first (the live feed). */
int store_inapp_since(store *s, int64_t after, size_t max, inapp_list *out);

/* An event of a complaint, as the live feed tells open pages of it. */
typedef struct live_change {
    int64_t event_id;
    int64_t complaint_id;
    int64_t actor;
} live_change;
typedef struct live_change_list {
    live_change *items;
    size_t n;
} live_change_list;
/* Up to max events with ids above after, oldest first (out->items: free()). */
int store_live_changes(store *s, int64_t after, size_t max, live_change_list *out);
/* The highest notice id and event id stored now (where a feed starts). */
int store_live_heads(store *s, int64_t *notice, int64_t *ev);

#endif
