/*
 * keys: the customer-data keys (sec/pii.h, docs/privacy.md) — each
 * complaint's data key, wrapped by a master key — read, paged through and
 * re-wrapped for a rekey, and the complaints whose retention has run out,
 * written once for both backends over the driver (driver.h). Keys are
 * created and erased with their complaint's writes, not here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/pgutil.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* The key_id and wrapped columns from column i on into k, which is found. */
static void read_keyrow(db_stmt *st, int i, pii_keyrow *k)
{
    const char *id = db_text(st, i);
    snprintf(k->key_id, sizeof k->key_id, "%s", id ? id : "");
    size_t n;
    const void *w = db_blob(st, i + 1, &n);
    k->len = w && n <= sizeof k->wrapped ? n : 0;
    if (k->len)
        memcpy(k->wrapped, w, k->len);
    k->found = true;
}

struct keys_arg {
    pii_keyrow *rows;
    size_t n;
};

/* PostgreSQL: one round trip for a whole page of complaints. */
static int read_keys_at_once(db_conn *c, struct keys_arg *a)
{
    int64_t *v = xcalloc(a->n, sizeof *v);
    for (size_t i = 0; i < a->n; i++)
        v[i] = a->rows[i].complaint_id;
    buf ids;
    buf_init(&ids);
    pgutil_int_array(&ids, v, a->n);
    free(v);
    db_stmt *st = db_prepare(c, "SELECT complaint_id, key_id, wrapped FROM pii_keys "
                                "WHERE complaint_id = ANY(CAST(? AS bigint[]))");
    int rc = STORE_ERROR;
    if (st) {
        db_bind_text(st, 1, ids.data);
        while ((rc = db_step(st)) == DB_ROW) {
            int64_t id = db_int(st, 0);
            for (size_t k = 0; k < a->n; k++)
                if (a->rows[k].complaint_id == id)
                    read_keyrow(st, 1, &a->rows[k]);
        }
        db_reset(st);
    }
    buf_release(&ids);
    return rc;
}

/* SQLite, in-process: one prepared lookup per id costs less than an IN list. */
static int read_keys_one_by_one(db_conn *c, struct keys_arg *a)
{
    db_stmt *st = db_prepare(c, "SELECT key_id, wrapped FROM pii_keys WHERE complaint_id = ?");
    if (!st)
        return STORE_ERROR;
    for (size_t i = 0; i < a->n; i++) {
        db_bind_int(st, 1, a->rows[i].complaint_id);
        int rc = db_one(st);
        if (rc == DB_ROW) {
            read_keyrow(st, 0, &a->rows[i]);
            db_reset(st);
        } else if (rc != STORE_NOTFOUND) {
            return rc;
        }
    }
    return 0;
}

static int read_keys(db_conn *c, void *arg)
{
    struct keys_arg *a = arg;
    for (size_t i = 0; i < a->n; i++)
        a->rows[i].found = false;
    return db_dialect(c) == DB_PG ? read_keys_at_once(c, a) : read_keys_one_by_one(c, a);
}

int store_pii_keys_get(store *s, pii_keyrow *rows, size_t n)
{
    struct keys_arg a = {rows, n};
    return n ? db_run_read(s, "pii_keys_get", read_keys, &a) : 0;
}

/* A page of ids or key rows after after_id, in id order (pii_keys_page, retention_due). */
struct page_arg {
    int64_t p1, after_id; /* closed_before (retention_due) */
    const char *key_id;   /* pii_keys_page */
    int max;
    pii_keyrow *rows; /* OUT of pii_keys_page */
    int64_t *ids;     /* OUT of retention_due */
    size_t n;
};

static int read_key_page(db_conn *c, void *arg)
{
    struct page_arg *a = arg;
    a->n = 0;
    db_stmt *st = db_prepare(c, "SELECT complaint_id, key_id, wrapped FROM pii_keys WHERE complaint_id > ? "
                                "AND key_id <> ? ORDER BY complaint_id LIMIT ?");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->after_id);
    db_bind_text(st, 2, a->key_id);
    db_bind_int(st, 3, a->max);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && a->n < (size_t)a->max) {
        pii_keyrow *k = &a->rows[a->n++];
        memset(k, 0, sizeof *k);
        k->complaint_id = db_int(st, 0);
        read_keyrow(st, 1, k);
    }
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int store_pii_keys_page(store *s, const char *key_id, int64_t after_id, int max, pii_keyrow *out, size_t *n)
{
    struct page_arg a = {.after_id = after_id, .key_id = key_id, .max = max, .rows = out};
    int rc = db_run_read(s, "pii_keys_page", read_key_page, &a);
    *n = rc ? 0 : a.n;
    return rc;
}

static int rewrap_keys(db_conn *c, void *arg)
{
    struct keys_arg *a = arg;
    db_stmt *st = db_prepare(c, "UPDATE pii_keys SET key_id = ?, wrapped = ? WHERE complaint_id = ? AND key_id = ?");
    if (!st)
        return STORE_ERROR;
    for (size_t i = 0; i < a->n; i++) {
        pii_keyrow *k = &a->rows[i];
        db_bind_text(st, 1, k->key_id);
        db_bind_blob(st, 2, k->wrapped, k->len);
        db_bind_int(st, 3, k->complaint_id);
        db_bind_text(st, 4, k->old_key_id);
        int rc = db_done_changed(st);
        if (rc && rc != STORE_NOTFOUND)
            return rc;
        /* Re-wrapped or erased meanwhile: that row alone is refused. */
        k->rc = rc ? STORE_CONFLICT : 0;
    }
    return 0;
}

int store_pii_keys_rewrap(store *s, pii_keyrow *rows, size_t n)
{
    struct keys_arg a = {rows, n};
    return db_run_write(s, "pii_keys_rewrap", rewrap_keys, &a, 0);
}

static int read_retention_page(db_conn *c, void *arg)
{
    struct page_arg *a = arg;
    a->n = 0;
    db_stmt *st = db_prepare(c, "SELECT id FROM complaints WHERE closed_at > 0 AND phone <> '' AND closed_at < ? "
                                "AND id > ? ORDER BY id LIMIT ?");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->p1);
    db_bind_int(st, 2, a->after_id);
    db_bind_int(st, 3, a->max);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && a->n < (size_t)a->max)
        a->ids[a->n++] = db_int(st, 0);
    db_reset(st);
    return rc == DB_ROW ? 0 : rc;
}

int store_retention_due(store *s, int64_t closed_before, int64_t after_id, int max, int64_t *ids, size_t *n)
{
    struct page_arg a = {.p1 = closed_before, .after_id = after_id, .max = max, .ids = ids};
    int rc = db_run_read(s, "retention_due", read_retention_page, &a);
    *n = rc ? 0 : a.n;
    return rc;
}
