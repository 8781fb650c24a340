/* intake: see intake.h. */
#include "app/intake.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/rules.h"
#include "app/incident.h"
#include "app/links.h"
#include "app/pii.h"
#include "app/result.h"
#include "app/search.h"
#include "util/log.h"

/* What the creation's unit of work calls once the complaint is numbered: the
 * rules' notifications, and the number's search terms added to the text's. */
typedef struct intake_with {
    app *a;
    event *ev;
    search_terms base; /* the text's terms, before the number's */
    app_notices notices;
} intake_with;

static void intake_rows(void *arg, const complaint *c, const outbox_msg **msgs, size_t *n)
{
    intake_with *w = arg;
    app_search_number(w->a, w->ev, &w->base, c->number);
    app_notices_of(&w->notices, c, msgs, n);
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

/* The intake's validation, grading, sealing and creation (with an import's event and mark when from is
 * given); *payload (OUT, may be NULL) a reference to the stored intake event's payload. */
static int intake_store(app *a, const actor *who, const json_t *input, int64_t now, const intake_from *from,
                        complaint *out, pii_memo *memo, json_t **payload, cerr *e)
{
    event ev, then;
    event_init(&ev);
    event_init(&then);
    rules_outcome o;
    rules_outcome_init(&o);
    int rc = app_intake_graded(a, who, input, now, &ev, &o, e);
    /* The search terms are taken from the clear text, which is sealed
     * here, before the event is hashed and stored. */
    intake_with iw = {.a = a, .ev = &ev, .notices = {.o = &o, .now = now}};
    search_terms_init(&iw.base);
    if (rc == 0) {
        app_search_intake(a, &ev);
        if (ev.terms)
            search_terms_append(&iw.base, ev.terms);
    }
    if (rc == 0 && from)
        rc = import_event(a, who, &ev, from, &then, e);
    pii_keyrow k;
    bool keep = !from || from->mark;
    if (rc == 0 && keep)
        rc = app_pii_seal_intake(a, &ev, &k, memo, e);
    /* The rules' notifications and the search terms are written with it, in its transaction. */
    store_with with = {intake_rows, &iw, from ? &then : NULL, from ? from->mark : NULL};
    ev.key = app_events_key(a); /* the store seals it once numbered */
    if (rc == 0 && keep)
        rc = store_complaint_create_keyed(a->db, app_pol(a)->number_prefix, app_pol(a)->tz_offset, &ev, out, &k,
                                          &with);
    if (rc == 0 && payload)
        *payload = json_incref(ev.payload);
    outbox_list_release(&iw.notices.rows);
    search_terms_release(&iw.base);
    rules_outcome_release(&o);
    event_release(&then);
    event_release(&ev);
    return rc;
}

int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, pii_memo *memo,
               cerr *e)
{
    app_enter(a);
    json_t *payload = NULL;
    int rc = intake_store(a, who, input, now, NULL, out, memo, &payload, e);
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
    assert(app_result_ok(rc));
    return rc;
}

int app_intake_imported(app *a, const actor *who, const json_t *input, int64_t now, const json_t *info,
                        int64_t at, const store_import_mark *mark, complaint *out, cerr *e)
{
    intake_from from = {info, at, mark};
    app_enter(a);
    int rc = intake_store(a, who, input, now, &from, out, NULL, NULL, e);
    app_leave(a);
    assert(app_result_ok(rc));
    return rc;
}
