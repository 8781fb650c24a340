/* custmsg: see custmsg.h. */
#include "app/custmsg.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/custmsg.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* The payload of kind's row: the number, and the promise and tracking link (ack) or the sealed reply (reply). */
static char *payload_of(app *a, const policy *pol, const complaint *c, const event *ev, const char *kind)
{
    json_t *j = json_pack("{s:s,s:s}", "kind", kind, "number", c->number);
    if (strcmp(kind, "reply") == 0) {
        json_object_set(j, "content", json_object_get(ev->payload, "content"));
    } else {
        char promised[40] = "";
        if (c->overall_due) {
            /* Local "YYYY-MM-DD HH:MM", as a customer reads it: RFC 3339's first sixteen. */
            time_format(c->overall_due, pol->tz_offset, promised, sizeof promised);
            assert(strlen(promised) >= 16 && promised[10] == 'T');
            promised[10] = ' ';
            promised[16] = '\0';
        }
        json_object_set_new(j, "promised", json_string(promised));
        if (a->public_url && *a->public_url) {
            char link[600];
            snprintf(link, sizeof link, "%s/#/portal/track?number=%s", a->public_url, c->number);
            json_object_set_new(j, "link", json_string(link));
        }
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

void app_custmsg_rows(app *a, const policy *pol, const complaint *c, const event *ev, outbox_msg **rows, size_t *n)
{
    const json_t *section = json_object_get(pol->raw, "customer_messages");
    const char *method = json_string_value(json_object_get(ev->payload, "method"));
    const char *kind = strcmp(ev->action, "intake") == 0  ? "ack"
                       : strcmp(ev->action, "reply") == 0 ? "reply"
                                                           : NULL;
    if (!section || !kind)
        return;
    static const struct {
        const char *channel, *field;
    } ways[] = {{"sms", "phone"}, {"email", "email"}};
    const json_t *cust = json_object_get(c->data, "customer");
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        const char *address = json_string_value(json_object_get(cust, ways[i].field));
        /* A reply goes the way it was given; the acknowledgement every way the customer can be reached. */
        bool delivered = i == 0 ? a->notify_sms : a->notify_email; /* this node sends that way */
        if (!delivered || !address || !*address || !custmsg_sends(section, kind, ways[i].channel) ||
            (strcmp(kind, "reply") == 0 && (!method || strcmp(method, ways[i].channel) != 0)))
            continue;
        *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
        outbox_msg *m = &(*rows)[(*n)++];
        memset(m, 0, sizeof *m);
        m->created_at = ev->at;
        m->next_at = custmsg_quiet_end(section, pol->tz_offset, ev->at);
        m->complaint_id = c->id;
        snprintf(m->channel, sizeof m->channel, "%s", ways[i].channel);
        snprintf(m->target, sizeof m->target, CUSTMSG_TARGET);
        snprintf(m->template_name, sizeof m->template_name, "customer_%s", kind);
        snprintf(m->key, sizeof m->key, "c%" PRId64 "/e%" PRId64 "/customer/%s", c->id, ev->seq, ways[i].channel);
        m->payload = payload_of(a, pol, c, ev, kind);
    }
}
