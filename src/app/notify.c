/* notify: see notify.h. */
#include "app/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/custmsg.h"
#include "core/notify.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static const char *unit_name(app *a, int64_t id)
{
    const unit *u = org_find(app_org(a), id);
    return u ? u->name : "";
}

/* What the e-mail of a dispatch says (jobs/deliver.c renders it). */
static char *dispatch_payload(app *a, const complaint *c)
{
    const policy *p = app_pol(a);
    int k = policy_category_index(p, c->category);
    char due[40] = "", level[64] = "";
    if (c->stage_due)
        time_format(c->stage_due, p->tz_offset, due, sizeof due);
    if (c->level >= 1 && c->level <= LEVEL_MAX && p->levels[c->level].name)
        snprintf(level, sizeof level, "%s", p->levels[c->level].name);
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "number", c->number, "unit", unit_name(a, c->owner_unit),
                          "subject_unit", unit_name(a, c->subject_unit), "category",
                          k >= 0 ? p->tax.cats[k].name : c->category, "level", level, "stage_due", due);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

/* A new row of *rows about the dispatch ev of c, its payload (borrowed) copied. */
static outbox_msg *add_row(outbox_msg **rows, size_t *n, const complaint *c, const event *ev, const char *channel,
                           const char *payload)
{
    *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
    outbox_msg *m = &(*rows)[(*n)++];
    memset(m, 0, sizeof *m);
    m->created_at = ev->at;
    m->complaint_id = c->id;
    snprintf(m->channel, sizeof m->channel, "%s", channel);
    snprintf(m->template_name, sizeof m->template_name, "dispatch");
    m->payload = xstrdup(payload);
    return m;
}

/*
 * What the partner that sent c is told of step ev (a status change): the
 * complaint's number, the partner's own reference, the new status, the
 * step and its place in the timeline (seq: deliveries may overtake each
 * other), and for a reply how and what the customer was told.
 */
static char *status_payload(const complaint *c, const event *ev)
{
    const json_t *d = c->data;
    json_t *j = json_pack("{s:s,s:s?,s:s,s:s,s:I,s:I}", "number", c->number, "external_ref",
                          json_string_value(json_object_get(d, "external_ref")), "status", status_name(c->status),
                          "action", ev->action, "at", (json_int_t)ev->at, "seq", (json_int_t)ev->seq);
    if (strcmp(ev->action, "reply") == 0)
        json_object_set_new(j, "reply", json_pack("{s:O*,s:O*}", "method", json_object_get(ev->payload, "method"),
                                                  "content", json_object_get(ev->payload, "content")));
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return s;
}

/* The row telling the partner system that sent next (its webhook, migration 021) of the status change ev. */
static void partner_row(const complaint *next, const event *ev, outbox_msg **rows, size_t *n)
{
    const char *partner = json_string_value(json_object_get(next->data, "partner"));
    if (!partner || ev->from_status == ev->to_status || ev->to_status == ST_NONE)
        return;
    char *payload = status_payload(next, ev);
    outbox_msg *m = add_row(rows, n, next, ev, "webhook", payload);
    free(payload);
    snprintf(m->template_name, sizeof m->template_name, "status");
    snprintf(m->target, sizeof m->target, "%s", partner);
    snprintf(m->key, sizeof m->key, "c%lld/e%lld/status/hook/%s", (long long)next->id, (long long)ev->seq, partner);
}

int app_notify_rows(app *a, const complaint *next, const event *ev, outbox_msg **rows, size_t *n)
{
    partner_row(next, ev, rows, n);
    app_custmsg_rows(a, app_pol(a), next, ev, rows, n);
    if (strcmp(ev->action, "dispatch") != 0 || !next->owner_unit)
        return 0;
    user_list users = {0};
    webhook_list hooks = {0};
    int rc = a->notify_email ? store_user_list_unit(a->db, next->owner_unit, &users) : 0;
    if (rc == 0)
        rc = store_webhook_list(a->db, &hooks);
    char *payload = rc == 0 && (users.n || hooks.n) ? dispatch_payload(a, next) : NULL;
    /* The event is unique (complaint, seq), so is (event, recipient). */
    for (size_t i = 0; payload && i < users.n; i++) {
        const user *u = &users.items[i];
        if (!u->email || !(u->notify & NOTIFY_EMAIL))
            continue;
        outbox_msg *m = add_row(rows, n, next, ev, "email", payload);
        m->recipient_user = u->id;
        snprintf(m->key, sizeof m->key, "c%lld/e%lld/dispatch/user%lld", (long long)next->id, (long long)ev->seq,
                 (long long)u->id);
    }
    /* The webhooks of the unit and of the units above it. */
    for (size_t i = 0; payload && i < hooks.n; i++) {
        const webhook *h = &hooks.items[i];
        if (h->channel[0] || !org_within(app_org(a), next->owner_unit, h->unit)) /* a partner's: status changes only */
            continue;
        outbox_msg *m = add_row(rows, n, next, ev, "webhook", payload);
        m->recipient_unit = h->unit;
        snprintf(m->target, sizeof m->target, "%s", h->name);
        snprintf(m->key, sizeof m->key, "c%lld/e%lld/dispatch/hook/%s", (long long)next->id, (long long)ev->seq,
                 h->name);
    }
    free(payload);
    user_list_release(&users);
    webhook_list_release(&hooks);
    return rc;
}

void app_notify_release(outbox_msg *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].payload);
}
