/* notify: see notify.h. */
#include "app/notify.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int app_notify_rows(app *a, const complaint *next, const event *ev, outbox_msg **rows, size_t *n)
{
    if (!a->notify_email || strcmp(ev->action, "dispatch") != 0 || !next->owner_unit)
        return 0;
    user_list users = {0};
    int rc = store_user_list_unit(a->db, next->owner_unit, &users);
    if (rc)
        return rc;
    char *payload = NULL;
    for (size_t i = 0; i < users.n; i++) {
        const user *u = &users.items[i];
        if (!u->email || !(u->notify & NOTIFY_EMAIL))
            continue;
        if (!payload)
            payload = dispatch_payload(a, next);
        *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
        outbox_msg *m = &(*rows)[(*n)++];
        memset(m, 0, sizeof *m);
        m->created_at = ev->at;
        m->complaint_id = next->id;
        snprintf(m->channel, sizeof m->channel, "email");
        m->recipient_user = u->id;
        snprintf(m->template_name, sizeof m->template_name, "dispatch");
        m->payload = xstrdup(payload);
        /* The event is unique (complaint, seq), so is (event, recipient). */
        snprintf(m->key, sizeof m->key, "c%lld/e%lld/dispatch/user%lld", (long long)next->id, (long long)ev->seq,
                 (long long)u->id);
    }
    free(payload);
    user_list_release(&users);
    return 0;
}

void app_notify_release(outbox_msg *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(rows[i].payload);
}
