/* settings: the one table of options, and argument parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "app/pii.h"
#include "cli/cli.h"
#include "core/notify.h"
#include "sec/audit.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

static setting settings[] = {
    {"db", "REDRESS_DB", "sqlite:data/redress.db", "database URL: sqlite:PATH or postgresql://USER@HOST/DB", NULL},
    {"db-pool", "REDRESS_DB_POOL", "8", "PostgreSQL: connections per process (1–256); a request borrows one", NULL},
    {"db-prepared", "REDRESS_DB_PREPARED", "on",
     "PostgreSQL: named prepared statements (on), or unnamed ones (off: pgbouncer in transaction mode)", NULL},
    {"db-connect-timeout", "REDRESS_DB_CONNECT_TIMEOUT", "10",
     "PostgreSQL: seconds to wait for a new connection (1–300) before the request is answered 503", NULL},
    {"listen", "REDRESS_LISTEN", "127.0.0.1:8080", "address the HTTP server listens on (HOST:PORT)", NULL},
    {"web-root", "REDRESS_WEB_ROOT", "",
     "directory of a built web UI to serve instead of the one built into the binary (web/dist at build time)", NULL},
    {"packs", "REDRESS_PACKS", "",
     "directory of the policy packs; empty: the packs built into the binary (packs/ at build time)", NULL},
    {"threads", "REDRESS_THREADS", "16",
     "request threads (1–1024): each runs one API request at a time, waiting for the store if need be; "
     "slow and idle clients hold none", NULL},
    {"io-threads", "REDRESS_IO_THREADS", "2", "threads that read requests and write replies for every connection (1–64)",
     NULL},
    {"max-body", "REDRESS_MAX_BODY", "262144", "largest accepted request body in bytes", NULL},
    {"attachment-max-bytes", "REDRESS_ATTACHMENT_MAX_BYTES", "26214400",
     "largest file accepted as an attachment, in bytes (1024–4294967296); a larger one is refused with 413", NULL},
    {"attachment-total-max-bytes", "REDRESS_ATTACHMENT_TOTAL_MAX_BYTES", "209715200",
     "largest total of a complaint's attachments, in bytes (1024–1099511627776); an upload beyond is refused with 422",
     NULL},
    {"upload-dir", "REDRESS_UPLOAD_DIR", "",
     "directory where uploads wait, sealed, until stored (default: beside the SQLite database, in PATH.files/tmp; "
     "for PostgreSQL the system's temporary directory)", NULL},
    {"max-connections", "REDRESS_MAX_CONNECTIONS", "4096",
     "open connections (16–1000000); a request beyond gets 503, and an eighth more are refused outright", NULL},
    {"max-connections-per-address", "REDRESS_MAX_CONNECTIONS_PER_ADDRESS", "256",
     "open connections from one client address (0 = no limit); more are refused; trusted proxies are exempt", NULL},
    {"header-timeout", "REDRESS_HEADER_TIMEOUT", "10",
     "seconds a client has to send a request's headers, from the connection's opening or the previous reply "
     "(also how long an idle kept-alive connection stays open; 1–3600)", NULL},
    {"body-timeout", "REDRESS_BODY_TIMEOUT", "30", "seconds a client has to send a request's body, from its headers (1–3600)",
     NULL},
    {"idle-timeout", "REDRESS_IDLE_TIMEOUT", "30",
     "seconds without a byte either way that end a connection, e.g. a client that stops reading a reply (1–3600)",
     NULL},
    {"live-streams", "REDRESS_LIVE_STREAMS", "1000",
     "open pages' live streams (GET /api/v1/events/stream) this process holds at most (0–100000; 0 = none); "
     "each holds a connection, never a thread; beyond, 503", NULL},
    {"live-streams-per-user", "REDRESS_LIVE_STREAMS_PER_USER", "8",
     "live streams one person may hold open at once (1–1000); beyond, 503", NULL},
    {"live-interval", "REDRESS_LIVE_INTERVAL", "500",
     "milliseconds between the live feed's reads of new notices and complaint changes (50–60000)", NULL},
    {"live-heartbeat", "REDRESS_LIVE_HEARTBEAT", "25",
     "seconds between a live stream's heartbeats, when its session is also checked (1–3600)", NULL},
    {"sweep-interval", "REDRESS_SWEEP_INTERVAL", "30",
     "seconds between deadline sweeps in serve (0 = no background sweeper; run redress sweep from cron)", NULL},
    {"search-merge-interval", "REDRESS_SEARCH_MERGE_INTERVAL", "1000",
     "milliseconds between the search index's merges in serve (0–3600000; 0 = no background merger: run "
     "redress search merge from cron); each merge runs until the index's recent level is empty", NULL},
    {"search-merge-batch", "REDRESS_SEARCH_MERGE_BATCH", "500",
     "rows of the search index's recent level (one per indexed creation or step) merged in one transaction "
     "(1–10000)", NULL},
    {"search-merge-max-rows", "REDRESS_SEARCH_MERGE_MAX_ROWS", "5000",
     "while intakes keep coming, the merger waits for a quiet moment unless the recent level holds this many "
     "rows (1–1000000): the most a search scans there", NULL},
    {"search-merge-max-delay", "REDRESS_SEARCH_MERGE_MAX_DELAY", "30",
     "…or unless rows have waited this many seconds (0–86400; 0 = merge at every wake-up)", NULL},
    {"log-level", "REDRESS_LOG_LEVEL", "info", "debug, info, warn or error", NULL},
    {"config", "REDRESS_CONFIG", "", "a file of \"name = value\" lines for any of these settings", NULL},
    {"key-file", "REDRESS_KEY_FILE", "",
     "file of the master keys that protect customer data (default: redress.key beside the SQLite database, "
     "or in the working directory for PostgreSQL); init and demo create it (mode 0600)", NULL},
    {"key-env", "REDRESS_KEY_ENV", "REDRESS_MASTER_KEY",
     "name of an environment variable that holds the master keys instead of the key file (\"ID HEX\", several "
     "separated by commas, the first current)", NULL},
    {"retention-days", "REDRESS_RETENTION_DAYS", "0",
     "anonymise complaints this many days after they were closed (0 = keep them); serve checks hourly", NULL},
    {"session-idle", "REDRESS_SESSION_IDLE", "1800", "seconds without a request after which a session ends (1–86400)",
     NULL},
    {"session-absolute", "REDRESS_SESSION_ABSOLUTE", "43200",
     "seconds after sign-in after which a session ends however active (1–2592000)", NULL},
    {"login-max-failures", "REDRESS_LOGIN_MAX_FAILURES", "5",
     "failed sign-ins in a row from one address with one user name after which that address must wait before "
     "trying that name again (0 = never wait; up to 100)", NULL},
    {"login-delay", "REDRESS_LOGIN_DELAY", "60",
     "seconds of the first wait; each further failure doubles it up to login-lockout (1–86400)", NULL},
    {"login-lockout", "REDRESS_LOGIN_LOCKOUT", "900", "the longest wait, in seconds (1–86400)", NULL},
    {"cookie-secure", "REDRESS_COOKIE_SECURE", "off",
     "on: mark the session cookie Secure (the server is reached over https, e.g. behind a TLS proxy)", NULL},
    {"smtp-url", "REDRESS_SMTP_URL", "",
     "mail server for notifications: smtp://HOST:PORT (STARTTLS when offered) or smtps://HOST:PORT, credentials "
     "in the URL or in smtp-user and smtp-password; empty: no e-mail", NULL},
    {"smtp-from", "REDRESS_SMTP_FROM", "", "the sender address of notifications (required with smtp-url)", NULL},
    {"smtp-user", "REDRESS_SMTP_USER", "", "user name for the mail server, when not in smtp-url", NULL},
    {"smtp-password", "REDRESS_SMTP_PASSWORD", "", "password for the mail server (never logged)", NULL},
    {"sms-url", "REDRESS_SMS_URL", "",
     "an HTTP(S) SMS gateway for the deadline warnings and supervision orders sent as text messages: each is POSTed "
     "as {id, to, text}, signed with sms-secret as webhooks are; empty: no text messages", NULL},
    {"sms-secret", "REDRESS_SMS_SECRET", "", "the key the SMS gateway's requests are signed with (never logged)", NULL},
    {"notify-attempts", "REDRESS_NOTIFY_ATTEMPTS", "8",
     "attempts to deliver a notification before it is a dead letter (1–100)", NULL},
    {"notify-backoff", "REDRESS_NOTIFY_BACKOFF", "30",
     "seconds before the second attempt; each further failure doubles it, with jitter (1–86400)", NULL},
    {"notify-backoff-max", "REDRESS_NOTIFY_BACKOFF_MAX", "3600", "the longest wait between attempts, in seconds (1–604800)",
     NULL},
    {"notify-timeout", "REDRESS_NOTIFY_TIMEOUT", "30", "seconds one delivery attempt may take (1–600)", NULL},
    {"mail-poll", "REDRESS_MAIL_POLL", "on",
     "on: serve polls the enabled mailboxes of the e-mail intake (redress mailbox); off: only when asked "
     "(POST /api/v1/mailboxes/NAME/actions/poll)", NULL},
    {"mail-max-bytes", "REDRESS_MAIL_MAX_BYTES", "10485760",
     "largest e-mail taken in, in bytes (1024–268435456); a larger one is kept aside as oversized with its header only",
     NULL},
    {"mail-timeout", "REDRESS_MAIL_TIMEOUT", "30", "seconds one IMAP command of the e-mail intake may take (1–600)",
     NULL},
    {"public-url", "REDRESS_PUBLIC_URL", "",
     "the address customers reach the portal at (https://ts.example.cn): the messages sent to customers link to "
     "its tracking page; empty: they carry no link", NULL},
    {"trusted-proxies", "REDRESS_TRUSTED_PROXIES", "",
     "comma-separated addresses of reverse proxies whose X-Forwarded-For names the client (rate limits, audit log)",
     NULL},
};
enum { NSETTINGS = sizeof settings / sizeof settings[0] };

/* Values read from the config file live for the whole run. */
static char *file_values[NSETTINGS];

