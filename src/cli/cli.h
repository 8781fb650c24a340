/*
 * cli: the subcommands and what they share — the settings table (one table
 * drives the flags, the environment variables, the config file and the
 * --help text) and option parsing.
 */
#ifndef REDRESS_CLI_H
#define REDRESS_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"

/* One setting: --NAME flag, REDRESS_ENV variable, "name = value" in the config file. */
typedef struct setting {
    const char *name;
    const char *env;
    const char *def;
    const char *help;
    const char *value; /* resolved: flag > environment > config file > default */
} setting;

/* The resolved value of a setting by name (never NULL for known names). */
const char *setting_get(const char *name);

/* Options of one command invocation: settings plus command-specific flags. */
typedef struct cli_opts {
    const char *names[32];
    const char *values[32];
    int n;
    const char *args[8]; /* positional */
    int nargs;
} cli_opts;

/*
 * Parses argv (after the subcommand) into o. extra lists the command's own
 * flags (NULL-terminated; a trailing '!' marks a boolean flag). Resolves the
 * settings. Prints an error naming the bad flag and returns -1.
 */
int cli_parse(int argc, char **argv, const char *const *extra, cli_opts *o);
const char *cli_opt(const cli_opts *o, const char *name);
bool cli_has(const cli_opts *o, const char *name);
/*
 * A command of subcommands (`redress webhook list|put NAME|…`): subs
 * (NULL-terminated) names them, subs[0] the one that takes no NAME, every
 * other one a NAME as argv[1]. *k (OUT) the index of the one argv[0]
 * names, and its flags (extra, as cli_parse) parsed into o. Returns -1 to
 * go on; otherwise the command's exit code, usage printed (0 for help, 2
 * for a misuse) or the bad flag named (2).
 */
int cli_subcommand(int argc, char **argv, const char *const *subs, const char *const *extra, const char *usage,
                   size_t *k, cli_opts *o);
/*
 * cli_subcommand, then --help (usage, help and the settings printed: 0),
 * then a opened with the pack: to read for subs[0], to write
 * (cli_open_writer) for the others. Returns -1 to go on, a open (the caller
 * closes it); otherwise the command's exit code.
 */
int cli_subcommand_app(int argc, char **argv, const char *const *subs, const char *const *extra, const char *usage,
                       const char *help, size_t *k, cli_opts *o, app *a);
/* text as a whole number in [lo, hi] into *out; otherwise prints "cmd: --name:
 * expected …" and returns -1 (*out untouched). */
int cli_long(const char *cmd, const char *name, const char *text, long lo, long hi, long *out);
/* Prints the settings table (for --help). */
void cli_print_settings(void);

/* Opens the app with the --db setting; prints the reason and returns -1 on failure. On success
 * the calling thread holds its configuration (app_enter) until app_close. */
int cli_open_app(app *a, bool need_pack);
/* The key file the settings name (key-file, or its default beside the database) into out. */
const char *cli_key_file(char *out, size_t n);
/*
 * Loads the customer-data keys (app_pii_open) for a, opened by cli_open_app;
 * with create, a missing key file is made. Prints the reason and returns -1.
 */
int cli_open_pii(app *a, bool create);
/*
 * cli_open_app and cli_open_pii(a, false): a command that appends to the
 * event log or the audit log needs the chain's keys (core/chain.h), which
 * the master key opens. Prints the reason and returns -1.
 */
int cli_open_writer(app *a, bool need_pack);
/* The store options of the settings (db-pool, db-prepared); prints and returns -1 when invalid. */
int cli_store_options(store_options *so);
/*
 * Reads a pack by name ("gas-station" → gas-station.json of the packs) or
 * path (with a "/" or ".json"); NULL with a message.
 */
json_t *cli_load_pack(const char *name);
/*
 * A file of the packs by its path below them ("demo/gas-station.json"):
 * from the directory the setting packs names when it is given, else the
 * copy built into the binary. NULL with a message.
 */
json_t *cli_packs_file(const char *rel);
/*
 * The i-th policy pack built into the binary (the demo files left out),
 * parsed (a new reference), its name ("utility") into name; NULL past the
 * last one.
 */
json_t *cli_shipped_pack(size_t i, char *name, size_t namelen);
/*
 * The user `username` (--as) as the actor of a command from the shell, if
 * they hold one of roles; prints why not ("CMD: --as: …") and returns -1.
 */
int cli_actor(app *a, const char *username, unsigned roles, const char *cmd, actor *out);
/* Records a change made from the shell in the audit log (actor: the system); warns on failure. */
void cli_audit(app *a, const char *action, const char *subject);
/* cli_audit of a change of the configuration of unit_id (subject "unit:<id>"). */
void cli_audit_unit(app *a, int64_t unit_id);
/* Asks twice on a terminal without echo; NULL if not a terminal. Caller frees. */
char *cli_read_password(const char *prompt);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_workflow(int argc, char **argv);
int cmd_penalties(int argc, char **argv);
int cmd_announcement(int argc, char **argv);
int cmd_act(int argc, char **argv);
int cmd_notifications(int argc, char **argv);
int cmd_complaints(int argc, char **argv);
int cmd_incident(int argc, char **argv);
int cmd_appeal(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_pack(int argc, char **argv);
/* redress user grant|revoke|default USERNAME PERM (cli/privacy.c). */
int cli_user_grant(app *a, const char *how, const char *username, const char *perm);
int cmd_retention(int argc, char **argv);
int cmd_rekey(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_webhook(int argc, char **argv);
int cmd_mailbox(int argc, char **argv);
int cmd_duty(int argc, char **argv);
/* The e-mail intake's limits from the settings mail-max-bytes and mail-timeout (app_mailin_configure): 0 or -1 with a message. */
int cli_mailin_configure(void);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);

/* Shared by init and demo: the pack's units and the first administrator. */
int init_database(app *a, const char *pack_name, const char *admin_user, const char *admin_password, bool quiet);
/* Runs the HTTP server with the settings (used by serve and demo). */
int serve_app(app *a);
/* Adds the complaints of the demo data (borrowed) with their steps, received
 * relative to now, as agent1 — `redress demo` and the fuzz harnesses. */
int demo_complaints(app *a, const json_t *demo, int64_t now);

#endif
