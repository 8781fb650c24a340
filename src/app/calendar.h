/*
 * calendar: the pack's working calendars as the administrator changes
 * them — a document, an iCalendar import — and the re-planning of the open
 * complaints with a clock on a changed calendar (core/sla.h).
 */
#ifndef REDRESS_APP_CALENDAR_H
#define REDRESS_APP_CALENDAR_H

#include "app/app.h"

/* The pack's calendars as {name: document} (new reference), and the default's name. */
json_t *app_calendars(app *a, const char **default_name);
/*
 * Sets calendar name to doc (borrowed) in the active pack, then re-plans
 * the open complaints with a clock on it (a `replan` event each, through
 * the versioned update). *replanned (OUT) counts them. Returns 0, CERR_USER with e
 * (invalid_pack with the JSON path of the mistake), or a STORE_* code.
 */
int app_set_calendar(app *a, const char *name, const json_t *doc, int64_t now, long *replanned, cerr *e);
/*
 * Adds the holidays and make-up workdays of an iCalendar text (text[0..len))
 * to calendar name, as app_set_calendar. *imported (OUT) counts the events.
 * e->code "not_found" when there is no such calendar.
 */
int app_import_ics(app *a, const char *name, const char *text, size_t len, int64_t now, size_t *imported,
                   long *replanned, cerr *e);
/* Re-plans every open complaint with an open clock on calendar name. */
int app_replan(app *a, const char *name, int64_t now, long *replanned);

#endif
