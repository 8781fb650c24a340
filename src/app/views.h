/*
 * views: the saved views of the complaint list a person sees (docs/api.md
 * "Saved views") — their own, and those shared with their unit or a unit
 * above it — for the API's tabs and the shell's `redress complaints --view`.
 */
#ifndef REDRESS_APP_VIEWS_H
#define REDRESS_APP_VIEWS_H

#include "app/app.h"

/* The views user_id of unit unit_id sees into out, as the store orders them. 0 or a STORE_* code. */
int app_views_of(app *a, int64_t user_id, int64_t unit_id, saved_view_list *out);

#endif
