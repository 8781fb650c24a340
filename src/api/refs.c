/*
 * refs: the units, staff and category texts a reply names, rendered once
 * and kept (api.h: api_ref_get, api_unit_ref, api_user_ref). Below every
 * resource's rendering, so that what renders a reply (common.c, rules.c)
 * shares them without calling each other.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/api.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/*
 * The units, staff and category texts a reply names are rendered once and
 * kept, in a table of each request thread's own: an entry is found by
 * (kind, id, gen), gen a version of what it was rendered from. A kept value
 * is put into that thread's replies by reference, so it is never shared
 * between threads: jansson's reference counts are not safe for that (a
 * plain load of the count, a free without an acquire; ThreadSanitizer
 * reports both). A thread's table is freed when the thread ends.
 */
enum { REF_SLOTS = 512 };
typedef struct ref_entry {
    int kind;
    int64_t id;
    unsigned long gen;
    json_t *value;
} ref_entry;
static pthread_key_t ref_key;
static pthread_once_t ref_once = PTHREAD_ONCE_INIT;

static void ref_table_free(void *p)
{
    ref_entry *t = p;
    for (size_t i = 0; i < REF_SLOTS; i++)
        json_decref(t[i].value);
    free(t);
}

static void ref_key_create(void)
{
    if (pthread_key_create(&ref_key, ref_table_free) != 0)
        die("cannot create the render cache's thread key");
}

/* The calling thread's entry of (id, kind). */
static ref_entry *ref_slot(int64_t id, int kind)
{
    pthread_once(&ref_once, ref_key_create);
    ref_entry *t = pthread_getspecific(ref_key);
    if (!t) {
        t = xcalloc(REF_SLOTS, sizeof *t);
        pthread_setspecific(ref_key, t);
    }
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15u + (uint64_t)kind;
    return &t[(h >> 40) % REF_SLOTS];
}

json_t *api_ref_get(int kind, int64_t id, unsigned long gen)
{
    ref_entry *e = ref_slot(id, kind);
    if (e->value && e->kind == kind && e->id == id && e->gen == gen)
        return json_incref(e->value);
    return NULL;
}

void api_ref_put(int kind, int64_t id, unsigned long gen, json_t *value)
{
    ref_entry *e = ref_slot(id, kind);
    json_decref(e->value);
    *e = (ref_entry){kind, id, gen, json_incref(value)};
}

/* Per version of the unit tree (app.org_gen). */
int64_t api_unit_id(app *a, const char *key)
{
    json_t *k = json_string(key);
    app_enter(a);
    const unit *u = org_resolve(app_org(a), k);
    int64_t id = u ? u->id : 0;
    app_leave(a);
    json_decref(k);
    return id;
}

json_t *api_unit_ref(app *a, int64_t id)
{
    unsigned long gen = app_cur(a)->org_gen;
    json_t *j = api_ref_get(REF_UNIT, id, gen);
    const unit *u = j ? NULL : org_find(app_org(a), id);
    if (u) {
        j = json_object();
        json_object_set_new(j, "id", json_integer(u->id));
        json_object_set_new(j, "code", json_string(u->code));
        json_object_set_new(j, "name", json_string(u->name));
        json_object_set_new(j, "name_en", u->name_en ? json_string(u->name_en) : json_null());
        api_ref_put(REF_UNIT, id, gen, j);
    }
    return j ? j : json_null();
}

/* + 1 whenever a user's name changes on this node. */
static atomic_ulong user_gen;

void api_user_refs_changed(void)
{
    atomic_fetch_add(&user_gen, 1);
}

/*
 * Staff names appear on every timeline entry and every complaint and save a
 * database read each. A name can change (PUT /users/{id}, redress user
 * set): the generation of an entry is this node's count of renames and the
 * period of USER_REF_TTL seconds it was rendered in, so a rename here shows
 * at once and one elsewhere within the period.
 */
json_t *api_user_ref(app *a, int64_t id)
{
    if (!id)
        return json_null();
    unsigned long gen = (unsigned long)atomic_load(&user_gen) << 32 ^ (unsigned long)(time_now() / USER_REF_TTL);
    json_t *j = api_ref_get(REF_USER, id, gen);
    if (j)
        return j;
    user u = {0};
    if (store_user_get(a->db, NULL, id, &u, NULL) != 0)
        return json_null();
    j = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)u.id, "username", u.username, "name", u.name);
    user_release(&u);
    api_ref_put(REF_USER, id, gen, j);
    return j;
}
