/* partner: see partner.h. */
#include "app/partner.h"

#include <stdio.h>
#include <string.h>

#include "core/notify.h"

int app_webhook_check(app *a, const char *name, json_t *in, int64_t now, webhook *w, cerr *e)
{
    if (!name || !notify_webhook_name_ok(name))
        return cerr_set(e, "validation_failed", "name", "name: 1–32 个小写字母、数字、_ 或 - (1–32 of a-z, 0-9, _, -)");
    /* A webhook replaced without a secret keeps its own (the page never shows it to be sent back). */
    const json_t *given = json_object_get(in, "secret");
    webhook old = {0};
    if ((!given || json_is_null(given)) && store_webhook_get(a->db, name, &old) == 0)
        json_object_set_new(in, "secret", json_string(old.secret));
    webhook_release(&old);
    const unit *un = org_resolve(app_org(a), json_object_get(in, "unit"));
    const char *url = json_string_value(json_object_get(in, "url"));
    const char *secret = json_string_value(json_object_get(in, "secret"));
    const char *format = json_string_value(json_object_get(in, "format"));
    const json_t *ch = json_object_get(in, "channel"), *sg = json_object_get(in, "signed");
    const char *channel = json_string_value(ch);
    if (!format)
        format = "json";
    if (!un)
        return cerr_set(e, "unknown_unit", "unit", "unit: 单位不存在 (unknown unit)");
    if (!notify_url_ok(url))
        return cerr_set(e, "validation_failed", "url",
                        "url: 应为 http:// 或 https:// 地址 (expected an http:// or https:// URL)");
    if (!secret || strlen(secret) < 16 || strlen(secret) > 256)
        return cerr_set(e, "validation_failed", "secret", "secret: 应为 16–256 个字符 (expected 16–256 characters)");
    if (notify_webhook_format(format) < 0)
        return cerr_set(e, "validation_failed", "format",
                        "format: 应为 json、wecom 或 dingtalk (expected json, wecom or dingtalk)");
    if (ch && !json_is_null(ch) &&
        (!channel || !policy_channel(app_pol(a), channel) || strlen(channel) >= sizeof w->channel))
        return cerr_set(e, "validation_failed", "channel", "channel: 未知渠道 (unknown channel)");
    if (channel && strcmp(format, "json") != 0)
        return cerr_set(e, "validation_failed", "format", "format: 合作系统的回调应为 json (a partner's callbacks are json)");
    if (sg && !json_is_boolean(sg))
        return cerr_set(e, "validation_failed", "signed", "signed: 应为 true/false (expected a boolean)");
    if (json_is_true(sg) && !channel)
        return cerr_set(e, "validation_failed", "signed",
                        "signed: 仅用于合作系统（需 channel） (only for a partner system, which has a channel)");
    *w = (webhook){.unit = un->id, .url = (char *)url, .secret = (char *)secret, .created_at = now,
                   .signed_only = json_is_true(sg)};
    snprintf(w->name, sizeof w->name, "%s", name);
    snprintf(w->format, sizeof w->format, "%s", format);
    snprintf(w->channel, sizeof w->channel, "%s", channel ? channel : "");
    return 0;
}

int app_partner_find(app *a, const char *name, const char *field, webhook *w, cerr *e)
{
    int rc = name && notify_webhook_name_ok(name) ? store_webhook_get(a->db, name, w) : STORE_NOTFOUND;
    if (rc == 0 && !w->channel[0])
        rc = STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        return cerr_set(e, "validation_failed", field,
                        "%s: 没有这个合作系统（需带 channel 的 Webhook） (no such partner: a webhook with a channel)", field);
    return rc;
}
