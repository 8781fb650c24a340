/* admin: `redress user …` and `redress unit …` — administration from the shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/contacts.h"
#include "cli/cli.h"
#include "core/notify.h"
#include "core/roles.h"
#include "sec/auth.h"
#include "sec/password.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static unsigned parse_roles(const char *list)
{
    unsigned roles = 0;
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", list);
    char *save = NULL;
    for (char *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        unsigned bit = role_parse(t);
        if (!bit) {
            fprintf(stderr, "redress: --roles: unknown role \"%s\" (agent, handler, supervisor, manager, auditor, admin)\n", t);
            return 0;
        }
        roles |= bit;
    }
    return roles;
}

/* The user named username into u (release it), or -1 when none, said on standard error. */
static int find_user(app *a, const char *username, user *u)
{
    if (store_user_get(a->db, username, 0, u, NULL) == 0)
        return 0;
    fprintf(stderr, "redress: no user %s\n", username);
    return -1;
}

static int user_add(app *a, const cli_opts *o)
{
    const char *username = o->nargs > 1 ? o->args[1] : NULL;
    const char *name = cli_opt(o, "name"), *roles_s = cli_opt(o, "roles"), *unit_s = cli_opt(o, "unit");
    const char *password = cli_opt(o, "password"), *why;
    if (!username || !name || !roles_s || !unit_s) {
        fprintf(stderr, "usage: redress user add USERNAME --name NAME --roles R1,R2 --unit CODE [--password P]\n");
        return 2;
    }
    unsigned roles = parse_roles(roles_s);
    const unit *u = org_find_code(app_org(a), unit_s);
    if (!roles)
        return 2;
    if (!u) {
        fprintf(stderr, "redress: --unit: no unit with code %s\n", unit_s);
        return 2;
    }
    char *typed = NULL;
    if (!password)
        password = typed = cli_read_password("password");
    if (!password) {
        fprintf(stderr, "redress: --password is required when not on a terminal\n");
        return 2;
    }
    int rc = 1;
    char hash[256];
    if (password_ok(password, username, &why)) {
        fprintf(stderr, "redress: password: %s\n", why);
        goto out;
    }
    if (auth_hash_password(password, hash, sizeof hash))
        goto out;
    user nu = {0, (char *)username, (char *)name, roles, u->id, true, cli_has(o, "must-change"), NULL, NULL, NOTIFY_EMAIL};
    int s = store_user_add(a->db, &nu, hash);
    if (s == STORE_CONFLICT)
        fprintf(stderr, "redress: user %s exists\n", username);
    else if (s)
        fprintf(stderr, "redress: cannot add user %s\n", username);
    else {
        printf("added user %s (id %lld)\n", username, (long long)nu.id);
        char subject[32];
        snprintf(subject, sizeof subject, "user:%lld", (long long)nu.id);
        cli_audit(a, "user_create", subject);
        rc = 0;
    }
out:
    free(typed);
    return rc;
}

static int list_users(app *a)
{
    user_list l = {0};
    if (store_user_list(a->db, &l))
        return 1;
    printf("%-6s %-14s %-24s %-12s %s\n", "id", "username", "roles", "unit", "name");
    for (size_t i = 0; i < l.n; i++) {
        char roles[96] = "";
        for (unsigned bit = 1; bit <= R_ADMIN; bit <<= 1) {
            if (!(l.items[i].roles & bit))
                continue;
            if (*roles)
                strncat(roles, ",", sizeof roles - strlen(roles) - 1);
            strncat(roles, role_name(bit), sizeof roles - strlen(roles) - 1);
        }
        const unit *u = org_find(app_org(a), l.items[i].unit);
        printf("%-6lld %-14s %-24s %-12s %s\n", (long long)l.items[i].id, l.items[i].username, roles,
               u ? u->code : "?", l.items[i].name);
    }
    user_list_release(&l);
    return 0;
}

static int user_passwd(app *a, const cli_opts *o)
{
    const char *username = o->nargs > 1 ? o->args[1] : NULL, *password = cli_opt(o, "password"), *why;
    if (!username) {
        fprintf(stderr, "usage: redress user passwd USERNAME [--password P]\n");
        return 2;
    }
    user u = {0};
    if (find_user(a, username, &u))
        return 1;
    char *typed = NULL;
    if (!password)
        password = typed = cli_read_password("new password");
    int rc = 1;
    char hash[256];
    if (!password)
        fprintf(stderr, "redress: --password is required when not on a terminal\n");
    else if (password_ok(password, username, &why))
        fprintf(stderr, "redress: password: %s\n", why);
    else if (auth_hash_password(password, hash, sizeof hash) == 0 &&
             store_user_set_password(a->db, u.id, hash, cli_has(o, "must-change")) == 0) {
        /* A reset: the old sessions end and every address waiting to try
         * this name may try again. */
        char account[33];
        auth_account_key(username, account);
        store_token_delete_sessions(a->db, u.id, 0);
        store_throttle_forget(a->db, account);
        printf("password of %s changed; the user's sessions were ended\n", username);
        char subject[32];
        snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
        cli_audit(a, "password_change", subject);
        rc = 0;
    }
    free(typed);
    user_release(&u);
    return rc;
}

