/* taxonomy: see taxonomy.h. */
#include "core/taxonomy.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void taxonomy_init(taxonomy *t)
{
    memset(t, 0, sizeof *t);
}

void taxonomy_named_release(named *n)
{
    free(n->code);
    free(n->name);
    free(n->name_en);
}

void taxonomy_release(taxonomy *t)
{
    for (size_t i = 0; i < t->ncats; i++) {
        free(t->cats[i].code);
        free(t->cats[i].name);
        free(t->cats[i].name_en);
    }
    free(t->cats);
    for (size_t i = 0; i < t->nchannels; i++)
        taxonomy_named_release(&t->channels[i]);
    free(t->channels);
    for (size_t i = 0; i < t->nclasses; i++)
        taxonomy_named_release(&t->classes[i]);
    free(t->classes);
    for (size_t i = 0; i < t->nkinds; i++) {
        free(t->kinds[i].code);
        free(t->kinds[i].name);
        free(t->kinds[i].name_en);
        for (char **a = t->kinds[i].actions; a && *a; a++)
            free(*a);
        free(t->kinds[i].actions);
    }
    free(t->kinds);
    taxonomy_init(t);
}

static const char *str_member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int load_named_list(const json_t *arr, const char *path, named **out, size_t *nout, cerr *e)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return cerr_set(e, "invalid_pack", path, "%s: expected a non-empty array", path);
    size_t n = json_array_size(arr);
    *out = xcalloc(n, sizeof **out);
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_array_get(arr, i);
        const char *code = str_member(it, "code"), *name = str_member(it, "name");
        if (!code || !name) {
            char f[96];
            snprintf(f, sizeof f, "%s[%zu]", path, i);
            return cerr_set(e, "invalid_pack", f, "%s: needs string \"code\" and \"name\"", f);
        }
        named *d = &(*out)[(*nout)++];
        d->code = xstrdup(code);
        d->name = xstrdup(name);
        d->name_en = xstrdup(str_member(it, "name_en"));
    }
    return 0;
}

static int load_categories(taxonomy *p, const json_t *arr, int parent, const char *path, cerr *e)
{
    if (!json_is_array(arr))
        return cerr_set(e, "invalid_pack", path, "%s: expected an array", path);
    size_t i;
    const json_t *it;
    json_array_foreach(arr, i, it)
    {
        char f[96];
        snprintf(f, sizeof f, "%s[%zu]", path, i);
        const char *code = str_member(it, "code"), *name = str_member(it, "name");
        if (!code || !name || !*code)
            return cerr_set(e, "invalid_pack", f, "%s: needs string \"code\" and \"name\"", f);
        if (taxonomy_category(p, code))
            return cerr_set(e, "invalid_pack", f, "%s: duplicate category code \"%s\"", f, code);
        p->cats = xrealloc(p->cats, (p->ncats + 1) * sizeof *p->cats);
        category *c = &p->cats[p->ncats];
        c->code = xstrdup(code);
        c->name = xstrdup(name);
        c->name_en = xstrdup(str_member(it, "name_en"));
        c->parent = parent;
        int self = (int)p->ncats++;
        const json_t *kids = json_object_get(it, "children");
        if (kids) {
            char kf[96];
            snprintf(kf, sizeof kf, "%s.children", f);
            if (load_categories(p, kids, self, kf, e))
                return -1;
        }
    }
    return 0;
}

/* A kind's actions: a non-empty array of distinct names (pack_validate checks they are actions). */
static int load_actions(const json_t *arr, const char *path, kind_def *k, cerr *e)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return cerr_set(e, "invalid_pack", path, "%s: expected a non-empty array of actions", path);
    size_t n = json_array_size(arr);
    k->actions = xcalloc(n + 1, sizeof *k->actions);
    for (size_t i = 0; i < n; i++) {
        const char *a = json_string_value(json_array_get(arr, i));
        bool dup = false;
        for (size_t j = 0; a && j < i; j++)
            dup = dup || strcmp(k->actions[j], a) == 0;
        if (!a || !*a || dup) {
            char f[128];
            snprintf(f, sizeof f, "%s[%zu]", path, i);
            return cerr_set(e, "invalid_pack", f, "%s: expected an action's name, once", f);
        }
        k->actions[i] = xstrdup(a);
    }
    return 0;
}

