/* custmsg: see custmsg.h. */
#include "app/custmsg.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pii.h"
#include "core/custmsg.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* A row's payload's start: its kind, the number and the kind of work order in both languages ({type}). */
static json_t *head_of(const policy *pol, const complaint *c, const char *kind)
{
    json_t *j = json_pack("{s:s,s:s}", "kind", kind, "number", c->number);
    const char *code = json_string_value(json_object_get(c->data, "kind"));
    char type_en[96];
    snprintf(type_en, sizeof type_en, "%s", taxonomy_kind_name(&pol->tax, code ? code : "complaint", true));
    /* Mid-sentence in English: "your consultation", unless it is an acronym. */
    if (type_en[0] >= 'A' && type_en[0] <= 'Z' && !(type_en[1] >= 'A' && type_en[1] <= 'Z'))
        type_en[0] = (char)(type_en[0] - 'A' + 'a');
    json_object_set_new(j, "type", json_string(taxonomy_kind_name(&pol->tax, code ? code : "complaint", false)));
    json_object_set_new(j, "type_en", json_string(type_en));
    return j;
}

/* The payload of kind's row: the number, and the promise and tracking link (ack) or the sealed reply (reply). */
static char *payload_of(app *a, const policy *pol, const complaint *c, const event *ev, const char *kind)
{
    json_t *j = head_of(pol, c, kind);
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

/*
 * The rows of kind to c's customer at `at`, keyed key_base/<way>, with
 * payload (copied): each way the customer gave, the pack's section sends
 * kind and this node delivers — only `only` when it is not NULL.
 */
static void add_rows(app *a, const policy *pol, const complaint *c, const char *kind, const char *only, int64_t at,
                     const char *key_base, const char *payload, outbox_msg **rows, size_t *n)
{
    const json_t *section = json_object_get(pol->raw, "customer_messages");
    static const struct {
        const char *channel, *field;
    } ways[] = {{"sms", "phone"}, {"email", "email"}};
    const json_t *cust = json_object_get(c->data, "customer");
    for (size_t i = 0; section && i < sizeof ways / sizeof ways[0]; i++) {
        const char *address = json_string_value(json_object_get(cust, ways[i].field));
        bool delivered = i == 0 ? a->notify_sms : a->notify_email; /* this node sends that way */
        if (!delivered || !address || !*address || !custmsg_sends(section, kind, ways[i].channel) ||
            (only && strcmp(only, ways[i].channel) != 0))
            continue;
        *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
        outbox_msg *m = &(*rows)[(*n)++];
        memset(m, 0, sizeof *m);
        m->created_at = at;
        m->next_at = custmsg_quiet_end(section, pol->tz_offset, at);
        m->complaint_id = c->id;
        snprintf(m->channel, sizeof m->channel, "%s", ways[i].channel);
        snprintf(m->target, sizeof m->target, CUSTMSG_TARGET);
        snprintf(m->template_name, sizeof m->template_name, "customer_%s", kind);
        snprintf(m->key, sizeof m->key, "%s/%s", key_base, ways[i].channel);
        m->payload = xstrdup(payload);
    }
}

void app_custmsg_rows(app *a, const policy *pol, const complaint *c, const event *ev, outbox_msg **rows, size_t *n)
{
    const char *kind = strcmp(ev->action, "intake") == 0  ? "ack"
                       : strcmp(ev->action, "reply") == 0 ? "reply"
                                                           : NULL;
    if (!kind || !json_object_get(pol->raw, "customer_messages"))
        return;
    /* A reply goes the way it was given (when that is a way of ours); the acknowledgement every way. */
    const char *method = strcmp(kind, "reply") == 0 ? json_string_value(json_object_get(ev->payload, "method")) : NULL;
    if (strcmp(kind, "reply") == 0 && !method)
        return;
    char key[96];
    snprintf(key, sizeof key, "c%" PRId64 "/e%" PRId64 "/customer", c->id, ev->seq);
    char *payload = payload_of(a, pol, c, ev, kind);
    add_rows(a, pol, c, kind, method, ev->at, key, payload, rows, n);
    free(payload);
}

int app_custmsg_link(app *a, const complaint *c, const char *kind, const char *url, int64_t link_id, int64_t now,
                     json_t *sent)
{
    /* The link holds the token: sealed under the complaint's key like its texts, opened when it is sent. */
    char *link = xstrdup(url);
    int rc = app_pii_seal_texts(a, c->id, &link, 1);
    outbox_msg *rows = NULL;
    size_t n = 0;
    if (rc == 0) {
        app_enter(a);
        json_t *j = head_of(app_pol(a), c, kind);
        json_object_set_new(j, "link", json_string(link));
        char *payload = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS), key[96];
        json_decref(j);
        snprintf(key, sizeof key, "c%" PRId64 "/%s%" PRId64 "/customer", c->id, kind, link_id);
        add_rows(a, app_pol(a), c, kind, NULL, now, key, payload, &rows, &n);
        app_leave(a);
        free(payload);
    }
    if (rc == 0 && n)
        rc = store_outbox_add(a->db, rows, n);
    for (size_t i = 0; rc == 0 && sent && i < n; i++)
        json_array_append_new(sent, json_pack("{s:s,s:I}", "channel", rows[i].channel, "at", (json_int_t)rows[i].next_at));
    for (size_t i = 0; i < n; i++)
        free(rows[i].payload);
    free(rows);
    free(link);
    return rc;
}
