/*
 * org: the organisation tree (HQ → branch → region → site, plus functional
 * departments and the service centre) held in memory. Units are few (tens to
 * a few thousand), so lookups are linear scans or small walks; the tree is
 * loaded from the store at start and after every change.
 */
#ifndef REDRESS_ORG_H
#define REDRESS_ORG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct unit {
    int64_t id;
    char *code;
    char *name;
    char *name_en; /* may be NULL */
    char *type;    /* hq, branch, region, site, department, centre */
    int64_t parent; /* 0 for the root(s) */
} unit;

typedef struct org {
    unit *units;
    size_t n, cap;
} org;

void org_init(org *o);
void org_release(org *o);
/* Appends a copy of u (strings are duplicated). */
void org_add(org *o, const unit *u);
/* Borrowed pointers into o, valid until o changes; NULL if absent. */
const unit *org_find(const org *o, int64_t id);
const unit *org_find_code(const org *o, const char *code);
/* Resolves a JSON integer id or string code (or numeric string). */
const unit *org_resolve(const org *o, const json_t *v);
/* True when unit is ancestor itself or lies below it. */
bool org_within(const org *o, int64_t unit_id, int64_t ancestor);
/* Ids of root and every unit below it, into a heap array the caller frees. */
int64_t *org_subtree(const org *o, int64_t root, size_t *n_out);
/*
 * The root of what a member of unit_id may see: the unit itself, except
 * that the service centre (type "centre") receives and tracks complaints
 * for its whole parent organisation, so its members see the parent's
 * subtree. Returns 0 if unit_id is unknown.
 */
int64_t org_scope_root(const org *o, int64_t unit_id);
/* Known unit types (partner: a cooperating partner, an SI, outside the company's own tree of units). */
bool org_type_valid(const char *type);

#endif
