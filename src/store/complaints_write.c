/*
 * complaints_write: a complaint's writes, written once for both backends
 * over the driver (driver.h) — a creation's rows, a versioned step with its
 * event, the sweep's batches with the rows each step brings (outbox,
 * supervision, ledger; rows.h), the erasure of the customer's data key.
 *
 * What stays the backends' is how a creation gets its id and its number of
 * the day (backend.h, store_new): SQLite hands them out ahead of its single
 * writer, PostgreSQL takes them inside a group of creations that holds the
 * day's row until it commits. Both then call store_new_seal, which makes
 * the number and seals the intake event, and store_new_insert.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/workflow.h"
#include "store/backend.h"
#include "store/rows.h"
#include "util/buf.h"
#include "util/jsonr.h"
#include "util/jsonw.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/*
 * The projection's columns after id and number, in the order the INSERT
 * names them; an update names those that changed (SQLite: an index entry
 * is rewritten for every indexed column named, even to the same value — a
 * page of the log each — while PostgreSQL leaves an index alone when its
 * values stay the same, so there every column is named and the statement's
 * text, and its plan, is one).
 */
static const char *const cols[] = {
    "status",      "level",       "nature",     "channel",       "category",   "phone",
    "subject_unit", "owner_unit", "handler_unit", "received_at", "created_at", "updated_at",
    "closed_at",   "stage_due",   "overall_due", "first_contact", "created_by", "version",
    "head",        "data",        "is_open",    "stage",         "warn_at",    "next_check_at",
    "reopens",     "escalations", "revisit",     "supervisions", "announcement", "kind",
    "unaccepted",
};
enum { NCOLS = sizeof cols / sizeof cols[0], COL_HEAD = 18, COL_DATA = 19, COL_FACTS = 24 };

static int64_t due(int64_t v)
{
    return v ? v : STORE_DUE_NONE;
}

/* Column k of c (not head or data): an integer, or a text in *text. */
static int64_t col_value(const complaint *c, int k, const char **text)
{
    *text = NULL;
    switch (k) {
    case 0: return c->status;
    case 1: return c->level;
    case 2: *text = c->nature; return 0;
    case 3: *text = c->channel; return 0;
    case 4: *text = c->category; return 0;
    case 5: *text = c->phone; return 0;
    case 6: return c->subject_unit;
    case 7: return c->owner_unit;
    case 8: return c->handler_unit;
    case 9: return c->received_at;
    case 10: return c->created_at;
    case 11: return c->updated_at;
    case 12: return c->closed_at;
    case 13: return due(c->stage_due);
    case 14: return c->overall_due;
    case 15: return c->first_contact;
    case 16: return c->created_by;
    case 17: return c->version;
    case 20: return status_open(c->status);
    case 21: return stage_of(c->status);
    case 22: return due(c->warn_at);
    case 23: return due(c->next_check_at);
    /* What the indicators count (migration 013, core/report.h), from the data. */
    case 24: return json_integer_value(json_object_get(c->data, "reopens"));
    case 25: return json_integer_value(json_object_get(c->data, "escalations"));
    case 26:
        *text = json_string_value(json_object_get(json_object_get(c->data, "revisit"), "result"));
        if (!*text)
            *text = "";
        return 0;
    case 27: return json_integer_value(json_object_get(c->data, "supervisions"));
    /* The known fault it is about (migration 019, core/announce.h), 0 = none. */
    case 28: return json_integer_value(json_object_get(c->data, "announcement"));
    /* The kind of work order (migration 006), which a correction may change. */
    case 29:
        *text = json_string_value(json_object_get(c->data, "kind"));
        if (!*text)
            *text = "complaint";
        return 0;
    /* Closed without the customer's agreement (migration 029, close_unaccepted). */
    case 30: return json_is_true(json_object_get(json_object_get(c->data, "closing"), "unaccepted"));
    default: assert(!"no such column"); return 0;
    }
}

/* Binds column k of c as parameter p; data is c->data as text. */
static void bind_col(db_stmt *st, int p, const complaint *c, const char *data, int k)
{
    const char *text;
    if (k == COL_HEAD)
        db_bind_blob(st, p, c->head, 32);
    else if (k == COL_DATA)
        db_bind_text(st, p, data);
    else {
        int64_t v = col_value(c, k, &text);
        if (text)
            db_bind_text(st, p, text);
        else
            db_bind_int(st, p, v);
    }
}

