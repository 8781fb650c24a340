/* contacts: see contacts.h. */
#include "app/contacts.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cases.h"
#include "util/xalloc.h"

int app_contacts_list(app *a, appeal_contact_list *out)
{
    return store_appeal_contact_list(a->db, out);
}

int app_contact_of(app *a, int64_t unit_id, appeal_contact *out)
{
    appeal_contact_list l = {0};
    int rc = store_appeal_contact_list(a->db, &l);
    if (rc == 0) {
        app_enter(a);
        const appeal_contact *c = appeal_contact_for(app_org(a), l.items, l.n, unit_id);
        app_leave(a);
        if (c)
            *out = *c;
        rc = c ? 0 : STORE_NOTFOUND;
    }
    appeal_contact_list_release(&l);
    return rc;
}

int app_contact_set(app *a, const actor *who, int64_t unit_id, const json_t *user_key, int64_t now, int64_t *user_id,
                    cerr *e)
{
    *user_id = 0;
    if (user_key && !json_is_null(user_key)) {
        int rc = app_active_user(a, user_key, "user", user_id, e);
        if (rc)
            return rc;
    }
    return store_appeal_contact_set(a->db, unit_id, *user_id, who->id, now);
}

void app_contact_row(outbox_msg *m, const appeal_contact *c, int64_t cid, int64_t at, const char *template_name,
                     const char *key, json_t *payload /* consumed */)
{
    memset(m, 0, sizeof *m);
    m->created_at = at;
    m->complaint_id = cid;
    snprintf(m->channel, sizeof m->channel, "internal");
    m->recipient_user = c->user;
    m->recipient_unit = c->unit;
    snprintf(m->template_name, sizeof m->template_name, "%s", template_name);
    snprintf(m->key, sizeof m->key, "%s", key);
    m->payload = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(payload);
}

int app_contact_notify_rows(app *a, const complaint *next, const event *ev, outbox_msg **rows, size_t *n)
{
    if (strcmp(ev->action, "dispatch") != 0 || strcmp(cases_kind(next), "appeal") != 0)
        return 0;
    appeal_contact c;
    int rc = app_contact_of(a, next->subject_unit, &c);
    if (rc)
        return rc == STORE_NOTFOUND ? 0 : rc;
    const unit *to = org_find(app_org(a), next->owner_unit);
    char key[96];
    snprintf(key, sizeof key, "c%" PRId64 "/e%" PRId64 "/appeal_contact/user%" PRId64, next->id, ev->seq, c.user);
    *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
    app_contact_row(&(*rows)[(*n)++], &c, next->id, ev->at, "appeal_dispatched", key,
                    json_pack("{s:s,s:s}", "number", next->number, "unit", to ? to->name : ""));
    return 0;
}
