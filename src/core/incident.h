/*
 * incident: the decisions on an incident (危机事件) — raising its response
 * level (1 → 2 → 3, the owner moving one unit up the tree each time, as
 * seed 000 escalates site → station manager asks the company → company),
 * a note, the response team (members and roles), tasks with owners and
 * deadlines, instructions, the notice to customers, closing with a review
 * (summary, lessons), a complaint joining it — each appended to the
 * incident's timeline (data.timeline). An incident is opened by a cluster
 * (app/incident.c) or by hand (incident_open_manual). Pure: the caller passes the time
 * and stores the result with a versioned write.
 */
#ifndef REDRESS_INCIDENT_H
#define REDRESS_INCIDENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/org.h"

/* An incident: complaints grouped by a crisis cluster, with a response level and its timeline (in data). */
typedef struct incident {
    int64_t id;
    char cluster_key[128]; /* "<cluster code>/<anchor unit id>": one open incident per key */
    char cluster[64];
    int64_t anchor_unit;   /* the unit the cluster is about (the station) */
    char status[8];        /* open, closed */
    int level;             /* response level 1..3 */
    int64_t owner_unit;
    int64_t opened_at, closed_at;
    int64_t version;       /* incident_update: the stored version + 1 */
    json_t *data;          /* owned: title, notice, timeline, summary */
    int64_t *complaints;   /* owned, incident_get only: the grouped complaints in order */
    size_t ncomplaints;
} incident;

typedef struct incident_list {
    incident *items;
    size_t n;
} incident_list;
void incident_release(incident *i);
void incident_list_release(incident_list *l);

/* The actions an incident takes through the API, in the order the UI offers them. */
extern const char *const incident_actions[];

/*
 * Decides action (one of incident_actions except "add", which app_incident
 * performs) with input (borrowed) by user `by` at `now` on inc, changing it
 * in place (level, owner, status, closed_at, data.timeline; version + 1).
 * -1 with e: validation_failed naming the field, action_not_allowed when
 * the incident is closed or already at level 3, not_found for an unknown
 * action.
 */
int incident_decide(incident *inc, const org *o, const char *action, const json_t *input, int64_t by,
                    int64_t now, cerr *e);

/*
 * An incident opened by hand (a media or safety complaint, an extortion call,
 * an outage, an inspection: seeds 000, 003, 004) from the body in (borrowed):
 * title, level (the response level 1..3, named by the pack's
 * incident_levels), description. Fills inc (released first; cluster
 * "manual", its key left to the caller) about anchor_unit, with its "open"
 * entry by `by`. CERR_USER with e naming the member on a bad body.
 */
int incident_open_manual(incident *inc, const json_t *in, int64_t anchor_unit, int64_t by, int64_t now, cerr *e);

/* Appends a timeline entry {at, action, by, …extra} to inc (extra: borrowed object or NULL). */
void incident_record(incident *inc, const char *action, int64_t by, int64_t now, const json_t *extra);

#endif
