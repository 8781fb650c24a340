/* routes: the one route table {method, path, handler, who may call it}. */
#include "api/api.h"

#include "core/workflow.h"

#define CENTRE (R_AGENT | R_SUPERVISOR | R_MANAGER)

const route api_routes[] = {
    {"GET", "/api/v1/health", h_health, AUTH_NONE, 0},
    {"GET", "/metrics", h_metrics, AUTH_NONE, 0},
    {"POST", "/api/v1/auth/login", h_login, AUTH_NONE, 0},
    {"POST", "/api/v1/auth/logout", h_logout, AUTH_SELF, 0},
    {"GET", "/api/v1/auth/me", h_me, AUTH_SELF, 0},
    {"POST", "/api/v1/auth/password", h_password, AUTH_SELF, 0},
    {"GET", "/api/v1/tokens", h_tokens_list, AUTH_USER, R_ADMIN},
    {"POST", "/api/v1/tokens", h_tokens_create, AUTH_USER, R_ADMIN},
    {"DELETE", "/api/v1/tokens/{id}", h_tokens_delete, AUTH_USER, R_ADMIN},
    {"GET", "/api/v1/units", h_units_list, AUTH_USER, 0},
    {"POST", "/api/v1/units", h_units_create, AUTH_USER, R_ADMIN},
    {"GET", "/api/v1/categories", h_categories, AUTH_USER, 0},
    {"GET", "/api/v1/config", h_config, AUTH_USER, 0},
    {"GET", "/api/v1/users", h_users_list, AUTH_USER, R_ADMIN | R_SUPERVISOR | R_MANAGER},
    {"POST", "/api/v1/users", h_users_create, AUTH_USER, R_ADMIN},
    {"POST", "/api/v1/complaints", h_complaints_create, AUTH_USER, CENTRE},
    {"GET", "/api/v1/complaints", h_complaints_list, AUTH_USER, 0},
    {"GET", "/api/v1/complaints/{id}", h_complaint_get, AUTH_USER, 0},
    {"GET", "/api/v1/complaints/{id}/events", h_complaint_events, AUTH_USER, 0},
    {"GET", "/api/v1/complaints/{id}/actions", h_complaint_actions, AUTH_USER, 0},
    {"POST", "/api/v1/complaints/{id}/actions/{action}", h_complaint_act, AUTH_USER, 0},
    {"GET", "/api/v1/stats/overview", h_stats_overview, AUTH_USER, 0},
    {"GET", "/api/v1/calendars", h_calendars_list, AUTH_USER, R_ADMIN | R_SUPERVISOR | R_MANAGER},
    {"PUT", "/api/v1/calendars/{name}", h_calendar_put, AUTH_USER, R_ADMIN},
    {"POST", "/api/v1/calendars/{name}/ics", h_calendar_ics, AUTH_USER, R_ADMIN},
    {"GET", "/api/v1/supervisions", h_supervisions_list, AUTH_USER, R_ADMIN | R_SUPERVISOR | R_MANAGER},
    {"POST", "/api/v1/supervisions/{id}/close", h_supervision_close, AUTH_USER, R_SUPERVISOR | R_MANAGER},
    {"GET", "/api/v1/outbox", h_outbox_list, AUTH_USER, R_ADMIN | R_SUPERVISOR | R_MANAGER},
    {"POST", "/api/v1/portal/complaints", h_portal_create, AUTH_NONE, 0},
    {"GET", "/api/v1/portal/complaints/{number}", h_portal_get, AUTH_NONE, 0},
    {"GET", "/api/v1/portal/options", h_portal_options, AUTH_NONE, 0},
    {"POST", "/api/v1/complaints/{id}/pii", h_complaint_pii, AUTH_USER, 0},
    {"POST", "/api/v1/customers/lookup", h_customer_lookup, AUTH_USER, 0},
    {"POST", "/api/v1/customers/export", h_customer_export, AUTH_USER, 0},
    {"POST", "/api/v1/customers/correct", h_customer_correct, AUTH_USER, 0},
    {"POST", "/api/v1/customers/erase", h_customer_erase, AUTH_USER, R_SUPERVISOR | R_MANAGER},
    {"PUT", "/api/v1/users/{id}/permissions/{perm}", h_user_grant, AUTH_USER, R_ADMIN},
    {"DELETE", "/api/v1/users/{id}/permissions/{perm}", h_user_revoke, AUTH_USER, R_ADMIN},
    {"GET", "/api/v1/audit", h_audit_list, AUTH_USER, R_AUDITOR | R_ADMIN},
    {NULL, NULL, NULL, 0, 0},
};