/* The columns whose values differ between a and b (the data always). */
static uint32_t cols_changed(const complaint *a, const complaint *b)
{
    uint32_t changed = UINT32_C(1) << COL_DATA;
    for (int k = 0; k < NCOLS; k++) {
        const char *ta, *tb;
        bool differ;
        if (k == COL_DATA)
            continue;
        if (k == COL_HEAD)
            differ = memcmp(a->head, b->head, 32) != 0;
        else {
            int64_t va = col_value(a, k, &ta), vb = col_value(b, k, &tb);
            differ = ta ? strcmp(ta, tb) != 0 : va != vb;
        }
        if (differ)
            changed |= UINT32_C(1) << k;
    }
    return changed;
}

/* The event's row; *id (OUT) its row id, which a notification written with it records. */
static int insert_event(db_conn *c, const event *ev, int64_t *id)
{
    db_stmt *st = db_prepare_insert(c, "INSERT INTO events (complaint_id, seq, action, at, actor, prev, hash, body) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, ev->complaint_id);
    db_bind_int(st, 2, ev->seq);
    db_bind_text(st, 3, ev->action);
    db_bind_int(st, 4, ev->at);
    db_bind_int(st, 5, ev->actor);
    db_bind_blob(st, 6, ev->prev, 32);
    db_bind_blob(st, 7, ev->hash, 32);
    db_bind_text(st, 8, ev->body);
    return db_insert(st, id);
}

static int bump_stats(db_conn *c, int64_t day, int received, int closed, int on_time, int fcr)
{
    return db_execv(c,
                    "INSERT INTO daily_stats (day, received, closed, closed_on_time, first_contact) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                    "received = daily_stats.received + excluded.received, "
                    "closed = daily_stats.closed + excluded.closed, "
                    "closed_on_time = daily_stats.closed_on_time + excluded.closed_on_time, "
                    "first_contact = daily_stats.first_contact + excluded.first_contact",
                    DB_VALS(DB_INT(day), DB_INT(received), DB_INT(closed), DB_INT(on_time), DB_INT(fcr)));
}

/* What events add to one day's row of the daily statistics. */
typedef struct tally {
    int64_t day;
    int received, closed, on_time, fcr;
} tally;

/* Adds to the row of day in t[0..*n), or appends it (t has room). */
static void tally_add(tally *t, size_t *n, int64_t day, int received, int closed, int on_time, int fcr)
{
    size_t i = 0;
    while (i < *n && t[i].day != day)
        i++;
    if (i == *n)
        t[(*n)++] = (tally){.day = day};
    t[i].received += received;
    t[i].closed += closed;
    t[i].on_time += on_time;
    t[i].fcr += fcr;
}

/*
 * ev's counts, added to t[0..*n) (room for two more days): a complaint
 * received (intake) counts on the local day of its receipt, one that ev
 * closes on the day of the closing event.
 */
static void tally_event(const complaint *cp, const event *ev, bool received, int tz, tally *t, size_t *n)
{
    if (received)
        tally_add(t, n, time_local_day(cp->received_at, tz), 1, 0, 0, 0);
    if (ev->to_status == ST_CLOSED && ev->from_status != ST_CLOSED) {
        bool on_time = !cp->overall_due || cp->closed_at <= cp->overall_due;
        tally_add(t, n, time_local_day(ev->at, tz), 0, 1, on_time, cp->first_contact);
    }
}

static int write_tallies(db_conn *c, const tally *t, size_t n)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = bump_stats(c, t[i].day, t[i].received, t[i].closed, t[i].on_time, t[i].fcr);
    return rc;
}

static int count_event(db_conn *c, const complaint *cp, const event *ev, bool received, int tz)
{
    tally t[2];
    size_t n = 0;
    tally_event(cp, ev, received, tz, t, &n);
    return write_tallies(c, t, n);
}

/*
 * Records the units that take part besides the owner (complaint_assists,
 * which the list's scope reads): those asked to assist, and those that review
 * its handling opinion (复核, data.review.units); kept once there.
 */
