/*
 * incident: crisis clustering at intake and the actions on an incident
 * (core/incident.h).
 */
#ifndef REDRESS_APP_INCIDENT_H
#define REDRESS_APP_INCIDENT_H

#include "app/app.h"
#include "core/incident.h"

/*
 * Crisis clustering for stored complaint c (its intake payload borrowed):
 * opens or joins the cluster's incident, links and grades the members and
 * queues the notification. *grouped: c joined an incident. 0 or a STORE_* code.
 */
int app_cluster(app *a, const complaint *c, const json_t *payload, int64_t now, bool *grouped /* OUT */);
/*
 * Opens an incident by hand for who (core: incident_open_manual) about
 * complaint c (borrowed, may be NULL: from nothing), which then joins it at
 * its own level, or else about unit_id. out (zeroed or released) holds it.
 * 0, CERR_USER with e, or a STORE_* code.
 */
int app_incident_open(app *a, const actor *who, const json_t *in, int64_t unit_id, const complaint *c, int64_t now,
                      incident *out, cerr *e);
/*
 * Takes an incident action ("add" {complaint}, "raise" {note}, "note"
 * {note}, "team" {user, role}, "task" {title, owner, due}, "task_done" {no},
 * "instruct" {text}, "notice" {text}: also queued to the unit's
 * notification channels, "close" {summary, lessons}) for who; out (zeroed or released by the
 * caller) holds the incident afterwards. 0, CERR_USER with e, or a STORE_* code.
 */
int app_incident_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input, int64_t now,
                     incident *out, cerr *e);

#endif
