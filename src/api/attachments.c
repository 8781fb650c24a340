/*
 * attachments: the files of evidence on a complaint (docs/api.md
 * "Attachments"). Upload (multipart/form-data, one or several "file"
 * parts, or a raw body named by ?name=), list, download and removal; the
 * use cases are app/attachments.h. The upload's body arrives in a sealed
 * spool (the route is ROUTE_STREAM), read here in pieces, so a file of any
 * allowed size passes in constant memory. Access follows the complaint's
 * scope exactly as GET /complaints/{id}; every download is an audit entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "app/attachments.h"
#include "core/evidence.h"
#include "util/multipart.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

enum { MAX_FILES = 20, PIECE = 64 << 10 };

static json_t *attachment_json(app *a, const attachment *t)
{
    char url[80];
    snprintf(url, sizeof url, "/api/v1/attachments/%s", t->id);
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:o, s:o, s:s}", "id", t->id, "name", t->name ? t->name : "",
                          "type", t->type, "size", (json_int_t)t->size, "sha256", t->sha256, "complaint",
                          (json_int_t)t->complaint_id, "created_at", api_time(a, t->created_at), "created_by",
                          api_user_ref(a, t->created_by), "url", url);
    json_object_set_new(j, "inline", json_boolean(evidence_inline(t->type)));
    if (t->removed_at)
        json_object_set_new(j, "removed",
                            json_pack("{s:o, s:o, s:s}", "at", api_time(a, t->removed_at), "by",
                                      api_user_ref(a, t->removed_by), "reason",
                                      t->removed_reason ? t->removed_reason : ""));
    else
        json_object_set_new(j, "removed", json_null());
    return j;
}

/* The contract's object of one stored file. */
static json_t *stored_json(const attachment *t)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:s}", "id", t->id, "name", t->name, "type", t->type, "size",
                     (json_int_t)t->size, "sha256", t->sha256);
}

/* ---- upload -------------------------------------------------------------------------------------- */

typedef struct upload_ctx {
    app *a;
    api_req *rq;
    const complaint *c;
    attach_upload *files[MAX_FILES];
    size_t n;
    attach_upload *cur;
    int64_t pending; /* bytes of the files of this request so far */
    multipart *mp;   /* a multipart body's reader, or NULL (a raw body) */
    cerr e;
    int rc; /* the first failure: CERR_USER with e, or a STORE_* code */
} upload_ctx;

static int fail(upload_ctx *u, int rc)
{
    if (!u->rc)
        u->rc = rc;
    return rc;
}

static int part_begin(void *arg, const char *name, const char *filename, const char *type)
{
    (void)type; /* the content decides */
    upload_ctx *u = arg;
    if (strcmp(name, "file") != 0)
        return fail(u, cerr_unknown(&u->e, *name ? name : "(unnamed part)"));
    if (u->n == MAX_FILES)
        return fail(u, cerr_set(&u->e, "validation_failed", "file", "file: 一次最多上传 %d 个文件 (at most %d files at once)",
                                MAX_FILES, MAX_FILES));
    if (!*filename)
        return fail(u, cerr_set(&u->e, "validation_failed", "file",
                                "file: 缺少文件名 (the part has no filename)"));
    int rc = app_attach_begin(u->a, u->c, filename, &u->cur, &u->e);
    if (rc == CERR_USER && strcmp(u->e.field, "name") == 0)
        snprintf(u->e.field, sizeof u->e.field, "file");
    if (rc)
        return fail(u, rc);
    u->files[u->n++] = u->cur;
    return 0;
}

static int part_data(void *arg, const char *p, size_t n)
{
    upload_ctx *u = arg;
    int rc = app_attach_write(u->cur, p, n, &u->e);
    return rc ? fail(u, rc) : 0;
}

static int part_data_raw(upload_ctx *u, const char *p, size_t n)
{
    return part_data(u, p, n);
}

static int part_end(void *arg)
{
    upload_ctx *u = arg;
    int rc = app_attach_end(u->a, u->cur, &u->pending, &u->e);
    u->cur = NULL;
    return rc ? fail(u, rc) : 0;
}

