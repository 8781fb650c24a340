/*
 * imports: the mappings of ledger imports (台账, docs/operations.md "Ledger
 * import") saved by name, so that the shell's `redress import --mapping
 * NAME` and every later import of a unit's ledgers use the same one:
 * GET /import-mappings, GET and PUT /import-mappings/{name}. A mapping is
 * checked whole (core/importmap.h) before it is saved; a change is audited.
 * And the import itself from the page: POST /imports with the file, and
 * GET /imports/progress/{key} for its bar.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "app/import.h"
#include "core/importmap.h"
#include "util/jsonr.h"
#include "util/jsonw.h"
#include "util/sealfile.h"
#include "util/timeutil.h"
#include "util/utf8.h"

static const char *const mapping_members[] = {"key", "fields", "values", "defaults", "formats", NULL};

/* 1–64 bytes of letters, digits, _ . - or any non-ASCII text (a Chinese name). */
static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (; *s; s++)
        if (!((unsigned char)*s >= 0x80 || isalnum((unsigned char)*s) || strchr("_.-", *s)))
            return false;
    return true;
}

static json_t *mapping_json(const import_mapping *m)
{
    char at[40];
    time_format(m->updated_at, 0, at, sizeof at);
    return json_pack("{s:s, s:o, s:s, s:I}", "name", m->name, "mapping", jsonr_loads(m->mapping, NULL), "updated_at",
                     at, "updated_by", (json_int_t)m->updated_by);
}

void h_import_mappings_list(app *a, api_req *rq, http_resp *rs)
{
    (void)rq;
    import_mapping_list l = {0};
    int rc = store_import_mapping_list(a->db, &l);
    if (rc) {
        api_store_error(rs, rc);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, mapping_json(&l.items[i]));
    import_mapping_list_release(&l);
    api_json(rs, 200, json_pack("{s:o}", "items", items));
}

void h_import_mapping_get(app *a, api_req *rq, http_resp *rs)
{
    import_mapping m = {0};
    int rc = name_ok(rq->params[0]) ? store_import_mapping_get(a->db, rq->params[0], &m) : STORE_NOTFOUND;
    if (rc == STORE_NOTFOUND)
        api_error(rs, 404, "not_found", NULL, "没有这个映射 (no such mapping)");
    else if (rc)
        api_store_error(rs, rc);
    else
        api_json(rs, 200, mapping_json(&m));
    import_mapping_release(&m);
}

/* PUT /import-mappings/{name} MAPPING: checked whole, then created or replaced. */
void h_import_mapping_put(app *a, api_req *rq, http_resp *rs)
{
    json_t *in = api_body(rq, rs, mapping_members);
    if (!in)
        return;
    cerr e = CERR_INIT;
    importmap *im = NULL;
    if (!name_ok(rq->params[0])) {
        api_error(rs, 400, "validation_failed", "name", "name: 1–63 个字母、数字、_ . - 或中文 (1–63 letters, digits, _ . - or Chinese)");
        goto out;
    }
    if (!(im = importmap_parse(in, &e))) {
        api_cerr(rs, &e);
        goto out;
    }
    actor who = api_actor(rq);
    import_mapping m = {.mapping = jsonw_dumps(in, true), .updated_at = time_now(), .updated_by = who.id};
    snprintf(m.name, sizeof m.name, "%s", rq->params[0]);
    int rc = store_import_mapping_put(a->db, &m);
    if (rc) {
        api_store_error(rs, rc);
    } else {
        char subject[96];
        snprintf(subject, sizeof subject, "import_mapping:%s", m.name);
        api_audit(a, rq, "import_mapping_put", subject, NULL);
        api_json(rs, 200, mapping_json(&m));
    }
    import_mapping_release(&m);
out:
    importmap_free(im);
    json_decref(in);
}

/* ---- running an import: POST /imports and its progress ------------------------------------- */

