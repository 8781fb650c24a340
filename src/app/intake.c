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

int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, pii_memo *memo,
               cerr *e)
{
    event ev;
    event_init(&ev);
    rules_outcome o;
    rules_outcome_init(&o);
    app_enter(a);
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
    pii_keyrow k;
    if (rc == 0)
        rc = app_pii_seal_intake(a, &ev, &k, memo, e);
    /* The rules' notifications and the search terms are written with it, in its transaction. */
    store_with with = {intake_rows, &iw};
    ev.key = app_events_key(a); /* the store seals it once numbered */
    if (rc == 0)
        rc = store_complaint_create_keyed(a->db, app_pol(a)->number_prefix, app_pol(a)->tz_offset, &ev, out, &k,
                                          &with);
    outbox_list_release(&iw.notices.rows);
    search_terms_release(&iw.base);
    /* Clustering needs the stored complaint; a failure leaves it ungrouped, never lost. */
    bool grouped = false;
    if (rc == 0 && app_cluster(a, out, ev.payload, now, &grouped))
        log_msg(LOG_WARN, "complaint %s: crisis clustering failed", out->number);
    /* A repeat of the same customer's complaint about the same matter is linked to it. */
    size_t repeats = 0;
    if (rc == 0 && app_link_repeats(a, out, now, &repeats))
        log_msg(LOG_WARN, "complaint %s: linking repeats failed", out->number);
    /* The grouping re-graded it, the repeats linked it: return what is stored. */
    if (rc == 0 && (grouped || repeats))
        rc = store_complaint_get(a->db, out->id, NULL, out);
    app_leave(a);
    rules_outcome_release(&o);
    event_release(&ev);
    assert(app_result_ok(rc));
    return rc;
}

