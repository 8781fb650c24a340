/* retention: see retention.h. */
#include "jobs/retention.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "app/pii.h"
#include "app/rights.h"
#include "util/log.h"

enum { RETENTION_BATCH = 200, RETENTION_PERIOD = 3600 };

int retention_run(app *a, int64_t now, int days, retention_stats *st, void (*report)(const char *number, void *arg),
                  void *arg)
{
    memset(st, 0, sizeof *st);
    if (days <= 0)
        return 0;
    int64_t before = now - (int64_t)days * 86400;
    int64_t ids[RETENTION_BATCH];
    int64_t after = 0;
    actor sys = {0, R_SYSTEM, 0};
    for (;;) {
        size_t n = 0;
        int rc = store_retention_due(a->db, before, after, RETENTION_BATCH, ids, &n);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++) {
            complaint c;
            complaint_init(&c);
            /* The number and the index for the report and the audit entry, before they go. */
            rc = store_complaint_get(a->db, ids[i], NULL, &c);
            char index[sizeof c.phone];
            snprintf(index, sizeof index, "%s", c.phone);
            cerr e = CERR_INIT;
            if (rc == 0)
                rc = app_pii_erase(a, &sys, ids[i], "retention", now, &e);
            if (rc == 0) {
                char subject[40];
                snprintf(subject, sizeof subject, "complaint:%lld", (long long)ids[i]);
                app_pii_audit(a, now, 0, "retention_anonymise", subject, index, NULL, NULL);
                st->anonymised++;
                if (report)
                    report(c.number, arg);
            } else if (rc != 1) {
                st->errors++;
                log_warn("retention: complaint %lld was not anonymised (%s)", (long long)ids[i],
                         rc == CERR_USER ? e.message : "store error");
            }
            complaint_release(&c);
            after = ids[i];
        }
        if (n < RETENTION_BATCH)
            return 0;
    }
}

void retention_tick(app *a, int64_t now)
{
    static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    static int64_t last;
    if (a->retention_days <= 0)
        return;
    pthread_mutex_lock(&mu);
    bool due = now - last >= RETENTION_PERIOD;
    if (due)
        last = now;
    pthread_mutex_unlock(&mu);
    if (!due)
        return;
    retention_stats st;
    if (retention_run(a, now, a->retention_days, &st, NULL, NULL) != 0)
        log_warn("retention: the store failed; trying again in an hour");
    else if (st.anonymised)
        log_info("retention: %ld closed complaints anonymised", st.anonymised);
}