/*
 * `redress user disable|enable|unlock USERNAME`: as PUT /users/{id} with
 * "active" and POST /users/{id}/actions/unlock over HTTP. Disabling ends
 * the user's sessions (the token lookup requires an active user); unlock
 * clears the sign-in throttle of the name. Each a user_change entry.
 */
static int user_switch(app *a, const char *sub, const char *username)
{
    if (!username) {
        fprintf(stderr, "usage: redress user %s USERNAME\n", sub);
        return 2;
    }
    user u = {0};
    if (find_user(a, username, &u))
        return 1;
    bool unlock = strcmp(sub, "unlock") == 0;
    int rc;
    if (unlock) {
        char account[33];
        auth_account_key(username, account);
        rc = store_throttle_forget(a->db, account);
    } else {
        u.active = strcmp(sub, "enable") == 0;
        rc = store_user_update(a->db, &u, NULL, false);
        if (rc == 0 && !u.active)
            rc = store_token_delete_sessions(a->db, u.id, 0);
    }
    if (rc == 0) {
        char subject[32];
        snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
        cli_audit(a, "user_change", subject);
        printf("%s: %s\n", username, unlock ? "sign-in throttle cleared" : u.active ? "enabled" : "disabled; sessions ended");
    } else {
        fprintf(stderr, "redress: cannot %s %s\n", sub, username);
    }
    user_release(&u);
    return rc ? 1 : 0;
}

/*
 * `redress user set USERNAME [--name N] [--roles R1,R2] [--unit CODE]`: as
 * PUT /users/{id} with name, roles and unit. The shell acts for the whole
 * organisation; a change of roles or unit ends every session and API token
 * of the user in the same transaction (a server forgets those it cached
 * within AUTHCACHE_TTL). A user_change entry.
 */
static int user_set(app *a, const cli_opts *o)
{
    const char *username = o->nargs > 1 ? o->args[1] : NULL;
    const char *name = cli_opt(o, "name"), *roles_s = cli_opt(o, "roles"), *unit_s = cli_opt(o, "unit");
    if (!username || (!name && !roles_s && !unit_s)) {
        fprintf(stderr, "usage: redress user set USERNAME [--name NAME] [--roles R1,R2] [--unit CODE]\n");
        return 2;
    }
    long n = name ? utf8_count(name) : 1;
    if (n < 1 || n > 100) {
        fprintf(stderr, "redress: --name: expected text of 1–100 characters\n");
        return 2;
    }
    unsigned roles = roles_s ? parse_roles(roles_s) : 0;
    if (roles_s && !roles)
        return 2;
    const unit *un = unit_s ? org_find_code(app_org(a), unit_s) : NULL;
    if (unit_s && !un) {
        fprintf(stderr, "redress: --unit: no unit with code %s\n", unit_s);
        return 2;
    }
    user u = {0};
    if (find_user(a, username, &u))
        return 1;
    bool scope = (roles && roles != u.roles) || (un && un->id != u.unit);
    if (name) {
        free(u.name);
        u.name = xstrdup(name);
    }
    if (roles)
        u.roles = roles;
    if (un)
        u.unit = un->id;
    int rc = store_user_update(a->db, &u, NULL, scope);
    if (rc == 0) {
        char subject[32];
        snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
        cli_audit(a, "user_change", subject);
        printf("%s: changed%s\n", username, scope ? "; sessions and API tokens ended" : "");
    } else {
        fprintf(stderr, "redress: cannot change %s\n", username);
    }
    user_release(&u);
    return rc ? 1 : 0;
}

int cmd_user(int argc, char **argv)
{
    static const char *const extra[] = {"name", "roles", "unit", "password", "must-change!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    const char *sub = o.nargs ? o.args[0] : "";
    if (cli_has(&o, "help") || !*sub) {
        printf("usage: redress user add USERNAME --name NAME --roles R1,R2 --unit CODE [--password P] [--must-change]\n"
               "       redress user list\n"
               "       redress user passwd USERNAME [--password P] [--must-change]\n"
               "       redress user grant|revoke|default USERNAME pii\n"
               "       redress user set USERNAME [--name NAME] [--roles R1,R2] [--unit CODE]\n"
               "       redress user disable|enable|unlock USERNAME\n"
               "Roles: agent, handler, supervisor, manager, auditor, admin.\n"
               "pii: may ask to see customer data in clear (by default agents, handlers and supervisors).\n");
        cli_print_settings();
        return *sub ? 0 : 2;
    }
    app a;
    if (cli_open_writer(&a, true))
        return 1;
    int rc;
    if (strcmp(sub, "add") == 0)
        rc = user_add(&a, &o);
    else if (strcmp(sub, "list") == 0)
        rc = list_users(&a);
    else if (strcmp(sub, "passwd") == 0)
        rc = user_passwd(&a, &o);
    else if (strcmp(sub, "grant") == 0 || strcmp(sub, "revoke") == 0 || strcmp(sub, "default") == 0)
        rc = cli_user_grant(&a, sub, o.nargs > 1 ? o.args[1] : NULL, o.nargs > 2 ? o.args[2] : NULL);
    else if (strcmp(sub, "set") == 0)
        rc = user_set(&a, &o);
    else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0 || strcmp(sub, "unlock") == 0)
        rc = user_switch(&a, sub, o.nargs > 1 ? o.args[1] : NULL);
    else {
        fprintf(stderr, "redress user: unknown subcommand %s (add, list, passwd, set, grant, revoke, default, "
                        "disable, enable, unlock)\n", sub);
        rc = 2;
    }
    app_close(&a);
    return rc;
}

