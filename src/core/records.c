/* records: see records.h. */
#include "core/records.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void outbox_list_release(outbox_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].payload);
        free(l->items[i].last_error);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void outbox_attempt_list_release(outbox_attempt_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].error);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void supervision_list_release(supervision_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].note);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void penalty_list_release(penalty_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].role_name);
        free(l->items[i].person);
        free(l->items[i].waive_reason);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void compensation_list_release(compensation_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].reason);
        free(l->items[i].decision);
    }
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void authority_use_list_release(authority_use_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void supervision_close_event(const complaint *c, int64_t actor, int64_t now, const supervision *o, event *ev)
{
    assert(o->complaint_id == c->id && strcmp(o->status, "open") == 0);
    event_head(c, actor, now, "supervision_close", ev);
    json_decref(ev->payload);
    ev->payload = json_pack("{s:I, s:I, s:s, s:i}", "order", (json_int_t)o->id, "order_seq", (json_int_t)o->event_seq,
                            "clock", o->clock, "level", o->level);
}
