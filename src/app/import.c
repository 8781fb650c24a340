/* import: see import.h. */
#include "app/import.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/intake.h"
#include "app/result.h"
#include "util/sheetin.h"
#include "util/xalloc.h"

/* Rows read ahead and imported at once; each thread takes the next of them. */
enum { BATCH = 512, MAX_THREADS = 32 };

/* One row on its way: what the mapping made of it, then what became of it. */
typedef struct job {
    int64_t row;
    importmap_row r;
    char *key;
    enum { J_TODO, J_IMPORTED, J_SKIPPED, J_FAILED } result;
    cerr e;
    store_import_mark mark;
    app_intake_prep *prep; /* decided and sealed, to be stored with the batch */
} job;

/* Up to BATCH rows read together, prepared by the workers, then stored at once. */
typedef struct batch {
    job *jobs;
    size_t n;
    size_t next; /* the next to prepare, under run.mu */
} batch;

typedef struct run {
    app *a;
    const actor *who;
    const import_opts *o;
    importmap *m;
    char hash[65];
    pthread_mutex_t mu;
    int store_rc; /* the first store failure, under mu */
} run;

/* BLAKE2b of the bytes of f (from its start; rewound after), hex, into out (65 bytes). */
static int file_hash(FILE *f, char *out)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    unsigned char chunk[65536], h[32];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        crypto_generichash_update(&st, chunk, got);
    int rc = ferror(f) ? -1 : 0;
    rewind(f);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, 65, h, sizeof h);
    return rc;
}

/* The intake's field a refusal names, as the column that fed it. */
static void name_column(const importmap *m, cerr *e)
{
    const char *col = e->field[0] ? importmap_column(m, e->field) : NULL;
    if (col)
        snprintf(e->field, sizeof e->field, "%s", col);
}

/* The job's outcome from a result code: rc 0 leaves it to do. */
static void settle(run *x, importmap *m, job *j, int rc)
{
    if (rc == STORE_NOTFOUND) { /* the key, imported meanwhile (twice in the file) */
        j->result = J_SKIPPED;
    } else if (rc == CERR_USER) {
        name_column(m, &j->e);
        j->result = J_FAILED;
    } else if (rc) {
        j->result = J_FAILED;
        cerr_set(&j->e, "store_failed", "", "数据库错误 (the store failed)");
        pthread_mutex_lock(&x->mu);
        if (!x->store_rc)
            x->store_rc = rc;
        pthread_mutex_unlock(&x->mu);
    }
}

/* Checks and prepares one row (on a worker thread): skipped, failed, or prepared for the batch's commit. */
static void do_job(run *x, importmap *m, job *j)
{
    int64_t found = 0;
    int rc = store_import_find(x->a->db, j->key, &found);
    if (rc == 0 && found) {
        j->result = J_SKIPPED;
        return;
    }
    const import_opts *o = x->o;
    int64_t received = j->r.received_at ? j->r.received_at : o->now;
    if (rc == 0 && (received > o->now + 300 || (j->r.closing && j->r.closed_at > o->now + 300))) {
        const char *field = j->r.received_at > o->now + 300 ? "received_at" : "closed_at";
        cerr_set(&j->e, "validation_failed", field, "%s: 不能晚于当前时间 (is in the future)", field);
        rc = CERR_USER;
    }
    if (rc == 0) {
        json_t *info = json_pack("{s:s, s:I}", "file", o->name, "row", (json_int_t)j->row);
        if (j->r.closing)
            json_object_set(info, "closing", j->r.closing);
        j->mark = (store_import_mark){j->key, x->hash, o->name, j->row, o->now};
        rc = app_intake_imported(x->a, x->who, j->r.body, received, info, j->r.closing ? j->r.closed_at : o->now,
                                 o->dry_run ? NULL : &j->mark, &j->prep, &j->e);
        json_decref(info);
    }
    settle(x, m, j, rc);
}

static int by_key(const void *p, const void *q)
{
    const job *a = *(job *const *)p, *b = *(job *const *)q;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

/* Stores the batch's prepared rows in one go (a dry run: counts them); a key twice in the batch is taken once. */
static void store_batch(run *x, batch *b)
{
    importmap *m = x->m;
    job **v = xcalloc(b->n ? b->n : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        if (b->jobs[i].result == J_TODO) /* prepared, or checked in a dry run */
            v[n++] = &b->jobs[i];
    qsort(v, n, sizeof *v, by_key);
    app_intake_prep **ps = xcalloc(n ? n : 1, sizeof *ps);
    int *rcs = xcalloc(n ? n : 1, sizeof *rcs);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(v[i]->key, v[i - 1]->key) == 0) { /* the later row of the same key */
            v[i]->result = J_SKIPPED;
            app_intake_prep_free(v[i]->prep);
            v[i]->prep = NULL;
            continue;
        }
        v[k] = v[i];
        ps[k++] = v[i]->prep;
    }
    if (x->o->dry_run) { /* nothing to store: every row left is one that would be imported */
        for (size_t i = 0; i < k; i++)
            v[i]->result = J_IMPORTED;
        k = 0;
    }
    app_intake_store_many(x->a, ps, k, rcs);
    for (size_t i = 0; i < k; i++) {
        v[i]->prep = NULL;
        settle(x, m, v[i], rcs[i]);
        if (rcs[i] == 0)
            v[i]->result = J_IMPORTED;
    }
    free(rcs);
    free(ps);
    free(v);
}

typedef struct worker {
    run *x;
    batch *b;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    run *x = w->x;
    batch *b = w->b;
    for (;;) {
        pthread_mutex_lock(&x->mu);
        size_t i = b->next < b->n ? b->next++ : b->n;
        pthread_mutex_unlock(&x->mu);
        if (i == b->n)
            return NULL;
        if (b->jobs[i].result == J_TODO)
            do_job(x, x->m, &b->jobs[i]);
    }
}

