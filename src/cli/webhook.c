/*
 * webhook: `redress webhook list|put|remove|token` — the webhooks of units
 * and the partner systems among them (docs/api.md "Partner systems") from
 * the shell, checked like the API's (app/partner.h) and audited as made by
 * the system. `token` makes a partner's API token and prints it once.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app/partner.h"
#include "cli/cli.h"
#include "sec/auth.h"
#include "util/timeutil.h"

#define USAGE                                                                                                          \
    "usage: redress webhook list\n"                                                                                    \
    "       redress webhook put NAME --unit CODE --url URL --secret S [--format json|wecom|dingtalk]\n"               \
    "                                [--channel CODE [--signed]]\n"                                                   \
    "       redress webhook remove NAME\n"                                                                             \
    "       redress webhook token NAME --user USERNAME [--label TEXT]\n"

static int list(app *a)
{
    webhook_list l = {0};
    if (store_webhook_list(a->db, &l)) {
        fprintf(stderr, "redress webhook list: the database cannot be read\n");
        return 1;
    }
    for (size_t i = 0; i < l.n; i++) {
        const webhook *w = &l.items[i];
        const unit *u = org_find(app_org(a), w->unit);
        printf("%s\t%s\t%s\t%s\t%s\n", w->name, u ? u->code : "?", w->format,
               w->channel[0] ? w->channel : "-", w->channel[0] ? (w->signed_only ? "signed" : "unsigned") : "-");
    }
    webhook_list_release(&l);
    return 0;
}

static int put(app *a, const char *name, const cli_opts *o)
{
    json_t *in = json_pack("{s:s?,s:s?,s:s?,s:s?,s:s?,s:b}", "unit", cli_opt(o, "unit"), "url", cli_opt(o, "url"),
                           "secret", cli_opt(o, "secret"), "format", cli_opt(o, "format"), "channel",
                           cli_opt(o, "channel"), "signed", cli_has(o, "signed"));
    webhook w;
    cerr e = CERR_INIT;
    int rc = app_webhook_check(a, name, in, time_now(), &w, &e) ? 2 : store_webhook_put(a->db, &w) ? 1 : 0;
    if (rc == 2)
        fprintf(stderr, "redress webhook put: %s\n", e.message);
    else if (rc)
        fprintf(stderr, "redress webhook put: the database cannot be written\n");
    else {
        char subject[80];
        snprintf(subject, sizeof subject, "webhook:%s", w.name);
        cli_audit(a, "webhook_put", subject);
        printf("%s\n", w.name);
    }
    json_decref(in);
    return rc;
}

static int remove_one(app *a, const char *name)
{
    int rc = store_webhook_delete(a->db, name);
    if (rc) {
        fprintf(stderr, "redress webhook remove: %s\n", rc == STORE_NOTFOUND ? "no such webhook" : "the database cannot be written");
        return 1;
    }
    char subject[80];
    snprintf(subject, sizeof subject, "webhook:%s", name);
    cli_audit(a, "webhook_delete", subject);
    return 0;
}

/* A token for partner name acting as --user, printed once. */
static int make_token(app *a, const char *name, const cli_opts *o)
{
    webhook w = {0};
    user u = {0};
    cerr e = CERR_INIT;
    const char *username = cli_opt(o, "user");
    int rc = 1;
    if (!username)
        fprintf(stderr, "redress webhook token: --user: required (the user the partner's complaints are taken in as)\n");
    else if (app_partner_find(a, name, "NAME", &w, &e))
        fprintf(stderr, "redress webhook token: %s\n", *e.message ? e.message : "the database cannot be read");
    else if (store_user_get(a->db, username, 0, &u, NULL))
        fprintf(stderr, "redress webhook token: --user: no such user\n");
    else {
        char secret[80], label[128];
        snprintf(label, sizeof label, "%s", cli_opt(o, "label") ? cli_opt(o, "label") : w.name);
        token t = {.user_id = u.id, .kind = 't', .name = label, .created_at = time_now()};
        snprintf(t.partner, sizeof t.partner, "%s", w.name);
        auth_new_token('t', secret, sizeof secret, t.hash);
        if (store_token_add(a->db, &t))
            fprintf(stderr, "redress webhook token: the database cannot be written\n");
        else {
            char subject[32];
            snprintf(subject, sizeof subject, "token:%" PRId64, t.id);
            cli_audit(a, "token_create", subject);
            printf("%s\n", secret);
            rc = 0;
        }
        sodium_memzero(secret, sizeof secret);
    }
    user_release(&u);
    webhook_release(&w);
    return rc;
}

int cmd_webhook(int argc, char **argv)
{
    static const char *const extra[] = {"unit", "url", "secret", "format", "channel", "signed!", "user", "label",
                                        "help!", NULL};
    static const char *const subs[] = {"list", "put", "remove", "token", NULL};
    size_t k;
    cli_opts o;
    app a;
    int rc = cli_subcommand_app(
        argc, argv, subs, extra, USAGE,
        "A webhook with --channel is a partner system's: its tokens send complaints in on that channel,\n"
        "and it is told of their status changes (docs/api.md \"Partner systems\"). list prints name,\n"
        "unit, format, channel and whether its requests must be signed.\n",
        &k, &o, &a);
    if (rc >= 0)
        return rc;
    rc = k == 0 ? list(&a) : k == 1 ? put(&a, argv[1], &o) : k == 2 ? remove_one(&a, argv[1]) : make_token(&a, argv[1], &o);
    app_close(&a);
    return rc;
}
