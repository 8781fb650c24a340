/*
 * store: the one narrow interface between Redress and its database. A store
 * is a table of function pointers (struct store_ops, versioned) behind a
 * URL: "sqlite:PATH" today, "postgresql://…" as a second backend. The domain
 * never sees SQL; every statement lives in the backend files, prepared with
 * bound parameters.
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

#include "core/complaint.h"
#include "core/event.h"
#include "core/org.h"

enum {
    STORE_OK = 0,
    STORE_NOTFOUND = 1,
    STORE_CONFLICT = 2,
    STORE_ERROR = -1,
    STORE_UNAVAILABLE = -2,
};

#define STORE_OPS_VERSION 1

typedef struct user {
    int64_t id;
    char *username;
    char *name;
    unsigned roles;
    int64_t unit;
    bool active;
    bool must_change_password;
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
    int64_t expires_at; /* 0 = never */
} token;

typedef struct token_list {
    token *items;
    size_t n;
} token_list;
void token_list_release(token_list *l);

/* Filters of the complaint list; zero / NULL / false = not filtered. */
typedef struct complaint_filter {
    int status;             /* ST_* or -1 for "open" */
    int stage;              /* SG_* */
    const int64_t *owner_units; /* a unit and its subtree */
    size_t n_owner_units;
    const int64_t *subject_units;
    size_t n_subject_units;
    const char *channel;
    const char *const *categories; /* a category and its descendants */
    size_t n_categories;
    int level;
    int64_t from, to;       /* received_at in [from, to) */
    const char *phone;      /* digits */
    bool overdue;           /* stage_due < now (open only) */
    int64_t now;
    bool sort_deadline;     /* else newest first */
    int limit;
    bool has_cursor;        /* continue after (cursor_key, cursor_id) */
    int64_t cursor_key;
    int64_t cursor_id;
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

typedef struct store store;

struct store_ops {
    int version; /* STORE_OPS_VERSION */
    const char *name;
    void (*close)(store *s);
    /* Applies pending migrations; safe to run twice. */
    int (*migrate)(store *s);

    int (*config_get)(store *s, const char *key, char **value /* OUT: heap */);
    int (*config_set)(store *s, const char *key, const char *value);

    int (*unit_add)(store *s, unit *u /* IN, OUT: id */);
    int (*unit_load)(store *s, org *o /* OUT: appended */);

    int (*user_add)(store *s, user *u /* IN, OUT: id */, const char *pwhash);
    /* Finds by username (when username) or id; pwhash (OUT, heap) may be NULL. */
    int (*user_get)(store *s, const char *username, int64_t id, user *out, char **pwhash);
    int (*user_list)(store *s, user_list *out);
    int (*user_set_password)(store *s, int64_t id, const char *pwhash, bool must_change);

    int (*token_add)(store *s, token *t /* IN, OUT: id */);
    int (*token_find)(store *s, const uint8_t hash[32], int64_t now, token *out, user *u);
    int (*token_delete)(store *s, const uint8_t *hash, int64_t id);
    int (*token_list)(store *s, token_list *out);

    /*
     * Creates a complaint from its intake event: assigns the id and the next
     * number of the day (prefix + local date of received_at + 4 digits),
     * writes them into ev->payload, seals ev, applies it to c and stores
     * both. c is initialised by the caller and filled here.
     */
    int (*complaint_create)(store *s, const char *prefix, int tz_offset, event *ev, complaint *c);
    /*
     * Stores the next state c (already the result of applying the sealed ev)
     * if the stored version is still c->version - 1; else STORE_CONFLICT.
     */
    int (*complaint_update)(store *s, const complaint *c, const event *ev, int tz_offset);
    int (*complaint_get)(store *s, int64_t id, const char *number, complaint *out);
    int (*complaint_list)(store *s, const complaint_filter *f, complaint_page *out);
    int (*event_list)(store *s, int64_t complaint_id, event_list *out);
    /* Calls fn for every complaint id in order; stops when fn returns non-zero. */
    int (*complaint_ids)(store *s, int (*fn)(int64_t id, void *arg), void *arg);
    int (*complaint_count)(store *s, int64_t *n);

    int (*stats_days)(store *s, int64_t from_day, int64_t to_day, day_stat **out, size_t *n);
    int (*stats_status)(store *s, int64_t counts[ST__COUNT], int64_t now, int64_t *overdue);
};

struct store {
    const struct store_ops *ops;
};

/*
 * Opens a store from a URL ("sqlite:PATH"). Returns NULL with a message in
 * err on failure. The store owns its connections and threads until
 * store_close.
 */
store *store_open(const char *url, char *err, size_t errlen);
void store_close(store *s);

#endif
