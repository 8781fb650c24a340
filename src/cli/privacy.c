/*
 * privacy: the commands that look after customer data (docs/privacy.md) —
 * `redress user grant|revoke|default USER pii`, `redress retention`,
 * `redress rekey` and `redress backup`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/attachments.h"
#include "app/pii.h"
#include "cli/cli.h"
#include "jobs/retention.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

int cli_user_grant(app *a, const char *how, const char *username, const char *perm)
{
    if (!username || !perm || strcmp(perm, "pii") != 0) {
        fprintf(stderr, "redress user %s: usage: redress user %s USERNAME pii\n", how, how);
        return 2;
    }
    user u = {0};
    if (store_user_get(a->db, username, 0, &u, NULL) != 0) {
        fprintf(stderr, "redress user %s: no user %s\n", how, username);
        return 1;
    }
    int granted = strcmp(how, "grant") == 0 ? 1 : strcmp(how, "revoke") == 0 ? 0 : -1;
    int rc = store_grant_set(a->db, u.id, "pii", granted);
    char subject[40];
    snprintf(subject, sizeof subject, "user:%lld", (long long)u.id);
    if (rc == 0)
        rc = app_pii_audit(a, time_now(), 0, "user_change", subject, NULL, NULL,
                           granted < 0 ? "{\"granted\":null,\"permission\":\"pii\"}"
                           : granted   ? "{\"granted\":true,\"permission\":\"pii\"}"
                                       : "{\"granted\":false,\"permission\":\"pii\"}");
    if (rc) {
        fprintf(stderr, "redress user %s: the store failed\n", how);
        user_release(&u);
        return 1;
    }
    actor who = {u.id, u.roles, u.unit};
    printf("%s: pii %s (%s)\n", username, app_pii_may_unmask(a, &who) ? "granted" : "not granted",
           granted < 0 ? "the role's default" : "set for this user");
    user_release(&u);
    return 0;
}

static void print_number(const char *number, void *arg)
{
    (void)arg;
    printf("anonymised %s\n", number);
}

int cmd_retention(int argc, char **argv)
{
    static const char *const extra[] = {"now", "days", "quiet!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress retention [--now ISO8601] [--days N] [--quiet]\n"
               "Anonymises every complaint closed more than N days (default: --retention-days) before --now\n"
               "(default: the current time): its customer data and free text are removed and its data key is\n"
               "destroyed; its numbers, categories, units, dates and levels stay for the statistics.\n");
        cli_print_settings();
        return 0;
    }
    int64_t now = time_now();
    const char *t = cli_opt(&o, "now");
    if (t && time_parse_rfc3339(t, &now)) {
        fprintf(stderr, "redress retention: --now: expected RFC 3339, e.g. 2027-06-01T00:00:00+08:00\n");
        return 2;
    }
    const char *d = cli_opt(&o, "days");
    char *end;
    long days = strtol(d ? d : setting_get("retention-days"), &end, 10);
    if (*end || days < 0 || days > 36500) {
        fprintf(stderr, "redress retention: %s: expected 0–36500 days\n", d ? "--days" : "--retention-days");
        return 2;
    }
    if (days == 0) {
        printf("retention is off (--retention-days 0): nothing to do\n");
        return 0;
    }
    app a;
    if (cli_open_writer(&a, true))
        return 1;
    retention_stats st;
    int rc = retention_run(&a, now, (int)days, &st, cli_has(&o, "quiet") ? NULL : print_number, NULL);
    if (rc == 0)
        printf("retention: %ld complaints anonymised, %ld errors\n", st.anonymised, st.errors);
    else
        fprintf(stderr, "redress retention: the store failed\n");
    app_close(&a);
    return rc || st.errors ? 1 : 0;
}

/* ---- rekey --------------------------------------------------------------------------- */

enum { REKEY_BATCH = 500 };

/* Re-wraps every data key not under the current master key; *moved (OUT) counts them. */
static int rewrap_all(app *a, long *moved)
{
    char cur[PII_ID_MAX];
    pii_keyring_current(a->pii, cur);
    pii_keyrow *rows = xcalloc(REKEY_BATCH, sizeof *rows);
    int64_t after = 0;
    int rc = 0;
    for (;;) {
        size_t n = 0, m = 0;
        rc = store_pii_keys_page(a->db, cur, after, REKEY_BATCH, rows, &n);
        if (rc || n == 0)
            break;
        after = rows[n - 1].complaint_id;
        for (size_t i = 0; i < n; i++) {
            uint8_t dk[PII_KEY_BYTES];
            pii_keyrow *k = &rows[i];
            int why = pii_unwrap(a->pii, k->key_id, k->wrapped, k->len, dk);
            if (why != 0) {
                fprintf(stderr, "redress rekey: complaint %lld: its key is wrapped by master key \"%s\", which %s; "
                                "left as it is\n", (long long)k->complaint_id, k->key_id, pii_unwrap_why(why));
                continue;
            }
            pii_keyrow *out = &rows[m++];
            memmove(out, k, sizeof *k);
            snprintf(out->old_key_id, sizeof out->old_key_id, "%s", out->key_id);
            pii_wrap(a->pii, dk, out->key_id, out->wrapped);
            out->len = PII_WRAPPED_BYTES;
            sodium_memzero(dk, sizeof dk);
        }
        /* One transaction per batch: the server's writes wait at most for one. */
        rc = m ? store_pii_keys_rewrap(a->db, rows, m) : 0;
        for (size_t i = 0; rc == 0 && i < m; i++)
            if (rows[i].rc == 0)
                (*moved)++;
        sodium_memzero(rows, REKEY_BATCH * sizeof *rows);
        if (rc)
            break;
    }
    free(rows);
    return rc;
}

