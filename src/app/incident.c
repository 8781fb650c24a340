/*
 * app_incident: crisis clustering and incidents (危机事件). After a
 * complaint is stored, the pack's cluster rules (core/rules.c) look for the
 * earlier complaints it completes a cluster with; the first complaint to do
 * so opens the cluster's incident (the store keeps one open incident per
 * cluster key, so concurrent intakes meet in the same one), every member is
 * linked to it once, graded to the cluster's level by a system "incident"
 * event (re-planning its clocks), and the unit the cluster names is told
 * (an outbox row) when the incident opens. Later complaints join the same
 * incident while it is open. The incident's own steps (raise, note, close)
 * are decided by core/incident.c and stored with a versioned write.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/duty.h"
#include "app/incident.h"
#include "app/result.h"
#include "app/act.h"
#include "app/rules.h"
#include "core/incident.h"
#include "core/rules.h"
#include "util/log.h"
#include "util/xalloc.h"

static const actor system_actor = {0, R_SYSTEM, 0};

/* Appends a timeline entry to incident id with a versioned write, retried on conflict. */
static int record(app *a, int64_t id, const char *action, int64_t by, int64_t now, const json_t *extra)
{
    int rc = STORE_CONFLICT;
    for (int attempt = 0; attempt == 0 || app_retry(rc, attempt - 1); attempt++) {
        incident inc = {0};
        rc = store_incident_get(a->db, id, &inc);
        if (rc == 0) {
            incident_record(&inc, action, by, now, extra);
            inc.version++;
            rc = store_incident_update(a->db, &inc);
        }
        incident_release(&inc);
    }
    return rc;
}

/*
 * Links complaint cid to incident id (once) and grades it with a system
 * event. Returns 0 (also when it was linked already), or a STORE_* code.
 */
static int link_one(app *a, int64_t id, int64_t cid, int level, int64_t by, int64_t now, bool journal)
{
    bool added = false;
    int rc = store_incident_link(a->db, id, cid, now, &added);
    if (rc || !added)
        return rc;
    char ids[24], lv[4];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    snprintf(lv, sizeof lv, "%d", level);
    json_t *in = json_pack("{s:s,s:s}", "incident", ids, "level", lv);
    complaint out;
    complaint_init(&out);
    cerr e = CERR_INIT;
    rc = app_act(a, &system_actor, cid, "incident", in, -1, now, &out, &e);
    /* A closed complaint still belongs to the incident; it is just not
     * re-graded. A failure of the store is the caller's. */
    if (rc == CERR_USER) {
        log_msg(LOG_INFO, "complaint %" PRId64 " grouped into incident %" PRId64 " without an event: %s", cid, id,
                e.message);
        rc = 0;
    }
    if (rc == 0 && journal) {
        json_t *x = json_pack("{s:I}", "complaint", (json_int_t)cid);
        rc = record(a, id, "add", by, now, x);
        json_decref(x);
    }
    complaint_release(&out);
    json_decref(in);
    return rc;
}

/* A cluster the new complaint completes, decided first and acted on after the search. */
typedef struct cluster_hit {
    const cluster_rule *cr; /* borrowed from the active policy */
    int64_t anchor, notify_unit;
    int64_t *ids; /* owned: the earlier members */
    size_t n;
} cluster_hit;

typedef struct cluster_ctx {
    app *a;
    const complaint *c;
    cluster_hit hits[8];
    size_t nhits;
} cluster_ctx;

static int on_cluster(void *arg, const cluster_rule *cr, int64_t anchor, const int64_t *ids, size_t n)
{
    cluster_ctx *x = arg;
    if (x->nhits == sizeof x->hits / sizeof x->hits[0])
        return 0;
    cluster_hit *h = &x->hits[x->nhits++];
    h->cr = cr;
    h->anchor = anchor;
    h->notify_unit = rules_resolve(&app_pol(x->a)->rules, app_org(x->a), &cr->notify_to, x->c->subject_unit);
    h->ids = xcalloc(n + 1, sizeof *h->ids);
    memcpy(h->ids, ids, n * sizeof *ids);
    h->n = n;
    return 0;
}

/*
 * What an incident that opens queues: the people of the cluster's notify
 * roles (app/duty.h) and, with channel internal, the in-app list of its
 * unit; keys "c<id>/incident<id>/…". The caller holds a snapshot.
 */
