/*
 * mailbox: `redress mailbox list|put|remove|poll` — the mailboxes of the
 * e-mail intake (docs/operations.md "E-mail intake") from the shell,
 * checked like the API's (app/mailin.h) and audited as made by the system.
 * `poll` reads one mailbox now, as the server's poller does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/mailin.h"
#include "cli/cli.h"
#include "util/timeutil.h"

#define USAGE                                                                                                          \
    "usage: redress mailbox list\n"                                                                                    \
    "       redress mailbox put NAME --unit CODE --url imap[s]://HOST[:PORT]/FOLDER --user USER [--password P]\n"                 \
    "                                [--poll-seconds N] [--disabled]\n"                                                \
    "       redress mailbox remove NAME\n"                                                                             \
    "       redress mailbox poll NAME\n"

int cli_mailin_configure(void)
{
    long max, timeout;
    if (cli_long("redress", "mail-max-bytes", setting_get("mail-max-bytes"), 1024, 268435456L, &max) ||
        cli_long("redress", "mail-timeout", setting_get("mail-timeout"), 1, 600, &timeout))
        return -1;
    mailin_config mc = {max, (int)timeout};
    app_mailin_configure(&mc);
    return 0;
}

static int list(app *a)
{
    mailbox_list l = {0};
    if (store_mailbox_list(a->db, &l)) {
        fprintf(stderr, "redress mailbox list: the database cannot be read\n");
        return 1;
    }
    for (size_t i = 0; i < l.n; i++) {
        const mailbox *m = &l.items[i];
        const unit *u = org_find(app_org(a), m->unit);
        printf("%s\t%s\t%s\t%s\t%s\t%ds\tlast uid %lld\t%s\n", m->name, u ? u->code : "?", m->url, m->username,
               m->enabled ? "enabled" : "disabled", m->poll_seconds, (long long)m->last_uid,
               *m->last_error ? m->last_error : "ok");
    }
    mailbox_list_release(&l);
    return 0;
}

static void audit(app *a, const char *action, const char *name)
{
    char subject[80];
    snprintf(subject, sizeof subject, "mailbox:%s", name);
    cli_audit(a, action, subject);
}

static int put(app *a, const char *name, const cli_opts *o)
{
    const char *ps = cli_opt(o, "poll-seconds");
    char *end = NULL;
    long secs = ps ? strtol(ps, &end, 10) : 60;
    if (ps && (*end || !*ps)) {
        fprintf(stderr, "redress mailbox put: --poll-seconds: expected a number of seconds\n");
        return 2;
    }
    json_t *in = json_pack("{s:s?,s:s?,s:s?,s:s?,s:b,s:I}", "unit", cli_opt(o, "unit"), "url", cli_opt(o, "url"), "user", cli_opt(o, "user"),
                           "password", cli_opt(o, "password"), "enabled", !cli_has(o, "disabled"), "poll_seconds",
                           (json_int_t)secs);
    mailbox m;
    cerr e = CERR_INIT;
    int rc = app_mailbox_check(a, name, in, time_now(), &m, &e) ? 2 : store_mailbox_put(a->db, &m) ? 1 : 0;
    if (rc == 2)
        fprintf(stderr, "redress mailbox put: %s\n", e.message);
    else if (rc)
        fprintf(stderr, "redress mailbox put: the database cannot be written\n");
    else {
        audit(a, "mailbox_put", m.name);
        printf("%s\n", m.name);
    }
    json_decref(in);
    return rc;
}

static int remove_one(app *a, const char *name)
{
    int rc = store_mailbox_delete(a->db, name);
    if (rc) {
        fprintf(stderr, "redress mailbox remove: %s\n",
                rc == STORE_NOTFOUND ? "no such mailbox" : "the database cannot be written");
        return 1;
    }
    audit(a, "mailbox_delete", name);
    return 0;
}

static int poll_one(app *a, const char *name)
{
    mailin_counts c;
    char err[256];
    int rc = app_mailin_poll(a, name, time_now(), &c, err, sizeof err);
    if (rc) {
        fprintf(stderr, "redress mailbox poll: %s\n",
                rc == STORE_NOTFOUND   ? "no such mailbox"
                : rc == STORE_CONFLICT ? "the mailbox is being polled by a server"
                                       : "the database cannot be written");
        return 1;
    }
    printf("fetched %d: %d drafts, %d aside, %d joined to their complaints\n", c.fetched, c.pending, c.aside, c.joined);
    if (*err)
        fprintf(stderr, "redress mailbox poll: %s\n", err);
    return *err ? 1 : 0;
}

int cmd_mailbox(int argc, char **argv)
{
    static const char *const extra[] = {"unit", "url", "user", "password", "poll-seconds", "disabled!", "help!", NULL};
    static const char *const subs[] = {"list", "put", "remove", "poll", NULL};
    size_t k;
    cli_opts o;
    int rc = cli_subcommand(argc, argv, subs, extra, USAGE, &k, &o);
    if (rc >= 0)
        return rc;
    if (cli_has(&o, "help")) {
        printf(USAGE "A mailbox's new messages become drafts of complaints that the agents whose scope holds its unit\n"
                     "confirm (Mail intake page); put without --password keeps the stored one. list prints name,\n"
                     "unit, URL, user, state, interval,\n"
                     "the last UID taken in and the last poll's error.\n");
        cli_print_settings();
        return 0;
    }
    app a;
    if (cli_mailin_configure())
        return 2;
    if (k == 0 ? cli_open_app(&a, true) : cli_open_writer(&a, true))
        return 1;
    rc = k == 0 ? list(&a) : k == 1 ? put(&a, argv[1], &o) : k == 2 ? remove_one(&a, argv[1]) : poll_one(&a, argv[1]);
    app_close(&a);
    return rc;
}
