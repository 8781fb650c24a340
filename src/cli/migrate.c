/*
 * migrate: applies the pending migrations of a database and prints its
 * schema version. Opening a store migrates it already (every command does);
 * this command exists so that an operator can upgrade the schema on purpose
 * — before rolling a new binary out to several nodes, say — and see where
 * it stands. Safe to run twice, and while other nodes run: PostgreSQL
 * migrations take an advisory lock (store/pg.c).
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_migrate(int argc, char **argv)
{
    static const char *const extra[] = {"help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress migrate [--db URL]\n"
               "Applies the pending migrations (SQLite or PostgreSQL) and prints the schema version.\n"
               "Safe to run again, and while servers run on the same database.\n");
        cli_print_settings();
        return 0;
    }
    app a;
    if (cli_open_app(&a, false))
        return 1;
    int version = 0;
    int rc = store_migrate(a.db);
    if (rc == 0)
        rc = store_schema_version(a.db, &version);
    if (rc == 0)
        printf("schema version %d (%s)\n", version, store_name(a.db));
    else
        fprintf(stderr, "redress migrate: cannot migrate the database\n");
    app_close(&a);
    return rc ? 1 : 0;
}
