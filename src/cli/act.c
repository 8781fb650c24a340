/*
 * act: `redress act COMPLAINT ACTION --as USER [--fields JSON] [--version N] [--now T]`
 * — one step of the workflow from the shell (assign, correct, return,
 * dispatch, …), taken through the same use case as the API (app_act) as
 * the user --as names, with the same checks of roles, scope, status and
 * fields. Prints the complaint's number, status and version. --now takes
 * the step at instant T instead of the real time, as `redress sweep --now`
 * sweeps at T: tests and scripts check rules that depend on the date (a
 * periodic closing) without waiting for it; never before the complaint's
 * last step.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/act.h"
#include "cli/cli.h"
#include "util/jsonr.h"
#include "util/timeutil.h"

#define ACT_USAGE                                                                                                      \
    "usage: redress act COMPLAINT ACTION --as USER [--fields '{\"name\": value, …}'] [--version N] [--now T]\n"       \
    "  COMPLAINT is its number or id; ACTION a workflow action (docs/workflow.md), e.g.\n"                             \
    "  redress act TS20261207-0001 assign --as pdmgr --fields '{\"assignee\": 12}'\n"

int cmd_act(int argc, char **argv)
{
    static const char *const extra[] = {"as", "fields", "version", "now", "help!", NULL};
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0)) {
        printf(ACT_USAGE);
        cli_print_settings();
        return 0;
    }
    if (argc < 2 || argv[0][0] == '-' || argv[1][0] == '-') {
        fputs(ACT_USAGE, stderr);
        return 2;
    }
    cli_opts o;
    if (cli_parse(argc - 2, argv + 2, extra, &o))
        return 2;
    const char *text = cli_opt(&o, "fields");
    json_t *fields = text ? jsonr_loadb(text, strlen(text), NULL) : json_object();
    if (!json_is_object(fields)) {
        fprintf(stderr, "redress act: --fields: expected a JSON object\n");
        json_decref(fields);
        return 2;
    }
    long version = -1;
    if (cli_opt(&o, "version") && cli_long("redress act", "version", cli_opt(&o, "version"), 0, INT32_MAX, &version)) {
        json_decref(fields);
        return 2;
    }
    int64_t now = time_now();
    if (cli_opt(&o, "now") && time_parse_rfc3339(cli_opt(&o, "now"), &now)) {
        fprintf(stderr, "redress act: --now: expected RFC 3339, e.g. 2027-01-01T00:00:00+08:00\n");
        json_decref(fields);
        return 2;
    }
    app a;
    if (cli_open_writer(&a, true)) {
        json_decref(fields);
        return 1;
    }
    int rc = 1;
    actor who;
    complaint c, out;
    complaint_init(&c);
    complaint_init(&out);
    cerr e = CERR_INIT;
    if (cli_actor(&a, cli_opt(&o, "as"), R_ALL_ROLES, "redress act", &who) != 0) {
        /* cli_actor said why */
    } else if (store_complaint_find(a.db, argv[0], &c) != 0) {
        fprintf(stderr, "redress act: no such complaint %s\n", argv[0]);
    } else if (cli_opt(&o, "now") && now < c.updated_at) {
        fprintf(stderr, "redress act: --now: before the complaint's last step\n");
    } else {
        int r = app_act(&a, &who, c.id, argv[1], fields, version, now, &out, &e);
        if (r == 0) {
            printf("%s\t%s\tversion %" PRId64 "\n", out.number, status_name(out.status), out.version);
            rc = 0;
        } else if (r == CERR_USER) {
            fprintf(stderr, "redress act %s: %s\n", argv[1], e.message); /* the message names the field */
        } else {
            fprintf(stderr, "redress act: the store failed\n");
        }
    }
    complaint_release(&c);
    complaint_release(&out);
    json_decref(fields);
    app_close(&a);
    return rc;
}
