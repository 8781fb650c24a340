/*
 * reload: the configuration check of `redress serve`. Several nodes may
 * serve one PostgreSQL database; a pack published, rolled back or changed
 * (a calendar) on one of them, or a unit added, is stored with a new
 * version. Every RELOAD_PERIOD_S seconds each node compares the stored
 * version and units with its current snapshot (app_refresh) and, when they
 * differ, builds and installs a new one: the change reaches every node
 * within a few seconds, without a restart. Requests under way finish under
 * the snapshot they started with.
 */
#ifndef REDRESS_RELOAD_H
#define REDRESS_RELOAD_H

#include "app/app.h"

enum { RELOAD_PERIOD_S = 2 };

typedef struct reloader reloader;
/* Starts the check on a thread of its own (owned by the caller: reloader_stop);
 * a borrowed until then. NULL if the thread cannot be started (logged). */
reloader *reloader_start(app *a);
/* Stops the check and frees r (may be NULL). */
void reloader_stop(reloader *r);

#endif
