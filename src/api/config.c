/*
 * config (API): the versioned configuration — the versions of the policy
 * pack with who stored each, when and why; one version's document; a new
 * version uploaded (checked whole by pack_validate, errors naming the JSON
 * path under "pack"); a rollback, which stores an old version again as the
 * newest. Every change is an audited event (config_change). New complaints
 * are graded under the new version; each complaint keeps the number of the
 * version it was graded under (policy_version).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/pack.h"
#include "util/timeutil.h"

static json_t *version_json(app *a, const pack_version *v)
{
    json_t *j = json_pack("{s:I,s:o,s:o,s:s,s:o,s:b}", "version", (json_int_t)v->version, "created_at",
                          api_time(a, v->created_at), "created_by", api_user_ref(a, v->created_by), "reason",
                          v->reason ? v->reason : "", "source", v->source ? json_integer(v->source) : json_null(),
                          "active", v->version == app_cur(a)->pol_version);
    if (v->pack) {
        json_error_t jerr;
        json_t *p = json_loads(v->pack, 0, &jerr);
        json_object_set_new(j, "pack", p ? p : json_null());
    }
    return j;
}

void h_config_versions(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    pack_version_list l = {0};
    int rc = store_pack_version_list(a->db, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, version_json(a, &l.items[i]));
    pack_version_list_release(&l);
    api_json(rs, 200, json_pack("{s:I,s:o}", "active", (json_int_t)app_cur(a)->pol_version, "items", items));
}

static int64_t version_param(api_req *rq, http_resp *rs)
{
    char *end;
    long long v = strtoll(rq->params[0], &end, 10);
    if (*end || v <= 0) {
        api_error(rs, 404, "not_found", NULL, "没有此配置版本 (no such configuration version)");
        return 0;
    }
    return v;
}

void h_config_version_get(app *a, api_req *rq, http_resp *rs)
{
    int64_t ver = version_param(rq, rs);
    if (!ver)
        return;
    pack_version v = {0};
    int rc = store_pack_version_get(a->db, ver, &v);
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "没有此配置版本 (no such configuration version)");
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, version_json(a, &v));
    pack_version_release(&v);
}

/* The reason of a change: required text of at most 500 characters. */
static const char *reason_of(const json_t *in, http_resp *rs)
{
    const char *r = json_string_value(json_object_get(in, "reason"));
    if (!r || !*r || strlen(r) > 1500) {
        api_error(rs, 422, "validation_failed", "reason", "reason: 请说明修改原因 (required, at most 500 characters)");
        return NULL;
    }
    return r;
}

/* Validates, stores and activates pack for rq's caller; renders the new version (201) or the error. */
static void publish(app *a, api_req *rq, http_resp *rs, json_t *pack, const char *reason, int64_t source)
{
    cerr e = CERR_INIT;
    if (pack_validate(pack, &e)) {
        char field[128];
        snprintf(field, sizeof field, "pack%s%s", e.field[0] && e.field[0] != '[' ? "." : "", e.field);
        api_error(rs, 422, "invalid_pack", field, "pack.%s", e.message);
        return;
    }
    int64_t now = time_now(), ver = 0;
    if (app_pack_publish(a, pack, rq->who.id, reason, source, now, &ver, &e)) {
        api_cerr(rs, &e);
        return;
    }
    json_t *detail = json_pack("{s:I,s:s}", "version", (json_int_t)ver, "reason", reason);
    if (source)
        json_object_set_new(detail, "rollback_to", json_integer(source));
    /* The change stands; an audit failure is logged by the audit module. */
    api_audit(a, rq, "config_change", "config:pack", detail);
    json_decref(detail);
    pack_version v = {0};
    if (store_pack_version_get(a->db, ver, &v) == 0) {
        free(v.pack);
        v.pack = NULL;
        api_json(rs, 201, version_json(a, &v));
    } else {
        api_json(rs, 201, json_pack("{s:I}", "version", (json_int_t)ver));
    }
    pack_version_release(&v);
}

void h_config_version_create(app *a, api_req *rq, http_resp *rs)
{
    if (api_reach_unit(a, rq, 0, NULL, rs)) /* the pack holds for the whole organisation */
        return;
    static const char *const known[] = {"pack", "reason", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    json_t *pack = json_object_get(in, "pack");
    const char *reason = reason_of(in, rs);
    if (reason && !json_is_object(pack))
        api_error(rs, 422, "invalid_pack", "pack", "pack: 应为策略包 JSON 对象 (expected the pack document)");
    else if (reason)
        publish(a, rq, rs, pack, reason, 0);
    json_decref(in);
}

void h_config_version_activate(app *a, api_req *rq, http_resp *rs)
{
    if (api_reach_unit(a, rq, 0, NULL, rs))
        return;
    int64_t ver = version_param(rq, rs);
    if (!ver)
        return;
    static const char *const known[] = {"reason", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    const char *reason = reason_of(in, rs);
    pack_version v = {0};
    int rc = reason ? store_pack_version_get(a->db, ver, &v) : 0;
    if (!reason)
        ;
    else if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "没有此配置版本 (no such configuration version)");
    else if (rc)
        api_store_error(rs, rc);
    else if (ver == app_cur(a)->pol_version)
        api_error(rs, 409, "conflict", NULL, "该版本已是当前配置 (this version is already active)");
    else {
        json_error_t jerr;
        json_t *pack = json_loads(v.pack, 0, &jerr);
        if (pack)
            publish(a, rq, rs, pack, reason, ver);
        else
            api_error(rs, 500, "internal", NULL, "the stored version is damaged");
        json_decref(pack);
    }
    pack_version_release(&v);
    json_decref(in);
}
