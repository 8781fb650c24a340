/* unresolvable: see unresolvable.h. */
#include "app/unresolvable.h"

#include <jansson.h>

#include "app/tally.h"

/* Recorded before the period now's review is of began: its closing is due. */
static bool due(app *a, const complaint *c, int64_t now)
{
    int64_t at = json_integer_value(json_object_get(json_object_get(c->data, "unresolvable"), "at"));
    char key[16];
    return cases_unresolvable_from(&app_pol(a)->cases, at, app_pol(a)->tz_offset, key, sizeof key) <= now;
}

/* The cases due in now's period (the pack's quarter or month), to the approvers. */
static bool setup(app *a, int64_t now, tally_spec *s, char *period)
{
    const cases_policy *cp = &app_pol(a)->cases;
    if (!cp->unres_period)
        return false;
    cases_unresolvable_from(cp, now, app_pol(a)->tz_offset, period, 16); /* now's period */
    *s = (tally_spec){.filter = {.status = -1, .unresolvable = 1, .now = now, .full = true},
                      .keep = due,
                      .arg = now,
                      .roles = cp->unres_approvers,
                      .templ = "unresolvable_review",
                      .prefix = "unresolvable"};
    return true;
}

int app_unresolvable_notice(app *a, int64_t now, char *done, size_t donelen, int *queued)
{
    return tally_notice(a, now, setup, done, donelen, queued);
}
