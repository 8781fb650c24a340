/*
 * copy: moves an installation from one store to another — typically from
 * the embedded SQLite file to PostgreSQL when one machine is no longer
 * enough (`redress copy --from sqlite:… --to postgresql://…`), but any
 * direction works: the rows travel through the store interface's bulk ops
 * (tables, rows_dump, rows_load), not through SQL of either dialect.
 *
 * What moves is every table the two schemas share, row for row, ids
 * included: the configuration and policy pack, units, users (password
 * hashes), tokens, day_seq (so numbering continues), complaints, events
 * with their hashes and bodies byte for byte, daily statistics, and what
 * later migrations add (outbox, supervisions, …). The target must be empty;
 * both are migrated to this binary's schema on opening.
 *
 * Afterwards the copy is checked: row counts per table on both sides, and
 * on the target the check of `redress verify` for every complaint (chain
 * links and replay, app_verify_copied: the keyed hashes need the master key)
 * plus the head hash against the source. Servers on the source should be stopped while it runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/attachments.h"
#include "app/verify.h"
#include "cli/cli.h"
#include "util/buf.h"
#include "util/xalloc.h"

/* Foreign keys point backwards in this order; other tables follow by name. */
static const char *const table_order[] = {"config", "units",       "users",  "tokens",       "day_seq", "complaints",
                                          "events", "daily_stats", "outbox", "supervisions", "incidents",
                                          "incident_complaints", "pack_versions", NULL};

enum { BATCH_ROWS = 2000, BATCH_BYTES = 16 << 20 };

/* Rows of one table on their way to the target; text and blobs live in data. */
typedef struct batch {
    store *dst;
    const store_table *t;
    store_value *rows;
    size_t n, cap; /* rows */
    buf data;      /* a value's bytes start at data.data + value.i until flushed */
    int64_t copied;
    int rc;
} batch;

static int flush(batch *b)
{
    size_t nv = b->n * b->t->ncols;
    for (size_t k = 0; k < nv; k++)
        if (b->rows[k].type == SV_TEXT || b->rows[k].type == SV_BLOB)
            b->rows[k].p = b->data.data + b->rows[k].i;
    int rc = store_rows_load(b->dst, b->t, b->rows, b->n);
    if (rc == 0)
        b->copied += (int64_t)b->n;
    b->n = 0;
    buf_clear(&b->data);
    return rc;
}

static int take_row(const store_value *row, void *arg)
{
    batch *b = arg;
    size_t nc = b->t->ncols;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->rows = xrealloc(b->rows, b->cap * nc * sizeof *b->rows);
    }
    store_value *v = &b->rows[b->n * nc];
    for (size_t k = 0; k < nc; k++) {
        v[k] = row[k];
        if (row[k].type == SV_TEXT || row[k].type == SV_BLOB) {
            v[k].i = (int64_t)b->data.len;
            v[k].p = NULL;
            buf_append(&b->data, row[k].p, row[k].len);
            buf_putc(&b->data, '\0');
        }
    }
    b->n++;
    if (b->n == BATCH_ROWS || b->data.len > BATCH_BYTES) {
        b->rc = flush(b);
        if (b->rc)
            return 1; /* stops the dump */
    }
    return 0;
}

static const store_table *find_table(const store_table *t, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

static bool has_col(const store_table *t, const char *col)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], col) == 0)
            return true;
    return false;
}

/* The URL without its password, for messages. */
static void redact(const char *url, char *out, size_t n)
{
    const char *scheme = strstr(url, "://"), *at = strchr(url, '@');
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (scheme && at && colon && colon < at)
        snprintf(out, n, "%.*s:***%s", (int)(colon - url), url, at);
    else
        snprintf(out, n, "%s", url);
}

struct vcheck {
    app *src, *dst;
    long checked;
    int broken;
    char msg[512];
};

