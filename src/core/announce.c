/* announce: see announce.h. */
#include "core/announce.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

void announcement_release(announcement *a)
{
    free(a->title);
    free(a->script);
    free(a->resolution);
    json_decref(a->scope);
    memset(a, 0, sizeof *a);
}

void announcement_list_release(announcement_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        announcement_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* A required text of at most max characters, or NULL with e. */
static const char *text(const json_t *in, const char *key, long max, cerr *e)
{
    const json_t *v = json_object_get(in, key);
    const char *s = json_string_value(v);
    if (v && !s) {
        cerr_set(e, "validation_failed", key, "%s: 应为文本 (expected a string)", key);
        return NULL;
    }
    if (!s || !*s) {
        cerr_set(e, "validation_failed", key, "%s: 必填 (required)", key);
        return NULL;
    }
    if (utf8_count(s) > max) {
        cerr_set(e, "validation_failed", key, "%s: 最多 %ld 个字符 (at most %ld characters)", key, max, max);
        return NULL;
    }
    return s;
}

/* An RFC 3339 instant of in[key] into *out; absent leaves *out. */
static int instant(const json_t *in, const char *key, bool required, int64_t *out, cerr *e)
{
    const json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v)) {
        if (required)
            return cerr_set(e, "validation_failed", key, "%s: 必填 (required)", key);
        return 0;
    }
    if (!json_is_string(v) || time_parse_rfc3339(json_string_value(v), out))
        return cerr_set(e, "validation_failed", key, "%s: 应为 RFC 3339 时间 (expected an RFC 3339 time)", key);
    return 0;
}

/* The scope's list `key`: every member checked by kind, units as ids. A new array into *out. */
static int scope_list(const json_t *scope, const char *key, const org *o, const taxonomy *t, json_t **out, cerr *e)
{
    char field[32];
    snprintf(field, sizeof field, "scope.%s", key);
    const json_t *l = json_object_get(scope, key);
    *out = json_array();
    if (!l || json_is_null(l))
        return 0;
    if (!json_is_array(l) || json_array_size(l) > 200)
        return cerr_set(e, "validation_failed", field, "%s: 应为至多 200 项的列表 (expected a list of at most 200)",
                        field);
    size_t i;
    const json_t *v;
    json_array_foreach(l, i, v)
    {
        if (strcmp(key, "units") == 0) {
            const unit *u = org_resolve(o, v);
            if (!u)
                return cerr_set(e, "validation_failed", field, "%s: 没有这个单位 (no such unit)", field);
            json_array_append_new(*out, json_integer(u->id));
            continue;
        }
        const char *code = json_string_value(v);
        bool ok = code && (strcmp(key, "categories") == 0 ? taxonomy_has_category(t, code)
                                                           : taxonomy_has_channel(t, code));
        if (!ok)
            return cerr_set(e, "validation_failed", field, "%s: 没有这个代码 (no such code)", field);
        json_array_append_new(*out, json_string(code));
    }
    return 0;
}

int announce_parse(announcement *out, const json_t *in, const org *o, const taxonomy *t, int64_t unit_id, int64_t by,
                   int64_t now, cerr *e)
{
    announcement_release(out);
    const char *title = text(in, "title", ANNOUNCE_TITLE_MAX, e), *script = NULL;
    if (!title || !(script = text(in, "script", ANNOUNCE_SCRIPT_MAX, e)))
        return CERR_USER;
    const json_t *scope = json_object_get(in, "scope");
    if (!json_is_object(scope))
        return cerr_set(e, "validation_failed", "scope", "scope: 应为对象 (expected an object of units, categories, channels)");
    static const char *const lists[] = {"units", "categories", "channels", NULL};
    if (cerr_members(e, scope, "scope", lists))
        return CERR_USER;
    json_t *sc = json_object();
    for (size_t i = 0; i < 3; i++) {
        json_t *l;
        int rc = scope_list(scope, lists[i], o, t, &l, e);
        json_object_set_new(sc, lists[i], l);
        if (rc) {
            json_decref(sc);
            return rc;
        }
    }
    out->scope = sc;
    int64_t starts = 0, ends = 0, confirmed = now;
    if (instant(in, "starts_at", true, &starts, e) || instant(in, "ends_at", false, &ends, e) ||
        instant(in, "confirmed_at", false, &confirmed, e))
        return CERR_USER;
    if (ends && ends <= starts)
        return cerr_set(e, "validation_failed", "ends_at", "ends_at: 应晚于 starts_at (must be after starts_at)");
    if (confirmed > now)
        return cerr_set(e, "validation_failed", "confirmed_at", "confirmed_at: 不能晚于现在 (cannot be in the future)");
    out->title = xstrdup(title);
    out->script = xstrdup(script);
    out->unit = unit_id;
    out->starts_at = starts;
    out->ends_at = ends;
    out->confirmed_at = confirmed;
    out->published_at = now;
    out->late = now - confirmed > ANNOUNCE_PUBLISH_LIMIT;
    snprintf(out->status, sizeof out->status, "active");
    out->created_by = by;
    out->version = 1;
    return 0;
}

