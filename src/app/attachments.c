/* attachments: see attachments.h. */
#include "app/attachments.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/act.h"
#include "app/pii.h"
#include "core/erasure.h"
#include "core/evidence.h"
#include "util/log.h"
#include "util/sealfile.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static attach_config config = {.max_file = 25 << 20, .max_total = 200 << 20, .tmp_dir = "/tmp"};

void app_attach_configure(const attach_config *cfg)
{
    config = *cfg;
}

const attach_config *app_attach_config(void)
{
    return &config;
}

const char *app_attach_tmp_dir(app *a)
{
    static _Thread_local char dir[4096];
    const char *files = store_files_dir(a->db);
    if (!files)
        return config.tmp_dir;
    snprintf(dir, sizeof dir, "%s/tmp", files);
    if ((mkdir(files, 0700) != 0 && errno != EEXIST) || (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
        log_error("attachments: cannot make %s: %s", dir, strerror(errno));
        return NULL;
    }
    return dir;
}

/* ---- the type, by content (libmagic) ------------------------------------------------------------ */

/* A magic handle is not safe to share: each thread loads its own once. */
static pthread_key_t magic_key;
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;

static void magic_free(void *m)
{
    magic_close(m);
}

static void magic_init(void)
{
    pthread_key_create(&magic_key, magic_free);
}

/* The MIME type of the first n bytes of a file into out ("application/octet-stream" when unknown). */
static void type_of(const void *head, size_t n, char *out, size_t outlen)
{
    pthread_once(&magic_once, magic_init);
    magic_t m = pthread_getspecific(magic_key);
    if (!m) {
        m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
        if (m && magic_load(m, NULL) != 0) {
            log_error("attachments: cannot load libmagic's database: %s", magic_error(m));
            magic_close(m);
            m = NULL;
        }
        pthread_setspecific(magic_key, m);
    }
    const char *t = m ? magic_buffer(m, head, n) : NULL;
    snprintf(out, outlen, "%s", t ? t : "application/octet-stream");
}

/* ---- uploads ------------------------------------------------------------------------------------ */

enum upload_state { WRITING, ENDED, STORED };

struct attach_upload {
    enum upload_state state;
    int64_t complaint_id;
    uint8_t dk[PII_KEY_BYTES];
    char *name; /* as given, cut to its last part */
    char tmp[4200];
    int fd;
    seal_writer *w;
    crypto_hash_sha256_state sha;
    uint8_t head[4096]; /* the first bytes, for libmagic */
    size_t nhead;
    /* Once ended: */
    char type[128];
    char sha256[65];
    char blob[65];
    uint64_t size, sealed;
};

static void hex(const uint8_t *b, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, b, n);
}

/* A file name as given: its last part (after / or \), 1–255 bytes of UTF-8 without control characters. */
static int check_name(const char *given, const char **name, cerr *e)
{
    const char *s = given ? given : "";
    for (const char *p = s; *p; p++)
        if (*p == '/' || *p == '\\')
            s = p + 1;
    size_t n = strlen(s);
    bool ok = n >= 1 && n <= 255 && utf8_count(s) > 0 && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
    for (const unsigned char *p = (const unsigned char *)s; ok && *p; p++)
        ok = *p >= 0x20 && *p != 0x7f;
    if (!ok)
        return cerr_set(e, "validation_failed", "name",
                        "name: 应为文件名，1–255 字节 (expected a file name of 1–255 bytes)");
    *name = s;
    return 0;
}

int app_attach_begin(app *a, const complaint *c, const char *given, attach_upload **out, cerr *e)
{
    const char *name = NULL;
    if (check_name(given, &name, e))
        return CERR_USER;
    if (!a->pii_ready)
        return app_pii_no_key(e);
    if (erasure_done(c))
        return cerr_set(e, "action_not_allowed", "", "客户信息已匿名化，不能再添加附件 (the customer's data was erased)");
    const char *dir = app_attach_tmp_dir(a);
    if (!dir)
        return STORE_ERROR;
    attach_upload *u = xcalloc(1, sizeof *u);
    u->fd = -1;
    u->complaint_id = c->id;
    bool ok = false;
    int rc = app_pii_data_key(a, c->id, u->dk, &ok);
    if (rc == 0 && !ok)
        rc = cerr_set(e, "action_not_allowed", "", "客户信息已匿名化，不能再添加附件 (the customer's data was erased)");
    if (rc) {
        app_attach_free(u);
        return rc;
    }
    u->name = xstrdup(name);
    snprintf(u->tmp, sizeof u->tmp, "%s/up-XXXXXX", dir);
    u->fd = mkostemp(u->tmp, O_CLOEXEC);
    if (u->fd < 0) {
        log_error("attachments: cannot make a file in %s: %s", dir, strerror(errno));
        u->tmp[0] = '\0';
        app_attach_free(u);
        return STORE_ERROR;
    }
    u->w = seal_writer_new(u->fd, u->dk);
    if (!u->w) {
        app_attach_free(u);
        return STORE_ERROR;
    }
    crypto_hash_sha256_init(&u->sha);
    u->state = WRITING;
    *out = u;
    return 0;
}

