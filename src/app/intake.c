/* intake: see intake.h. */
#include "app/intake.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/custmsg.h"
#include "app/rules.h"
#include "app/incident.h"
#include "app/links.h"
#include "app/pii.h"
#include "app/result.h"
#include "app/search.h"
#include "util/log.h"
#include "util/xalloc.h"

/* What the creation's unit of work calls once the complaint is numbered: the
 * rules' notifications, and the number's search terms added to the text's. */
typedef struct intake_with {
    app *a;
    const policy *pol; /* the snapshot the intake is decided under (the callback may run on the store's thread) */
    event *ev;
    search_terms base; /* the text's terms, before the number's */
    app_notices notices;
} intake_with;

static void intake_rows(void *arg, const complaint *c, const outbox_msg **msgs, size_t *n)
{
    intake_with *w = arg;
    app_search_number(w->a, w->ev, &w->base, c->number);
    app_notices_of(&w->notices, c, msgs, n);
    app_custmsg_rows(w->a, w->pol, c, w->ev, &w->notices.rows.items, &w->notices.rows.n);
    *msgs = w->notices.rows.items;
    *n = w->notices.rows.n;
}

/* A ledger row's import event and mark (app_intake_imported), or none. */
typedef struct intake_from {
    const json_t *info;
    int64_t at;
    const store_import_mark *mark; /* NULL: only checked, nothing stored */
} intake_from;

/* The import event that follows ev (unsealed), decided on its projection, into then. */
static int import_event(app *a, const actor *who, const event *ev, const intake_from *from, event *then, cerr *e)
{
    complaint c;
    complaint_init(&c);
    workflow_apply(&c, ev);
    wf_ctx ctx = {.pol = app_pol(a), .org = app_org(a), .who = who, .now = from->at};
    int rc = workflow_import(&ctx, &c, from->info, then, e) ? CERR_USER : 0;
    complaint_release(&c);
    return rc;
}

/* An intake decided and sealed, not yet stored: what its creation takes. */
struct app_intake_prep {
    event ev, then;
    rules_outcome o;
    intake_with iw;
    pii_keyrow k;
    store_with with;
    store_external_ref ref; /* the payload's channel and external_ref (borrowed from ev) */
    complaint c;
};

static app_intake_prep *prep_new(void)
{
    app_intake_prep *p = xcalloc(1, sizeof *p);
    event_init(&p->ev);
    event_init(&p->then);
    rules_outcome_init(&p->o);
    search_terms_init(&p->iw.base);
    complaint_init(&p->c);
    return p;
}

void app_intake_prep_free(app_intake_prep *p)
{
    if (!p)
        return;
    app_notices_release(&p->iw.notices);
    search_terms_release(&p->iw.base);
    rules_outcome_release(&p->o);
    event_release(&p->then);
    event_release(&p->ev);
    complaint_release(&p->c);
    free(p);
}

/*
 * The intake's validation, grading and sealing into p (with an import's
 * event and mark when from is given; sent by partner, a partner system's
 * name, when not NULL); seal false stops after the checks (a dry run). The
 * caller holds a snapshot.
 */
static int intake_prepare(app *a, const actor *who, const json_t *input, int64_t now, const intake_from *from,
                          const char *partner, bool seal, app_intake_prep *p, pii_memo *memo, cerr *e)
{
    int rc = app_intake_graded(a, who, input, now, &p->ev, &p->o, e);
    if (rc == 0 && partner)
        json_object_set_new(p->ev.payload, "partner", json_string(partner));
    /* The search terms are taken from the clear text, which is sealed
     * here, before the event is hashed and stored. */
    p->iw = (intake_with){.a = a, .pol = app_pol(a), .ev = &p->ev, .base = p->iw.base, .notices = {.o = &p->o, .now = now}};
    if (rc == 0)
        rc = app_notices_people(a, &p->iw.notices);
    if (rc == 0) {
        app_search_intake(a, &p->ev);
        if (p->ev.terms)
            search_terms_append(&p->iw.base, p->ev.terms);
    }
    if (rc == 0 && from)
        rc = import_event(a, who, &p->ev, from, &p->then, e);
    if (rc == 0 && seal)
        rc = app_pii_seal_intake(a, &p->ev, &p->k, memo, e);
    /* The rules' notifications and the search terms are written with it, in its transaction. */
    p->with = (store_with){intake_rows, &p->iw, from ? &p->then : NULL, from ? from->mark : NULL, NULL};
    const char *xref = rc == 0 ? json_string_value(json_object_get(p->ev.payload, "external_ref")) : NULL;
    if (xref) {
        p->ref = (store_external_ref){json_string_value(json_object_get(p->ev.payload, "channel")), xref};
        p->with.ref = &p->ref;
    }
    p->ev.key = app_events_key(a); /* the store seals it once numbered */
    return rc;
}

