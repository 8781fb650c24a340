/*
 * surveys: the revisit's survey by link — an agent makes the link
 * (POST /complaints/{id}/survey-link), the customer opens and answers it on
 * the portal without signing in (GET and POST /portal/surveys/{token}).
 * The portal's answers never carry staff names or the customer's data:
 * the number, the category and the questions only.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/survey.h"
#include "util/timeutil.h"

enum { SURVEY_OPENS_PER_MINUTE = 30 };

/* The body of POST …/survey-link: none, or {"send": true|false}; -1 with the error rendered. */
static int send_asked(api_req *rq, http_resp *rs, bool *send)
{
    static const char *const known[] = {"send", NULL};
    *send = false;
    if (rq->body.len == 0)
        return 0;
    json_t *in = api_body(rq, rs, known);
    if (!in)
        return -1;
    const json_t *v = json_object_get(in, "send");
    int rc = 0;
    if (v && !json_is_boolean(v)) {
        api_error(rs, 400, "bad_request", "send", "send: expected true or false");
        rc = -1;
    }
    *send = json_is_true(v);
    json_decref(in);
    return rc;
}

void h_survey_link(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    bool send;
    if (send_asked(rq, rs, &send) == 0 && api_load_complaint(a, rq, rq->params[0], &c, rs) == 0) {
        actor who = api_actor(rq);
        cerr e = CERR_INIT;
        char key[SURVEY_TOKEN_MAX], url[600];
        int64_t expires, now = time_now();
        json_t *sent = json_array();
        int rc = send ? app_survey_send(a, &who, &c, now, key, sizeof key, &expires, sent, &e)
                      : app_survey_link(a, &who, &c, now, key, sizeof key, &expires, &e);
        if (rc == CERR_USER) {
            api_cerr(rs, &e);
        } else if (rc) {
            api_store_error(rs, rc);
        } else {
            if (send) {
                snprintf(url, sizeof url, "%s/#/survey/%s", a->public_url, key);
            } else {
                /* The page the customer opens, on the host the agent reached (behind a
                 * proxy that terminates TLS, X-Forwarded-Proto says https). */
                const char *host = http_header(rq->http, "Host"), *proto = http_header(rq->http, "X-Forwarded-Proto");
                snprintf(url, sizeof url, "%s://%s/#/survey/%s", proto && strcmp(proto, "https") == 0 ? "https" : "http",
                         host && *host && !strpbrk(host, "/\\ \"<>") ? host : "localhost", key);
            }
            /* Each way it went to the customer, and when (after the quiet hours). */
            size_t i;
            json_t *m;
            json_array_foreach(sent, i, m)
            {
                json_object_set_new(m, "at", api_time(a, json_integer_value(json_object_get(m, "at"))));
            }
            json_t *j = json_pack("{s:s,s:s,s:o}", "url", url, "token", key, "expires_at", api_time(a, expires));
            if (send)
                json_object_set(j, "sent", sent);
            api_json(rs, 201, j);
        }
        json_decref(sent);
    }
    complaint_release(&c);
}

static bool limited(api_req *rq, http_resp *rs)
{
    return api_limited(rq, rs, "portal-survey", SURVEY_OPENS_PER_MINUTE, 60, "请求过于频繁，请稍后再试 (too many requests)");
}

void h_portal_survey_get(app *a, api_req *rq, http_resp *rs)
{
    if (limited(rq, rs))
        return;
    complaint c;
    complaint_init(&c);
    survey_link link;
    cerr e = CERR_INIT;
    int rc = app_survey_open(a, rq->params[0], time_now(), &c, &link, &e);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
    } else if (rc) {
        api_store_error(rs, rc);
    } else {
        const policy *p = app_pol(a);
        json_t *g = json_object();
        api_category_guidance(p, c.category, rq->en, g);
        int ci = policy_category_index(p, c.category);
        const category *cat = ci >= 0 ? &p->tax.cats[ci] : NULL;
        json_t *j = json_pack("{s:s,s:{s:s,s:s},s:O,s:o}", "number", c.number, "category", "code", c.category, "name",
                              cat ? (rq->en && cat->name_en ? cat->name_en : cat->name) : c.category, "questions",
                              json_object_get(g, "survey"), "expires_at", api_time(a, link.expires_at));
        json_decref(g);
        api_json(rs, 200, j);
    }
    complaint_release(&c);
}

void h_portal_survey_post(app *a, api_req *rq, http_resp *rs)
{
    if (limited(rq, rs))
        return;
    static const char *const allowed[] = {"answers", "remarks", NULL};
    json_t *in = api_body(rq, rs, allowed);
    if (!in)
        return;
    complaint out;
    complaint_init(&out);
    cerr e = CERR_INIT;
    int rc = app_survey_answer(a, rq->params[0], in, time_now(), &out, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, json_pack("{s:s,s:s?}", "number", out.number, "result",
                                    json_string_value(json_object_get(json_object_get(out.data, "revisit"), "result"))));
    json_decref(in);
    complaint_release(&out);
}
