/*
 * users: people, the sign-in throttle of the names tried, their explicit permissions, and
 * the sessions and API tokens they authenticate with (stored only as the
 * BLAKE2b hash of the secret), written once for both backends over the
 * driver (driver.h).
 */
#include <stdlib.h>
#include <string.h>

#include "core/notify.h"
#include "core/roles.h"
#include "store/driver.h"
#include "store/store.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

#define USER_COLS "u.id, u.username, u.name, u.roles, u.unit, u.active, u.must_change, u.email, u.phone, u.notify"

static void read_roles(db_stmt *st, int i, void *roles)
{
    *(unsigned *)roles = roles_parse(db_text(st, i));
}

static void read_channels(db_stmt *st, int i, void *bits)
{
    if (notify_channels_parse(db_text(st, i), bits))
        *(unsigned *)bits = NOTIFY_EMAIL;
}

/* The columns of USER_COLS into the user p of a struct T (p: "u." or nothing). */
#define USER_COL_LIST(T, p)                                                                                            \
    DB_COL(T, p id), DB_COL(T, p username), DB_COL(T, p name), DB_COL_FN(T, p roles, read_roles, NULL),                \
        DB_COL(T, p unit), DB_COL(T, p active), DB_COL(T, p must_change_password), DB_COL(T, p email),                \
        DB_COL(T, p phone), DB_COL_FN(T, p notify, read_channels, NULL)
static const db_col user_cols[] = {USER_COL_LIST(user, ), {0}};

int store_user_add(store *s, user *u, const char *pwhash)
{
    char roles[128], notify[32];
    roles_text(u->roles, roles, sizeof roles);
    notify_channels_text(u->notify, notify, sizeof notify);
    return db_write_id(s, "user_add",
                       "INSERT INTO users (username, name, roles, unit, pwhash, active, must_change, created_at, email, "
                       "phone, notify) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       DB_VALS(DB_TEXT(u->username), DB_TEXT(u->name), DB_TEXT(roles), DB_INT(u->unit), DB_TEXT(pwhash),
                               DB_INT(u->active), DB_INT(u->must_change_password), DB_INT(time_now()),
                               DB_TEXT(u->email), DB_TEXT(u->phone), DB_TEXT(notify)),
                       &u->id);
}

struct user_update {
    const user *u, *was;
    bool end_tokens;
};

/* STORE_CONFLICT unless the user's roles and unit are still was's (the row locked on PostgreSQL). */
static int same_scope(db_conn *c, const user *was)
{
    db_stmt *st;
    int rc = db_onev(c,
                     db_dialect(c) == DB_PG ? "SELECT roles, unit FROM users WHERE id = ? FOR UPDATE"
                                            : "SELECT roles, unit FROM users WHERE id = ?",
                     DB_VALS(DB_INT(was->id)), &st);
    if (rc != DB_ROW)
        return rc;
    bool same = roles_parse(db_text(st, 0)) == was->roles && db_int(st, 1) == was->unit;
    db_reset(st);
    return same ? 0 : STORE_CONFLICT;
}

static int user_update(db_conn *c, void *arg)
{
    const struct user_update *a = arg;
    const user *u = a->u;
    char roles[128], notify[32];
    roles_text(u->roles, roles, sizeof roles);
    notify_channels_text(u->notify, notify, sizeof notify);
    int rc = a->was ? same_scope(c, a->was) : 0;
    if (rc)
        return rc;
    rc = db_changev(c,
                        "UPDATE users SET name = ?, roles = ?, unit = ?, email = ?, phone = ?, notify = ?, active = ? "
                        "WHERE id = ?",
                        DB_VALS(DB_TEXT(u->name), DB_TEXT(roles), DB_INT(u->unit), DB_TEXT(u->email),
                                DB_TEXT(u->phone), DB_TEXT(notify), DB_INT(u->active), DB_INT(u->id)));
    if (rc == 0 && a->end_tokens)
        rc = db_execv(c, "DELETE FROM tokens WHERE user_id = ?", DB_VALS(DB_INT(u->id)));
    return rc;
}

int store_user_update(store *s, const user *u, const user *was, bool end_tokens)
{
    struct user_update a = {u, was, end_tokens};
    return db_run_write(s, "user_update", user_update, &a, 0);
}

struct user_pw {
    user u;
    char *pwhash;
};
static const db_col user_pw_cols[] = {USER_COL_LIST(struct user_pw, u.), DB_COL(struct user_pw, pwhash), {0}};

