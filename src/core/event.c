/* event: see event.h. */
#include "core/event.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chain.h"
#include "core/complaint.h"
#include "util/jsonr.h"
#include "util/jsonw.h"
#include "util/xalloc.h"

void event_init(event *e)
{
    memset(e, 0, sizeof *e);
}

void event_release(event *e)
{
    json_decref(e->payload);
    free(e->body);
    event_init(e);
}


/* '{' or ',', then a key (plain ASCII) and its colon. */
static void key(buf *b, char sep, const char *k)
{
    buf_putc(b, sep);
    buf_putc(b, '"');
    buf_puts(b, k);
    buf_append(b, "\":", 2);
}

/*
 * The body is the envelope {complaint, seq, action, at, actor, from, to,
 * payload} as compact JSON with every object's keys sorted: written here
 * key by key in that order, as jsonw_dumps(envelope, true) would write it
 * (test_event checks that they agree).
 */
void event_seal(event *e)
{
    buf b;
    buf_init(&b);
    const char *from = status_name(e->from_status), *to = status_name(e->to_status);
    key(&b, '{', "action");
    jsonw_string(&b, e->action, strlen(e->action));
    key(&b, ',', "actor");
    jsonw_int(&b, e->actor);
    key(&b, ',', "at");
    jsonw_int(&b, e->at);
    key(&b, ',', "complaint");
    jsonw_int(&b, e->complaint_id);
    key(&b, ',', "from");
    jsonw_string(&b, from, strlen(from));
    key(&b, ',', "payload");
    if (e->payload)
        jsonw_append(&b, e->payload, true);
    else
        buf_append(&b, "null", 4);
    key(&b, ',', "seq");
    jsonw_int(&b, e->seq);
    key(&b, ',', "to");
    jsonw_string(&b, to, strlen(to));
    buf_putc(&b, '}');
    free(e->body);
    e->body = buf_detach(&b, NULL);
    chain_hash(e->key, e->prev, e->body, e->hash);
}

int event_from_body(event *e, char *body)
{
    json_error_t jerr;
    json_t *o = jsonr_loads(body, &jerr);
    json_int_t cid, seq, at, actor;
    const char *action, *from, *to;
    json_t *payload;
    if (!o || json_unpack(o, "{s:I,s:I,s:s,s:I,s:I,s:s,s:s,s:o}", "complaint", &cid, "seq", &seq, "action",
                          &action, "at", &at, "actor", &actor, "from", &from, "to", &to, "payload",
                          &payload) != 0 ||
        strlen(action) >= sizeof e->action) {
        json_decref(o);
        free(body);
        return -1;
    }
    e->complaint_id = cid;
    e->seq = seq;
    snprintf(e->action, sizeof e->action, "%s", action);
    e->at = at;
    e->actor = actor;
    e->from_status = status_parse(from);
    e->to_status = status_parse(to);
    json_decref(e->payload);
    e->payload = json_incref(payload);
    json_decref(o);
    free(e->body);
    e->body = body;
    return 0;
}

bool event_hash_ok(const event *e, const uint8_t *key)
{
    uint8_t h[32];
    if (!e->body)
        return false;
    chain_hash(key, e->prev, e->body, h);
    return memcmp(h, e->hash, 32) == 0;
}

void hash_hex(const uint8_t h[32], char out[65])
{
    sodium_bin2hex(out, 65, h, 32);
}

int hash_unhex(const char *s, uint8_t h[32])
{
    size_t n = 0;
    if (!s || strlen(s) != 64 || sodium_hex2bin(h, 32, s, 64, NULL, &n, NULL) != 0 || n != 32)
        return -1;
    return 0;
}

void event_head(const complaint *c, int64_t actor, int64_t now, const char *action, event *ev)
{
    ev->complaint_id = c->id;
    ev->seq = c->version + 1;
    snprintf(ev->action, sizeof ev->action, "%s", action);
    ev->at = now;
    ev->actor = actor;
    ev->from_status = c->status;
    ev->to_status = ST_NONE; /* stays */
    memcpy(ev->prev, c->head, sizeof ev->prev);
}
