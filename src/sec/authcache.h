/*
 * authcache: a short-lived in-memory cache of "token hash → caller", so that
 * the bearer token of every request does not cost a database read. Entries
 * live AUTHCACHE_TTL seconds; signing out or revoking on this node forgets
 * them at once (authcache_forget / authcache_clear). On several nodes a
 * revocation elsewhere takes effect within the TTL.
 */
#ifndef REDRESS_AUTHCACHE_H
#define REDRESS_AUTHCACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum { AUTHCACHE_TTL = 10 };

/* On a hit copies the token and the user (strings duplicated) and returns true. */
bool authcache_get(const uint8_t hash[32], int64_t now, token *t, user *u);
/* Remembers a successful lookup (copies what it needs). */
void authcache_put(const token *t, const user *u, int64_t now);
void authcache_forget(const uint8_t hash[32]);
void authcache_clear(void);

#endif
