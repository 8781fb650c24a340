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

int taxonomy_load(taxonomy *t, const json_t *pack, cerr *e)
{
    if (load_categories(t, json_object_get(pack, "categories"), -1, "categories", e))
        return -1;
    if (t->ncats == 0)
        return cerr_set(e, "invalid_pack", "categories", "categories: at least one is needed");
    if (load_named_list(json_object_get(pack, "channels"), "channels", &t->channels, &t->nchannels, e))
        return -1;
    return load_named_list(json_object_get(pack, "customer_classes"), "customer_classes", &t->classes, &t->nclasses,
                           e);
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
