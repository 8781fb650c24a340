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
#include "store/store.h"
#include "util/jsonr.h"
#include "util/xalloc.h"

#define INC_SELECT                                                                                                \
    "SELECT id, cluster_key, cluster, anchor_unit, status, level, owner_unit, opened_at, COALESCE(closed_at, 0), " \
    "version, data FROM incidents "

/* The incident of an INC_SELECT row into o (released or zeroed by the caller). */
static void read_incident(db_stmt *st, incident *o)
{
    memset(o, 0, sizeof *o);
    o->id = db_int(st, 0);
    db_text_to(st, 1, o->cluster_key, sizeof o->cluster_key);
    db_text_to(st, 2, o->cluster, sizeof o->cluster);
    o->anchor_unit = db_int(st, 3);
    db_text_to(st, 4, o->status, sizeof o->status);
    o->level = (int)db_int(st, 5);
    o->owner_unit = db_int(st, 6);
    o->opened_at = db_int(st, 7);
    o->closed_at = db_int(st, 8);
    o->version = db_int(st, 9);
    json_error_t jerr;
    const char *t = db_text(st, 10);
    o->data = t ? jsonr_loads(t, &jerr) : NULL;
    if (!o->data)
        o->data = json_object();
}

static void read_listed_incident(db_stmt *st, void *item)
{
    read_incident(st, item);
}

static void read_id(db_stmt *st, void *item)
{
    *(int64_t *)item = db_int(st, 0);
}

struct inc_arg {
    const incident *in; /* incident_open, incident_update */
    const char *data;   /* in->data as JSON text */
    int64_t id;         /* incident_get */
    incident got;       /* incident_open, incident_get */
    bool created;       /* incident_open */
};

static int open_incident(db_conn *c, void *arg)
{
    struct inc_arg *a = arg;
    const incident *in = a->in;
    incident_release(&a->got);
    /* The partial unique index admits one open incident per key: a second opener inserts nothing. */
    db_stmt *st = db_prepare(c, "INSERT INTO incidents (cluster_key, cluster, anchor_unit, status, level, owner_unit, "
                                "opened_at, version, data) VALUES (?, ?, ?, 'open', ?, ?, ?, 1, ?) "
                                "ON CONFLICT DO NOTHING");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, in->cluster_key);
    db_bind_text(st, 2, in->cluster);
    db_bind_int(st, 3, in->anchor_unit);
    db_bind_int(st, 4, in->level);
    db_bind_int(st, 5, in->owner_unit);
    db_bind_int(st, 6, in->opened_at);
    db_bind_text(st, 7, a->data);
    int rc = db_step(st);
    a->created = rc == 0 && db_changes(st) > 0;
    db_reset(st);
    if (rc)
        return rc;
    st = db_prepare(c, INC_SELECT "WHERE cluster_key = ? AND status = 'open'");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, in->cluster_key);
    rc = db_one(st);
    if (rc != DB_ROW)
        return rc == STORE_NOTFOUND ? STORE_ERROR : rc;
    read_incident(st, &a->got);
    db_reset(st);
    return 0;
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
    incident_release(&a->got);
    db_stmt *st = db_prepare(c, INC_SELECT "WHERE id = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->id);
    int rc = db_one(st);
    if (rc != DB_ROW)
        return rc;
    read_incident(st, &a->got);
    db_reset(st);
    st = db_prepare(c, "SELECT complaint_id FROM incident_complaints WHERE incident_id = ? "
                       "ORDER BY added_at, complaint_id");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->id);
    return db_collect(st, (void **)&a->got.complaints, &a->got.ncomplaints, sizeof *a->got.complaints, read_id);
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

struct inc_list_arg {
    const char *status;
    int limit;
    incident_list *out;
};

static int read_incidents(db_conn *c, void *arg)
{
    struct inc_list_arg *a = arg;
    incident_list_release(a->out);
    db_stmt *st = a->status
                      ? db_prepare(c, INC_SELECT "WHERE status = ? ORDER BY opened_at DESC, id DESC LIMIT ?")
                      : db_prepare(c, INC_SELECT "ORDER BY opened_at DESC, id DESC LIMIT ?");
    if (!st)
        return STORE_ERROR;
    int i = 1;
    if (a->status)
        db_bind_text(st, i++, a->status);
    db_bind_int(st, i, a->limit);
    incident_list *l = a->out;
    return db_collect(st, (void **)&l->items, &l->n, sizeof *l->items, read_listed_incident);
}

int store_incident_list(store *s, const char *status, int limit, incident_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct inc_list_arg a = {status, limit, out};
    int rc = db_run_read(s, "incident_list", read_incidents, &a);
    if (rc)
        incident_list_release(out);
    return rc;
}

static int update_incident(db_conn *c, void *arg)
{
    struct inc_arg *a = arg;
    const incident *in = a->in;
    db_stmt *st = db_prepare(c, "UPDATE incidents SET status = ?, level = ?, owner_unit = ?, closed_at = ?, "
                                "version = ?, data = ? WHERE id = ? AND version = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, in->status);
    db_bind_int(st, 2, in->level);
    db_bind_int(st, 3, in->owner_unit);
    db_bind_id(st, 4, in->closed_at);
    db_bind_int(st, 5, in->version);
    db_bind_text(st, 6, a->data);
    db_bind_int(st, 7, in->id);
    db_bind_int(st, 8, in->version - 1);
    int rc = db_done_changed(st);
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
    db_stmt *st = db_prepare(c, "INSERT INTO incident_complaints (incident_id, complaint_id, added_at) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->incident_id);
    db_bind_int(st, 2, a->complaint_id);
    db_bind_int(st, 3, a->at);
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
