/* response: the parts of http.h that do not depend on libmicrohttpd — the
 * accessors, which ask the request's own lookup, and the response helpers —
 * so requests made in memory (unit tests, the fuzz harnesses'
 * tests/fuzz/fixture.c) share them. */
#include <stdatomic.h>
#include <stdlib.h>

#include "http/http.h"
#include "util/xalloc.h"

const char *http_query(const http_req *rq, const char *key)
{
    return rq->lookup(rq->conn, HTTP_QUERY, key);
}

void http_query_each(const http_req *rq, void (*fn)(void *arg, const char *key), void *arg)
{
    if (rq->query_keys)
        rq->query_keys(rq->conn, fn, arg);
}

struct unknown_arg {
    bool (*known)(const char *name);
    const char *first;
};

static void check_name(void *arg, const char *name)
{
    struct unknown_arg *a = arg;
    if (!a->first && !a->known(name))
        a->first = name;
}

const char *http_query_unknown(const http_req *rq, bool (*known)(const char *name))
{
    struct unknown_arg a = {known, NULL};
    http_query_each(rq, check_name, &a);
    return a.first;
}

const char *http_header(const http_req *rq, const char *name)
{
    return rq->lookup(rq->conn, HTTP_HEADER, name);
}

const char *http_cookie(const http_req *rq, const char *name)
{
    return rq->lookup(rq->conn, HTTP_COOKIE, name);
}

void http_set_header(http_resp *rs, const char *name, const char *value)
{
    if (rs->nheaders == MAX_HEADERS)
        return;
    rs->headers[rs->nheaders].name = xstrdup(name);
    rs->headers[rs->nheaders].value = xstrdup(value);
    rs->nheaders++;
}

void http_resp_release(http_resp *rs)
{
    buf_release(&rs->body);
    if (rs->read && rs->release)
        rs->release(rs->arg);
    rs->read = NULL;
    rs->release = NULL;
    http_waker_free(rs->waker);
    rs->waker = NULL;
    for (int i = 0; i < rs->nheaders; i++) {
        free(rs->headers[i].name);
        free(rs->headers[i].value);
    }
    rs->nheaders = 0;
}

http_waker *http_waker_new(void)
{
    http_waker *w = xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    return w;
}

void http_wake(http_waker *w)
{
    pthread_mutex_lock(&w->mu);
    if (w->asleep) {
        w->asleep = false;
        w->resume(w->conn);
    } else {
        w->pending = true;
    }
    pthread_mutex_unlock(&w->mu);
}

void http_waker_free(http_waker *w)
{
    if (!w)
        return;
    pthread_mutex_destroy(&w->mu);
    free(w);
}

void http_metrics_read(http_metrics *out)
{
    const unsigned long long *from = (const unsigned long long *)&http_stats;
    unsigned long long *to = (unsigned long long *)out;
    for (size_t i = 0; i < sizeof *out / sizeof *from; i++)
        to[i] = atomic_load_explicit((_Atomic unsigned long long *)&from[i], memory_order_relaxed);
}
