/*
 * announcements: the announcements of known faults (系统公告, docs/api.md
 * "Announcements") — publishing one, the list (the active ones that cover a
 * unit, category and channel: what the intake form and the caller panel
 * show), one with its complaints, a complaint answered with its script, and
 * resolving it, which closes its complaints with it (app/announce.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/announce.h"
#include "store/announcements.h"
#include "util/timeutil.h"

static json_t *announcement_json(app *a, const announcement *an, int64_t now)
{
    json_t *units = json_array(), *scope = json_deep_copy(an->scope);
    size_t i;
    const json_t *u;
    json_array_foreach(json_object_get(an->scope, "units"), i, u)
        json_array_append_new(units, api_unit_ref(a, json_integer_value(u)));
    json_object_set_new(scope, "units", units);
    json_t *j = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:s,s:b,s:o,s:I}", "id", (json_int_t)an->id,
                          "title", an->title, "script", an->script, "scope", scope, "unit", api_unit_ref(a, an->unit),
                          "starts_at", api_time(a, an->starts_at), "ends_at", api_time(a, an->ends_at),
                          "confirmed_at", api_time(a, an->confirmed_at), "publish_due",
                          api_time(a, an->confirmed_at + ANNOUNCE_PUBLISH_LIMIT), "published_at",
                          api_time(a, an->published_at), "late", an->late, "status", an->status, "active",
                          announce_active(an, now), "created_by", api_user_ref(a, an->created_by), "version",
                          (json_int_t)an->version);
    json_object_set_new(j, "resolved_at", api_time(a, an->resolved_at));
    json_object_set_new(j, "resolved_by", an->resolved_by ? api_user_ref(a, an->resolved_by) : json_null());
    json_object_set_new(j, "resolution", an->resolution ? json_string(an->resolution) : json_null());
    return j;
}

/* The subtree whose announcements the caller sees (announce_concerns): an administrator's is everyone's (0). */
static int64_t caller_root(app *a, const api_req *rq)
{
    if (rq->who.roles & R_ADMIN)
        return 0;
    app_enter(a);
    int64_t root = org_scope_root(app_org(a), rq->who.unit);
    app_leave(a);
    return root;
}

static bool list_known(const char *name)
{
    static const char *const known[] = {"active", "unit", "category", "channel", NULL};
    for (size_t i = 0; known[i]; i++)
        if (strcmp(known[i], name) == 0)
            return true;
    return false;
}