static int check_one(int64_t id, void *arg)
{
    struct vcheck *v = arg;
    v->checked++;
    if (app_verify_copied(v->dst, id, v->msg, sizeof v->msg)) {
        v->broken = 1;
        return 1;
    }
    complaint a, b;
    complaint_init(&a);
    complaint_init(&b);
    if (store_complaint_get(v->src->db, id, NULL, &a) != 0 ||
        store_complaint_get(v->dst->db, id, NULL, &b) != 0 || memcmp(a.head, b.head, 32) != 0 ||
        strcmp(a.number, b.number) != 0) {
        snprintf(v->msg, sizeof v->msg, "complaint %lld: its number or head hash differs from the source",
                 (long long)id);
        v->broken = 1;
    }
    complaint_release(&a);
    complaint_release(&b);
    return v->broken;
}

/* Every table of src in copying order: table_order first, then by name. */
static const store_table **copy_order(const store_table *t, size_t n)
{
    const store_table **order = xcalloc(n + 1, sizeof *order);
    size_t k = 0;
    for (const char *const *name = table_order; *name; name++) {
        const store_table *x = find_table(t, n, *name);
        if (x)
            order[k++] = x;
    }
    for (size_t i = 0; i < n; i++) {
        bool known = false;
        for (const char *const *name = table_order; *name && !known; name++)
            known = strcmp(*name, t[i].name) == 0;
        if (!known)
            order[k++] = &t[i];
    }
    return order;
}

static int copy_all(app *src, app *dst)
{
    store *s = src->db, *d = dst->db;
    store_table *st = NULL, *dt = NULL;
    size_t ns = 0, nd = 0;
    const store_table **order = NULL;
    int64_t *counts = NULL;
    int rc = 1, sv = 0, dv = 0;
    if (store_schema_version(s, &sv) || store_schema_version(d, &dv) || store_tables(s, &st, &ns) ||
        store_tables(d, &dt, &nd)) {
        fprintf(stderr, "redress copy: cannot read the schemas\n");
        goto out;
    }
    if (sv != dv) {
        fprintf(stderr, "redress copy: schema versions differ (source %d, target %d): run one binary on both\n", sv,
                dv);
        goto out;
    }
    /* Check everything before writing anything. */
    order = copy_order(st, ns);
    counts = xcalloc(ns + 1, sizeof *counts);
    for (size_t i = 0; i < ns; i++) {
        const store_table *t = order[i], *x = find_table(dt, nd, t->name);
        int64_t there = 0;
        if (store_rows_count(s, t->name, &counts[i])) {
            fprintf(stderr, "redress copy: cannot count %s in the source\n", t->name);
            goto out;
        }
        if (!x) {
            if (counts[i]) {
                fprintf(stderr, "redress copy: the target has no table %s (%lld rows in the source)\n", t->name,
                        (long long)counts[i]);
                goto out;
            }
            continue;
        }
        for (size_t k = 0; k < t->ncols; k++) {
            if (!has_col(x, t->cols[k])) {
                fprintf(stderr, "redress copy: the target's table %s has no column %s\n", t->name, t->cols[k]);
                goto out;
            }
        }
        if (store_rows_count(d, t->name, &there)) {
            fprintf(stderr, "redress copy: cannot count %s in the target\n", t->name);
            goto out;
        }
        if (there) {
            fprintf(stderr, "redress copy: the target is not empty (%s has %lld rows); copy into a new database\n",
                    t->name, (long long)there);
            goto out;
        }
    }
    printf("schema version %d; copying %zu tables\n", sv, ns);
    for (size_t i = 0; i < ns; i++) {
        const store_table *t = order[i];
        /* The attachments' sealed bytes move below, into the target's own place. */
        if (!find_table(dt, nd, t->name) || strcmp(t->name, "attachment_chunks") == 0)
            continue;
        batch b = {.dst = d, .t = t};
        buf_init(&b.data);
        int dump = store_rows_dump(s, t, take_row, &b);
        if (dump == 0 && b.rc == 0 && b.n)
            b.rc = flush(&b);
        free(b.rows);
        buf_release(&b.data);
        if (b.rc || (dump != 0 && dump != 1)) {
            fprintf(stderr,
                    "redress copy: copying %s failed after %lld rows (%s); the target is incomplete:\n"
                    "drop it, create an empty database and copy again\n",
                    t->name, (long long)b.copied, b.rc ? "writing the target" : "reading the source");
            goto out;
        }
        int64_t there = 0;
        if (store_rows_count(d, t->name, &there) || there != counts[i] || b.copied != counts[i]) {
            fprintf(stderr, "redress copy: %s: %lld rows in the source, %lld in the target\n", t->name,
                    (long long)counts[i], (long long)there);
            goto out;
        }
        printf("  %-14s %10lld rows\n", t->name, (long long)there);
        fflush(stdout);
    }
    int64_t files = 0;
    if (app_attach_copy(src, dst, &files)) {
        fprintf(stderr, "redress copy: copying the attachments' files failed after %lld; the target is incomplete\n",
                (long long)files);
        goto out;
    }
    printf("  %-14s %10lld files\n", "(attachments)", (long long)files);
    rc = 0;
out:
    free(order);
    free(counts);
    store_tables_release(st, ns);
    store_tables_release(dt, nd);
    return rc;
}

