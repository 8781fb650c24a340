/*
 * report: `redress report NAME --from YYYY-MM-DD --to YYYY-MM-DD
 * [--group-by a,b] [--unit CODE [--unit-only]] [--period P]
 * [--category C] [--channel C] [--level N] [--nature N]
 * [--format json|csv|xlsx] [--out FILE] [--en]` — one indicator for cron
 * and scripts, the same numbers and files as GET /api/v1/reports/NAME
 * (app/reports.c), over the whole organisation. `redress report list`
 * prints the catalogue; `redress report satisfaction --by
 * unit|staff|question` the satisfaction breakdown of the revisits (GET
 * /api/v1/reports/satisfaction), with the same options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/reports.h"
#include "cli/cli.h"
#include "util/jsonw.h"
#include "util/timeutil.h"

#define USAGE                                                                                                          \
    "usage: redress report NAME --from YYYY-MM-DD --to YYYY-MM-DD [--group-by a,b] [--period P]\n"                     \
    "                      [--unit CODE [--unit-only]] [--category C] [--channel C] [--level N] [--nature N]\n"        \
    "                      [--format json|csv|xlsx] [--out FILE] [--en] [--db URL]\n"                                  \
    "       redress report satisfaction --by unit|staff|question --from YYYY-MM-DD --to YYYY-MM-DD\n"                  \
    "                      [--unit CODE [--unit-only]] [--category C] [--format json|csv|xlsx] [--out FILE] [--en]\n"  \
    "       redress report list [--db URL]\n"

/* The report's parameters are the command's options, with '-' for '_'. */
static const char *option(void *ctx, const char *key)
{
    const cli_opts *o = ctx;
    char name[32];
    snprintf(name, sizeof name, "%s", key);
    for (char *p = name; *p; p++)
        if (*p == '_')
            *p = '-';
    if (strcmp(key, "unit_only") == 0)
        return cli_has(o, name) ? "true" : NULL;
    return cli_opt(o, name);
}

static int write_out(const char *path, const buf *b)
{
    FILE *fp = path ? fopen(path, "wb") : stdout;
    if (!fp) {
        perror(path);
        return -1;
    }
    bool ok = fwrite(b->data, 1, b->len, fp) == b->len;
    ok = (path ? fclose(fp) : fflush(fp)) == 0 && ok;
    if (!ok)
        fprintf(stderr, "redress report: cannot write %s\n", path ? path : "standard output");
    return ok ? 0 : -1;
}

/* The satisfaction breakdown into out (a file) or *j (JSON): 0, 2 for bad options, 1 on a failure. */
static int satisfaction(app *a, const cli_opts *o, bool en, bool file, sheet_format fmt, buf *out, json_t **j)
{
    app_sat_req s;
    sat_table t;
    cerr e = CERR_INIT;
    if (app_sat_parse(a, &s, option, (void *)o, -1, &e)) {
        fprintf(stderr, "redress report: %s\n", e.message);
        return 2;
    }
    int rc = 0;
    if (app_sat_run(a, &s, time_now(), &t)) {
        fprintf(stderr, "redress report: cannot read the complaints\n");
        rc = 1;
    } else if (file && sheet_close(app_sat_sheet(a, &s, &t, en, NULL, fmt), out)) {
        fprintf(stderr, "redress report: cannot make the file\n");
        rc = 1;
    } else if (!file) {
        *j = app_sat_json(a, &s, &t, en, NULL);
    }
    sat_release(&t);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    static const char *const extra[] = {"from",     "to",      "group-by", "period", "unit", "unit-only!",
                                        "category", "channel", "level",    "nature", "kind", "by",
                                        "format",   "out",     "en!",      "help!",  NULL};
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
        fputs(USAGE, argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    const char *name = argv[0];
    cli_opts o;
    if (cli_parse(argc - 1, argv + 1, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        fputs(USAGE, stdout);
        cli_print_settings();
        return 0;
    }
    const char *format = cli_opt(&o, "format") ? cli_opt(&o, "format") : "json";
    sheet_format fmt = SHEET_CSV;
    bool file = strcmp(format, "json") != 0;
    if (file && sheet_format_parse(format, &fmt)) {
        fprintf(stderr, "redress report: --format: expected json, csv or xlsx\n");
        return 2;
    }
    app a;
    if (cli_open_app(&a, true))
        return 1;
    int rc = 1;
    bool en = cli_has(&o, "en");
    buf out;
    buf_init(&out);
    app_report rep = {0};
    json_t *j = NULL;
    if (strcmp(name, "satisfaction") == 0) {
        rc = satisfaction(&a, &o, en, file, fmt, &out, &j);
        if (rc)
            goto out;
        rc = 1;
    } else if (cli_opt(&o, "by")) {
        fprintf(stderr,
                "redress report: --by: only of `redress report satisfaction` (an indicator takes --group-by)\n");
        rc = 2;
        goto out;
    } else if (strcmp(name, "list") == 0) {
        size_t n;
        report_defs(&n);
        j = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(j, app_report_indicator_json(&a, (int)i, en));
    } else {
        app_report_req r;
        cerr e = CERR_INIT;
        if (app_report_parse(&a, &r, name, option, &o, -1, false, &e)) {
            fprintf(stderr, "redress report: %s\n", e.message);
            rc = 2;
            goto out;
        }
        if (app_report_run(&a, &r, time_now(), &rep)) {
            fprintf(stderr, "redress report: cannot read the complaints\n");
            goto out;
        }
        if (file && app_report_export(&a, &r, &rep, en, fmt, &out)) {
            fprintf(stderr, "redress report: cannot make the file\n");
            goto out;
        }
        if (!file)
            j = app_report_json(&a, &r, &rep, en);
    }
    if (j) {
        char *text = jsonw_dumps(j, true);
        buf_puts(&out, text);
        buf_puts(&out, "\n");
        free(text);
    }
    rc = write_out(cli_opt(&o, "out"), &out) ? 1 : 0;
out:
    json_decref(j);
    app_report_release(&rep);
    buf_release(&out);
    app_close(&a);
    return rc;
}
