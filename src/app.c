/* app: see app.h. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/xalloc.h"

int app_open(app *a, const char *url, bool need_pack, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    policy_init(&a->pol);
    org_init(&a->org);
    pthread_rwlock_init(&a->org_lock, NULL);
    a->db = store_open(url, err, errlen);
    if (!a->db)
        return -1;
    char *text = NULL;
    int rc = a->db->ops->config_get(a->db, "pack", &text);
    if (rc == STORE_NOTFOUND && !need_pack)
        return app_reload_org(a);
    if (rc != 0) {
        snprintf(err, errlen, "the database has no policy pack: run `redress init --pack NAME` first");
        return -1;
    }
    json_error_t jerr;
    json_t *pack = json_loads(text, 0, &jerr);
    free(text);
    cerr e;
    if (!pack || policy_load(&a->pol, pack, &e)) {
        snprintf(err, errlen, "the stored policy pack is damaged: %s", pack ? e.message : jerr.text);
        json_decref(pack);
        return -1;
    }
    json_decref(pack);
    return app_reload_org(a);
}

void app_close(app *a)
{
    store_close(a->db);
    a->db = NULL;
    policy_release(&a->pol);
    org_release(&a->org);
    pthread_rwlock_destroy(&a->org_lock);
}

int app_reload_org(app *a)
{
    org fresh;
    org_init(&fresh);
    if (a->db->ops->unit_load(a->db, &fresh)) {
        org_release(&fresh);
        return -1;
    }
    pthread_rwlock_wrlock(&a->org_lock);
    org old = a->org;
    a->org = fresh;
    pthread_rwlock_unlock(&a->org_lock);
    org_release(&old);
    return 0;
}

int app_set_pack(app *a, json_t *pack, cerr *e)
{
    policy p;
    if (policy_load(&p, pack, e)) {
        policy_release(&p);
        return -1;
    }
    char *text = json_dumps(pack, JSON_COMPACT);
    int rc = a->db->ops->config_set(a->db, "pack", text);
    free(text);
    if (rc) {
        policy_release(&p);
        return cerr_set(e, "unavailable", "", "cannot store the pack");
    }
    policy_release(&a->pol);
    a->pol = p;
    return 0;
}

int app_intake(app *a, const actor *who, const json_t *input, int64_t now, complaint *out, cerr *e)
{
    event ev;
    event_init(&ev);
    pthread_rwlock_rdlock(&a->org_lock);
    wf_ctx ctx = {&a->pol, &a->org, who, now};
    int rc = workflow_intake(&ctx, input, &ev, e);
    pthread_rwlock_unlock(&a->org_lock);
    if (rc == 0)
        rc = a->db->ops->complaint_create(a->db, a->pol.number_prefix, a->pol.tz_offset, &ev, out);
    event_release(&ev);
    return rc;
}

/* One attempt of app_act; STORE_CONFLICT is returned as is for the retry loop. */
static int act_once(app *a, const actor *who, int64_t id, const char *action, const json_t *input,
                    int64_t expected_version, int64_t now, complaint *out, cerr *e)
{
    complaint cur;
    complaint_init(&cur);
    event ev;
    event_init(&ev);
    int rc = a->db->ops->complaint_get(a->db, id, NULL, &cur);
    if (rc == STORE_NOTFOUND) {
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
        goto out;
    }
    if (rc)
        goto out;
    if (expected_version >= 0 && expected_version != cur.version) {
        rc = cerr_set(e, "version_conflict", "", "工单已被他人更新，请刷新后重试 (version %lld is current)",
                      (long long)cur.version);
        goto out;
    }
    pthread_rwlock_rdlock(&a->org_lock);
    wf_ctx ctx = {&a->pol, &a->org, who, now};
    rc = workflow_step(&ctx, &cur, action, input, &ev, e);
    pthread_rwlock_unlock(&a->org_lock);
    if (rc)
        goto out;
    event_seal(&ev);
    complaint_release(out);
    complaint_copy(out, &cur);
    workflow_apply(out, &ev);
    rc = a->db->ops->complaint_update(a->db, out, &ev, a->pol.tz_offset);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
out:
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
    for (int attempt = 0;; attempt++) {
        int rc = act_once(a, who, id, action, input, expected_version, now, out, e);
        if (rc != STORE_CONFLICT)
            return rc;
        if (expected_version >= 0 || attempt == 20)
            return cerr_set(e, "version_conflict", "", "工单已被他人更新，请刷新后重试 (someone acted first)");
    }
}

int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen)
{
    complaint stored, rebuilt;
    complaint_init(&stored);
    complaint_init(&rebuilt);
    event_list evs = {0};
    int rc = -1;
    if (a->db->ops->complaint_get(a->db, id, NULL, &stored) || a->db->ops->event_list(a->db, id, &evs)) {
        snprintf(msg, msglen, "complaint %lld: cannot be read", (long long)id);
        goto out;
    }
    uint8_t prev[32] = {0};
    for (size_t i = 0; i < evs.n; i++) {
        event *e = &evs.items[i];
        if (e->seq != (int64_t)i + 1) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %zu) does not match its stored columns or is out of order",
                     stored.number, (long long)e->id, i + 1);
            goto out;
        }
        if (memcmp(e->prev, prev, 32) != 0) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %lld) does not follow the previous event's hash",
                     stored.number, (long long)e->id, (long long)e->seq);
            goto out;
        }
        if (!event_hash_ok(e) || e->complaint_id != id) {
            snprintf(msg, msglen, "complaint %s: event #%lld (seq %lld, %s) was altered: its hash does not match",
                     stored.number, (long long)e->id, (long long)e->seq, e->action);
            goto out;
        }
        workflow_apply(&rebuilt, e);
        memcpy(prev, e->hash, 32);
    }
    const char *diff = evs.n ? complaint_diff(&stored, &rebuilt) : "events";
    if (diff) {
        snprintf(msg, msglen, "complaint %s (id %lld): the stored row differs from its events in \"%s\"",
                 stored.number, (long long)id, diff);
        goto out;
    }
    rc = 0;
out:
    complaint_release(&stored);
    complaint_release(&rebuilt);
    event_list_release(&evs);
    return rc;
}
