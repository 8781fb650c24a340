/*
 * sqlite_io: the SQLite store's disk writes, shaped for group commit.
 *
 * A commit in WAL mode appends one frame per dirty page to the -wal file
 * and, with synchronous=FULL, syncs it before COMMIT returns. SQLite writes
 * every frame with two write calls (its 24-byte header, then the page), so
 * a sweep that warns 1,000 complaints — about 2,300 dirty pages, each on a
 * different page of a large table — costs some 4,600 pwrite calls before
 * the one fsync that matters. Then, every 1,000 frames, the committing
 * connection checkpoints: it copies the frames into the database file,
 * page by page, and syncs that too, all before the caller is answered.
 *
 * Two changes take both off the path of a commit without changing what is
 * durable when:
 *
 *   - A VFS ("redress") that is SQLite's default VFS except for WAL files:
 *     their writes are gathered in memory while they extend the file, and
 *     written in one call when the WAL is synced (or read, truncated,
 *     sized or closed). SQLite promises nothing about a write before its
 *     sync, and it publishes frames to readers (the wal-index) only after
 *     the sync has returned, so no reader can ask for a gathered frame.
 *   - A checkpointer thread with its own connection: the writer's WAL hook
 *     (which replaces SQLite's automatic checkpoint) wakes it after a
 *     commit that leaves enough frames in the log, and it runs a PASSIVE
 *     checkpoint — one that never blocks the writer or readers — while the
 *     writer goes on with the next group. The writer restarts the log once
 *     a checkpoint has caught up, as with automatic checkpoints.
 */
#include "store/sqlite_io.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/worker.h"
#include "util/xalloc.h"

/*
 * Past this a WAL buffer is written out even before the sync. The buffer is
 * kept between commits: freeing and faulting in a sweep's 10 MB anew each
 * time cost more than writing it.
 */
enum { WAL_BUF_MAX = 32 << 20 };

/* ---- the write-coalescing WAL file ----------------------------------------- */

typedef struct walfile {
    sqlite3_file base;  /* pMethods = &wal_methods */
    sqlite3_file *real; /* the default VFS's file, placed after this struct */
    unsigned char *buf; /* gathered writes: bytes [off, off + len) of the file */
    size_t len, cap;
    sqlite3_int64 off;
    const char *name; /* SQLite's, valid until w_close */
    bool synced;      /* a sync of this handle has succeeded (the directory too) */
    int fd;           /* of the file, for a sync owed (sqlite_io_defer); -1 until then */
} walfile;

#define REAL_OFFSET ((sizeof(walfile) + 15) & ~(size_t)15)

static sqlite3_vfs *base_vfs;

/*
 * The unix VFS writes at most 2^17 - 1 bytes a call (it masks the length),
 * so the gathered bytes go out in pieces of 124 KiB: some 80 calls for a
 * sweep's 10 MB instead of 4,600.
 */
enum { WRITE_PIECE = 124 << 10 };

static int flush(walfile *p)
{
    int rc = SQLITE_OK;
    for (size_t done = 0; done < p->len && rc == SQLITE_OK; done += WRITE_PIECE) {
        size_t n = p->len - done < WRITE_PIECE ? p->len - done : WRITE_PIECE;
        rc = p->real->pMethods->xWrite(p->real, p->buf + done, (int)n, p->off + (sqlite3_int64)done);
    }
    p->len = 0;
    return rc;
}

static int w_close(sqlite3_file *f)
{
    walfile *p = (walfile *)f;
    int rc = flush(p);
    int rc2 = p->real->pMethods->xClose(p->real);
    if (p->fd >= 0)
        close(p->fd);
    free(p->buf);
    p->buf = NULL;
    return rc != SQLITE_OK ? rc : rc2;
}

static int w_read(sqlite3_file *f, void *out, int amt, sqlite3_int64 off)
{
    walfile *p = (walfile *)f;
    if (p->len && off < p->off + (sqlite3_int64)p->len && off + amt > p->off) {
        int rc = flush(p);
        if (rc != SQLITE_OK)
            return rc;
    }
    return p->real->pMethods->xRead(p->real, out, amt, off);
}

