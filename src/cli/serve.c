/* serve and demo: run the HTTP server; demo also creates a database with realistic data first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/intake.h"
#include "app/act.h"
#include "api/api.h"
#include "app/attachments.h"
#include "cli/cli.h"
#include "core/notify.h"
#include "core/roles.h"
#include "app/live.h"
#include "jobs/deliver.h"
#include "jobs/mailin.h"
#include "jobs/live.h"
#include "jobs/merge.h"
#include "jobs/reload.h"
#include "jobs/sweep.h"
#include "sec/auth.h"
#include "sec/session.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* A whole number setting within [lo, hi]; prints and returns -1 otherwise. */
static int setting_long(const char *name, long lo, long hi, long *out)
{
    return cli_long("redress", name, setting_get(name), lo, hi, out);
}

/*
 * The delivery settings (smtp-*, notify-*) into c; c->smtp_url NULL when
 * no mail server is set (webhooks are still delivered). -1 with a message on a bad value. The
 * password and any credentials in the URL are never printed.
 */
static int delivery_config(deliver_config *c)
{
    memset(c, 0, sizeof *c);
    const char *url = setting_get("smtp-url"), *from = setting_get("smtp-from");
    long attempts, base, cap, timeout;
    if (setting_long("notify-attempts", 1, 100, &attempts) || setting_long("notify-backoff", 1, 86400, &base) ||
        setting_long("notify-backoff-max", 1, 604800, &cap) || setting_long("notify-timeout", 1, 600, &timeout))
        return -1;
    c->backoff = (notify_backoff){base, cap < base ? base : cap, (int)attempts};
    c->timeout_s = (int)timeout;
    const char *sms = setting_get("sms-url");
    if (*sms) {
        if (strncmp(sms, "http://", 7) != 0 && strncmp(sms, "https://", 8) != 0) {
            fprintf(stderr, "redress: --sms-url: expected http://… or https://…\n");
            return -1;
        }
        c->sms_url = sms;
        c->sms_secret = setting_get("sms-secret");
        log_info("notifications: text messages through an SMS gateway"); /* its URL may hold credentials */
    }
    if (!*url)
        return 0;
    if (strncmp(url, "smtp://", 7) != 0 && strncmp(url, "smtps://", 8) != 0) {
        fprintf(stderr, "redress: --smtp-url: expected smtp://HOST:PORT or smtps://HOST:PORT\n");
        return -1;
    }
    if (!notify_email_ok(from)) {
        fprintf(stderr, "redress: --smtp-from: expected the sender's e-mail address (required with --smtp-url)\n");
        return -1;
    }
    c->smtp_url = url;
    c->smtp_from = from;
    c->smtp_user = setting_get("smtp-user");
    c->smtp_password = setting_get("smtp-password");
    /* The host only: the URL may hold credentials. */
    const char *host = strchr(url, '@') ? strchr(url, '@') + 1 : strstr(url, "://") + 3;
    log_info("notifications: e-mail through %.*s, from %s", (int)strcspn(host, "/?#"), host, from);
    return 0;
}

/* The session settings (sec/session.h) from the settings table. */
static int configure_sessions(void)
{
    long idle, absolute, failures, delay, lockout;
    const char *secure = setting_get("cookie-secure");
    if (setting_long("session-idle", 1, 86400, &idle) || setting_long("session-absolute", 1, 2592000, &absolute) ||
        setting_long("login-max-failures", 0, 100, &failures) || setting_long("login-delay", 1, 86400, &delay) ||
        setting_long("login-lockout", 1, 86400, &lockout))
        return -1;
    if (strcmp(secure, "on") != 0 && strcmp(secure, "off") != 0) {
        fprintf(stderr, "redress: --cookie-secure: expected on or off\n");
        return -1;
    }
    session_config c = {idle, absolute, {(int)failures, delay, lockout, session_defaults.login.forget},
                        strcmp(secure, "on") == 0};
    session_configure(&c);
    return 0;
}

/* The transport's handler: every API request goes through the router. */
static void serve_api(void *ctx, http_req *rq, http_resp *rs)
{
    api_router_dispatch(ctx, api_routes, rq, rs);
}

/* Which requests' bodies go to a sealed temporary file as they arrive: uploads. */
static bool serve_spool(void *ctx, const char *method, const char *path)
{
    (void)ctx;
    return api_router_streams(api_routes, method, path);
}

/* Which reads of the embedded store may run on an I/O thread: the quick ones. */
static bool serve_inline(void *ctx, const char *path)
{
    (void)ctx;
    return api_router_quick(api_routes, path);
}

