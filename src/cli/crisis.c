/*
 * crisis: `redress incident list|open` and `redress appeal stats|act` —
 * incidents opened by hand and appeals' reports from the shell, through the
 * same use cases as the API (app/incident.c, app/appeal.c), acting as the
 * user --as names.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/appeal.h"
#include "app/incident.h"
#include "cli/cli.h"
#include "util/timeutil.h"

#define INCIDENT_USAGE                                                                                                 \
    "usage: redress incident list [--status open|closed|all]\n"                                                       \
    "       redress incident open --as USER --title T --level 1|2|3 --description D [--complaint NUMBER]\n"

#define APPEAL_USAGE                                                                                                   \
    "usage: redress appeal stats --year YYYY\n"                                                                        \
    "       redress appeal act --as USER --complaint NUMBER --action submit|approve|return|send [--note TEXT]\n"

/* argv[0] is one of subs: 0; help: 1 (printed); else 2 (usage on stderr). */
static int sub_of(int argc, char **argv, const char *a, const char *b, const char *usage)
{
    const char *sub = argc >= 1 ? argv[0] : "";
    if (strcmp(sub, a) == 0 || strcmp(sub, b) == 0)
        return 0;
    bool help = strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0;
    fputs(usage, help ? stdout : stderr);
    return help ? 1 : 2;
}

/*
 * What both commands start with: the subcommand (a or b; help prints
 * usage and the help's first line is the usage), the options, --help,
 * and the store opened — for writing when the subcommand is b. -1 to go
 * on (o and ap filled), else the exit code.
 */
static int begin(int argc, char **argv, const char *a, const char *b, const char *help, const char *const *extra,
                 cli_opts *o, app *ap)
{
    int s = sub_of(argc, argv, a, b, help);
    if (s)
        return s == 1 ? 0 : 2;
    if (cli_parse(argc - 1, argv + 1, extra, o))
        return 2;
    if (cli_has(o, "help")) {
        fputs(help, stdout);
        cli_print_settings();
        return 0;
    }
    if (strcmp(argv[0], b) == 0 ? cli_open_writer(ap, true) : cli_open_app(ap, true))
        return 1;
    return -1;
}

int cmd_incident(int argc, char **argv)
{
    static const char *const extra[] = {"status", "as", "title", "level", "description", "complaint", "help!", NULL};
    cli_opts o;
    app a;
    int s = begin(argc, argv, "list", "open", INCIDENT_USAGE "list prints id, status, response level, title.\n", extra,
                  &o, &a);
    if (s >= 0)
        return s;
    bool open = strcmp(argv[0], "open") == 0;
    int rc = 1;
    incident inc = {0};
    complaint c;
    complaint_init(&c);
    cerr e = CERR_INIT;
    actor who;
    if (!open) {
        const char *st = cli_opt(&o, "status");
        incident_list l = {0};
        if (store_incident_list(a.db, !st || !*st ? "open" : strcmp(st, "all") == 0 ? NULL : st, 200, &l) == 0) {
            for (size_t i = 0; i < l.n; i++)
                printf("%" PRId64 "\t%s\t%d\t%s\n", l.items[i].id, l.items[i].status, l.items[i].level,
                       json_string_value(json_object_get(l.items[i].data, "title")) ? json_string_value(json_object_get(l.items[i].data, "title")) : "");
            rc = 0;
        }
        incident_list_release(&l);
    } else if (cli_actor(&a, cli_opt(&o, "as"), R_SUPERVISOR | R_MANAGER | R_ADMIN, "redress incident", &who) == 0) {
        const char *num = cli_opt(&o, "complaint");
        long level = 0;
        if (num && store_complaint_find(a.db, num, &c) != 0) {
            fprintf(stderr, "redress incident open: --complaint: no such complaint\n");
        } else if (cli_long("redress incident open", "level", cli_opt(&o, "level") ? cli_opt(&o, "level") : "", 1, 3,
                            &level) == 0) {
            json_t *in = json_pack("{s:s?,s:I,s:s?}", "title", cli_opt(&o, "title"), "level", (json_int_t)level,
                                   "description", cli_opt(&o, "description"));
            int r = app_incident_open(&a, &who, in, who.unit, num ? &c : NULL, time_now(), &inc, &e);
            json_decref(in);
            if (r == 0) {
                printf("%" PRId64 "\topen\t%d\t%s\n", inc.id, inc.level,
                       json_string_value(json_object_get(inc.data, "title")));
                rc = 0;
            }
        }
    }
    if (rc && *e.message)
        fprintf(stderr, "redress incident %s: %s\n", argv[0], e.message);
    incident_release(&inc);
    complaint_release(&c);
    app_close(&a);
    return rc;
}

int cmd_appeal(int argc, char **argv)
{
    static const char *const extra[] = {"year", "as", "complaint", "action", "note", "help!", NULL};
    cli_opts o;
    app a;
    int s = begin(argc, argv, "stats", "act",
                  APPEAL_USAGE "stats prints one line a month: month, received, registered, filed, sent, on time, late, "
                               "open.\n",
                  extra, &o, &a);
    if (s >= 0)
        return s;
    bool act = strcmp(argv[0], "act") == 0;
    int rc = 1;
    cerr e = CERR_INIT;
    if (!act) {
        long year;
        json_t *st = NULL;
        if (cli_long("redress appeal stats", "year", cli_opt(&o, "year") ? cli_opt(&o, "year") : "", 2000, 2100,
                     &year) == 0 &&
            app_appeal_stats(&a, (int)year, 0, &st) == 0) {
            static const char *const keys[] = {"received", "registered", "filed", "sent", "on_time", "late", "open"};
            size_t i;
            json_t *m;
            json_array_foreach(json_object_get(st, "months"), i, m)
            {
                printf("%s", json_string_value(json_object_get(m, "month")));
                for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                    printf("\t%" JSON_INTEGER_FORMAT, json_integer_value(json_object_get(m, keys[k])));
                printf("\n");
            }
            rc = 0;
        }
        json_decref(st);
    } else {
        actor who;
        complaint c;
        complaint_init(&c);
        appeal_report r = {0};
        const char *num = cli_opt(&o, "complaint"), *action = cli_opt(&o, "action");
        if (cli_actor(&a, cli_opt(&o, "as"), R_ALL_ROLES & ~R_AUDITOR, "redress appeal", &who) == 0) {
            if (!num || !action || store_complaint_find(a.db, num, &c) != 0)
                fprintf(stderr, "redress appeal act: --complaint (an appeal's number) and --action are required\n");
            else if (app_appeal_act(&a, &who, c.id, action, cli_opt(&o, "note"), time_now(), &r, &e) == 0) {
                char due[40];
                app_enter(&a);
                time_format(r.due_at, app_pol(&a)->tz_offset, due, sizeof due);
                app_leave(&a);
                printf("%s\t%s\tdue %s%s\n", c.number, r.status, due, r.late ? "\tlate" : "");
                rc = 0;
            }
        }
        appeal_report_release(&r);
        complaint_release(&c);
    }
    if (rc && *e.message)
        fprintf(stderr, "redress appeal %s: %s\n", argv[0], e.message);
    app_close(&a);
    return rc;
}
