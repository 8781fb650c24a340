/*
 * config: the key-value settings of an installation (the active pack and
 * its version, the audit chain's head, …), the versions of the policy pack
 * and the unit tree, written once
 * for both backends over the driver (driver.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"
#include "store/store.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

struct config_arg {
    const char *key, *value;
    char *out; /* config_get: heap */
};

static int read_config(db_conn *c, void *arg)
{
    struct config_arg *a = arg;
    free(a->out);
    a->out = NULL;
    db_stmt *st = db_prepare(c, "SELECT value FROM config WHERE key = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, a->key);
    int rc = db_one(st);
    if (rc != DB_ROW)
        return rc;
    a->out = db_text_dup(st, 0);
    db_reset(st);
    return 0;
}

int store_config_get(store *s, const char *key, char **value)
{
    struct config_arg a = {.key = key};
    int rc = db_run_read(s, "config_get", read_config, &a);
    if (rc) {
        free(a.out);
        a.out = NULL;
    }
    *value = a.out;
    return rc;
}

static int write_config(db_conn *c, void *arg)
{
    struct config_arg *a = arg;
    db_stmt *st = db_prepare(c, "INSERT INTO config (key, value, updated_at) VALUES (?, ?, ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                                "updated_at = excluded.updated_at");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, a->key);
    db_bind_text(st, 2, a->value);
    db_bind_int(st, 3, time_now());
    return db_done(st);
}

int store_config_set(store *s, const char *key, const char *value)
{
    struct config_arg a = {.key = key, .value = value};
    return db_run_write(s, "config_set", write_config, &a, 0);
}

/* ---- units ---------------------------------------------------------------- */

static int insert_unit(db_conn *c, void *arg)
{
    unit *u = arg;
    db_stmt *st = db_prepare(c, "INSERT INTO units (code, name, name_en, type, parent) VALUES (?, ?, ?, ?, ?) "
                                "RETURNING id");
    if (!st)
        return STORE_ERROR;
    db_bind_text(st, 1, u->code);
    db_bind_text(st, 2, u->name);
    db_bind_text(st, 3, u->name_en);
    db_bind_text(st, 4, u->type);
    db_bind_id(st, 5, u->parent);
    return db_insert_id(st, &u->id);
}

int store_unit_add(store *s, unit *u)
{
    return db_run_write(s, "unit_add", insert_unit, u, 0);
}

/* The units read, kept apart until the read succeeds: a read run again
 * (driver.h) starts from an empty tree. */
static int read_units(db_conn *c, void *arg)
{
    org *o = arg;
    org_release(o);
    org_init(o);
    db_stmt *st = db_prepare(c, "SELECT id, code, name, name_en, type, parent FROM units ORDER BY id");
    if (!st)
        return STORE_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        unit u = {
            .id = db_int(st, 0),
            .code = (char *)db_text(st, 1),
            .name = (char *)db_text(st, 2),
            .name_en = (char *)db_text(st, 3),
            .type = (char *)db_text(st, 4),
            .parent = db_int(st, 5),
        };
        org_add(o, &u);
    }
    db_reset(st);
    return rc;
}

int store_unit_load(store *s, org *o)
{
    org got;
    org_init(&got);
    int rc = db_run_read(s, "unit_load", read_units, &got);
    for (size_t i = 0; rc == 0 && i < got.n; i++)
        org_add(o, &got.units[i]);
    org_release(&got);
    return rc;
}

/* ---- the versioned configuration ------------------------------------------- */

static int insert_pack_version(db_conn *c, void *arg)
{
    pack_version *v = arg;
    /* Two nodes storing at once: the primary key makes the second fail, never a lost version. */
    db_stmt *st = db_prepare(c, "INSERT INTO pack_versions (version, created_at, created_by, reason, source, pack) "
                                "SELECT COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ? FROM pack_versions "
                                "RETURNING version");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, v->created_at);
    db_bind_id(st, 2, v->created_by);
    db_bind_text(st, 3, v->reason);
    db_bind_id(st, 4, v->source);
    db_bind_text(st, 5, v->pack);
    int rc = db_insert_id(st, &v->version);
    if (rc)
        return rc;
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)v->version);
    struct config_arg pk = {.key = "pack", .value = v->pack}, pv = {.key = "pack_version", .value = num};
    rc = write_config(c, &pk);
    return rc ? rc : write_config(c, &pv);
}

int store_pack_version_add(store *s, pack_version *v)
{
    return db_run_write(s, "pack_version_add", insert_pack_version, v, 0);
}

#define PACK_COLS "version, created_at, COALESCE(created_by, 0), COALESCE(source, 0), reason"

static void read_pack_version(db_stmt *st, pack_version *v, bool with_pack)
{
    memset(v, 0, sizeof *v);
    v->version = db_int(st, 0);
    v->created_at = db_int(st, 1);
    v->created_by = db_int(st, 2);
    v->source = db_int(st, 3);
    v->reason = db_text_dup(st, 4);
    if (with_pack)
        v->pack = db_text_dup(st, 5);
}

static void read_listed_version(db_stmt *st, void *item)
{
    read_pack_version(st, item, false);
}

static int read_pack_versions(db_conn *c, void *arg)
{
    pack_version_list *l = arg;
    pack_version_list_release(l);
    db_stmt *st = db_prepare(c, "SELECT " PACK_COLS " FROM pack_versions ORDER BY version DESC");
    return st ? db_collect(st, (void **)&l->items, &l->n, sizeof *l->items, read_listed_version) : STORE_ERROR;
}

int store_pack_version_list(store *s, pack_version_list *out)
{
    out->items = NULL;
    out->n = 0;
    int rc = db_run_read(s, "pack_version_list", read_pack_versions, out);
    if (rc)
        pack_version_list_release(out);
    return rc;
}

struct get_version_arg {
    int64_t version;
    pack_version v;
};

static int read_one_version(db_conn *c, void *arg)
{
    struct get_version_arg *a = arg;
    pack_version_release(&a->v);
    db_stmt *st = db_prepare(c, "SELECT " PACK_COLS ", pack FROM pack_versions WHERE version = ?");
    if (!st)
        return STORE_ERROR;
    db_bind_int(st, 1, a->version);
    int rc = db_one(st);
    if (rc != DB_ROW)
        return rc;
    read_pack_version(st, &a->v, true);
    db_reset(st);
    return 0;
}

int store_pack_version_get(store *s, int64_t version, pack_version *out)
{
    struct get_version_arg a = {.version = version};
    int rc = db_run_read(s, "pack_version_get", read_one_version, &a);
    if (rc) {
        pack_version_release(&a.v);
        return rc;
    }
    pack_version_release(out);
    *out = a.v;
    return 0;
}
