/*
 * pack: the whole-document check of a policy pack, for `redress pack
 * validate` and for a pack uploaded through the API. It loads the pack as
 * the server would (policy_load with every section) and then checks what
 * only init and the UI read: the unit template (codes, types, parents
 * before children) and the descriptive sections (natures, scopes, scripts
 * and survey questions, incident levels). Pure.
 */
#ifndef REDRESS_PACK_H
#define REDRESS_PACK_H

#include <jansson.h>

#include "core/cerr.h"

/* 0 if pack (borrowed) is a valid pack; else -1 with e naming the first bad JSON path. */
int pack_validate(json_t *pack, cerr *e);

#endif
