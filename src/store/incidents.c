/*
 * incidents: the incidents (危机事件) that group the complaints of a crisis
 * cluster — one open incident per cluster key, kept so by a partial unique
 * index — with their versioned writes and their member complaints, written
 * once for both backends over the driver (driver.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/rows.h"
#include "store/store.h"
#include "util/jsonr.h"
#include "util/xalloc.h"

#define INC_SELECT                                                                                                     \
    "SELECT id, cluster_key, cluster, anchor_unit, status, level, owner_unit, opened_at, COALESCE(closed_at, 0), "     \
    "version, data FROM incidents "

void rows_json_read(db_stmt *st, int i, void *data)
{
    json_error_t jerr;
    const char *t = db_text(st, i);
    json_t *d = t ? jsonr_loads(t, &jerr) : NULL;
    *(json_t **)data = d ? d : json_object();
}

void rows_json_drop(void *data)
{
    json_decref(*(json_t **)data);
}

/* The incident of an INC_SELECT row. */
static const db_col incident_cols[] = {
    DB_COLS(incident, id, cluster_key, cluster, anchor_unit, status, level, owner_unit, opened_at, closed_at, version),
    DB_COL_FN(incident, data, rows_json_read, rows_json_drop),
    {0}};

/* A member complaint's id: a row of one integer. */
static const db_col id_col[] = {{DB_C_I64, 0, sizeof(int64_t), NULL, NULL}, {0}};

struct inc_arg {
    const incident *in; /* incident_open, incident_update */
    const char *data;   /* in->data as JSON text */
    int64_t id;         /* incident_get */
    incident got;       /* incident_open, incident_get */
    bool created;       /* incident_open */
};

/* The row of sql (INC_SELECT …) with v bound into a->got; not there is nf. */
static int read_one_into(db_conn *c, struct inc_arg *a, const char *sql, const db_val *v, int nf)
{
    incident_release(&a->got);
    db_stmt *st;
    int rc = db_onev(c, sql, v, &st);
    if (rc != DB_ROW)
        return rc == STORE_NOTFOUND ? nf : rc;
    db_read_cols(st, 0, incident_cols, &a->got);
    db_reset(st);
    return 0;
}

static int open_incident(db_conn *c, void *arg)
{
    struct inc_arg *a = arg;
    const incident *in = a->in;
    /* The partial unique index admits one open incident per key: a second opener inserts nothing. */
    db_stmt *st = db_prepv(c,
                           "INSERT INTO incidents (cluster_key, cluster, anchor_unit, status, level, owner_unit, "
                           "opened_at, version, data) VALUES (?, ?, ?, 'open', ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING",
                           DB_VALS(DB_TEXT(in->cluster_key), DB_TEXT(in->cluster), DB_INT(in->anchor_unit),
                                   DB_INT(in->level), DB_INT(in->owner_unit), DB_INT(in->opened_at), DB_TEXT(a->data)));
    if (!st)
        return STORE_ERROR;
    int rc = db_step(st);
    a->created = rc == 0 && db_changes(st) > 0;
    db_reset(st);
    if (rc)
        return rc;
    return read_one_into(c, a, INC_SELECT "WHERE cluster_key = ? AND status = 'open'",
                         DB_VALS(DB_TEXT(in->cluster_key)), STORE_ERROR);
}

int store_incident_open(store *s, incident *inc, bool *created)
{
    char *data = inc->data ? json_dumps(inc->data, JSON_COMPACT) : xstrdup("{}");
    struct inc_arg a = {.in = inc, .data = data};
    int rc = db_run_write(s, "incident_open", open_incident, &a, 0);
    free(data);
    if (rc) {
        incident_release(&a.got);
        return rc;
    }
    incident_release(inc);
    *inc = a.got;
    *created = a.created;
    return 0;
}

static int read_one_incident(db_conn *c, void *arg)
{
    struct inc_arg *a = arg;
    int rc = read_one_into(c, a, INC_SELECT "WHERE id = ?", DB_VALS(DB_INT(a->id)), STORE_NOTFOUND);
    if (rc)
        return rc;
    db_stmt *st = db_prepv(c,
                           "SELECT complaint_id FROM incident_complaints WHERE incident_id = ? "
                           "ORDER BY added_at, complaint_id",
                           DB_VALS(DB_INT(a->id)));
    if (!st)
        return STORE_ERROR;
    return db_collect_cols(st, (void **)&a->got.complaints, &a->got.ncomplaints, sizeof *a->got.complaints, id_col);
}

int store_incident_get(store *s, int64_t id, incident *out)
{
    struct inc_arg a = {.id = id};
    int rc = db_run_read(s, "incident_get", read_one_incident, &a);
    if (rc) {
        incident_release(&a.got);
        return rc;
    }
    incident_release(out);
    *out = a.got;
    return 0;
}

int store_incident_list(store *s, const char *status, int limit, incident_list *out)
{
    void **items = (void **)&out->items;
    if (status)
        return db_read_list(s, "incident_list", INC_SELECT "WHERE status = ? ORDER BY opened_at DESC, id DESC LIMIT ?",
                            DB_VALS(DB_TEXT(status), DB_INT(limit)), incident_cols, sizeof *out->items, items, &out->n);
    return db_read_list(s, "incident_list", INC_SELECT "ORDER BY opened_at DESC, id DESC LIMIT ?",
                        DB_VALS(DB_INT(limit)), incident_cols, sizeof *out->items, items, &out->n);
}

static int update_incident(db_conn *c, void *arg)
{
    struct inc_arg *a = arg;
    const incident *in = a->in;
    int rc = db_changev(c,
                        "UPDATE incidents SET status = ?, level = ?, owner_unit = ?, closed_at = ?, version = ?, "
                        "data = ? WHERE id = ? AND version = ?",
                        DB_VALS(DB_TEXT(in->status), DB_INT(in->level), DB_INT(in->owner_unit), DB_ID(in->closed_at),
                                DB_INT(in->version), DB_TEXT(a->data), DB_INT(in->id), DB_INT(in->version - 1)));
    return rc == STORE_NOTFOUND ? db_exists_conflict(c, "SELECT 1 FROM incidents WHERE id = ?", in->id) : rc;
}

int store_incident_update(store *s, const incident *inc)
{
    char *data = json_dumps(inc->data, JSON_COMPACT);
    struct inc_arg a = {.in = inc, .data = data};
    int rc = db_run_write(s, "incident_update", update_incident, &a, 0);
    free(data);
    return rc;
}

struct inc_link_arg {
    int64_t incident_id, complaint_id, at;
    bool added;
};

static int link_complaint(db_conn *c, void *arg)
{
    struct inc_link_arg *a = arg;
    db_stmt *st = db_prepv(c,
                           "INSERT INTO incident_complaints (incident_id, complaint_id, added_at) VALUES (?, ?, ?) "
                           "ON CONFLICT DO NOTHING",
                           DB_VALS(DB_INT(a->incident_id), DB_INT(a->complaint_id), DB_INT(a->at)));
    if (!st)
        return STORE_ERROR;
    int rc = db_step(st);
    a->added = rc == 0 && db_changes(st) > 0;
    db_reset(st);
    return rc;
}

int store_incident_link(store *s, int64_t incident_id, int64_t complaint_id, int64_t at, bool *added)
{
    struct inc_link_arg a = {incident_id, complaint_id, at, false};
    int rc = db_run_write(s, "incident_link", link_complaint, &a, 0);
    *added = rc == 0 && a.added;
    return rc;
}