/* The keys of the key file at path into keys (at most max); the count, or -1. */
static int file_keys(const char *path, pii_master *keys, size_t max, char *err, size_t errlen);

int cmd_rekey(int argc, char **argv)
{
    static const char *const extra[] = {"keep-old!", "retire!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help")) {
        printf("usage: redress rekey [--keep-old | --retire]\n"
               "Adds a new master key to the key file (it becomes the current one), re-wraps every complaint's\n"
               "data key and the phone index key under it in batches while servers keep serving, then retires\n"
               "the old keys from the file (unless --keep-old). --retire adds no key: it re-wraps under the\n"
               "file's current (first) key and then retires the others. With the keys in an environment\n"
               "variable, put the new key first in it yourself: rekey then re-wraps everything under it.\n");
        cli_print_settings();
        return 0;
    }
    char path[1024], err[512];
    cli_key_file(path, sizeof path);
    const char *env = setting_get("key-env");
    bool from_env = *env && getenv(env) && *getenv(env);
    pii_master keys[16];
    int nold = 0;
    bool retire_only = cli_has(&o, "retire");
    if (!from_env && retire_only) {
        int n = file_keys(path, keys, 16, err, sizeof err);
        if (n < 0) {
            fprintf(stderr, "redress rekey: %s\n", err);
            return 1;
        }
        nold = n - 1;
    } else if (!from_env) {
        nold = file_keys(path, keys + 1, 15, err, sizeof err);
        if (nold < 0) {
            fprintf(stderr, "redress rekey: %s\n", err);
            return 1;
        }
        pii_master_generate(&keys[0]);
        if (pii_keyfile_write(path, keys, (size_t)nold + 1, err, sizeof err)) {
            fprintf(stderr, "redress rekey: %s\n", err);
            sodium_memzero(keys, sizeof keys);
            return 1;
        }
        printf("added master key %s to %s\n", keys[0].id, path);
    }
    app a;
    int rc = 1;
    if (cli_open_app(&a, true)) {
        sodium_memzero(keys, sizeof keys);
        return 1;
    }
    if (cli_open_pii(&a, false))
        goto out;
    char cur[PII_ID_MAX];
    pii_keyring_current(a.pii, cur);
    long moved = 0;
    if (rewrap_all(&a, &moved) || app_pii_rewrap_index(&a)) {
        fprintf(stderr, "redress rekey: the store failed after %ld keys; run it again to finish\n", moved);
        goto out;
    }
    if (!from_env && !cli_has(&o, "keep-old")) {
        if (pii_keyfile_write(path, keys, 1, err, sizeof err)) {
            fprintf(stderr, "redress rekey: %s\n", err);
            goto out;
        }
        /* A key a server wrapped with the old key just before it saw the new file. */
        if (rewrap_all(&a, &moved))
            goto out;
        printf("retired %d old key%s from %s\n", nold, nold == 1 ? "" : "s", path);
    }
    char detail[128];
    snprintf(detail, sizeof detail, "{\"key\":\"%s\",\"rewrapped\":%ld}", cur, moved);
    app_pii_audit(&a, time_now(), 0, "rekey", "config:keys", NULL, NULL, detail);
    printf("rekey: %ld data keys re-wrapped under %s\n", moved, cur);
    rc = 0;
out:
    sodium_memzero(keys, sizeof keys);
    app_close(&a);
    return rc;
}

static int file_keys(const char *path, pii_master *keys, size_t max, char *err, size_t errlen)
{
    /* Read through a keyring, which checks the file's mode and format. */
    pii_keyring *kr = pii_keyring_load(path, NULL, err, errlen);
    if (!kr)
        return -1;
    size_t n = pii_keyring_export(kr, keys, max);
    pii_keyring_free(kr);
    return (int)n;
}

/* ---- backup ---------------------------------------------------------------------------- */