static int sync_assists(db_conn *c, const complaint *cp)
{
    size_t i;
    const json_t *as;
    json_t *units = json_array();
    json_array_foreach(json_object_get(cp->data, "assists"), i, as)
        json_array_append(units, json_object_get(as, "unit"));
    json_array_foreach(json_object_get(json_object_get(cp->data, "review"), "units"), i, as)
        json_array_append(units, (json_t *)as);
    int rc = 0;
    json_array_foreach(units, i, as)
    {
        json_int_t uid = json_integer_value(as);
        if (!uid)
            continue;
        rc = db_execv(c, "INSERT INTO complaint_assists (complaint_id, unit) VALUES (?, ?) ON CONFLICT DO NOTHING",
                      DB_VALS(DB_INT(cp->id), DB_INT(uid)));
        if (rc)
            break;
    }
    json_decref(units);
    return rc;
}

/* ---- the reports' columns, checked ---------------------------------------------------------- */

struct facts_arg {
    const complaint *c;
    const char *differs; /* OUT */
};

static int read_facts(db_conn *c, void *arg)
{
    struct facts_arg *a = arg;
    db_stmt *st;
    a->differs = NULL;
    int rc = db_onev(c,
                     "SELECT reopens, escalations, revisit, supervisions, announcement, kind, unaccepted FROM complaints "
                     "WHERE id = ?",
                     DB_VALS(DB_INT(a->c->id)), &st);
    if (rc != DB_ROW)
        return rc;
    for (int k = COL_FACTS; k < NCOLS && !a->differs; k++) {
        const char *want_text, *have_text = db_text(st, k - COL_FACTS);
        int64_t want = col_value(a->c, k, &want_text);
        if (want_text ? strcmp(want_text, have_text ? have_text : "") != 0 : want != db_int(st, k - COL_FACTS))
            a->differs = cols[k];
    }
    db_reset(st);
    return 0;
}

int store_complaint_facts_check(store *s, const complaint *c, const char **differs)
{
    struct facts_arg a = {c, NULL};
    int rc = db_run_read(s, "complaint_facts_check", read_facts, &a);
    *differs = rc ? NULL : a.differs;
    return rc;
}

/* ---- creation ------------------------------------------------------------------------------- */

void store_new_init(struct store_new *n, const char *prefix, int tz, event *ev, complaint *c, pii_keyrow *k,
                    const store_with *with)
{
    memset(n, 0, sizeof *n);
    n->prefix = prefix;
    n->tz = tz;
    n->ev = ev;
    n->c = c;
    n->k = k;
    n->with = with;
    int64_t received = json_integer_value(json_object_get(ev->payload, "received_at"));
    time_local_date(received, tz, false, n->day, sizeof n->day);
}

void store_new_release(struct store_new *n)
{
    free(n->data);
    n->data = NULL;
}

/*
 * The complaint's number is the pack's prefix, the local date of its
 * receipt and its place in that day: prefix + YYYYMMDD + "-" + 4 digits
 * (more past the 9,999th of a day).
 */
void store_new_seal(struct store_new *n)
{
    assert(n->id > 0 && n->seq > 0);
    char number[48];
    snprintf(number, sizeof number, "%s%s-%04lld", n->prefix, n->day, (long long)n->seq);
    json_object_set_new(n->ev->payload, "number", json_string(number));
    n->ev->complaint_id = n->id;
    event_seal(n->ev);
    complaint_release(n->c);
    complaint_init(n->c);
    workflow_apply(n->c, n->ev);
    free(n->data);
    n->data = jsonw_dumps(n->c->data, false);
    if (n->k)
        n->k->complaint_id = n->id;
    n->nmsgs = 0;
    if (n->with && n->with->fn)
        n->with->fn(n->with->arg, n->c, &n->msgs, &n->nmsgs);
    event *then = n->with ? n->with->then : NULL;
    if (then) {
        then->complaint_id = n->id;
        then->seq = n->ev->seq + 1;
        memcpy(then->prev, n->ev->hash, sizeof then->prev);
        then->key = n->ev->key;
        event_seal(then);
        workflow_apply(n->c, then);
        free(n->data);
        n->data = jsonw_dumps(n->c->data, false);
    }
}

