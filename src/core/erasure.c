/* erasure: see erasure.h. */
#include "core/erasure.h"

#include <stdio.h>
#include <string.h>

bool pii_is_sealed(const char *s)
{
    return s && strncmp(s, PII_SEALED_PREFIX, sizeof PII_SEALED_PREFIX - 1) == 0;
}


void erasure_event(const complaint *c, int64_t actor, int64_t now, const char *reason, event *ev)
{
    event_head(c, actor, now, "anonymise", ev);
    json_decref(ev->payload);
    ev->payload = json_pack("{s:s}", "reason", reason);
}

void correction_event(const complaint *c, int64_t actor, int64_t now, const json_t *fields,
                      const char *phone_key, event *ev)
{
    event_head(c, actor, now, "correct", ev);
    json_decref(ev->payload);
    ev->payload = json_pack("{s:O}", "customer", (json_t *)fields);
    if (phone_key)
        json_object_set_new(ev->payload, "phone_key", json_string(phone_key));
}

/* Replaces every sealed string below v (in place); returns the new value for v. */
static json_t *scrub(json_t *v)
{
    if (json_is_string(v) && pii_is_sealed(json_string_value(v)))
        return json_string(PII_ANONYMISED);
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        void *tmp;
        json_object_foreach_safe(v, tmp, k, x)
        {
            json_t *n = scrub(x);
            if (n != x)
                json_object_set_new(v, k, n);
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            json_t *x = json_array_get(v, i);
            json_t *n = scrub(x);
            if (n != x)
                json_array_set_new(v, i, n);
        }
    }
    return v;
}

void erasure_apply(complaint *c, const event *ev)
{
    scrub(c->data);
    c->phone[0] = '\0';
    json_object_set_new(c->data, "anonymised",
                        json_pack("{s:I,s:O}", "at", (json_int_t)ev->at, "reason",
                                  json_object_get(ev->payload, "reason")));
}

void correction_apply(complaint *c, const event *ev)
{
    const json_t *fields = json_object_get(ev->payload, "customer");
    json_t *cust = json_object_get(c->data, "customer");
    if (!json_is_object(cust)) {
        cust = json_object();
        json_object_set_new(c->data, "customer", cust);
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v)
    {
        if (json_is_null(v))
            json_object_del(cust, k);
        else
            json_object_set(cust, k, v);
    }
    const char *pk = json_string_value(json_object_get(ev->payload, "phone_key"));
    if (pk)
        snprintf(c->phone, sizeof c->phone, "%s", pk);
}

bool erasure_done(const complaint *c)
{
    return json_object_get(c->data, "anonymised") != NULL;
}