int cmd_backup(int argc, char **argv)
{
    static const char *const extra[] = {"help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help") || o.nargs != 1) {
        printf("usage: redress backup FILE\n"
               "Writes a consistent copy of the SQLite database to FILE (mode 0600) while it is in use.\n"
               "Customer data stays sealed in it; the key file is not part of it (keep it apart).\n"
               "The attachments' sealed files are copied to FILE.files.\n"
               "PostgreSQL: use pg_dump (docs/operations.md).\n");
        cli_print_settings();
        return o.nargs == 1 ? 0 : 2;
    }
    const char *file = o.args[0];
    if (access(file, F_OK) == 0) {
        fprintf(stderr, "redress backup: %s exists; choose a new file\n", file);
        return 1;
    }
    app a;
    if (cli_open_app(&a, true))
        return 1;
    mode_t old = umask(077); /* the copy is created private, not chmod-ed afterwards */
    int rc = store_backup(a.db, file);
    umask(old);
    if (rc == 0 && chmod(file, 0600) != 0) {
        fprintf(stderr, "redress backup: chmod %s: %s\n", file, strerror(errno));
        rc = -1;
    }
    /* The attachments' sealed files, beside it. */
    int64_t nfiles = 0;
    char files[4200];
    snprintf(files, sizeof files, "%s.files", file);
    if (rc == 0 && app_attach_backup(&a, files, &nfiles) != 0) {
        fprintf(stderr, "redress backup: cannot copy the attachments to %s: %s\n", files, strerror(errno));
        rc = -1;
    }
    if (rc == 0)
        printf("backup written to %s (and %lld attachments to %s)\n", file, (long long)nfiles, files);
    else
        fprintf(stderr, "redress backup: failed (SQLite only; for PostgreSQL use pg_dump)\n");
    app_close(&a);
    return rc ? 1 : 0;
}

/* ---- restore --------------------------------------------------------------------------- */

/* Copies one file: 0 or -1 (errno). The copy is synced. */
static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        int e = errno;
        close(in);
        errno = e;
        return e == EEXIST ? 0 : -1;
    }
    char b[64 << 10];
    ssize_t k;
    int rc = 0;
    while (rc == 0 && (k = read(in, b, sizeof b)) != 0) {
        if (k < 0 && errno == EINTR)
            continue;
        rc = k < 0 || write(out, b, (size_t)k) != k ? -1 : 0;
    }
    if (rc == 0 && fsync(out) != 0)
        rc = -1;
    close(in);
    close(out);
    return rc;
}

/*
 * The attachments' sealed files a backup took (FILE.files) into the restored
 * database's directory (content-addressed: a file already there is the same
 * and stays). Returns how many were copied, or -1 (errno); 0 when the backup
 * has none.
 */
static long restore_files(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    long n = 0;
    if (mkdir(to, 0700) != 0 && errno != EEXIST)
        n = -1;
    struct dirent *e;
    while (n >= 0 && (e = readdir(d)) != NULL) {
        if (strspn(e->d_name, "0123456789abcdef") != 64 || e->d_name[64])
            continue;
        char a[4400], b[4400];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        n = copy_file(a, b) ? -1 : n + 1;
    }
    closedir(d);
    int dfd = n >= 0 ? open(to, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (n >= 0 && (dfd < 0 || fsync(dfd) != 0))
        n = -1;
    if (dfd >= 0)
        close(dfd);
    return n;
}

int cmd_restore(int argc, char **argv)
{
    static const char *const extra[] = {"force!", "help!", NULL};
    cli_opts o;
    if (cli_parse(argc, argv, extra, &o))
        return 2;
    if (cli_has(&o, "help") || o.nargs != 1) {
        printf("usage: redress restore FILE [--db sqlite:PATH] [--force]\n"
               "Restores a backup written by redress backup as the SQLite database of --db: checks that FILE\n"
               "is a sound Redress database, copies it into place and removes the old database's -wal and\n"
               "-shm files. Stop the server first. An existing database is replaced only with --force.\n"
               "The key file is not part of a backup: the one that was in use when it was taken opens it.\n"
               "PostgreSQL: use pg_restore (docs/operations.md).\n");
        cli_print_settings();
        return o.nargs == 1 ? 0 : 2;
    }
    const char *url = setting_get("db");
    if (strncmp(url, "sqlite:", 7) != 0) {
        fprintf(stderr, "redress restore: --db must be sqlite:PATH (for PostgreSQL use pg_restore)\n");
        return 2;
    }
    char err[512];
    if (store_sqlite_restore(o.args[0], url + 7, cli_has(&o, "force"), err, sizeof err)) {
        fprintf(stderr, "redress restore: %s\n", err);
        return 1;
    }
    char from[4200], to[4200];
    snprintf(from, sizeof from, "%s.files", o.args[0]);
    snprintf(to, sizeof to, "%s.files", url + 7);
    long n = restore_files(from, to);
    if (n < 0) {
        fprintf(stderr, "redress restore: cannot copy the attachments from %s to %s: %s\n", from, to, strerror(errno));
        return 1;
    }
    printf("restored %s to %s (and %ld attachments' files to %s); check it with: redress verify --db %s\n", o.args[0],
           url + 7, n, to, url);
    return 0;
}
