/* supervise: see supervise.h. */
#include "app/supervise.h"

#include <string.h>

#include "app/act.h"
#include "store/store.h"

struct close_arg {
    const actor *who;
    int64_t now;
    supervision *row;
};

/* app_event_fn: the supervision_close event, if the order is still open. */
static int close_event(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    struct close_arg *x = arg;
    supervision_list l = {0};
    int rc = store_supervision_list(a->db, &(supervision_filter){.id = x->row->id, .limit = 1}, &l);
    if (rc == 0 && (l.n == 0 || l.items[0].complaint_id != cur->id))
        rc = cerr_set(e, "not_found", "", "督办单不存在 (no such supervision order)");
    else if (rc == 0 && strcmp(l.items[0].status, "open") != 0)
        rc = cerr_set(e, "conflict", "", "督办单已办结 (the supervision order is already closed)");
    else if (rc == 0)
        supervision_close_event(cur, x->who->id, x->now, &l.items[0], ev);
    supervision_list_release(&l);
    return rc;
}

int app_supervision_close(app *a, const actor *who, const supervision *o, const char *note, int64_t now, cerr *e)
{
    supervision row = {.id = o->id, .complaint_id = o->complaint_id, .status = "closed", .closed_at = now,
                       .closed_by = who->id, .note = (char *)note};
    struct close_arg x = {who, now, &row};
    store_write w = {.sups = &row, .nsups = 1};
    int rc = app_change_write(a, o->complaint_id, close_event, &x, &w, e);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
    else if (rc == STORE_CONFLICT)
        rc = cerr_set(e, "conflict", "", "督办单已办结 (the supervision order is already closed)");
    return rc;
}
