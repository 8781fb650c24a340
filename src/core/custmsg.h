/*
 * custmsg: what the customer is told in their own channel, pure — the
 * pack's customer_messages section (docs/packs.md, "Customer messages"):
 *
 *     "customer_messages": {
 *       "channels": ["sms", "email"],
 *       "quiet_hours": {"from": "21:00", "to": "08:00"},
 *       "ack":   {"zh-CN": "…{number}…[查询进度：{link}]", "en": "…"},
 *       "reply": {"zh-CN": "…{number}：{content}", "en": "…"}
 *     }
 *
 * Kinds: "ack" when a complaint is taken (000: the customer is given the
 * number; 001: 受理答复), "reply" when the reply to the customer is given
 * by text message or e-mail (its text is what the customer receives).
 * Without the section, or without a kind's template, nothing is sent.
 *
 * A template names {number}, {promised} (the answer promised by), {link}
 * (the portal's tracking page), {content} (the reply's text) and {type}
 * (the kind of work order: 投诉, 咨询, 报修 …, core/taxonomy.h). A part in
 * square brackets is kept only when every variable in it has a value, so
 * "[查询进度：{link}]" vanishes where no public address is set.
 *
 * Quiet hours are local clock times (the pack's offset); a customer
 * message made inside them waits for their end. Staff messages ignore them.
 */
#ifndef REDRESS_CUSTMSG_H
#define REDRESS_CUSTMSG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/cerr.h"
#include "util/buf.h"

typedef struct custmsg_vars {
    const char *number, *promised, *link, *content; /* NULL or "" = no value */
    const char *type; /* the kind of work order as the customer reads it: 投诉, 咨询, 报修 … */
} custmsg_vars;

/* Checks the section (NULL: none) of a pack; -1 with e naming the path ("customer_messages.ack.en"). */
int custmsg_check(const json_t *section, cerr *e);

/* Whether the section sends kind ("ack", "reply") through channel ("sms", "email"). */
bool custmsg_sends(const json_t *section, const char *kind, const char *channel);

/*
 * The kind's template in lang ("zh-CN" or "en"; the other when that one is
 * missing) with its variables filled, appended to out. -1 when there is no
 * template for the kind.
 */
int custmsg_render(const json_t *section, const char *kind, const char *lang, const custmsg_vars *v, buf *out);

/*
 * When a customer message made at now may go: now outside the quiet hours,
 * else their end. tz_offset_min: minutes east of UTC.
 */
int64_t custmsg_quiet_end(const json_t *section, int tz_offset_min, int64_t now);

#endif