int store_new_number(db_conn *c, struct store_new *n)
{
    /* The upsert holds the day's row until the transaction ends: the number
     * is this creation's alone, and a rollback gives it back. Only
     * PostgreSQL numbers inside the transaction (SQLite reserves ahead of
     * its writer, sqlite.c), so only its sequence is named. */
    assert(db_dialect(c) == DB_PG);
    db_stmt *st;
    int rc = db_onev(c,
                     "INSERT INTO day_seq (day, seq) VALUES (?, 1) ON CONFLICT (day) DO UPDATE "
                     "SET seq = day_seq.seq + 1 RETURNING seq, nextval('complaints_id_seq')",
                     DB_VALS(DB_TEXT(n->day)), &st);
    if (rc != DB_ROW)
        return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
    n->seq = db_int(st, 0);
    n->id = db_int(st, 1);
    db_reset(st);
    n->numbered = true;
    return 0;
}

/* store_new_insert, its daily counts added to t (room for two more days) or, t NULL, written. */
static int insert_new(db_conn *c, const struct store_new *n, tally *t, size_t *nt)
{
    const complaint *cp = n->c;
    db_stmt *st;
    int rc = 0;
    if (!n->numbered)
        /* Numbers handed out ahead: the day's row keeps the highest,
         * whatever order their creations commit in. */
        rc = db_execv(c,
                      "INSERT INTO day_seq (day, seq) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET seq = "
                      "CASE WHEN excluded.seq > day_seq.seq THEN excluded.seq ELSE day_seq.seq END",
                      DB_VALS(DB_TEXT(n->day), DB_INT(n->seq)));
    /* The columns in the order of cols[]. */
    st = rc ? NULL
            : db_prepare(c, "INSERT INTO complaints (id, number, status, level, nature, channel, category, "
                            "phone, subject_unit, owner_unit, handler_unit, received_at, created_at, updated_at, "
                            "closed_at, stage_due, overall_due, first_contact, created_by, version, head, data, "
                            "is_open, stage, warn_at, next_check_at, reopens, escalations, revisit, supervisions, "
                            "announcement, kind, unaccepted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (rc || !st)
        return rc ? rc : STORE_ERROR;
    db_bind_int(st, 1, cp->id);
    db_bind_text(st, 2, cp->number);
    for (int k = 0; k < NCOLS; k++)
        bind_col(st, 3 + k, cp, n->data, k);
    rc = db_done(st);
    int64_t event_id = 0;
    if (rc == 0)
        rc = insert_event(c, n->ev, &event_id);
    if (rc == 0)
        rc = rows_search_add(c, cp->id, n->ev->terms);
    if (rc == 0 && t)
        tally_event(cp, n->ev, true, n->tz, t, nt);
    else if (rc == 0)
        rc = count_event(c, cp, n->ev, true, n->tz);
    const event *then = n->with ? n->with->then : NULL;
    if (rc == 0 && then)
        rc = insert_event(c, then, &(int64_t){0});
    if (rc == 0 && then && t)
        tally_event(cp, then, false, n->tz, t, nt);
    else if (rc == 0 && then)
        rc = count_event(c, cp, then, false, n->tz);
    /* A key stored already changes no row (STORE_NOTFOUND): not a conflict
     * that a fresh number would resolve, but nothing new to create. */
    const store_import_mark *m = n->with ? n->with->mark : NULL;
    if (rc == 0 && m)
        rc = db_changev(c,
                        "INSERT INTO import_rows (row_key, file_hash, file_name, row_no, complaint_id, at) "
                        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (row_key) DO NOTHING",
                        DB_VALS(DB_TEXT(m->key), DB_TEXT(m->file_hash), DB_TEXT(m->file_name), DB_INT(m->row),
                                DB_INT(cp->id), DB_INT(m->at)));
    const store_external_ref *x = n->with ? n->with->ref : NULL;
    if (rc == 0 && x)
        rc = db_changev(c,
                        "INSERT INTO external_refs (channel, ref, complaint_id, at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (channel, ref) DO NOTHING",
                        DB_VALS(DB_TEXT(x->channel), DB_TEXT(x->ref), DB_INT(cp->id), DB_INT(n->ev->at)));
    if (rc == 0 && n->k)
        rc = db_execv(c, "INSERT INTO pii_keys (complaint_id, key_id, wrapped) VALUES (?, ?, ?)",
                      DB_VALS(DB_INT(n->k->complaint_id), DB_TEXT(n->k->key_id), DB_BLOB(n->k->wrapped, n->k->len)));
    for (size_t i = 0; rc == 0 && i < n->nmsgs; i++)
        rc = rows_outbox_insert(c, &n->msgs[i], n->ev->at, event_id);
    return rc;
}

/* A statement's failure that ends the whole unit of work (driver.h), not just one complaint's part. */
static bool fatal(int rc)
{
    return rc == DB_LOST || rc == DB_RETRY;
}

int store_new_insert(db_conn *c, const struct store_new *n)
{
    return insert_new(c, n, NULL, NULL);
}

/* Numbers, seals and inserts x, its daily counts added to t. SQLite's
 * creations arrive numbered and sealed (sqlite.c reserves ahead of its writer). */
static int create_one(db_conn *c, struct store_new *x, tally *t, size_t *nt)
{
    int rc = 0;
    if (db_dialect(c) == DB_PG) {
        rc = store_new_number(c, x);
        if (rc == 0)
            store_new_seal(x);
    }
    return rc ? rc : insert_new(c, x, t, nt);
}

/*
 * A creation rarely fails, so the batch is first written whole, without a
 * savepoint each (a round trip each on PostgreSQL); only when one fails is
 * it rolled back and written again with a savepoint each, the failing
 * creations left out (their numbers given back). The daily counts of the
 * batch are written once at the end, a row a day.
 */
int store_new_batch(db_conn *c, struct store_new *const *ns, size_t n)
{
    if (!n)
        return 0;
    tally *t = xcalloc(2 * n, sizeof *t);
    size_t nt = 0, i = 0;
    int rc;
    if (c->bare) {
        /* No savepoint at all (SQLite's writer, driver.h: a savepoint keeps
         * a copy of every page the batch changes, and SQLite walks that copy
         * at the end of each statement): any failure makes the writer run
         * the batch again with savepoints. */
        for (rc = 0; rc == 0 && i < n; i++)
            rc = ns[i]->rc = create_one(c, ns[i], t, &nt);
        if (rc == 0)
            rc = write_tallies(c, t, nt);
        free(t);
        return rc ? STORE_ERROR : 0;
    }
    rc = db_exec(c, "SAVEPOINT b");
    for (; rc == 0 && i < n; i++)
        if ((ns[i]->rc = create_one(c, ns[i], t, &nt)) != 0)
            break;
    if (rc == 0 && i < n && !fatal(ns[i]->rc)) {
        rc = db_exec(c, "ROLLBACK TO SAVEPOINT b");
        nt = 0;
        for (i = 0; rc == 0 && i < n; i++) {
            tally one[2];
            size_t none = 0;
            rc = db_exec(c, "SAVEPOINT c");
            if (rc == 0 && (ns[i]->rc = create_one(c, ns[i], one, &none)) != 0)
                rc = fatal(ns[i]->rc) ? ns[i]->rc : db_exec(c, "ROLLBACK TO SAVEPOINT c");
            for (size_t k = 0; rc == 0 && ns[i]->rc == 0 && k < none; k++)
                tally_add(t, &nt, one[k].day, one[k].received, one[k].closed, one[k].on_time, one[k].fcr);
            if (rc == 0)
                rc = db_exec(c, "RELEASE SAVEPOINT c");
        }
    } else if (rc == 0 && i < n) {
        rc = ns[i]->rc; /* the whole batch again */
    }
    if (rc == 0)
        rc = write_tallies(c, t, nt);
    if (rc == 0)
        rc = db_exec(c, "RELEASE SAVEPOINT b");
    free(t);
    return rc;
}

int store_complaint_create_keyed(store *s, const char *prefix, int tz_offset, event *ev, complaint *c, pii_keyrow *k,
                                 const store_with *with)
{
    struct store_new n;
    store_new_init(&n, prefix, tz_offset, ev, c, k, with);
    int rc = s->ops->complaint_create(s, &n);
    store_new_release(&n);
    return rc;
}

int store_complaint_create_many(store *s, const char *prefix, int tz_offset, store_create *items, size_t n)
{
    struct store_new *v = xcalloc(n ? n : 1, sizeof *v), **ns = xcalloc(n ? n : 1, sizeof *ns);
    for (size_t i = 0; i < n; i++) {
        store_new_init(&v[i], prefix, tz_offset, items[i].ev, items[i].c, items[i].k, items[i].with);
        ns[i] = &v[i];
    }
    int rc = n ? s->ops->complaint_create_many(s, ns, n) : 0;
    for (size_t i = 0; i < n; i++) {
        items[i].rc = v[i].rc;
        store_new_release(&v[i]);
    }
    free(ns);
    free(v);
    return rc;
}

int store_complaint_create(store *s, const char *prefix, int tz_offset, event *ev, complaint *c)
{
    return store_complaint_create_keyed(s, prefix, tz_offset, ev, c, NULL, NULL);
}

/* ---- a step ----------------------------------------------------------------------------------- */

struct step {
    const complaint *c;
    const complaint *was; /* see store_write; NULL: every column is written */
    const event *ev;
    int tz;
    const char *data; /* c->data as text */
    bool erase;       /* and delete its data key */
    bool updated;     /* OUT: the row was updated (what follows may have failed) */
    int64_t event_id; /* OUT: the event's row, once written */
};

/* The versioned UPDATE of the row, its event, and what the event counts. */
static int write_step(db_conn *c, struct step *a)
{
    const complaint *cp = a->c;
    uint32_t set = a->was && db_dialect(c) == DB_SQLITE ? cols_changed(a->was, cp) : ~UINT32_C(0);
    buf sql;
    buf_init(&sql);
    buf_puts(&sql, "UPDATE complaints SET");
    const char *sep = " ";
    for (int k = 0; k < NCOLS; k++) {
        if (!(set & (UINT32_C(1) << k)))
            continue;
        /* No printf: this runs for every write, on SQLite's writer thread. */
        buf_puts(&sql, sep);
        sep = ", ";
        buf_puts(&sql, cols[k]);
        buf_puts(&sql, " = ?");
    }
    /* A concurrent writer of the same row (PostgreSQL) makes this wait for
     * its commit; then the version no longer matches and nothing is updated. */
    buf_puts(&sql, " WHERE id = ? AND version = ?");
    db_stmt *st = db_prepare(c, sql.data);
    buf_release(&sql);
    if (!st)
        return STORE_ERROR;
    int p = 1;
    for (int k = 0; k < NCOLS; k++)
        if (set & (UINT32_C(1) << k))
            bind_col(st, p++, cp, a->data, k);
    db_bind_int(st, p++, cp->id);
    db_bind_int(st, p, cp->version - 1);
    int rc = db_done_changed(st);
    if (rc == STORE_NOTFOUND)
        rc = db_exists_conflict(c, "SELECT 1 FROM complaints WHERE id = ?", cp->id);
    a->updated = rc == 0;
    if (rc == 0)
        rc = insert_event(c, a->ev, &a->event_id);
    if (rc == 0)
        rc = count_event(c, cp, a->ev, false, a->tz);
    if (rc == 0 && (strcmp(a->ev->action, "assist") == 0 ||
                    json_is_true(json_object_get(a->ev->payload, "review_required"))))
        rc = sync_assists(c, cp);
    if (rc == 0)
        rc = rows_search_add(c, cp->id, a->ev->terms);
    if (rc == 0 && a->erase)
        rc = db_execv(c, "DELETE FROM pii_keys WHERE complaint_id = ?", DB_VALS(DB_INT(cp->id)));
    if (rc == 0 && a->erase)
        rc = rows_search_erase(c, cp->id);
    return rc;
}

static int step_unit(db_conn *c, void *arg)
{
    return write_step(c, arg);
}

/* The projection's text is written on the caller's thread: SQLite's
 * writer's time is the one every other write waits for. */
static int store_step(store *s, const char *what, struct step *a)
{
    char *data = jsonw_dumps(a->c->data, false);
    a->data = data;
    int rc = db_run_write(s, what, step_unit, a, 0);
    free(data);
    return rc;
}

int store_complaint_update(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset)
{
    struct step a = {.c = c, .was = was, .ev = ev, .tz = tz_offset};
    return store_step(s, "complaint_update", &a);
}

int store_complaint_erase(store *s, const complaint *was, const complaint *c, const event *ev, int tz_offset)
{
    struct step a = {.c = c, .was = was, .ev = ev, .tz = tz_offset, .erase = true};
    return store_step(s, "complaint_erase", &a);
}

/* ---- the sweep's batches ---------------------------------------------------------------------- */

struct batch {
    store_write *w;
    size_t n;
    int tz;
    char **data; /* w[i].c->data as text */
};

/* One complaint's step of a batch with the rows it brings. *wrote:
 * something of it was written (then a failure leaves it half written). */
static int write_one(db_conn *c, const struct batch *a, size_t i, bool *wrote)
{
    store_write *w = &a->w[i];
    struct step u = {.c = w->c, .was = w->was, .ev = w->ev, .tz = a->tz, .data = a->data[i]};
    int rc = write_step(c, &u);
    *wrote = u.updated;
    for (size_t k = 0; rc == 0 && k < w->nmsgs; k++)
        rc = rows_outbox_insert(c, &w->msgs[k], w->ev->at, u.event_id);
    for (size_t k = 0; rc == 0 && k < w->nsups; k++)
        rc = rows_supervision_write(c, &w->sups[k]);
    for (size_t k = 0; rc == 0 && k < w->npens; k++)
        rc = rows_penalty_write(c, &w->pens[k]);
    for (size_t k = 0; rc == 0 && k < w->ncomps; k++)
        rc = rows_compensation_write(c, &w->comps[k]);
    if (rc == 0 && w->att_op)
        rc = rows_attachment_write(c, w);
    return rc;
}

/*
 * Each complaint of the batch stands or falls alone (another sweeper or a
 * person may have got there first). A savepoint for each costs its
 * statements and, on SQLite, a copy of every page it touches that the
 * batch had already changed (the ends of events and outbox): a fifth of
 * the writer's time in a sweep. So the batch is first written under one
 * savepoint; only if a complaint fails is it rolled back and written again
 * with a savepoint each, the failing complaints' steps left out. A
 * connection lost or a serialization failure runs the whole unit again.
 */
static int write_batch(db_conn *c, void *arg)
{
    struct batch *a = arg;
    bool wrote;
    int rc;
    if (c->bare) {
        /* No savepoint at all (SQLite, driver.h): a complaint that fails
         * before anything of it is written is passed over; one that fails
         * half written makes the writer start over with savepoints. */
        for (size_t i = 0; i < a->n; i++)
            if ((a->w[i].rc = write_one(c, a, i, &wrote)) != 0 && wrote)
                return STORE_ERROR;
        return 0;
    }
    if ((rc = db_exec(c, "SAVEPOINT ws")) != 0)
        return rc;
    size_t i = 0;
    for (; i < a->n; i++)
        if ((rc = a->w[i].rc = write_one(c, a, i, &wrote)) != 0)
            break;
    if (fatal(rc))
        return rc;
    if (i < a->n) {
        if ((rc = db_exec(c, "ROLLBACK TO SAVEPOINT ws")) != 0)
            return rc;
        for (i = 0; i < a->n; i++) {
            if ((rc = db_exec(c, "SAVEPOINT w")) != 0)
                return rc;
            a->w[i].rc = write_one(c, a, i, &wrote);
            if (fatal(a->w[i].rc))
                return a->w[i].rc;
            if (a->w[i].rc && (rc = db_exec(c, "ROLLBACK TO SAVEPOINT w")) != 0)
                return rc;
            if ((rc = db_exec(c, "RELEASE SAVEPOINT w")) != 0)
                return rc;
        }
    }
    return db_exec(c, "RELEASE SAVEPOINT ws");
}

int store_complaint_write(store *s, store_write *w, size_t n, int tz_offset)
{
    if (!n)
        return 0;
    char **data = xcalloc(n, sizeof *data);
    for (size_t i = 0; i < n; i++)
        data[i] = jsonw_dumps(w[i].c->data, false);
    struct batch a = {w, n, tz_offset, data};
    int rc = db_run_write(s, "complaint_write", write_batch, &a, DB_WRITE_BARE);
    for (size_t i = 0; i < n; i++)
        free(data[i]);
    free(data);
    return rc == 0 ? 0 : STORE_UNAVAILABLE;
}
