/* verify: see verify.h. */
#include "app/verify.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen)
{
    complaint stored, rebuilt;
    complaint_init(&stored);
    complaint_init(&rebuilt);
    event_list evs = {0};
    int rc = -1;
    if (store_complaint_get(a->db, id, NULL, &stored) || store_event_list(a->db, id, &evs)) {
        snprintf(msg, msglen, "complaint %lld: cannot be read", (long long)id);
        goto out;
    }
    uint8_t prev[32] = {0};
    for (size_t i = 0; i < evs.n; i++) {
        event *e = &evs.items[i];
        if (e->seq != (int64_t)i + 1) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %zu) does not match its stored columns or is out of order",
                     stored.number, (long long)e->id, i + 1);
            goto out;
        }
        if (memcmp(e->prev, prev, 32) != 0) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %lld) does not follow the previous event's hash",
                     stored.number, (long long)e->id, (long long)e->seq);
            goto out;
        }
        if (!event_hash_ok(e) || e->complaint_id != id) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %lld, %s) was altered: its hash does not match",
                     stored.number, (long long)e->id, (long long)e->seq, e->action);
            goto out;
        }
        workflow_apply(&rebuilt, e);
        memcpy(prev, e->hash, 32);
    }
    const char *diff = evs.n ? complaint_diff(&stored, &rebuilt) : "events";
    if (diff) {
        snprintf(msg, msglen, "complaint %s (id %lld): the stored row differs from its events in \"%s\"",
                 stored.number, (long long)id, diff);
        goto out;
    }
    rc = 0;
out:
    complaint_release(&stored);
    complaint_release(&rebuilt);
    event_list_release(&evs);
    return rc;
}

