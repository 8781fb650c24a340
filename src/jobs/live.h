/*
 * live: the feed of the open pages' streams (app/live.h). One thread per
 * serving process reads, every interval, what the store holds that is
 * newer than what it last saw — in-app notices (any node's deliverer may
 * have written them) and the events of complaints (any node's steps) —
 * and queues them on the hub's streams: a notice to its person, a
 * complaint's change to everyone who sees the complaint. Every heartbeat
 * seconds it sends each stream a comment (which keeps proxies from closing
 * it and finds a reader that went away) and ends the streams whose session
 * or token is no longer valid (signed out on another node, timed out).
 *
 * Reading the store, not listening to this process, is what makes it work
 * on several nodes. On PostgreSQL ids are taken before their transactions
 * commit, so a row with a lower id may appear after a higher one was read:
 * each read looks LIVE_LOOKBACK ids back and skips the rows already sent.
 */
#ifndef REDRESS_JOBS_LIVE_H
#define REDRESS_JOBS_LIVE_H

#include "app/app.h"

enum { LIVE_LOOKBACK = 64 };

typedef struct live_feed live_feed;

/* Starts the feed of a->live (which must be set); NULL if it cannot start. */
live_feed *live_feed_start(app *a, int interval_ms, int heartbeat_s);
/* Stops it (NULL: nothing). */
void live_feed_stop(live_feed *f);

#endif
