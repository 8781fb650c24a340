/* complaints: intake, the list, one complaint, its timeline, its actions. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "app_pii.h"
#include "core/workflow.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

void h_complaints_create(app *a, http_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs);
    if (!in)
        return;
    actor who = api_actor(rq);
    complaint c;
    complaint_init(&c);
    cerr e;
    int64_t now = time_now();
    int rc = app_intake(a, &who, in, now, &c, &e);
    if (rc == -1)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else {
        atomic_fetch_add_explicit((_Atomic unsigned long long *)&http_stats.intake, 1, memory_order_relaxed);
        app_pii_view(a, &c, 1, false);
        char loc[96];
        snprintf(loc, sizeof loc, "/api/v1/complaints/%" PRId64, c.id);
        http_set_header(rs, "Location", loc);
        api_json(rs, 201, api_complaint_json(a, &c, true, rq->en, now));
    }
    complaint_release(&c);
    json_decref(in);
}

static int bad_param(http_resp *rs, const char *name, const char *why)
{
    api_error(rs, 400, "bad_request", name, "%s: %s", name, why);
    return -1;
}

static int parse_int(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

typedef struct list_args {
    complaint_filter f;
    int64_t *owners, *subjects, *scope;
    const char **cats;
} list_args;

static void list_args_release(list_args *l)
{
    free(l->owners);
    free(l->subjects);
    free(l->scope);
    free(l->cats);
}

static int parse_list(app *a, http_req *rq, http_resp *rs, list_args *l)
{
    complaint_filter *f = &l->f;
    const char *v;
    long long n;
    f->limit = 50;
    f->now = time_now();
    if ((v = http_query(rq, "status")) && *v) {
        if (strcmp(v, "open") == 0)
            f->status = -1;
        else if (!(f->status = status_parse(v)))
            return bad_param(rs, "status", "unknown status");
    }
    if ((v = http_query(rq, "stage")) && *v && !(f->stage = stage_parse(v)))
        return bad_param(rs, "stage", "unknown stage");
    pthread_rwlock_rdlock(&a->org_lock);
    const unit *u = NULL;
    bool bad_owner = false, bad_subject = false;
    if ((v = http_query(rq, "owner_unit")) && *v) {
        json_t *js = json_string(v);
        u = org_resolve(&a->org, js);
        json_decref(js);
        if (u)
            l->owners = org_subtree(&a->org, u->id, &f->n_owner_units);
        else
            bad_owner = true;
    }
    if ((v = http_query(rq, "subject_unit")) && *v) {
        json_t *js = json_string(v);
        u = org_resolve(&a->org, js);
        json_decref(js);
        if (u)
            l->subjects = org_subtree(&a->org, u->id, &f->n_subject_units);
        else
            bad_subject = true;
    }
    /*
     * Visibility: unless the caller's scope is the whole organisation, or
     * an owner filter already lies inside it, only complaints with a unit in
     * the scope are listed: as owner, subject, last handler or assisting
     * unit, as api_may_see decides for one complaint.
     */
    const unit *root = org_find(&a->org, org_scope_root(&a->org, rq->who.unit));
    if (!root) {
        l->scope = xcalloc(1, sizeof *l->scope); /* no unit: sees nothing */
        f->n_scope_units = 1;
    } else if (root->parent) {
        bool inside = l->owners != NULL;
        for (size_t i = 0; inside && i < f->n_owner_units; i++)
            inside = org_within(&a->org, l->owners[i], root->id);
        if (!inside)
            l->scope = org_subtree(&a->org, root->id, &f->n_scope_units);
    }
    f->scope_units = l->scope;
    pthread_rwlock_unlock(&a->org_lock);
    if (bad_owner)
        return bad_param(rs, "owner_unit", "unknown unit");
    if (bad_subject)
        return bad_param(rs, "subject_unit", "unknown unit");
    f->owner_units = l->owners;
    f->subject_units = l->subjects;
    if ((v = http_query(rq, "channel")) && *v) {
        if (!policy_channel(&a->pol, v))
            return bad_param(rs, "channel", "unknown channel");
        f->channel = v;
    }
    if ((v = http_query(rq, "kind")) && *v) {
        if (strcmp(v, "appeal") != 0 && strcmp(v, "complaint") != 0)
            return bad_param(rs, "kind", "expected appeal or complaint");
        f->kind = v;
    }
    if ((v = http_query(rq, "category")) && *v) {
        if (!policy_category(&a->pol, v))
            return bad_param(rs, "category", "unknown category");
        l->cats = xcalloc(a->pol.ncats, sizeof *l->cats);
        for (size_t i = 0; i < a->pol.ncats; i++)
            if (policy_category_within(&a->pol, a->pol.cats[i].code, v))
                l->cats[f->n_categories++] = a->pol.cats[i].code;
        f->categories = l->cats;
    }
    if ((v = http_query(rq, "level")) && *v) {
        if (parse_int(v, 1, LEVEL_MAX, &n))
            return bad_param(rs, "level", "expected 1, 2 or 3");
        f->level = (int)n;
    }
    if ((v = http_query(rq, "from")) && *v && time_parse_date_or_instant(v, a->pol.tz_offset, &f->from))
        return bad_param(rs, "from", "expected YYYY-MM-DD or RFC 3339");
    if ((v = http_query(rq, "to")) && *v) {
        if (time_parse_date_or_instant(v, a->pol.tz_offset, &f->to))
            return bad_param(rs, "to", "expected YYYY-MM-DD or RFC 3339");
        if (strlen(v) == 10)
            f->to += 86400; /* a date includes the whole day */
    }
    if ((v = http_query(rq, "phone")) && *v) {
        char index[PII_INDEX_HEX];
        if (app_pii_phone_index(a, v, index))
            return bad_param(rs, "phone", "expected 7–20 digits");
        /* The filter borrows; keep the blind index in the request's params slot. */
        free(rq->params[MAX_PARAMS - 1]);
        rq->params[MAX_PARAMS - 1] = xstrdup(index);
        f->phone = rq->params[MAX_PARAMS - 1];
    }
    if ((v = http_query(rq, "overdue")) && *v) {
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return bad_param(rs, "overdue", "expected true or false");
        f->overdue = strcmp(v, "true") == 0;
    }
    if ((v = http_query(rq, "warning")) && *v) {
        if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
            return bad_param(rs, "warning", "expected true or false");
        f->warning = strcmp(v, "true") == 0;
    }
    if ((v = http_query(rq, "sort")) && *v) {
        if (strcmp(v, "deadline") == 0)
            f->sort_deadline = true;
        else if (strcmp(v, "created") != 0)
            return bad_param(rs, "sort", "expected deadline or created");
    }
    if ((v = http_query(rq, "limit")) && *v) {
        if (parse_int(v, 1, 200, &n))
            return bad_param(rs, "limit", "expected 1–200");
        f->limit = (int)n;
    }
    if ((v = http_query(rq, "cursor")) && *v) {
        long long key = 0, id = 0;
        int used = 0;
        if (f->sort_deadline ? sscanf(v, "d%lld.%lld%n", &key, &id, &used) != 2
                             : sscanf(v, "c%lld%n", &id, &used) != 1)
            return bad_param(rs, "cursor", "not a cursor of this listing");
        if (v[used] != '\0')
            return bad_param(rs, "cursor", "not a cursor of this listing");
        f->has_cursor = true;
        f->cursor_key = key;
        f->cursor_id = id;
    }
    return 0;
}

