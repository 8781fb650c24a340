/* act: see act.h. */
#include "app/act.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ledger.h"
#include "app/contacts.h"
#include "app/notify.h"
#include "app/pii.h"
#include "app/rules.h"
#include "app/search.h"
#include "app/result.h"
#include "util/xalloc.h"


int app_staff_load(app *a, const complaint *c, wf_ctx *ctx, app_staff *s)
{
    memset(s, 0, sizeof *s);
    const wf_action *assign = workflow_find("assign");
    if (!(assign->from & (1u << c->status)) || !(assign->roles & ctx->who->roles))
        return 0; /* nobody to offer: it cannot be assigned now, or not by this caller */
    int rc = store_user_list_unit(a->db, c->owner_unit, &s->users);
    if (rc)
        return rc;
    s->people = xcalloc(s->users.n + 1, sizeof *s->people);
    size_t n = 0;
    for (size_t i = 0; i < s->users.n; i++)
        if (s->users.items[i].active && (s->users.items[i].roles & R_HANDLER))
            s->people[n++] = (wf_person){s->users.items[i].id, s->users.items[i].name};
    ctx->staff = s->people;
    ctx->nstaff = n;
    return 0;
}

void app_staff_release(app_staff *s)
{
    user_list_release(&s->users);
    free(s->people);
}

/* One attempt of app_act; STORE_CONFLICT is returned as is for the retry loop. */
static int act_once(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
                    int64_t expected_version, int64_t now, complaint *out, cerr *e)
{
    complaint cur;
    complaint_init(&cur);
    event ev;
    event_init(&ev);
    app_staff staff = {0}; /* assign's candidates (app_staff_load) */
    rules_outcome regrade;  /* correct's rules on the corrected record (app_rules_corrected) */
    rules_outcome_init(&regrade);
    int rc = store_complaint_get(a->db, id, NULL, &cur);
    if (rc == STORE_NOTFOUND) {
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
        goto out;
    }
    if (rc)
        goto out;
    /* Who may not take the action at all is told so (403), whatever the
     * version they hold: a conflict would invite them to retry in vain. */
    wf_ctx ctx = {app_pol(a), app_org(a), who, now, NULL, 0, NULL};
    const wf_action *act = workflow_find(action);
    if (!act) {
        rc = cerr_set(e, "not_found", "", "没有这个操作 (unknown action \"%s\")", action);
        goto out;
    }
    if (workflow_permitted(&ctx, &cur, act, e)) {
        rc = CERR_USER;
        goto out;
    }
    if (expected_version >= 0 && expected_version != cur.version) {
        rc = cerr_set(e, "version_conflict", "", "工单已被他人更新，请刷新后重试 (version %lld is current)",
                      (long long)cur.version);
        goto out;
    }
    /* A dispatch that names no unit goes where the routing rules sent it. */
    json_t *routed = NULL;
    json_t *route = json_object_get(cur.data, "route_unit");
    if (strcmp(action, "dispatch") == 0 && route && json_is_object(input) && !json_object_get(input, "unit")) {
        routed = json_copy((json_t *)input);
        json_object_set(routed, "unit", route);
    }
    if (act->id == WF_ASSIGN && (rc = app_staff_load(a, &cur, &ctx, &staff)))
        goto out;
    /* A corrected category, unit or class meets the pack's rules again (app/rules.h). */
    if (act->id == WF_CORRECT && (rc = app_rules_corrected(a, &cur, input, &regrade)))
        goto out;
    ctx.regrade = &regrade;
    rc = workflow_step(&ctx, &cur, action, routed ? routed : input, &ev, e) ? CERR_USER : 0;
    json_decref(routed);
    if (rc == 0) {
        app_search_step(a, &ev); /* from the clear text, before it is sealed */
        rc = app_pii_seal_step(a, &cur, &ev, e);
    }
    if (rc)
        goto out;
    ev.key = app_events_key(a);
    event_seal(&ev);
    complaint_release(out);
    complaint_copy(out, &cur);
    workflow_apply(out, &ev);
    ledger_rows rows;
    ledger_rows_init(&rows);
    /* The notifications to people (app/notify.h) follow the ledger's notice. */
    outbox_msg *msgs = NULL;
    size_t nmsgs = 0;
    if (ledger_rows_of(out, &ev, &rows) && rows.nmsgs) {
        msgs = xcalloc(rows.nmsgs, sizeof *msgs);
        memcpy(msgs, rows.msgs, rows.nmsgs * sizeof *msgs);
        nmsgs = rows.nmsgs;
    }
    size_t borrowed = nmsgs; /* payloads of rows.msgs: rows' */
    rc = app_notify_rows(a, out, &ev, &msgs, &nmsgs);
    if (rc == 0)
        rc = app_contact_notify_rows(a, out, &ev, &msgs, &nmsgs);
    if (rc == 0 && act->id == WF_CORRECT)
        rc = app_rules_corrected_rows(a, &regrade, out, &ev, now, &msgs, &nmsgs);
    if (rc == 0 && (rows.npens || rows.ncomps || nmsgs)) {
        /* Ledger entries, compensations and notifications go in the event's transaction. */
        store_write w = {.c = out, .was = &cur, .ev = &ev, .msgs = msgs, .nmsgs = nmsgs, .pens = rows.pens,
                         .npens = rows.npens, .comps = rows.comps, .ncomps = rows.ncomps};
        rc = store_complaint_write(a->db, &w, 1, app_pol(a)->tz_offset);
        if (rc == 0)
            rc = w.rc;
    } else if (rc == 0) {
        rc = store_complaint_update(a->db, &cur, out, &ev, app_pol(a)->tz_offset);
    }
    if (nmsgs > borrowed) /* (no pointer arithmetic on a NULL msgs) */
        app_notify_release(msgs + borrowed, nmsgs - borrowed);
    free(msgs);
    ledger_rows_release(&rows);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
out:
    rules_outcome_release(&regrade);
    app_staff_release(&staff);
    complaint_release(&cur);
    event_release(&ev);
    return rc;
}