const char *setting_get(const char *name)
{
    for (int i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].name, name) == 0)
            return settings[i].value ? settings[i].value : settings[i].def;
    die("BUG: unknown setting %s", name);
}

void cli_print_settings(void)
{
    /* A setting a block: the names on one line, what it does indented below,
     * so that long names and defaults keep every line readable. */
    printf("\nSettings (flag, environment variable, default):\n");
    for (int i = 0; i < NSETTINGS; i++)
        printf("  --%s  %s  (default: %s)\n      %s\n", settings[i].name, settings[i].env,
               *settings[i].def ? settings[i].def : "none", settings[i].help);
}

static setting *find_setting(const char *name)
{
    for (int i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].name, name) == 0)
            return &settings[i];
    return NULL;
}

static int read_config_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "redress: cannot read config file %s: %s\n", path, strerror(errno));
        return -1;
    }
    char line[1024];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line + strspn(line, " \t");
        if (*p == '#' || *p == '\n' || *p == '\0')
            continue;
        char *eq = strchr(p, '=');
        if (!eq) {
            fprintf(stderr, "redress: %s:%d: expected name = value\n", path, lineno);
            fclose(f);
            return -1;
        }
        char *name_end = eq;
        while (name_end > p && (name_end[-1] == ' ' || name_end[-1] == '\t'))
            name_end--;
        *name_end = '\0';
        char *v = eq + 1 + strspn(eq + 1, " \t");
        v[strcspn(v, "\r\n")] = '\0';
        setting *s = find_setting(p);
        if (!s) {
            fprintf(stderr, "redress: %s:%d: unknown setting \"%s\"\n", path, lineno, p);
            fclose(f);
            return -1;
        }
        int idx = (int)(s - settings);
        if (!s->value || s->value == file_values[idx]) {
            free(file_values[idx]);
            file_values[idx] = xstrdup(v);
            s->value = file_values[idx];
        }
    }
    fclose(f);
    return 0;
}