/*
 * The imports running or ended in this process, by the key the client
 * chose (?progress=), so that a page can draw a bar while its upload's
 * request runs: who started it, how far it is, whether it ended. The
 * oldest slot is reused; a key is someone's only while its slot lives.
 */
enum { PROGRESS_SLOTS = 64, PROGRESS_KEY = 48, PROBLEMS_MAX = 1000 };
static struct progress_slot {
    char key[PROGRESS_KEY];
    int64_t user, at;
    import_stats st;
    bool done;
} progress_slots[PROGRESS_SLOTS];
static pthread_mutex_t progress_mu = PTHREAD_MUTEX_INITIALIZER;

static void progress_put(const char *key, int64_t by, const import_stats *st, bool done)
{
    if (!*key)
        return;
    pthread_mutex_lock(&progress_mu);
    struct progress_slot *s = NULL, *oldest = &progress_slots[0];
    for (size_t i = 0; i < PROGRESS_SLOTS && !s; i++) {
        if (strcmp(progress_slots[i].key, key) == 0 && progress_slots[i].user == by)
            s = &progress_slots[i];
        else if (progress_slots[i].at < oldest->at)
            oldest = &progress_slots[i];
    }
    if (!s) {
        s = oldest;
        snprintf(s->key, sizeof s->key, "%s", key);
        s->user = by;
    }
    s->at = time_now();
    s->st = *st;
    s->done = done;
    pthread_mutex_unlock(&progress_mu);
}

static bool progress_get(const char *key, int64_t by, import_stats *st, bool *done)
{
    bool found = false;
    pthread_mutex_lock(&progress_mu);
    for (size_t i = 0; i < PROGRESS_SLOTS && !found; i++)
        if (progress_slots[i].key[0] && strcmp(progress_slots[i].key, key) == 0 && progress_slots[i].user == by) {
            *st = progress_slots[i].st;
            *done = progress_slots[i].done;
            found = true;
        }
    pthread_mutex_unlock(&progress_mu);
    return found;
}

/* 8–47 letters, digits or - (a UUID). */
static bool progress_key_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 8 || n >= PROGRESS_KEY)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '-')
            return false;
    return true;
}

static json_t *stats_json(const import_stats *st, bool done)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:f,s:b}", "rows", (json_int_t)st->rows, "imported", (json_int_t)st->imported,
                     "skipped", (json_int_t)st->skipped, "failed", (json_int_t)st->failed, "fraction", st->fraction,
                     "done", done);
}

/* What a running import reports: its refused rows (up to PROBLEMS_MAX) and its progress under the client's key. */
typedef struct upload_run {
    json_t *problems;
    size_t nproblems;
    const char *key;
    int64_t user;
} upload_run;

static void on_problem(void *arg, int64_t row, const char *column, const char *reason)
{
    upload_run *u = arg;
    if (u->nproblems++ < PROBLEMS_MAX)
        json_array_append_new(u->problems,
                              json_pack("{s:I,s:s,s:s}", "row", (json_int_t)row, "column", column, "reason", reason));
}

static void on_progress(void *arg, const import_stats *st)
{
    upload_run *u = arg;
    progress_put(u->key, u->user, st, false);
}

/*
 * POST /imports?mapping=NAME[&dry_run=true][&name=FILE][&progress=KEY]
 * with the ledger's bytes (CSV or XLSX) as the body, spooled sealed as it
 * arrives: imported (or only checked) through the saved mapping, as the
 * shell's `redress import` does, while GET /imports/progress/{KEY} tells
 * how far it is. 200 with the counts and the refused rows.
 */
