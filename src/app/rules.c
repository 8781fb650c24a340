/*
 * app_rules: the pack's grading and routing rules applied at intake. The
 * record is validated and normalised first (workflow_intake); the rules
 * (core/rules.c) are evaluated on the normalised record, with the store
 * answering their window counts through the complaint list (indexed by
 * subject unit and time of receipt); when they raise the level, widen the
 * scope or fix a promise the record is decided again with those values, so
 * the clocks are planned for the final grading. What fired is written into
 * the intake event (data.rules), so the detail can show why a complaint got
 * its level, and replay rebuilds it.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/act.h"
#include "app/app.h"
#include "app/duty.h"
#include "app/rules.h"
#include "core/rules.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

int app_rules_window(void *arg, const int64_t *units, size_t nunits, const char *const *cats, size_t ncats,
                     int64_t since, int64_t until, int64_t *ids, size_t max, int64_t *n)
{
    const app_window *w = arg;
    complaint_filter f = {0};
    f.subject_units = units;
    f.n_subject_units = nunits;
    f.categories = cats;
    f.n_categories = ncats;
    f.from = since;
    f.to = until + 1;
    f.limit = 200;
    complaint_page pg = {0};
    *n = 0;
    if (ncats == 0)
        return 0;
    int rc = store_complaint_list(w->a->db, &f, &pg);
    /* The rules take any negative value as "the count failed": a list has
     * no "not found" or "conflict", so anything else is the store's error. */
    if (rc)
        return rc < 0 ? rc : STORE_ERROR;
    /* Newest first: the window's earliest complaints come first in ids. */
    for (size_t i = pg.n; i-- > 0;) {
        if (pg.items[i].id == w->exclude)
            continue;
        if (ids && (size_t)*n < max)
            ids[*n] = pg.items[i].id;
        (*n)++;
    }
    complaint_page_release(&pg);
    return 0;
}

static const char *jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/*
 * The input with the rules' grading in it (new reference), or NULL when
 * the rules change nothing the clocks depend on.
 */
static json_t *regraded(const json_t *in, const json_t *p, const rules_outcome *o)
{
    json_t *out = json_copy((json_t *)in);
    bool changed = false;
    int level = (int)json_integer_value(json_object_get(p, "level"));
    if (o->level && o->level < level) {
        json_object_set_new(out, "level", json_integer(o->level));
        changed = true;
    }
    const char *scope = jstr(p, "scope");
    if (o->scope && sla_scope_rank(o->scope) > sla_scope_rank(scope ? scope : "general")) {
        json_object_set_new(out, "scope", json_string(o->scope));
        changed = true;
    }
    if (o->promise_minutes && !json_object_get(in, "promised_at")) {
        int64_t at = json_integer_value(json_object_get(p, "received_at")) + (int64_t)o->promise_minutes * 60;
        json_object_set_new(out, "promised_at", json_integer(at));
        changed = true;
    }
    if (!changed) {
        json_decref(out);
        return NULL;
    }
    return out;
}

int app_intake_graded(app *a, const actor *who, const json_t *input, int64_t now, event *ev, rules_outcome *o,
                      cerr *e)
{
    wf_ctx ctx = {app_pol(a), app_org(a), who, now, NULL, 0, NULL};
    if (workflow_intake(&ctx, input, ev, e))
        return CERR_USER;
    rules_facts f;
    rules_facts_of(ev->payload, &f);
    app_window w = {a, 0}; /* not stored yet: nothing to leave out */
    int rc = rules_evaluate(&app_pol(a)->rules, &app_pol(a)->tax, app_org(a), &f, app_rules_window, &w, o);
    assert(rc <= 0); /* the window's store code (above) */
    if (rc)
        return rc;
    json_t *again = regraded(input, ev->payload, o);
    if (again) {
        event_release(ev);
        event_init(ev);
        rc = workflow_intake(&ctx, again, ev, e);
        json_decref(again);
        if (rc)
            return CERR_USER;
    }
    json_t *p = ev->payload;
    /* The configuration it was graded under: later versions do not re-grade it. */
    if (app_cur(a)->pol_version)
        json_object_set_new(p, "policy_version", json_integer(app_cur(a)->pol_version));
    if (json_array_size(o->fired))
        json_object_set(p, "rules", o->fired);
    if (o->priority)
        json_object_set_new(p, "priority", json_string(o->priority));
    if (o->owner_unit)
        json_object_set_new(p, "route_unit", json_integer(o->owner_unit));
    if (o->answer_by) {
        json_t *ab = json_array();
        for (size_t i = 0; i < o->answer_by->n; i++)
            json_array_append_new(ab, json_string(o->answer_by->v[i]));
        json_object_set_new(p, "answer_by", ab);
    }
    return 0;
}

