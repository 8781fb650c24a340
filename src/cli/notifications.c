/*
 * notifications: `redress notifications --user NAME [--unread] [--limit N]
 * [--en]` lists a person's in-app notices, newest first — what their bell
 * shows (GET /api/v1/notifications) — for an operator asked why someone
 * was, or was not, told. It reads only; nothing is marked read.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/timeutil.h"

static const char usage[] = "usage: redress notifications --user NAME [--unread] [--limit N] [--en] [--db URL]\n";

int cmd_notifications(int argc, char **argv)
{
    static const char *const extra[] = {"user", "unread!", "limit", "en!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("%sLists the person's in-app notices, newest first: id, time, read or unread,\n"
               "the complaint's number and the text (Chinese; --en English). --unread keeps\n"
               "the unread ones; --limit (1–1000, 50) the most shown. Nothing is marked read.\n",
               usage);
        cli_print_settings();
        return 0;
    }
    const char *name = cli_opt(&o, "user");
    long limit = 50;
    if (!name || !*name) {
        fputs(usage, stderr);
        return 2;
    }
    if (cli_has(&o, "limit") && cli_long("redress notifications", "limit", cli_opt(&o, "limit"), 1, 1000, &limit))
        return 2;
    app a;
    if (cli_open_app(&a, true))
        return 1;
    int rc = 1;
    user u = {0};
    inapp_list l = {0};
    int64_t unread = 0;
    int s = store_user_get(a.db, name, 0, &u, NULL);
    if (s == STORE_NOTFOUND) {
        fprintf(stderr, "redress notifications: no user %s\n", name);
        goto out;
    }
    inapp_filter f = {.user_id = u.id, .unread = cli_has(&o, "unread"), .limit = limit};
    if (s || store_inapp_list(a.db, &f, &l) || store_inapp_unread(a.db, u.id, &unread)) {
        fprintf(stderr, "redress notifications: cannot read the notices\n");
        goto out;
    }
    bool en = cli_has(&o, "en");
    for (size_t i = 0; i < l.n; i++) {
        const inapp_notice *n = &l.items[i];
        char at[40];
        time_format(n->created_at, app_pol(&a)->tz_offset, at, sizeof at);
        printf("%lld\t%s\t%s\t%s\t%s\n", (long long)n->id, at, n->read_at ? "read" : "unread",
               *n->number ? n->number : "-", en ? n->text_en : n->text_zh);
    }
    fprintf(stderr, "%zu shown; %lld unread\n", l.n, (long long)unread);
    rc = 0;
out:
    inapp_list_release(&l);
    user_release(&u);
    app_close(&a);
    return rc;
}
