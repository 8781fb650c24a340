/* fixture: see fixture.h. This file replaces src/http/server.c in the
 * harnesses: its requests' lookup reads fz_request, and http_serve is a
 * stub (src/http/response.c supplies the rest of http.h). */
#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api/api.h"
#include "app/pii.h"
#include "cli/cli.h"
#include "core/roles.h"
#include "sec/auth.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

/* ---- the transport --------------------------------------------------------- */

http_metrics http_stats;

/* http_req's lookup over an fz_request. */
static const char *lookup(void *conn, enum http_part part, const char *key)
{
    const fz_request *r = conn;
    switch (part) {
    case HTTP_QUERY:
        for (int i = 0; i < r->nquery; i++)
            if (strcmp(r->query[i].name, key) == 0)
                return r->query[i].value;
        break;
    case HTTP_HEADER:
        for (int i = 0; i < r->nheaders; i++)
            if (strcasecmp(r->headers[i].name, key) == 0)
                return r->headers[i].value;
        break;
    case HTTP_COOKIE:
        for (int i = 0; i < r->ncookies; i++)
            if (strcmp(r->cookies[i].name, key) == 0)
                return r->cookies[i].value;
        break;
    }
    return NULL;
}

int http_serve(const http_options *opt, http_handler handler, void *ctx)
{
    (void)opt, (void)handler, (void)ctx;
    fprintf(stderr, "fuzz: there is no server in a harness\n");
    return -1;
}

/* ---- the fixture ------------------------------------------------------------ */

static char db_dir[256];
static bool cleanup_registered;

static void remove_db_dir(const char *dir)
{
    static const char *files[] = {"redress.db", "redress.db-wal", "redress.db-shm"};
    char path[300];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* A harness stops by exit() at the end of a timed run: take its database along. */
static void at_exit(void)
{
    if (db_dir[0])
        remove_db_dir(db_dir);
}

/* Databases of harnesses that died (a crash ends without atexit), found by
 * the process id in their name. */
static void sweep_stale(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        long pid;
        char rest[16];
        if (sscanf(de->d_name, "redress-fuzz-%ld-%15s", &pid, rest) != 2 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char dir[300];
        snprintf(dir, sizeof dir, "%s/%s", tmp, de->d_name);
        remove_db_dir(dir);
    }
    closedir(d);
}

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz: fixture: %s\n", what);
        abort();
    }
}

static void add_users(app *a, const json_t *demo)
{
    char hash[crypto_pwhash_STRBYTES];
    check(crypto_pwhash_str_alg(hash, FZ_PASSWORD, strlen(FZ_PASSWORD), crypto_pwhash_OPSLIMIT_MIN,
                                crypto_pwhash_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) == 0,
          "cannot hash the password");
    size_t i;
    const json_t *u;
    json_array_foreach(json_object_get(demo, "users"), i, u)
    {
        const char *username = json_string_value(json_object_get(u, "username"));
        const unit *un = org_find_code(app_org(a), json_string_value(json_object_get(u, "unit")));
        check(username && un, "a demo user without a name or a known unit");
        user nu = {.username = (char *)username,
                   .name = (char *)json_string_value(json_object_get(u, "name")),
                   .unit = un->id,
                   .active = true};
        size_t k;
        const json_t *r;
        json_array_foreach(json_object_get(u, "roles"), k, r) nu.roles |= role_parse(json_string_value(r));
        user existing = {0};
        if (store_user_get(a->db, username, 0, &existing, NULL) == 0) {
            check(store_user_set_password(a->db, existing.id, hash, false) == 0, "cannot set a password");
            user_release(&existing);
            continue;
        }
        check(store_user_add(a->db, &nu, hash) == 0, "cannot add a user");
    }
    /* A disabled account and one that must change its password: both sign-in paths. */
    user off = {.username = "gone1", .name = "离职员工", .roles = R_AGENT, .unit = app_org(a)->units[0].id};
    check(store_user_add(a->db, &off, hash) == 0, "cannot add gone1");
    user fresh = {.username = "new1",
                  .name = "新员工",
                  .roles = R_AGENT,
                  .unit = app_org(a)->units[0].id,
                  .active = true,
                  .must_change_password = true};
    check(store_user_add(a->db, &fresh, hash) == 0, "cannot add new1");
}