int cli_subcommand(int argc, char **argv, const char *const *subs, const char *const *extra, const char *usage,
                   size_t *k, cli_opts *o)
{
    const char *sub = argc >= 1 ? argv[0] : "";
    *k = 0;
    while (subs[*k] && strcmp(subs[*k], sub) != 0)
        (*k)++;
    int has_name = *k > 0;
    if (!subs[*k] || (has_name && (argc < 2 || argv[1][0] == '-'))) {
        bool help = strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0;
        fputs(usage, help ? stdout : stderr);
        return help ? 0 : 2;
    }
    return cli_parse(argc - 1 - has_name, argv + 1 + has_name, extra, o) ? 2 : -1;
}

int cli_subcommand_app(int argc, char **argv, const char *const *subs, const char *const *extra, const char *usage,
                       const char *help, size_t *k, cli_opts *o, app *a)
{
    int rc = cli_subcommand(argc, argv, subs, extra, usage, k, o);
    if (rc >= 0)
        return rc;
    if (cli_has(o, "help")) {
        printf("%s%s", usage, help);
        cli_print_settings();
        return 0;
    }
    return (*k == 0 ? cli_open_app(a, true) : cli_open_writer(a, true)) ? 1 : -1;
}

int cli_parse(int argc, char **argv, const char *const *extra, cli_opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            if (o->nargs == 8) {
                fprintf(stderr, "redress: too many arguments\n");
                return -1;
            }
            o->args[o->nargs++] = a;
            continue;
        }
        char name[64];
        const char *eq = strchr(a, '='), *value = NULL;
        snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - a - 2) : (int)strlen(a + 2), a + 2);
        bool boolean = false, known = false;
        for (const char *const *e = extra; e && *e; e++) {
            size_t n = strlen(*e);
            bool b = (*e)[n - 1] == '!';
            if (strncmp(*e, name, b ? n - 1 : n) == 0 && strlen(name) == (b ? n - 1 : n)) {
                known = true;
                boolean = b;
            }
        }
        setting *s = find_setting(name);
        if (!known && !s) {
            fprintf(stderr, "redress: unknown option --%s (see --help)\n", name);
            return -1;
        }
        if (boolean) {
            value = "true";
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            fprintf(stderr, "redress: --%s needs a value\n", name);
            return -1;
        }
        if (s) {
            s->value = value;
        } else if (o->n < 32) {
            o->names[o->n] = argv[i - (boolean || eq ? 0 : 1)] + 2;
            o->values[o->n++] = value;
        }
    }
    /* Environment fills what flags did not set; then the config file; then defaults. */
    for (int i = 0; i < NSETTINGS; i++) {
        const char *env = getenv(settings[i].env);
        if (!settings[i].value && env && *env)
            settings[i].value = env;
    }
    const char *cfg = setting_get("config");
    if (*cfg && read_config_file(cfg))
        return -1;
    int lvl = log_parse_level(setting_get("log-level"));
    if (lvl < 0) {
        fprintf(stderr, "redress: --log-level: expected debug, info, warn or error\n");
        return -1;
    }
    log_set_level((enum log_level)lvl);
    return 0;
}