static int cluster_rows(app *a, const complaint *c, const incident *inc, const cluster_hit *h, int64_t now)
{
    const cluster_rule *cr = h->cr;
    outbox_list rows = {0};
    int rc = 0;
    if (cr->notify_reach.nroles) {
        int64_t units[RULE_MAX_ROLES];
        rules_reach_units(&app_pol(a)->rules, app_org(a), &cr->notify_reach, h->notify_unit, c->subject_unit, units);
        app_people p;
        rc = app_people_load(a, now, &p);
        if (rc == 0)
            app_people_notify(a, &p, &cr->notify_reach, units, a->notify_email, h->notify_unit, &rows.items,
                              &rows.n);
        app_people_release(&p);
    }
    json_t *pl = json_pack("{s:s,s:I,s:o?}", "number", c->number, "incident", (json_int_t)inc->id, "message",
                           json_deep_copy(cr->notify_message));
    char *text = json_dumps(pl, JSON_COMPACT);
    json_decref(pl);
    char base[64];
    snprintf(base, sizeof base, "c%" PRId64 "/incident%" PRId64, c->id, inc->id);
    app_people_fill(rows.items, rows.n, c->id, "incident_opened", text, base);
    if (cr->notify_reach.channels & RN_INTERNAL) {
        rows.items = xrealloc(rows.items, (rows.n + 1) * sizeof *rows.items);
        outbox_msg *m = &rows.items[rows.n++];
        memset(m, 0, sizeof *m);
        m->created_at = now;
        m->complaint_id = c->id;
        snprintf(m->channel, sizeof m->channel, "internal");
        m->recipient_unit = h->notify_unit;
        snprintf(m->template_name, sizeof m->template_name, "incident_opened");
        m->payload = xstrdup(text);
        snprintf(m->key, sizeof m->key, "%s/unit%" PRId64, base, h->notify_unit);
    }
    if (rc == 0 && rows.n)
        rc = store_outbox_add(a->db, rows.items, rows.n);
    free(text);
    outbox_list_release(&rows);
    return rc;
}

/* Opens or joins the incident of hit h for complaint c. */
static int act_on_cluster(app *a, const complaint *c, const cluster_hit *h, int64_t now)
{
    const cluster_rule *cr = h->cr;
    incident inc = {0};
    snprintf(inc.cluster_key, sizeof inc.cluster_key, "%s/%" PRId64, cr->code, h->anchor);
    snprintf(inc.cluster, sizeof inc.cluster, "%s", cr->code);
    inc.anchor_unit = h->anchor;
    inc.owner_unit = h->anchor;
    inc.level = 1;
    inc.opened_at = now;
    inc.data = json_pack("{s:o,s:o?,s:i}", "title", json_deep_copy(cr->name), "notice",
                         json_deep_copy(cr->notify_message), "complaint_level",
                         cr->level);
    if (h->notify_unit)
        json_object_set_new(inc.data, "notified_unit", json_integer(h->notify_unit));
    json_t *members = json_array();
    for (size_t i = 0; i < h->n; i++)
        json_array_append_new(members, json_integer(h->ids[i]));
    json_array_append_new(members, json_integer(c->id));
    json_t *opened = json_pack("{s:o}", "complaints", members);
    incident_record(&inc, "open", 0, now, opened);
    json_decref(opened);
    bool created = false;
    int rc = store_incident_open(a->db, &inc, &created);
    if (rc)
        goto out;
    /* Members known when it opened are in its first timeline entry; later ones get an "add" each. */
    for (size_t i = 0; i < h->n && !rc; i++)
        rc = link_one(a, inc.id, h->ids[i], cr->level, 0, now, !created);
    if (!rc)
        rc = link_one(a, inc.id, c->id, cr->level, 0, now, !created);
    if (!rc && created && h->notify_unit)
        rc = cluster_rows(a, c, &inc, h, now);
out:
    incident_release(&inc);
    return rc;
}

int app_cluster(app *a, const complaint *c, const json_t *payload, int64_t now, bool *grouped)
{
    *grouped = false;
    app_enter(a);
    if (!app_pol(a)->rules.nclusters) {
        app_leave(a);
        return 0;
    }
    rules_facts f;
    rules_facts_of(payload, &f);
    f.subject_unit = c->subject_unit;
    app_window w = {a, c->id};
    cluster_ctx x = {a, c, {{0}}, 0};
    int rc = rules_clusters(&app_pol(a)->rules, &app_pol(a)->tax, app_org(a), &f, app_rules_window, &w, on_cluster, &x);
    for (size_t i = 0; i < x.nhits; i++) {
        if (rc == 0)
            rc = act_on_cluster(a, c, &x.hits[i], now);
        *grouped = *grouped || rc == 0;
        free(x.hits[i].ids);
    }
    app_leave(a);
    return rc;
}

/*
 * The notice to customers goes out through the notification channels: an
 * outbox row to the unit the incident concerns (its webhooks and people),
 * once per version of the notice; the portal lists it (GET /portal/notices).
 */