int app_attach_write(attach_upload *u, const void *p, size_t n, cerr *e)
{
    assert(u->state == WRITING);
    if (seal_written(u->w) + n > (uint64_t)config.max_file)
        return cerr_set(e, "file_too_large", "file", "file: 文件超过单个附件上限 %lld 字节 (larger than the limit of one file, %lld bytes: attachment-max-bytes)",
                        (long long)config.max_file, (long long)config.max_file);
    if (u->nhead < sizeof u->head) {
        size_t k = sizeof u->head - u->nhead < n ? sizeof u->head - u->nhead : n;
        memcpy(u->head + u->nhead, p, k);
        u->nhead += k;
    }
    crypto_hash_sha256_update(&u->sha, p, n);
    if (seal_write(u->w, p, n)) {
        log_error("attachments: cannot write %s: %s", u->tmp, strerror(errno));
        return STORE_ERROR;
    }
    return 0;
}

int app_attach_end(app *a, attach_upload *u, int64_t *pending, cerr *e)
{
    assert(u->state == WRITING);
    u->size = seal_written(u->w);
    if (u->size == 0)
        return cerr_set(e, "validation_failed", "file", "file: 文件为空 (the file is empty)");
    type_of(u->head, u->nhead, u->type, sizeof u->type);
    const json_t *section = json_object_get(app_pol(a)->raw, "attachments");
    if (!evidence_allowed(section, u->type))
        return cerr_set(e, "unsupported_type", "file", "file: 不接受此类文件 (%s is not an accepted type of evidence)",
                        u->type);
    int64_t stored = 0;
    int rc = store_attachment_bytes(a->db, u->complaint_id, &stored);
    if (rc)
        return rc;
    if (stored + *pending + (int64_t)u->size > config.max_total)
        return cerr_set(e, "attachments_limit", "file",
                        "file: 本工单附件总量超过上限 %lld 字节 (the complaint's attachments would exceed their limit of %lld bytes: attachment-total-max-bytes)",
                        (long long)config.max_total, (long long)config.max_total);
    uint8_t digest[SEAL_DIGEST], sha[crypto_hash_sha256_BYTES];
    if (seal_writer_finish(u->w, digest, &u->sealed)) {
        log_error("attachments: cannot write %s: %s", u->tmp, strerror(errno));
        return STORE_ERROR;
    }
    crypto_hash_sha256_final(&u->sha, sha);
    hex(sha, sizeof sha, u->sha256);
    hex(digest, sizeof digest, u->blob);
    seal_writer_free(u->w);
    u->w = NULL;
    *pending += (int64_t)u->size;
    u->state = ENDED;
    return 0;
}

struct attach_arg {
    const actor *who;
    int64_t now;
    attachment *att;
};

/* app_event_fn of an upload: the "attach" event, with the row's seq. */
static int attach_event(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    (void)a;
    struct attach_arg *x = arg;
    if (erasure_done(cur))
        return cerr_set(e, "action_not_allowed", "", "客户信息已匿名化，不能再添加附件 (the customer's data was erased)");
    evidence_attach_event(cur, x->who->id, x->now, x->att->id, x->att->name, x->att->type, x->att->size,
                          x->att->sha256, x->att->blob, ev);
    x->att->seq = ev->seq;
    return 0;
}

