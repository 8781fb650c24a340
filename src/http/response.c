/* response: the parts of http.h that do not depend on the transport, so a
 * stand-in transport (the fuzz harnesses' tests/fuzz/fixture.c) shares them. */
#include <stdlib.h>

#include "http/http.h"
#include "util/xalloc.h"

void http_set_header(http_resp *rs, const char *name, const char *value)
{
    if (rs->nheaders == MAX_HEADERS)
        return;
    rs->headers[rs->nheaders].name = xstrdup(name);
    rs->headers[rs->nheaders].value = xstrdup(value);
    rs->nheaders++;
}

void http_resp_release(http_resp *rs)
{
    buf_release(&rs->body);
    for (int i = 0; i < rs->nheaders; i++) {
        free(rs->headers[i].name);
        free(rs->headers[i].value);
    }
    rs->nheaders = 0;
}