static int queue_notice(app *a, const incident *inc, int64_t now)
{
    const json_t *n = json_object_get(inc->data, "customer_notice");
    json_t *pl = json_pack("{s:I,s:O,s:O}", "incident", (json_int_t)inc->id, "title", json_object_get(inc->data, "title"),
                           "notice", json_object_get(n, "text"));
    char *text = json_dumps(pl, JSON_COMPACT);
    json_decref(pl);
    outbox_msg m = {0};
    m.created_at = now;
    snprintf(m.channel, sizeof m.channel, "internal");
    m.recipient_unit = inc->anchor_unit;
    snprintf(m.template_name, sizeof m.template_name, "incident_notice");
    m.payload = text;
    snprintf(m.key, sizeof m.key, "incident%" PRId64 "/notice/v%" PRId64, inc->id, inc->version);
    int rc = store_outbox_add(a->db, &m, 1);
    free(text);
    return rc;
}

int app_incident_open(app *a, const actor *who, const json_t *in, int64_t unit_id, const complaint *c, int64_t now,
                      incident *out, cerr *e)
{
    int rc = incident_open_manual(out, in, c ? c->subject_unit : unit_id, who->id, now, e);
    if (rc)
        return rc;
    /* Many incidents may be open by hand at once: each its own key. */
    snprintf(out->cluster_key, sizeof out->cluster_key, "manual/%08" PRIx32 "%08" PRIx32 "/%" PRId64,
             randombytes_random(), randombytes_random(), now);
    bool created = false;
    rc = store_incident_open(a->db, out, &created);
    if (rc == 0 && !created)
        rc = STORE_CONFLICT;
    if (rc == 0 && c)
        rc = link_one(a, out->id, c->id, c->level, who->id, now, true);
    return rc ? rc : store_incident_get(a->db, out->id, out);
}

int app_incident_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input, int64_t now,
                     incident *out, cerr *e)
{
    if (strcmp(action, "add") == 0) {
        const json_t *cv = json_object_get(input, "complaint");
        complaint c;
        complaint_init(&c);
        int rc = STORE_NOTFOUND;
        if (json_is_integer(cv))
            rc = store_complaint_get(a->db, json_integer_value(cv), NULL, &c);
        else if (json_is_string(cv) && *json_string_value(cv))
            rc = store_complaint_get(a->db, 0, json_string_value(cv), &c);
        if (rc == STORE_NOTFOUND) {
            complaint_release(&c);
            return cerr_set(e, "validation_failed", "complaint", "complaint: 工单不存在 (no such complaint)");
        }
        if (rc) {
            complaint_release(&c);
            return rc;
        }
        int64_t cid = c.id;
        int own_level = c.level;
        complaint_release(&c);
        rc = store_incident_get(a->db, id, out);
        if (rc == STORE_NOTFOUND)
            return cerr_set(e, "not_found", "", "事件不存在 (no such incident)");
        if (rc)
            return rc;
        if (strcmp(out->status, "open") != 0)
            return cerr_set(e, "action_not_allowed", "", "事件已关闭 (the incident is closed)");
        for (size_t i = 0; i < out->ncomplaints; i++)
            if (out->complaints[i] == cid)
                return cerr_set(e, "validation_failed", "complaint", "complaint: 已在该事件中 (already in this incident)");
        /* A cluster grades its members to its level; an incident opened by hand leaves them theirs. */
        int level = (int)json_integer_value(json_object_get(out->data, "complaint_level"));
        if (strcmp(out->cluster, "manual") == 0)
            level = own_level;
        rc = link_one(a, id, cid, level ? level : 1, who->id, now, true);
        return rc ? rc : store_incident_get(a->db, id, out);
    }
    int rc = STORE_CONFLICT;
    for (int attempt = 0; attempt == 0 || app_retry(rc, attempt - 1); attempt++) {
        rc = store_incident_get(a->db, id, out);
        if (rc == STORE_NOTFOUND)
            return cerr_set(e, "not_found", "", "事件不存在 (no such incident)");
        if (rc)
            return rc;
        app_enter(a);
        rc = incident_decide(out, app_org(a), action, input, who->id, now, e) ? CERR_USER : 0;
        app_leave(a);
        if (rc)
            return rc;
        rc = store_incident_update(a->db, out);
        if (rc == 0 && strcmp(action, "notice") == 0)
            rc = queue_notice(a, out, now);
        if (rc != STORE_CONFLICT)
            return rc;
    }
    return cerr_set(e, "version_conflict", "", "事件已被他人更新，请刷新后重试 (someone acted first)");
}
