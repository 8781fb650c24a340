/*
 * penalties: `redress penalties export --month YYYY-MM [--format csv|xlsx]
 * [--out FILE] [--en]` writes the month's penalty ledger (考核台账) as CSV
 * or XLSX — the same file as GET /api/v1/penalties?month=…&format=… — for
 * the monthly assessment (DOMAIN §10). `redress penalties authority --month
 * YYYY-MM` prints the authority each person used that month (授权使用, the
 * figures of GET /api/v1/compensations/totals) for the same assessment.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "app/ledger.h"

static bool month_valid(const char *m)
{
    int y, mo;
    char tail;
    return m && strlen(m) == 7 && sscanf(m, "%4d-%2d%c", &y, &mo, &tail) == 2 && y >= 1000 && mo >= 1 && mo <= 12;
}

/* Parses the options of `redress penalties CMD` (help: its --help text): -1 to go on with *month, else the exit status. */
static int month_options(int argc, char **argv, const char *const *extra, const char *cmd, const char *help,
                         cli_opts *o, const char **month)
{
    if (cli_parse(argc, argv, extra, o))
        return 2;
    if (cli_has(o, "help")) {
        fputs(help, stdout);
        cli_print_settings();
        return 0;
    }
    *month = cli_opt(o, "month");
    if (!month_valid(*month)) {
        fprintf(stderr, "redress penalties %s: --month: expected YYYY-MM\n", cmd);
        return 2;
    }
    return -1;
}

static const char authority_usage[] = "usage: redress penalties authority --month YYYY-MM [--db URL]\n";

/* One tab-separated line per person: who, level, limit, then count and yuan granted, referred, approved. */
static int authority(int argc, char **argv)
{
    static const char *const extra[] = {"month", "help!", NULL};
    cli_opts o;
    const char *month;
    int done = month_options(argc, argv, extra, "authority",
                             "usage: redress penalties authority --month YYYY-MM [--db URL]\n"
                             "Prints the authority (授权) each person used in the month: compensations granted\n"
                             "within their own limit, referred above it and approved for others.\n",
                             &o, &month);
    if (done >= 0)
        return done;
    app a;
    if (cli_open_app(&a, true))
        return 1;
    authority_month m;
    int rc = ledger_authority_month(&a, month, NULL, 0, &m);
    if (rc == 0) {
        printf("user\tlevel\tlimit\tgranted\tgranted_yuan\treferred\treferred_yuan\tapproved\tapproved_yuan\n");
        for (size_t i = 0; i < m.n; i++) {
            const authority_person *p = &m.items[i];
            printf("%s\t%s\t", p->who.username, p->level ? role_name(p->level) : "-");
            if (p->limit_fen >= 0)
                printf("%.2f", p->limit_fen / 100.0);
            else
                printf("-");
            for (int k = 0; k < AU__COUNT; k++)
                printf("\t%lld\t%.2f", (long long)p->count[k], p->fen[k] / 100.0);
            printf("\n");
        }
        authority_month_release(&m);
    } else
        fprintf(stderr, "redress penalties authority: cannot read the compensations\n");
    app_close(&a);
    return rc ? 1 : 0;
}

int cmd_penalties(int argc, char **argv)
{
    static const char *const extra[] = {"month", "format", "out", "en!", "help!", NULL};
    if (argc >= 1 && strcmp(argv[0], "authority") == 0)
        return authority(argc - 1, argv + 1);
    if (argc < 1 || strcmp(argv[0], "export") != 0) {
        if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0)) {
            printf("usage: redress penalties export --month YYYY-MM [--format csv|xlsx] [--out FILE] [--en] [--db URL]\n%s",
                   authority_usage);
            return 0;
        }
        fprintf(stderr, "usage: redress penalties export --month YYYY-MM [--format csv|xlsx] [--out FILE] [--en] [--db URL]\n%s",
                authority_usage);
        return 2;
    }
    cli_opts o;
    const char *month;
    int done = month_options(argc - 1, argv + 1, extra, "export",
                             "usage: redress penalties export --month YYYY-MM [--format csv|xlsx] [--out FILE] [--en] [--db URL]\n"
                             "Writes the month's penalty ledger as CSV (UTF-8, the default) or XLSX to FILE\n"
                             "or standard output;\n"
                             "--en gives English headings.\n",
                             &o, &month);
    if (done >= 0)
        return done;
    sheet_format fmt = SHEET_CSV;
    if (cli_opt(&o, "format") && sheet_format_parse(cli_opt(&o, "format"), &fmt)) {
        fprintf(stderr, "redress penalties export: --format: expected csv or xlsx\n");
        return 2;
    }
    app a;
    if (cli_open_app(&a, true))
        return 1;
    int rc = 1;
    penalty_list l = {0};
    buf out;
    buf_init(&out);
    penalty_filter f = {.month = month};
    /* Waiver reasons are sealed like every step's text; they are exported masked. */
    if (cli_open_pii(&a, false))
        goto out;
    if (store_penalty_list(a.db, &f, &l) || ledger_view_penalties(&a, &l)) {
        fprintf(stderr, "redress penalties export: cannot read the ledger\n");
        goto out;
    }
    if (ledger_export(&a, &l, cli_has(&o, "en"), fmt, &out)) {
        fprintf(stderr, "redress penalties export: cannot make the file\n");
        goto out;
    }
    const char *path = cli_opt(&o, "out");
    FILE *fp = path ? fopen(path, "wb") : stdout;
    if (!fp) {
        perror(path);
        goto out;
    }
    bool ok = fwrite(out.data, 1, out.len, fp) == out.len;
    if (path)
        ok = fclose(fp) == 0 && ok;
    else
        ok = fflush(fp) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "redress penalties export: cannot write %s\n", path ? path : "standard output");
        goto out;
    }
    if (path)
        fprintf(stderr, "%zu entries of %s written to %s\n", l.n, month, path);
    rc = 0;
out:
    buf_release(&out);
    penalty_list_release(&l);
    app_close(&a);
    return rc;
}
