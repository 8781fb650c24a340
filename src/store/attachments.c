/*
 * attachments: the rows of the files of evidence on complaints and their
 * sealed bytes (migration 015), written once for both backends over the
 * driver (driver.h). The bytes live where the backend keeps them: on
 * SQLite in files named by their hash in a directory beside the database
 * (store_files_dir), placed and synced before the row that names them is
 * committed; on PostgreSQL in attachment_chunks, 1 MiB a row, inserted in
 * the transaction of the row and its "attach" event, so that every node
 * reads them. The bytes are sealed (util/sealfile.h) before they reach the
 * store: nothing here can read them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/erasure.h"
#include "store/backend.h"
#include "store/rows.h"
#include "util/sealfile.h"
#include "util/xalloc.h"

enum { PG_ROW = 1 << 20 };

static const db_col COLS[] = {
    DB_COLS(attachment, id, complaint_id, seq, name, type, size, sha256, blob, sealed_size, created_at, created_by,
            removed_at, removed_by, removed_reason, shredded),
    {0},
};
#define SELECT_COLS                                                                                                    \
    "SELECT id, complaint_id, seq, name, type, size, sha256, blob, sealed_size, created_at, created_by, removed_at, "  \
    "removed_by, removed_reason, shredded FROM attachments "

int store_attachment_get(store *s, const char *id, attachment *out)
{
    attachment_release(out);
    return db_read_row(s, "attachment_get", SELECT_COLS "WHERE id = ?", DB_VALS(DB_TEXT(id)), COLS, out);
}

int store_attachment_list(store *s, int64_t complaint_id, attachment_list *out)
{
    attachment_list_release(out);
    return db_read_list(s, "attachment_list", SELECT_COLS "WHERE complaint_id = ? ORDER BY created_at, id",
                        DB_VALS(DB_INT(complaint_id)), COLS, sizeof(attachment), (void **)&out->items, &out->n);
}

int store_attachment_page(store *s, const char *after_id, int max, attachment_list *out)
{
    attachment_list_release(out);
    return db_read_list(s, "attachment_page", SELECT_COLS "WHERE id > ? ORDER BY id LIMIT ?",
                        DB_VALS(DB_TEXT(after_id), DB_INT(max)), COLS, sizeof(attachment), (void **)&out->items,
                        &out->n);
}

int store_attachment_bytes(store *s, int64_t complaint_id, int64_t *total)
{
    return db_read_int(s, "attachment_bytes",
                       "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE complaint_id = ? AND removed_at = 0",
                       DB_VALS(DB_INT(complaint_id)), total);
}

const char *store_files_dir(store *s)
{
    return s->files_dir;
}

/* PostgreSQL: the sealed file at path into blob's rows. */
static int insert_chunks(db_conn *c, const char *path, const char *blob)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return STORE_ERROR;
    char *chunk = xmalloc(PG_ROW);
    int rc = 0;
    for (int64_t n = 0; rc == 0; n++) {
        size_t got = 0;
        ssize_t k;
        while (got < PG_ROW && (k = read(fd, chunk + got, PG_ROW - got)) != 0) {
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                rc = STORE_ERROR;
                break;
            }
            got += (size_t)k;
        }
        if (rc || (got == 0 && n > 0))
            break;
        rc = db_execv(c, "INSERT INTO attachment_chunks (blob, n, data) VALUES (?, ?, ?)",
                      DB_VALS(DB_TEXT(blob), DB_INT(n), DB_BLOB(chunk, got)));
        if (got < PG_ROW)
            break;
    }
    free(chunk);
    close(fd);
    return rc;
}

