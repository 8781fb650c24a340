/*
 * users: people, the sign-in throttle of the names tried, their explicit permissions, and
 * the sessions and API tokens they authenticate with (stored only as the
 * BLAKE2b hash of the secret), written once for both backends over the
 * driver (driver.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/roles.h"
#include "store/driver.h"
#include "store/store.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define USER_COLS "u.id, u.username, u.name, u.roles, u.unit, u.active, u.must_change"
enum { USER_NCOLS = 7 };

/* The user of the USER_COLS columns from column i on (u released by the caller). */
static void read_user(db_stmt *st, int i, user *u)
{
    u->id = db_int(st, i);
    u->username = db_text_dup(st, i + 1);
    u->name = db_text_dup(st, i + 2);
    u->roles = roles_parse(db_text(st, i + 3));
    u->unit = db_int(st, i + 4);
    u->active = db_int(st, i + 5) != 0;
    u->must_change_password = db_int(st, i + 6) != 0;
}

struct user_arg {
    user *u;
    const char *pwhash;
    /* user_get */
    const char *username;
    int64_t id;
    char *pwhash_out;
    bool want_pwhash;
};

static int insert_user(db_conn *c, void *arg)
{
    struct user_arg *a = arg;
    char roles[128];
    roles_text(a->u->roles, roles, sizeof roles);
    db_stmt *st = db_prepare(c, "INSERT INTO users (username, name, roles, unit, pwhash, active, must_change, "
                                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, a->u->username);
    db_bind_text(st, 2, a->u->name);
    db_bind_text(st, 3, roles);
    db_bind_int(st, 4, a->u->unit);
    db_bind_text(st, 5, a->pwhash);
    db_bind_int(st, 6, a->u->active);
    db_bind_int(st, 7, a->u->must_change_password);
    db_bind_int(st, 8, time_now());
    return db_insert_id(st, &a->u->id);
}

int store_user_add(store *s, user *u, const char *pwhash)
{
    struct user_arg a = {.u = u, .pwhash = pwhash};
    return db_run_write(s, "user_add", insert_user, &a, 0);
}

static int read_one_user(db_conn *c, void *arg)
{
    struct user_arg *a = arg;
    user_release(a->u);
    free(a->pwhash_out);
    a->pwhash_out = NULL;
    db_stmt *st = db_prepare(c, a->username ? "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.username = ?"
                                            : "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.id = ?");
    if (!st)
        return STORE_ERROR;
    if (a->username)
        db_bind_text(st, 1, a->username);
    else
        db_bind_int(st, 1, a->id);
    int rc = db_one(st);
    if (rc != DB_ROW)
        return rc;
    read_user(st, 0, a->u);
    if (a->want_pwhash)
        a->pwhash_out = db_text_dup(st, USER_NCOLS);
    db_reset(st);
    return 0;
}

int store_user_get(store *s, const char *username, int64_t id, user *out, char **pwhash)
{
    user got = {0};
    struct user_arg a = {.u = &got, .username = username, .id = id, .want_pwhash = pwhash != NULL};
    int rc = db_run_read(s, "user_get", read_one_user, &a);
    if (rc) {
        user_release(&got);
        free(a.pwhash_out);
        return rc;
    }
    *out = got;
    if (pwhash)
        *pwhash = a.pwhash_out;
    return 0;
}

static void read_listed_user(db_stmt *st, void *item)
{
    read_user(st, 0, item);
}

static int read_users(db_conn *c, void *arg)
{
    user_list *l = arg;
    user_list_release(l);
    db_stmt *st = db_prepare(c, "SELECT " USER_COLS " FROM users u ORDER BY u.id");
    return st ? db_collect(st, (void **)&l->items, &l->n, sizeof *l->items, read_listed_user) : STORE_ERROR;
}

int store_user_list(store *s, user_list *out)
{
    out->items = NULL;
    out->n = 0;
    int rc = db_run_read(s, "user_list", read_users, out);
    if (rc)
        user_list_release(out);
    return rc;
}

struct pw_arg {
    int64_t id;
    const char *pwhash;
    bool must_change;
};

