/*
 * sqlite_io: how the SQLite store writes to disk — a write-coalescing VFS
 * for the write-ahead log and a checkpointer thread that keeps WAL
 * checkpoints off the commit path. See sqlite_io.c for why.
 */
#ifndef REDRESS_STORE_SQLITE_IO_H
#define REDRESS_STORE_SQLITE_IO_H

#include <sqlite3.h>
#include <stdbool.h>

/*
 * The name of the VFS every connection of the store opens with (registered
 * on first call, thread-safe). It behaves as SQLite's default VFS except
 * that writes to a WAL file are gathered in memory and reach the file in
 * one write just before the WAL is synced.
 */
const char *sqlite_io_vfs(void);

/*
 * Pipelined commits. While the calling thread defers (sqlite_io_defer(true)),
 * the WAL sync that ends its next commit is written but not synced: it is
 * owed, and sqlite_io_owed() hands it over (once) as a descriptor of the
 * WAL file, -1 if nothing is owed. Whoever takes it must have it synced
 * (sqlite_syncer_push) before telling anyone the commit is durable. The
 * commit is visible to readers before then; a later commit's sync covers
 * the earlier ones (the log is written in order, and its recovery stops at
 * the first frame not on disk). Syncs that must happen in order — a new
 * log's header, a checkpoint's, the first of a file — are never owed.
 */
void sqlite_io_defer(bool on);
int sqlite_io_owed(void);

typedef struct sqlite_syncer sqlite_syncer;
/*
 * A thread that syncs what is owed, in order, and then calls done(item,
 * synced, arg) for each item pushed; one sync covers every item queued
 * meanwhile. After a failed sync nothing more is synced (done gets false
 * from then on): the kernel may have dropped the unwritten pages, and only
 * a restart (SQLite's recovery of the log) tells what is on disk. NULL if
 * the thread cannot be started.
 */
sqlite_syncer *sqlite_syncer_start(void (*done)(void *item, bool synced, void *arg), void *arg);
void sqlite_syncer_push(sqlite_syncer *s, int fd, void *item);
/* Whether a sync has failed; false for NULL. */
bool sqlite_syncer_failed(sqlite_syncer *s);
/* Syncs and hands back everything pushed, then stops; NULL is fine. */
void sqlite_syncer_stop(sqlite_syncer *s);

typedef struct sqlite_ckpt sqlite_ckpt;

/*
 * Starts a checkpointer for the database at path and hands it the WAL
 * checkpoints of writer (a connection of the calling store, borrowed until
 * sqlite_ckpt_stop): after a commit leaves at least frames frames in the
 * WAL the thread copies them into the database on a connection of its own,
 * while the writer goes on. Returns NULL (and the writer keeps SQLite's
 * automatic checkpoints) if the thread or its connection cannot be had.
 */
sqlite_ckpt *sqlite_ckpt_start(const char *path, sqlite3 *writer, int frames);
/*
 * Holds the checkpoints (hold true) until as many calls with false: the
 * thread starts no round and the writer catches up on nothing, unless the
 * log reaches HARD_FACTOR thresholds. A round under way finishes. NULL is
 * fine.
 */
void sqlite_ckpt_hold(sqlite_ckpt *c, bool hold);
/* Stops the thread (after its checkpoint under way) and frees c; NULL is fine. */
void sqlite_ckpt_stop(sqlite_ckpt *c);

#endif
