/* reload: see reload.h. */
#include "jobs/reload.h"

#include <stdlib.h>
#include <time.h>

#include "util/log.h"
#include "util/worker.h"
#include "util/xalloc.h"

struct reloader {
    app *a;
    worker w;
};

static void *reloader_main(void *arg)
{
    reloader *r = arg;
    bool failing = false;
    pthread_mutex_lock(&r->w.mu);
    for (;;) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += RELOAD_PERIOD_S;
        while (!r->w.stop && pthread_cond_timedwait(&r->w.cv, &r->w.mu, &until) == 0)
            ;
        if (r->w.stop)
            break;
        pthread_mutex_unlock(&r->w.mu);
        bool changed = false;
        int rc = app_refresh(r->a, &changed);
        if (rc && !failing)
            log_warn("reload: cannot read the configuration; trying again every %d s", RELOAD_PERIOD_S);
        failing = rc != 0;
        if (changed) {
            app_snap *s = app_acquire(r->a);
            log_info("reload: configuration version %lld (%zu units) is now active", (long long)s->pol_version,
                     s->org.n);
            app_snap_release(s);
        }
        pthread_mutex_lock(&r->w.mu);
    }
    pthread_mutex_unlock(&r->w.mu);
    return NULL;
}

reloader *reloader_start(app *a)
{
    reloader *r = xcalloc(1, sizeof *r);
    r->a = a;
    if (worker_start(&r->w, reloader_main, r) != 0) {
        log_error("reload: cannot start the configuration check");
        free(r);
        return NULL;
    }
    return r;
}

void reloader_stop(reloader *r)
{
    if (!r)
        return;
    worker_stop(&r->w);
    free(r);
}
