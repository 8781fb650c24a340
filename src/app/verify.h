/*
 * verify: rebuilding a complaint from its events and checking its chain
 * (redress verify).
 */
#ifndef REDRESS_APP_VERIFY_H
#define REDRESS_APP_VERIFY_H

#include "app/app.h"

/* Rebuilds complaint id from its events into out and checks the chain.
 * Returns 0 if intact, else -1 with a message naming the first problem. */
int app_verify_complaint(app *a, int64_t id, char *msg, size_t msglen);

#endif
