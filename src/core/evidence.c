/* evidence: see evidence.h. */
#include "core/evidence.h"

#include <stdio.h>
#include <string.h>

#include "core/erasure.h"

const char *const evidence_default_types[] = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "image/bmp", "image/tiff",
    "application/pdf", "audio/*", "video/*",
    /* Office documents: Word, Excel, PowerPoint (old and new), OpenDocument, WPS. */
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.*", "application/vnd.oasis.opendocument.*",
    "application/vnd.ms-office", "application/CDFV2", "application/zip",
    /* An e-mail: the original of a complaint taken in by e-mail (app/mailin.c), or one forwarded as evidence. */
    "message/rfc822", NULL};

/* Whether type matches pattern (a trailing '*' matches any rest). */
static bool match(const char *pattern, const char *type)
{
    size_t n = strlen(pattern);
    if (n && pattern[n - 1] == '*')
        return strncmp(pattern, type, n - 1) == 0;
    return strcmp(pattern, type) == 0;
}

static bool type_shape(const char *s)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    return slash && slash > s && slash[1] && strlen(s) < 128 && !strpbrk(s, " ;,\"");
}

int evidence_validate(const json_t *section, cerr *e)
{
    if (!section)
        return 0;
    static const char *const known[] = {"types", NULL};
    if (!json_is_object(section))
    {
        cerr_set(e, "invalid_pack", "attachments", "attachments: expected an object");
        return -1;
    }
    if (cerr_members(e, section, "attachments", known)) {
        if (e)
            e->code = "invalid_pack";
        return -1;
    }
    const json_t *types = json_object_get(section, "types");
    if (!types)
        return 0;
    if (!json_is_array(types) || json_array_size(types) == 0) {
        cerr_set(e, "invalid_pack", "attachments.types", "attachments.types: expected a non-empty array of MIME types");
        return -1;
    }
    size_t i;
    const json_t *t;
    json_array_foreach(types, i, t)
    {
        if (!type_shape(json_string_value(t))) {
            char f[48];
            snprintf(f, sizeof f, "attachments.types[%zu]", i);
            cerr_set(e, "invalid_pack", f, "%s: expected a MIME type such as \"image/png\" or \"audio/*\"", f);
            return -1;
        }
    }
    return 0;
}

bool evidence_allowed(const json_t *section, const char *type)
{
    const json_t *types = section ? json_object_get(section, "types") : NULL;
    if (types) {
        size_t i;
        const json_t *t;
        json_array_foreach(types, i, t) if (match(json_string_value(t), type)) return true;
        return false;
    }
    for (const char *const *p = evidence_default_types; *p; p++)
        if (match(*p, type))
            return true;
    return false;
}

bool evidence_inline(const char *type)
{
    static const char *const safe[] = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp",
                                       "application/pdf", "audio/*", "video/*", NULL};
    for (const char *const *p = safe; *p; p++)
        if (match(*p, type))
            return true;
    return false;
}

bool evidence_media(const char *type)
{
    return match("audio/*", type) || match("video/*", type);
}

void evidence_attach_event(const complaint *c, int64_t actor, int64_t now, const char *id, const char *name,
                           const char *type, int64_t size, const char *sha256, const char *blob, event *ev)
{
    event_head(c, actor, now, "attach", ev);
    json_decref(ev->payload);
    ev->payload = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "attachment", id, "name", name, "type", type, "size",
                            (json_int_t)size, "sha256", sha256, "blob", blob);
}

void evidence_detach_event(const complaint *c, int64_t actor, int64_t now, const char *id, const char *reason,
                           event *ev)
{
    event_head(c, actor, now, "detach", ev);
    json_decref(ev->payload);
    ev->payload = json_pack("{s:s, s:s}", "attachment", id, "reason", reason);
}