/* Reads the spooled body through fn(u, piece, n) in pieces: 0, or the first failure. */
static int read_body(upload_ctx *u, int (*fn)(upload_ctx *u, const char *p, size_t n))
{
    seal_spool *sp = u->rq->http->spool;
    if (!sp)
        return 0;
    char *piece = xmalloc(PIECE);
    int rc = 0;
    for (uint64_t off = 0; rc == 0;) {
        ssize_t k = seal_spool_read(sp, piece, PIECE, off);
        if (k <= 0) {
            rc = k < 0 ? fail(u, STORE_ERROR) : 0;
            break;
        }
        rc = fn(u, piece, (size_t)k);
        off += (uint64_t)k;
    }
    free(piece);
    return rc;
}

static int malformed(upload_ctx *u)
{
    return fail(u, cerr_set(&u->e, "bad_request", "file",
                            "file: 请求体不是完整的 multipart/form-data (the body is not complete multipart/form-data)"));
}

static int feed_multipart(upload_ctx *u, const char *p, size_t n)
{
    int rc = multipart_feed(u->mp, p, n);
    return rc == MP_ERROR ? malformed(u) : rc;
}

static int upload_multipart(upload_ctx *u, const char *boundary)
{
    static const mp_callbacks cb = {part_begin, part_data, part_end};
    u->mp = multipart_new(boundary, &cb, u);
    int rc = read_body(u, feed_multipart);
    if (rc == 0 && multipart_finish(u->mp) != 0)
        rc = malformed(u);
    if (rc == 0 && u->n == 0)
        rc = fail(u, cerr_set(&u->e, "validation_failed", "file", "file: 没有文件 (no \"file\" part)"));
    multipart_free(u->mp);
    u->mp = NULL;
    return rc;
}

static int upload_raw(upload_ctx *u)
{
    const char *name = http_query(u->rq->http, "name");
    int rc = app_attach_begin(u->a, u->c, name, &u->cur, &u->e);
    if (rc)
        return fail(u, rc);
    u->files[u->n++] = u->cur;
    if ((rc = read_body(u, part_data_raw)) != 0)
        return rc;
    return part_end(u);
}

void h_attachments_upload(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs)) {
        complaint_release(&c);
        return;
    }
    upload_ctx u = {.a = a, .rq = rq, .c = &c, .e = CERR_INIT};
    char boundary[80];
    const char *ct = http_header(rq->http, "Content-Type");
    int rc;
    if (ct && strncasecmp(ct, "multipart/", 10) == 0)
        rc = multipart_boundary(ct, boundary, sizeof boundary) == 0
                 ? upload_multipart(&u, boundary)
                 : fail(&u, cerr_set(&u.e, "bad_request", "file",
                                     "file: multipart/form-data 缺少 boundary (the Content-Type has no boundary)"));
    else
        rc = upload_raw(&u);
    /* Every file is checked before any is stored: a refusal stores none. */
    json_t *items = json_array();
    actor who = api_actor(rq);
    int64_t now = time_now();
    for (size_t i = 0; rc == 0 && i < u.n; i++) {
        attachment t = {0};
        rc = app_attach_commit(a, &who, u.files[i], now, &t, &u.e);
        if (rc == 0)
            json_array_append_new(items, stored_json(&t));
        attachment_release(&t);
    }
    if (rc == CERR_USER || u.rc == CERR_USER)
        api_cerr(rs, &u.e);
    else if (rc)
        api_store_error(rs, rc);
    else if (json_array_size(items) == 1)
        api_json(rs, 201, json_incref(json_array_get(items, 0)));
    else
        api_json(rs, 201, json_pack("{s:O}", "items", items));
    json_decref(items);
    for (size_t i = 0; i < u.n; i++)
        app_attach_free(u.files[i]);
    complaint_release(&c);
}

/* ---- list ------------------------------------------------------------------------------------------ */

