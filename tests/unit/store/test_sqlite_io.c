/*
 * test_sqlite_io: the SQLite store's write path (store/sqlite_io.c) keeps
 * SQLite's promises — what a commit returned for is in the file, also when
 * the process dies right after; nothing uncommitted is; frames gathered in
 * memory are read back correctly when the writer's cache spills in the
 * middle of a transaction; checkpoints are done by the checkpointer,
 * held while a sweep writes, unless the log grows too long; and a commit's
 * sync is owed (pipelined commits) only when nothing that must be on disk
 * first depends on it, and the syncer tells each commit whether it is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/sqlite_io.h"

static char dir[64], path[96];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/redress-io.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/t.db", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static sqlite3 *open_wal(int cache_pages)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, sqlite_io_vfs()),
                     SQLITE_OK);
    char sql[160];
    snprintf(sql, sizeof sql, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=%d",
             cache_pages);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Rows of ~1 KB with a checksum of their content: n rows in one transaction. */
static void insert_rows(sqlite3 *db, int from, int n)
{
    exec_ok(db, "BEGIN");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t (id, body) VALUES (?, printf('%.1000c', ?))", -1, &st,
                                        NULL),
                     SQLITE_OK);
    for (int i = from; i < from + n; i++) {
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, (char[]){(char)('a' + i % 26), 0}, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec_ok(db, "COMMIT");
}

