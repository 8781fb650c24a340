/*
 * sealfile: bytes sealed in chunks, so that a file of any size is written
 * and read in constant memory and never touches the disk in clear. Each
 * chunk of SEAL_CHUNK clear bytes (the last may be shorter, even empty) is
 * sealed alone with XChaCha20-Poly1305 (libsodium's IETF AEAD):
 *
 *   header   "RDA1" 0 0 0 0 ‖ 24-byte random nonce base          SEAL_HEADER bytes
 *   chunk i  ciphertext ‖ 16-byte tag                             ≤ SEAL_CHUNK + 16 bytes
 *            nonce = base with i (64-bit little-endian) XORed into its first 8 bytes
 *            associated data = i (64-bit little-endian) ‖ 1 if it is the last chunk, else 0
 *
 * So a chunk cannot be moved, dropped or cut off at the end without the
 * reader noticing, and a range is read by opening only the chunks it
 * covers (seal_read at any offset: audio and video ask for ranges). The
 * clear size follows from the sealed size. One key may seal many files:
 * each has its own random nonce base.
 *
 * The writer also hashes what it writes (BLAKE2b-256 of the sealed bytes),
 * which names the file in a content-addressed directory.
 *
 * A spool (seal_spool_*) is the same over an anonymous temporary file under
 * a random key that lives only in memory: a request body kept out of memory
 * while it arrives, readable only by the process that wrote it.
 */
#ifndef REDRESS_UTIL_SEALFILE_H
#define REDRESS_UTIL_SEALFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

enum {
    SEAL_CHUNK = 64 << 10,
    SEAL_HEADER = 32,
    SEAL_TAG = 16,
    SEAL_KEY = 32,
    SEAL_DIGEST = 32,
};

/* The sealed size of n clear bytes. */
uint64_t seal_sealed_size(uint64_t n);
/* The clear size of a sealed file of n bytes; -1 when no file is that long. */
int seal_clear_size(uint64_t n, uint64_t *clear);

/* ---- writing ---- */

typedef struct seal_writer seal_writer;
/* Writes a sealed file to fd (borrowed) from its current position; key is copied. */
seal_writer *seal_writer_new(int fd, const uint8_t key[SEAL_KEY]);
/* Appends n clear bytes: 0, or -1 when fd could not be written (errno). */
int seal_write(seal_writer *w, const void *p, size_t n);
/* Clear bytes written so far. */
uint64_t seal_written(const seal_writer *w);
/*
 * Seals the last chunk: 0, or -1 (errno). digest (OUT, may be NULL): the
 * BLAKE2b-256 of every sealed byte; sealed (OUT, may be NULL): their count.
 * fd is neither synced nor closed.
 */
int seal_writer_finish(seal_writer *w, uint8_t digest[SEAL_DIGEST], uint64_t *sealed);
/* Wipes the key and frees w (finished or not). NULL is fine. */
void seal_writer_free(seal_writer *w);

/* ---- reading ---- */

/* Reads exactly n sealed bytes at off into p: 0, or -1. */
typedef int (*seal_pread_fn)(void *arg, void *p, size_t n, uint64_t off);
/* seal_pread_fn over a file descriptor: arg is (void *)(intptr_t)fd. */
int seal_pread_fd(void *arg, void *p, size_t n, uint64_t off);

typedef struct seal_reader seal_reader;
/* A reader of a sealed file of sealed bytes read through fn(arg, …); NULL when its header is not one. */
seal_reader *seal_reader_new(seal_pread_fn fn, void *arg, uint64_t sealed, const uint8_t key[SEAL_KEY]);
/* The clear size. */
uint64_t seal_reader_size(const seal_reader *r);
/*
 * Up to n clear bytes from clear offset off into p: the count (0 at the
 * end), or -1 when a chunk does not open (a wrong key, a changed byte).
 */
ssize_t seal_read(seal_reader *r, void *p, size_t n, uint64_t off);
/* Opens every chunk in turn: 0 when all do, -1 otherwise. */
int seal_check(seal_reader *r);
void seal_reader_free(seal_reader *r);

/* ---- a spool: a temporary file sealed under a key held in memory ---- */

typedef struct seal_spool seal_spool;
/* A new spool in directory dir (its file has no name); NULL with errno. */
seal_spool *seal_spool_new(const char *dir);
/* Appends n bytes: 0 or -1 (errno). */
int seal_spool_write(seal_spool *s, const void *p, size_t n);
/* Ends the writing; the spool can then be read: 0 or -1 (errno). */
int seal_spool_close(seal_spool *s);
/* Bytes written. */
uint64_t seal_spool_size(const seal_spool *s);
/* After seal_spool_close: as seal_read. */
ssize_t seal_spool_read(seal_spool *s, void *p, size_t n, uint64_t off);
/*
 * After seal_spool_close: a read-only, seekable stream of its clear bytes
 * (a ledger's rows read as from a file), NULL with errno. Close it with
 * fclose before seal_spool_free.
 */
FILE *seal_spool_fopen(seal_spool *s);
/* Closes the file (the system frees its space) and wipes the key. NULL is fine. */
void seal_spool_free(seal_spool *s);

#endif
