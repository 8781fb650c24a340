/*
 * erasure: the two events of a customer's rights that change what is held
 * about them (DOMAIN §11, seed 004) — `correct` and `anonymise` — and how
 * they apply to the projection. Pure, like the rest of core/.
 *
 * Customer data and free text reach core/ already sealed by the edges
 * (sec/pii.h): strings that begin with PII_SEALED_PREFIX, opaque here. That
 * is what makes anonymising simple and complete: `anonymise` replaces every
 * sealed string of the data document with PII_ANONYMISED and clears the
 * phone index, so the customer's name, numbers, address and whatever they
 * wrote into the description, the demand or a later step's remarks are
 * gone from the projection, while the numbers, categories, units, dates and
 * levels that the statistics count stay as they were. The edges destroy the
 * complaint's data key in the same transaction, so the sealed copies in the
 * older events can never be opened again, while their hashes still chain
 * and replaying them still rebuilds the anonymised projection.
 */
#ifndef REDRESS_ERASURE_H
#define REDRESS_ERASURE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/complaint.h"
#include "core/event.h"

#define PII_SEALED_PREFIX "pii1:"
/* What an anonymised value reads as. */
#define PII_ANONYMISED "***"

/* True when s (may be NULL) is a sealed value. */
bool pii_is_sealed(const char *s);

/*
 * The `anonymise` event of c (stays in its status) by actor at now, with
 * reason "request" or "retention", into ev (initialised by the caller; not
 * sealed). The payload records when and why, never what was removed.
 */
void erasure_event(const complaint *c, int64_t actor, int64_t now, const char *reason, event *ev);
/*
 * The `correct` event of c: payload {"customer": fields (borrowed, copied;
 * values already sealed), "phone_key": index or absent}. Not sealed.
 */
void correction_event(const complaint *c, int64_t actor, int64_t now, const json_t *fields,
                      const char *phone_key, event *ev);

/* Applies an `anonymise` / `correct` event (called by workflow_apply). */
void erasure_apply(complaint *c, const event *ev);
void correction_apply(complaint *c, const event *ev);

/* True when c was anonymised. */
bool erasure_done(const complaint *c);

#endif