static int load_flag(const json_t *it, const char *key, const char *path, bool *out, cerr *e)
{
    const json_t *v = json_object_get(it, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return cerr_set(e, "invalid_pack", path, "%s.%s: expected true or false", path, key);
    *out = json_is_true(v);
    return 0;
}

/*
 * "kinds": [{code, name, name_en, actions, penalties, counts_as_complaint}];
 * absent = today's two kinds. When given it names "complaint", the default
 * of intake, and never "appeal", which the channel decides.
 */
static int load_kinds(taxonomy *t, const json_t *arr, cerr *e)
{
    static const char *const members[] = {"code", "name", "name_en", "actions", "penalties", "counts_as_complaint",
                                          NULL};
    if (!arr)
        return 0;
    if (!json_is_array(arr) || json_array_size(arr) == 0)
        return cerr_set(e, "invalid_pack", "kinds", "kinds: expected a non-empty array");
    t->kinds = xcalloc(json_array_size(arr), sizeof *t->kinds);
    size_t i;
    const json_t *it;
    json_array_foreach(arr, i, it)
    {
        char f[64], af[96];
        snprintf(f, sizeof f, "kinds[%zu]", i);
        const char *code = str_member(it, "code"), *name = str_member(it, "name");
        if (!code || !name || !*code)
            return cerr_set(e, "invalid_pack", f, "%s: needs string \"code\" and \"name\"", f);
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)it, key, v)
        {
            bool known = false;
            for (const char *const *m = members; *m; m++)
                known = known || strcmp(*m, key) == 0;
            if (!known)
                return cerr_set(e, "invalid_pack", f, "%s.%s: unknown member", f, key);
        }
        if (strcmp(code, "appeal") == 0)
            return cerr_set(e, "invalid_pack", f, "%s: \"appeal\" is decided by the channel (appeals.channels)", f);
        if (taxonomy_kind(t, code))
            return cerr_set(e, "invalid_pack", f, "%s: duplicate kind code \"%s\"", f, code);
        kind_def *k = &t->kinds[t->nkinds++];
        k->code = xstrdup(code);
        k->name = xstrdup(name);
        k->name_en = xstrdup(str_member(it, "name_en"));
        k->penalties = k->counts = true;
        snprintf(af, sizeof af, "%s.actions", f);
        if (json_object_get(it, "actions") && load_actions(json_object_get(it, "actions"), af, k, e))
            return -1;
        if (load_flag(it, "penalties", f, &k->penalties, e) || load_flag(it, "counts_as_complaint", f, &k->counts, e))
            return -1;
    }
    if (!taxonomy_kind(t, "complaint"))
        return cerr_set(e, "invalid_pack", "kinds", "kinds: needs the kind \"complaint\" (the default of intake)");
    return 0;
}

int taxonomy_load(taxonomy *t, const json_t *pack, cerr *e)
{
    if (load_kinds(t, json_object_get(pack, "kinds"), e))
        return -1;
    if (load_categories(t, json_object_get(pack, "categories"), -1, "categories", e))
        return -1;
    if (t->ncats == 0)
        return cerr_set(e, "invalid_pack", "categories", "categories: at least one is needed");
    if (load_named_list(json_object_get(pack, "channels"), "channels", &t->channels, &t->nchannels, e))
        return -1;
    return load_named_list(json_object_get(pack, "customer_classes"), "customer_classes", &t->classes, &t->nclasses, e);
}

int taxonomy_category_index(const taxonomy *p, const char *code)
{
    for (size_t i = 0; i < p->ncats; i++)
        if (strcmp(p->cats[i].code, code) == 0)
            return (int)i;
    return -1;
}

const category *taxonomy_category(const taxonomy *p, const char *code)
{
    int i = taxonomy_category_index(p, code);
    return i < 0 ? NULL : &p->cats[i];
}

static const named *find_named(const named *list, size_t n, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].code, code) == 0)
            return &list[i];
    return NULL;
}

const named *taxonomy_channel(const taxonomy *p, const char *code)
{
    return find_named(p->channels, p->nchannels, code);
}

const named *taxonomy_class(const taxonomy *p, const char *code)
{
    return find_named(p->classes, p->nclasses, code);
}

bool taxonomy_category_within(const taxonomy *p, const char *code, const char *ancestor)
{
    int i = taxonomy_category_index(p, code);
    for (size_t steps = 0; i >= 0 && steps <= p->ncats; steps++) {
        if (strcmp(p->cats[i].code, ancestor) == 0)
            return true;
        assert(p->cats[i].parent < i); /* parents come first: the walk ends */
        i = p->cats[i].parent;
    }
    return false;
}

bool taxonomy_has_category(const taxonomy *p, const char *code)
{
    return taxonomy_category(p, code) != NULL;
}

bool taxonomy_has_channel(const taxonomy *p, const char *code)
{
    return taxonomy_channel(p, code) != NULL;
}

bool taxonomy_has_class(const taxonomy *p, const char *code)
{
    return taxonomy_class(p, code) != NULL;
}

const kind_def *taxonomy_kind(const taxonomy *t, const char *code)
{
    for (size_t i = 0; code && i < t->nkinds; i++)
        if (strcmp(t->kinds[i].code, code) == 0)
            return &t->kinds[i];
    return NULL;
}

bool taxonomy_has_kind(const taxonomy *t, const char *code)
{
    return strcmp(code, "complaint") == 0 || strcmp(code, "appeal") == 0 || taxonomy_kind(t, code);
}

bool taxonomy_kind_allows(const taxonomy *t, const char *code, const char *action)
{
    const kind_def *k = taxonomy_kind(t, code ? code : "complaint");
    if (!k || !k->actions)
        return true;
    for (char **a = k->actions; *a; a++)
        if (strcmp(*a, action) == 0)
            return true;
    return false;
}

bool taxonomy_kind_counts(const taxonomy *t, const char *code)
{
    const kind_def *k = taxonomy_kind(t, code ? code : "complaint");
    return !k || k->counts;
}

bool taxonomy_kind_penalties(const taxonomy *t, const char *code)
{
    const kind_def *k = taxonomy_kind(t, code ? code : "complaint");
    return !k || k->penalties;
}

const char *taxonomy_kind_name(const taxonomy *t, const char *code, bool en)
{
    const kind_def *k = taxonomy_kind(t, code);
    if (k)
        return en && k->name_en ? k->name_en : k->name;
    if (strcmp(code, "complaint") == 0)
        return en ? "Complaint" : "投诉";
    if (strcmp(code, "appeal") == 0)
        return en ? "Appeal" : "申诉";
    return code;
}
