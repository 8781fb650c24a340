/* authcache: see authcache.h. A fixed table indexed by the hash's first bytes. */
#include "sec/authcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { SLOTS = 1024 };

static struct slot {
    bool used;
    int64_t cached_at;
    token t;
    user u;
} slots[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static struct slot *slot_of(const uint8_t hash[32])
{
    return &slots[(hash[0] | (hash[1] << 8)) % SLOTS];
}

static void slot_release(struct slot *s)
{
    free(s->u.username);
    free(s->u.name);
    free(s->u.email);
    free(s->u.phone);
    memset(s, 0, sizeof *s);
}

bool authcache_get(const uint8_t hash[32], int64_t now, token *t, user *u)
{
    bool hit = false;
    pthread_mutex_lock(&mu);
    struct slot *s = slot_of(hash);
    if (s->used && memcmp(s->t.hash, hash, 32) == 0 && now - s->cached_at < AUTHCACHE_TTL &&
        (s->t.expires_at == 0 || s->t.expires_at > now)) {
        *t = s->t;
        t->name = NULL;
        *u = s->u;
        u->username = xstrdup(s->u.username);
        u->name = xstrdup(s->u.name);
        u->email = s->u.email ? xstrdup(s->u.email) : NULL;
        u->phone = s->u.phone ? xstrdup(s->u.phone) : NULL;
        hit = true;
    }
    pthread_mutex_unlock(&mu);
    return hit;
}

void authcache_put(const token *t, const user *u, int64_t now)
{
    pthread_mutex_lock(&mu);
    struct slot *s = slot_of(t->hash);
    slot_release(s);
    s->used = true;
    s->cached_at = now;
    s->t = *t;
    s->t.name = NULL;
    s->u = *u;
    s->u.username = xstrdup(u->username);
    s->u.name = xstrdup(u->name);
    s->u.email = u->email ? xstrdup(u->email) : NULL;
    s->u.phone = u->phone ? xstrdup(u->phone) : NULL;
    pthread_mutex_unlock(&mu);
}

void authcache_forget(const uint8_t hash[32])
{
    pthread_mutex_lock(&mu);
    struct slot *s = slot_of(hash);
    if (s->used && memcmp(s->t.hash, hash, 32) == 0)
        slot_release(s);
    pthread_mutex_unlock(&mu);
}

void authcache_clear(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < SLOTS; i++)
        slot_release(&slots[i]);
    pthread_mutex_unlock(&mu);
}