const char *cli_opt(const cli_opts *o, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < o->n; i++)
        if (strncmp(o->names[i], name, n) == 0 && (o->names[i][n] == '\0' || o->names[i][n] == '='))
            return o->values[i];
    return NULL;
}

int cli_long(const char *cmd, const char *name, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = text ? strtol(text, &end, 10) : 0;
    if (!text || end == text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "%s: --%s: expected a whole number from %ld to %ld, not \"%s\"\n", cmd, name, lo, hi,
                text ? text : "");
        return -1;
    }
    *out = v;
    return 0;
}

bool cli_has(const cli_opts *o, const char *name)
{
    return cli_opt(o, name) != NULL;
}

/* mkdir -p for the database's directory. */
static int mkdir_p(const char *dir)
{
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

int cli_store_options(store_options *so)
{
    char *end;
    long pool = strtol(setting_get("db-pool"), &end, 10);
    const char *prepared = setting_get("db-prepared");
    if (*end || pool < 1 || pool > 256) {
        fprintf(stderr, "redress: --db-pool: expected 1–256\n");
        return -1;
    }
    if (strcmp(prepared, "on") != 0 && strcmp(prepared, "off") != 0) {
        fprintf(stderr, "redress: --db-prepared: expected on or off\n");
        return -1;
    }
    long wait = strtol(setting_get("db-connect-timeout"), &end, 10);
    if (*end || wait < 1 || wait > 300) {
        fprintf(stderr, "redress: --db-connect-timeout: expected 1–300 seconds\n");
        return -1;
    }
    *so = (store_options){.pool_size = (int)pool, .unnamed_stmts = strcmp(prepared, "off") == 0,
                          .connect_timeout = (int)wait};
    return 0;
}

int cli_open_app(app *a, bool need_pack)
{
    char err[512];
    const char *url = setting_get("db");
    store_options so;
    if (cli_store_options(&so)) {
        memset(a, 0, sizeof *a);
        return -1;
    }
    /* Create the directory of a relative sqlite path like data/redress.db. */
    if (strncmp(url, "sqlite:", 7) == 0) {
        const char *slash = strrchr(url + 7, '/');
        if (slash && slash > url + 7) {
            char dir[512];
            snprintf(dir, sizeof dir, "%.*s", (int)(slash - (url + 7)), url + 7);
            if (access(dir, F_OK) != 0 && mkdir_p(dir) != 0) {
                fprintf(stderr, "redress: cannot create %s: %s\n", dir, strerror(errno));
                return -1;
            }
        }
    }
    if (app_open_with(a, url, &so, need_pack, err, sizeof err)) {
        fprintf(stderr, "redress: %s\n", err);
        app_close(a);
        return -1;
    }
    app_enter(a); /* a command works under the configuration it opened with, and its own changes */
    /* Where customers are sent by the links of their messages (app/custmsg.h). */
    const char *pub = setting_get("public-url");
    size_t len = strlen(pub);
    if (*pub && (!notify_url_ok(pub) || pub[len - 1] == '/' || strpbrk(pub, "?#"))) {
        fprintf(stderr, "redress: --public-url: expected http(s)://HOST[/PATH] without a trailing /, ? or #\n");
        app_close(a);
        return -1;
    }
    a->public_url = pub;
    return 0;
}

const char *cli_key_file(char *out, size_t n)
{
    const char *set = setting_get("key-file");
    const char *url = setting_get("db");
    if (*set) {
        snprintf(out, n, "%s", set);
    } else if (strncmp(url, "sqlite:", 7) == 0 && strrchr(url + 7, '/')) {
        const char *slash = strrchr(url + 7, '/');
        snprintf(out, n, "%.*s/redress.key", (int)(slash - (url + 7)), url + 7);
    } else {
        snprintf(out, n, "redress.key");
    }
    return out;
}

int cli_open_pii(app *a, bool create)
{
    char path[1024], err[512];
    cli_key_file(path, sizeof path);
    if (app_pii_open(a, path, setting_get("key-env"), create, err, sizeof err)) {
        fprintf(stderr, "redress: customer data keys: %s\n", err);
        return -1;
    }
    return 0;
}

int cli_open_writer(app *a, bool need_pack)
{
    if (cli_open_app(a, need_pack))
        return -1;
    if (cli_open_pii(a, false)) {
        app_close(a);
        return -1;
    }
    return 0;
}

/* The packs built into the binary (scripts/embed-files.sh, from packs/). */
struct embedded_file {
    const char *name, *text;
};
extern const struct embedded_file shipped_packs[];

json_t *cli_shipped_pack(size_t i, char *name, size_t namelen)
{
    for (const struct embedded_file *f = shipped_packs; f->name; f++) {
        if (strchr(f->name, '/') || i-- > 0)
            continue;
        snprintf(name, namelen, "%.*s", (int)(strlen(f->name) - 5), f->name);
        return json_loads(f->text, JSON_REJECT_DUPLICATES, NULL);
    }
    return NULL;
}

json_t *cli_packs_file(const char *rel)
{
    json_error_t jerr;
    json_t *j;
    if (*setting_get("packs")) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", setting_get("packs"), rel);
        j = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
        if (!j)
            fprintf(stderr, "redress: cannot read %s: %s (line %d)\n", path, jerr.text, jerr.line);
        return j;
    }
    for (const struct embedded_file *f = shipped_packs; f->name; f++) {
        if (strcmp(f->name, rel) != 0)
            continue;
        j = json_loads(f->text, JSON_REJECT_DUPLICATES, &jerr);
        if (!j)
            fprintf(stderr, "redress: the built-in %s: %s (line %d)\n", rel, jerr.text, jerr.line);
        return j;
    }
    fprintf(stderr, "redress: no pack file %s is built in; the built-in packs:", rel);
    for (const struct embedded_file *f = shipped_packs; f->name; f++)
        if (!strchr(f->name, '/'))
            fprintf(stderr, " %.*s", (int)(strlen(f->name) - 5), f->name);
    fprintf(stderr, " (or --packs DIR, or a path to a .json file)\n");
    return NULL;
}