int app_attach_commit(app *a, const actor *who, attach_upload *u, int64_t now, attachment *out, cerr *e)
{
    assert(u->state == ENDED);
    attachment_release(out);
    memset(out, 0, sizeof *out);
    uint8_t id[16];
    randombytes_buf(id, sizeof id);
    hex(id, sizeof id, out->id);
    out->complaint_id = u->complaint_id;
    out->name = pii_seal(u->dk, u->name);
    snprintf(out->type, sizeof out->type, "%s", u->type);
    out->size = (int64_t)u->size;
    snprintf(out->sha256, sizeof out->sha256, "%s", u->sha256);
    snprintf(out->blob, sizeof out->blob, "%s", u->blob);
    out->sealed_size = (int64_t)u->sealed;
    out->created_at = now;
    out->created_by = who->id;
    /* The bytes durable before the row that names them (the store syncs the file and its directory). */
    if (store_blob_place(a->db, u->tmp, u->blob) != 0) {
        log_error("attachments: cannot store %s: %s", u->blob, strerror(errno));
        return STORE_ERROR;
    }
    bool placed = store_files_dir(a->db) != NULL;
    struct attach_arg x = {who, now, out};
    store_write w = {.att_op = ATT_ADD, .att = out, .att_file = u->tmp};
    int rc = app_change_write(a, u->complaint_id, attach_event, &x, &w, e);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "not_found", "", "工单不存在 (no such complaint)");
    else if (rc == STORE_CONFLICT)
        rc = cerr_set(e, "version_conflict", "", "工单已被他人更新，请重试 (someone acted first)");
    if (placed) {
        u->tmp[0] = '\0'; /* moved */
        if (rc == CERR_USER) {
            attachment gone = *out;
            store_attachment_shred(a->db, &gone, false);
        }
    }
    if (rc == 0) {
        free(out->name);
        out->name = xstrdup(u->name);
        u->state = STORED;
    }
    return rc;
}

void app_attach_free(attach_upload *u)
{
    if (!u)
        return;
    seal_writer_free(u->w);
    if (u->fd >= 0)
        close(u->fd);
    if (u->tmp[0])
        unlink(u->tmp);
    free(u->name);
    sodium_memzero(u->dk, sizeof u->dk);
    free(u);
}

/* ---- removal, shredding --------------------------------------------------------------------------- */

struct detach_arg {
    const actor *who;
    int64_t now;
    attachment *att; /* IN: id; OUT: the removal's fields */
    const char *reason;
};

static int detach_event(app *a, const complaint *cur, event *ev, void *arg, cerr *e)
{
    struct detach_arg *x = arg;
    uint8_t dk[PII_KEY_BYTES];
    bool ok = false;
    int rc = app_pii_data_key(a, cur->id, dk, &ok);
    if (rc)
        return rc;
    free(x->att->removed_reason);
    /* A complaint whose data were erased keeps no reason in clear. */
    x->att->removed_reason = ok ? pii_seal(dk, x->reason) : xstrdup(PII_ANONYMISED);
    sodium_memzero(dk, sizeof dk);
    (void)e;
    evidence_detach_event(cur, x->who->id, x->now, x->att->id, x->att->removed_reason, ev);
    x->att->removed_at = x->now;
    x->att->removed_by = x->who->id;
    return 0;
}

int app_attach_remove(app *a, const actor *who, const attachment *att, const char *reason, int64_t now, cerr *e)
{
    long n = reason ? utf8_count(reason) : -1;
    if (n < 1 || n > 500)
        return cerr_set(e, "validation_failed", "reason", "reason: 应为 1–500 个字符 (expected 1–500 characters)");
    if (att->removed_at)
        return cerr_set(e, "action_not_allowed", "", "附件已删除 (the attachment was removed already)");
    if (!a->pii_ready)
        return app_pii_no_key(e);
    attachment row = {0};
    snprintf(row.id, sizeof row.id, "%s", att->id);
    snprintf(row.blob, sizeof row.blob, "%s", att->blob);
    struct detach_arg x = {who, now, &row, reason};
    store_write w = {.att_op = ATT_REMOVE, .att = &row};
    int rc = app_change_write(a, att->complaint_id, detach_event, &x, &w, e);
    if (rc == STORE_NOTFOUND)
        rc = cerr_set(e, "action_not_allowed", "", "附件已删除 (the attachment was removed already)");
    else if (rc == STORE_CONFLICT)
        rc = cerr_set(e, "version_conflict", "", "工单已被他人更新，请重试 (someone acted first)");
    if (rc == 0)
        rc = store_attachment_shred(a->db, &row, false);
    attachment_release(&row);
    return rc;
}

