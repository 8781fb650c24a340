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
#include "util/log.h"


int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, pii_memo *memo,
               cerr *e)
{
    event ev;
    event_init(&ev);
    rules_outcome o;
    rules_outcome_init(&o);
    app_enter(a);
    int rc = app_intake_graded(a, who, input, now, &ev, &o, e);
    /* Customer data is sealed here, before the event is hashed and stored. */
    pii_keyrow k;
    if (rc == 0)
        rc = app_pii_seal_intake(a, &ev, &k, memo, e);
    /* The rules' notifications are written with it, in its transaction. */
    app_notices notices = {.o = &o, .now = now};
    store_with with = {app_notices_of, &notices};
    ev.key = app_events_key(a); /* the store seals it once numbered */
    if (rc == 0)
        rc = store_complaint_create_keyed(a->db, app_pol(a)->number_prefix, app_pol(a)->tz_offset, &ev, out, &k,
                                          &with);
    outbox_list_release(&notices.rows);
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

