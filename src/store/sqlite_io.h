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
