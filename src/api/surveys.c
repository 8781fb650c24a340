/*
 * surveys: the links a customer answers on the portal without signing in —
 * the revisit's survey (POST /complaints/{id}/survey-link; GET and POST
 * /portal/surveys/{token}: the number, the category and the questions only,
 * never staff names or the customer's data) and the confirmation of the
 * record or the result (POST /complaints/{id}/confirmation-link; GET and
 * POST /portal/confirmations/{token}: what was written down or told).
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

typedef int (*link_fn)(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                       int64_t *expires_at, cerr *e);
typedef int (*send_fn)(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                       int64_t *expires_at, json_t *sent, cerr *e);

/* POST …/{survey,confirmation}-link: made (or sent, with {"send": true}) by link or send; page names the portal's page. */
static void customer_link(app *a, api_req *rq, http_resp *rs, link_fn link, send_fn sendit, const char *page)
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
        int rc = send ? sendit(a, &who, &c, now, key, sizeof key, &expires, sent, &e)
                      : link(a, &who, &c, now, key, sizeof key, &expires, &e);
        if (rc == CERR_USER) {
            api_cerr(rs, &e);
        } else if (rc) {
            api_store_error(rs, rc);
        } else {
            if (send) {
                snprintf(url, sizeof url, "%s/#/%s/%s", a->public_url, page, key);
            } else {
                /* The page the customer opens, on the host the agent reached (behind a
                 * proxy that terminates TLS, X-Forwarded-Proto says https). */
                const char *host = http_header(rq->http, "Host"), *proto = http_header(rq->http, "X-Forwarded-Proto");
                snprintf(url, sizeof url, "%s://%s/#/%s/%s", proto && strcmp(proto, "https") == 0 ? "https" : "http",
                         host && *host && !strpbrk(host, "/\\ \"<>") ? host : "localhost", page, key);
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

void h_survey_link(app *a, api_req *rq, http_resp *rs)
{
    customer_link(a, rq, rs, app_survey_link, app_survey_send, "survey");
}

void h_confirmation_link(app *a, api_req *rq, http_resp *rs)
{
    customer_link(a, rq, rs, app_confirm_link, app_confirm_send, "confirm");
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

typedef int (*answer_fn)(app *a, const char *key, const json_t *in, int64_t now, complaint *out, cerr *e);

/*
 * The customer's answer through a link (no sign-in): the body's members
 * allowed, taken by answer; 200 {"number", key: what the answer came to}
 * (pick reads it from the body and the complaint after).
 */
static void portal_answer(app *a, api_req *rq, http_resp *rs, const char *const *allowed, answer_fn answer,
                          const char *key, const char *(*pick)(const json_t *in, const complaint *out))
{
    if (limited(rq, rs))
        return;
    json_t *in = api_body(rq, rs, allowed);
    if (!in)
        return;
    complaint out;
    complaint_init(&out);
    cerr e = CERR_INIT;
    int rc = answer(a, rq->params[0], in, time_now(), &out, &e);
    if (rc == CERR_USER)
        api_cerr(rs, &e);
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, json_pack("{s:s,s:s?}", "number", out.number, key, pick(in, &out)));
    json_decref(in);
    complaint_release(&out);
}

static const char *revisit_result(const json_t *in, const complaint *out)
{
    (void)in;
    return json_string_value(json_object_get(json_object_get(out->data, "revisit"), "result"));
}

void h_portal_survey_post(app *a, api_req *rq, http_resp *rs)
{
    static const char *const allowed[] = {"answers", "remarks", NULL};
    portal_answer(a, rq, rs, allowed, app_survey_answer, "result", revisit_result);
}

/*
 * GET /portal/confirmations/{token}: what the customer is asked to confirm —
 * the record as it was written down (their own words, the place, the unit,
 * the category, when) or the result they were told (the reply). No staff
 * names, no internal notes, not their name or phone (they know them).
 */
void h_portal_confirm_get(app *a, api_req *rq, http_resp *rs)
{
    if (limited(rq, rs))
        return;
    complaint c;
    complaint_init(&c);
    survey_link link;
    const char *what = NULL;
    cerr e = CERR_INIT;
    int rc = app_confirm_open(a, rq->params[0], time_now(), &c, &link, &what, &e);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
    } else if (rc) {
        api_store_error(rs, rc);
    } else {
        const policy *p = app_pol(a);
        int ci = policy_category_index(p, c.category);
        const category *cat = ci >= 0 ? &p->tax.cats[ci] : NULL;
        json_t *j = json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:o,s:o}", "number", c.number, "what", what, "category", "code",
                              c.category, "name", cat ? (rq->en && cat->name_en ? cat->name_en : cat->name) : c.category,
                              "subject_unit", api_unit_ref(a, c.subject_unit), "received_at", api_time(a, c.received_at),
                              "expires_at", api_time(a, link.expires_at));
        if (strcmp(what, "record") == 0) {
            static const char *const texts[] = {"place", "description", "demand"};
            for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
                const json_t *v = json_object_get(c.data, texts[i]);
                json_object_set_new(j, texts[i], json_is_string(v) ? json_incref((json_t *)v) : json_null());
            }
            json_object_set_new(j, "occurred_at", api_time(a, json_integer_value(json_object_get(c.data, "occurred_at"))));
        } else {
            const json_t *reply = json_object_get(c.data, "reply");
            json_object_set_new(j, "reply", json_pack("{s:O?,s:o}", "content", json_object_get(reply, "content"), "at",
                                                      api_time(a, json_integer_value(json_object_get(reply, "at")))));
        }
        api_json(rs, 200, j);
    }
    complaint_release(&c);
}

static const char *verdict_given(const json_t *in, const complaint *out)
{
    (void)out;
    return json_string_value(json_object_get(in, "verdict"));
}

/* POST /portal/confirmations/{token}: {"verdict": "confirmed" | "disputed", "note"?}. */
void h_portal_confirm_post(app *a, api_req *rq, http_resp *rs)
{
    static const char *const allowed[] = {"verdict", "note", NULL};
    portal_answer(a, rq, rs, allowed, app_confirm_answer, "verdict", verdict_given);
}
