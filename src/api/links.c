/*
 * links: a complaint's links to others (core/links.h) — listed, and added
 * by naming the other complaint (its id or number, within the caller's
 * scope) and the kind.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/links.h"
#include "util/timeutil.h"

static json_t *links_json(app *a, const complaint *c)
{
    json_t *items = json_array();
    size_t i;
    const json_t *l;
    json_array_foreach(json_object_get(c->data, "links"), i, l)
        json_array_append_new(items, json_pack("{s:I,s:O,s:{s:O,s:O},s:o,s:o}", "id", (json_int_t)(i + 1), "kind",
                                               json_object_get(l, "kind"), "to", "id", json_object_get(l, "to"),
                                               "number", json_object_get(l, "number"), "at",
                                               api_time(a, json_integer_value(json_object_get(l, "at"))), "by",
                                               api_user_ref(a, json_integer_value(json_object_get(l, "by")))));
    return items;
}

void h_links_list(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0)
        api_json(rs, 200, json_pack("{s:o}", "items", links_json(a, &c)));
    complaint_release(&c);
}

void h_links_add(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"to", "kind", NULL};
    complaint c, to;
    complaint_init(&c);
    complaint_init(&to);
    json_t *in = NULL;
    if (api_load_complaint(a, rq, rq->params[0], &c, rs))
        goto out;
    if (!(in = api_body(rq, rs, known)))
        goto out;
    const json_t *t = json_object_get(in, "to");
    char key[32];
    if (json_is_integer(t))
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(t));
    else if (json_is_string(t) && strlen(json_string_value(t)) < sizeof key)
        snprintf(key, sizeof key, "%s", json_string_value(t));
    else {
        api_error(rs, 422, "validation_failed", "to", "to: 应为工单编号或 id (expected a complaint's number or id)");
        goto out;
    }
    /* The other complaint must be one the caller may see: 404 otherwise, as everywhere. */
    if (api_load_complaint(a, rq, key, &to, rs))
        goto out;
    actor who = api_actor(rq);
    cerr e = CERR_INIT;
    const char *kind = json_string_value(json_object_get(in, "kind"));
    int rc = app_link(a, &who, c.id, to.id, kind ? kind : "", time_now(), &e);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
    } else if (rc) {
        api_store_error(rs, rc);
    } else if ((rc = store_complaint_get(a->db, c.id, NULL, &c))) { /* released and refilled: with the link */
        api_store_error(rs, rc);
    }
    if (rc == 0) {
        json_t *items = links_json(a, &c);
        json_t *mine = NULL;
        size_t i;
        json_t *l;
        json_array_foreach(items, i, l)
        {
            if (json_integer_value(json_object_get(json_object_get(l, "to"), "id")) == to.id &&
                strcmp(json_string_value(json_object_get(l, "kind")), kind) == 0)
                mine = json_incref(l);
        }
        json_decref(items);
        api_json(rs, 201, mine ? mine : json_object());
    }
out:
    json_decref(in);
    complaint_release(&c);
    complaint_release(&to);
}
