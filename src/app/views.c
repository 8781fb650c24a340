/* views: see views.h. */
#include "app/views.h"

#include <stdlib.h>

#include "util/xalloc.h"

int app_views_of(app *a, int64_t user_id, int64_t unit_id, saved_view_list *out)
{
    /* The unit and every unit above it: the units whose shared views the person sees. */
    int64_t *units = NULL;
    size_t n = 0;
    app_enter(a);
    for (const unit *u = unit_id ? org_find(app_org(a), unit_id) : NULL; u && n < 64;
         u = u->parent ? org_find(app_org(a), u->parent) : NULL) {
        units = xrealloc(units, (n + 1) * sizeof *units);
        units[n++] = u->id;
    }
    app_leave(a);
    int rc = store_view_list(a->db, user_id, units, n, out);
    free(units);
    return rc;
}
