/* survey: see survey.h. */
#include "app/survey.h"

#include <stdio.h>
#include <string.h>

#include "app/act.h"
#include "app/custmsg.h"
#include "app/pii.h"
#include "core/cases.h"
#include "core/workflow.h"
#include "util/jsonw.h"
#include "sec/auth.h"

static int64_t link_days(const policy *p)
{
    json_int_t d = json_integer_value(json_object_get(p->raw, "survey_link_days"));
    return d > 0 && d <= 90 ? d : SURVEY_LINK_DAYS;
}

/* The two kinds of link, by the letter of their tokens (sec/auth.h: "rd_v_…", "rd_k_…"). */
enum { LINK_SURVEY = 'v', LINK_CONFIRM = 'k' };

/* A new link of kind for c at now: its token into key, its id into *id. */
static int make_link(app *a, const actor *who, const complaint *c, int kind, int64_t now, char *key, size_t key_len,
                     int64_t *expires_at, int64_t *id)
{
    app_enter(a);
    *expires_at = now + link_days(app_pol(a)) * 86400;
    app_leave(a);
    uint8_t hash[32];
    auth_new_token((char)kind, key, key_len, hash);
    return store_survey_link_add(a->db, hash, c->id, who->id, now, *expires_at, id);
}

/* The link made and, with sent, its page under the public address sent to the customer as template. */
static int make_and_send(app *a, const actor *who, const complaint *c, int kind, int64_t now, char *key,
                         size_t key_len, int64_t *expires_at, json_t *sent, cerr *e)
{
    if (sent && (!a->public_url || !*a->public_url))
        return cerr_set(e, "validation_failed", "send",
                        "send: 未设置客户可访问的地址 public-url，客户无法打开链接 (public-url is not set: the "
                        "customer could not open the link)");
    int64_t id;
    int rc = make_link(a, who, c, kind, now, key, key_len, expires_at, &id);
    if (rc || !sent)
        return rc;
    char url[600];
    snprintf(url, sizeof url, "%s/#/%s/%s", a->public_url, kind == LINK_SURVEY ? "survey" : "confirm", key);
    return app_custmsg_link(a, c, kind == LINK_SURVEY ? "survey" : "confirm", url, id, now, sent);
}

static int survey_refused(const complaint *c, cerr *e)
{
    if (c->status != ST_REPLIED)
        return cerr_set(e, "action_not_allowed", "",
                        "只有已答复、待回访的工单可以发送回访链接 (only a complaint replied to and awaiting its "
                        "revisit gets a survey link)");
    return 0;
}

int app_survey_link(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                    int64_t *expires_at, cerr *e)
{
    return survey_refused(c, e) ? CERR_USER
                                : make_and_send(a, who, c, LINK_SURVEY, now, key, key_len, expires_at, NULL, e);
}

int app_survey_send(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                    int64_t *expires_at, json_t *sent, cerr *e)
{
    return survey_refused(c, e) ? CERR_USER
                                : make_and_send(a, who, c, LINK_SURVEY, now, key, key_len, expires_at, sent, e);
}

/* The link a presented token of kind opens, and its complaint (not yet checked for what it asks). */
static int open_link(app *a, const char *key, int kind, int64_t now, complaint *c, survey_link *link, cerr *e)
{
    char prefix[8];
    snprintf(prefix, sizeof prefix, "rd_%c_", kind);
    uint8_t hash[32];
    auth_token_hash(key, hash);
    /* a token of the other kind opens nothing here, as if it had never been made */
    int rc = strncmp(key, prefix, strlen(prefix)) == 0 ? store_survey_link_get(a->db, hash, link) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        return cerr_set(e, "not_found", "token", "链接无效 (no such link)");
    if (rc)
        return rc;
    if (link->used_at)
        return cerr_set(e, "gone", "token", "您已提交过，感谢您的反馈 (this link was answered already)");
    if (now >= link->expires_at)
        return cerr_set(e, "gone", "token", "链接已过期 (the link has expired)");
    return store_complaint_get(a->db, link->complaint_id, NULL, c);
}