/* Prepares the batch's rows on threads (and this one). */
static void prepare(run *x, batch *b)
{
    b->next = 0;
    int nt = x->o->threads > 0 ? x->o->threads : 8;
    nt = nt > MAX_THREADS ? MAX_THREADS : nt;
    if ((size_t)nt > b->n)
        nt = (int)b->n;
    pthread_t t[MAX_THREADS];
    worker w = {x, b};
    int started = 0;
    for (; started < nt - 1; started++)
        if (pthread_create(&t[started], NULL, work, &w))
            break;
    work(&w); /* this thread too; alone, if no thread could be started */
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
}

/* Reports the stored batch's rows in row order, and empties it. */
static void report(run *x, batch *b, import_stats *st)
{
    for (size_t i = 0; i < b->n; i++) {
        job *j = &b->jobs[i];
        assert(j->result != J_TODO);
        st->imported += j->result == J_IMPORTED;
        st->skipped += j->result == J_SKIPPED;
        st->failed += j->result == J_FAILED;
        if (j->result == J_FAILED && x->o->problem)
            x->o->problem(x->o->arg, j->row, j->e.field, j->e.message);
        importmap_row_release(&j->r);
        free(j->key);
    }
    b->n = 0;
}

/*
 * The writer of a pipeline of two batches: while one batch is stored here,
 * the next is read and prepared on the calling thread and the workers, so
 * the store's single writer and the preparing (the intake's checks,
 * grading and sealing) use the machine's cores at once.
 */
typedef struct writer {
    run *x;
    batch *b; /* being stored; NULL: none */
    pthread_t t;
    bool threaded;
} writer;

static void *write_main(void *arg)
{
    writer *w = arg;
    store_batch(w->x, w->b);
    return NULL;
}

/* Waits for the batch being stored and reports it. */
static void writer_wait(writer *w, import_stats *st)
{
    if (!w->b)
        return;
    if (w->threaded)
        pthread_join(w->t, NULL);
    report(w->x, w->b, st);
    w->b = NULL;
}

/* Hands prepared b to the writer (after the one before it is stored and reported). */
static void writer_give(writer *w, batch *b, import_stats *st)
{
    writer_wait(w, st);
    w->b = b;
    w->threaded = pthread_create(&w->t, NULL, write_main, w) == 0;
    if (!w->threaded)
        store_batch(w->x, b); /* no thread: stored here, reported at the next wait */
}

int app_import(app *a, const actor *who, importmap *m, const import_opts *o, import_stats *st, cerr *e)
{
    memset(st, 0, sizeof *st);
    run x = {.a = a, .who = who, .o = o};
    FILE *f = o->file ? o->file : fopen(o->path, "rb");
    if (!f || file_hash(f, x.hash)) {
        if (f)
            fclose(f);
        return cerr_set(e, "validation_failed", "file", "无法读取文件 (cannot read %s)", o->name);
    }
    char why[200];
    sheetin *in = sheetin_open_file(f, why, sizeof why);
    if (!in)
        return cerr_set(e, "validation_failed", "file", "%s", why);
    const char *const *cells;
    size_t n;
    int64_t row;
    int got = sheetin_next(in, &cells, &n, &row);
    int rc = 0;
    if (got <= 0) {
        rc = cerr_set(e, "validation_failed", "file", "%s", got < 0 ? sheetin_error(in) : "文件为空 (the file is empty)");
        goto out;
    }
    if (importmap_bind(m, cells, n, e)) {
        rc = CERR_USER;
        goto out;
    }
    pthread_mutex_init(&x.mu, NULL);
    x.m = m;
    batch bs[2] = {{xcalloc(BATCH, sizeof(job)), 0, 0}, {xcalloc(BATCH, sizeof(job)), 0, 0}};
    batch *cur = &bs[0];
    writer w = {&x, NULL, 0, false};
    int tz = app_pol(a)->tz_offset;
    int store_rc = 0;
    while ((got = sheetin_next(in, &cells, &n, &row)) == 1 && !store_rc) {
        job *j = &cur->jobs[cur->n++];
        *j = (job){.row = row, .e = CERR_INIT};
        st->rows++;
        if (importmap_row_make(m, cells, n, tz, &j->r, &j->e))
            j->result = J_FAILED;
        j->key = xstrdup(j->r.key ? j->r.key : "");
        j->r.key = NULL; /* the cells are the reader's until its next row */
        if (cur->n == BATCH) {
            prepare(&x, cur);
            writer_give(&w, cur, st); /* reports the batch before it */
            cur = cur == &bs[0] ? &bs[1] : &bs[0];
            st->fraction = sheetin_progress(in);
            if (o->progress)
                o->progress(o->arg, st);
            pthread_mutex_lock(&x.mu);
            store_rc = x.store_rc;
            pthread_mutex_unlock(&x.mu);
        }
    }
    if (cur->n) {
        prepare(&x, cur);
        writer_give(&w, cur, st);
    }
    writer_wait(&w, st);
    report(&x, cur, st); /* rows read after a store failure, never prepared: none, or failed already */
    st->fraction = sheetin_progress(in);
    if (got < 0)
        rc = cerr_set(e, "validation_failed", "file", "%s", sheetin_error(in));
    else if (x.store_rc)
        rc = x.store_rc;
    if (o->progress)
        o->progress(o->arg, st);
    free(bs[0].jobs);
    free(bs[1].jobs);
    pthread_mutex_destroy(&x.mu);
out:
    sheetin_close(in);
    assert(app_result_ok(rc));
    return rc;
}
