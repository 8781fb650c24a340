/*
 * surveys: the revisit's single-use survey links (migration 012), written
 * once for both backends over the driver. Only a link's hash is stored.
 */
#ifndef REDRESS_STORE_SURVEYS_H
#define REDRESS_STORE_SURVEYS_H

#include <stdint.h>

#include "store/store.h"

typedef struct survey_link {
    int64_t id, complaint_id, created_by, created_at, expires_at, used_at; /* used_at 0 = unused */
} survey_link;

/* Stores a new link (its token's hash) for complaint_id; its id into *id. */
int store_survey_link_add(store *s, const uint8_t hash[32], int64_t complaint_id, int64_t created_by, int64_t now,
                          int64_t expires_at, int64_t *id);

/* The link whose token hashes to hash; STORE_NOTFOUND when there is none. */
int store_survey_link_get(store *s, const uint8_t hash[32], survey_link *out);

/* Marks link id used at now, unless it was used already (then STORE_NOTFOUND:
 * exactly one answer is ever taken). */
int store_survey_link_use(store *s, int64_t id, int64_t now);

#endif