/*
 * intake_prepare and the creation; *payload (OUT) a reference to the stored
 * intake event's payload. 1 with out the complaint already given the
 * intake's external reference.
 */
static int intake_store(app *a, const actor *who, const json_t *input, int64_t now, const char *partner,
                        complaint *out, pii_memo *memo, json_t **payload, cerr *e)
{
    app_intake_prep *p = prep_new();
    int rc = intake_prepare(a, who, input, now, NULL, partner, true, p, memo, e);
    if (rc == 0)
        rc = store_complaint_create_keyed(a->db, app_pol(a)->number_prefix, app_pol(a)->tz_offset, &p->ev, out,
                                          &p->k, &p->with);
    int64_t had = 0;
    /* Only a reference stored already (meanwhile, by a call alike) refuses a creation so. */
    if (rc == STORE_NOTFOUND && p->with.ref &&
        (rc = store_external_ref_find(a->db, p->ref.channel, p->ref.ref, &had)) == 0 &&
        (rc = store_complaint_get(a->db, had, NULL, out)) == 0)
        rc = 1;
    if (rc == 0)
        *payload = json_incref(p->ev.payload);
    app_intake_prep_free(p);
    return rc;
}

int app_intake(app *a, const actor *who, const json_t *input, int64_t now, const char *partner, complaint *out,
               pii_memo *memo, cerr *e)
{
    app_enter(a);
    json_t *payload = NULL;
    int rc = intake_store(a, who, input, now, partner, out, memo, &payload, e);
    /* Clustering needs the stored complaint; a failure leaves it ungrouped, never lost. */
    bool grouped = false;
    if (rc == 0 && app_cluster(a, out, payload, now, &grouped))
        log_msg(LOG_WARN, "complaint %s: crisis clustering failed", out->number);
    /* A repeat of the same customer's complaint about the same matter is linked to it. */
    size_t repeats = 0;
    if (rc == 0 && app_link_repeats(a, out, now, &repeats))
        log_msg(LOG_WARN, "complaint %s: linking repeats failed", out->number);
    /* The grouping re-graded it, the repeats linked it: return what is stored. */
    if (rc == 0 && (grouped || repeats))
        rc = store_complaint_get(a->db, out->id, NULL, out);
    json_decref(payload);
    app_leave(a);
    assert(rc == 1 || app_result_ok(rc));
    return rc;
}

int app_intake_imported(app *a, const actor *who, const json_t *input, int64_t now, const json_t *info,
                        int64_t at, const store_import_mark *mark, app_intake_prep **out, cerr *e)
{
    intake_from from = {info, at, mark};
    app_intake_prep *p = prep_new();
    app_enter(a);
    int rc = intake_prepare(a, who, input, now, &from, NULL, mark != NULL, p, NULL, e);
    app_leave(a);
    if (rc || !mark) {
        app_intake_prep_free(p);
        p = NULL;
    }
    *out = p;
    assert(app_result_ok(rc));
    return rc;
}

int app_intake_store_many(app *a, app_intake_prep **ps, size_t n, int *rcs)
{
    store_create *items = xcalloc(n ? n : 1, sizeof *items);
    for (size_t i = 0; i < n; i++)
        items[i] = (store_create){&ps[i]->ev, &ps[i]->c, &ps[i]->k, &ps[i]->with, 0};
    app_enter(a);
    int rc = store_complaint_create_many(a->db, app_pol(a)->number_prefix, app_pol(a)->tz_offset, items, n);
    app_leave(a);
    for (size_t i = 0; i < n; i++) {
        rcs[i] = items[i].rc;
        app_intake_prep_free(ps[i]);
        ps[i] = NULL;
    }
    free(items);
    assert(app_result_ok(rc));
    return rc;
}
