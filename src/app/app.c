/* app: see app.h. */
#include "app/app.h"

#include <assert.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sec/pii.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- snapshots ------------------------------------------------------------------ */

static app_snap *snap_new(void)
{
    static atomic_ulong last_seq;
    app_snap *s = xcalloc(1, sizeof *s);
    atomic_init(&s->refs, 1);
    s->seq = atomic_fetch_add(&last_seq, 1) + 1;
    policy_init(&s->pol);
    org_init(&s->org);
    return s;
}

void app_snap_release(app_snap *s)
{
    if (!s)
        return;
    long before = atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel);
    assert(before > 0);
    if (before == 1) {
        policy_release(&s->pol);
        org_release(&s->org);
        free(s);
    }
}

app_snap *app_acquire(app *a)
{
    pthread_mutex_lock(&a->snap_mu);
    app_snap *s = a->snap;
    assert(s);
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    pthread_mutex_unlock(&a->snap_mu);
    return s;
}

/* What the calling thread holds between app_enter and app_leave. */
static _Thread_local struct {
    const app *a;
    app_snap *s;
    int depth;
} held;

void app_enter(app *a)
{
    assert(held.depth == 0 || held.a == a);
    if (held.depth++ == 0) {
        held.a = a;
        held.s = app_acquire(a);
    }
}

void app_leave(app *a)
{
    assert(held.depth > 0 && held.a == a);
    (void)a;
    if (--held.depth == 0) {
        app_snap_release(held.s);
        held.s = NULL;
        held.a = NULL;
    }
}

const app_snap *app_cur(const app *a)
{
    assert(held.depth > 0 && held.a == a && held.s);
    (void)a;
    return held.s;
}

/*
 * Makes fresh (building, taken over) current if base is still current, and
 * then has the calling thread hold it if it holds one; else frees fresh.
 * True when fresh was installed.
 */
static bool install(app *a, const app_snap *base, app_snap *fresh)
{
    pthread_mutex_lock(&a->snap_mu);
    app_snap *old = a->snap == base ? a->snap : NULL;
    if (old)
        a->snap = fresh;
    pthread_mutex_unlock(&a->snap_mu);
    if (!old) {
        app_snap_release(fresh);
        return false;
    }
    app_snap_release(old);
    if (held.depth > 0 && held.a == a) {
        app_snap *was = held.s;
        held.s = app_acquire(a);
        app_snap_release(was);
    }
    return true;
}

static void org_copy(org *to, const org *from)
{
    for (size_t i = 0; i < from->n; i++)
        org_add(to, &from->units[i]);
}

/*
 * A new snapshot (building) on base: the policy of pack (borrowed) at
 * version, or base's when pack is NULL; the units of units (taken over,
 * left empty), or a copy of base's when NULL. NULL with e when pack is
 * invalid.
 */
static app_snap *snap_build(const app_snap *base, json_t *pack, int64_t version, org *units, cerr *e)
{
    app_snap *s = snap_new();
    json_t *from = pack ? pack : base->pol.raw;
    if (from && policy_load(&s->pol, from, e)) {
        app_snap_release(s);
        return NULL;
    }
    s->pol_version = pack ? version : base->pol_version;
    if (units) {
        s->org = *units;
        org_init(units);
        s->org_gen = base->org_gen + 1;
    } else {
        org_copy(&s->org, &base->org);
        s->org_gen = base->org_gen;
    }
    return s;
}

static bool org_same(const org *x, const org *y)
{
    if (x->n != y->n)
        return false;
    for (size_t i = 0; i < x->n; i++) {
        const unit *u = &x->units[i], *v = &y->units[i];
        if (u->id != v->id || u->parent != v->parent || strcmp(u->code, v->code) != 0 ||
            strcmp(u->name, v->name) != 0 || strcmp(u->type, v->type) != 0 ||
            strcmp(u->name_en ? u->name_en : "", v->name_en ? v->name_en : "") != 0)
            return false;
    }
    return true;
}

/* The stored configuration version (0 when none is recorded). */
static int stored_version(app *a, int64_t *version)
{
    char *text = NULL;
    int rc = store_config_get(a->db, "pack_version", &text);
    *version = rc == 0 ? strtoll(text, NULL, 10) : 0;
    free(text);
    return rc == STORE_NOTFOUND ? 0 : rc;
}

/* The pack of version (0: the active one without a version), parsed into *pack
 * (new reference). STORE_NOTFOUND without a pack, or a STORE_* code. */
static int stored_pack(app *a, int64_t version, json_t **pack)
{
    char *text = NULL;
    pack_version v = {0};
    int rc = version ? store_pack_version_get(a->db, version, &v) : STORE_NOTFOUND;
    if (rc == 0) {
        text = v.pack;
        v.pack = NULL;
    } else if (rc == STORE_NOTFOUND) {
        rc = store_config_get(a->db, "pack", &text);
    }
    pack_version_release(&v);
    *pack = rc == 0 ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (rc == 0 && !*pack) {
        log_error("the stored policy pack is not valid JSON");
        rc = STORE_ERROR;
    }
    return rc;
}

