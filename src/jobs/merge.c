/* merge: see merge.h. */
#include "jobs/merge.h"

#include <stdlib.h>
#include <time.h>

#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/worker.h"
#include "util/xalloc.h"

struct merger {
    app *a;
    merge_policy pol;
    worker w;
    int64_t last_seq;   /* the recent level's last row at the previous wake-up */
    double waiting_ms;  /* since when rows wait unmerged (monotonic ms; 0: none) */
};

bool merge_due(const merge_policy *p, int64_t rows, bool active, double waited_ms)
{
    if (rows == 0)
        return false;
    return !active || rows >= p->max_rows || waited_ms >= (double)p->max_delay_s * 1000.0;
}

/* One wake-up: merges the recent level if it is due (merge_due); 0 or a STORE_* code. */
static int wake(merger *m)
{
    int64_t rows = 0, seq = 0;
    int rc = store_search_recent_count(m->a->db, &rows, &seq);
    if (rc)
        return rc;
    double now = time_mono_ms();
    bool active = seq != m->last_seq;
    m->last_seq = seq;
    if (rows == 0 || m->waiting_ms == 0)
        m->waiting_ms = rows ? now : 0;
    if (!merge_due(&m->pol, rows, active, rows ? now - m->waiting_ms : 0))
        return 0;
    /* One batch at a time, the stop flag checked between them: a merger
     * that has fallen behind catches up without delaying a stop. */
    int n = m->pol.batch;
    bool stop = false;
    while (!stop && rc == 0 && n == m->pol.batch) {
        rc = store_search_merge(m->a->db, m->pol.batch, &n);
        pthread_mutex_lock(&m->w.mu);
        stop = m->w.stop;
        pthread_mutex_unlock(&m->w.mu);
    }
    if (rc == 0 && !stop)
        m->waiting_ms = 0;
    return rc;
}

static void *merger_main(void *arg)
{
    merger *m = arg;
    pthread_mutex_lock(&m->w.mu);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += m->pol.interval_ms / 1000;
        until.tv_nsec += (long)(m->pol.interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!m->w.stop && pthread_cond_timedwait(&m->w.cv, &m->w.mu, &until) == 0)
            ;
        if (m->w.stop)
            break;
        pthread_mutex_unlock(&m->w.mu);
        int rc = wake(m);
        if (rc)
            log_warn("search: the index's merger failed (store error %d); trying again in %d ms", rc,
                     m->pol.interval_ms);
        pthread_mutex_lock(&m->w.mu);
    }
    pthread_mutex_unlock(&m->w.mu);
    return NULL;
}

merger *merger_start(app *a, const merge_policy *pol)
{
    if (pol->interval_ms <= 0)
        return NULL;
    merger *m = xcalloc(1, sizeof *m);
    m->a = a;
    m->pol = *pol;
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
