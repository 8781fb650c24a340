/*
 * incidents: the crisis incidents (危机事件) — opening one by hand, the
 * list, one incident with its complaints, team, tasks and timeline, and its
 * actions (add a complaint, raise the response level, note, team, task,
 * task done, instruct, the notice to customers, close with a review), and
 * the notices to customers on the portal. Incidents are also opened by the
 * pack's cluster rules at intake (app/incident.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/pii.h"
#include "app/incident.h"
#include "core/incident.h"
#include "util/jsonw.h"
#include "util/timeutil.h"

static json_t *text_of(const json_t *t, bool en)
{
    if (json_is_string(t))
        return json_incref((json_t *)t);
    const json_t *v = en && json_object_get(t, "en") ? json_object_get(t, "en") : json_object_get(t, "zh-CN");
    return v ? json_incref((json_t *)v) : json_null();
}

static const char *level_name(const app *a, int level, bool en)
{
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(app_pol(a)->raw, "incident_levels"), i, l)
    {
        if (json_integer_value(json_object_get(l, "level")) != level)
            continue;
        const json_t *n = json_object_get(l, "name");
        if (json_is_string(n))
            return json_string_value(n);
        const char *s = json_string_value(json_object_get(n, en ? "en" : "zh-CN"));
        if (s)
            return s;
    }
    return NULL;
}

/*
 * Whether the caller's scope covers the incident: the unit it concerns (the
 * station) or its owner unit lies in the caller's subtree, as for a
 * complaint (api_may_see). Outside it an incident is "not found".
 */
static bool may_see_incident(app *a, const api_req *rq, const incident *inc)
{
    int64_t root = org_scope_root(app_org(a), rq->who.unit);
    bool ok = root && (org_within(app_org(a), inc->anchor_unit, root) || org_within(app_org(a), inc->owner_unit, root));
    return ok;
}

/* The incident id into inc if the caller may see it; STORE_NOTFOUND also outside their scope (api_hidden). */
static int find_incident(app *a, api_req *rq, int64_t id, incident *inc)
{
    int rc = store_incident_get(a->db, id, inc);
    if (rc == 0 && !may_see_incident(a, rq, inc)) {
        int64_t units[2] = {inc->anchor_unit, inc->owner_unit};
        rc = api_hidden(a, rq, units, 2);
    }
    return rc;
}