void h_attachments_list(app *a, api_req *rq, http_resp *rs)
{
    complaint c;
    complaint_init(&c);
    if (api_load_complaint(a, rq, rq->params[0], &c, rs) == 0) {
        attachment_list l = {0};
        int rc = store_attachment_list(a->db, c.id, &l);
        if (rc == 0)
            rc = app_attach_view(a, l.items, l.n);
        if (rc) {
            api_store_error(rs, rc);
        } else {
            json_t *items = json_array();
            for (size_t i = 0; i < l.n; i++)
                json_array_append_new(items, attachment_json(a, &l.items[i]));
            api_json(rs, 200, json_pack("{s:o}", "items", items));
        }
        attachment_list_release(&l);
    }
    complaint_release(&c);
}

/*
 * The attachment of {id} whose complaint the caller may see, into t (and its
 * complaint into c): 0, or -1 with the reply rendered (404 for one outside
 * the caller's scope, as for the complaint).
 */
static int load(app *a, api_req *rq, attachment *t, complaint *c, http_resp *rs)
{
    const char *id = rq->params[0];
    bool shaped = strlen(id) == 32 && strspn(id, "0123456789abcdef") == 32;
    int rc = shaped ? store_attachment_get(a->db, id, t) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND) {
        api_error(rs, 404, "not_found", NULL, "附件不存在 (no such attachment)");
        return -1;
    }
    if (rc) {
        api_store_error(rs, rc);
        return -1;
    }
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)t->complaint_id);
    if (api_load_complaint(a, rq, key, c, rs) == 0)
        return 0;
    /* Outside the caller's scope: not found, as the attachment itself. */
    if (rs->status == 404) {
        buf_clear(&rs->body);
        api_error(rs, 404, "not_found", NULL, "附件不存在 (no such attachment)");
    }
    return -1;
}

/* ---- download -------------------------------------------------------------------------------------- */

/* A single range "bytes=a-b", "bytes=a-" or "bytes=-n" of size bytes: 1 with [*from, *to], 0 none, -1 unsatisfiable. */
static int parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to)
{
    if (!h || strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
        return 0;
    const char *p = h + 6;
    char *end;
    if (*p == '-') {
        unsigned long long n = strtoull(p + 1, &end, 10);
        if (end == p + 1 || *end || n == 0)
            return -1;
        *from = n >= size ? 0 : size - n;
        *to = size - 1;
        return size ? 1 : -1;
    }
    unsigned long long a = strtoull(p, &end, 10);
    if (end == p || *end != '-')
        return 0;
    p = end + 1;
    unsigned long long b = size ? size - 1 : 0;
    if (*p) {
        b = strtoull(p, &end, 10);
        if (*end || b < a)
            return 0;
        if (b >= size)
            b = size - 1;
    }
    if (a >= size)
        return -1;
    *from = a;
    *to = b;
    return 1;
}

/* Content-Disposition: the name as an ASCII fallback and in UTF-8 (RFC 6266, RFC 5987). */
static void disposition(http_resp *rs, bool inline_ok, const char *name)
{
    buf d;
    buf_init(&d);
    buf_puts(&d, inline_ok ? "inline; filename=\"" : "attachment; filename=\"");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        buf_putc(&d, *p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '%' ? '_' : (char)*p);
    buf_puts(&d, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p))
            buf_putc(&d, (char)*p);
        else
            buf_printf(&d, "%%%02X", *p);
    }
    http_set_header(rs, "Content-Disposition", d.data);
    buf_release(&d);
}

/* A download read as it is sent (http_resp.read): len bytes of r from from. */
typedef struct download {
    attach_reader *r;
    uint64_t from, len;
} download;

static long download_read(void *arg, uint64_t pos, char *out, size_t max)
{
    download *d = arg;
    if (pos >= d->len)
        return HTTP_READ_END;
    size_t n = d->len - pos < max ? (size_t)(d->len - pos) : max;
    ssize_t got = app_attach_read(d->r, out, n, d->from + pos);
    /* A chunk that does not open ends the reply short: the client sees it cut off. */
    return got > 0 ? (long)got : HTTP_READ_ERROR;
}

static void download_release(void *arg)
{
    download *d = arg;
    app_attach_close(d->r);
    free(d);
}