static int w_write(sqlite3_file *f, const void *data, int amt, sqlite3_int64 off)
{
    walfile *p = (walfile *)f;
    sqlite3_int64 end = p->off + (sqlite3_int64)p->len;
    if (p->len && off >= p->off && off + amt <= end) {
        /* A frame of this transaction written again (its checksum, or the page). */
        memcpy(p->buf + (off - p->off), data, (size_t)amt);
        return SQLITE_OK;
    }
    if (!p->len || off != end || p->len + (size_t)amt > WAL_BUF_MAX) {
        int rc = flush(p);
        if (rc != SQLITE_OK)
            return rc;
        p->off = off;
    }
    if (p->len + (size_t)amt > p->cap) {
        size_t cap = p->cap ? p->cap : 64 << 10;
        while (cap < p->len + (size_t)amt)
            cap *= 2;
        p->buf = xrealloc(p->buf, cap);
        p->cap = cap;
    }
    memcpy(p->buf + p->len, data, (size_t)amt);
    p->len += (size_t)amt;
    return SQLITE_OK;
}

static int w_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    walfile *p = (walfile *)f;
    int rc = flush(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xTruncate(p->real, size);
}

/* The calling thread's deferral (sqlite_io_defer) and the sync it owes. */
static _Thread_local bool defer_on;
static _Thread_local int owed_fd = -1;

enum { WAL_HEADER = 32 };

static int w_sync(sqlite3_file *f, int flags)
{
    walfile *p = (walfile *)f;
    /* Only the sync that ends a commit may be owed: not the one of a new
     * log's header (SQLite has it on disk before frames overwrite the old
     * ones), nor the first of a file (which syncs its directory too), nor a
     * second one on the same thread (a checkpoint's, which must not copy
     * frames that are not yet on disk into the database). */
    bool header = p->off == 0 && p->len == WAL_HEADER;
    int rc = flush(p);
    if (rc != SQLITE_OK)
        return rc;
    if (defer_on && owed_fd < 0 && p->synced && !header) {
        if (p->fd < 0)
            p->fd = open(p->name, O_RDWR | O_CLOEXEC);
        if (p->fd >= 0) {
            owed_fd = p->fd;
            return SQLITE_OK;
        }
    }
    rc = p->real->pMethods->xSync(p->real, flags);
    if (rc == SQLITE_OK) {
        p->synced = true;
        if (owed_fd == p->fd)
            owed_fd = -1; /* that covers what was owed */
    }
    return rc;
}

static int w_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    walfile *p = (walfile *)f;
    int rc = flush(p);
    return rc != SQLITE_OK ? rc : p->real->pMethods->xFileSize(p->real, size);
}

static int w_lock(sqlite3_file *f, int level)
{
    walfile *p = (walfile *)f;
    return p->real->pMethods->xLock(p->real, level);
}

static int w_unlock(sqlite3_file *f, int level)
{
    walfile *p = (walfile *)f;
    return p->real->pMethods->xUnlock(p->real, level);
}

static int w_check_reserved(sqlite3_file *f, int *out)
{
    walfile *p = (walfile *)f;
    return p->real->pMethods->xCheckReservedLock(p->real, out);
}

static int w_file_control(sqlite3_file *f, int op, void *arg)
{
    walfile *p = (walfile *)f;
    return p->real->pMethods->xFileControl(p->real, op, arg);
}

static int w_sector_size(sqlite3_file *f)
{
    walfile *p = (walfile *)f;
    return p->real->pMethods->xSectorSize(p->real);
}

static int w_device_characteristics(sqlite3_file *f)
{
    walfile *p = (walfile *)f;
    return p->real->pMethods->xDeviceCharacteristics(p->real);
}