void h_complaints_list(app *a, http_req *rq, http_resp *rs)
{
    list_args l = {0};
    if (parse_list(a, rq, rs, &l)) {
        list_args_release(&l);
        return;
    }
    complaint_page page = {0};
    int rc = a->db->ops->complaint_list(a->db, &l.f, &page);
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
    list_args_release(&l);
}

void h_complaint_get(app *a, http_req *rq, http_resp *rs)
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
    json_t *o = json_deep_copy(p);
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

void h_complaint_events(app *a, http_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    event_list evs = {0};
    if (api_load_complaint(a, rq, rq->params[0], &c, rs))
        goto out;
    int rc = a->db->ops->event_list(a->db, c.id, &evs);
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
        json_array_append_new(fields, j);
    }
    return fields;
}

static json_t *allowed_json(app *a, const actor *who, const complaint *c, bool en, bool with_fields)
{
    const wf_action *acts[32];
    pthread_rwlock_rdlock(&a->org_lock);
    wf_ctx ctx = {&a->pol, &a->org, who, time_now()};
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
    pthread_rwlock_unlock(&a->org_lock);
    return items;
}

void h_complaint_actions(app *a, http_req *rq, http_resp *rs)
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

void h_complaint_act(app *a, http_req *rq, http_resp *rs)
{
    json_t *in = NULL;
    complaint c, next;
    complaint_init(&c);
    complaint_init(&next);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs))
        goto out;
    in = rq->body.len ? api_body(rq, rs) : json_object();
    if (!in)
        goto out;
    int64_t expected = -1;
    const char *im = http_header(rq, "If-Match");
    const json_t *bv = json_object_get(in, "version");
    long long n;
    if (im) {
        char tmp[32];
        size_t len = strlen(im);
        /* Accept a bare number, or an ETag-style quoted one. */
        if (len >= 2 && im[0] == '"' && im[len - 1] == '"' && len < sizeof tmp) {
            memcpy(tmp, im + 1, len - 2);
            tmp[len - 2] = '\0';
            im = tmp;
        }
        if (parse_int(im, 0, INT64_MAX, &n)) {
            bad_param(rs, "If-Match", "expected the complaint's version number");
            goto out;
        }
        expected = n;
    } else if (json_is_integer(bv)) {
        expected = json_integer_value(bv);
    }
    actor who = api_actor(rq);
    cerr e;
    int64_t now = time_now();
    int rc = app_act(a, &who, c.id, rq->params[1], in, expected, now, &next, &e);
    if (rc == -1) {
        api_cerr(rs, &e);
        if (strcmp(e.code, "action_not_allowed") == 0 || strcmp(e.code, "version_conflict") == 0) {
            complaint fresh;
            complaint_init(&fresh);
            if (a->db->ops->complaint_get(a->db, c.id, NULL, &fresh) == 0) {
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