int app_attach_shred(app *a, int64_t complaint_id)
{
    attachment_list l = {0};
    int rc = store_attachment_list(a->db, complaint_id, &l);
    for (size_t i = 0; rc == 0 && i < l.n; i++)
        if (!l.items[i].shredded || strcmp(l.items[i].name, PII_ANONYMISED) != 0)
            rc = store_attachment_shred(a->db, &l.items[i], true);
    attachment_list_release(&l);
    return rc;
}

/* ---- reading -------------------------------------------------------------------------------------- */

int app_attach_view(app *a, attachment *items, size_t n)
{
    if (!n)
        return 0;
    int64_t *ids = xcalloc(2 * n, sizeof *ids);
    char **texts = xcalloc(2 * n, sizeof *texts);
    for (size_t i = 0; i < n; i++) {
        ids[2 * i] = ids[2 * i + 1] = items[i].complaint_id;
        texts[2 * i] = items[i].name;
        texts[2 * i + 1] = items[i].removed_reason;
    }
    int rc = app_pii_view_texts(a, ids, texts, 2 * n);
    for (size_t i = 0; i < n; i++) {
        items[i].name = texts[2 * i];
        items[i].removed_reason = texts[2 * i + 1];
    }
    free(ids);
    free(texts);
    return rc;
}

struct attach_reader {
    store_blob *blob;
    seal_reader *r;
};