/* Version 1: SQLite maps shared memory and pages only of the database file. */
static const sqlite3_io_methods wal_methods = {
    .iVersion = 1,
    .xClose = w_close,
    .xRead = w_read,
    .xWrite = w_write,
    .xTruncate = w_truncate,
    .xSync = w_sync,
    .xFileSize = w_file_size,
    .xLock = w_lock,
    .xUnlock = w_unlock,
    .xCheckReservedLock = w_check_reserved,
    .xFileControl = w_file_control,
    .xSectorSize = w_sector_size,
    .xDeviceCharacteristics = w_device_characteristics,
};

/* ---- the VFS: the default one, with WAL files wrapped ----------------------- */

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *outflags)
{
    (void)vfs;
    /* A database made here (a store, a backup, a copy's target) is its
     * owner's only: it holds password hashes, the audit log and sealed
     * customer data. SQLite would create it 0644 less the umask; made
     * empty with 0600 first, it is opened as a new database, and SQLite
     * gives its -wal, -shm and journal files the database's own mode. */
    if ((flags & SQLITE_OPEN_MAIN_DB) && (flags & SQLITE_OPEN_CREATE) && name) {
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
    }
    if (!(flags & SQLITE_OPEN_WAL))
        return base_vfs->xOpen(base_vfs, name, f, flags, outflags); /* in place: not wrapped */
    walfile *p = (walfile *)f;
    memset(p, 0, sizeof *p);
    p->name = name;
    p->fd = -1;
    p->real = (sqlite3_file *)((char *)f + REAL_OFFSET);
    int rc = base_vfs->xOpen(base_vfs, name, p->real, flags, outflags);
    p->base.pMethods = rc == SQLITE_OK ? &wal_methods : NULL;
    return rc;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
    (void)v;
    return base_vfs->xDelete(base_vfs, name, sync_dir);
}

static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
    (void)v;
    return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *v, const char *name, int n, char *out)
{
    (void)v;
    return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static void *v_dlopen(sqlite3_vfs *v, const char *name)
{
    (void)v;
    return base_vfs->xDlOpen(base_vfs, name);
}

static void v_dlerror(sqlite3_vfs *v, int n, char *msg)
{
    (void)v;
    base_vfs->xDlError(base_vfs, n, msg);
}

static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
    (void)v;
    return base_vfs->xDlSym(base_vfs, h, sym);
}

static void v_dlclose(sqlite3_vfs *v, void *h)
{
    (void)v;
    base_vfs->xDlClose(base_vfs, h);
}

static int v_randomness(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return base_vfs->xRandomness(base_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *v, int us)
{
    (void)v;
    return base_vfs->xSleep(base_vfs, us);
}

static int v_current_time(sqlite3_vfs *v, double *out)
{
    (void)v;
    return base_vfs->xCurrentTime(base_vfs, out);
}

static int v_last_error(sqlite3_vfs *v, int n, char *out)
{
    (void)v;
    return base_vfs->xGetLastError ? base_vfs->xGetLastError(base_vfs, n, out) : 0;
}

static int v_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    (void)v;
    return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

static sqlite3_vfs vfs = {
    .iVersion = 2,
    .mxPathname = 0, /* set from the base VFS */
    .zName = "redress",
    .xOpen = v_open,
    .xDelete = v_delete,
    .xAccess = v_access,
    .xFullPathname = v_full_pathname,
    .xDlOpen = v_dlopen,
    .xDlError = v_dlerror,
    .xDlSym = v_dlsym,
    .xDlClose = v_dlclose,
    .xRandomness = v_randomness,
    .xSleep = v_sleep,
    .xCurrentTime = v_current_time,
    .xGetLastError = v_last_error,
    .xCurrentTimeInt64 = v_current_time64,
};

static void register_vfs(void)
{
    base_vfs = sqlite3_vfs_find(NULL);
    if (!base_vfs || base_vfs->iVersion < 2) {
        base_vfs = NULL;
        return;
    }
    vfs.szOsFile = (int)REAL_OFFSET + base_vfs->szOsFile;
    vfs.mxPathname = base_vfs->mxPathname;
    if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK)
        base_vfs = NULL;
}

const char *sqlite_io_vfs(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_vfs);
    return base_vfs ? vfs.zName : NULL; /* NULL: SQLite's default */
}

