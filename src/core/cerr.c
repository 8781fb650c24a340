/* cerr: see cerr.h. */
#include "core/cerr.h"

#include <stdarg.h>
#include <stdio.h>

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
