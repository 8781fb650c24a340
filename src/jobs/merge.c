/* merge: see merge.h. */
#include "jobs/merge.h"

#include <stdlib.h>
#include <time.h>

#include "store/store.h"
#include "util/log.h"
#include "util/worker.h"
#include "util/xalloc.h"

struct merger {
    app *a;
    int interval_ms, batch;
    worker w;
};

static void *merger_main(void *arg)
{
    merger *m = arg;
    pthread_mutex_lock(&m->w.mu);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += m->interval_ms / 1000;
        until.tv_nsec += (long)(m->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!m->w.stop && pthread_cond_timedwait(&m->w.cv, &m->w.mu, &until) == 0)
            ;
        if (m->w.stop)
            break;
        pthread_mutex_unlock(&m->w.mu);
        /* One batch at a time, the stop flag checked between them: a
         * merger that has fallen behind catches up without delaying a stop. */
        int n = m->batch, rc = 0;
        bool stop = false;
        while (!stop && rc == 0 && n == m->batch) {
            rc = store_search_merge(m->a->db, m->batch, &n);
            pthread_mutex_lock(&m->w.mu);
            stop = m->w.stop;
            pthread_mutex_unlock(&m->w.mu);
        }
        if (rc)
            log_warn("search: the index's merger failed (store error %d); trying again in %d ms", rc,
                     m->interval_ms);
        pthread_mutex_lock(&m->w.mu);
    }
    pthread_mutex_unlock(&m->w.mu);
    return NULL;
}

merger *merger_start(app *a, int interval_ms, int batch)
{
    if (interval_ms <= 0)
        return NULL;
    merger *m = xcalloc(1, sizeof *m);
    m->a = a;
    m->interval_ms = interval_ms;
    m->batch = batch;
    if (worker_start(&m->w, merger_main, m) != 0) {
        log_error("search: cannot start the index's merger");
        free(m);
        return NULL;
    }
    return m;
}

void merger_stop(merger *m)
{
    if (!m)
        return;
    worker_stop(&m->w);
    free(m);
}