int app_rules_corrected(app *a, const complaint *c, const json_t *input, rules_outcome *o)
{
    const char *cat = jstr(input, "category"), *cls = jstr(input, "customer_class");
    const json_t *su = json_object_get(input, "subject_unit");
    if (!cat && !cls && (!su || json_is_null(su) || (json_is_string(su) && !*json_string_value(su))))
        return 0;
    const unit *subject = su && !json_is_null(su) ? org_resolve(app_org(a), su) : NULL;
    rules_facts f = {
        .channel = c->channel,
        .category = cat ? cat : c->category,
        .customer_class = cls ? cls : jstr(json_object_get(c->data, "customer"), "class"),
        .subject_unit = subject ? subject->id : c->subject_unit,
        .at = c->received_at,
    };
    app_window w = {a, c->id};
    int rc = rules_evaluate(&app_pol(a)->rules, &app_pol(a)->tax, app_org(a), &f, app_rules_window, &w, o);
    assert(rc <= 0);
    return rc;
}

int app_rules_corrected_rows(app *a, const rules_outcome *o, const complaint *c, const event *ev, int64_t now,
                             outbox_msg **msgs, size_t *n)
{
    const json_t *fired = json_object_get(ev->payload, "rules");
    if (!json_array_size(fired))
        return 0;
    /* Only the notices of the rules that fired now: the intake's were sent. */
    rules_outcome fresh = *o;
    fresh.fired = NULL;
    fresh.nnotify = 0;
    for (size_t i = 0; i < o->nnotify; i++) {
        size_t j;
        const json_t *r;
        json_array_foreach(fired, j, r)
        {
            if (strcmp(o->notify[i].rule, jstr(r, "code") ? jstr(r, "code") : "") == 0) {
                fresh.notify[fresh.nnotify++] = o->notify[i];
                break;
            }
        }
    }
    if (!fresh.nnotify)
        return 0;
    app_notices x = {.o = &fresh, .now = now};
    int rc = app_notices_people(a, &x);
    if (rc == 0) {
        const outbox_msg *made;
        size_t nmade;
        app_notices_of(&x, c, &made, &nmade);
        *msgs = xrealloc(*msgs, (*n + nmade) * sizeof **msgs);
        for (size_t i = 0; i < nmade; i++) {
            outbox_msg m = made[i];
            m.payload = xstrdup(made[i].payload); /* the caller's, as app_notify_rows's rows are */
            m.last_error = NULL;
            (*msgs)[(*n)++] = m;
        }
    }
    app_notices_release(&x);
    return rc;
}

int app_notices_people(app *a, app_notices *x)
{
    const rules_outcome *o = x->o;
    bool any = false;
    for (size_t i = 0; i < o->nnotify; i++)
        any |= o->notify[i].reach->nroles != 0;
    if (!any)
        return 0;
    app_people p;
    int rc = app_people_load(a, x->now, &p);
    for (size_t i = 0; i < o->nnotify && !rc; i++) {
        outbox_list *l = &x->people[i];
        app_people_notify(a, &p, o->notify[i].reach, o->notify[i].role_units, a->notify_email, o->notify[i].unit,
                          &l->items, &l->n);
    }
    app_people_release(&p);
    return rc;
}

void app_notices_release(app_notices *x)
{
    outbox_list_release(&x->rows);
    for (size_t i = 0; i < RULES_MAX_NOTIFY; i++)
        outbox_list_release(&x->people[i]);
}