static int update_password(db_conn *c, void *arg)
{
    struct pw_arg *a = arg;
    db_stmt *st = db_prepare(c, "UPDATE users SET pwhash = ?, must_change = ? WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, a->pwhash);
    db_bind_int(st, 2, a->must_change);
    db_bind_int(st, 3, a->id);
    return db_done_changed(st);
}

int store_user_set_password(store *s, int64_t id, const char *pwhash, bool must_change)
{
    struct pw_arg a = {id, pwhash, must_change};
    return db_run_write(s, "user_set_password", update_password, &a, 0);
}

/* ---- the sign-in throttle ------------------------------------------------------ */

struct throttle_arg {
    const char *client, *account;
    const throttle_rule *rule;
    bool ok;
    int64_t now;
    throttle_state st; /* OUT */
};

/* The state of a->client, a->account into a->st; on PostgreSQL the row is
 * locked until the transaction ends when lock is set. */
static int throttle_read(db_conn *c, struct throttle_arg *a, bool lock)
{
    db_stmt *st = db_prepare(c, lock && db_dialect(c) == DB_PG
                                    ? "SELECT failures, blocked_until, last_at FROM login_throttle "
                                      "WHERE client = ? AND account = ? FOR UPDATE"
                                    : "SELECT failures, blocked_until, last_at FROM login_throttle "
                                      "WHERE client = ? AND account = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, a->client);
    db_bind_text(st, 2, a->account);
    a->st = (throttle_state){0};
    int rc = db_one(st);
    if (rc == DB_ROW) {
        a->st.failures = (int)db_int(st, 0);
        a->st.blocked_until = db_int(st, 1);
        a->st.last_at = db_int(st, 2);
        db_reset(st);
        rc = 0;
    }
    return rc == STORE_NOTFOUND ? 0 : rc;
}

static int throttle_get(db_conn *c, void *arg)
{
    return throttle_read(c, arg, false);
}

int store_throttle_get(store *s, const char *client, const char *account, throttle_state *out)
{
    struct throttle_arg a = {.client = client, .account = account};
    int rc = db_run_read(s, "throttle_get", throttle_get, &a);
    *out = a.st;
    return rc;
}

static int throttle_write(db_conn *c, void *arg)
{
    struct throttle_arg *a = arg;
    /* The row exists before it is read and locked, so that two failures at
     * once on two nodes both count; SQLite's writer runs one job at a time. */
    db_stmt *st = db_prepare(c, "INSERT INTO login_throttle (client, account, failures, blocked_until, last_at) "
                                "VALUES (?, ?, 0, 0, 0) ON CONFLICT (client, account) DO NOTHING");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, a->client);
    db_bind_text(st, 2, a->account);
    int rc = db_done(st);
    if (rc || (rc = throttle_read(c, a, true)))
        return rc;
    throttle_record(a->rule, &a->st, a->ok, a->now);
    st = db_prepare(c, a->ok ? "DELETE FROM login_throttle WHERE client = ? AND account = ?"
                             : "UPDATE login_throttle SET failures = ?, blocked_until = ?, last_at = ? "
                               "WHERE client = ? AND account = ?");
    if (!st)
        return STORE_ERROR;
    int i = 1;
    if (!a->ok) {
        db_bind_int(st, i++, a->st.failures);
        db_bind_int(st, i++, a->st.blocked_until);
        db_bind_int(st, i++, a->st.last_at);
    }
    db_bind_text(st, i++, a->client);
    db_bind_text(st, i, a->account);
    if ((rc = db_done(st)))
        return rc;
    /* Pairs with nothing left to remember go (throttle_stale), so that names
     * made up by the thousand do not stay. */
    st = db_prepare(c, "DELETE FROM login_throttle WHERE last_at <= ? AND blocked_until <= ?");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->now - a->rule->forget);
    db_bind_int(st, 2, a->now);
    return db_done(st);
}

int store_throttle_record(store *s, const char *client, const char *account, const throttle_rule *r, bool ok,
                          int64_t now, throttle_state *out)
{
    struct throttle_arg a = {.client = client, .account = account, .rule = r, .ok = ok, .now = now};
    int rc = db_run_write(s, "throttle_record", throttle_write, &a, 0);
    if (rc == 0 && out)
        *out = a.st;
    return rc;
}

