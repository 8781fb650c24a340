/* pending: see pending.h. */
#include "app/pending.h"

#include <jansson.h>

#include "app/tally.h"

/* Recorded before the month began (from: its first instant). */
static bool before(app *a, const complaint *c, int64_t from)
{
    (void)a;
    return json_integer_value(json_object_get(json_object_get(c->data, "pending_matter"), "since")) < from;
}

/* On or after the pack's day of the month: the open matters from before it, to the ledgers' keepers. */
static bool setup(app *a, int64_t now, tally_spec *s, char *month)
{
    const cases_policy *cp = &app_pol(a)->cases;
    int64_t from = cp->pend_reminder_day ? cases_pending_month(cp, now, app_pol(a)->tz_offset, month, 16) : -1;
    *s = (tally_spec){.filter = {.status = -1, .pending = 1, .now = now, .full = true},
                      .keep = before,
                      .arg = from,
                      .roles = cp->pend_roles,
                      .centres = true,
                      .templ = "pending_reminder",
                      .prefix = "pending"};
    return from >= 0;
}

int app_pending_notice(app *a, int64_t now, char *done, size_t donelen, int *queued)
{
    return tally_notice(a, now, setup, done, donelen, queued);
}