void fz_open(app *a, bool demo)
{
    log_set_level(LOG_ERROR);
    check(auth_init() == 0, "libsodium does not start");
    /* The store commits with synchronous=FULL; on tmpfs that costs nothing. */
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    sweep_stale(tmp);
    snprintf(db_dir, sizeof db_dir, "%s/redress-fuzz-%ld-XXXXXX", tmp, (long)getpid());
    check(mkdtemp(db_dir) != NULL, "cannot create a temporary directory");
    if (!cleanup_registered)
        atexit(at_exit);
    cleanup_registered = true;
    char url[300], err[256];
    snprintf(url, sizeof url, "sqlite:%s/redress.db", db_dir);
    check(app_open(a, url, false, err, sizeof err) == 0, err);
    app_enter(a); /* as a command does (cli_open_app), until app_close */
    check(init_database(a, "gas-station", "admin", FZ_PASSWORD, true) == 0, "init failed");
    /* Intake seals customer data: a key file of the harness's own, beside its database. */
    char key_path[300];
    snprintf(key_path, sizeof key_path, "%s/redress.key", db_dir);
    check(app_pii_open(a, key_path, NULL, true, err, sizeof err) == 0, err);
    json_t *d = cli_packs_file("demo/gas-station.json");
    check(d != NULL, "cannot read the demo data");
    add_users(a, d);
    if (demo)
        check(demo_complaints(a, d, time_now()) == 0, "the demo complaints do not load");
    json_decref(d);
}

void fz_close(app *a)
{
    app_close(a);
    remove_db_dir(db_dir);
    db_dir[0] = '\0';
}

const route *fz_route(const char *method, const char *pattern)
{
    for (const route *r = api_routes; r->method; r++)
        if (strcmp(r->method, method) == 0 && strcmp(r->pattern, pattern) == 0)
            return r;
    check(false, pattern);
    return NULL;
}

/* ---- requests ------------------------------------------------------------------ */

void fz_request_init(fz_request *r, const char *method, const char *path, const void *body, size_t len)
{
    memset(r, 0, sizeof *r);
    r->http.method = method;
    r->http.path = path;
    r->http.lookup = lookup;
    r->http.conn = r;
    buf_init(&r->http.body);
    if (len)
        buf_append(&r->http.body, body, len);
    snprintf(r->http.client, sizeof r->http.client, "127.0.0.1");
    api_req_init(&r->rq, &r->http);
}

void fz_request_release(fz_request *r)
{
    api_req_release(&r->rq);
    buf_release(&r->http.body);
    memset(r, 0, sizeof *r);
}

void fz_param(fz_request *r, const char *value)
{
    int i = 0;
    while (i < MAX_PARAMS && r->rq.params[i])
        i++;
    check(i < MAX_PARAMS, "too many route parameters");
    r->rq.params[i] = xstrdup(value);
}

void fz_header(fz_request *r, const char *name, const char *value)
{
    check(r->nheaders < (int)(sizeof r->headers / sizeof r->headers[0]), "too many headers");
    r->headers[r->nheaders].name = name;
    r->headers[r->nheaders++].value = value;
}

void fz_query(fz_request *r, const char *name, const char *value)
{
    if (r->nquery == (int)(sizeof r->query / sizeof r->query[0]))
        return; /* as a server with a parameter limit: the rest is ignored */
    r->query[r->nquery].name = name;
    r->query[r->nquery++].value = value;
}

void fz_cookie(fz_request *r, const char *name, const char *value)
{
    check(r->ncookies < (int)(sizeof r->cookies / sizeof r->cookies[0]), "too many cookies");
    r->cookies[r->ncookies].name = name;
    r->cookies[r->ncookies++].value = value;
}

void fz_sign_in(app *a, fz_request *r, const char *username)
{
    user_release(&r->rq.who);
    check(store_user_get(a->db, username, 0, &r->rq.who, NULL) == 0, "unknown user to sign in");
    r->rq.authed = true;
    r->rq.tok.user_id = r->rq.who.id;
    r->rq.tok.kind = 's';
}

void fz_call(app *a, const route *rt, fz_request *r, http_resp *rs)
{
    memset(rs, 0, sizeof *rs);
    rs->status = 200;
    rs->content_type = "application/json; charset=utf-8";
    buf_init(&rs->body);
    if (rt->auth == AUTH_USER && rt->roles && !(r->rq.who.roles & rt->roles))
        api_error(rs, 403, "forbidden", NULL, "您的角色无权访问 (your role may not do this)");
    else
        rt->handler(a, &r->rq, rs);
    if (getenv("FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz: %s %s → %d %.*s\n", r->rq.method, r->rq.path, rs->status,
                (int)(rs->body.len > 300 ? 300 : rs->body.len), rs->body.data);
    check(rs->status >= 200 && rs->status <= 599, "a status outside 200–599");
    if (!rs->body.len || !rs->content_type || strncmp(rs->content_type, "application/json", 16) != 0)
        return;
    json_error_t jerr;
    json_t *j = json_loadb(rs->body.data, rs->body.len, 0, &jerr);
    check(j != NULL, "a JSON response that does not parse");
    if (rs->status >= 400) {
        json_t *err = json_object_get(j, "error");
        check(json_is_string(json_object_get(err, "code")) && json_is_string(json_object_get(err, "message")),
              "an error without {\"error\":{\"code\",\"message\"}}");
    }
    json_decref(j);
}

void fz_response_release(http_resp *rs)
{
    http_resp_release(rs);
}