int store_user_get(store *s, const char *username, int64_t id, user *out, char **pwhash)
{
    struct user_pw got = {0};
    int rc = username ? db_read_row(s, "user_get", "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.username = ?",
                                    DB_VALS(DB_TEXT(username)), user_pw_cols, &got)
                      : db_read_row(s, "user_get", "SELECT " USER_COLS ", u.pwhash FROM users u WHERE u.id = ?",
                                    DB_VALS(DB_INT(id)), user_pw_cols, &got);
    if (rc)
        return rc;
    *out = got.u;
    if (pwhash)
        *pwhash = got.pwhash;
    else
        free(got.pwhash);
    return 0;
}

int store_user_list(store *s, user_list *out)
{
    return db_read_list(s, "user_list", "SELECT " USER_COLS " FROM users u ORDER BY u.id", NULL, user_cols,
                        sizeof *out->items, (void **)&out->items, &out->n);
}

int store_user_list_unit(store *s, int64_t unit_id, user_list *out)
{
    return db_read_list(s, "user_list_unit", "SELECT " USER_COLS " FROM users u WHERE u.unit = ? AND u.active = 1 "
                        "ORDER BY u.id", DB_VALS(DB_INT(unit_id)), user_cols, sizeof *out->items, (void **)&out->items,
                        &out->n);
}