static void file_bad(void *arg, const attachment *att, const char *why)
{
    if (!*(bool *)arg)
        printf("BROKEN: attachment %s of complaint %lld on the target: %s\n", att->id, (long long)att->complaint_id,
               why);
    *(bool *)arg = true;
}

/* Every attachment's sealed bytes on the target hashed against its row: 0, or 1 (reported). */
static int verify_files(app *dst)
{
    bool bad = false;
    int64_t n = 0;
    if (app_attach_verify(dst, file_bad, &bad, &n)) {
        fprintf(stderr, "redress copy: cannot read the target's attachments to verify them\n");
        return 1;
    }
    if (!bad)
        printf("verified: %lld attachments on the target, every file's hash intact\n", (long long)n);
    return bad ? 1 : 0;
}

int cmd_copy(int argc, char **argv)
{
    static const char *const extra[] = {"from", "to", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    const char *from = cli_opt(&o, "from"), *to = cli_opt(&o, "to");
    if (cli_has(&o, "help") || !from || !to) {
        printf("usage: redress copy --from URL --to URL\n"
               "Moves an installation into an empty database, e.g. from sqlite:data/redress.db to\n"
               "postgresql://redress@db.example.cn/redress: configuration, units, users, tokens, complaints\n"
               "and their events (hashes unchanged), statistics and numbering. Then checks the row counts\n"
               "and runs the check of `redress verify` on the target. Stop the servers on the source first.\n");
        cli_print_settings();
        return cli_has(&o, "help") ? 0 : 2;
    }
    store_options so;
    if (cli_store_options(&so))
        return 2;
    char err[512], rf[256], rt[256];
    redact(from, rf, sizeof rf);
    redact(to, rt, sizeof rt);
    if (strcmp(from, to) == 0) {
        fprintf(stderr, "redress copy: --from and --to name the same database\n");
        return 2;
    }
    time_t t0 = time(NULL);
    app src, dst;
    if (app_open_with(&src, from, &so, true, err, sizeof err)) {
        fprintf(stderr, "redress copy: source %s: %s\n", rf, err);
        app_close(&src);
        return 1;
    }
    if (app_open_with(&dst, to, &so, false, err, sizeof err)) {
        fprintf(stderr, "redress copy: target %s: %s\n", rt, err);
        app_close(&dst);
        app_close(&src);
        return 1;
    }
    printf("copying %s (%s) to %s (%s)\n", rf, store_name(src.db), rt, store_name(dst.db));
    int rc = copy_all(&src, &dst);
    if (rc == 0) {
        struct vcheck v = {&src, &dst, 0, 0, ""};
        if (store_complaint_ids(dst.db, check_one, &v)) {
            fprintf(stderr, "redress copy: cannot read the target to verify it\n");
            rc = 1;
        } else if (v.broken) {
            printf("BROKEN: %s\n", v.msg);
            rc = 1;
        } else if (verify_files(&dst)) {
            rc = 1;
        } else {
            printf("verified: %ld complaints on the target, every event chain and projection intact and the\n"
                   "head hashes equal to the source's (%lld s)\n",
                   v.checked, (long long)(time(NULL) - t0));
        }
    }
    app_close(&dst);
    app_close(&src);
    return rc;
}
