/*
 * audit: the append-only audit log, a hash chain whose head row (audit_head,
 * id 1) holds the last seq and hash, written once for both backends over the
 * driver (driver.h). An append takes the head, seals the new entry onto it
 * and moves the head, in one transaction; on PostgreSQL the head row is
 * locked first, so that appenders on every node queue on it and the chain
 * stays one line.
 */
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/xalloc.h"

struct append_arg {
    audit_row *r;
    const int64_t *units;
    size_t n_units;
};

static int append_entry(db_conn *c, void *arg)
{
    struct append_arg *a = arg;
    audit_row *r = a->r;
    static const uint8_t zero[32];
    db_stmt *st = db_prepare(c, "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, ?) ON CONFLICT (id) DO NOTHING");
    if (!st)
        return STORE_ERROR;
    db_bind_blob(st, 1, zero, sizeof zero);
    int rc = db_done(st);
    if (rc)
        return rc;
    /* SQLite's writer runs one transaction at a time: no lock to take. */
    st = db_prepare(c, db_dialect(c) == DB_PG ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                                              : "SELECT seq, hash FROM audit_head WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    rc = db_one(st);
    if (rc != DB_ROW)
        return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
    size_t n;
    const void *prev = db_blob(st, 1, &n);
    if (n != sizeof r->prev) {
        db_reset(st);
        log_error("store: the audit log has no head row");
        return STORE_ERROR;
    }
    r->seq = db_int(st, 0) + 1;
    memcpy(r->prev, prev, sizeof r->prev);
    db_reset(st);
    auditlog_seal(r);
    st = db_prepare(c, "INSERT INTO audit (seq, at, actor, action, subject, customer, ip, detail, prev_hash, hash) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, r->seq);
    db_bind_int(st, 2, r->at);
    db_bind_int(st, 3, r->actor);
    db_bind_text(st, 4, r->action);
    db_bind_text(st, 5, r->subject);
    db_bind_text(st, 6, r->customer);
    db_bind_text(st, 7, r->ip);
    db_bind_text(st, 8, r->detail);
    db_bind_blob(st, 9, r->prev, sizeof r->prev);
    db_bind_blob(st, 10, r->hash, sizeof r->hash);
    if ((rc = db_done(st)))
        return rc;
    for (size_t i = 0; i < a->n_units; i++) {
        bool seen = a->units[i] <= 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = a->units[k] == a->units[i];
        if (seen)
            continue;
        st = db_prepare(c, "INSERT INTO audit_units (unit, seq) VALUES (?, ?)");
        if (!st)
            return STORE_ERROR;
        db_bind_int(st, 1, a->units[i]);
        db_bind_int(st, 2, r->seq);
        if ((rc = db_done(st)))
            return rc;
    }
    st = db_prepare(c, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, r->seq);
    db_bind_blob(st, 2, r->hash, sizeof r->hash);
    return db_done(st);
}

int store_audit_append(store *s, audit_row *r, const int64_t *units, size_t n_units)
{
    struct append_arg a = {r, units, n_units};
    return db_run_write(s, "audit_append", append_entry, &a, 0);
}

struct list_arg {
    const audit_filter *f;
    audit_page page;
};

/* A damaged hash column reads as zeros: verification reports it. */
static void read_hash(db_stmt *st, int i, uint8_t out[32])
{
    size_t n;
    const void *p = db_blob(st, i, &n);
    if (p && n == 32)
        memcpy(out, p, 32);
    else
        memset(out, 0, 32);
}

static int read_entries(db_conn *c, void *arg)
{
    struct list_arg *a = arg;
    const audit_filter *f = a->f;
    audit_page *out = &a->page;
    audit_page_release(out);
    db_stmt *st = db_prepare(c, "SELECT seq FROM audit_head WHERE id = 1");
    if (!st)
        return STORE_ERROR;
    int rc = db_one(st);
    if (rc == DB_ROW) {
        out->head_seq = db_int(st, 0);
        db_reset(st);
    } else if (rc != STORE_NOTFOUND) {
        return rc;
    }
    /* Only the filters in use appear in the statement, so each combination
     * gets its own plan (and index); all values are bound. */
    const struct {
        bool on;
        const char *sql;
        const char *text; /* bound as text, else i */
        int64_t i;
    } conds[] = {
        {f->actor != 0, " AND actor = ?", NULL, f->actor},
        {f->customer != NULL, " AND customer = ?", f->customer, 0},
        {f->action != NULL, " AND action = ?", f->action, 0},
        {f->subject != NULL, " AND subject = ?", f->subject, 0},
        {f->from != 0, " AND at >= ?", NULL, f->from},
        {f->to != 0, " AND at < ?", NULL, f->to},
        {f->cursor != 0, f->ascending ? " AND seq > ?" : " AND seq < ?", NULL, f->cursor},
    };
    enum { NCONDS = sizeof conds / sizeof conds[0] };
    if (f->scoped && f->n_units == 0)
        return 0; /* a scope with no unit sees nothing */
    buf sql, scratch;
    buf_init(&sql);
    buf_init(&scratch);
    buf_puts(&sql, "SELECT seq, at, actor, action, subject, customer, ip, detail, prev_hash, hash FROM audit WHERE 1 = 1");
    /* The scope is read from audit_units' index (unit, seq), bounded like
     * the page by the cursor, so the LIMIT applies to visible entries.
     * Without other filters the page is among each unit's own first
     * limit + 1 entries: those are read, a short range of the index per
     * unit, and not every entry of the scope (a branch's scope holds
     * nearly the whole log: 1.3 s for a page of 50 at a million entries). */
    int limit = f->limit > 0 ? f->limit : 50;
    bool filtered = f->actor || f->customer || f->action || f->subject || f->from || f->to;
    bool per_unit = f->scoped && !filtered;
    if (per_unit) {
        buf_puts(&sql, " AND seq IN (");
        for (size_t u = 0; u < f->n_units; u++)
            buf_printf(&sql, "%sSELECT seq FROM (SELECT seq FROM audit_units WHERE unit = ?%s ORDER BY seq %s LIMIT ?) AS u%zu",
                       u ? " UNION ALL " : "", !f->cursor ? "" : f->ascending ? " AND seq > ?" : " AND seq < ?",
                       f->ascending ? "ASC" : "DESC", u);
        buf_puts(&sql, ")");
    } else if (f->scoped) {
        buf_puts(&sql, " AND seq IN (SELECT seq FROM audit_units WHERE ");
        db_sql_in(&sql, c, "unit", f->n_units, false);
        if (f->cursor)
            buf_puts(&sql, f->ascending ? " AND seq > ?" : " AND seq < ?");
        buf_puts(&sql, ")");
    }
    for (size_t i = 0; i < NCONDS; i++)
        if (conds[i].on)
            buf_puts(&sql, conds[i].sql);
    buf_puts(&sql, f->ascending ? " ORDER BY seq LIMIT ?" : " ORDER BY seq DESC LIMIT ?");
    st = db_prepare(c, sql.data);
    buf_release(&sql);
    if (!st) {
        buf_release(&scratch);
        return STORE_ERROR;
    }
    int k = 1;
    for (size_t u = 0; per_unit && u < f->n_units; u++) {
        db_bind_int(st, k++, f->units[u]);
        if (f->cursor)
            db_bind_int(st, k++, f->cursor);
        db_bind_int(st, k++, limit + 1);
    }
    if (f->scoped && !per_unit) {
        db_bind_in_ints(st, &k, f->units, f->n_units, &scratch);
        if (f->cursor)
            db_bind_int(st, k++, f->cursor);
    }
    for (size_t i = 0; i < NCONDS; i++) {
        if (!conds[i].on)
            continue;
        if (conds[i].text)
            db_bind_text(st, k++, conds[i].text);
        else
            db_bind_int(st, k++, conds[i].i);
    }
    db_bind_int(st, k, limit + 1);
    out->items = xcalloc((size_t)limit + 1, sizeof *out->items);
    while ((rc = db_step(st)) == DB_ROW) {
        if (out->n == (size_t)limit) {
            out->more = true;
            continue;
        }
        audit_row *r = &out->items[out->n++];
        r->seq = db_int(st, 0);
        r->at = db_int(st, 1);
        r->actor = db_int(st, 2);
        r->action = db_text_dup(st, 3);
        r->subject = db_text_dup(st, 4);
        r->customer = db_text_dup(st, 5);
        r->ip = db_text_dup(st, 6);
        r->detail = db_text_dup(st, 7);
        read_hash(st, 8, r->prev);
        read_hash(st, 9, r->hash);
    }
    db_reset(st);
    buf_release(&scratch);
    return rc;
}

int store_audit_list(store *s, const audit_filter *f, audit_page *out)
{
    struct list_arg a = {.f = f};
    int rc = db_run_read(s, "audit_list", read_entries, &a);
    if (rc)
        audit_page_release(&a.page);
    *out = a.page;
    return rc;
}
