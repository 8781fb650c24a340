/*
 * api: the JSON resources of /api/v1. Every handler has one shape —
 * authorise (the router, api/router.h, checks sign-in, CSRF and role from
 * the route table before the handler runs; handlers check the rest) →
 * validate → call app/core → store → render — and renders errors through
 * api_error / api_cerr so every error has the documented shape.
 */
#ifndef REDRESS_API_H
#define REDRESS_API_H

#include <jansson.h>

#include "api/listq.h"
#include "api/router.h"
#include "app/app.h"
#include "app/intake.h"
#include "core/cerr.h"
#include "core/reach.h"
#include "http/http.h"
#include "util/sheet.h"

/* The route table (NULL-terminated). */
extern const route api_routes[];

/* Writes {"error":{"code","message","field"}} with status. */
void api_error(http_resp *rs, int status, const char *code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Renders a domain error with the status its code implies. */
void api_cerr(http_resp *rs, const cerr *e);
/* Renders a STORE_* failure (503 for unavailable, 500 otherwise). */
void api_store_error(http_resp *rs, int rc);
/* The outcome rc of an app call: 0, or rc with the failure rendered (e when CERR_USER, else a store error). */
int api_failed(http_resp *rs, int rc, const cerr *e);
/* Whether rq's address has used up bucket (per requests a window_s seconds,
 * sec/ratelimit.h): then rs is 429 rate_limited with message and a Retry-After. */
bool api_limited(const api_req *rq, http_resp *rs, const char *bucket, int per, int window_s, const char *message);
/* Writes j (stolen) as the body with status. */
void api_json(http_resp *rs, int status, json_t *j);
/*
 * Parses the body as a JSON object (a new reference) whose members are all
 * in known (NULL-terminated): what the endpoint reads. A member outside it
 * is 400 unknown_field naming it (core/cerr.h). known NULL: the body goes
 * whole to a core function that checks its own members (intake, a workflow
 * step). On failure renders 400 and returns NULL.
 */
json_t *api_body(api_req *rq, http_resp *rs, const char *const *known);
/* The same check of an object inside a body (prefix names it: "customer"); renders 400 and returns -1. */
int api_members(const json_t *obj, const char *prefix, const char *const *known, http_resp *rs);
/* The caller as a workflow actor. */
actor api_actor(const api_req *rq);
/* The caller of an administrative act (core/reach.h): as the router narrowed it. */
reach_caller api_reach_caller(const api_req *rq);
/*
 * Whether rq's caller reaches what belongs to unit_id (> 0), as reach_unit
 * decides: a user at home there, a token of such a user. The lists of
 * administration show only that (GET /users, GET /tokens).
 */
bool api_reaches(app *a, const api_req *rq, int64_t unit_id);
/*
 * reach_unit for rq's caller; when unit_id (0: the whole organisation) is
 * out of reach renders 403, writes a "denied" entry (as api_reach_refused)
 * and returns -1.
 */
int api_reach_unit(app *a, api_req *rq, int64_t unit_id, const char *field, http_resp *rs);
/*
 * Renders a refusal of core/reach.h (e, CERR_USER) and returns -1; a 403
 * ("forbidden") is also a "denied" entry, detail {"reason": "reach",
 * "field", "unit": the code of unit_id}, about the caller's unit and
 * unit_id (0: none), so that the auditors of both see an attempt beyond
 * one's unit or roles.
 */
int api_reach_refused(app *a, api_req *rq, const cerr *e, int64_t unit_id, http_resp *rs);
/* The role names of the bits of roles, in their order (a new reference). */
json_t *api_roles_json(unsigned roles);
/* Parses roles, a non-empty array of role names, into *out; renders 422 naming "roles" and returns -1 when wrong. */
int api_roles(const json_t *roles, unsigned *out, http_resp *rs);

/* Rendering helpers (new references). */
json_t *api_time(const app *a, int64_t t); /* null for 0 */
/* {"id","code","name","name_en"} of a unit, {"id","username","name"} of a
 * user, or JSON null. Cached by the calling thread: put them into one of its
 * replies, never modify them or hand them to another thread. */
json_t *api_unit_ref(app *a, int64_t id);
json_t *api_user_ref(app *a, int64_t id);
/* The id of the unit key (borrowed) names — an id or a code, as a path's {id} — or 0. */
int64_t api_unit_id(app *a, const char *key);
/*
 * A user's name changed: the user references of this node's threads are
 * rendered again at once; those of other nodes (and after a change from
 * the shell) within USER_REF_TTL seconds.
 */
enum { USER_REF_TTL = 10 };
void api_user_refs_changed(void);
/*
 * The calling thread's cache behind them (common.c): a value of a kind
 * rendered for id at version gen, a new reference or NULL; put keeps a
 * reference to value, which must be this thread's own.
 */
enum { REF_UNIT = 1, REF_USER, REF_GUIDANCE };
json_t *api_ref_get(int kind, int64_t id, unsigned long gen);
void api_ref_put(int kind, int64_t id, unsigned long gen, json_t *value);
json_t *api_user_json(app *a, const user *u);
json_t *api_complaint_json(app *a, const complaint *c, bool full, bool en, int64_t now);
/* The clocks of a complaint ({name: clock}, borrowed) as the documented array. */
json_t *api_clocks_json(app *a, const json_t *clocks, int64_t now);
/*
 * A page of the complaint list f as GET /api/v1/complaints renders it —
 * {"items": summaries (whole complaints if f->full) with the customer's data as the caller may see it,
 * "next_cursor"} (a new reference) — or NULL with the failure rendered.
 */
json_t *api_complaint_page(app *a, api_req *rq, const complaint_filter *f, http_resp *rs);
/*
 * Finishes sh (takes it) and answers with it as the file NAME.csv|xlsx,
 * after recording the export as the audit entry (action, subject, detail;
 * detail is taken). rc: a failure while the rows were read (a STORE_*
 * code), answered instead; so is a file that cannot be finished or an
 * export that cannot be recorded — nothing leaves unrecorded.
 */
void api_send_sheet(app *a, const api_req *rq, http_resp *rs, sheet *sh, sheet_format fmt, int rc, const char *action,
                    const char *subject, json_t *detail, const char *name);
/*
 * Renders 400 bad_request naming the first query parameter for which
 * known(name) is false and returns -1; 0 when every one is known.
 */
int api_query_known(api_req *rq, http_resp *rs, bool (*known)(const char *name));
/*
 * Whether the caller may see c: its owner, subject, last handling or an
 * assisting unit lies in the caller's scope (org_scope_root's subtree);
 * and, for a partner system's token, c came from that partner.
 */
bool api_may_see(app *a, const api_req *rq, const complaint *c);
/*
 * What the customer tracking c on the portal is shown, and what the partner
 * system that sent it reads: number, status, receipt, category, the time
 * limit, the customer-facing steps of evs (its timeline) and the reply as
 * written (c's data opened: app_pii_view with clear) — nothing internal.
 */
json_t *api_public_complaint(app *a, const complaint *c, const event_list *evs, bool en);
/*
 * Finds a complaint by {id} (number or numeric id) that the caller may see.
 * Renders 404 — also when it exists outside the caller's scope, so that
 * guessable numbers reveal nothing; that refusal is a "denied" entry
 * (api_hidden) — and returns -1 on failure.
 */
int api_load_complaint(app *a, api_req *rq, const char *key, complaint *out, http_resp *rs);
/*
 * Something that exists but lies outside rq's scope, to be answered as not
 * found: writes a "denied" entry (detail "reason": "scope") about its units
 * units[0..n) alone — not the caller's, so that a caller who reads the
 * audit log of their own scope cannot tell it from what does not exist.
 * Returns STORE_NOTFOUND.
 */
int api_hidden(app *a, api_req *rq, const int64_t *units, size_t n);

/* Handlers. */
void h_health(app *a, api_req *rq, http_resp *rs);
void h_mailboxes_list(app *a, api_req *rq, http_resp *rs);
void h_mailbox_put(app *a, api_req *rq, http_resp *rs);
void h_mailbox_delete(app *a, api_req *rq, http_resp *rs);
void h_mailbox_poll(app *a, api_req *rq, http_resp *rs);
void h_mail_drafts_list(app *a, api_req *rq, http_resp *rs);
void h_mail_draft_get(app *a, api_req *rq, http_resp *rs);
void h_mail_draft_confirm(app *a, api_req *rq, http_resp *rs);
void h_mail_draft_discard(app *a, api_req *rq, http_resp *rs);
void h_metrics(app *a, api_req *rq, http_resp *rs);
/* search_index.c */
void h_search_index_get(app *a, api_req *rq, http_resp *rs);
void h_search_index_merge(app *a, api_req *rq, http_resp *rs);
void h_login(app *a, api_req *rq, http_resp *rs);
void h_logout(app *a, api_req *rq, http_resp *rs);
void h_me(app *a, api_req *rq, http_resp *rs);
void h_password(app *a, api_req *rq, http_resp *rs);
void h_tokens_create(app *a, api_req *rq, http_resp *rs);
void h_tokens_list(app *a, api_req *rq, http_resp *rs);
void h_tokens_delete(app *a, api_req *rq, http_resp *rs);
void h_units_list(app *a, api_req *rq, http_resp *rs);
void h_units_create(app *a, api_req *rq, http_resp *rs);
void h_categories(app *a, api_req *rq, http_resp *rs);
void h_config(app *a, api_req *rq, http_resp *rs);
void h_users_list(app *a, api_req *rq, http_resp *rs);
void h_users_create(app *a, api_req *rq, http_resp *rs);
void h_complaints_create(app *a, api_req *rq, http_resp *rs);
void h_complaints_list(app *a, api_req *rq, http_resp *rs);
/*
 * The answer to an intake (app_intake's rc, c and memo; e when rc is
 * CERR_USER): 201 with the complaint, 200 with "duplicate": true for a
 * reference taken in already (409 when the caller may not see it), or the
 * error. Whatever creates complaints answers through it.
 */
void api_intake_answer(app *a, api_req *rq, int rc, complaint *c, const pii_memo *memo, const cerr *e, int64_t now,
                       http_resp *rs);
/*
 * Readies a parsed listing for the store: its phone as the blind index, its
 * search words (q) as keyed terms weighed by rarity. 0, or -1 with the
 * error sent, naming the parameter after prefix ("" or "filters.").
 */
int api_listq_ready(app *a, listq *l, const char *prefix, http_resp *rs);
/* The same without a reply: 0; -1 with *field (the parameter) and *why set; or a store failure (*field NULL). */
int api_listq_prepare(app *a, listq *l, const char **field, const char **why);
void h_complaint_get(app *a, api_req *rq, http_resp *rs);
void h_complaints_similar(app *a, api_req *rq, http_resp *rs);
void h_views_list(app *a, api_req *rq, http_resp *rs);
void h_views_add(app *a, api_req *rq, http_resp *rs);
void h_views_delete(app *a, api_req *rq, http_resp *rs);
void h_complaint_events(app *a, api_req *rq, http_resp *rs);
void h_complaint_actions(app *a, api_req *rq, http_resp *rs);
void h_complaint_act(app *a, api_req *rq, http_resp *rs);
void h_stats_overview(app *a, api_req *rq, http_resp *rs);
void h_workload(app *a, api_req *rq, http_resp *rs);
/* Each person's open work under unit root and its subtree (GET /workload's items; a new reference), or NULL with *rc. */
json_t *api_workload_json(app *a, int64_t root, int *rc);
/* The overview of GET /stats/overview for the caller's scope at now (a new reference), or NULL with *rc the store's failure. */
json_t *api_stats_json(app *a, const api_req *rq, int64_t now, int *rc);
void h_board(app *a, api_req *rq, http_resp *rs);
void h_audit_verify(app *a, api_req *rq, http_resp *rs);
void h_user_action(app *a, api_req *rq, http_resp *rs);
/* Reports and indicators (api/reports.c). */
void h_reports_list(app *a, api_req *rq, http_resp *rs);
void h_report_get(app *a, api_req *rq, http_resp *rs);
void h_report_satisfaction(app *a, api_req *rq, http_resp *rs);
void h_report_complaints(app *a, api_req *rq, http_resp *rs);
void h_portal_create(app *a, api_req *rq, http_resp *rs);
void h_calendars_list(app *a, api_req *rq, http_resp *rs);
void h_calendar_put(app *a, api_req *rq, http_resp *rs);
void h_calendar_ics(app *a, api_req *rq, http_resp *rs);
void h_supervisions_list(app *a, api_req *rq, http_resp *rs);
void h_supervision_close(app *a, api_req *rq, http_resp *rs);
void h_outbox_list(app *a, api_req *rq, http_resp *rs);
void h_outbox_get(app *a, api_req *rq, http_resp *rs);
void h_outbox_retry(app *a, api_req *rq, http_resp *rs);
void h_outbox_cancel(app *a, api_req *rq, http_resp *rs);
void h_webhooks_list(app *a, api_req *rq, http_resp *rs);
void h_webhook_put(app *a, api_req *rq, http_resp *rs);
void h_webhook_delete(app *a, api_req *rq, http_resp *rs);
void h_notifications_list(app *a, api_req *rq, http_resp *rs);
void h_notification_read(app *a, api_req *rq, http_resp *rs);
void h_notifications_read_all(app *a, api_req *rq, http_resp *rs);
void h_events_stream(app *a, api_req *rq, http_resp *rs);
void h_import_mappings_list(app *a, api_req *rq, http_resp *rs);
void h_import_mapping_get(app *a, api_req *rq, http_resp *rs);
void h_import_mapping_put(app *a, api_req *rq, http_resp *rs);
void h_imports_create(app *a, api_req *rq, http_resp *rs);
void h_import_progress(app *a, api_req *rq, http_resp *rs);
void h_portal_get(app *a, api_req *rq, http_resp *rs);
void h_portal_options(app *a, api_req *rq, http_resp *rs);
void h_portal_published(app *a, api_req *rq, http_resp *rs);
void h_survey_link(app *a, api_req *rq, http_resp *rs);
void h_confirmation_link(app *a, api_req *rq, http_resp *rs);
void h_links_list(app *a, api_req *rq, http_resp *rs);
void h_links_add(app *a, api_req *rq, http_resp *rs);
void h_portal_survey_get(app *a, api_req *rq, http_resp *rs);
void h_portal_survey_post(app *a, api_req *rq, http_resp *rs);
void h_portal_confirm_get(app *a, api_req *rq, http_resp *rs);
void h_portal_confirm_post(app *a, api_req *rq, http_resp *rs);
void h_penalties_list(app *a, api_req *rq, http_resp *rs);
void h_penalty_waive(app *a, api_req *rq, http_resp *rs);
void h_compensations_list(app *a, api_req *rq, http_resp *rs);
void h_authority_totals(app *a, api_req *rq, http_resp *rs);
/* The early warnings the caller may see (GET /trends' items), or NULL with *rc a STORE_* code. */
json_t *api_trends_json(app *a, api_req *rq, int *rc);
void h_trends(app *a, api_req *rq, http_resp *rs);
void h_incidents_list(app *a, api_req *rq, http_resp *rs);
void h_incident_get(app *a, api_req *rq, http_resp *rs);
void h_incident_act(app *a, api_req *rq, http_resp *rs);
/* Incidents opened by hand and their notices to customers (api/incidents.c). */
void h_incidents_create(app *a, api_req *rq, http_resp *rs);
void h_portal_notices(app *a, api_req *rq, http_resp *rs);
/* Appeals' reports to the regulator and their statistics (api/appeals.c). */
void h_appeal_report_get(app *a, api_req *rq, http_resp *rs);
void h_appeal_report_put(app *a, api_req *rq, http_resp *rs);
void h_appeal_report_act(app *a, api_req *rq, http_resp *rs);
void h_appeal_stats(app *a, api_req *rq, http_resp *rs);
void h_unit_contact_put(app *a, api_req *rq, http_resp *rs);
/* The on-duty roster of a unit (api/duty.c). */
void h_unit_duty_get(app *a, api_req *rq, http_resp *rs);
void h_unit_duty_put(app *a, api_req *rq, http_resp *rs);
/* An appeal's report as the API renders it (new reference; NULL when its texts cannot be read): its sealed
 * texts masked, or (clear) in clear for the audited view of POST /complaints/{id}/pii; r's texts are replaced. */
json_t *api_appeal_report_json(app *a, appeal_report *r, bool clear);
/* Announcements of known faults (api/announcements.c). */
void h_announcements_list(app *a, api_req *rq, http_resp *rs);
void h_announcements_create(app *a, api_req *rq, http_resp *rs);
void h_announcement_get(app *a, api_req *rq, http_resp *rs);
void h_announcement_answer(app *a, api_req *rq, http_resp *rs);
void h_announcement_resolve(app *a, api_req *rq, http_resp *rs);
void h_config_versions(app *a, api_req *rq, http_resp *rs);
void h_config_version_get(app *a, api_req *rq, http_resp *rs);
void h_config_version_create(app *a, api_req *rq, http_resp *rs);
void h_config_version_activate(app *a, api_req *rq, http_resp *rs);
/* The timeline items of events evs[0..n) as GET …/events renders them (new reference). */
json_t *api_events_json(app *a, const event *evs, size_t n, bool en);
/* Customer data (api/pii.c, docs/privacy.md). */
void h_complaint_pii(app *a, api_req *rq, http_resp *rs);
void h_customer_lookup(app *a, api_req *rq, http_resp *rs);
void h_customer_export(app *a, api_req *rq, http_resp *rs);
void h_customer_correct(app *a, api_req *rq, http_resp *rs);
void h_complaint_customer(app *a, api_req *rq, http_resp *rs);
void h_customer_erase(app *a, api_req *rq, http_resp *rs);
void h_user_update(app *a, api_req *rq, http_resp *rs);
void h_user_grant(app *a, api_req *rq, http_resp *rs);
void h_user_revoke(app *a, api_req *rq, http_resp *rs);
void h_audit_list(app *a, api_req *rq, http_resp *rs);
void h_checkpoint_list(app *a, api_req *rq, http_resp *rs);
/* Attachments (api/attachments.c). */
void h_attachments_upload(app *a, api_req *rq, http_resp *rs);
void h_attachments_list(app *a, api_req *rq, http_resp *rs);
void h_attachment_get(app *a, api_req *rq, http_resp *rs);
void h_attachment_delete(app *a, api_req *rq, http_resp *rs);
/*
 * Records an audit entry for the caller of rq (its user, or 0 before sign-in,
 * and its address) at the current time. detail (borrowed, may be NULL) is
 * stored as compact JSON text; it must never hold customer data in clear.
 * Returns 0 or a STORE_* code.
 */
int api_audit(app *a, const api_req *rq, const char *action, const char *subject, const json_t *detail);
/* The same for a given actor (sign-in, before the request has a caller). */
int api_audit_as(app *a, const api_req *rq, int64_t actor_id, const char *action, const char *subject,
                 const json_t *detail);
/* api_audit with the unit it concerns given, when its subject no longer
 * names it (a token just revoked); the others derive theirs from the subject
 * (sec/audit.h). */
int api_audit_unit(app *a, const api_req *rq, const char *action, const char *subject, const json_t *detail,
                   int64_t unit_id);
/* A "config_change" of unit_id (subject "unit:<id>"), detail stolen. */
int api_audit_unit_change(app *a, const api_req *rq, int64_t unit_id, json_t *detail);
/*
 * Records that rq was refused: a "denied" entry for its caller whose subject
 * is subject, or (NULL) the route's "endpoint:METHOD PATTERN", and whose
 * detail is {"method","path"} with the members of why (borrowed, may be
 * NULL: "reason", "field", …). units[0..n) (borrowed) are the units it
 * concerns; n 0: the caller's home unit, as for a role denial. Marks rq so
 * the router writes no second entry. Returns 0 or a STORE_* code (the
 * refusal stands either way).
 */
int api_audit_denied(app *a, api_req *rq, const char *subject, const json_t *why, const int64_t *units, size_t n);
/* The category tree of the active pack (new reference). */
json_t *api_category_tree(const policy *p, int parent);
/* The rules that fired, the routed unit, answer_by, the script and survey (api/rules.c) into j. */
void api_rules_json(app *a, const complaint *c, json_t *j);
/* "script" and "survey" of category code (its own or inherited), in one language, into `into`. */
void api_category_guidance(const policy *p, const char *code, bool en, json_t *into);

#endif
