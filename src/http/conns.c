/* conns: see conns.h. */
#include "http/conns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

enum { BUCKETS = 1024 };

/* How many open connections one address has; freed when it reaches 0. */
typedef struct peer {
    struct peer *next;
    unsigned char addr[16];
    int addr_len;
    unsigned count;
} peer;

struct conns {
    pthread_mutex_t mu; /* the list, the peers and their counts */
    conn *head;
    _Atomic unsigned open; /* changed under mu, read without it */
    unsigned per_address;
    char *trusted;
    peer *peers[BUCKETS];
};

conns *conns_new(unsigned per_address, const char *trusted)
{
    conns *r = xcalloc(1, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    r->per_address = per_address;
    r->trusted = xstrdup(trusted ? trusted : "");
    return r;
}

void conns_free(conns *r)
{
    if (!r)
        return;
    for (int i = 0; i < BUCKETS; i++)
        while (r->peers[i]) {
            peer *p = r->peers[i];
            r->peers[i] = p->next;
            free(p);
        }
    pthread_mutex_destroy(&r->mu);
    free(r->trusted);
    free(r);
}

/* The address of sa as counted (v4-mapped IPv6 as IPv4) into out; its length, 0 if not IP. */
static int key_of(const struct sockaddr *sa, socklen_t len, unsigned char out[16])
{
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 4;
    }
    if (sa && sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const unsigned char *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        if (memcmp(a, v4mapped, 12) == 0) {
            memcpy(out, a + 12, 4);
            return 4;
        }
        memcpy(out, a, 16);
        return 16;
    }
    return 0;
}

bool conns_listed(const char *list, const char *addr)
{
    size_t n = strlen(addr);
    for (const char *p = list; p && *p;) {
        p += strspn(p, " ,");
        size_t len = strcspn(p, " ,");
        if (len == n && strncmp(p, addr, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/* Whether the address key is one of the trusted proxies. */
static bool trusted(const conns *r, const unsigned char *key, int len)
{
    char text[INET6_ADDRSTRLEN];
    return *r->trusted && inet_ntop(len == 4 ? AF_INET : AF_INET6, key, text, sizeof text) &&
           conns_listed(r->trusted, text);
}

static unsigned bucket(const unsigned char *key, int len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < len; i++)
        h = (h ^ key[i]) * 16777619u;
    return h % BUCKETS;
}

/* The peer of key, or NULL (under mu). */
static peer *find(conns *r, const unsigned char *key, int len)
{
    for (peer *p = r->peers[bucket(key, len)]; p; p = p->next)
        if (p->addr_len == len && memcmp(p->addr, key, (size_t)len) == 0)
            return p;
    return NULL;
}

bool conns_admit(conns *r, const struct sockaddr *sa, socklen_t len)
{
    unsigned char key[16];
    int klen = key_of(sa, len, key);
    if (!r->per_address || !klen || trusted(r, key, klen))
        return true;
    pthread_mutex_lock(&r->mu);
    peer *p = find(r, key, klen);
    bool ok = !p || p->count < r->per_address;
    pthread_mutex_unlock(&r->mu);
    return ok;
}

conn *conns_add(conns *r, int fd, const struct sockaddr *sa, socklen_t len, int64_t deadline)
{
    conn *c = xcalloc(1, sizeof *c);
    c->fd = fd;
    atomic_init(&c->deadline, deadline);
    c->addr_len = key_of(sa, len, c->addr);
    c->counted = c->addr_len && !trusted(r, c->addr, c->addr_len);
    pthread_mutex_lock(&r->mu);
    c->next = r->head;
    if (r->head)
        r->head->prev = c;
    r->head = c;
    r->open++;
    if (c->counted) {
        peer *p = find(r, c->addr, c->addr_len);
        if (!p) {
            p = xcalloc(1, sizeof *p);
            memcpy(p->addr, c->addr, (size_t)c->addr_len);
            p->addr_len = c->addr_len;
            unsigned b = bucket(c->addr, c->addr_len);
            p->next = r->peers[b];
            r->peers[b] = p;
        }
        p->count++;
    }
    pthread_mutex_unlock(&r->mu);
    return c;
}

void conns_remove(conns *r, conn *c)
{
    pthread_mutex_lock(&r->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        r->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    r->open--;
    if (c->counted) {
        peer **pp = &r->peers[bucket(c->addr, c->addr_len)];
        while (*pp && ((*pp)->addr_len != c->addr_len || memcmp((*pp)->addr, c->addr, (size_t)c->addr_len) != 0))
            pp = &(*pp)->next;
        if (*pp && --(*pp)->count == 0) {
            peer *gone = *pp;
            *pp = gone->next;
            free(gone);
        }
    }
    pthread_mutex_unlock(&r->mu);
    free(c);
}

void conns_set_deadline(conn *c, int64_t deadline)
{
    atomic_store_explicit(&c->deadline, deadline, memory_order_relaxed);
}

/* Shuts down at most `batch` connections past their deadline (under mu);
 * returns how many. */
static unsigned expire_some(conns *r, int64_t now, unsigned batch)
{
    unsigned n = 0;
    for (conn *c = r->head; c && n < batch; c = c->next) {
        int64_t d = atomic_load_explicit(&c->deadline, memory_order_relaxed);
        if (d == 0 || d > now)
            continue;
        /* Only the compare-and-swap's winner acts: a new deadline set
         * meanwhile (the request moved on) is left alone. */
        if (!atomic_compare_exchange_strong(&c->deadline, &d, 0))
            continue;
        shutdown(c->fd, SHUT_RDWR);
        n++;
    }
    return n;
}

unsigned conns_expire(conns *r, int64_t now)
{
    /* In batches, letting go of the mutex in between: thousands of
     * connections due at once (a burst of slow clients that all opened in
     * the same second) must not keep the I/O threads from opening and
     * closing others meanwhile. A cleared deadline is not seen again. */
    enum { BATCH = 64 };
    unsigned total = 0, n;
    do {
        pthread_mutex_lock(&r->mu);
        n = expire_some(r, now, BATCH);
        pthread_mutex_unlock(&r->mu);
        total += n;
    } while (n == BATCH);
    return total;
}

unsigned conns_open(conns *r)
{
    return atomic_load_explicit(&r->open, memory_order_relaxed);
}

unsigned conns_from(conns *r, const struct sockaddr *sa, socklen_t len)
{
    unsigned char key[16];
    int klen = key_of(sa, len, key);
    pthread_mutex_lock(&r->mu);
    peer *p = klen ? find(r, key, klen) : NULL;
    unsigned n = p ? p->count : 0;
    pthread_mutex_unlock(&r->mu);
    return n;
}