int app_survey_open(app *a, const char *key, int64_t now, complaint *c, survey_link *link, cerr *e)
{
    int rc = open_link(a, key, LINK_SURVEY, now, c, link, e);
    if (rc == 0 && c->status != ST_REPLIED)
        return cerr_set(e, "gone", "token", "该投诉已完成回访 (the complaint was followed up already)");
    return rc;
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

/* ---- the customer's confirmation ------------------------------------------------------------- */

const char *app_confirm_pending(app *a, const complaint *c, int64_t now)
{
    actor cust = {0, R_CUSTOMER, c->owner_unit};
    const char *what = NULL;
    app_enter(a);
    wf_ctx ctx = {app_pol(a), app_org(a), &cust, now, NULL, 0, NULL};
    const wf_action *act = workflow_find("confirm");
    if (act && workflow_may(&ctx, c, act, NULL) == 0) {
        /* the record before the result */
        unsigned may = workflow_confirmable(&ctx, c);
        what = may & CONFIRM_RECORD ? "record" : may & CONFIRM_RESULT ? "result" : NULL;
    }
    app_leave(a);
    return what;
}

static int confirm_refused(app *a, const complaint *c, int64_t now, cerr *e)
{
    if (!app_confirm_pending(a, c, now))
        return cerr_set(e, "action_not_allowed", "", "没有待客户确认的内容 (nothing awaits the customer's confirmation)");
    return 0;
}

int app_confirm_link(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                     int64_t *expires_at, cerr *e)
{
    return confirm_refused(a, c, now, e) ? CERR_USER
                                         : make_and_send(a, who, c, LINK_CONFIRM, now, key, key_len, expires_at, NULL, e);
}

int app_confirm_send(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                     int64_t *expires_at, json_t *sent, cerr *e)
{
    return confirm_refused(a, c, now, e) ? CERR_USER
                                         : make_and_send(a, who, c, LINK_CONFIRM, now, key, key_len, expires_at, sent, e);
}

int app_confirm_open(app *a, const char *key, int64_t now, complaint *c, survey_link *link, const char **what,
                     cerr *e)
{
    int rc = open_link(a, key, LINK_CONFIRM, now, c, link, e);
    if (rc)
        return rc;
    if (!(*what = app_confirm_pending(a, c, now)))
        return cerr_set(e, "gone", "token", "无须再确认，感谢您的配合 (nothing awaits your confirmation any more)");
    /* the customer reads what was written down: their own words, unsealed */
    return app_pii_view(a, c, 1, true) ? STORE_UNAVAILABLE : 0;
}

int app_confirm_answer(app *a, const char *key, const json_t *in, int64_t now, complaint *out, cerr *e)
{
    complaint c;
    complaint_init(&c);
    survey_link link;
    const char *what = NULL;
    int rc = open_link(a, key, LINK_CONFIRM, now, &c, &link, e);
    if (rc == 0 && !(what = app_confirm_pending(a, &c, now)))
        rc = cerr_set(e, "gone", "token", "无须再确认，感谢您的配合 (nothing awaits your confirmation any more)");
    if (rc == 0) {
        json_t *body = jsonw_copy(in);
        json_object_set_new(body, "what", json_string(what));
        actor who = {0, R_CUSTOMER, c.owner_unit};
        rc = app_act(a, &who, c.id, "confirm", body, -1, now, out, e);
        json_decref(body);
        if (rc == CERR_USER && strcmp(e->code, "action_not_allowed") == 0)
            rc = cerr_set(e, "gone", "token", "无须再确认，感谢您的配合 (nothing awaits your confirmation any more)");
        if (rc == 0)
            rc = store_survey_link_use(a->db, link.id, now) == STORE_ERROR ? STORE_ERROR : 0;
    }
    complaint_release(&c);
    return rc;
}