int app_refresh(app *a, bool *changed)
{
    if (changed)
        *changed = false;
    int64_t version = 0;
    org units;
    org_init(&units);
    json_t *pack = NULL;
    int rc = stored_version(a, &version);
    if (rc == 0)
        rc = store_unit_load(a->db, &units);
    for (bool done = rc != 0; !done;) {
        app_snap *base = app_acquire(a);
        bool new_pack = version > base->pol_version;
        bool new_units = units.n >= base->org.n && !org_same(&units, &base->org);
        if (new_pack && !pack && (rc = stored_pack(a, version, &pack)) == STORE_NOTFOUND) {
            rc = 0;
            new_pack = base->pol_version < 0; /* no pack yet (before init): loaded as empty */
        }
        done = rc != 0 || !(new_pack || new_units);
        if (!done) {
            cerr e = CERR_INIT;
            org mine;
            org_init(&mine);
            if (new_units)
                org_copy(&mine, &units);
            app_snap *fresh = snap_build(base, new_pack ? pack : NULL, version, new_units ? &mine : NULL, &e);
            org_release(&mine);
            if (!fresh) {
                log_error("the stored policy pack (version %lld) is damaged: %s", (long long)version, e.message);
                rc = STORE_ERROR;
            } else if (new_pack && !pack) {
                fresh->pol_version = version; /* no pack stored: an empty policy */
            }
            done = !fresh || install(a, base, fresh);
            if (fresh && done && changed)
                *changed = true;
        }
        app_snap_release(base);
    }
    json_decref(pack);
    org_release(&units);
    assert(rc <= 0);
    return rc;
}

int app_open(app *a, const char *url, bool need_pack, char *err, size_t errlen)
{
    return app_open_with(a, url, NULL, need_pack, err, errlen);
}

int app_open_with(app *a, const char *url, const store_options *so, bool need_pack, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    pthread_mutex_init(&a->snap_mu, NULL);
    a->snap = snap_new();
    a->snap->pol_version = -1;
    a->db = store_open_with(url, so, err, errlen);
    if (!a->db)
        return -1;
    if (app_refresh(a, NULL)) {
        snprintf(err, errlen, "cannot load the configuration from the database (is its policy pack damaged?)");
        return -1;
    }
    if (need_pack && !a->snap->pol.name) {
        snprintf(err, errlen, "the database has no policy pack: run `redress init --pack NAME` first");
        return -1;
    }
    return 0;
}

void app_close(app *a)
{
    if (held.depth > 0 && held.a == a) {
        held.depth = 1;
        app_leave(a);
    }
    /* The customer-data keys app_pii_open loaded (app/pii.h), wiped. */
    pii_keyring_free(a->pii);
    a->pii = NULL;
    sodium_memzero(a->pii_index, sizeof a->pii_index);
    sodium_memzero(a->search_key, sizeof a->search_key);
    sodium_memzero(a->chain_key, sizeof a->chain_key);
    sodium_memzero(&a->chain, sizeof a->chain);
    a->chain_ready = false;
    a->pii_ready = false;
    store_close(a->db);
    a->db = NULL;
    app_snap_release(a->snap);
    a->snap = NULL;
    pthread_mutex_destroy(&a->snap_mu);
}

int app_reload_org(app *a)
{
    return app_refresh(a, NULL);
}

int app_active_user(app *a, const json_t *key, const char *field, int64_t *id, cerr *e)
{
    const char *name = json_string_value(key);
    int64_t n = json_is_integer(key) ? json_integer_value(key) : 0;
    *id = 0;
    if ((!name || !*name) && n <= 0)
        return cerr_set(e, "validation_failed", field, "%s: 应为用户名或用户编号 (expected a username or a user id)",
                        field);
    user u = {0};
    int rc = store_user_get(a->db, name, n, &u, NULL);
    bool active = rc == 0 && u.active;
    *id = u.id;
    user_release(&u);
    if (rc == STORE_NOTFOUND || (rc == 0 && !active))
        return cerr_set(e, "validation_failed", field, "%s: 没有这个在用的用户 (no such active user)", field);
    return rc;
}

int app_set_pack(app *a, json_t *pack, cerr *e)
{
    app_snap *s = app_acquire(a);
    const char *reason = s->pol.name ? "calendar changed" : "initial pack";
    app_snap_release(s);
    return app_pack_publish(a, pack, 0, reason, 0, time_now(), NULL, e);
}

int app_pack_publish(app *a, json_t *pack, int64_t by, const char *reason, int64_t source, int64_t now,
                     int64_t *version, cerr *e)
{
    app_snap *base = app_acquire(a);
    app_snap *fresh = snap_build(base, pack, 0, NULL, e);
    if (!fresh) {
        app_snap_release(base);
        return CERR_USER;
    }
    char *text = json_dumps(pack, JSON_COMPACT | JSON_SORT_KEYS);
    pack_version v = {0, now, by, source, (char *)reason, text};
    int rc = store_pack_version_add(a->db, &v);
    free(text);
    if (rc) {
        app_snap_release(fresh);
        app_snap_release(base);
        return cerr_set(e, "unavailable", "", "cannot store the pack");
    }
    if (version)
        *version = v.version;
    /* Versions only grow: whatever is current and older gives way to this
     * one (built again on it if the units changed meanwhile). */
    fresh->pol_version = v.version;
    while (!install(a, base, fresh)) {
        app_snap_release(base);
        base = app_acquire(a);
        if (base->pol_version >= v.version)
            break;
        fresh = snap_build(base, pack, v.version, NULL, e);
        assert(fresh); /* the same pack loaded a moment ago */
    }
    app_snap_release(base);
    return 0;
}