json_t *cli_load_pack(const char *name)
{
    if (!strchr(name, '/') && !strstr(name, ".json")) {
        char rel[256];
        snprintf(rel, sizeof rel, "%s.json", name);
        return cli_packs_file(rel);
    }
    json_error_t jerr;
    json_t *pack = json_load_file(name, JSON_REJECT_DUPLICATES, &jerr);
    if (!pack)
        fprintf(stderr, "redress: cannot read pack %s: %s (line %d)\n", name, jerr.text, jerr.line);
    return pack;
}

char *cli_read_password(const char *prompt)
{
    if (!isatty(STDIN_FILENO))
        return NULL;
    struct termios old, quiet;
    tcgetattr(STDIN_FILENO, &old);
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    char a[256] = "", b[256] = "";
    for (;;) {
        fprintf(stderr, "%s: ", prompt);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        bool ok = fgets(a, sizeof a, stdin) != NULL;
        fprintf(stderr, "\nagain: ");
        ok = ok && fgets(b, sizeof b, stdin) != NULL;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
        if (!ok)
            return NULL;
        a[strcspn(a, "\n")] = '\0';
        b[strcspn(b, "\n")] = '\0';
        if (strcmp(a, b) == 0)
            return xstrdup(a);
        fprintf(stderr, "the two passwords differ; try again\n");
    }
}

void cli_audit(app *a, const char *action, const char *subject)
{
    audit_entry e = {.at = time_now(),
                     .action = action,
                     .subject = subject,
                     .detail = "{\"via\":\"cli\"}",
                     .key = app_audit_key(a)};
    if (audit_record(a->db, &e))
        fprintf(stderr, "redress: warning: the audit log could not record %s\n", action);
}

void cli_audit_unit(app *a, int64_t unit_id)
{
    char subject[32];
    snprintf(subject, sizeof subject, "unit:%lld", (long long)unit_id);
    cli_audit(a, "config_change", subject);
}

int cli_actor(app *a, const char *username, unsigned roles, const char *cmd, actor *out)
{
    user u = {0};
    if (!username || store_user_get(a->db, username, 0, &u, NULL) != 0) {
        fprintf(stderr, "%s: --as: no such user\n", cmd);
        return -1;
    }
    *out = (actor){u.id, u.roles, u.unit};
    bool may = (u.roles & roles) != 0;
    user_release(&u);
    if (!may) {
        fprintf(stderr, "%s: --as: %s may not do this (role)\n", cmd, username);
        return -1;
    }
    return 0;
}
