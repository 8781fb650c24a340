/*
 * tokens: API tokens for other systems (POST/GET/DELETE /api/v1/tokens).
 *
 * Administrators make them (the route table says so). A token acts as a
 * user, limited to some of that user's roles and to a unit subtree; it
 * never carries more than its creator may grant (core/reach.h): a user
 * within the creator's unit subtree, only roles the user holds, a unit
 * within both the user's scope and the creator's, and — when the creator is
 * itself an API token — only roles that token holds. The secret is shown
 * once, in the reply to its creation; only its hash is stored. Creating and
 * revoking are audited; a token is revoked only by a caller who could have
 * made it for its user.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/partner.h"
#include "core/roles.h"
#include "sec/auth.h"
#include "sec/authcache.h"
#include "util/timeutil.h"

/*
 * The partner system (a webhook with a channel, docs/api.md "Partner
 * systems") that a token is made for, p (absent or null: none), into
 * t->partner: its webhook within the caller's reach. 0, or -1 with the
 * answer rendered.
 */
static int token_partner(app *a, api_req *rq, const json_t *p, token *t, http_resp *rs)
{
    if (!p || json_is_null(p))
        return 0;
    webhook w = {0};
    cerr e = CERR_INIT;
    int rc = app_partner_find(a, json_string_value(p), "partner", &w, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        rc = api_reach_unit(a, rq, w.unit, "partner", rs);
    if (rc == 0)
        snprintf(t->partner, sizeof t->partner, "%s", w.name);
    webhook_release(&w);
    return rc ? -1 : 0;
}

void h_tokens_create(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"name", "username", "roles", "unit", "partner", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    const char *name = json_string_value(json_object_get(in, "name"));
    const json_t *jname = json_object_get(in, "username");
    const char *username = json_string_value(jname);
    user u = {0};
    if (!name || !*name || strlen(name) > 100) {
        api_error(rs, 422, "validation_failed", "name", "name: 必填，最多 100 字符 (required, ≤ 100 characters)");
        goto out;
    }
    if (jname && !json_is_null(jname) && !username) {
        api_error(rs, 422, "validation_failed", "username", "username: 应为用户名 (a user name)");
        goto out;
    }
    int rc = store_user_get(a->db, username ? username : rq->who.username, 0, &u, NULL);
    if (rc == STORE_NOTFOUND) {
        api_error(rs, 422, "validation_failed", "username", "username: 用户不存在 (unknown user)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    unsigned roles = 0;
    const json_t *jroles = json_object_get(in, "roles");
    if (jroles && !json_is_null(jroles) && api_roles(jroles, &roles, rs))
        goto out;
    int64_t unit_id = 0;
    const json_t *ju = json_object_get(in, "unit");
    if (ju && !json_is_null(ju)) {
        const unit *un = org_resolve(app_org(a), ju);
        unit_id = un ? un->id : 0;
        if (!unit_id) {
            api_error(rs, 422, "unknown_unit", "unit", "unit: 单位不存在 (unknown unit)");
            goto out;
        }
    }
    reach_caller by = api_reach_caller(rq);
    cerr e = CERR_INIT;
    if (reach_token(app_org(a), &by, u.roles, u.unit, &roles, &unit_id, &e)) {
        api_reach_refused(a, rq, &e, unit_id ? unit_id : u.unit, rs);
        goto out;
    }
    char secret[80];
    token t = {.user_id = u.id, .kind = 't', .name = (char *)name, .created_at = time_now(), .expires_at = 0,
               .roles = roles, .unit = unit_id, .created_by = rq->who.id};
    if (token_partner(a, rq, json_object_get(in, "partner"), &t, rs))
        goto out;
    auth_new_token('t', secret, sizeof secret, t.hash);
    rc = store_token_add(a->db, &t);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "token:%lld", (long long)t.id);
    json_t *detail = json_pack("{s:s,s:s,s:o,s:I,s:s}", "name", name, "username", u.username, "roles",
                               api_roles_json(roles), "unit", (json_int_t)unit_id, "partner", t.partner);
    api_audit(a, rq, "token_create", subject, detail);
    json_decref(detail);
    api_json(rs, 201, json_pack("{s:I,s:s,s:s,s:s,s:o,s:o,s:o}", "id", (json_int_t)t.id, "name", name, "username",
                                u.username, "token", secret, "roles", api_roles_json(roles ? roles : u.roles), "unit",
                                api_unit_ref(a, unit_id ? unit_id : u.unit), "partner",
                                t.partner[0] ? json_string(t.partner) : json_null()));
    sodium_memzero(secret, sizeof secret);
out:
    user_release(&u);
    json_decref(in);
}

static json_t *token_json(app *a, const token *t)
{
    return json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)t->id, "name", t->name ? t->name : "",
                     "user", api_user_ref(a, t->user_id), "roles",
                     t->roles ? api_roles_json(t->roles) : json_null(), "unit",
                     t->unit ? api_unit_ref(a, t->unit) : json_null(), "created_by", api_user_ref(a, t->created_by),
                     "created_at", api_time(a, t->created_at), "partner",
                     t->partner[0] ? json_string(t->partner) : json_null());
}

/* The home unit of user id in l, or 0. */
static int64_t home_of(const user_list *l, int64_t id)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].id == id)
            return l->items[i].unit;
    return 0;
}

/* The tokens the caller could revoke: those of the users they reach (api_reaches). */
void h_tokens_list(app *a, api_req *rq, http_resp *rs)
{
    token_list l = {0};
    user_list users = {0};
    int rc = store_token_list(a->db, &l);
    if (rc == 0)
        rc = store_user_list(a->db, &users);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        if (api_reaches(a, rq, home_of(&users, l.items[i].user_id)))
            json_array_append_new(items, token_json(a, &l.items[i]));
    api_json(rs, 200, json_pack("{s:o}", "items", items));
out:
    token_list_release(&l);
    user_list_release(&users);
}

/* The token of the path's {id} into t and its user's unit into *unit_id, if the caller may revoke it
 * (reaches its user); else renders 404 or 403. */
static int revocable(app *a, api_req *rq, http_resp *rs, token *t, int64_t *unit_id)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    user u = {0};
    int rc = *end ? STORE_NOTFOUND : store_token_get(a->db, id, t);
    if (rc == 0)
        rc = store_user_get(a->db, NULL, t->user_id, &u, NULL);
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "令牌不存在 (no such token)");
    else if (rc)
        api_store_error(rs, rc);
    else
        rc = api_reach_unit(a, rq, u.unit, NULL, rs);
    *unit_id = u.unit;
    user_release(&u);
    return rc ? -1 : 0;
}

void h_tokens_delete(app *a, api_req *rq, http_resp *rs)
{
    token t = {0};
    int64_t unit_id = 0;
    if (revocable(a, rq, rs, &t, &unit_id))
        goto out;
    int rc = store_token_delete(a->db, NULL, t.id);
    authcache_clear(); /* only the hash is cached; forget them all */
    if (rc == STORE_NOTFOUND) {
        api_error(rs, 404, "not_found", NULL, "令牌不存在 (no such token)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    char subject[32];
    snprintf(subject, sizeof subject, "token:%lld", (long long)t.id);
    api_audit_unit(a, rq, "token_revoke", subject, NULL, unit_id);
    rs->status = 204;
out:
    token_release(&t);
}
