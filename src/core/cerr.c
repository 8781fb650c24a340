/* cerr: see cerr.h. */
#include "core/cerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cerr_set(cerr *e, const char *code, const char *field, const char *fmt, ...)
{
    if (!e)
        return CERR_USER;
    e->code = code;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return CERR_USER;
}

int cerr_unknown(cerr *e, const char *path)
{
    return cerr_set(e, CERR_UNKNOWN_FIELD, path, "%s: 不支持的字段 (unknown field)", path);
}

int cerr_members(cerr *e, const json_t *obj, const char *prefix, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        const char *const *k = known;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (*k)
            continue;
        char path[96];
        if (prefix && *prefix)
            snprintf(path, sizeof path, "%s.%s", prefix, key);
        else
            snprintf(path, sizeof path, "%s", key);
        return cerr_unknown(e, path);
    }
    return 0;
}
