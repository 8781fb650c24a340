/* survey: see survey.h. */
#include "app/survey.h"

#include <string.h>

#include "app/act.h"
#include "sec/auth.h"

static int64_t link_days(const policy *p)
{
    json_int_t d = json_integer_value(json_object_get(p->raw, "survey_link_days"));
    return d > 0 && d <= 90 ? d : SURVEY_LINK_DAYS;
}

int app_survey_link(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                    int64_t *expires_at, cerr *e)
{
    if (c->status != ST_REPLIED)
        return cerr_set(e, "action_not_allowed", "",
                        "只有已答复、待回访的工单可以发送回访链接 (only a complaint replied to and awaiting its "
                        "revisit gets a survey link)");
    app_enter(a);
    *expires_at = now + link_days(app_pol(a)) * 86400;
    app_leave(a);
    uint8_t hash[32];
    auth_new_token('v', key, key_len, hash);
    int64_t id;
    return store_survey_link_add(a->db, hash, c->id, who->id, now, *expires_at, &id);
}

int app_survey_open(app *a, const char *key, int64_t now, complaint *c, survey_link *link, cerr *e)
{
    uint8_t hash[32];
    auth_token_hash(key, hash);
    int rc = store_survey_link_get(a->db, hash, link);
    if (rc == STORE_NOTFOUND)
        return cerr_set(e, "not_found", "token", "链接无效 (no such survey link)");
    if (rc)
        return rc;
    if (link->used_at)
        return cerr_set(e, "gone", "token", "您已提交过评价，感谢您的反馈 (this survey was answered already)");
    if (now >= link->expires_at)
        return cerr_set(e, "gone", "token", "链接已过期 (the survey link has expired)");
    rc = store_complaint_get(a->db, link->complaint_id, NULL, c);
    if (rc)
        return rc;
    if (c->status != ST_REPLIED)
        return cerr_set(e, "gone", "token", "该投诉已完成回访 (the complaint was followed up already)");
    return 0;
}

int app_survey_answer(app *a, const char *key, const json_t *in, int64_t now, complaint *out, cerr *e)
{
    complaint c;
    complaint_init(&c);
    survey_link link;
    int rc = app_survey_open(a, key, now, &c, &link, e);
    if (rc == 0) {
        /* The state machine takes one revisit only: of two answers racing, the second finds it revisited. */
        actor who = {0, R_CUSTOMER, c.owner_unit};
        rc = app_act(a, &who, c.id, "revisit", in, -1, now, out, e);
        if (rc == CERR_USER && strcmp(e->code, "action_not_allowed") == 0)
            rc = cerr_set(e, "gone", "token", "该投诉已完成回访 (the complaint was followed up already)");
        if (rc == 0)
            rc = store_survey_link_use(a->db, link.id, now) == STORE_ERROR ? STORE_ERROR : 0;
    }
    complaint_release(&c);
    return rc;
}
