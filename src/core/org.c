/* org: see org.h. */
#include "core/org.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void org_init(org *o)
{
    o->units = NULL;
    o->n = o->cap = 0;
}

void org_release(org *o)
{
    for (size_t i = 0; i < o->n; i++) {
        free(o->units[i].code);
        free(o->units[i].name);
        free(o->units[i].name_en);
        free(o->units[i].type);
    }
    free(o->units);
    org_init(o);
}

void org_add(org *o, const unit *u)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 16;
        o->units = xrealloc(o->units, o->cap * sizeof *o->units);
    }
    unit *d = &o->units[o->n++];
    d->id = u->id;
    d->code = xstrdup(u->code);
    d->name = xstrdup(u->name);
    d->name_en = xstrdup(u->name_en);
    d->type = xstrdup(u->type);
    d->parent = u->parent;
}

const unit *org_find(const org *o, int64_t id)
{
    for (size_t i = 0; i < o->n; i++)
        if (o->units[i].id == id)
            return &o->units[i];
    return NULL;
}

const unit *org_find_code(const org *o, const char *code)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->units[i].code, code) == 0)
            return &o->units[i];
    return NULL;
}

const unit *org_resolve(const org *o, const json_t *v)
{
    if (json_is_integer(v))
        return org_find(o, json_integer_value(v));
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    const unit *u = org_find_code(o, s);
    if (u)
        return u;
    char *end;
    long long id = strtoll(s, &end, 10);
    if (*s && !*end)
        return org_find(o, id);
    return NULL;
}

bool org_within(const org *o, int64_t unit_id, int64_t ancestor)
{
    /* Bounded walk: a corrupt cycle cannot loop forever. */
    for (size_t steps = 0; unit_id && steps <= o->n; steps++) {
        if (unit_id == ancestor)
            return true;
        const unit *u = org_find(o, unit_id);
        if (!u)
            return false;
        unit_id = u->parent;
    }
    return false;
}

int64_t *org_subtree(const org *o, int64_t root, size_t *n_out)
{
    int64_t *ids = xmalloc((o->n + 1) * sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < o->n; i++)
        if (org_within(o, o->units[i].id, root))
            ids[n++] = o->units[i].id;
    *n_out = n;
    return ids;
}

int64_t org_scope_root(const org *o, int64_t unit_id)
{
    const unit *u = org_find(o, unit_id);
    if (!u)
        return 0;
    if (strcmp(u->type, "centre") == 0 && u->parent)
        return u->parent;
    return u->id;
}

bool org_type_valid(const char *type)
{
    static const char *types[] = {"hq", "branch", "region", "site", "department", "centre", "partner"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(type, types[i]) == 0)
            return true;
    return false;
}
