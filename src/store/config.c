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
    const char *key;
    char *value; /* OUT, on the heap */
};

static int read_config(db_conn *c, void *arg)
{
    struct config_arg *a = arg;
    db_stmt *st;
    int rc = db_onev(c, "SELECT value FROM config WHERE key = ?", DB_VALS(DB_TEXT(a->key)), &st);
    if (rc != DB_ROW)
        return rc;
    a->value = db_text_dup(st, 0);
    db_reset(st);
    return 0;
}

int store_config_get(store *s, const char *key, char **value)
{
    struct config_arg a = {key, NULL};
    int rc = db_run_read(s, "config_get", read_config, &a);
    *value = a.value;
    return rc;
}

#define CONFIG_SET                                                                                                     \
    "INSERT INTO config (key, value, updated_at) VALUES (?, ?, ?) "                                                    \
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"

int store_config_set(store *s, const char *key, const char *value)
{
    return db_write_one(s, "config_set", false, CONFIG_SET, DB_VALS(DB_TEXT(key), DB_TEXT(value), DB_INT(time_now())));
}

/* ---- units ---------------------------------------------------------------- */

int store_unit_add(store *s, unit *u)
{
    return db_write_id(
        s, "unit_add",
        "INSERT INTO units (code, name, name_en, type, parent) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id",
        DB_VALS(DB_TEXT(u->code), DB_TEXT(u->name), DB_TEXT(u->name_en), DB_TEXT(u->type), DB_ID(u->parent)), &u->id);
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
    int rc = db_insertv(
        c,
        "INSERT INTO pack_versions (version, created_at, created_by, reason, source, pack) "
        "SELECT COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, ? FROM pack_versions RETURNING version",
        DB_VALS(DB_INT(v->created_at), DB_ID(v->created_by), DB_TEXT(v->reason), DB_ID(v->source), DB_TEXT(v->pack)),
        &v->version);
    if (rc)
        return rc;
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)v->version);
    int64_t now = time_now();
    rc = db_execv(c, CONFIG_SET, DB_VALS(DB_TEXT("pack"), DB_TEXT(v->pack), DB_INT(now)));
    return rc ? rc : db_execv(c, CONFIG_SET, DB_VALS(DB_TEXT("pack_version"), DB_TEXT(num), DB_INT(now)));
}

int store_pack_version_add(store *s, pack_version *v)
{
    return db_run_write(s, "pack_version_add", insert_pack_version, v, 0);
}

/* The columns of a version, with its pack or (in a list) without. */
#define PACK_COLS "SELECT version, created_at, COALESCE(created_by, 0), COALESCE(source, 0), reason"
#define PACK_COL_LIST DB_COLS(pack_version, version, created_at, created_by, source, reason)
static const db_col listed_cols[] = {PACK_COL_LIST, {0}};
static const db_col version_cols[] = {PACK_COL_LIST, DB_COL(pack_version, pack), {0}};

int store_pack_version_list(store *s, pack_version_list *out)
{
    return db_read_list(s, "pack_version_list", PACK_COLS " FROM pack_versions ORDER BY version DESC", NULL,
                        listed_cols, sizeof *out->items, (void **)&out->items, &out->n);
}

int store_pack_version_get(store *s, int64_t version, pack_version *out)
{
    pack_version v = {0};
    int rc = db_read_row(s, "pack_version_get", PACK_COLS ", pack FROM pack_versions WHERE version = ?",
                         DB_VALS(DB_INT(version)), version_cols, &v);
    if (rc)
        return rc;
    pack_version_release(out);
    *out = v;
    return 0;
}