static json_t *incident_json(app *a, const api_req *rq, const incident *inc, bool full, int64_t now)
{
    bool en = rq->en;
    const json_t *d = inc->data;
    const char *ln = level_name(a, inc->level, en);
    json_t *j = json_pack("{s:I,s:s,s:s,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "id", (json_int_t)inc->id, "cluster",
                          inc->cluster, "status", inc->status, "level", inc->level, "level_name",
                          ln ? json_string(ln) : json_null(), "title", text_of(json_object_get(d, "title"), en),
                          "notice", text_of(json_object_get(d, "notice"), en), "anchor_unit",
                          api_unit_ref(a, inc->anchor_unit), "owner_unit", api_unit_ref(a, inc->owner_unit),
                          "opened_at", api_time(a, inc->opened_at), "version", (json_int_t)inc->version);
    json_object_set_new(j, "closed_at", api_time(a, inc->closed_at));
    const json_t *s = json_object_get(d, "summary");
    json_object_set_new(j, "summary", s ? json_incref((json_t *)s) : json_null());
    /* The response level as the pack words it, never a bare number that reads like a complaint's level. */
    json_object_set_new(j, "response_level", json_pack("{s:i,s:o}", "level", inc->level, "name",
                                                       ln ? json_string(ln) : json_null()));
    json_object_set_new(j, "manual", json_boolean(strcmp(inc->cluster, "manual") == 0));
    const json_t *cn = json_object_get(d, "customer_notice");
    json_object_set_new(j, "customer_notice",
                        cn ? json_pack("{s:O,s:o}", "text", json_object_get(cn, "text"), "at",
                                       api_time(a, json_integer_value(json_object_get(cn, "at"))))
                           : json_null());
    if (!full)
        return j;
    json_object_set(j, "description", json_object_get(d, "description"));
    json_object_set(j, "lessons", json_object_get(d, "lessons"));
    json_t *team = json_array(), *tasks = json_array();
    size_t mi;
    const json_t *m;
    json_array_foreach(json_object_get(d, "team"), mi, m)
        json_array_append_new(team, json_pack("{s:o,s:O}", "user", api_user_ref(a, json_integer_value(json_object_get(m, "user"))),
                                              "role", json_object_get(m, "role")));
    json_array_foreach(json_object_get(d, "tasks"), mi, m)
    {
        int64_t due = json_integer_value(json_object_get(m, "due")), done = json_integer_value(json_object_get(m, "done_at"));
        json_array_append_new(tasks, json_pack("{s:O,s:O,s:o,s:o,s:o,s:b}", "no", json_object_get(m, "no"), "title",
                                               json_object_get(m, "title"), "owner",
                                               api_user_ref(a, json_integer_value(json_object_get(m, "owner"))), "due",
                                               api_time(a, due), "done_at", api_time(a, done), "overdue",
                                               !done && due < now));
    }
    json_object_set_new(j, "team", team);
    json_object_set_new(j, "tasks", tasks);
    json_t *members = json_array();
    for (size_t i = 0; i < inc->ncomplaints; i++) {
        complaint c;
        complaint_init(&c);
        /* Members the caller may see, with their customer data masked as in any list. */
        if (store_complaint_get(a->db, inc->complaints[i], NULL, &c) == 0 && api_may_see(a, rq, &c) &&
            app_pii_view(a, &c, 1, false) == 0)
            json_array_append_new(members, api_complaint_json(a, &c, false, en, now));
        complaint_release(&c);
    }
    json_object_set_new(j, "complaints", members);
    json_t *tl = json_array();
    size_t i;
    const json_t *ent;
    json_array_foreach(json_object_get(d, "timeline"), i, ent)
    {
        json_t *e = jsonw_copy(ent);
        json_object_set_new(e, "at", api_time(a, json_integer_value(json_object_get(ent, "at"))));
        json_object_set_new(e, "by", api_user_ref(a, json_integer_value(json_object_get(ent, "by"))));
        json_object_set_new(e, "owner_unit", api_unit_ref(a, json_integer_value(json_object_get(ent, "owner_unit"))));
        json_t *cid = json_object_get(ent, "complaint");
        if (json_is_integer(cid)) {
            complaint c;
            complaint_init(&c);
            if (store_complaint_get(a->db, json_integer_value(cid), NULL, &c) == 0)
                json_object_set_new(e, "complaint", json_pack("{s:I,s:s}", "id", (json_int_t)c.id, "number", c.number));
            complaint_release(&c);
        }
        json_array_append_new(tl, e);
    }
    json_object_set_new(j, "timeline", tl);
    json_t *acts = json_array();
    if (strcmp(inc->status, "open") == 0)
        for (size_t k = 0; incident_actions[k]; k++)
            if (strcmp(incident_actions[k], "raise") != 0 || inc->level < 3)
                json_array_append_new(acts, json_string(incident_actions[k]));
    json_object_set_new(j, "actions", acts);
    return j;
}

void h_incidents_list(app *a, api_req *rq, http_resp *rs)
{
    const char *st = http_query(rq->http, "status");
    if (st && *st && strcmp(st, "open") != 0 && strcmp(st, "closed") != 0 && strcmp(st, "all") != 0) {
        api_error(rs, 400, "bad_request", "status", "status: expected open, closed or all");
        return;
    }
    const char *status = !st || !*st ? "open" : strcmp(st, "all") == 0 ? NULL : st;
    incident_list l = {0};
    int rc = store_incident_list(a->db, status, 200, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    int64_t now = time_now();
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        if (may_see_incident(a, rq, &l.items[i]))
            json_array_append_new(items, incident_json(a, rq, &l.items[i], false, now));
    incident_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

static int64_t incident_id(api_req *rq, http_resp *rs)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    if (*end || id <= 0) {
        api_error(rs, 404, "not_found", NULL, "事件不存在 (no such incident)");
        return 0;
    }
    return id;
}

void h_incident_get(app *a, api_req *rq, http_resp *rs)
{
    int64_t id = incident_id(rq, rs);
    if (!id)
        return;
    incident inc = {0};
    int rc = find_incident(a, rq, id, &inc);
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "事件不存在 (no such incident)");
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, incident_json(a, rq, &inc, true, time_now()));
    incident_release(&inc);
}

/* What each action's body holds (core/incident.h); NULL for an action that is none (404 from app/). */
static const char *const *incident_members(const char *action)
{
    static const char *const add[] = {"complaint", NULL}, *const note[] = {"note", NULL},
                             *const close[] = {"summary", "lessons", NULL}, *const team[] = {"user", "role", NULL},
                             *const task[] = {"title", "owner", "due", NULL}, *const done[] = {"no", NULL},
                             *const text[] = {"text", NULL};
    static const struct {
        const char *action;
        const char *const *known;
    } acts[] = {{"add", add},   {"raise", note},     {"note", note},  {"team", team},     {"task", task},
                {"task_done", done}, {"instruct", text}, {"notice", text}, {"close", close}};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        if (strcmp(acts[i].action, action) == 0)
            return acts[i].known;
    return NULL;
}

