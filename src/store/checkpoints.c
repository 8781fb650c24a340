/* checkpoints: see checkpoints.h. */
#include "store/checkpoints.h"

#include <stdlib.h>
#include <string.h>


#include "core/event.h"
#include "store/driver.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

int store_config_add(store *s, const char *key, const char *value)
{
    return db_write_one(s, "config_add", false,
                        "INSERT INTO config (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
                        DB_VALS(DB_TEXT(key), DB_TEXT(value), DB_INT(time_now())));
}

struct heads_arg {
    int64_t last_event, audit_seq;
    uint8_t audit_hash[32];
};

static int read_heads(db_conn *c, void *arg)
{
    struct heads_arg *a = arg;
    int rc = db_intv(c, "SELECT COALESCE(MAX(id), 0) FROM events", NULL, &a->last_event);
    if (rc)
        return rc;
    memset(a->audit_hash, 0, 32);
    a->audit_seq = 0;
    db_stmt *st;
    rc = db_onev(c, "SELECT seq, hash FROM audit_head WHERE id = 1", NULL, &st);
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

/* The hex column i into a 32-byte member (zeros when it is not 64 hex digits: verification reports it). */
static void read_hex(db_stmt *st, int i, void *member)
{
    if (hash_unhex(db_text(st, i), member))
        memset(member, 0, 32);
}

#define CHECKPOINT_COLS "id, at, last_event, complaints, events, digest, audit_seq, audit_hash, mac"
static const db_col checkpoint_cols[] = {
    DB_COLS(checkpoint, id, at, last_event, complaints, events),
    DB_COL_FN(checkpoint, digest, read_hex, NULL),
    DB_COL(checkpoint, audit_seq),
    DB_COL_FN(checkpoint, audit_hash, read_hex, NULL),
    DB_COL_FN(checkpoint, mac, read_hex, NULL),
    {0},
};

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
    db_stmt *st;
    int rc = db_onev(c, "SELECT " CHECKPOINT_COLS " FROM checkpoints ORDER BY id DESC LIMIT 1", NULL, &st);
    if (rc == DB_ROW) {
        db_read_cols(st, 0, checkpoint_cols, cp);
        db_reset(st);
    } else if (rc != STORE_NOTFOUND) {
        return rc;
    }
    checkpoint was = *cp;
    st = db_prepv(c, "SELECT id, seq, hash FROM events WHERE id > ? ORDER BY id", DB_VALS(DB_INT(cp->last_event)));
    if (!st)
        return STORE_ERROR;
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
    hash_hex(cp->digest, d);
    hash_hex(cp->audit_hash, ah);
    hash_hex(cp->mac, m);
    return db_execv(c, "INSERT INTO checkpoints (" CHECKPOINT_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    DB_VALS(DB_INT(cp->id), DB_INT(cp->at), DB_INT(cp->last_event), DB_INT(cp->complaints),
                            DB_INT(cp->events), DB_TEXT(d), DB_INT(cp->audit_seq), DB_TEXT(ah), DB_TEXT(m)));
}

int store_checkpoint_add(store *s, const chain_keys *k, int64_t now, checkpoint *out)
{
    struct add_arg a = {.k = k, .now = now};
    int rc = db_run_write(s, "checkpoint_add", add_checkpoint, &a, 0);
    *out = a.cp;
    return rc;
}

int store_checkpoint_list(store *s, checkpoint **out, size_t *n)
{
    return db_read_list(s, "checkpoint_list", "SELECT " CHECKPOINT_COLS " FROM checkpoints ORDER BY id", NULL,
                        checkpoint_cols, sizeof **out, (void **)out, n);
}
