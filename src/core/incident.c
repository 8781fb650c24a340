/* incident: see incident.h. */
#include "core/incident.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonw.h"
#include "util/timeutil.h"
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

const char *const incident_actions[] = {"add", "raise", "note", "team", "task", "task_done", "instruct", "notice", "close",
                                         NULL};

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

/* A positive integer member (a user id, a task's number) or 0 with e. */
static int64_t positive(const json_t *in, const char *key, cerr *e)
{
    json_int_t v = json_integer_value(json_object_get(in, key));
    if (!json_is_integer(json_object_get(in, key)) || v <= 0) {
        cerr_set(e, "validation_failed", key, "%s: 应为正整数 (expected a positive integer)", key);
        return 0;
    }
    return v;
}

/* The array data[key], made when missing. */
static json_t *list_of(incident *inc, const char *key)
{
    return jsonw_list(inc->data, key);
}

/*
 * The response team's steps (seed 004: 組織專項小組): a member and their
 * role, a task with its owner and deadline, a task done, an instruction,
 * the notice to customers (seed 002: 向顧客發布明確的溝通信息). Each fills
 * extra for the timeline; non-zero with e on a bad input.
 */
static int decide_response(incident *inc, const char *action, const json_t *in, int64_t by, int64_t now,
                           json_t *extra, cerr *e)
{
    if (strcmp(action, "team") == 0) {
        int64_t user = positive(in, "user", e);
        const char *role = user ? text(in, "role", true, 100, e) : NULL;
        if (!role)
            return CERR_USER;
        json_t *team = list_of(inc, "team"), *m = NULL;
        size_t i;
        json_array_foreach(team, i, m)
        {
            if (json_integer_value(json_object_get(m, "user")) == user)
                break;
        }
        if (i == json_array_size(team))
            json_array_append_new(team, json_pack("{s:I,s:s}", "user", (json_int_t)user, "role", role));
        else
            json_object_set_new(m, "role", json_string(role));
        json_object_set_new(extra, "user", json_integer(user));
        json_object_set_new(extra, "note", json_string(role));
        return 0;
    }
    if (strcmp(action, "task") == 0) {
        const char *title = text(in, "title", true, 200, e), *due_text = NULL;
        int64_t owner = title ? positive(in, "owner", e) : 0, due = 0;
        if (!owner)
            return CERR_USER;
        if (!(due_text = text(in, "due", true, 40, e)))
            return CERR_USER;
        if (time_parse_rfc3339(due_text, &due))
            return cerr_set(e, "validation_failed", "due", "due: 应为 RFC 3339 时间 (expected an RFC 3339 time)");
        json_t *tasks = list_of(inc, "tasks");
        json_int_t no = (json_int_t)json_array_size(tasks) + 1;
        json_array_append_new(tasks, json_pack("{s:I,s:s,s:I,s:I,s:I}", "no", no, "title", title, "owner",
                                               (json_int_t)owner, "due", (json_int_t)due, "by", (json_int_t)by));
        json_object_set_new(extra, "note", json_string(title));
        json_object_set_new(extra, "user", json_integer(owner));
        json_object_set_new(extra, "task", json_integer(no));
        return 0;
    }
    if (strcmp(action, "task_done") == 0) {
        int64_t no = positive(in, "no", e);
        json_t *task = no ? json_array_get(list_of(inc, "tasks"), (size_t)no - 1) : NULL;
        if (!no)
            return CERR_USER;
        if (!task)
            return cerr_set(e, "validation_failed", "no", "no: 没有这项任务 (no such task)");
        if (json_integer_value(json_object_get(task, "done_at")))
            return cerr_set(e, "action_not_allowed", "no", "no: 任务已完成 (the task is done already)");
        json_object_set_new(task, "done_at", json_integer(now));
        json_object_set_new(task, "done_by", json_integer(by));
        json_object_set(extra, "note", json_object_get(task, "title"));
        json_object_set_new(extra, "task", json_integer(no));
        return 0;
    }
    /* instruct, notice */
    bool notice = strcmp(action, "notice") == 0;
    const char *t = text(in, "text", true, notice ? 1000 : 2000, e);
    if (!t)
        return CERR_USER;
    if (notice)
        json_object_set_new(inc->data, "customer_notice", json_pack("{s:s,s:I}", "text", t, "at", (json_int_t)now));
    json_object_set_new(extra, "note", json_string(t));
    return 0;
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
    } else if (strcmp(action, "close") == 0) {
        /* The review (复盘): what happened and why, and what is learnt from it. */
        const char *summary = text(input, "summary", true, 5000, e), *lessons = NULL;
        if (!summary || !(lessons = text(input, "lessons", false, 5000, e)))
            goto out;
        snprintf(inc->status, sizeof inc->status, "closed");
        inc->closed_at = now;
        json_object_set_new(inc->data, "summary", json_string(summary));
        if (*lessons)
            json_object_set_new(inc->data, "lessons", json_string(lessons));
        json_object_set_new(extra, "note", json_string(summary));
    } else if (decide_response(inc, action, input, by, now, extra, e)) {
        goto out;
    }
    incident_record(inc, action, by, now, extra);
    inc->version++;
    rc = 0;
out:
    json_decref(extra);
    return rc;
}

int incident_open_manual(incident *inc, const json_t *in, int64_t anchor_unit, int64_t by, int64_t now, cerr *e)
{
    incident_release(inc);
    const char *title = text(in, "title", true, 200, e), *desc = NULL;
    if (!title || !(desc = text(in, "description", true, 5000, e)))
        return CERR_USER;
    const json_t *lv = json_object_get(in, "level");
    json_int_t level = json_is_integer(lv) ? json_integer_value(lv) : 0;
    if (level < 1 || level > 3)
        return cerr_set(e, "validation_failed", "level",
                        "level: 应为响应等级 1、2 或 3 (expected response level 1, 2 or 3)");
    snprintf(inc->cluster, sizeof inc->cluster, "manual");
    snprintf(inc->status, sizeof inc->status, "open");
    inc->level = (int)level;
    inc->anchor_unit = inc->owner_unit = anchor_unit;
    inc->opened_at = now;
    inc->data = json_pack("{s:s,s:s,s:b}", "title", title, "description", desc, "manual", true);
    incident_record(inc, "open", by, now, NULL);
    return 0;
}
