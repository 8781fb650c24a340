/*
 * import: `redress import --db URL FILE --mapping MAPPING.json|NAME [--dry-run]
 * [--report PROBLEMS.csv] [--threads N]` — a ledger (台账) taken in
 * (app/import.h): CSV or XLSX by the file's content, through a mapping
 * file or one saved by name (api/imports.c). A dry run checks
 * every row and stores nothing. Each refused row is printed (row, column,
 * reason) and, with --report, written as CSV (util/sheet.h); progress is a
 * line redrawn on a terminal, a line each tenth of the file otherwise; the
 * last line is "imported N, skipped K, failed F". Exit 0, 1 when a row
 * failed outside a dry run or the store failed, 2 for bad arguments or an
 * unreadable file or mapping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/import.h"
#include "cli/cli.h"
#include "util/buf.h"
#include "util/jsonr.h"
#include "util/sheet.h"
#include "util/timeutil.h"

#define USAGE                                                                                                          \
    "usage: redress import FILE --mapping MAPPING.json|NAME [--dry-run] [--report PROBLEMS.csv] [--threads N]\n"     \
    "                      [--db URL]\n"

enum { PRINTED_MAX = 100 }; /* refused rows printed; the report has them all */

typedef struct out {
    bool tty;
    int tenth; /* the last tenth printed */
    long printed;
    sheet *report;
} out;

static void problem(void *arg, int64_t row, const char *column, const char *reason)
{
    out *o = arg;
    if (o->printed++ < PRINTED_MAX)
        fprintf(stderr, "%srow %lld, column %s: %s\n", o->tty ? "\r\033[K" : "", (long long)row,
                *column ? column : "-", reason);
    else if (o->printed == PRINTED_MAX + 1)
        fprintf(stderr, "… (more refused rows: see --report)\n");
    if (o->report) {
        sheet_int(o->report, row);
        sheet_text(o->report, column);
        sheet_text(o->report, reason);
    }
}

static void progress(void *arg, const import_stats *st)
{
    out *o = arg;
    int pct = (int)(st->fraction * 100 + 0.5);
    if (o->tty) {
        char bar[31];
        int fill = pct * 30 / 100;
        for (int i = 0; i < 30; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[30] = '\0';
        fprintf(stderr, "\r\033[K[%s] %3d%%  %lld rows: %lld imported, %lld skipped, %lld failed", bar, pct,
                (long long)st->rows, (long long)st->imported, (long long)st->skipped, (long long)st->failed);
    } else if (pct / 10 > o->tenth) {
        o->tenth = pct / 10;
        fprintf(stderr, "%d%%: %lld rows, %lld imported, %lld skipped, %lld failed\n", pct, (long long)st->rows,
                (long long)st->imported, (long long)st->skipped, (long long)st->failed);
    }
}

static json_t *load_mapping(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return NULL;
    }
    buf b;
    buf_init(&b);
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (1 << 20))
        buf_append(&b, chunk, got);
    fclose(f);
    json_error_t err;
    json_t *m = b.len < (1 << 20) ? jsonr_loadb(b.data, b.len, &err) : NULL;
    if (!m)
        fprintf(stderr, "redress import: %s: not a JSON mapping (line %d: %s)\n", path, err.line,
                b.len < (1 << 20) ? err.text : "larger than 1 MiB");
    buf_release(&b);
    return m;
}

/* The mapping saved as name (PUT /api/v1/import-mappings/{name}) into *out when name is no file and one
 * is saved so (else *mapping NULL); -1 when the store failed. */
static int saved_mapping(app *a, const char *name, json_t **mapping)
{
    *mapping = NULL;
    if (access(name, F_OK) == 0 || strchr(name, '/'))
        return 0;
    import_mapping m = {0};
    int rc = store_import_mapping_get(a->db, name, &m);
    if (rc == 0)
        *mapping = jsonr_loads(m.mapping, NULL);
    import_mapping_release(&m);
    if (rc && rc != STORE_NOTFOUND) {
        fprintf(stderr, "redress import: the saved mappings cannot be read\n");
        return -1;
    }
    return 0;
}