void h_announcements_list(app *a, api_req *rq, http_resp *rs)
{
    const char *unknown = http_query_unknown(rq->http, list_known);
    if (unknown) {
        api_error(rs, 400, "bad_request", unknown, "%s: 未知参数 (unknown query parameter)", unknown);
        return;
    }
    const char *act = http_query(rq->http, "active"), *un = http_query(rq->http, "unit"),
               *cat = http_query(rq->http, "category"), *ch = http_query(rq->http, "channel");
    if (act && *act && strcmp(act, "true") != 0 && strcmp(act, "false") != 0) {
        api_error(rs, 400, "bad_request", "active", "active: 应为 true 或 false (expected true or false)");
        return;
    }
    bool active = (act && strcmp(act, "true") == 0) || (un && *un) || (cat && *cat) || (ch && *ch);
    int64_t unit_id = 0;
    if (un && *un) {
        app_enter(a);
        json_t *v = json_string(un);
        const unit *u = org_resolve(app_org(a), v);
        unit_id = u ? u->id : 0;
        json_decref(v);
        app_leave(a);
        if (!unit_id) {
            api_error(rs, 400, "bad_request", "unit", "unit: 没有这个单位 (no such unit)");
            return;
        }
    }
    int64_t now = time_now();
    announcement_list l = {0};
    int rc = app_announce_list(a, caller_root(a, rq), active, unit_id, cat && *cat ? cat : NULL, ch && *ch ? ch : NULL,
                               now, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    size_t late = 0;
    for (size_t i = 0; i < l.n; i++) {
        late += l.items[i].late;
        json_array_append_new(items, announcement_json(a, &l.items[i], now));
    }
    announcement_list_release(&l);
    api_json(rs, 200, json_pack("{s:o,s:I}", "items", items, "late", (json_int_t)late));
}

void h_announcements_create(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"title", "script", "scope", "starts_at", "ends_at", "confirmed_at", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    actor who = api_actor(rq);
    announcement an = {0};
    cerr e = CERR_INIT;
    int64_t now = time_now();
    int rc = app_announce_publish(a, &who, in, now, &an, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 201, announcement_json(a, &an, now));
    announcement_release(&an);
    json_decref(in);
}

static int64_t announcement_id(api_req *rq, http_resp *rs)
{
    char *end;
    long long id = strtoll(rq->params[0], &end, 10);
    if (*end || id <= 0) {
        api_error(rs, 404, "not_found", NULL, "公告不存在 (no such announcement)");
        return 0;
    }
    return id;
}

void h_announcement_get(app *a, api_req *rq, http_resp *rs)
{
    int64_t id = announcement_id(rq, rs);
    if (!id)
        return;
    announcement an = {0};
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = store_announcement_get(a->db, id, &an);
    if (rc == 0) {
        app_enter(a);
        bool mine = announce_concerns(&an, app_org(a), caller_root(a, rq));
        app_leave(a);
        rc = mine ? store_announcement_complaints(a->db, id, false, &ids, &n) : STORE_NOTFOUND;
    }
    if (rc == STORE_NOTFOUND) {
        api_error(rs, 404, "not_found", NULL, "公告不存在 (no such announcement)");
    } else if (rc) {
        api_store_error(rs, rc);
    } else {
        int64_t now = time_now();
        json_t *j = announcement_json(a, &an, now), *members = json_array();
        /* The complaints linked to it that the caller may see, masked as in any list. */
        for (size_t i = 0; i < n && i < 500; i++) {
            complaint c;
            complaint_init(&c);
            if (store_complaint_get(a->db, ids[i], NULL, &c) == 0 && api_may_see(a, rq, &c))
                json_array_append_new(members, json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)c.id, "number",
                                                          c.number, "status", status_name(c.status),
                                                          "received_at", api_time(a, c.received_at)));
            complaint_release(&c);
        }
        json_object_set_new(j, "complaints", members);
        json_object_set_new(j, "linked", json_integer((json_int_t)n));
        api_json(rs, 200, j);
    }
    free(ids);
    announcement_release(&an);
}

void h_announcement_answer(app *a, api_req *rq, http_resp *rs)
{
    int64_t id = announcement_id(rq, rs);
    if (!id)
        return;
    static const char *const known[] = {"complaint", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    const json_t *cv = json_object_get(in, "complaint");
    char key[64] = "";
    if (json_is_integer(cv))
        snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, json_integer_value(cv));
    else if (json_is_string(cv))
        snprintf(key, sizeof key, "%s", json_string_value(cv));
    complaint c, out;
    complaint_init(&c);
    complaint_init(&out);
    if (!*key) {
        api_error(rs, 400, "validation_failed", "complaint", "complaint: 必填 (required: its id or number)");
    } else if (api_load_complaint(a, rq, key, &c, rs) == 0) {
        actor who = api_actor(rq);
        cerr e = CERR_INIT;
        int64_t now = time_now();
        int rc = app_announce_answer(a, &who, id, c.id, now, &out, &e);
        if (rc == CERR_USER)
            api_cerr(rs, &e);
        else if (rc)
            api_store_error(rs, rc);
        else
            api_json(rs, 200, api_complaint_json(a, &out, false, rq->en, now));
    }
    complaint_release(&c);
    complaint_release(&out);
    json_decref(in);
}

void h_announcement_resolve(app *a, api_req *rq, http_resp *rs)
{
    int64_t id = announcement_id(rq, rs);
    if (!id)
        return;
    static const char *const known[] = {"resolution", NULL};
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return;
    const json_t *rv = json_object_get(in, "resolution");
    if (rv && !json_is_null(rv) && !json_is_string(rv)) {
        api_error(rs, 400, "validation_failed", "resolution", "resolution: 应为文本 (expected a string)");
        json_decref(in);
        return;
    }
    actor who = api_actor(rq);
    announcement an = {0};
    cerr e = CERR_INIT;
    size_t closed = 0, left = 0;
    int64_t now = time_now();
    int rc = app_announce_resolve(a, &who, id, json_string_value(rv), now, &an, &closed, &left, &e);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
    } else if (rc) {
        api_store_error(rs, rc);
    } else {
        json_t *j = announcement_json(a, &an, now);
        json_object_set_new(j, "closed", json_integer((json_int_t)closed));
        json_object_set_new(j, "left", json_integer((json_int_t)left));
        api_json(rs, 200, j);
    }
    announcement_release(&an);
    json_decref(in);
}
