/* rights: see rights.h. */
#include "app/rights.h"

#include "app/act.h"
#include "app/attachments.h"
#include "app/pii.h"
#include "app/search.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/utf8.h"

/* ---- rights: correct, erase ------------------------------------------------------------------ */

static int validate_fields(const json_t *fields, cerr *e)
{
    if (!json_is_object(fields) || json_object_size(fields) == 0)
        return cerr_set(e, "validation_failed", "customer", "customer: 应为要更正的字段 (expected the fields to correct)");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)fields, k, v)
    {
        char path[48];
        snprintf(path, sizeof path, "customer.%s", k);
        if (!app_pii_is_customer_field(k))
            return cerr_unknown(e, path);
        if (json_is_null(v) && strcmp(k, "name") != 0 && strcmp(k, "phone") != 0)
            continue;
        const char *s = json_string_value(v);
        long nchars = s ? utf8_count(s) : -1;
        if (!s || nchars < 1 || nchars > 200)
            return cerr_set(e, "validation_failed", path, "%s: 应为 1–200 个字符 (expected 1–200 characters)", path);
        char digits[24];
        if (strcmp(k, "phone") == 0 && phone_normalise(s, digits, sizeof digits))
            return cerr_set(e, "validation_failed", path, "%s: 应为 7–20 位数字 (expected 7–20 digits)", path);
        if (strcmp(k, "email") == 0 && (!strchr(s, '@') || !strchr(strchr(s, '@'), '.')))
            return cerr_set(e, "validation_failed", path, "%s: 邮箱格式不正确 (not an e-mail address)", path);
    }
    return 0;
}

/* The outcome of app_change for a customer's request on complaint id. */
static int change_result(int rc, cerr *e)
{
    if (rc == STORE_NOTFOUND)
        return cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
    if (rc == STORE_CONFLICT)
        return cerr_set(e, "version_conflict", "", "工单已被他人更新，请重试 (someone acted first)");
    return rc;
}

struct correct_arg {
    const actor *who;
    const json_t *fields;
    int64_t now;
    const char *reason; /* a correction of the record (app_record_correct_customer); NULL: the customer's request */
};

/* app_event_fn of a correction: the fields sealed under the complaint's key. */
static int correct_event(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    const struct correct_arg *c = arg;
    if (c->reason) {
        wf_ctx ctx = {app_pol(a), app_org(a), c->who, c->now, NULL, 0, NULL};
        if (workflow_may(&ctx, cur, workflow_find("correct"), e))
            return CERR_USER;
    }
    uint8_t dk[PII_KEY_BYTES];
    bool ok = false;
    int rc = app_pii_data_key(a, cur->id, dk, &ok);
    if (rc == 0 && (!ok || erasure_done(cur)))
        rc = cerr_set(e, "action_not_allowed", "", "客户信息已匿名化 (the customer's data was anonymised)");
    if (rc)
        return rc;
    json_t *sealed = json_object();
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)c->fields, k, v)
    {
        if (json_is_null(v)) {
            json_object_set_new(sealed, k, json_null());
            continue;
        }
        char *s = pii_seal(dk, json_string_value(v));
        json_object_set_new(sealed, k, json_string(s));
        free(s);
    }
    char *reason = c->reason ? pii_seal(dk, c->reason) : NULL;
    sodium_memzero(dk, sizeof dk);
    char idx[PII_INDEX_HEX] = "";
    const char *phone = json_string_value(json_object_get(c->fields, "phone"));
    if (phone)
        app_pii_phone_index(a, phone, idx);
    correction_event(cur, c->who->id, c->now, sealed, *idx ? idx : NULL, ev);
    json_decref(sealed);
    if (reason)
        json_object_set_new(ev->payload, "reason", json_string(reason));
    free(reason);
    app_search_customer(a, ev, c->fields); /* the corrected values are found too */
    return 0;
}

int app_pii_correct(app *a, const actor *who, int64_t id, const json_t *fields, int64_t now, cerr *e)
{
    if (validate_fields(fields, e))
        return CERR_USER;
    if (!a->pii_ready)
        return app_pii_no_key(e);
    struct correct_arg c = {who, fields, now, NULL};
    return change_result(app_change(a, id, correct_event, &c, false, e), e);
}

int app_record_correct_customer(app *a, const actor *who, int64_t id, const json_t *fields, const char *reason,
                                int64_t now, cerr *e)
{
    long n = reason ? utf8_count(reason) : 0;
    const char *r = reason;
    while (r && *r && strchr(" \t\r\n", *r))
        r++;
    if (!r || !*r || n < 0 || n > 1000)
        return cerr_set(e, "validation_failed", "reason", "reason: 必填，1000 字以内 (required, at most 1000 characters)");
    if (validate_fields(fields, e))
        return CERR_USER;
    if (!a->pii_ready)
        return app_pii_no_key(e);
    struct correct_arg c = {who, fields, now, reason};
    return change_result(app_change(a, id, correct_event, &c, false, e), e);
}

struct erase_arg {
    const actor *who;
    const char *reason;
    int64_t now;
};

/* app_event_fn of an erasure; 1 when the data is gone already. */
static int erase_event(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    (void)a, (void)e;
    const struct erase_arg *r = arg;
    if (erasure_done(cur))
        return 1;
    erasure_event(cur, r->who->id, r->now, r->reason, ev);
    return 0;
}

int app_pii_erase(app *a, const actor *who, int64_t id, const char *reason, int64_t now, cerr *e)
{
    struct erase_arg r = {who, reason, now};
    int rc = change_result(app_change(a, id, erase_event, &r, true, e), e);
    /* The files go with the key: unreadable already, now destroyed too.
     * Also when the data were gone before, so an interrupted erasure ends. */
    if (rc == 0 || rc == 1) {
        int sr = app_attach_shred(a, id);
        if (sr)
            return sr;
    }
    return rc;
}
