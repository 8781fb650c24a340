/* complaints: intake, the list, one complaint, its timeline, its actions. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app/pii.h"
#include "app/intake.h"
#include "app/act.h"
#include "api/listq.h"
#include "core/workflow.h"
#include "util/jsonw.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void h_complaints_create(app *a, api_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs, NULL); /* workflow_intake checks its members */
    if (!in)
        return;
    actor who = api_actor(rq);
    complaint c;
    complaint_init(&c);
    cerr e = CERR_INIT;
    int64_t now = time_now();
    pii_memo memo = {0};
    int rc = app_intake(a, &who, in, now, &c, &memo, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else {
        atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.intake, 1, memory_order_relaxed);
        app_pii_view_memo(a, &c, &memo);
        char loc[96];
        snprintf(loc, sizeof loc, "/api/v1/complaints/%" PRId64, c.id);
        http_set_header(rs, "Location", loc);
        api_json(rs, 201, api_complaint_json(a, &c, true, rq->en, now));
    }
    app_pii_memo_release(&memo);
    complaint_release(&c);
    json_decref(in);
}

static int bad_param(http_resp *rs, const char *name, const char *why)
{
    api_error(rs, 400, "bad_request", name, "%s: %s", name, why);
    return -1;
}

/* listq_get_fn over the request's query string. */
static const char *query_of(void *rq, const char *key)
{
    return http_query(rq, key);
}

void h_complaints_list(app *a, api_req *rq, http_resp *rs)
{
    listq l;
    listq_init(&l);
    cerr e = CERR_INIT;
    int rc = listq_parse(&l, query_of, rq->http, app_pol(a), app_org(a), rq->who.unit, time_now(), &e);
    if (rc) {
        api_cerr(rs, &e);
        listq_release(&l);
        return;
    }
    complaint_page page = {0};
    /* Phones are stored as blind indexes: the filter's digits become one. */
    if (l.f.phone) {
        char index[PII_INDEX_HEX];
        if (app_pii_phone_index(a, l.f.phone, index)) {
            bad_param(rs, "phone", "expected 7–20 digits");
            listq_release(&l);
            return;
        }
        snprintf(l.phone, sizeof l.phone, "%s", index);
    }
    rc = store_complaint_list(a->db, &l.f, &page);
    if (rc == 0)
        rc = app_pii_view(a, page.items, page.n, false);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < page.n; i++)
        json_array_append_new(items, api_complaint_json(a, &page.items[i], false, rq->en, l.f.now));
    json_t *next = json_null();
    if (page.more && page.n) {
        const complaint *last = &page.items[page.n - 1];
        char cur[64];
        if (l.f.sort_deadline)
            snprintf(cur, sizeof cur, "d%" PRId64 ".%" PRId64, last->stage_due, last->id);
        else
            snprintf(cur, sizeof cur, "c%" PRId64, last->id);
        next = json_string(cur);
    }
    api_json(rs, 200, json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
out:
    complaint_page_release(&page);
    listq_release(&l);
}

void h_complaint_get(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0) {
        int rc = app_pii_view(a, &c, 1, false);
        if (rc)
            api_store_error(rs, rc);
        else
            api_json(rs, 200, api_complaint_json(a, &c, true, rq->en, time_now()));
    }
    complaint_release(&c);
}

/* Renders unit ids inside an event payload as unit references. */
static json_t *render_payload(app *a, const json_t *p)
{
    json_t *o = jsonw_copy(p);
    static const char *units[] = {"unit",      "owner_unit", "subject_unit", "responsible_unit", "assist_unit",
                                  "from_unit", "approver_unit"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        json_t *v = json_object_get(o, units[i]);
        if (json_is_integer(v))
            json_object_set_new(o, units[i], api_unit_ref(a, json_integer_value(v)));
    }
    static const char *times[] = {"stage_due", "overall_due", "received_at", "occurred_at", "deadline",
                                  "old_deadline", "warning_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        json_t *v = json_object_get(o, times[i]);
        if (json_is_integer(v))
            json_object_set_new(o, times[i], api_time(a, json_integer_value(v)));
    }
    json_t *su = json_object_get(o, "supervise_unit");
    if (json_is_integer(su))
        json_object_set_new(o, "supervise_unit", api_unit_ref(a, json_integer_value(su)));
    /* Clocks as in the complaint (the instants as text), without "remaining". */
    json_t *ck = json_object_get(o, "clocks");
    if (json_is_object(ck)) {
        json_t *arr = api_clocks_json(a, ck, 0);
        size_t k;
        json_t *x;
        json_array_foreach(arr, k, x) json_object_del(x, "remaining_minutes");
        json_object_set_new(o, "clocks", arr);
    }
    json_object_del(o, "phone_key");
    return o;
}

void h_complaint_events(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    event_list evs = {0};
    if (api_load_complaint(a, rq, rq->params[0], &c, rs))
        goto out;
    int rc = store_event_list(a->db, c.id, &evs);
    if (rc == 0)
        rc = app_pii_view_events(a, &c, evs.items, evs.n, false);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    json_t *items = api_events_json(a, evs.items, evs.n, rq->en);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
out:
    event_list_release(&evs);
    complaint_release(&c);
}