static int write_report(const char *path, sheet *s)
{
    buf b;
    buf_init(&b);
    int rc = sheet_close(s, &b);
    FILE *f = rc ? NULL : fopen(path, "wb");
    if (f) {
        rc = fwrite(b.data, 1, b.len, f) == b.len ? 0 : -1;
        rc = fclose(f) || rc ? -1 : 0;
    } else {
        rc = -1;
    }
    if (rc)
        fprintf(stderr, "redress import: cannot write %s\n", path);
    buf_release(&b);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const char *const extra[] = {"mapping", "dry-run!", "report", "threads", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf(USAGE "Imports a ledger (台账): every row of FILE (CSV or XLSX, told by its content) becomes a\n"
                     "complaint through the mapping (docs/operations.md \"Ledger import\"), with an import event\n"
                     "naming the file and the row. NAME is a mapping saved through the API (import-mappings).\n"
                     "A row whose key was imported already is skipped, so running\n"
                     "the same file again, or again after an interruption, adds only what is missing.\n"
                     "--dry-run checks every row and stores nothing; --report writes the refused rows (row,\n"
                     "column, reason) as CSV; --threads N imports N rows at once (default 8).\n");
        cli_print_settings();
        return 0;
    }
    const char *mpath = cli_opt(&o, "mapping");
    long threads = 8;
    if (o.nargs != 1 || !mpath) {
        fputs(USAGE, stderr);
        return 2;
    }
    if (cli_has(&o, "threads") && cli_long("redress import", "threads", cli_opt(&o, "threads"), 1, 32, &threads))
        return 2;
    const char *path = o.args[0];
    if (access(path, R_OK)) {
        perror(path);
        return 2;
    }
    app a;
    if (cli_open_writer(&a, true))
        return 1;
    json_t *mj;
    if (saved_mapping(&a, mpath, &mj)) {
        app_close(&a);
        return 1;
    }
    if (!mj && !(mj = load_mapping(mpath))) {
        app_close(&a);
        return 2;
    }
    cerr e = CERR_INIT;
    importmap *m = importmap_parse(mj, &e);
    json_decref(mj);
    if (!m) {
        fprintf(stderr, "redress import: %s: %s\n", mpath, e.message);
        app_close(&a);
        return 2;
    }
    const char *slash = strrchr(path, '/');
    out w = {.tty = isatty(STDERR_FILENO)};
    static const sheet_col cols[] = {{"行 row", SHEET_INT}, {"列 column", SHEET_TEXT}, {"原因 reason", SHEET_TEXT}};
    const char *report = cli_opt(&o, "report");
    if (report)
        w.report = sheet_open(SHEET_CSV, "problems", cols, 3);
    import_opts io = {.path = path,
                      .name = slash ? slash + 1 : path,
                      .dry_run = cli_has(&o, "dry-run"),
                      .threads = (int)threads,
                      .now = time_now(),
                      .problem = problem,
                      .progress = progress,
                      .arg = &w};
    actor system = {0}; /* the system: a ledger is the organisation's record, not one agent's intake */
    import_stats st;
    double t0 = time_mono_ms();
    int rc = app_import(&a, &system, m, &io, &st, &e);
    double secs = (time_mono_ms() - t0) / 1000;
    if (w.tty)
        fprintf(stderr, "\n");
    if (rc == 0)
        cli_audit(&a, io.dry_run ? "import_checked" : "import", io.name);
    app_close(&a);
    importmap_free(m);
    if (report && write_report(report, w.report))
        rc = rc ? rc : -1;
    if (rc == CERR_USER) {
        fprintf(stderr, "redress import: %s: %s%s%s\n", path, e.field[0] ? e.field : "", e.field[0] ? ": " : "",
                e.message);
        return 2;
    }
    fprintf(stderr, "%lld rows in %.1f s (%.0f rows/s)%s\n", (long long)st.rows, secs,
            secs > 0 ? (double)st.rows / secs : 0.0, io.dry_run ? ", dry run: nothing stored" : "");
    /* The summary scripts read (a dry run's "imported" counts the rows that would be). */
    printf("imported %lld, skipped %lld, failed %lld\n", (long long)st.imported,
           (long long)st.skipped, (long long)st.failed);
    if (rc) {
        fprintf(stderr, "redress import: the store failed\n");
        return 1;
    }
    return st.failed && !io.dry_run ? 1 : 0;
}
