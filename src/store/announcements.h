/*
 * announcements: the announcements of known faults (migration 019,
 * core/announce.h), written once for both backends over the driver, and the
 * complaints linked to one (the projection's announcement column).
 */
#ifndef REDRESS_STORE_ANNOUNCEMENTS_H
#define REDRESS_STORE_ANNOUNCEMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/announce.h"
#include "store/store.h"

/* Stores a new announcement a (its id, version ignored); its id into *id. */
int store_announcement_add(store *s, const announcement *a, int64_t *id);

/* Announcement id into out (released first); STORE_NOTFOUND when there is none. */
int store_announcement_get(store *s, int64_t id, announcement *out);

/* The announcements, newest first, at most limit: every one, or (active) those not resolved. */
int store_announcement_list(store *s, bool active, int limit, announcement_list *out);

/*
 * Writes a's resolution (status, resolved_at, resolved_by, resolution) if
 * the stored version is a->version - 1; STORE_CONFLICT otherwise.
 */
int store_announcement_update(store *s, const announcement *a);

/*
 * The ids of the complaints linked to announcement id, oldest first: all of
 * them, or (open) those not yet closed. *ids is a heap array the caller frees.
 */
int store_announcement_complaints(store *s, int64_t id, bool open, int64_t **ids, size_t *n);

#endif
