/*
 * taxonomy: how the policy pack classifies a complaint — the category tree
 * (categories[], with children), the channels it arrives by, the customer
 * classes, the kinds of work order (kinds[]: complaint, consultation,
 * repair …, each with the workflow actions it allows), and how many levels
 * there are. Parsed from the pack by
 * taxonomy_load (called from policy_load) and consulted by every module that
 * checks or matches those codes: the time limits (sla), the grading rules
 * (rules), the closing and penalty rules (cases), intake (workflow).
 *
 * It lies below policy (which holds it) and includes no core module but
 * cerr, so the modules policy is made of read the codes from here and never
 * include policy.h (the order of core/ is in workflow.h).
 */
#ifndef REDRESS_TAXONOMY_H
#define REDRESS_TAXONOMY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/cerr.h"

enum { LEVEL_MAX = 3 };

typedef struct named {
    char *code;
    char *name;
    char *name_en;
} named;

typedef struct category {
    char *code;
    char *name;
    char *name_en;
    int parent; /* index into taxonomy.cats, -1 for a top-level category */
} category;

/*
 * A kind of work order (kinds[] of the pack). A pack without kinds has the
 * two of today, complaint and appeal (core/cases.h), and no entries here.
 */
typedef struct kind_def {
    char *code, *name, *name_en;
    char **actions; /* NULL-terminated: the people's actions it allows; NULL = every one */
    bool penalties; /* closing needs the pack's closing fields and writes penalty entries */
    bool counts;    /* counts as a complaint in the complaint indicators */
} kind_def;

/* Invariant: codes are unique within each list; a category's parent comes before it. */
typedef struct taxonomy {
    category *cats;
    size_t ncats;
    named *channels;
    size_t nchannels;
    named *classes;
    size_t nclasses;
    kind_def *kinds; /* empty when the pack has no "kinds" */
    size_t nkinds;
} taxonomy;

void taxonomy_init(taxonomy *t);
void taxonomy_release(taxonomy *t);
/* Frees the strings of one named entry (also the policy's levels). */
void taxonomy_named_release(named *n);
/*
 * Reads "categories" (at least one), "channels" and "customer_classes" (each
 * a non-empty list) of pack (borrowed) into t. On error -1 with e naming the
 * JSON path (e.g. "categories[2].code"); t then holds what was read, for
 * taxonomy_release.
 */
int taxonomy_load(taxonomy *t, const json_t *pack, cerr *e);

/* Borrowed lookups; NULL / -1 when absent. */
int taxonomy_category_index(const taxonomy *t, const char *code);
const category *taxonomy_category(const taxonomy *t, const char *code);
const named *taxonomy_channel(const taxonomy *t, const char *code);
const named *taxonomy_class(const taxonomy *t, const char *code);
/* True when code is ancestor or one of its descendants. */
bool taxonomy_category_within(const taxonomy *t, const char *code, const char *ancestor);
/* Whether a category / channel / class of that code exists (the checks of strv_load). */
bool taxonomy_has_category(const taxonomy *t, const char *code);
bool taxonomy_has_channel(const taxonomy *t, const char *code);
bool taxonomy_has_class(const taxonomy *t, const char *code);
/*
 * The pack's kind code (borrowed; NULL when absent). "appeal" is never one:
 * it comes from the channel (core/cases.h).
 */
const kind_def *taxonomy_kind(const taxonomy *t, const char *code);
/* A code intake accepts: complaint, appeal, or one of the pack's kinds. */
bool taxonomy_has_kind(const taxonomy *t, const char *code);
/* Whether a complaint of kind code may take action (a person's action; code NULL = complaint). */
bool taxonomy_kind_allows(const taxonomy *t, const char *code, const char *action);
/* Whether kind code counts in the complaint indicators; whether closing one writes penalties. */
bool taxonomy_kind_counts(const taxonomy *t, const char *code);
bool taxonomy_kind_penalties(const taxonomy *t, const char *code);
/* The kind's name (static or borrowed): the pack's, else 投诉 / 申诉; code itself when unknown. */
const char *taxonomy_kind_name(const taxonomy *t, const char *code, bool en);

#endif
