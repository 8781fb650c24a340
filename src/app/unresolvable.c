/* unresolvable: see unresolvable.h. */
#include "app/unresolvable.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { PAGE = 200 };

/* A tally: so many cases for an id (a unit, then a person). */
typedef struct tally {
    int64_t id, n;
} tally;

typedef struct tallies {
    tally *items;
    size_t n, cap;
} tallies;

static void tally_add(tallies *t, int64_t id, int64_t n)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->items[i].id == id) {
            t->items[i].n += n;
            return;
        }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->items = xrealloc(t->items, t->cap * sizeof *t->items);
    }
    t->items[t->n++] = (tally){id, n};
}

/* The open cases recorded as unresolvable whose closing is due at now, counted by owner unit (OUT). */
static int due_by_unit(app *a, int64_t now, tallies *units)
{
    const cases_policy *cp = &app_pol(a)->cases;
    complaint_filter f = {.status = -1, .unresolvable = 1, .limit = PAGE, .now = now, .full = true};
    complaint_page page = {0};
    int rc;
    for (;;) {
        rc = store_complaint_list(a->db, &f, &page);
        if (rc)
            break;
        for (size_t i = 0; i < page.n; i++) {
            const complaint *c = &page.items[i];
            int64_t at = json_integer_value(json_object_get(json_object_get(c->data, "unresolvable"), "at"));
            char key[16];
            if (cases_unresolvable_from(cp, at, app_pol(a)->tz_offset, key, sizeof key) <= now)
                tally_add(units, c->owner_unit, 1);
        }
        bool more = page.more && page.n;
        if (more) {
            f.has_cursor = true;
            f.cursor_id = page.items[page.n - 1].id;
        }
        complaint_page_release(&page);
        if (!more)
            break;
    }
    return rc;
}

/* Adds n to each approver at the nearest unit at or above unit_id that has one. */
static int to_approvers(app *a, int64_t unit_id, int64_t n, tallies *people)
{
    unsigned roles = app_pol(a)->cases.unres_approvers;
    int rc = 0;
    for (int depth = 0; unit_id && depth < 64 && rc == 0; depth++) {
        user_list l = {0};
        rc = store_user_list_unit(a->db, unit_id, &l);
        size_t found = 0;
        for (size_t i = 0; rc == 0 && i < l.n; i++)
            if (l.items[i].active && (l.items[i].roles & roles)) {
                tally_add(people, l.items[i].id, n);
                found++;
            }
        user_list_release(&l);
        const unit *u = org_find(app_org(a), unit_id);
        if (found || !u)
            break;
        unit_id = u->parent;
    }
    return rc;
}

int app_unresolvable_notice(app *a, int64_t now, char *done, size_t donelen, int *queued)
{
    if (queued)
        *queued = 0;
    tallies units = {0}, people = {0};
    int rc = 0;
    char period[16];
    app_enter(a);
    const cases_policy *cp = &app_pol(a)->cases;
    if (!cp->unres_period)
        goto out;
    cases_unresolvable_from(cp, now, app_pol(a)->tz_offset, period, sizeof period); /* now's period */
    if (strcmp(done, period) == 0)
        goto out;
    rc = due_by_unit(a, now, &units);
    for (size_t i = 0; rc == 0 && i < units.n; i++)
        rc = to_approvers(a, units.items[i].id, units.items[i].n, &people);
    for (size_t i = 0; rc == 0 && i < people.n; i++) {
        char *text = NULL;
        json_t *pl = json_pack("{s:I,s:s}", "count", (json_int_t)people.items[i].n, "period", period);
        text = json_dumps(pl, JSON_COMPACT);
        json_decref(pl);
        outbox_msg m = {.created_at = now, .recipient_user = people.items[i].id, .payload = text};
        snprintf(m.channel, sizeof m.channel, "internal");
        snprintf(m.template_name, sizeof m.template_name, "unresolvable_review");
        snprintf(m.key, sizeof m.key, "unresolvable/%s/u%" PRId64, period, people.items[i].id);
        rc = store_outbox_add(a->db, &m, 1);
        if (rc == STORE_CONFLICT)
            rc = 0; /* told already this period */
        else if (rc == 0 && queued)
            (*queued)++;
        free(text);
    }
    if (rc == 0)
        snprintf(done, donelen, "%s", period);
out:
    app_leave(a);
    free(units.items);
    free(people.items);
    return rc;
}
