/* survey: see survey.h. */
#include "app/survey.h"

#include <stdio.h>
#include <string.h>

#include "app/act.h"
#include "app/custmsg.h"
#include "sec/auth.h"

static int64_t link_days(const policy *p)
{
    json_int_t d = json_integer_value(json_object_get(p->raw, "survey_link_days"));
    return d > 0 && d <= 90 ? d : SURVEY_LINK_DAYS;
}

/* app_survey_link, with the link's id into *id. */
static int make_link(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                     int64_t *expires_at, int64_t *id, cerr *e)
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
    return store_survey_link_add(a->db, hash, c->id, who->id, now, *expires_at, id);
}

int app_survey_link(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                    int64_t *expires_at, cerr *e)
{
    int64_t id;
    return make_link(a, who, c, now, key, key_len, expires_at, &id, e);
}

int app_survey_send(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                    int64_t *expires_at, json_t *sent, cerr *e)
{
    if (!a->public_url || !*a->public_url)
        return cerr_set(e, "validation_failed", "send",
                        "send: 未设置客户可访问的地址 public-url，客户无法打开链接 (public-url is not set: the "
                        "customer could not open the link)");
    int64_t id;
    int rc = make_link(a, who, c, now, key, key_len, expires_at, &id, e);
    if (rc)
        return rc;
    char url[600];
    snprintf(url, sizeof url, "%s/#/survey/%s", a->public_url, key);
    return app_custmsg_survey(a, c, url, id, now, sent);
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