static int throttle_forget(db_conn *c, void *arg)
{
    db_stmt *st = db_prepare(c, "DELETE FROM login_throttle WHERE account = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, arg);
    return db_done(st);
}

int store_throttle_forget(store *s, const char *account)
{
    return db_run_write(s, "throttle_forget", throttle_forget, (void *)account, 0);
}

/* ---- explicit permissions ------------------------------------------------------ */

struct grant_arg {
    int64_t user_id;
    const char *perm;
    int granted;
};

static int read_grant(db_conn *c, void *arg)
{
    struct grant_arg *a = arg;
    db_stmt *st = db_prepare(c, "SELECT granted FROM user_grants WHERE user_id = ? AND perm = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->user_id);
    db_bind_text(st, 2, a->perm);
    int rc = db_one(st);
    a->granted = -1;
    if (rc == DB_ROW) {
        a->granted = db_int(st, 0) != 0;
        db_reset(st);
        rc = 0;
    }
    return rc == STORE_NOTFOUND ? 0 : rc;
}

int store_grant_get(store *s, int64_t user_id, const char *perm, int *granted)
{
    struct grant_arg a = {user_id, perm, -1};
    int rc = db_run_read(s, "grant_get", read_grant, &a);
    if (rc == 0)
        *granted = a.granted;
    return rc;
}

static int write_grant(db_conn *c, void *arg)
{
    struct grant_arg *a = arg;
    db_stmt *st = a->granted < 0 ? db_prepare(c, "DELETE FROM user_grants WHERE user_id = ? AND perm = ?")
                                 : db_prepare(c, "INSERT INTO user_grants (user_id, perm, granted) VALUES (?, ?, ?) "
                                                 "ON CONFLICT (user_id, perm) DO UPDATE SET granted = excluded.granted");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->user_id);
    db_bind_text(st, 2, a->perm);
    if (a->granted >= 0)
        db_bind_int(st, 3, a->granted);
    return db_done(st);
}

int store_grant_set(store *s, int64_t user_id, const char *perm, int granted)
{
    struct grant_arg a = {user_id, perm, granted};
    return db_run_write(s, "grant_set", write_grant, &a, 0);
}

/* ---- sessions and API tokens --------------------------------------------------- */

static int insert_token(db_conn *c, void *arg)
{
    token *t = arg;
    db_stmt *st = db_prepare(c, "INSERT INTO tokens (hash, user_id, kind, name, created_at, expires_at, "
                                "last_used_at, roles, unit, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "RETURNING id");
    if (!st)
        return STORE_ERROR;
    char kind[2] = {t->kind, 0};
    db_bind_blob(st, 1, t->hash, 32);
    db_bind_int(st, 2, t->user_id);
    db_bind_text(st, 3, kind);
    db_bind_text(st, 4, t->name);
    db_bind_int(st, 5, t->created_at);
    db_bind_int(st, 6, t->expires_at);
    db_bind_int(st, 7, t->last_used_at);
    db_bind_int(st, 8, (int64_t)t->roles);
    db_bind_int(st, 9, t->unit);
    db_bind_int(st, 10, t->created_by);
    return db_insert_id(st, &t->id);
}

int store_token_add(store *s, token *t)
{
    return db_run_write(s, "token_add", insert_token, t, 0);
}

struct find_arg {
    const uint8_t *hash;
    int64_t now;
    token *t;
    user *u;
};

static int read_token(db_conn *c, void *arg)
{
    struct find_arg *a = arg;
    user_release(a->u);
    db_stmt *st = db_prepare(c, "SELECT t.id, t.user_id, t.kind, t.created_at, t.expires_at, " USER_COLS
                                ", t.last_used_at, t.roles, t.unit, t.created_by"
                                " FROM tokens t JOIN users u ON u.id = t.user_id "
                                "WHERE t.hash = ? AND (t.expires_at = 0 OR t.expires_at > ?) AND u.active = 1");
    if (!st)
        return STORE_ERROR;
    db_bind_blob(st, 1, a->hash, 32);
    db_bind_int(st, 2, a->now);
    int rc = db_one(st);
    if (rc != DB_ROW)
        return rc;
    token *t = a->t;
    memset(t, 0, sizeof *t);
    t->id = db_int(st, 0);
    memcpy(t->hash, a->hash, 32);
    t->user_id = db_int(st, 1);
    const char *kind = db_text(st, 2);
    t->kind = kind ? kind[0] : 0;
    t->created_at = db_int(st, 3);
    t->expires_at = db_int(st, 4);
    read_user(st, 5, a->u);
    t->last_used_at = db_int(st, 5 + USER_NCOLS);
    t->roles = (unsigned)db_int(st, 6 + USER_NCOLS);
    t->unit = db_int(st, 7 + USER_NCOLS);
    t->created_by = db_int(st, 8 + USER_NCOLS);
    db_reset(st);
    return 0;
}

int store_token_find(store *s, const uint8_t hash[32], int64_t now, token *out, user *u)
{
    user got = {0};
    token t;
    struct find_arg a = {hash, now, &t, &got};
    int rc = db_run_read(s, "token_find", read_token, &a);
    if (rc) {
        user_release(&got);
        return rc;
    }
    *out = t;
    *u = got;
    return 0;
}

struct tok_del {
    const uint8_t *hash;
    int64_t id;
};

static int delete_token(db_conn *c, void *arg)
{
    struct tok_del *a = arg;
    db_stmt *st = a->hash ? db_prepare(c, "DELETE FROM tokens WHERE hash = ?")
                          : db_prepare(c, "DELETE FROM tokens WHERE id = ? AND kind = 't'");
    if (!st)
        return STORE_ERROR;
    if (a->hash)
        db_bind_blob(st, 1, a->hash, 32);
    else
        db_bind_int(st, 1, a->id);
    return db_done_changed(st);
}

int store_token_delete(store *s, const uint8_t *hash, int64_t id)
{
    struct tok_del a = {hash, id};
    return db_run_write(s, "token_delete", delete_token, &a, 0);
}

static void read_listed_token(db_stmt *st, void *item)
{
    token *t = item;
    t->id = db_int(st, 0);
    t->user_id = db_int(st, 1);
    t->kind = 't';
    t->name = db_text_dup(st, 2);
    t->created_at = db_int(st, 3);
    t->expires_at = db_int(st, 4);
    t->last_used_at = db_int(st, 5);
    t->roles = (unsigned)db_int(st, 6);
    t->unit = db_int(st, 7);
    t->created_by = db_int(st, 8);
}

/* The API tokens, or the one of id when id is not 0. */
struct tok_query {
    int64_t id;
    token_list *l;
};

static int read_tokens(db_conn *c, void *arg)
{
    struct tok_query *q = arg;
    token_list_release(q->l);
    db_stmt *st = db_prepare(c, q->id ? "SELECT id, user_id, name, created_at, expires_at, last_used_at, roles, unit, "
                                        "created_by FROM tokens WHERE kind = 't' AND id = ?"
                                      : "SELECT id, user_id, name, created_at, expires_at, last_used_at, roles, unit, "
                                        "created_by FROM tokens WHERE kind = 't' ORDER BY id");
    if (!st)
        return STORE_ERROR;
    if (q->id)
        db_bind_int(st, 1, q->id);
    return db_collect(st, (void **)&q->l->items, &q->l->n, sizeof *q->l->items, read_listed_token);
}

int store_token_list(store *s, token_list *out)
{
    struct tok_query q = {0, out};
    out->items = NULL;
    out->n = 0;
    int rc = db_run_read(s, "token_list", read_tokens, &q);
    if (rc)
        token_list_release(out);
    return rc;
}

int store_token_get(store *s, int64_t id, token *out)
{
    token_list l = {0};
    struct tok_query q = {id, &l};
    int rc = id > 0 ? db_run_read(s, "token_get", read_tokens, &q) : STORE_NOTFOUND;
    if (rc == 0 && l.n == 0)
        rc = STORE_NOTFOUND;
    if (rc == 0) {
        *out = l.items[0];
        l.items[0].name = NULL;
    }
    token_list_release(&l);
    return rc;
}

/* A statement of two integer parameters and no rows, as one write. */
struct two_ints {
    const char *sql;
    int64_t p1, p2;
};

static int run_two_ints(db_conn *c, void *arg)
{
    struct two_ints *a = arg;
    db_stmt *st = db_prepare(c, a->sql);
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->p1);
    db_bind_int(st, 2, a->p2);
    return db_done(st);
}

int store_token_touch(store *s, int64_t id, int64_t now)
{
    struct two_ints a = {"UPDATE tokens SET last_used_at = ? WHERE id = ?", now, id};
    return db_run_write(s, "token_touch", run_two_ints, &a, 0);
}

int store_token_delete_sessions(store *s, int64_t user_id, int64_t keep_id)
{
    struct two_ints a = {"DELETE FROM tokens WHERE user_id = ? AND kind = 's' AND id <> ?", user_id, keep_id};
    return db_run_write(s, "token_delete_sessions", run_two_ints, &a, 0);
}
