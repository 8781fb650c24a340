/* csv: see csv.h. */
#include "util/csv.h"

#include <string.h>

void csv_cell(buf *out, const char *s, bool last)
{
    s = s ? s : "";
    bool formula = *s && strchr("=+-@\t\r", *s);
    if (strpbrk(s, ",\"\r\n") || formula) {
        buf_putc(out, '"');
        if (formula)
            buf_putc(out, '\'');
        for (const char *p = s; *p; p++) {
            if (*p == '"')
                buf_putc(out, '"');
            buf_putc(out, *p);
        }
        buf_putc(out, '"');
    } else {
        buf_puts(out, s);
    }
    buf_puts(out, last ? "\r\n" : ",");
}
