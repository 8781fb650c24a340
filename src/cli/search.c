/*
 * search: the search index from the shell (docs/operations.md "Search
 * index") — how many rows wait in its recent level, a merge of them now
 * (what serve's merger does in the background, for a node run with
 * search-merge-interval 0), and the re-indexing of complaints stored before
 * the index existed or whose index is missing (or, with --all, of every
 * complaint), resumable: each complaint is re-indexed in its own
 * transaction, and a run that stops is run again (--after continues an
 * --all run from the last id it printed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/search.h"
#include "cli/cli.h"
#include "util/timeutil.h"

enum { REINDEX_PAGE = 500 };

static int usage(FILE *f)
{
    fprintf(f, "usage: redress search status\n"
               "       redress search merge [--batch N]\n"
               "       redress search reindex [--all] [--after ID] [--quiet]\n"
               "status: the rows of the index's recent level waiting to be merged.\n"
               "merge: merges them now, N a transaction (default: search-merge-batch).\n"
               "reindex: indexes every complaint that has no index (stored before the search index\n"
               "existed, or lost), or with --all every complaint, from its sealed text; resumable.\n");
    return f == stdout ? 0 : 2;
}

static int status(app *a)
{
    int64_t n = 0;
    if (store_search_recent_count(a->db, &n, NULL)) {
        fprintf(stderr, "redress search: the store failed\n");
        return 1;
    }
    printf("recent level: %lld rows waiting to be merged\n", (long long)n);
    return 0;
}

static int merge(app *a, long batch)
{
    long moved = 0;
    double t0 = time_mono_ms();
    if (app_search_merge(a, (int)batch, 0, &moved)) {
        fprintf(stderr, "redress search merge: the store failed after %ld rows (merged rows stay merged)\n", moved);
        return 1;
    }
    printf("merged %ld rows in %.0f ms\n", moved, time_mono_ms() - t0);
    return 0;
}

static int reindex(app *a, bool all, int64_t after, bool quiet)
{
    int64_t ids[REINDEX_PAGE];
    long indexed = 0, skipped = 0;
    double t0 = time_mono_ms(), shown = t0;
    bool tty = isatty(STDERR_FILENO);
    for (;;) {
        size_t n = 0;
        if (store_search_unindexed(a->db, after, all, ids, REINDEX_PAGE, &n)) {
            fprintf(stderr, "\nredress search reindex: the store failed; run it again%s\n",
                    all ? " with --after (the last id shown)" : "");
            return 1;
        }
        for (size_t i = 0; i < n; i++) {
            bool done = false;
            if (app_search_reindex(a, ids[i], &done)) {
                fprintf(stderr, "\nredress search reindex: complaint %lld: the store failed; run it again%s\n",
                        (long long)ids[i], all ? " with --after (the last id shown)" : "");
                return 1;
            }
            done ? indexed++ : skipped++;
            after = ids[i];
        }
        double now = time_mono_ms();
        if (!quiet && (n < REINDEX_PAGE || now - shown >= 1000)) {
            fprintf(stderr, "%sreindex: %ld complaints indexed, %ld anonymised left out, up to id %lld (%.0f/s)%s",
                    tty ? "\r" : "", indexed, skipped, (long long)after,
                    (double)(indexed + skipped) * 1000.0 / (now - t0 > 1 ? now - t0 : 1), tty ? "" : "\n");
            shown = now;
        }
        if (n < REINDEX_PAGE)
            break;
    }
    if (!quiet && tty)
        fputc('\n', stderr);
    printf("reindex: %ld complaints indexed, %ld anonymised left out\n", indexed, skipped);
    return 0;
}

int cmd_search(int argc, char **argv)
{
    static const char *const extra[] = {"batch", "all!", "after", "quiet!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    const char *sub = o.nargs ? o.args[0] : "";
    if (cli_has(&o, "help"))
        return usage(stdout);
    bool known = strcmp(sub, "status") == 0 || strcmp(sub, "merge") == 0 || strcmp(sub, "reindex") == 0;
    if (!known || o.nargs > 1)
        return usage(stderr);
    long batch = 0, after = 0;
    const char *b = cli_opt(&o, "batch"), *af = cli_opt(&o, "after");
    if (cli_long("redress search", b ? "batch" : "search-merge-batch", b ? b : setting_get("search-merge-batch"), 1,
                 10000, &batch) ||
        (af && cli_long("redress search", "after", af, 0, 9223372036854775807L, &after)))
        return 2;
    app a;
    /* Re-indexing opens sealed text: it needs the keys. */
    if (strcmp(sub, "reindex") == 0 ? cli_open_writer(&a, false) : cli_open_app(&a, false))
        return 1;
    int rc = strcmp(sub, "status") == 0 ? status(&a)
             : strcmp(sub, "merge") == 0 ? merge(&a, batch)
                                         : reindex(&a, cli_has(&o, "all"), after, cli_has(&o, "quiet"));
    app_close(&a);
    return rc;
}