int app_attach_open(app *a, const attachment *att, attach_reader **out)
{
    if (att->shredded || att->removed_at)
        return STORE_NOTFOUND;
    uint8_t dk[PII_KEY_BYTES];
    bool ok = false;
    int rc = app_pii_data_key(a, att->complaint_id, dk, &ok);
    if (rc == 0 && !ok)
        rc = STORE_NOTFOUND;
    if (rc)
        return rc;
    attach_reader *r = xcalloc(1, sizeof *r);
    r->blob = store_blob_open(a->db, att->blob, att->sealed_size, &rc);
    if (r->blob) {
        r->r = seal_reader_new(store_blob_pread, r->blob, (uint64_t)att->sealed_size, dk);
        if (!r->r)
            rc = STORE_ERROR;
    }
    sodium_memzero(dk, sizeof dk);
    if (rc) {
        app_attach_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

ssize_t app_attach_read(attach_reader *r, void *p, size_t n, uint64_t off)
{
    return seal_read(r->r, p, n, off);
}

void app_attach_close(attach_reader *r)
{
    if (!r)
        return;
    seal_reader_free(r->r);
    store_blob_close(r->blob);
    free(r);
}

/* ---- copies ------------------------------------------------------------------------------------- */

/* Writes att's sealed bytes, read from a's store, to the file fd: 0 or -1. */
static int copy_bytes(app *a, const attachment *att, int fd, uint8_t *chunk)
{
    int rc;
    store_blob *b = store_blob_open(a->db, att->blob, att->sealed_size, &rc);
    if (!b)
        return -1;
    rc = 0;
    for (uint64_t off = 0; rc == 0 && off < (uint64_t)att->sealed_size;) {
        size_t n = (uint64_t)att->sealed_size - off < SEAL_CHUNK ? (size_t)((uint64_t)att->sealed_size - off) : SEAL_CHUNK;
        if (store_blob_pread(b, chunk, n, off))
            rc = -1;
        for (size_t done = 0; rc == 0 && done < n;) {
            ssize_t k = write(fd, chunk + done, n - done);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                rc = -1;
            else
                done += (size_t)k;
        }
        off += n;
    }
    store_blob_close(b);
    return rc == 0 && fsync(fd) == 0 ? 0 : -1;
}

/* Calls fn(a, att, arg) for every attachment of a not shredded, in id order: 0 or the first failure. */
static int each_stored(app *a, int (*fn)(app *a, const attachment *att, void *arg), void *arg)
{
    char after[33] = "";
    int rc;
    for (;;) {
        attachment_list l = {0};
        rc = store_attachment_page(a->db, after, 200, &l);
        for (size_t i = 0; rc == 0 && i < l.n; i++) {
            if (!l.items[i].shredded)
                rc = fn(a, &l.items[i], arg);
            snprintf(after, sizeof after, "%s", l.items[i].id);
        }
        bool more = rc == 0 && l.n == 200;
        attachment_list_release(&l);
        if (!more)
            return rc;
    }
}

struct copy_arg {
    app *dst;
    const char *tmp_dir;
    uint8_t *chunk;
    int64_t n;
};

static int copy_one(app *a, const attachment *att, void *arg)
{
    struct copy_arg *c = arg;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/copy-XXXXXX", c->tmp_dir);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return STORE_ERROR;
    int rc = copy_bytes(a, att, fd, c->chunk) ? STORE_ERROR : 0;
    close(fd);
    if (rc == 0)
        rc = store_blob_import(c->dst->db, tmp, att->blob);
    unlink(tmp); /* moved already on SQLite */
    if (rc == 0)
        c->n++;
    else
        log_error("attachments: cannot copy %s (complaint %lld)", att->id, (long long)att->complaint_id);
    return rc;
}

int app_attach_copy(app *src, app *dst, int64_t *n)
{
    struct copy_arg c = {dst, app_attach_tmp_dir(dst), xmalloc(SEAL_CHUNK), 0};
    int rc = c.tmp_dir ? each_stored(src, copy_one, &c) : STORE_ERROR;
    free(c.chunk);
    *n = c.n;
    return rc;
}

struct backup_arg {
    const char *dir;
    uint8_t *chunk;
    int64_t n;
};

static int backup_one(app *a, const attachment *att, void *arg)
{
    struct backup_arg *b = arg;
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", b->dir, att->blob);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int rc = copy_bytes(a, att, fd, b->chunk);
    close(fd);
    if (rc == 0)
        b->n++;
    return rc;
}

int app_attach_backup(app *a, const char *dir, int64_t *n)
{
    *n = 0;
    if (mkdir(dir, 0700) != 0)
        return -1;
    struct backup_arg b = {dir, xmalloc(SEAL_CHUNK), 0};
    int rc = each_stored(a, backup_one, &b);
    free(b.chunk);
    *n = b.n;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0)
        rc = rc ? rc : -1;
    if (dfd >= 0)
        close(dfd);
    return rc;
}

/* ---- verification --------------------------------------------------------------------------------- */

/* The hash of att's sealed bytes compared with its name: NULL when they agree, else why not. */
static const char *check_one(app *a, const attachment *att, uint8_t *chunk)
{
    int rc;
    store_blob *b = store_blob_open(a->db, att->blob, att->sealed_size, &rc);
    if (!b)
        return rc == STORE_NOTFOUND ? "its sealed bytes are missing" : "its sealed bytes cannot be read";
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, SEAL_DIGEST);
    const char *why = NULL;
    for (uint64_t off = 0; off < (uint64_t)att->sealed_size && !why;) {
        size_t n = (uint64_t)att->sealed_size - off < SEAL_CHUNK ? (size_t)((uint64_t)att->sealed_size - off) : SEAL_CHUNK;
        if (store_blob_pread(b, chunk, n, off))
            why = "its sealed bytes are shorter than recorded";
        crypto_generichash_update(&h, chunk, n);
        off += n;
    }
    /* Longer than recorded: one byte more is there. */
    if (!why && store_blob_pread(b, chunk, 1, (uint64_t)att->sealed_size) == 0)
        why = "its sealed bytes are longer than recorded";
    store_blob_close(b);
    if (why)
        return why;
    uint8_t d[SEAL_DIGEST];
    char x[65];
    crypto_generichash_final(&h, d, sizeof d);
    hex(d, sizeof d, x);
    return strcmp(x, att->blob) == 0 ? NULL : "its sealed bytes were changed (their hash differs from the recorded one)";
}

struct verify_arg {
    void (*bad)(void *arg, const attachment *att, const char *why);
    void *arg;
    uint8_t *chunk;
    int64_t checked;
};

static int verify_one(app *a, const attachment *att, void *arg)
{
    struct verify_arg *v = arg;
    const char *why = check_one(a, att, v->chunk);
    if (why)
        v->bad(v->arg, att, why);
    v->checked++;
    return 0;
}

int app_attach_verify(app *a, void (*bad)(void *arg, const attachment *att, const char *why), void *arg,
                      int64_t *checked)
{
    struct verify_arg v = {bad, arg, xmalloc(SEAL_CHUNK), 0};
    int rc = each_stored(a, verify_one, &v);
    free(v.chunk);
    *checked = v.checked;
    return rc;
}
