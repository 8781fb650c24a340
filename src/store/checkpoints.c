/* checkpoints: see checkpoints.h. */
#include "store/checkpoints.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/driver.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct config_arg {
    const char *key, *value;
    int64_t now;
};

static int add_config(db_conn *c, void *arg)
{
    struct config_arg *a = arg;
    db_stmt *st = db_prepare(c, "INSERT INTO config (key, value, updated_at) VALUES (?, ?, ?) "
                                "ON CONFLICT (key) DO NOTHING");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, a->key);
    db_bind_text(st, 2, a->value);
    db_bind_int(st, 3, a->now);
    return db_done(st);
}

int store_config_add(store *s, const char *key, const char *value)
{
    struct config_arg a = {key, value, time_now()};
    return db_run_write(s, "config_add", add_config, &a, 0);
}

struct heads_arg {
    int64_t last_event, audit_seq;
    uint8_t audit_hash[32];
};

static int read_heads(db_conn *c, void *arg)
{
    struct heads_arg *a = arg;
    db_stmt *st = db_prepare(c, "SELECT COALESCE(MAX(id), 0) FROM events");
    if (!st)
        return STORE_ERROR;
    int rc = db_one(st);
    if (rc != DB_ROW)
        return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
    a->last_event = db_int(st, 0);
    db_reset(st);
    memset(a->audit_hash, 0, 32);
    a->audit_seq = 0;
    st = db_prepare(c, "SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    rc = db_one(st);
    if (rc == STORE_NOTFOUND)
        return 0;
    if (rc != DB_ROW)
        return rc;
    a->audit_seq = db_int(st, 0);
    size_t n;
    const void *h = db_blob(st, 1, &n);
    if (h && n == 32)
        memcpy(a->audit_hash, h, 32);
    db_reset(st);
    return 0;
}

int store_chain_heads(store *s, int64_t *last_event, int64_t *audit_seq)
{
    struct heads_arg a = {0};
    int rc = db_run_read(s, "chain_heads", read_heads, &a);
    *last_event = a.last_event;
    *audit_seq = a.audit_seq;
    return rc;
}

/* The hex column i into out (zeros when it is not 64 hex digits: verification reports it). */
static void read_hex(db_stmt *st, int i, uint8_t out[32])
{
    const char *t = db_text(st, i);
    size_t n = 0;
    if (!t || strlen(t) != 64 || sodium_hex2bin(out, 32, t, 64, NULL, &n, NULL) != 0 || n != 32)
        memset(out, 0, 32);
}

static void read_checkpoint(db_stmt *st, void *item)
{
    checkpoint *c = item;
    c->id = db_int(st, 0);
    c->at = db_int(st, 1);
    c->last_event = db_int(st, 2);
    c->complaints = db_int(st, 3);
    c->events = db_int(st, 4);
    read_hex(st, 5, c->digest);
    c->audit_seq = db_int(st, 6);
    read_hex(st, 7, c->audit_hash);
    read_hex(st, 8, c->mac);
}

#define CHECKPOINT_COLS "id, at, last_event, complaints, events, digest, audit_seq, audit_hash, mac"

struct add_arg {
    const chain_keys *k;
    int64_t now;
    checkpoint cp;
};

static int add_checkpoint(db_conn *c, void *arg)
{
    struct add_arg *a = arg;
    checkpoint *cp = &a->cp;
    memset(cp, 0, sizeof *cp);
    /* SQLite's writer runs one transaction at a time: every event is committed. */
    if (db_dialect(c) == DB_PG && db_exec(c, "LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"))
        return STORE_ERROR;
    db_stmt *st = db_prepare(c, "SELECT " CHECKPOINT_COLS " FROM checkpoints ORDER BY id DESC LIMIT 1");
    if (!st)
        return STORE_ERROR;
    int rc = db_one(st);
    if (rc == DB_ROW) {
        read_checkpoint(st, cp);
        db_reset(st);
    } else if (rc != STORE_NOTFOUND) {
        return rc;
    }
    checkpoint was = *cp;
    st = db_prepare(c, "SELECT id, seq, hash FROM events WHERE id > ? ORDER BY id");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, cp->last_event);
    while ((rc = db_step(st)) == DB_ROW) {
        uint8_t h[32];
        size_t n;
        const void *p = db_blob(st, 2, &n);
        if (p && n == 32)
            memcpy(h, p, 32);
        else
            memset(h, 0, 32);
        cp->last_event = db_int(st, 0);
        cp->events++;
        cp->complaints += db_int(st, 1) == 1;
        chain_digest_add(a->k, cp->digest, cp->last_event, h);
    }
    db_reset(st);
    if (rc != 0)
        return rc;
    struct heads_arg h;
    if ((rc = read_heads(c, &h)))
        return rc;
    if (was.id && cp->last_event == was.last_event && h.audit_seq == was.audit_seq)
        return STORE_CONFLICT; /* nothing new: *cp is the newest */
    cp->id = was.id + 1;
    cp->at = a->now;
    cp->audit_seq = h.audit_seq;
    memcpy(cp->audit_hash, h.audit_hash, 32);
    checkpoint_seal(a->k, cp);
    char d[65], ah[65], m[65];
    sodium_bin2hex(d, sizeof d, cp->digest, 32);
    sodium_bin2hex(ah, sizeof ah, cp->audit_hash, 32);
    sodium_bin2hex(m, sizeof m, cp->mac, 32);
    st = db_prepare(c, "INSERT INTO checkpoints (" CHECKPOINT_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, cp->id);
    db_bind_int(st, 2, cp->at);
    db_bind_int(st, 3, cp->last_event);
    db_bind_int(st, 4, cp->complaints);
    db_bind_int(st, 5, cp->events);
    db_bind_text(st, 6, d);
    db_bind_int(st, 7, cp->audit_seq);
    db_bind_text(st, 8, ah);
    db_bind_text(st, 9, m);
    return db_done(st);
}

int store_checkpoint_add(store *s, const chain_keys *k, int64_t now, checkpoint *out)
{
    struct add_arg a = {.k = k, .now = now};
    int rc = db_run_write(s, "checkpoint_add", add_checkpoint, &a, 0);
    *out = a.cp;
    return rc;
}

struct list_arg {
    checkpoint *items;
    size_t n;
};

static int list_checkpoints(db_conn *c, void *arg)
{
    struct list_arg *a = arg;
    free(a->items);
    a->items = NULL;
    a->n = 0;
    db_stmt *st = db_prepare(c, "SELECT " CHECKPOINT_COLS " FROM checkpoints ORDER BY id");
    if (!st)
        return STORE_ERROR;
    return db_collect(st, (void **)&a->items, &a->n, sizeof *a->items, read_checkpoint);
}

int store_checkpoint_list(store *s, checkpoint **out, size_t *n)
{
    struct list_arg a = {0};
    int rc = db_run_read(s, "checkpoint_list", list_checkpoints, &a);
    if (rc) {
        free(a.items);
        a.items = NULL;
        a.n = 0;
    }
    *out = a.items;
    *n = a.n;
    return rc;
}