bool announce_active(const announcement *a, int64_t at)
{
    assert(strcmp(a->status, "resolved") != 0 || a->resolved_at > 0);
    return strcmp(a->status, "active") == 0 && at >= a->starts_at && (!a->ends_at || at < a->ends_at);
}

/* Does the scope's list key admit value (empty list: every value)? */
static bool admits(const announcement *a, const char *key, bool (*covers)(const void *, const json_t *, const void *),
                   const void *ctx, const void *value)
{
    const json_t *l = json_object_get(a->scope, key);
    if (!json_array_size(l))
        return true;
    size_t i;
    const json_t *v;
    json_array_foreach(l, i, v)
    {
        if (covers(ctx, v, value))
            return true;
    }
    return false;
}

static bool unit_covers(const void *o, const json_t *v, const void *unit_id)
{
    int64_t u = *(const int64_t *)unit_id;
    return !u || org_within(o, u, json_integer_value(v));
}

static bool category_covers(const void *t, const json_t *v, const void *code)
{
    return !code || !*(const char *)code || taxonomy_category_within(t, code, json_string_value(v));
}

static bool channel_covers(const void *t, const json_t *v, const void *code)
{
    (void)t;
    return !code || !*(const char *)code || strcmp(code, json_string_value(v)) == 0;
}

bool announce_matches(const announcement *a, const org *o, const taxonomy *t, int64_t unit_id, const char *cat,
                      const char *channel, int64_t at)
{
    return announce_active(a, at) && admits(a, "units", unit_covers, o, &unit_id) &&
           admits(a, "categories", category_covers, t, cat) && admits(a, "channels", channel_covers, t, channel);
}

bool announce_covers(const announcement *a, const org *o, const taxonomy *t, int64_t unit_id, const char *cat,
                     const char *channel, int64_t at)
{
    if (!unit_id && json_array_size(json_object_get(a->scope, "units")))
        return false;
    if ((!cat || !*cat) && json_array_size(json_object_get(a->scope, "categories")))
        return false;
    if ((!channel || !*channel) && json_array_size(json_object_get(a->scope, "channels")))
        return false;
    return announce_matches(a, o, t, unit_id, cat, channel, at);
}

bool announce_concerns(const announcement *a, const org *o, int64_t root)
{
    const json_t *l = json_object_get(a->scope, "units");
    if (!root || !json_array_size(l))
        return true;
    size_t i;
    const json_t *v;
    json_array_foreach(l, i, v)
    {
        int64_t u = json_integer_value(v);
        if (org_within(o, u, root) || org_within(o, root, u))
            return true;
    }
    return false;
}

int announce_resolve(announcement *a, const char *resolution, int64_t by, int64_t now, cerr *e)
{
    if (strcmp(a->status, "active") != 0)
        return cerr_set(e, "action_not_allowed", "", "公告已解除 (the announcement is resolved already)");
    if (resolution && utf8_count(resolution) > ANNOUNCE_SCRIPT_MAX)
        return cerr_set(e, "validation_failed", "resolution", "resolution: 最多 %d 个字符 (at most %d characters)",
                        ANNOUNCE_SCRIPT_MAX, ANNOUNCE_SCRIPT_MAX);
    snprintf(a->status, sizeof a->status, "resolved");
    a->resolved_at = now > a->published_at ? now : a->published_at;
    a->resolved_by = by;
    free(a->resolution);
    a->resolution = resolution && *resolution ? xstrdup(resolution) : NULL;
    a->version++;
    return 0;
}