int rows_attachment_write(db_conn *c, const store_write *w)
{
    const attachment *a = w->att;
    if (w->att_op == ATT_REMOVE)
        return db_changev(c,
                          "UPDATE attachments SET removed_at = ?, removed_by = ?, removed_reason = ? "
                          "WHERE id = ? AND removed_at = 0",
                          DB_VALS(DB_INT(a->removed_at), DB_INT(a->removed_by), DB_TEXT(a->removed_reason),
                                  DB_TEXT(a->id)));
    if (w->att_op != ATT_ADD)
        return 0;
    int rc = db_execv(c,
                      "INSERT INTO attachments (id, complaint_id, seq, name, type, size, sha256, blob, sealed_size, "
                      "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      DB_VALS(DB_TEXT(a->id), DB_INT(a->complaint_id), DB_INT(a->seq), DB_TEXT(a->name),
                              DB_TEXT(a->type), DB_INT(a->size), DB_TEXT(a->sha256), DB_TEXT(a->blob),
                              DB_INT(a->sealed_size), DB_INT(a->created_at), DB_INT(a->created_by)));
    if (rc == 0 && db_dialect(c) == DB_PG)
        rc = insert_chunks(c, w->att_file, a->blob);
    return rc;
}

/* ---- the files (SQLite) --------------------------------------------------------------------- */

static char *blob_path(store *s, const char *blob)
{
    size_t n = strlen(s->files_dir) + strlen(blob) + 2;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/%s", s->files_dir, blob);
    return p;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : -1;
    if (fd >= 0)
        close(fd);
    return rc;
}

/*
 * Makes the renames made so far in files_dir durable: one fsync of the
 * directory serves every upload that renamed before it started, as the
 * writer's group commit serves every row (a sync of a directory costs the
 * disk a journal commit; uploads at once share it).
 */
static int sync_renames(store *s)
{
    pthread_mutex_lock(&s->dir_mu);
    uint64_t mine = ++s->dir_requested;
    int rc = 0;
    while (s->dir_synced < mine) {
        if (s->dir_syncing) {
            pthread_cond_wait(&s->dir_cv, &s->dir_mu);
            continue;
        }
        s->dir_syncing = true;
        uint64_t upto = s->dir_requested;
        pthread_mutex_unlock(&s->dir_mu);
        int failed = sync_dir(s->files_dir);
        pthread_mutex_lock(&s->dir_mu);
        s->dir_syncing = false;
        /* A failed sync fails its own upload (mine <= upto); the others
         * waiting for it find nothing synced and try again themselves. */
        if (!failed)
            s->dir_synced = upto;
        pthread_cond_broadcast(&s->dir_cv);
        if (failed) {
            rc = STORE_ERROR;
            break;
        }
    }
    pthread_mutex_unlock(&s->dir_mu);
    return rc;
}

int store_blob_place(store *s, const char *tmp, const char *blob)
{
    if (!s->files_dir)
        return 0;
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    int rc = fd >= 0 && fsync(fd) == 0 ? 0 : STORE_ERROR;
    if (fd >= 0)
        close(fd);
    char *path = blob_path(s, blob);
    if (rc == 0 && (rename(tmp, path) != 0 || sync_renames(s) != 0))
        rc = STORE_ERROR;
    free(path);
    return rc;
}

struct import_arg {
    const char *tmp, *blob;
};

static int import_chunks(db_conn *c, void *arg)
{
    const struct import_arg *a = arg;
    int rc = db_execv(c, "DELETE FROM attachment_chunks WHERE blob = ?", DB_VALS(DB_TEXT(a->blob)));
    return rc ? rc : insert_chunks(c, a->tmp, a->blob);
}

int store_blob_import(store *s, const char *tmp, const char *blob)
{
    if (s->files_dir)
        return store_blob_place(s, tmp, blob);
    struct import_arg a = {tmp, blob};
    return db_run_write(s, "blob_import", import_chunks, &a, 0);
}

struct store_blob {
    store *s;
    int fd; /* SQLite: the file; PostgreSQL: -1 */
    char blob[65];
};

