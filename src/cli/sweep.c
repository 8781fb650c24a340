/*
 * sweep: `redress sweep --now T` runs the deadline sweeper once at instant T
 * (tests, cron) and prints each warning, breach and supervision it wrote.
 * Without --now it sweeps at the real time. Safe to run while a server
 * sweeps the same database: every step is recorded exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "app/trend.h"
#include "app/pending.h"
#include "app/unresolvable.h"
#include "app/rules.h"
#include "jobs/sweep.h"
#include "util/timeutil.h"

static void print_line(const char *line, void *arg)
{
    (void)arg;
    printf("%s\n", line);
}

int cmd_sweep(int argc, char **argv)
{
    static const char *const extra[] = {"now", "quiet!", "repeat", "every", "pause", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress sweep [--db URL] [--now 2026-10-08T09:00:00+08:00] [--quiet]\n"
               "                    [--repeat N --every SECONDS [--pause MS]]\n"
               "Runs the deadline sweeper once: a warning at each clock's warning point, a breach with a\n"
               "supervision order (督办) once a deadline has passed, further supervisions one unit up at the\n"
               "policy's levels. Prints what fired and a summary; exit 0 unless the store failed.\n"
               "--repeat N sweeps N times in this process, at --now, then SECONDS later each time (what the\n"
               "background sweeper of serve does; the benchmark uses it), MS milliseconds apart in real time\n"
               "(default 0): the server's sweeps are a minute apart, and the store's background work after\n"
               "one (its checkpoint) is done before the next.\n");
        cli_print_settings();
        return 0;
    }
    int64_t now = time_now();
    const char *t = cli_opt(&o, "now");
    if (t && time_parse_rfc3339(t, &now)) {
        fprintf(stderr, "redress sweep: --now: expected RFC 3339, e.g. 2026-10-08T09:00:00+08:00\n");
        return 2;
    }
    long repeat = 1, every = 60, pause_ms = 0; /* --every in seconds, --pause in milliseconds */
    if ((cli_has(&o, "repeat") && cli_long("redress sweep", "repeat", cli_opt(&o, "repeat"), 1, 1000, &repeat)) ||
        (cli_has(&o, "every") && cli_long("redress sweep", "every", cli_opt(&o, "every"), 1, 31622400, &every)) ||
        (cli_has(&o, "pause") && cli_long("redress sweep", "pause", cli_opt(&o, "pause"), 0, 600000, &pause_ms)))
        return 2;
    app a;
    if (cli_open_writer(&a, true))
        return 1;
    int rc = 0;
    for (long k = 0; k < repeat && rc == 0; k++, now += every) {
        if (k && pause_ms) {
            struct timespec gap = {pause_ms / 1000, (pause_ms % 1000) * 1000000L};
            nanosleep(&gap, NULL);
        }
        sweep_stats st;
        rc = sweep_run(&a, now, &st, cli_has(&o, "quiet") ? NULL : print_line, NULL);
        char when[40];
        time_format(now, app_pol(&a)->tz_offset, when, sizeof when);
        printf("swept at %s: %ld complaints, %ld warnings, %ld breaches, %ld further supervisions, %ld conflicts, "
               "%ld errors in %.1f ms\n",
               when, st.complaints, st.warned, st.breached, st.supervised, st.conflicts, st.errors, st.elapsed_ms);
        long up = 0; /* and the rules over time (app/rules.h) */
        if (rc == 0 && (rc = app_upgrades(&a, now, &up)) == 0 && up)
            printf("upgraded by rules over time: %ld\n", up);
        int tw = 0; /* and the trend warnings (app/trend.h) */
        if (rc == 0 && (rc = app_trend_warn(&a, now, &tw)) == 0 && tw)
            printf("trend warnings: %d\n", tw);
        char reviewed[16] = ""; /* and the review of unresolvable cases (app/unresolvable.h) */
        int ur = 0;
        if (rc == 0 && (rc = app_unresolvable_notice(&a, now, reviewed, sizeof reviewed, &ur)) == 0 && ur)
            printf("unresolvable cases to close: %d notices\n", ur);
        char reminded[16] = ""; /* and the monthly reminder of pending matters (app/pending.h) */
        int pm = 0;
        if (rc == 0 && (rc = app_pending_notice(&a, now, reminded, sizeof reminded, &pm)) == 0 && pm)
            printf("pending matters to remind: %d notices\n", pm);
        fflush(stdout);
    }
    app_close(&a);
    if (rc) {
        fprintf(stderr, "redress sweep: the store failed\n");
        return 1;
    }
    return 0;
}