/* ---- the checkpointer ------------------------------------------------------ */

/*
 * Why the writer still checkpoints a little: the log restarts from its
 * beginning only when a checkpoint has copied every frame in it, and under
 * a steady stream of commits a checkpoint on another thread never finishes
 * before the next commit adds frames — the log would grow without end. So
 * each time the thread finishes a round, the writer (between two
 * transactions, in its WAL hook) checkpoints the few frames committed
 * since; that checkpoint completes, and the next transaction restarts the
 * log. "Few" is at most a quarter of the threshold (CATCH_UP_DIVISOR): a
 * sweep commits some 600 frames at a time, and copying a round's worth of
 * them on the writer's thread held up its next commit by 35 ms. When more
 * than that came in during the round, the thread goes round again: each
 * round is shorter than the one before as long as the thread copies faster
 * than commits arrive, and when it cannot, the log grows until HARD_FACTOR
 * thresholds, where the writer checkpoints by itself as SQLite's automatic
 * checkpoint would.
 */
enum { HARD_FACTOR = 8, CATCH_UP_DIVISOR = 4, HOLD_FACTOR = 4 };

struct sqlite_ckpt {
    sqlite3 *db; /* the checkpointer's own connection */
    sqlite3 *writer;
    worker w;
    bool pending;  /* the writer asked for a round */
    bool running;  /* a round is under way */
    bool finished; /* a round finished since the writer last caught up */
    int frames;
    int backfilled; /* the log's frames in the database after the last round */
    int held;       /* sqlite_ckpt_hold calls not yet undone */
    bool overdue;   /* the log is too long to wait for the burst's end */
};

/* Runs on the writer's thread after each commit, with the frames in the log. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int nframes)
{
    sqlite_ckpt *c = arg;
    bool catch_up = false;
    pthread_mutex_lock(&c->w.mu);
    /* A burst puts every checkpoint off until it ends, as long as the log
     * stays shorter than HOLD_FACTOR thresholds. */
    c->overdue = nframes >= HOLD_FACTOR * c->frames;
    if (c->held && !c->overdue) {
        if (nframes >= c->frames)
            c->pending = true;
    } else if (c->finished) {
        c->finished = false;
        if (nframes - c->backfilled <= c->frames / CATCH_UP_DIVISOR) {
            catch_up = true;
        } else {
            c->pending = true;
            pthread_cond_signal(&c->w.cv);
        }
    } else if (nframes >= HARD_FACTOR * c->frames && !c->running) {
        catch_up = true;
    } else if (nframes >= c->frames && !c->running) {
        c->pending = true;
        pthread_cond_signal(&c->w.cv);
    }
    pthread_mutex_unlock(&c->w.mu);
    if (catch_up)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