int app_act(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
            int64_t expected_version, int64_t now, complaint *out, cerr *e)
{
    /*
     * Without If-Match the caller means "whatever is current": when another
     * step lands between our read and our write, decide again on the new
     * state (the guards run again, so nothing illegal slips through).
     */
    app_enter(a);
    int rc;
    for (int attempt = 0;; attempt++) {
        rc = act_once(a, who, id, action, input, expected_version, now, out, e);
        assert(app_result_ok(rc));
        if (rc != STORE_CONFLICT)
            break;
        if (expected_version >= 0 || !app_retry(rc, attempt)) {
            rc = cerr_set(e, "version_conflict", "", "工单已被他人更新，请刷新后重试 (someone acted first)");
            break;
        }
    }
    app_leave(a);
    return rc;
}

/* app_change and app_change_write: the event's rows in w, or none (NULL). */
static int change(app *a, int64_t id, app_event_fn build, void *arg, bool erase, store_write *w, cerr *e)
{
    int rc = STORE_CONFLICT;
    app_enter(a);
    for (int attempt = 0; attempt == 0 || app_retry(rc, attempt - 1); attempt++) {
        complaint cur, next;
        complaint_init(&cur);
        complaint_init(&next);
        event ev;
        event_init(&ev);
        rc = store_complaint_get(a->db, id, NULL, &cur);
        if (rc == 0)
            rc = build(a, &cur, &ev, arg, e);
        if (rc == 0) {
            ev.key = app_events_key(a);
            event_seal(&ev);
            complaint_release(&next); /* complaint_copy overwrites without releasing */
            complaint_copy(&next, &cur);
            workflow_apply(&next, &ev);
            if (w) {
                w->c = &next;
                w->was = &cur;
                w->ev = &ev;
                w->rc = 0;
                rc = store_complaint_write(a->db, w, 1, app_pol(a)->tz_offset);
                if (rc == 0)
                    rc = w->rc;
            } else {
                rc = erase ? store_complaint_erase(a->db, &cur, &next, &ev, app_pol(a)->tz_offset)
                           : store_complaint_update(a->db, &cur, &next, &ev, app_pol(a)->tz_offset);
            }
        }
        complaint_release(&cur);
        complaint_release(&next);
        event_release(&ev);
    }
    app_leave(a);
    assert(rc == 1 || app_result_ok(rc));
    return rc;
}

int app_change(app *a, int64_t id, app_event_fn build, void *arg, bool erase, cerr *e)
{
    return change(a, id, build, arg, erase, NULL, e);
}

int app_change_write(app *a, int64_t id, app_event_fn build, void *arg, store_write *w, cerr *e)
{
    return change(a, id, build, arg, false, w, e);
}
