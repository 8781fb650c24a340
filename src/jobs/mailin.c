/* mailin: see mailin.h. */
#include "jobs/mailin.h"

#include <stdlib.h>
#include <time.h>

#include "app/mailin.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/worker.h"
#include "util/xalloc.h"

int mailin_run(app *a, int64_t now, int *n)
{
    *n = 0;
    mailbox_list l = {0};
    int rc = store_mailbox_list(a->db, &l);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const mailbox *m = &l.items[i];
        if (!m->enabled || m->lease_until > now || now < m->polled_at + m->poll_seconds)
            continue;
        mailin_counts c;
        char err[256];
        int prc = app_mailin_poll(a, m->name, now, &c, err, sizeof err);
        if (prc == 0)
            (*n)++;
        else if (prc != STORE_CONFLICT && prc != STORE_NOTFOUND)
            rc = prc;
    }
    mailbox_list_release(&l);
    return rc;
}

struct mailpoller {
    app *a;
    worker w;
};

static void *poller_main(void *arg)
{
    mailpoller *p = arg;
    bool failing = false;
    pthread_mutex_lock(&p->w.mu);
    while (!p->w.stop) {
        pthread_mutex_unlock(&p->w.mu);
        int n = 0;
        int rc = mailin_run(p->a, time_now(), &n);
        if (rc && !failing)
            log_warn("mail: cannot read the mailboxes from the store; trying again every second");
        failing = rc != 0;
        pthread_mutex_lock(&p->w.mu);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 1;
        while (!p->w.stop && pthread_cond_timedwait(&p->w.cv, &p->w.mu, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&p->w.mu);
    return NULL;
}

mailpoller *mailpoller_start(app *a)
{
    mailpoller *p = xcalloc(1, sizeof *p);
    p->a = a;
    if (worker_start(&p->w, poller_main, p) != 0) {
        log_error("mail: cannot start the mailbox poller");
        free(p);
        return NULL;
    }
    return p;
}

void mailpoller_stop(mailpoller *p)
{
    if (!p)
        return;
    worker_stop(&p->w);
    free(p);
}