/* A writer (a 64 MB cache) on a database with the table t. */
static sqlite3 *open_table(void)
{
    sqlite3 *w = open_wal(-65536);
    exec_ok(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    return w;
}

/* n rows in one commit whose sync is deferred; what it owes (sqlite_io_owed). */
static int owed_commit(sqlite3 *w, int from, int n)
{
    sqlite_io_defer(true);
    insert_rows(w, from, n);
    sqlite_io_defer(false);
    return sqlite_io_owed();
}

static void test_large_commit_is_seen_by_another_connection(void **state)
{
    (void)state;
    sqlite3 *w = open_table();
    insert_rows(w, 0, 6000); /* ~6 MB of frames: many write pieces, a grown buffer */
    sqlite3 *r = open_wal(-2000);
    assert_int_equal(one_int(r, "SELECT COUNT(*) FROM t"), 6000);
    assert_int_equal(one_int(r, "SELECT SUM(unicode(body)) FROM t"), one_int(w, "SELECT SUM(unicode(body)) FROM t"));
    sqlite3_close(r);
    sqlite3_close(w);
}

static void test_cache_spill_reads_gathered_frames(void **state)
{
    (void)state;
    /* A 10-page cache: the transaction spills pages to the WAL and reads
     * them back while they may still be gathered in memory. */
    sqlite3 *w = open_wal(10);
    exec_ok(w, "CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    exec_ok(w, "BEGIN");
    exec_ok(w, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
               "INSERT INTO t SELECT i, printf('%.500c', char(97 + i % 26)) FROM n");
    exec_ok(w, "UPDATE t SET body = body || '!' WHERE id % 7 = 0");
    exec_ok(w, "DELETE FROM t WHERE id % 11 = 0");
    exec_ok(w, "COMMIT");
    assert_int_equal(one_int(w, "SELECT COUNT(*) FROM t"), 3000 - 3000 / 11);
    sqlite3 *r = open_wal(-2000);
    assert_int_equal(one_int(r, "SELECT COUNT(*) FROM t WHERE body LIKE '%!'"), 3000 / 7 - 3000 / 77);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(r, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(r);
    sqlite3_close(w);
}

static void test_commits_survive_a_dying_process_uncommitted_work_does_not(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        sqlite3 *w = open_table();
        insert_rows(w, 0, 500);
        insert_rows(w, 500, 500);
        exec_ok(w, "BEGIN");
        exec_ok(w, "INSERT INTO t VALUES (100000, 'never committed')");
        _exit(0); /* no COMMIT, no close: as kill -9 would leave it */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    sqlite3 *r = open_wal(-2000);
    assert_int_equal(one_int(r, "SELECT COUNT(*) FROM t"), 1000);
    assert_int_equal(one_int(r, "SELECT COUNT(*) FROM t WHERE id = 100000"), 0);
    sqlite3_close(r);
}

static void test_checkpointer_copies_the_log_into_the_database(void **state)
{
    (void)state;
    sqlite3 *w = open_table();
    sqlite_ckpt *c = sqlite_ckpt_start(path, w, 50);
    assert_non_null(c);
    insert_rows(w, 0, 400); /* ~100 frames: over the threshold */
    sqlite_ckpt_stop(c);     /* joins after the checkpoint it was asked for */
    /* Everything in the log is already in the database: a checkpoint now
     * finds nothing left to copy. */
    int log = -1, done = -1;
    assert_int_equal(sqlite3_wal_checkpoint_v2(w, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done), SQLITE_OK);
    assert_true(log > 50);
    assert_int_equal(done, log);
    sqlite3_close(w);
}

/* Rows of t in the database file alone, the log ignored (an immutable open). */
static int64_t rows_in_file(void)
{
    char uri[160];
    snprintf(uri, sizeof uri, "file:%s?immutable=1", path);
    sqlite3 *raw = NULL;
    assert_int_equal(sqlite3_open_v2(uri, &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL), SQLITE_OK);
    int64_t n = one_int(raw, "SELECT COUNT(*) FROM t");
    sqlite3_close(raw);
    return n;
}

static void test_below_the_threshold_no_checkpoint_is_made(void **state)
{
    (void)state;
    sqlite3 *w = open_table();
    exec_ok(w, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite_ckpt *c = sqlite_ckpt_start(path, w, 100000);
    assert_non_null(c);
    insert_rows(w, 0, 40);
    sqlite_ckpt_stop(c);
    sqlite3 *r = open_wal(-2000);
    /* The frames are in the log, not yet in the database file: a reader
     * that ignores the log (immutable open of the file alone) sees none. */
    assert_int_equal(rows_in_file(), 0);
    assert_int_equal(one_int(r, "SELECT COUNT(*) FROM t"), 40);
    sqlite3_close(r);
    sqlite3_close(w);
}

static void test_a_held_checkpoint_waits_for_the_release(void **state)
{
    (void)state;
    /* A sweep holds the checkpoints: ~100 frames over a threshold of 50
     * stay in the log until the hold is released. */
    sqlite3 *w = open_table();
    exec_ok(w, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite_ckpt *c = sqlite_ckpt_start(path, w, 50);
    assert_non_null(c);
    sqlite_ckpt_hold(c, true);
    sqlite_ckpt_hold(c, true); /* holds nest */
    for (int i = 0; i < 4; i++)
        insert_rows(w, i * 100, 100);
    sqlite_ckpt_hold(c, false);
    assert_int_equal(rows_in_file(), 0);
    sqlite_ckpt_hold(c, false);
    sqlite_ckpt_stop(c); /* joins after the round the release started */
    assert_int_equal(rows_in_file(), 400);
    sqlite3_close(w);
}

static void test_a_hold_gives_way_to_a_long_log(void **state)
{
    (void)state;
    /* Past four thresholds the log is checkpointed, held or not. */
    sqlite3 *w = open_table();
    exec_ok(w, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite_ckpt *c = sqlite_ckpt_start(path, w, 50);
    assert_non_null(c);
    sqlite_ckpt_hold(c, true);
    for (int i = 0; i < 12; i++)
        insert_rows(w, i * 100, 100); /* ~25 frames each: ~300 in all */
    sqlite_ckpt_stop(c);             /* still held: only the long log made it copy */
    assert_true(rows_in_file() > 0);
    assert_int_equal(one_int(w, "SELECT COUNT(*) FROM t"), 1200);
    sqlite3_close(w);
}

static void test_a_stream_of_commits_keeps_the_log_bounded(void **state)
{
    (void)state;
    /* 300 commits of ~5 frames with a threshold of 50: without the
     * writer's catch-up the log would never restart and hold all ~1,500
     * frames; with it, it stays within the hard limit (8 thresholds). */
    sqlite3 *w = open_table();
    sqlite_ckpt *c = sqlite_ckpt_start(path, w, 50);
    assert_non_null(c);
    for (int i = 0; i < 300; i++)
        insert_rows(w, i * 4, 4);
    sqlite_ckpt_stop(c);
    char wal[128];
    snprintf(wal, sizeof wal, "%s-wal", path);
    FILE *f = fopen(wal, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    long frame = 4096 + 24;
    assert_true(size < (8 * 50 + 20) * frame);
    assert_int_equal(one_int(w, "SELECT COUNT(*) FROM t"), 1200);
    sqlite3_close(w);
}

/* What the syncer handed back, in order. */
typedef struct handed {
    int n;
    int items[8];
    bool synced[8];
} handed;

static void on_synced(void *item, bool synced, void *arg)
{
    handed *h = arg;
    if (h->n < 8) {
        h->items[h->n] = *(int *)item;
        h->synced[h->n++] = synced;
    }
}

static void test_a_deferred_commit_owes_its_sync_and_the_syncer_pays_it(void **state)
{
    (void)state;
    sqlite3 *w = open_table();
    insert_rows(w, 0, 10); /* the log's first syncs, done in place */
    int fd = owed_commit(w, 10, 200);
    assert_true(fd >= 0);
    assert_int_equal(sqlite_io_owed(), -1); /* handed over once */
    /* Committed: another connection reads it before the sync. */
    sqlite3 *r = open_wal(-2000);
    assert_int_equal(one_int(r, "SELECT COUNT(*) FROM t"), 210);
    /* Without deferral the next commit syncs in place. */
    insert_rows(w, 210, 5);
    assert_int_equal(sqlite_io_owed(), -1);

    handed h = {0};
    sqlite_syncer *s = sqlite_syncer_start(on_synced, &h);
    assert_non_null(s);
    int one = 1, two = 2;
    sqlite_syncer_push(s, fd, &one);
    sqlite_syncer_push(s, fd, &two);
    sqlite_syncer_stop(s); /* hands back everything pushed */
    assert_int_equal(h.n, 2);
    assert_int_equal(h.items[0], 1);
    assert_int_equal(h.items[1], 2);
    assert_true(h.synced[0] && h.synced[1]);
    sqlite3_close(r);
    sqlite3_close(w);
}

static void test_a_checkpoint_pays_what_its_thread_owes(void **state)
{
    (void)state;
    /* A checkpoint on the deferring thread after an owed commit syncs the
     * log before copying it into the database: that sync is done in place
     * (frames not on disk must not reach the database file), and it covers
     * what was owed. */
    sqlite3 *w = open_table();
    sqlite_io_defer(true);
    insert_rows(w, 0, 50);
    assert_true(sqlite_io_owed() >= 0);
    insert_rows(w, 50, 50);
    int done = 0;
    assert_int_equal(sqlite3_wal_checkpoint_v2(w, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, &done), SQLITE_OK);
    sqlite_io_defer(false);
    assert_true(done > 0);
    assert_int_equal(sqlite_io_owed(), -1);
    assert_int_equal(one_int(w, "SELECT COUNT(*) FROM t"), 100);
    sqlite3_close(w);
}

static void test_after_a_failed_sync_nothing_is_called_durable(void **state)
{
    (void)state;
    sqlite3 *w = open_table();
    insert_rows(w, 0, 10);
    int fd = owed_commit(w, 10, 10);
    assert_true(fd >= 0);

    handed h = {0};
    sqlite_syncer *s = sqlite_syncer_start(on_synced, &h);
    assert_non_null(s);
    assert_false(sqlite_syncer_failed(s));
    int one = 1, two = 2;
    sqlite_syncer_push(s, -1, &one); /* a descriptor the kernel refuses to sync */
    sqlite_syncer_stop(s);
    s = sqlite_syncer_start(on_synced, &h);
    sqlite_syncer_push(s, -1, &one);
    /* Wait until the failure is known, then push a good one: refused too. */
    for (int i = 0; i < 1000 && !sqlite_syncer_failed(s); i++)
        usleep(1000);
    assert_true(sqlite_syncer_failed(s));
    sqlite_syncer_push(s, fd, &two);
    sqlite_syncer_stop(s);
    assert_int_equal(h.n, 3);
    assert_false(h.synced[0]);
    assert_false(h.synced[1]);
    assert_int_equal(h.items[2], 2);
    assert_false(h.synced[2]);
    assert_false(sqlite_syncer_failed(NULL));
    sqlite3_close(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_large_commit_is_seen_by_another_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cache_spill_reads_gathered_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commits_survive_a_dying_process_uncommitted_work_does_not, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_checkpointer_copies_the_log_into_the_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_below_the_threshold_no_checkpoint_is_made, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_stream_of_commits_keeps_the_log_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_held_checkpoint_waits_for_the_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_hold_gives_way_to_a_long_log, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_deferred_commit_owes_its_sync_and_the_syncer_pays_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_checkpoint_pays_what_its_thread_owes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_after_a_failed_sync_nothing_is_called_durable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
