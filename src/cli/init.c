/* init: create a database, load a policy pack and its units, create the first administrator. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/notify.h"
#include "core/pack.h"
#include "core/roles.h"
#include "sec/auth.h"
#include "sec/password.h"
#include "util/xalloc.h"

/* Adds the pack's units in order; a parent must come before its children. */
static int load_units(app *a, const json_t *pack)
{
    org made; /* the units added so far, for their children's parents */
    org_init(&made);
    int rc = -1;
    const json_t *units = json_object_get(pack, "units");
    size_t i;
    const json_t *u;
    json_array_foreach(units, i, u)
    {
        const char *code = json_string_value(json_object_get(u, "code"));
        const char *name = json_string_value(json_object_get(u, "name"));
        const char *type = json_string_value(json_object_get(u, "type"));
        const char *parent = json_string_value(json_object_get(u, "parent"));
        if (!code || !name || !type || !org_type_valid(type)) {
            fprintf(stderr, "redress: pack units[%zu]: needs code, name and a known type\n", i);
            goto out;
        }
        unit nu = {0, (char *)code, (char *)name, (char *)json_string_value(json_object_get(u, "name_en")),
                   (char *)type, 0};
        if (parent) {
            const unit *p = org_find_code(&made, parent);
            if (!p) {
                fprintf(stderr, "redress: pack units[%zu].parent: \"%s\" is not defined before it\n", i, parent);
                goto out;
            }
            nu.parent = p->id;
        }
        if (store_unit_add(a->db, &nu)) {
            fprintf(stderr, "redress: cannot add unit %s (duplicate code?)\n", code);
            goto out;
        }
        org_add(&made, &nu);
    }
    rc = app_reload_org(a);
out:
    org_release(&made);
    return rc;
}

int init_database(app *a, const char *pack_name, const char *admin_user, const char *admin_password, bool quiet)
{
    char *existing = NULL;
    if (store_config_get(a->db, "pack", &existing) == 0) {
        free(existing);
        fprintf(stderr, "redress: this database is already initialised\n");
        return -1;
    }
    json_t *pack = cli_load_pack(pack_name);
    if (!pack)
        return -1;
    cerr e = CERR_INIT;
    int rc = -1;
    app_enter(a);
    if (app_set_pack(a, pack, &e)) {
        fprintf(stderr, "redress: pack %s: %s\n", pack_name, e.message);
        goto out;
    }
    if (load_units(a, pack))
        goto out;
    if (!app_org(a)->n) {
        fprintf(stderr, "redress: the pack defines no units\n");
        goto out;
    }
    char generated[32];
    if (!admin_password) {
        unsigned char raw[12];
        randombytes_buf(raw, sizeof raw);
        sodium_bin2base64(generated, sizeof generated, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        admin_password = generated;
        printf("administrator %s, generated password: %s (change it after signing in)\n", admin_user, generated);
    }
    const char *why;
    if (password_ok(admin_password, admin_user, &why)) {
        fprintf(stderr, "redress: --admin-password: %s\n", why);
        goto out;
    }
    char hash[256];
    if (auth_hash_password(admin_password, hash, sizeof hash))
        goto out;
    user u = {0, (char *)admin_user, "系统管理员", R_ADMIN, app_org(a)->units[0].id, true, false, NULL, NULL, NOTIFY_EMAIL};
    if (store_user_add(a->db, &u, hash)) {
        fprintf(stderr, "redress: cannot create the administrator %s\n", admin_user);
        goto out;
    }
    if (!quiet)
        printf("initialised with pack %s: %zu units, %zu categories; administrator: %s\n", app_pol(a)->name, app_org(a)->n,
               app_pol(a)->tax.ncats, admin_user);
    rc = 0;
out:
    app_leave(a);
    json_decref(pack);
    return rc;
}

/* The pack (readable and valid) and the administrator's password (when given), checked. */
static int check_inputs(const char *pack_name, const char *admin_user, const char *admin_password)
{
    json_t *pack = cli_load_pack(pack_name);
    if (!pack)
        return -1;
    cerr e = CERR_INIT;
    int rc = pack_validate(pack, &e);
    if (rc)
        fprintf(stderr, "redress: pack %s: %s: %s\n", pack_name, e.field[0] ? e.field : "(document)", e.message);
    json_decref(pack);
    const char *why;
    if (!rc && admin_password && password_ok(admin_password, admin_user, &why)) {
        fprintf(stderr, "redress: --admin-password: %s\n", why);
        rc = -1;
    }
    return rc;
}

int cmd_init(int argc, char **argv)
{
    static const char *const extra[] = {"pack", "admin-user", "admin-password", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress init --pack NAME [--db URL] [--admin-user U --admin-password P]\n"
               "Creates the database, applies migrations, loads the policy pack NAME (built in, or\n"
               "NAME.json of --packs DIR, or a path to a .json file)\n"
               "with its organisation and categories, and creates the first administrator.\n"
               "Without --admin-password the password is asked for on a terminal, or generated and printed.\n");
        cli_print_settings();
        return 0;
    }
    const char *pack = cli_opt(&o, "pack");
    if (!pack) {
        fprintf(stderr, "redress init: --pack NAME is required (e.g. gas-station)\n");
        return 2;
    }
    const char *admin = cli_opt(&o, "admin-user");
    const char *password = cli_opt(&o, "admin-password");
    char *typed = NULL;
    if (!password)
        password = typed = cli_read_password("password for the administrator");
    /* What can be refused is refused before anything is created: a failed
     * init leaves no database and no key file behind. */
    if (check_inputs(pack, admin ? admin : "admin", password)) {
        free(typed);
        return 1;
    }
    app a;
    int rc = 1;
    if (cli_open_app(&a, false) == 0) {
        rc = cli_open_pii(&a, true) || init_database(&a, pack, admin ? admin : "admin", password, false) ? 1 : 0;
        app_close(&a);
    }
    free(typed);
    return rc;
}
