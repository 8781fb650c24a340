/* tally: see tally.h. */
#include "app/tally.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { PAGE = 200 };

/* So many cases for an id (a unit, then a person). */
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

/* The cases the spec counts, by owner unit (OUT). */
static int by_owner(app *a, tally_spec *s, tallies *units)
{
    complaint_filter *f = &s->filter;
    complaint_page page = {0};
    int rc;
    f->limit = PAGE;
    f->has_cursor = false;
    for (;;) {
        rc = store_complaint_list(a->db, f, &page);
        if (rc)
            break;
        for (size_t i = 0; i < page.n; i++)
            if (s->keep(a, &page.items[i], s->arg))
                tally_add(units, page.items[i].owner_unit, 1);
        bool more = page.more && page.n;
        if (more) {
            f->has_cursor = true;
            f->cursor_id = page.items[page.n - 1].id;
        }
        complaint_page_release(&page);
        if (!more)
            break;
    }
    return rc;
}

/* Adds n to each active user with roles at the nearest unit at or above unit_id that has one. */
static int to_nearest(app *a, int64_t unit_id, unsigned roles, int64_t n, tallies *people)
{
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

/* … and at each service centre whose scope holds unit_id (the centre keeps its own ledger). */
static int to_centres(app *a, int64_t unit_id, unsigned roles, int64_t n, tallies *people)
{
    const org *o = app_org(a);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < o->n; i++)
        if (strcmp(o->units[i].type, "centre") == 0 && o->units[i].id != unit_id &&
            org_within(o, unit_id, org_scope_root(o, o->units[i].id)))
            rc = to_nearest(a, o->units[i].id, roles, n, people);
    return rc;
}

static int notify(app *a, const tally_spec *s, const tallies *people, int64_t now, const char *period, int *queued)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < people->n; i++) {
        json_t *pl = json_pack("{s:I,s:s}", "count", (json_int_t)people->items[i].n, "period", period);
        char *text = json_dumps(pl, JSON_COMPACT);
        json_decref(pl);
        outbox_msg m = {.created_at = now, .recipient_user = people->items[i].id, .payload = text};
        snprintf(m.channel, sizeof m.channel, "internal");
        snprintf(m.template_name, sizeof m.template_name, "%s", s->templ);
        snprintf(m.key, sizeof m.key, "%s/%s/u%" PRId64, s->prefix, period, people->items[i].id);
        rc = store_outbox_add(a->db, &m, 1);
        if (rc == STORE_CONFLICT)
            rc = 0; /* told already this period */
        else if (rc == 0 && queued)
            (*queued)++;
        free(text);
    }
    return rc;
}

int tally_notice(app *a, int64_t now, tally_setup_fn setup, char *done, size_t donelen, int *queued)
{
    if (queued)
        *queued = 0;
    tallies units = {0}, people = {0};
    tally_spec spec = {0};
    char period[16] = "";
    int rc = 0;
    app_enter(a);
    if (!setup(a, now, &spec, period) || strcmp(done, period) == 0)
        goto out;
    rc = by_owner(a, &spec, &units);
    for (size_t i = 0; rc == 0 && i < units.n; i++) {
        rc = to_nearest(a, units.items[i].id, spec.roles, units.items[i].n, &people);
        if (rc == 0 && spec.centres)
            rc = to_centres(a, units.items[i].id, spec.roles, units.items[i].n, &people);
    }
    if (rc == 0)
        rc = notify(a, &spec, &people, now, period, queued);
    if (rc == 0)
        snprintf(done, donelen, "%s", period);
out:
    app_leave(a);
    free(units.items);
    free(people.items);
    return rc;
}
