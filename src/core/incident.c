/* incident: see incident.h. */
#include "core/incident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "util/utf8.h"

void incident_release(incident *i)
{
    json_decref(i->data);
    free(i->complaints);
    memset(i, 0, sizeof *i);
}

void incident_list_release(incident_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        incident_release(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

const char *const incident_actions[] = {"add", "raise", "note", "close", NULL};

void incident_record(incident *inc, const char *action, int64_t by, int64_t now, const json_t *extra)
{
    if (!json_is_object(inc->data)) {
        json_decref(inc->data);
        inc->data = json_object();
    }
    json_t *tl = json_object_get(inc->data, "timeline");
    if (!json_is_array(tl)) {
        tl = json_array();
        json_object_set_new(inc->data, "timeline", tl);
    }
    json_t *ent = extra ? jsonw_copy(extra) : json_object();
    json_object_set_new(ent, "at", json_integer(now));
    json_object_set_new(ent, "action", json_string(action));
    json_object_set_new(ent, "by", by ? json_integer(by) : json_null());
    json_object_set_new(ent, "level", json_integer(inc->level));
    json_object_set_new(ent, "owner_unit", json_integer(inc->owner_unit));
    json_array_append_new(tl, ent);
}

/* A required text of at most max characters. */
static const char *text(const json_t *in, const char *key, bool required, long max, cerr *e)
{
    const json_t *v = json_object_get(in, key);
    const char *s = json_string_value(v);
    if (v && !json_is_null(v) && !s) {
        cerr_set(e, "validation_failed", key, "%s: 应为文本 (expected a string)", key);
        return NULL;
    }
    if (required && (!s || !*s)) {
        cerr_set(e, "validation_failed", key, "%s: 必填 (required)", key);
        return NULL;
    }
    if (s && utf8_count(s) > max) {
        cerr_set(e, "validation_failed", key, "%s: 最多 %ld 个字符 (at most %ld characters)", key, max, max);
        return NULL;
    }
    return s ? s : "";
}

int incident_decide(incident *inc, const org *o, const char *action, const json_t *input, int64_t by, int64_t now,
                    cerr *e)
{
    if (!json_is_object(input))
        return cerr_set(e, "bad_json", "", "请求体应为 JSON 对象 (the body must be a JSON object)");
    bool known = false;
    for (size_t i = 0; incident_actions[i]; i++)
        known = known || strcmp(incident_actions[i], action) == 0;
    if (!known || strcmp(action, "add") == 0)
        return cerr_set(e, "not_found", "", "没有此操作 (no such action)");
    if (strcmp(inc->status, "open") != 0)
        return cerr_set(e, "action_not_allowed", "", "事件已关闭 (the incident is closed)");
    json_t *extra = json_object();
    int rc = CERR_USER;
    if (strcmp(action, "raise") == 0) {
        if (inc->level >= 3) {
            cerr_set(e, "action_not_allowed", "", "已是三级响应 (already at response level 3)");
            goto out;
        }
        const char *note = text(input, "note", true, 2000, e);
        if (!note)
            goto out;
        const unit *u = org_find(o, inc->owner_unit);
        inc->level++;
        /* Escalation goes one unit up the tree; at the root it stays there. */
        if (u && u->parent)
            inc->owner_unit = u->parent;
        json_object_set_new(extra, "note", json_string(note));
    } else if (strcmp(action, "note") == 0) {
        const char *note = text(input, "note", true, 2000, e);
        if (!note)
            goto out;
        json_object_set_new(extra, "note", json_string(note));
    } else { /* close */
        const char *summary = text(input, "summary", true, 5000, e);
        if (!summary)
            goto out;
        snprintf(inc->status, sizeof inc->status, "closed");
        inc->closed_at = now;
        json_object_set_new(inc->data, "summary", json_string(summary));
        json_object_set_new(extra, "note", json_string(summary));
    }
    incident_record(inc, action, by, now, extra);
    inc->version++;
    rc = 0;
out:
    json_decref(extra);
    return rc;
}
