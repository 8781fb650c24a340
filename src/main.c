/* main: command dispatch only. Each command lives in src/cli/. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "sec/auth.h"

#ifndef REDRESS_VERSION
#define REDRESS_VERSION "0.1.0"
#endif

int cmd_version(int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("redress %s\n", REDRESS_VERSION);
    return 0;
}

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"init", cmd_init, "create a database with a policy pack and the first administrator"},
    {"serve", cmd_serve, "serve the API and the web UI"},
    {"demo", cmd_demo, "create a demo database if needed, then serve"},
    {"user", cmd_user, "add, list users; change a password"},
    {"unit", cmd_unit, "add, list units of the organisation"},
    {"verify", cmd_verify, "check the event hash chains and projections"},
    {"sweep", cmd_sweep, "run the deadline sweeper once (warnings, breaches, supervision orders)"},
    {"calendar", cmd_calendar, "list, set or import (.ics) the working calendars"},
    {"migrate", cmd_migrate, "apply pending migrations and print the schema version"},
    {"copy", cmd_copy, "move an installation to another database (e.g. SQLite to PostgreSQL)"},
    {"workflow", cmd_workflow, "print the workflow documentation (docs/workflow.md)"},
    {"penalties", cmd_penalties, "export a month of the penalty ledger as CSV"},
    {"announcement", cmd_announcement, "list, publish or resolve announcements of known faults (系统公告)"},
    {"act", cmd_act, "take one workflow step on a complaint as a user (assign, correct, return, dispatch, …)"},
    {"complaints", cmd_complaints, "list the complaints a person would see, with the list's filters (status=open, q=…)"},
    {"notifications", cmd_notifications, "list a person's in-app notices, newest first (what their bell shows)"},
    {"incident", cmd_incident, "list incidents or open one by hand (危机事件)"},
    {"appeal", cmd_appeal, "appeal statistics by month, or a step of an appeal's report (申诉)"},
    {"import", cmd_import, "import a ledger (台账), CSV or XLSX, through a mapping; --dry-run checks it"},
    {"report", cmd_report, "one indicator (KPI) by period and dimension, as JSON, CSV or XLSX"},
    {"version", cmd_version, "print the version"},
    {"pack", cmd_pack, "validate policy packs (redress pack validate FILE…)"},
    {"retention", cmd_retention, "anonymise the complaints closed longer ago than the retention period"},
    {"rekey", cmd_rekey, "re-wrap every customer-data key under a new master key, while serving"},
    {"search", cmd_search, "the search index: status, merge its recent level now, reindex old complaints"},
    {"duty", cmd_duty, "list, set or clear the on-duty roster of a unit"},
    {"mailbox", cmd_mailbox, "list, configure, remove or poll the mailboxes of the e-mail intake"},
    {"webhook", cmd_webhook, "list, register or remove webhooks and partner systems; a partner's token"},
    {"backup", cmd_backup, "write an online backup of a SQLite database (customer data stays sealed)"},
    {"restore", cmd_restore, "put a SQLite backup back in place of the database (the server stopped)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: redress COMMAND [options]   (redress COMMAND --help for its options)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    if (auth_init()) {
        fprintf(stderr, "redress: libsodium failed to initialise\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "redress: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