/* The web UI built into the binary (scripts/embed-files.sh -b, from web/dist). */
struct embedded_blob {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct embedded_blob web_files[];

/* The built-in UI as the transport's table (names and contents borrowed). */
static http_file *web_table(void)
{
    size_t n = 0;
    while (web_files[n].name)
        n++;
    http_file *t = xcalloc(n + 1, sizeof *t);
    for (size_t i = 0; i < n; i++)
        t[i] = (http_file){web_files[i].name, web_files[i].data, web_files[i].len};
    return t;
}

int serve_app(app *a)
{
    if (configure_sessions())
        return 2;
    /* Made now, so that the first sign-in with an unknown name costs no
     * more than any other (api/auth.c). */
    auth_dummy_hash();
    long max_body = strtol(setting_get("max-body"), NULL, 10);
    if (max_body < 1024) {
        fprintf(stderr, "redress: --max-body: expected at least 1024\n");
        return 2;
    }
    long threads, io_threads, conns, per_address, header_to, body_to, idle_to;
    if (setting_long("threads", 1, 1024, &threads) || setting_long("io-threads", 1, 64, &io_threads) ||
        setting_long("max-connections", 16, 1000000, &conns) ||
        setting_long("max-connections-per-address", 0, 1000000, &per_address) ||
        setting_long("header-timeout", 1, 3600, &header_to) || setting_long("body-timeout", 1, 3600, &body_to) ||
        setting_long("idle-timeout", 1, 3600, &idle_to))
        return 2;
    char *end;
    long interval = strtol(setting_get("sweep-interval"), &end, 10);
    if (*end || interval < 0 || interval > 86400) {
        fprintf(stderr, "redress: --sweep-interval: expected 0–86400 seconds\n");
        return 2;
    }
    long days = strtol(setting_get("retention-days"), &end, 10);
    if (*end || days < 0 || days > 36500) {
        fprintf(stderr, "redress: --retention-days: expected 0–36500\n");
        return 2;
    }
    a->retention_days = (int)days;
    long merge_ms, merge_batch, merge_rows, merge_delay;
    if (setting_long("search-merge-interval", 0, 3600000, &merge_ms) ||
        setting_long("search-merge-batch", 1, 10000, &merge_batch) ||
        setting_long("search-merge-max-rows", 1, 1000000, &merge_rows) ||
        setting_long("search-merge-max-delay", 0, 86400, &merge_delay))
        return 2;
    merge_policy mp = {(int)merge_ms, (int)merge_batch, (int)merge_rows, (int)merge_delay};
    long live_max, live_user, live_ms, live_beat;
    if (setting_long("live-streams", 0, 100000, &live_max) ||
        setting_long("live-streams-per-user", 1, 1000, &live_user) ||
        setting_long("live-interval", 50, 60000, &live_ms) || setting_long("live-heartbeat", 1, 3600, &live_beat))
        return 2;
    deliver_config dc;
    if (delivery_config(&dc))
        return 2;
    a->notify_email = dc.smtp_url != NULL;
    a->notify_sms = dc.sms_url != NULL;
    long max_file, max_total;
    if (setting_long("attachment-max-bytes", 1024, 4294967296L, &max_file) ||
        setting_long("attachment-total-max-bytes", 1024, 1099511627776L, &max_total))
        return 2;
    const char *upload_dir = setting_get("upload-dir");
    const char *tmp = getenv("TMPDIR");
    attach_config ac = {max_file, max_total, *upload_dir ? upload_dir : tmp && *tmp ? tmp : "/tmp"};
    app_attach_configure(&ac);
    const char *dir = *upload_dir ? upload_dir : app_attach_tmp_dir(a);
    char *spool_dir = dir ? xstrdup(dir) : NULL; /* app_attach_tmp_dir's is this thread's */
    if (!spool_dir) {
        fprintf(stderr, "redress: cannot make the directory of uploads beside the database (set --upload-dir)\n");
        return 1;
    }
    const char *mail_poll = setting_get("mail-poll");
    if (cli_mailin_configure())
        return 2;
    if (strcmp(mail_poll, "on") != 0 && strcmp(mail_poll, "off") != 0) {
        fprintf(stderr, "redress: --mail-poll: expected on or off\n");
        return 2;
    }
    http_file *files = web_table();
    http_options opt = {
        .listen = setting_get("listen"),
        .web_root = setting_get("web-root"),
        .files = files,
        .threads = (unsigned)threads,
        .io_threads = (unsigned)io_threads,
        .inline_read = strcmp(store_name(a->db), "sqlite") == 0 ? serve_inline : NULL,
        .max_body = (size_t)max_body,
        /* Several files may come in one body: up to the complaint's total, and the form's own bytes. */
        .spool = serve_spool,
        .spool_max = (size_t)(max_total > max_file ? max_total : max_file) + (1 << 20),
        .spool_dir = spool_dir,
        .trusted_proxies = setting_get("trusted-proxies"),
        .max_connections = (unsigned)conns,
        .max_per_address = (unsigned)per_address,
        .header_timeout = (unsigned)header_to,
        .body_timeout = (unsigned)body_to,
        .idle_timeout = (unsigned)idle_to,
    };
    /* The deliverer first: libcurl's global set-up wants no other thread
     * of ours running. The deadline sweeper runs beside the server on the
     * real clock. */
    deliverer *dl = deliverer_start(a, &dc);
    sweeper *sw = sweeper_start(a, (int)interval);
    reloader *rl = reloader_start(a);
    merger *mg = merger_start(a, &mp);
    mailpoller *mpl = strcmp(mail_poll, "on") == 0 ? mailpoller_start(a) : NULL;
    a->live = live_max ? live_hub_new((unsigned)live_user, (unsigned)live_max) : NULL;
    live_feed *lf = a->live ? live_feed_start(a, (int)live_ms, (int)live_beat) : NULL;
    app_leave(a); /* the main thread holds no configuration while it serves */
    int rc = http_serve(&opt, serve_api, a) ? 1 : 0;
    free(files);
    free(spool_dir);
    app_enter(a);
    mailpoller_stop(mpl);
    /* The transport has closed every stream: the feed and the hub go last. */
    live_feed_stop(lf);
    live_hub_free(a->live);
    a->live = NULL;
    deliverer_stop(dl);
    merger_stop(mg);
    reloader_stop(rl);
    sweeper_stop(sw);
    return rc;
}

int cmd_serve(int argc, char **argv)
{
    static const char *const extra[] = {"help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress serve [--db URL] [--listen HOST:PORT]\n"
               "Serves the JSON API under /api/v1 and the web UI at / until SIGINT or SIGTERM.\n");
        cli_print_settings();
        return 0;
    }
    app a;
    if (cli_open_writer(&a, true))
        return 1;
    int rc = serve_app(&a);
    app_close(&a);
    return rc;
}