static void *ckpt_main(void *arg)
{
    sqlite_ckpt *c = arg;
    pthread_mutex_lock(&c->w.mu);
    for (;;) {
        while (!c->w.stop && (!c->pending || (c->held && !c->overdue)))
            pthread_cond_wait(&c->w.cv, &c->w.mu);
        /* A checkpoint asked for before the stop still runs: the file is
         * then as current as a commit's automatic checkpoint left it. */
        if (!c->pending)
            break;
        c->pending = false;
        c->running = true;
        pthread_mutex_unlock(&c->w.mu);
        int log = 0, done = 0;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_warn("sqlite: checkpoint: %s", sqlite3_errmsg(c->db));
        else
            log_debug("sqlite: checkpoint: %d of %d frames in the database in %.1f ms", done, log,
                      (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
        pthread_mutex_lock(&c->w.mu);
        c->backfilled = rc == SQLITE_OK ? done : 0;
        c->running = false;
        c->finished = true;
    }
    pthread_mutex_unlock(&c->w.mu);
    return NULL;
}

sqlite_ckpt *sqlite_ckpt_start(const char *path, sqlite3 *writer, int frames)
{
    sqlite_ckpt *c = xcalloc(1, sizeof *c);
    c->writer = writer;
    c->frames = frames;
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, sqlite_io_vfs()) != SQLITE_OK ||
        sqlite3_exec(c->db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) != SQLITE_OK) {
        log_warn("sqlite: no checkpointer for %s: %s", path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    if (worker_start(&c->w, ckpt_main, c) != 0) {
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    sqlite3_wal_hook(writer, wal_hook, c);
    return c;
}

void sqlite_ckpt_hold(sqlite_ckpt *c, bool hold)
{
    if (!c)
        return;
    pthread_mutex_lock(&c->w.mu);
    c->held += hold ? 1 : -1;
    if (!c->held && c->pending)
        pthread_cond_signal(&c->w.cv);
    pthread_mutex_unlock(&c->w.mu);
}

void sqlite_ckpt_stop(sqlite_ckpt *c)
{
    if (!c)
        return;
    /* Back to SQLite's own checkpoints for whatever the writer still commits. */
    sqlite3_wal_autocheckpoint(c->writer, 1000);
    worker_stop(&c->w);
    sqlite3_close(c->db);
    free(c);
}

/* ---- pipelined commits ----------------------------------------------------- */

void sqlite_io_defer(bool on)
{
    defer_on = on;
}

int sqlite_io_owed(void)
{
    int fd = owed_fd;
    owed_fd = -1;
    return fd;
}

typedef struct owed {
    struct owed *next;
    int fd;
    void *item;
} owed;

struct sqlite_syncer {
    void (*done)(void *item, bool synced, void *arg);
    void *arg;
    worker w;
    owed *head, *tail;
    atomic_bool failed;
};

/* Syncs what is owed: once for everything queued (one file, in practice). */
static void *syncer_main(void *arg)
{
    sqlite_syncer *s = arg;
    pthread_mutex_lock(&s->w.mu);
    for (;;) {
        while (!s->head && !s->w.stop)
            pthread_cond_wait(&s->w.cv, &s->w.mu);
        owed *list = s->head;
        if (!list)
            break;
        s->head = s->tail = NULL;
        pthread_mutex_unlock(&s->w.mu);
        for (owed *o = list; o; o = o->next) {
            bool again = false; /* this file was synced for an earlier one of the list */
            for (owed *e = list; e != o && !again; e = e->next)
                again = e->fd == o->fd;
            if (again || atomic_load(&s->failed))
                continue;
            int rc;
            do
                rc = fdatasync(o->fd);
            while (rc != 0 && errno == EINTR);
            if (rc != 0) {
                /* What the kernel could not write may be gone from its cache
                 * as well: nothing after this can be called durable. */
                log_error("sqlite: the write-ahead log could not be synced (%s): no further writes are taken; "
                          "restart the server",
                          strerror(errno));
                atomic_store(&s->failed, true);
            }
        }
        bool ok = !atomic_load(&s->failed);
        for (owed *o = list, *next; o; o = next) {
            next = o->next;
            s->done(o->item, ok, s->arg);
            free(o);
        }
        pthread_mutex_lock(&s->w.mu);
    }
    pthread_mutex_unlock(&s->w.mu);
    return NULL;
}

sqlite_syncer *sqlite_syncer_start(void (*done)(void *item, bool synced, void *arg), void *arg)
{
    sqlite_syncer *s = xcalloc(1, sizeof *s);
    s->done = done;
    s->arg = arg;
    if (worker_start(&s->w, syncer_main, s) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

void sqlite_syncer_push(sqlite_syncer *s, int fd, void *item)
{
    owed *o = xcalloc(1, sizeof *o);
    o->fd = fd;
    o->item = item;
    pthread_mutex_lock(&s->w.mu);
    if (s->tail)
        s->tail->next = o;
    else
        s->head = o;
    s->tail = o;
    pthread_cond_signal(&s->w.cv);
    pthread_mutex_unlock(&s->w.mu);
}

bool sqlite_syncer_failed(sqlite_syncer *s)
{
    return s && atomic_load(&s->failed);
}

void sqlite_syncer_stop(sqlite_syncer *s)
{
    if (!s)
        return;
    worker_stop(&s->w);
    free(s);
}
