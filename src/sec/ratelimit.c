/* ratelimit: see ratelimit.h. */
#include "sec/ratelimit.h"

#include <pthread.h>
#include <string.h>

enum { BUCKETS = 1024 };

static struct {
    uint64_t key;
    int64_t window;
    int count;
} buckets[BUCKETS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static uint64_t fnv(const char *a, const char *b)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = a; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ ':') * 1099511628211ULL;
    for (const char *p = b; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

bool ratelimit_hit(const char *kind, const char *key, int limit, int window_s, int64_t now)
{
    if (limit <= 0)
        return true;
    uint64_t h = fnv(kind, key);
    int64_t w = now / window_s;
    pthread_mutex_lock(&mu);
    size_t i = h % BUCKETS;
    if (buckets[i].key != h || buckets[i].window != w) {
        buckets[i].key = h;
        buckets[i].window = w;
        buckets[i].count = 0;
    }
    bool ok = buckets[i].count < limit;
    if (ok)
        buckets[i].count++;
    pthread_mutex_unlock(&mu);
    return ok;
}
