/* strv: see strv.h. */
#include "core/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

bool strv_has(char *const *v, const char *s)
{
    if (!v)
        return true;
    for (size_t i = 0; s && v[i]; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

int strv_load(const json_t *v, const char *path, bool (*ok)(const struct taxonomy *, const char *),
              const struct taxonomy *pol, char ***out, cerr *e)
{
    if (!v)
        return 0;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if ((!json_is_string(v) && !json_is_array(v)) || n == 0)
        return cerr_set(e, "invalid_pack", path, "%s: expected a string or a non-empty list of strings", path);
    *out = xcalloc(n + 1, sizeof **out);
    for (size_t i = 0; i < n; i++) {
        const json_t *it = json_is_array(v) ? json_array_get(v, i) : v;
        char f[160];
        if (json_is_array(v))
            snprintf(f, sizeof f, "%s[%zu]", path, i);
        else
            snprintf(f, sizeof f, "%s", path);
        const char *s = json_string_value(it);
        if (!s)
            return cerr_set(e, "invalid_pack", f, "%s: expected a string", f);
        if (ok && !ok(pol, s))
            return cerr_set(e, "invalid_pack", f, "%s: unknown value \"%s\"", f, s);
        (*out)[i] = xstrdup(s);
    }
    return 0;
}
