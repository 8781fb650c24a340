/* announce: see announce.h. */
#include "app/announce.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/act.h"
#include "app/result.h"
#include "store/announcements.h"
#include "util/log.h"

static const actor system_actor = {0, R_SYSTEM, 0};

/* Who may announce for which units: an administrator for any, anyone else within their own scope. */
static int check_scope(const org *o, const actor *who, json_t *scope, cerr *e)
{
    if (who->roles & R_ADMIN)
        return 0;
    int64_t root = org_scope_root(o, who->unit);
    json_t *units = json_object_get(scope, "units");
    if (!json_array_size(units)) {
        json_array_append_new(units, json_integer(root));
        return 0;
    }
    size_t i;
    json_t *u;
    json_array_foreach(units, i, u)
    {
        if (!root || !org_within(o, json_integer_value(u), root))
            return cerr_set(e, "forbidden", "scope.units", "scope.units: 超出您的管辖范围 (outside your scope)");
    }
    return 0;
}

int app_announce_publish(app *a, const actor *who, const json_t *in, int64_t now, announcement *out, cerr *e)
{
    app_enter(a);
    int rc = announce_parse(out, in, app_org(a), &app_pol(a)->tax, who->unit, who->id, now, e);
    if (rc == 0)
        rc = check_scope(app_org(a), who, out->scope, e);
    app_leave(a);
    int64_t id = 0;
    if (rc == 0)
        rc = store_announcement_add(a->db, out, &id);
    if (rc == 0)
        rc = store_announcement_get(a->db, id, out);
    return rc;
}

int app_announce_list(app *a, int64_t root, bool active, int64_t unit_id, const char *cat, const char *channel,
                      int64_t now, announcement_list *out)
{
    int rc = store_announcement_list(a->db, active, 500, out);
    if (rc)
        return rc;
    app_enter(a);
    size_t kept = 0;
    for (size_t i = 0; i < out->n; i++) {
        const announcement *an = &out->items[i];
        if (announce_concerns(an, app_org(a), root) &&
            (!active || announce_matches(an, app_org(a), &app_pol(a)->tax, unit_id, cat, channel, now)))
            out->items[kept++] = out->items[i];
        else
            announcement_release(&out->items[i]);
    }
    out->n = kept;
    app_leave(a);
    return 0;
}

/* Announcement id into out, or CERR_USER not_found. */
static int load(app *a, int64_t id, announcement *out, cerr *e)
{
    int rc = store_announcement_get(a->db, id, out);
    return rc == STORE_NOTFOUND ? cerr_set(e, "not_found", "", "公告不存在 (no such announcement)") : rc;
}

int app_announce_answer(app *a, const actor *who, int64_t id, int64_t cid, int64_t now, complaint *out, cerr *e)
{
    announcement an = {0};
    complaint c;
    complaint_init(&c);
    int rc = load(a, id, &an, e);
    if (rc)
        goto out;
    rc = store_complaint_get(a->db, cid, NULL, &c);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "validation_failed", "complaint", "complaint: 工单不存在 (no such complaint)");
    if (rc)
        goto out;
    app_enter(a);
    bool active = announce_active(&an, now),
         covers = announce_covers(&an, app_org(a), &app_pol(a)->tax, c.subject_unit, c.category, c.channel, now);
    app_leave(a);
    if (!active) {
        rc = cerr_set(e, "action_not_allowed", "", "公告已解除或未生效 (the announcement is not in force)");
        goto out;
    }
    if (!covers) {
        rc = cerr_set(e, "validation_failed", "complaint",
                      "complaint: 不在该公告的范围内 (the complaint is outside the announcement's scope)");
        goto out;
    }
    char ids[24], agent[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    snprintf(agent, sizeof agent, "%" PRId64, who->id);
    json_t *in = json_pack("{s:s,s:s,s:s}", "announcement", ids, "script", an.script, "agent", agent);
    rc = app_act(a, &system_actor, cid, "fault_answer", in, -1, now, out, e);
    json_decref(in);
out:
    announcement_release(&an);
    complaint_release(&c);
    return rc;
}

/* Closes the complaints still waiting on announcement id; counts into closed and left. */
static int close_linked(app *a, const announcement *an, int64_t now, size_t *closed, size_t *left)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = store_announcement_complaints(a->db, an->id, true, &ids, &n);
    char idtext[24];
    snprintf(idtext, sizeof idtext, "%" PRId64, an->id);
    json_t *in = json_pack("{s:s}", "announcement", idtext);
    if (an->resolution)
        json_object_set_new(in, "resolution", json_string(an->resolution));
    for (size_t i = 0; rc == 0 && i < n; i++) {
        complaint out;
        complaint_init(&out);
        cerr e = CERR_INIT;
        int r = app_act(a, &system_actor, ids[i], "fault_close", in, -1, now, &out, &e);
        if (r == 0) {
            (*closed)++;
        } else if (r == CERR_USER) {
            /* Unlinked and dispatched after all, or closed by hand meanwhile: it follows its own path. */
            (*left)++;
            log_msg(LOG_INFO, "complaint %" PRId64 " not closed with announcement %" PRId64 ": %s", ids[i], an->id,
                    e.message);
        } else {
            rc = r;
        }
        complaint_release(&out);
    }
    json_decref(in);
    free(ids);
    return rc;
}

int app_announce_resolve(app *a, const actor *who, int64_t id, const char *resolution, int64_t now,
                         announcement *out, size_t *closed, size_t *left, cerr *e)
{
    *closed = *left = 0;
    int rc = STORE_CONFLICT;
    for (int attempt = 0; attempt == 0 || app_retry(rc, attempt - 1); attempt++) {
        rc = load(a, id, out, e);
        if (rc || strcmp(out->status, "active") != 0)
            break; /* resolved already: only what is left to close */
        rc = announce_resolve(out, resolution, who->id, now, e);
        if (rc == 0)
            rc = store_announcement_update(a->db, out);
    }
    if (rc == STORE_CONFLICT)
        rc = cerr_set(e, "version_conflict", "", "公告已被他人更新，请刷新后重试 (someone acted first)");
    if (rc == 0)
        rc = close_linked(a, out, now, closed, left);
    return rc;
}