/* ---- demo data ---------------------------------------------------------- */

static int demo_users(app *a, const json_t *demo, const char *password)
{
    char hash[256];
    if (auth_hash_password(password, hash, sizeof hash))
        return -1;
    size_t i;
    const json_t *u;
    json_array_foreach(json_object_get(demo, "users"), i, u)
    {
        const char *username = json_string_value(json_object_get(u, "username"));
        const char *unit_code = json_string_value(json_object_get(u, "unit"));
        const unit *un = unit_code ? org_find_code(app_org(a), unit_code) : NULL;
        if (!username || !un) {
            fprintf(stderr, "redress: demo users[%zu]: needs username and a known unit\n", i);
            return -1;
        }
        user nu = {0, (char *)username, (char *)json_string_value(json_object_get(u, "name")), 0, un->id, true, false, NULL, NULL, NOTIFY_EMAIL};
        if (!nu.name)
            nu.name = nu.username;
        size_t k;
        const json_t *r;
        json_array_foreach(json_object_get(u, "roles"), k, r) nu.roles |= role_parse(json_string_value(r));
        user existing = {0};
        if (store_user_get(a->db, username, 0, &existing, NULL) == 0) {
            /* The administrator from init: give it the demo password too. */
            store_user_set_password(a->db, existing.id, hash, false);
            user_release(&existing);
            continue;
        }
        if (store_user_add(a->db, &nu, hash)) {
            fprintf(stderr, "redress: cannot add demo user %s\n", username);
            return -1;
        }
    }
    return 0;
}

static int actor_of(app *a, const char *username, actor *out)
{
    user u = {0};
    if (!username || store_user_get(a->db, username, 0, &u, NULL))
        return -1;
    *out = (actor){u.id, u.roles, u.unit};
    user_release(&u);
    return 0;
}