void app_notices_of(void *arg, const complaint *c, const outbox_msg **msgs, size_t *n)
{
    app_notices *x = arg;
    const rules_outcome *o = x->o;
    outbox_list_release(&x->rows);
    size_t total = o->nnotify;
    for (size_t i = 0; i < o->nnotify; i++)
        total += x->people[i].n;
    x->rows.items = xcalloc(total + 1, sizeof *x->rows.items);
    for (size_t i = 0; i < o->nnotify; i++) {
        json_t *pl = json_object();
        json_object_set_new(pl, "number", json_string(c->number));
        json_object_set_new(pl, "rule", json_string(o->notify[i].rule));
        json_object_set_new(pl, "message", json_deep_copy(o->notify[i].message));
        char *text = json_dumps(pl, JSON_COMPACT);
        json_decref(pl);
        char base[64];
        snprintf(base, sizeof base, "c%" PRId64 "/rule/%.40s", c->id, o->notify[i].rule);
        /* The people of the rule's roles (app_notices_people), then the unit's in-app list. */
        outbox_list *pe = &x->people[i];
        app_people_fill(pe->items, pe->n, c->id, "rule_notify", text, base);
        for (size_t k = 0; k < pe->n; k++) {
            x->rows.items[x->rows.n++] = pe->items[k];
            pe->items[k].payload = NULL; /* moved */
        }
        if (!(o->notify[i].reach->channels & RN_INTERNAL)) {
            free(text);
            continue;
        }
        outbox_msg *m = &x->rows.items[x->rows.n++];
        m->payload = text;
        m->created_at = x->now;
        m->complaint_id = c->id;
        snprintf(m->channel, sizeof m->channel, "internal");
        m->recipient_unit = o->notify[i].unit;
        snprintf(m->template_name, sizeof m->template_name, "rule_notify");
        snprintf(m->key, sizeof m->key, "%s/unit%" PRId64, base, o->notify[i].unit);
    }
    *msgs = x->rows.items;
    *n = x->rows.n;
}

/* ---- rules over time ------------------------------------------------------- */

struct upgrade_arg {
    int64_t now;
};

static int upgrade_event(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    const struct upgrade_arg *u = arg;
    actor sys = {0, R_SYSTEM, 0};
    wf_ctx ctx = {app_pol(a), app_org(a), &sys, u->now, NULL, 0, NULL};
    int rc = workflow_upgrade_step(&ctx, cur, ev, e);
    return rc < 0 ? CERR_USER : rc; /* 1: nothing (more) is due */
}

int app_upgrades(app *a, int64_t now, long *upgraded)
{
    *upgraded = 0;
    app_enter(a);
    const rules_set *r = &app_pol(a)->rules;
    int min_age = 0, min_reopens = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->rules[i].age_days && (!min_age || r->rules[i].age_days < min_age))
            min_age = r->rules[i].age_days;
        if (r->rules[i].reopens && (!min_reopens || r->rules[i].reopens < min_reopens))
            min_reopens = r->rules[i].reopens;
    }
    int rc = 0;
    int64_t after = 0;
    while ((min_age || min_reopens) && rc == 0) {
        int64_t *ids = NULL;
        size_t n = 0;
        rc = store_complaint_aging(a->db, min_age ? now - (int64_t)min_age * 86400 : 0, min_reopens, after, 500, &ids,
                                   &n);
        for (size_t i = 0; rc == 0 && i < n; i++) {
            struct upgrade_arg arg = {now};
            cerr e = CERR_INIT;
            int one;
            /* Each rule due is an event of its own, until none is. */
            for (size_t k = 0; k <= r->n && (one = app_change(a, ids[i], upgrade_event, &arg, false, &e)) == 0; k++)
                ++*upgraded;
            if (one == CERR_USER)
                log_warn("upgrade of complaint %" PRId64 ": %s", ids[i], e.message);
            else if (one != 1 && one != 0 && one != STORE_NOTFOUND && one != STORE_CONFLICT)
                rc = one; /* a race lost (after the retries) waits for the next pass */
        }
        after = n ? ids[n - 1] : after;
        free(ids);
        if (n < 500)
            break;
    }
    app_leave(a);
    return rc;
}