/* redress unit contact CODE --user NAME | --clear: the unit's appeals contact (申诉接口人), as PUT
 * /units/{id}/appeals-contact. */
static int unit_contact(app *a, const cli_opts *o)
{
    const char *code = o->nargs > 1 ? o->args[1] : NULL, *name = cli_opt(o, "user");
    const unit *u = code ? org_find_code(app_org(a), code) : NULL;
    if (!code || (!name) == !cli_has(o, "clear")) {
        fprintf(stderr, "usage: redress unit contact CODE --user USERNAME | --clear\n");
        return 2;
    }
    if (!u) {
        fprintf(stderr, "redress: no unit with code %s\n", code);
        return 2;
    }
    static const actor admin = {0, R_ADMIN, 0};
    json_t *key = name ? json_string(name) : json_null();
    cerr e = CERR_INIT;
    int64_t user_id = 0;
    int rc = app_contact_set(a, &admin, u->id, key, time_now(), &user_id, &e);
    json_decref(key);
    if (rc == CERR_USER) {
        fprintf(stderr, "redress: --user: %s\n", e.message);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "redress: cannot store the contact of %s\n", code);
        return 1;
    }
    cli_audit_unit(a, u->id);
    printf(name ? "appeals contact of %s: %s\n" : "appeals contact of %s removed\n", code, name);
    return 0;
}

int cmd_unit(int argc, char **argv)
{
    static const char *const extra[] = {"name", "name-en", "type", "parent", "user", "clear!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    const char *sub = o.nargs ? o.args[0] : "";
    if (cli_has(&o, "help") || !*sub) {
        printf("usage: redress unit add CODE --name NAME --type TYPE [--parent CODE] [--name-en NAME]\n"
               "       redress unit list\n"
               "       redress unit contact CODE --user USERNAME | --clear   (the unit's appeals contact)\n"
               "Types: hq, branch, region, site, department, centre, partner (a cooperating partner, an SI).\n");
        cli_print_settings();
        return *sub ? 0 : 2;
    }
    app a;
    if (cli_open_writer(&a, true))
        return 1;
    int rc = 0;
    if (strcmp(sub, "list") == 0) {
        printf("%-6s %-12s %-11s %-12s %s\n", "id", "code", "type", "parent", "name");
        for (size_t i = 0; i < app_org(&a)->n; i++) {
            const unit *u = &app_org(&a)->units[i], *p = org_find(app_org(&a), u->parent);
            printf("%-6lld %-12s %-11s %-12s %s\n", (long long)u->id, u->code, u->type, p ? p->code : "-", u->name);
        }
    } else if (strcmp(sub, "add") == 0) {
        const char *code = o.nargs > 1 ? o.args[1] : NULL, *name = cli_opt(&o, "name"), *type = cli_opt(&o, "type");
        const char *parent = cli_opt(&o, "parent");
        const unit *p = parent ? org_find_code(app_org(&a), parent) : NULL;
        if (!code || !name || !type) {
            fprintf(stderr, "usage: redress unit add CODE --name NAME --type TYPE [--parent CODE]\n");
            rc = 2;
        } else if (!org_type_valid(type)) {
            fprintf(stderr, "redress: --type: expected hq, branch, region, site, department, centre or partner\n");
            rc = 2;
        } else if (parent && !p) {
            fprintf(stderr, "redress: --parent: no unit with code %s\n", parent);
            rc = 2;
        } else {
            unit u = {0, (char *)code, (char *)name, (char *)cli_opt(&o, "name-en"), (char *)type, p ? p->id : 0};
            int s = store_unit_add(a.db, &u);
            if (s) {
                fprintf(stderr, "redress: cannot add unit %s%s\n", code, s == STORE_CONFLICT ? ": the code exists" : "");
                rc = 1;
            } else {
                printf("added unit %s (id %lld)\n", code, (long long)u.id);
                cli_audit_unit(&a, u.id);
            }
        }
    } else if (strcmp(sub, "contact") == 0) {
        rc = unit_contact(&a, &o);
    } else {
        fprintf(stderr, "redress unit: unknown subcommand %s (add, list, contact)\n", sub);
        rc = 2;
    }
    app_close(&a);
    return rc;
}