int demo_complaints(app *a, const json_t *demo, int64_t now)
{
    actor intake_actor;
    if (actor_of(a, "agent1", &intake_actor)) {
        fprintf(stderr, "redress: the demo needs a user agent1\n");
        return -1;
    }
    size_t i;
    const json_t *dc;
    int count = 0;
    json_array_foreach(json_object_get(demo, "complaints"), i, dc)
    {
        int64_t t = now - json_integer_value(json_object_get(dc, "received_minutes_ago")) * 60;
        json_t *in = jsonw_copy(json_object_get(dc, "intake"));
        char ts[40];
        time_format(t, app_pol(a)->tz_offset, ts, sizeof ts);
        json_object_set_new(in, "received_at", json_string(ts));
        json_t *occ = json_object_get(in, "occurred_at_minutes_ago");
        if (json_is_integer(occ)) {
            time_format(now - json_integer_value(occ) * 60, app_pol(a)->tz_offset, ts, sizeof ts);
            json_object_set_new(in, "occurred_at", json_string(ts));
        }
        json_object_del(in, "occurred_at_minutes_ago");
        json_object_set_new(in, "confirmed", json_true());
        complaint c;
        complaint_init(&c);
        cerr e = CERR_INIT;
        int rc = app_intake(a, &intake_actor, in, t, NULL, &c, NULL, &e);
        json_decref(in);
        if (rc) {
            fprintf(stderr, "redress: demo complaints[%zu]: %s\n", i, rc == CERR_USER ? e.message : "store error");
            complaint_release(&c);
            return -1;
        }
        size_t k;
        const json_t *step;
        json_array_foreach(json_object_get(dc, "steps"), k, step)
        {
            t += json_integer_value(json_object_get(step, "after_minutes")) * 60;
            actor who;
            const char *action = json_string_value(json_object_get(step, "action"));
            if (actor_of(a, json_string_value(json_object_get(step, "actor")), &who) || !action) {
                fprintf(stderr, "redress: demo complaints[%zu].steps[%zu]: unknown actor or action\n", i, k);
                complaint_release(&c);
                return -1;
            }
            complaint next;
            complaint_init(&next);
            rc = app_act(a, &who, c.id, action, json_object_get(step, "fields"), -1, t, &next, &e);
            if (rc) {
                fprintf(stderr, "redress: demo complaints[%zu].steps[%zu] (%s): %s\n", i, k, action,
                        rc == CERR_USER ? e.message : "store error");
                complaint_release(&next);
                complaint_release(&c);
                return -1;
            }
            complaint_release(&c);
            c = next;
        }
        complaint_release(&c);
        count++;
    }
    printf("demo data: %d complaints\n", count);
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    static const char *const extra[] = {"demo-password", "no-serve!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress demo [--db URL] [--listen HOST:PORT] [--demo-password P] [--no-serve]\n"
               "Creates the database with the gas-station pack and realistic demo data if it does not\n"
               "exist yet, prints the logins, then serves. Every demo user gets P (default redress-demo).\n");
        cli_print_settings();
        return 0;
    }
    app a;
    if (cli_open_app(&a, false))
        return 1;
    int rc = 1;
    if (cli_open_pii(&a, true)) {
        app_close(&a);
        return 1;
    }
    json_t *demo = cli_packs_file("demo/gas-station.json");
    if (!demo)
        goto out;
    const char *password = cli_opt(&o, "demo-password");
    if (!password)
        password = json_string_value(json_object_get(demo, "password"));
    if (!password)
        password = "redress-demo";
    if (!app_pol(&a)->name) {
        printf("creating a demo database at %s …\n", setting_get("db"));
        if (init_database(&a, "gas-station", "admin", password, true) || demo_users(&a, demo, password) ||
            demo_complaints(&a, demo, time_now()))
            goto out;
    }
    printf("\nRedress demo — sign in at http://%s/ with one of these (password: %s):\n", setting_get("listen"),
           password);
    size_t i;
    const json_t *u;
    json_array_foreach(json_object_get(demo, "users"), i, u)
    {
        char roles[96] = "";
        size_t k;
        const json_t *r;
        json_array_foreach(json_object_get(u, "roles"), k, r)
        {
            if (k)
                strncat(roles, ",", sizeof roles - strlen(roles) - 1);
            strncat(roles, json_string_value(r), sizeof roles - strlen(roles) - 1);
        }
        printf("  %-10s %-12s %-14s %s\n", json_string_value(json_object_get(u, "username")), roles,
               json_string_value(json_object_get(u, "unit")), json_string_value(json_object_get(u, "name")));
    }
    fflush(stdout);
    rc = cli_has(&o, "no-serve") ? 0 : serve_app(&a);
out:
    json_decref(demo);
    app_close(&a);
    return rc;
}
