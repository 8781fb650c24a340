/*
 * evidence: the pure rules of files attached to a complaint — which types
 * a pack allows (its "attachments" section, docs/packs.md, else the
 * defaults: images, PDF, audio, video, office documents), which of them a
 * browser may show inline, and the events that add and remove one. The
 * type is what the content says (the edge asks libmagic), never the name.
 */
#ifndef REDRESS_CORE_EVIDENCE_H
#define REDRESS_CORE_EVIDENCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/cerr.h"
#include "core/complaint.h"
#include "core/event.h"

/* The defaults of "attachments.types", NULL-terminated; a type ending in "*" matches what begins so. */
extern const char *const evidence_default_types[];

/* Checks a pack's "attachments" section (absent is fine): 0, or -1 with e naming the member. */
int evidence_validate(const json_t *section, cerr *e);
/* Whether type (a MIME type, no parameters) is allowed by the pack's section (NULL: the defaults). */
bool evidence_allowed(const json_t *section, const char *type);
/*
 * Whether a browser may show type inline from this server: images of the
 * common raster formats, PDF, audio and video. Never HTML, SVG, XML or
 * scripts, whatever a pack allows: those are always downloaded.
 */
bool evidence_inline(const char *type);
/* Audio or video: answered by ranges. */
bool evidence_media(const char *type);

/*
 * The "attach" event of c: payload {"attachment": id, "name": name (sealed),
 * "type", "size", "sha256" of the clear bytes, "blob": hash of the sealed
 * bytes}. Not sealed.
 */
void evidence_attach_event(const complaint *c, int64_t actor, int64_t now, const char *id, const char *name,
                           const char *type, int64_t size, const char *sha256, const char *blob, event *ev);
/* The "detach" event of c: payload {"attachment": id, "reason": reason (sealed)}. */
void evidence_detach_event(const complaint *c, int64_t actor, int64_t now, const char *id, const char *reason,
                           event *ev);

#endif
