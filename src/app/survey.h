/*
 * survey: the revisit's survey by link (001: 投诉处理结束一周内对投诉客户进行
 * 回访, 并在回访过程中开展满意度调查). An agent makes a single-use link for a
 * complaint that was replied to; the customer opens it on the portal
 * without signing in, sees the survey's questions and answers them; the
 * answers arrive as the complaint's revisit (method "link", the result
 * following from the scores), taken by the customer (R_CUSTOMER).
 */
#ifndef REDRESS_APP_SURVEY_H
#define REDRESS_APP_SURVEY_H

#include "app/app.h"
#include "store/surveys.h"

/* How long a link lasts unless the pack says otherwise (survey_link_days): a week, as 001 asks. */
enum { SURVEY_LINK_DAYS = 7, SURVEY_TOKEN_MAX = 80 };

/*
 * A new link for complaint c (which must be replied to and not yet
 * revisited) made by who at now: its token into key (key_len ≥ SURVEY_TOKEN_MAX)
 * and when it expires. Only the token's hash is stored. Returns 0,
 * CERR_USER (action_not_allowed) or a STORE_* code.
 */
int app_survey_link(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                    int64_t *expires_at, cerr *e);

/*
 * The same, and the link — url, its page under the public address — sent to
 * the customer (app/custmsg.h, kind "survey") each way the pack and this
 * node allow; those ways and when each goes are appended to sent. Returns
 * as app_survey_link.
 */
int app_survey_send(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                    int64_t *expires_at, json_t *sent, cerr *e);

/*
 * The complaint a presented token opens, into c (caller's; complaint_init
 * first) and *link. Returns 0; CERR_USER with "not_found" for a token that
 * was never made, "gone" for a used or expired one or a complaint that no
 * longer waits for its revisit; or a STORE_* code.
 */
int app_survey_open(app *a, const char *key, int64_t now, complaint *c, survey_link *link, cerr *e);

/*
 * The customer's answers through a token: in is {"answers": […],
 * "remarks"?}; the revisit is taken as the customer and the link used up.
 * out (caller's) is the revisited complaint. Returns as app_survey_open,
 * or CERR_USER with validation_failed naming the answer at fault.
 */
int app_survey_answer(app *a, const char *key, const json_t *in, int64_t now, complaint *out, cerr *e);

/*
 * The customer's confirmation by link (客户确认; core/cases.h
 * closing.confirmation): of the record taken face to face (001:
 * 填写完投诉记录后要请客户签字确认) or of the result (001: 投诉人已…签名认可). The
 * same single-use links as the survey's, a token of their own kind ("rd_k_"),
 * which the survey's pages refuse as the confirmation's refuse a survey's.
 * The link asks what awaits the customer's confirmation when it is opened:
 * the record before the result.
 */

/* What of c awaits its customer's confirmation at now ("record", "result"), or NULL. */
const char *app_confirm_pending(app *a, const complaint *c, int64_t now);

/* A new confirmation link for c (something must await confirmation), as app_survey_link. */
int app_confirm_link(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                     int64_t *expires_at, cerr *e);
/* The same, sent to the customer (the pack's "confirm" template), as app_survey_send. */
int app_confirm_send(app *a, const actor *who, const complaint *c, int64_t now, char *key, size_t key_len,
                     int64_t *expires_at, json_t *sent, cerr *e);
/*
 * The complaint a confirmation token opens, its customer data and texts
 * unsealed for the customer to read (c: the caller's), and what it asks
 * (*what: static). Returns as app_survey_open; "gone" once nothing awaits.
 */
int app_confirm_open(app *a, const char *key, int64_t now, complaint *c, survey_link *link, const char **what,
                     cerr *e);
/*
 * The customer's answer through a token: in is {"verdict": "confirmed" |
 * "disputed", "note"?}; the confirmation is taken as the customer and the
 * link used up. out (caller's) is the complaint after it.
 */
int app_confirm_answer(app *a, const char *key, const json_t *in, int64_t now, complaint *out, cerr *e);

#endif
