/*
 * appeals: the appeals' reports to the regulator (migration 019,
 * core/appeal.h), written once for both backends over the driver.
 */
#ifndef REDRESS_STORE_APPEALS_H
#define REDRESS_STORE_APPEALS_H

#include <stddef.h>
#include <stdint.h>

#include "core/appeal.h"
#include "store/store.h"

typedef struct appeal_report_list {
    appeal_report *items;
    size_t n;
} appeal_report_list;
void appeal_report_list_release(appeal_report_list *l);

/* The report of appeal complaint_id into out (released first); STORE_NOTFOUND when it has none. */
int store_appeal_get(store *s, int64_t complaint_id, appeal_report *out);

/* Stores r as the appeal's first report unless it has one (then nothing is written). */
int store_appeal_add(store *s, const appeal_report *r);

/* Writes r if the stored version is r->version - 1; STORE_CONFLICT otherwise. */
int store_appeal_update(store *s, const appeal_report *r);

/* The reports of the appeals received in [from, to), oldest first, at most limit. */
int store_appeal_list(store *s, int64_t from, int64_t to, int limit, appeal_report_list *out);

typedef struct appeal_contact_list {
    appeal_contact *items;
    size_t n;
} appeal_contact_list;
void appeal_contact_list_release(appeal_contact_list *l);

/* Names user_id the appeals contact of unit_id (by `by` at `at`), replacing any; user_id 0 removes the unit's. */
int store_appeal_contact_set(store *s, int64_t unit_id, int64_t user_id, int64_t by, int64_t at);

/* Every unit's appeals contact, by unit (migration 022). */
int store_appeal_contact_list(store *s, appeal_contact_list *out);

#endif