void h_attachment_get(app *a, api_req *rq, http_resp *rs)
{
    attachment t = {0};
    complaint c;
    complaint_init(&c);
    attach_reader *r = NULL;
    if (load(a, rq, &t, &c, rs))
        goto out;
    if (t.removed_at || t.shredded) {
        api_error(rs, 410, "gone", NULL, "附件已删除 (the attachment was removed)");
        goto out;
    }
    int rc = app_attach_view(a, &t, 1);
    if (rc == 0)
        rc = app_attach_open(a, &t, &r);
    if (rc == STORE_NOTFOUND) {
        api_error(rs, 410, "gone", NULL, "附件已销毁 (the attachment's bytes were destroyed)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    uint64_t size = (uint64_t)t.size, from = 0, to = size ? size - 1 : 0;
    int range = parse_range(http_header(rq->http, "Range"), size, &from, &to);
    if (range < 0) {
        char cr[48];
        snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
        http_set_header(rs, "Content-Range", cr);
        api_error(rs, 416, "range_not_satisfiable", NULL, "请求的范围无效 (range not satisfiable)");
        goto out;
    }
    /* The download is on record before a byte of it is sent. */
    char subject[40];
    snprintf(subject, sizeof subject, "complaint:%lld", (long long)t.complaint_id);
    json_t *detail = json_pack("{s:s, s:b}", "attachment", t.id, "range", range > 0);
    rc = api_audit(a, rq, "attachment_download", subject, detail);
    json_decref(detail);
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    uint64_t len = size ? to - from + 1 : 0;
    if (store_files_dir(a->db)) {
        /* Local files: read as the reply is sent, a piece at a time. */
        download *d = xmalloc(sizeof *d);
        *d = (download){r, from, len};
        r = NULL;
        rs->read = download_read;
        rs->release = download_release;
        rs->arg = d;
        rs->length = len;
    } else {
        /* PostgreSQL: read here, on the request thread, never on an I/O thread. */
        buf_grow(&rs->body, (size_t)len + 1);
        ssize_t got = app_attach_read(r, rs->body.data, (size_t)len, from);
        if (got < 0 || (uint64_t)got != len) {
            rs->body.len = 0;
            api_error(rs, 500, "internal", NULL, "附件已损坏 (the attachment's bytes do not open: run redress verify)");
            goto out;
        }
        rs->body.len = (size_t)len;
        rs->body.data[len] = '\0';
    }
    bool show = evidence_inline(t.type);
    rs->status = range > 0 ? 206 : 200;
    rs->content_type = show ? (const char *)NULL : "application/octet-stream";
    if (show)
        http_set_header(rs, "Content-Type", t.type);
    disposition(rs, show, t.name);
    http_set_header(rs, "Content-Security-Policy", "default-src 'none'; sandbox");
    http_set_header(rs, "Accept-Ranges", "bytes");
    http_set_header(rs, "Cache-Control", "private, no-store");
    if (range > 0) {
        char cr[80];
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)from, (unsigned long long)to,
                 (unsigned long long)size);
        http_set_header(rs, "Content-Range", cr);
    }
out:
    app_attach_close(r);
    attachment_release(&t);
    complaint_release(&c);
}

/* ---- removal --------------------------------------------------------------------------------------- */

void h_attachment_delete(app *a, api_req *rq, http_resp *rs)
{
    static const char *const known[] = {"reason", NULL};
    attachment t = {0};
    complaint c;
    complaint_init(&c);
    json_t *body = api_body(rq, rs, known);
    if (!body || load(a, rq, &t, &c, rs))
        goto out;
    actor who = api_actor(rq);
    cerr e = CERR_INIT;
    int rc = app_attach_remove(a, &who, &t, json_string_value(json_object_get(body, "reason")), time_now(), &e);
    if (rc == CERR_USER) {
        api_cerr(rs, &e);
        goto out;
    }
    if (rc == 0)
        rc = store_attachment_get(a->db, t.id, &t);
    if (rc == 0)
        rc = app_attach_view(a, &t, 1);
    if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, attachment_json(a, &t));
out:
    json_decref(body);
    attachment_release(&t);
    complaint_release(&c);
}
