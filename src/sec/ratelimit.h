/*
 * ratelimit: fixed-window counters per key (a client address, a user
 * name), in memory, for the login and the public portal. A small table of
 * buckets; collisions only make the limit stricter for the colliding keys.
 */
#ifndef REDRESS_RATELIMIT_H
#define REDRESS_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/* True if one more hit of kind:key fits in limit per window_s at now. */
bool ratelimit_hit(const char *kind, const char *key, int limit, int window_s, int64_t now);

#endif