json_t *api_events_json(app *a, const event *evs, size_t n, bool en)
{
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        const event *e = &evs[i];
        char hex[65];
        hash_hex(e->hash, hex);
        json_t *j = json_pack("{s:I,s:s,s:s,s:o,s:o,s:o,s:s,s:o,s:s}", "seq", (json_int_t)e->seq, "action", e->action,
                              "label", workflow_label(e->action, en), "at", api_time(a, e->at), "actor",
                              api_user_ref(a, e->actor), "from_status",
                              e->from_status ? json_string(status_name(e->from_status)) : json_null(), "to_status",
                              status_name(e->to_status), "payload",
                              render_payload(a, e->payload ? e->payload : json_null()), "hash", hex);
        json_array_append_new(items, j);
    }
    return items;
}

static json_t *fields_json(const wf_ctx *ctx, const complaint *c, const wf_action *act, bool en)
{
    json_t *fields = json_array();
    wf_form form;
    for (const wf_field *f = workflow_fields(ctx, c, act, &form); f->name; f++) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:b}", "name", f->name, "label", en ? f->en : f->zh, "type",
                              field_type_name(f->type), "required", f->required);
        if (f->options) {
            json_t *opts = json_array();
            for (const wf_option *o = f->options; o->value; o++)
                json_array_append_new(opts, json_pack("{s:s,s:s}", "value", o->value, "label", en ? o->en : o->zh));
            json_object_set_new(j, "options", opts);
        }
        if (f->type == F_SURVEY) {
            /* The questions of the complaint's category, in the order they are asked. */
            json_t *g = json_object();
            api_category_guidance(ctx->pol, c->category, en, g);
            json_object_set(j, "questions", json_object_get(g, "survey"));
            json_decref(g);
        }
        json_array_append_new(fields, j);
    }
    return fields;
}

static json_t *allowed_json(app *a, const actor *who, const complaint *c, bool en, bool with_fields)
{
    const wf_action *acts[32];
    wf_ctx ctx = {app_pol(a), app_org(a), who, time_now()};
    size_t n = workflow_allowed(&ctx, c, acts, 32);
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        if (with_fields)
            json_array_append_new(items, json_pack("{s:s,s:s,s:o}", "action", acts[i]->name, "label",
                                                   en ? acts[i]->en : acts[i]->zh, "fields",
                                                   fields_json(&ctx, c, acts[i], en)));
        else
            json_array_append_new(items, json_string(acts[i]->name));
    }
    return items;
}

void h_complaint_actions(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0) {
        actor who = api_actor(rq);
        api_json(rs, 200, json_pack("{s:I,s:o}", "version", (json_int_t)c.version, "items",
                                    allowed_json(a, &who, &c, rq->en, true)));
    }
    complaint_release(&c);
}

/*
 * The version an action is conditional on, into *expected (-1: none): the
 * If-Match header, else "version" in the body. Either, when present, must be
 * a version number — a malformed one is 400, never a step without the
 * lost-update check. Returns -1 when it rendered the error.
 */
static int expected_version(api_req *rq, const json_t *in, int64_t *expected, http_resp *rs)
{
    const char *im = http_header(rq->http, "If-Match");
    const json_t *bv = json_object_get(in, "version");
    long long n;
    *expected = -1;
    if (bv && !json_is_null(bv) && (!json_is_integer(bv) || json_integer_value(bv) < 0))
        return bad_param(rs, "version", "expected the complaint's version number");
    if (im) {
        char tmp[32];
        size_t len = strlen(im);
        /* Accept a bare number, or an ETag-style quoted one. */
        if (len >= 2 && im[0] == '"' && im[len - 1] == '"' && len < sizeof tmp) {
            memcpy(tmp, im + 1, len - 2);
            tmp[len - 2] = '\0';
            im = tmp;
        }
        if (listq_int(im, 0, INT64_MAX, &n))
            return bad_param(rs, "If-Match", "expected the complaint's version number");
        *expected = n;
    } else if (bv && !json_is_null(bv)) {
        *expected = json_integer_value(bv);
    }
    return 0;
}

void h_complaint_act(app *a, api_req *rq, http_resp *rs)
{
    json_t *in = NULL;
    complaint c, next;
    complaint_init(&c);
    complaint_init(&next);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs))
        goto out;
    in = rq->body.len ? api_body(rq, rs, NULL) : json_object(); /* the action's fields: workflow_check_input */
    if (!in)
        goto out;
    int64_t expected;
    if (expected_version(rq, in, &expected, rs))
        goto out;
    actor who = api_actor(rq);
    cerr e = CERR_INIT;
    int64_t now = time_now();
    int rc = app_act(a, &who, c.id, rq->params[1], in, expected, now, &next, &e);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
        if (strcmp(e.code, "action_not_allowed") == 0 || strcmp(e.code, "version_conflict") == 0) {
            complaint fresh;
            complaint_init(&fresh);
            if (store_complaint_get(a->db, c.id, NULL, &fresh) == 0) {
                /* Say what is possible now, so the client need not ask again. */
                json_t *body = json_loadb(rs->body.data, rs->body.len, 0, NULL);
                json_t *err = json_object_get(body, "error");
                json_object_set_new(err, "current_version", json_integer(fresh.version));
                json_object_set_new(err, "allowed", allowed_json(a, &who, &fresh, rq->en, false));
                api_json(rs, 409, body);
                atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.conflicts, 1,
                                          memory_order_relaxed);
            }
            complaint_release(&fresh);
        }
    } else if (rc) {
        api_store_error(rs, rc);
    } else {
        atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.actions, 1, memory_order_relaxed);
        app_pii_view(a, &next, 1, false);
        api_json(rs, 200, api_complaint_json(a, &next, true, rq->en, now));
    }
out:
    json_decref(in);
    complaint_release(&c);
    complaint_release(&next);
}
