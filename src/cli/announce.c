/*
 * announce: `redress announcement list|publish|resolve` — the announcements
 * of known faults (系统公告) from the shell, through the same use cases as
 * the API (app/announce.c), acting as the user --as names.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/announce.h"
#include "cli/cli.h"
#include "util/timeutil.h"

#define USAGE                                                                                                          \
    "usage: redress announcement list [--active]\n"                                                                    \
    "       redress announcement publish --as USER --title T --script S --starts-at T [--ends-at T]\n"              \
    "                                    [--confirmed-at T] [--units A,B] [--categories A,B] [--channels A,B]\n"     \
    "       redress announcement resolve --as USER --id N [--resolution TEXT]\n"

/* A comma-separated list as a JSON array of strings (empty: none). */
static json_t *list_of(const char *csv)
{
    json_t *l = json_array();
    if (!csv)
        return l;
    char *copy = strdup(csv), *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (*t)
            json_array_append_new(l, json_string(t));
    free(copy);
    return l;
}

static void print_one(const announcement *an, int64_t now)
{
    char when[40];
    time_format(an->published_at, 480, when, sizeof when);
    printf("%" PRId64 "\t%s\t%s\t%s\t%s\n", an->id, announce_active(an, now) ? "active" : an->status,
           an->late ? "late" : "on-time", when, an->title);
}

int cmd_announcement(int argc, char **argv)
{
    static const char *const extra[] = {"active!",    "as",    "title",      "script",   "starts-at", "ends-at",
                                        "confirmed-at", "units", "categories", "channels", "id",        "resolution",
                                        "help!",      NULL};
    const char *sub = argc >= 1 ? argv[0] : "";
    if (strcmp(sub, "list") != 0 && strcmp(sub, "publish") != 0 && strcmp(sub, "resolve") != 0) {
        bool help = strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0;
        fputs(USAGE, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    cli_opts o;
    if (cli_parse(argc - 1, argv + 1, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf(USAGE "Times are RFC 3339. list prints id, status, on-time or late, published, title.\n");
        cli_print_settings();
        return 0;
    }
    app a;
    if (strcmp(sub, "resolve") == 0 ? cli_open_writer(&a, true) : cli_open_app(&a, true))
        return 1;
    int rc = 1;
    int64_t now = time_now();
    cerr e = CERR_INIT;
    actor who;
    announcement an = {0};
    if (strcmp(sub, "list") == 0) {
        announcement_list l = {0};
        if (app_announce_list(&a, 0, cli_has(&o, "active"), 0, NULL, NULL, now, &l) == 0) {
            for (size_t i = 0; i < l.n; i++)
                print_one(&l.items[i], now);
            rc = 0;
        }
        announcement_list_release(&l);
    } else if (cli_actor(&a, cli_opt(&o, "as"), R_SUPERVISOR | R_MANAGER | R_ADMIN, "redress announcement", &who) == 0 && strcmp(sub, "publish") == 0) {
        json_t *in = json_pack("{s:s?,s:s?,s:{s:o,s:o,s:o},s:s?}", "title", cli_opt(&o, "title"), "script",
                               cli_opt(&o, "script"), "scope", "units", list_of(cli_opt(&o, "units")), "categories",
                               list_of(cli_opt(&o, "categories")), "channels", list_of(cli_opt(&o, "channels")),
                               "starts_at", cli_opt(&o, "starts-at"));
        if (cli_opt(&o, "ends-at"))
            json_object_set_new(in, "ends_at", json_string(cli_opt(&o, "ends-at")));
        if (cli_opt(&o, "confirmed-at"))
            json_object_set_new(in, "confirmed_at", json_string(cli_opt(&o, "confirmed-at")));
        int r = app_announce_publish(&a, &who, in, now, &an, &e);
        json_decref(in);
        if (r == 0) {
            print_one(&an, now);
            rc = 0;
        }
    } else if (strcmp(sub, "resolve") == 0 && cli_opt(&o, "id")) {
        long id;
        size_t closed = 0, left = 0;
        if (cli_long("redress announcement", "id", cli_opt(&o, "id"), 1, LONG_MAX,
                     &id) == 0 &&
            app_announce_resolve(&a, &who, id, cli_opt(&o, "resolution"), now, &an, &closed, &left, &e) == 0) {
            print_one(&an, now);
            printf("closed %zu complaint(s); %zu left on their own path\n", closed, left);
            rc = 0;
        }
    } else if (strcmp(sub, "resolve") == 0) {
        fprintf(stderr, "redress announcement resolve: --id: required\n");
    }
    if (rc && *e.message)
        fprintf(stderr, "redress announcement %s: %s\n", sub, e.message);
    announcement_release(&an);
    app_close(&a);
    return rc;
}