store_blob *store_blob_open(store *s, const char *blob, int64_t sealed_size, int *rc)
{
    (void)sealed_size;
    store_blob *b = xcalloc(1, sizeof *b);
    b->s = s;
    b->fd = -1;
    snprintf(b->blob, sizeof b->blob, "%s", blob);
    *rc = 0;
    if (s->files_dir) {
        char *path = blob_path(s, blob);
        b->fd = open(path, O_RDONLY | O_CLOEXEC);
        free(path);
        if (b->fd < 0) {
            *rc = errno == ENOENT ? STORE_NOTFOUND : STORE_ERROR;
            free(b);
            return NULL;
        }
    }
    return b;
}

struct chunk_read {
    const char *blob;
    int64_t n;
    uint64_t at;
    size_t len;
    uint8_t *out;
};

static int read_chunk(db_conn *c, void *arg)
{
    struct chunk_read *r = arg;
    db_stmt *st;
    int rc = db_onev(c, "SELECT substr(data, ?, ?) FROM attachment_chunks WHERE blob = ? AND n = ?",
                     DB_VALS(DB_INT((int64_t)r->at + 1), DB_INT((int64_t)r->len), DB_TEXT(r->blob), DB_INT(r->n)),
                     &st);
    if (rc != DB_ROW)
        return rc ? rc : STORE_ERROR;
    size_t got = 0;
    const void *p = db_blob(st, 0, &got);
    rc = p && got == r->len ? 0 : STORE_ERROR;
    if (rc == 0)
        memcpy(r->out, p, got);
    db_reset(st);
    return rc;
}

int store_blob_pread(void *blob, void *p, size_t n, uint64_t off)
{
    store_blob *b = blob;
    if (b->fd >= 0)
        return seal_pread_fd((void *)(intptr_t)b->fd, p, n, off);
    uint8_t *out = p;
    while (n) {
        struct chunk_read r = {b->blob, (int64_t)(off / PG_ROW), off % PG_ROW, 0, out};
        r.len = PG_ROW - r.at < n ? PG_ROW - r.at : n;
        if (db_run_read(b->s, "blob_read", read_chunk, &r))
            return -1;
        out += r.len;
        off += r.len;
        n -= r.len;
    }
    return 0;
}

void store_blob_close(store_blob *b)
{
    if (!b)
        return;
    if (b->fd >= 0)
        close(b->fd);
    free(b);
}

struct shred_arg {
    const attachment *att;
    bool erased;
};

static int shred_rows(db_conn *c, void *arg)
{
    const struct shred_arg *a = arg;
    int rc = 0;
    if (db_dialect(c) == DB_PG)
        rc = db_execv(c, "DELETE FROM attachment_chunks WHERE blob = ?", DB_VALS(DB_TEXT(a->att->blob)));
    if (rc == 0 && a->erased)
        rc = db_execv(c,
                      "UPDATE attachments SET shredded = 1, name = ?, sha256 = '', "
                      "removed_reason = CASE WHEN removed_reason IS NULL THEN NULL ELSE ? END WHERE id = ?",
                      DB_VALS(DB_TEXT(PII_ANONYMISED), DB_TEXT(PII_ANONYMISED), DB_TEXT(a->att->id)));
    else if (rc == 0)
        rc = db_execv(c, "UPDATE attachments SET shredded = 1 WHERE id = ?", DB_VALS(DB_TEXT(a->att->id)));
    return rc;
}

int store_attachment_shred(store *s, const attachment *att, bool erased)
{
    /* The file first: a crash between leaves a row to shred again, never a file no row names. */
    if (s->files_dir) {
        char *path = blob_path(s, att->blob);
        int gone = unlink(path) == 0 || errno == ENOENT ? 0 : -1;
        free(path);
        if (gone || sync_dir(s->files_dir))
            return STORE_ERROR;
    }
    struct shred_arg a = {att, erased};
    return db_run_write(s, "attachment_shred", shred_rows, &a, 0);
}