int store_user_set_password(store *s, int64_t id, const char *pwhash, bool must_change)
{
    return db_write_one(s, "user_set_password", true, "UPDATE users SET pwhash = ?, must_change = ? WHERE id = ?",
                        DB_VALS(DB_TEXT(pwhash), DB_INT(must_change), DB_INT(id)));
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
    db_stmt *st;
    a->st = (throttle_state){0};
    int rc = db_onev(c,
                     lock && db_dialect(c) == DB_PG ? "SELECT failures, blocked_until, last_at FROM login_throttle "
                                                      "WHERE client = ? AND account = ? FOR UPDATE"
                                                    : "SELECT failures, blocked_until, last_at FROM login_throttle "
                                                      "WHERE client = ? AND account = ?",
                     DB_VALS(DB_TEXT(a->client), DB_TEXT(a->account)), &st);
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
    int rc = db_execv(c,
                      "INSERT INTO login_throttle (client, account, failures, blocked_until, last_at) "
                      "VALUES (?, ?, 0, 0, 0) ON CONFLICT (client, account) DO NOTHING",
                      DB_VALS(DB_TEXT(a->client), DB_TEXT(a->account)));
    if (rc || (rc = throttle_read(c, a, true)))
        return rc;
    throttle_record(a->rule, &a->st, a->ok, a->now);
    rc = a->ok ? db_execv(c, "DELETE FROM login_throttle WHERE client = ? AND account = ?",
                          DB_VALS(DB_TEXT(a->client), DB_TEXT(a->account)))
               : db_execv(c,
                          "UPDATE login_throttle SET failures = ?, blocked_until = ?, last_at = ? "
                          "WHERE client = ? AND account = ?",
                          DB_VALS(DB_INT(a->st.failures), DB_INT(a->st.blocked_until), DB_INT(a->st.last_at),
                                  DB_TEXT(a->client), DB_TEXT(a->account)));
    if (rc)
        return rc;
    /* Pairs with nothing left to remember go (throttle_stale), so that names
     * made up by the thousand do not stay. */
    return db_execv(c, "DELETE FROM login_throttle WHERE last_at <= ? AND blocked_until <= ?",
                    DB_VALS(DB_INT(a->now - a->rule->forget), DB_INT(a->now)));
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

int store_throttle_forget(store *s, const char *account)
{
    return db_write_one(s, "throttle_forget", false, "DELETE FROM login_throttle WHERE account = ?",
                        DB_VALS(DB_TEXT(account)));
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
    db_stmt *st;
    int rc = db_onev(c, "SELECT granted FROM user_grants WHERE user_id = ? AND perm = ?",
                     DB_VALS(DB_INT(a->user_id), DB_TEXT(a->perm)), &st);
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

int store_grant_set(store *s, int64_t user_id, const char *perm, int granted)
{
    if (granted < 0)
        return db_write_one(s, "grant_set", false, "DELETE FROM user_grants WHERE user_id = ? AND perm = ?",
                            DB_VALS(DB_INT(user_id), DB_TEXT(perm)));
    return db_write_one(s, "grant_set", false,
                        "INSERT INTO user_grants (user_id, perm, granted) VALUES (?, ?, ?) "
                        "ON CONFLICT (user_id, perm) DO UPDATE SET granted = excluded.granted",
                        DB_VALS(DB_INT(user_id), DB_TEXT(perm), DB_INT(granted)));
}

/* ---- sessions and API tokens --------------------------------------------------- */

int store_token_add(store *s, token *t)
{
    char kind[2] = {t->kind, 0};
    return db_write_id(s, "token_add",
                       "INSERT INTO tokens (hash, user_id, kind, name, created_at, expires_at, last_used_at, roles, "
                       "unit, created_by, partner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                       DB_VALS(DB_BLOB(t->hash, 32), DB_INT(t->user_id), DB_TEXT(kind), DB_TEXT(t->name),
                               DB_INT(t->created_at), DB_INT(t->expires_at), DB_INT(t->last_used_at),
                               DB_INT((int64_t)t->roles), DB_INT(t->unit), DB_INT(t->created_by), DB_TEXT(t->partner)),
                       &t->id);
}

/* A token found by its hash, with its user. */
struct token_user {
    token t;
    user u;
};
static const db_col token_user_cols[] = {
    DB_COLS(struct token_user, t.id, t.user_id, t.kind, t.created_at, t.expires_at),
    USER_COL_LIST(struct token_user, u.),
    DB_COLS(struct token_user, t.last_used_at, t.roles, t.unit, t.created_by, t.partner),
    {0}};

int store_token_find(store *s, const uint8_t hash[32], int64_t now, token *out, user *u)
{
    struct token_user got = {0};
    int rc = db_read_row(s, "token_find",
                         "SELECT t.id, t.user_id, t.kind, t.created_at, t.expires_at, " USER_COLS
                         ", t.last_used_at, t.roles, t.unit, t.created_by, t.partner"
                         " FROM tokens t JOIN users u ON u.id = t.user_id "
                         "WHERE t.hash = ? AND (t.expires_at = 0 OR t.expires_at > ?) AND u.active = 1",
                         DB_VALS(DB_BLOB(hash, 32), DB_INT(now)), token_user_cols, &got);
    if (rc)
        return rc;
    memcpy(got.t.hash, hash, 32);
    *out = got.t;
    *u = got.u;
    return 0;
}

int store_token_delete(store *s, const uint8_t *hash, int64_t id)
{
    if (hash)
        return db_write_one(s, "token_delete", true, "DELETE FROM tokens WHERE hash = ?", DB_VALS(DB_BLOB(hash, 32)));
    return db_write_one(s, "token_delete", true, "DELETE FROM tokens WHERE id = ? AND kind = 't'", DB_VALS(DB_INT(id)));
}

/* The API tokens' columns (kind 't'). */
#define TOKEN_SELECT                                                                                                   \
    "SELECT id, user_id, kind, name, created_at, expires_at, last_used_at, roles, unit, created_by, partner "     \
    "FROM tokens "       \
    "WHERE kind = 't'"
static const db_col token_cols[] = {
    DB_COLS(token, id, user_id, kind, name, created_at, expires_at, last_used_at, roles, unit, created_by, partner),
    {0}};

int store_token_list(store *s, token_list *out)
{
    return db_read_list(s, "token_list", TOKEN_SELECT " ORDER BY id", NULL, token_cols, sizeof *out->items,
                        (void **)&out->items, &out->n);
}

int store_token_get(store *s, int64_t id, token *out)
{
    token t = {0};
    int rc = id > 0 ? db_read_row(s, "token_get", TOKEN_SELECT " AND id = ?", DB_VALS(DB_INT(id)), token_cols, &t)
                    : STORE_NOTFOUND;
    if (rc == 0)
        *out = t;
    return rc;
}

int store_token_touch(store *s, int64_t id, int64_t now)
{
    return db_write_one(s, "token_touch", false, "UPDATE tokens SET last_used_at = ? WHERE id = ?",
                        DB_VALS(DB_INT(now), DB_INT(id)));
}

int store_token_delete_sessions(store *s, int64_t user_id, int64_t keep_id)
{
    return db_write_one(s, "token_delete_sessions", false,
                        "DELETE FROM tokens WHERE user_id = ? AND kind = 's' AND id <> ?",
                        DB_VALS(DB_INT(user_id), DB_INT(keep_id)));
}