/* The member key of in (a user's id or name), if present, as the id of a user that exists; else 422 naming it. */
static int user_member(app *a, json_t *in, const char *key, http_resp *rs)
{
    json_t *v = json_object_get(in, key);
    if (!v)
        return 0;
    user u = {0};
    int rc = STORE_NOTFOUND;
    if (json_is_integer(v) && json_integer_value(v) > 0)
        rc = store_user_get(a->db, NULL, json_integer_value(v), &u, NULL);
    else if (json_is_string(v) && *json_string_value(v))
        rc = store_user_get(a->db, json_string_value(v), 0, &u, NULL);
    if (rc == 0)
        json_object_set_new(in, key, json_integer(u.id));
    user_release(&u);
    if (rc == STORE_NOTFOUND)
        api_error(rs, 422, "validation_failed", key, "%s: 没有这个用户 (no such user)", key);
    else if (rc)
        api_store_error(rs, rc);
    return rc ? -1 : 0;
}

void h_incident_act(app *a, api_req *rq, http_resp *rs)
{
    int64_t id = incident_id(rq, rs);
    if (!id)
        return;
    json_t *in = api_body(rq, rs, incident_members(rq->params[1]));
    if (!in)
        return;
    actor who = api_actor(rq);
    incident inc = {0};
    cerr e = CERR_INIT;
    int64_t now = time_now();
    if (user_member(a, in, "user", rs) || user_member(a, in, "owner", rs))
        goto out;
    /* Outside the caller's scope the incident does not exist for them. */
    int rc = find_incident(a, rq, id, &inc);
    if (rc == STORE_NOTFOUND) {
        api_error(rs, 404, "not_found", NULL, "事件不存在 (no such incident)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    incident_release(&inc);
    rc = app_incident_act(a, &who, id, rq->params[1], in, now, &inc, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, incident_json(a, rq, &inc, true, now));
out:
    incident_release(&inc);
    json_decref(in);
}

void h_incidents_create(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"title", "level", "description", "complaint", "unit", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    actor who = api_actor(rq);
    complaint c;
    complaint_init(&c);
    incident inc = {0};
    cerr e = CERR_INIT;
    int64_t unit_id = who.unit;
    const json_t *cv = json_object_get(in, "complaint"), *uv = json_object_get(in, "unit");
    char key[64] = "";
    if (json_is_integer(cv))
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(cv));
    else if (json_is_string(cv))
        snprintf(key, sizeof key, "%s", json_string_value(cv));
    if (cv && !*key) {
        api_error(rs, 422, "validation_failed", "complaint", "complaint: 应为工单编号 (expected a complaint's id or number)");
        goto out;
    }
    /* From a complaint the caller may see (404 otherwise), or about a unit in their reach. */
    if (*key && api_load_complaint(a, rq, key, &c, rs))
        goto out;
    if (!*key && uv) {
        app_enter(a);
        const unit *u = org_resolve(app_org(a), uv);
        unit_id = u ? u->id : 0;
        app_leave(a);
        if (!unit_id) {
            api_error(rs, 422, "validation_failed", "unit", "unit: 没有这个单位 (no such unit)");
            goto out;
        }
        if (api_reach_unit(a, rq, unit_id, "unit", rs))
            goto out;
    }
    int64_t now = time_now();
    int rc = app_incident_open(a, &who, in, unit_id, *key ? &c : NULL, now, &inc, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 201, incident_json(a, rq, &inc, true, now));
out:
    incident_release(&inc);
    complaint_release(&c);
    json_decref(in);
}

enum { NOTICES_PER_MINUTE = 60 };

void h_portal_notices(app *a, api_req *rq, http_resp *rs)
{
    if (api_limited(rq, rs, "portal-notices", NOTICES_PER_MINUTE, 60, "请求过于频繁，请稍后再试 (too many requests)"))
        return;
    incident_list l = {0};
    int rc = store_incident_list(a->db, "open", 200, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    /* What the company tells its customers: the title and the notice, never the units, people or complaints. */
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const json_t *d = l.items[i].data, *n = json_object_get(d, "customer_notice");
        if (!n)
            continue;
        json_array_append_new(items, json_pack("{s:I,s:o,s:O,s:o}", "id", (json_int_t)l.items[i].id, "title",
                                               text_of(json_object_get(d, "title"), rq->en), "notice",
                                               json_object_get(n, "text"), "published_at",
                                               api_time(a, json_integer_value(json_object_get(n, "at")))));
    }
    incident_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}