void h_imports_create(app *a, api_req *rq, http_resp *rs)
{
    const char *mname = http_query(rq->http, "mapping"), *dry = http_query(rq->http, "dry_run");
    const char *fname = http_query(rq->http, "name"), *key = http_query(rq->http, "progress");
    import_mapping saved = {0};
    importmap *m = NULL;
    json_t *mj = NULL;
    cerr e = CERR_INIT;
    int rc = 0;
    if (dry && strcmp(dry, "true") != 0 && strcmp(dry, "false") != 0) {
        api_error(rs, 400, "bad_request", "dry_run", "dry_run: 应为 true 或 false (expected true or false)");
        return;
    }
    if (key && !progress_key_ok(key)) {
        api_error(rs, 400, "bad_request", "progress", "progress: 8–47 个字母、数字或 - (8–47 letters, digits or -)");
        return;
    }
    if (fname && (!*fname || strlen(fname) > 200 || utf8_count(fname) < 0)) {
        api_error(rs, 400, "bad_request", "name", "name: 1–200 字的文件名 (a file name of 1–200 characters)");
        return;
    }
    if (!mname || !name_ok(mname) || (rc = store_import_mapping_get(a->db, mname, &saved)) == STORE_NOTFOUND) {
        api_error(rs, 422, "validation_failed", "mapping", "mapping: 没有这个已保存的映射 (no such saved mapping)");
        goto out;
    }
    if (rc) {
        api_store_error(rs, rc);
        goto out;
    }
    if (!(mj = jsonr_loads(saved.mapping, NULL)) || !(m = importmap_parse(mj, &e))) {
        api_error(rs, 422, "validation_failed", "mapping", "mapping: %s", *e.message ? e.message : "unreadable");
        goto out;
    }
    seal_spool *sp = rq->http->spool;
    FILE *f = sp && seal_spool_size(sp) ? seal_spool_fopen(sp) : NULL;
    if (!f) {
        api_error(rs, 422, "validation_failed", "file", "file: 请求体应为台账文件（CSV 或 XLSX） (the body must be the ledger: CSV or XLSX)");
        goto out;
    }
    upload_run u = {json_array(), 0, key ? key : "", rq->who.id};
    import_opts io = {.file = f, .name = fname ? fname : "upload", .dry_run = dry && strcmp(dry, "true") == 0,
                      .now = time_now(), .problem = on_problem, .progress = on_progress, .arg = &u};
    actor system = {0}; /* as the shell's: a ledger is the organisation's record; the audit names who */
    import_stats st;
    rc = app_import(a, &system, m, &io, &st, &e);
    progress_put(u.key, u.user, &st, true);
    if (rc == 0) {
        char subject[240];
        snprintf(subject, sizeof subject, "import:%s", io.name);
        json_t *detail = json_pack("{s:s,s:I,s:I,s:I,s:I}", "mapping", mname, "rows", (json_int_t)st.rows,
                                   "imported", (json_int_t)st.imported, "skipped", (json_int_t)st.skipped, "failed",
                                   (json_int_t)st.failed);
        api_audit(a, rq, io.dry_run ? "import_checked" : "import", subject, detail);
        json_decref(detail);
        json_t *j = stats_json(&st, true);
        json_object_set_new(j, "dry_run", json_boolean(io.dry_run));
        json_object_set(j, "problems", u.problems);
        json_object_set_new(j, "problems_truncated", json_boolean(u.nproblems > PROBLEMS_MAX));
        api_json(rs, 200, j);
    } else if (rc == CERR_USER) {
        api_cerr(rs, &e);
    } else {
        api_store_error(rs, rc);
    }
    json_decref(u.problems);
out:
    importmap_free(m);
    json_decref(mj);
    import_mapping_release(&saved);
}

/* GET /imports/progress/{key}: how far the caller's import under that key is. */
void h_import_progress(app *a, api_req *rq, http_resp *rs)
{
    (void)a;
    import_stats st;
    bool done;
    if (!progress_key_ok(rq->params[0]) || !progress_get(rq->params[0], rq->who.id, &st, &done))
        api_error(rs, 404, "not_found", NULL, "没有这个导入 (no such import running here)");
    else
        api_json(rs, 200, stats_json(&st, done));
}
