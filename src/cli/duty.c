/*
 * duty: `redress duty list|set|clear` — the on-duty roster of a unit for
 * nights and holidays (docs/operations.md "On-duty rosters") from the
 * shell, checked like the API's (app/duty.h) and audited as made by the
 * system.
 */
#include <stdio.h>

#include "app/duty.h"
#include "cli/cli.h"
#include "util/timeutil.h"

#define USAGE                                                                                                          \
    "usage: redress duty list UNIT\n"                                                                                  \
    "       redress duty set UNIT --user USER --from TIME --to TIME [--add]\n"                                         \
    "       redress duty clear UNIT\n"

/* The roster l as JSON entries (a new reference), times in RFC 3339. */
static json_t *entries_of(app *a, const duty_list *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < l->n; i++) {
        char from[40], to[40];
        time_format(l->items[i].from, app_pol(a)->tz_offset, from, sizeof from);
        time_format(l->items[i].to, app_pol(a)->tz_offset, to, sizeof to);
        json_array_append_new(arr,
                              json_pack("{s:I,s:s,s:s}", "user", (json_int_t)l->items[i].user, "from", from, "to", to));
    }
    return arr;
}

static void print(app *a, const duty_list *l)
{
    json_t *arr = entries_of(a, l);
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x)
    {
        user u = {0};
        int64_t id = json_integer_value(json_object_get(x, "user"));
        bool found = store_user_get(a->db, NULL, id, &u, NULL) == 0;
        printf("%s\t%s\t%s\n", found ? u.username : "?", json_string_value(json_object_get(x, "from")),
               json_string_value(json_object_get(x, "to")));
        user_release(&u);
    }
    json_decref(arr);
}

/* Replaces the roster of unit_id with entries (stolen). */
static int replace(app *a, const unit *u, json_t *entries, const char *cmd)
{
    duty_list l = {0};
    cerr e = CERR_INIT;
    int rc = app_duty_set(a, u->id, entries, &l, &e);
    json_decref(entries);
    if (rc == CERR_USER) {
        fprintf(stderr, "redress duty %s: %s\n", cmd, e.message);
        return 2;
    }
    if (rc) {
        fprintf(stderr, "redress duty %s: the database cannot be written\n", cmd);
        return 1;
    }
    cli_audit_unit(a, u->id);
    print(a, &l);
    duty_list_release(&l);
    return 0;
}

static int run(app *a, size_t k, const char *code, const cli_opts *o)
{
    const unit *u = code ? org_find_code(app_org(a), code) : NULL;
    static const char *const names[] = {"list", "set", "clear"};
    if (!u) {
        fprintf(stderr, "redress duty %s: no such unit%s\n", names[k], code ? "" : " (give its code)");
        return 2;
    }
    duty_list l = {0};
    if ((k == 0 || cli_has(o, "add")) && app_duty_list(a, u->id, &l)) {
        fprintf(stderr, "redress duty %s: the database cannot be read\n", names[k]);
        return 1;
    }
    int rc = 0;
    if (k == 0) {
        print(a, &l);
    } else if (k == 2) {
        rc = replace(a, u, json_array(), "clear");
    } else {
        json_t *entries = entries_of(a, &l);
        json_array_append_new(entries, json_pack("{s:s?,s:s?,s:s?}", "user", cli_opt(o, "user"), "from",
                                                 cli_opt(o, "from"), "to", cli_opt(o, "to")));
        rc = replace(a, u, entries, "set");
    }
    duty_list_release(&l);
    return rc;
}

int cmd_duty(int argc, char **argv)
{
    static const char *const extra[] = {"user", "from", "to", "add!", "help!", NULL};
    static const char *const subs[] = {"list", "set", "clear", NULL};
    size_t k;
    cli_opts o;
    app a;
    int rc =
        cli_subcommand_app(argc, argv, subs, extra, USAGE,
                           "The person on duty for a unit (and the units below it) from --from up to --to (RFC 3339)\n"
                           "receives, outside the unit's working time, the urgent text messages of the pack's rules\n"
                           "and the deadline warnings and supervision orders of the sweep. set replaces the roster\n"
                           "with the one entry, or with --add adds it; entries of one unit may not overlap.\n"
                           "list prints user, from and to.\n",
                           &k, &o, &a);
    if (rc >= 0)
        return rc;
    rc = run(&a, k, k == 0 ? o.args[0] : argv[1], &o);
    app_close(&a);
    return rc;
}
