/*
 * attachments: files of evidence on a complaint — receipts, photos,
 * recordings, letters (docs/api.md "Attachments", docs/privacy.md).
 *
 * An upload goes through these states, each function asserting the one
 * it expects:
 *
 *   app_attach_begin ──► WRITING ──app_attach_end──► ENDED ──app_attach_commit──► STORED
 *                          │  (bytes sealed into a      │ (type decided by         (the row and its
 *                          │   temporary file as they   │  content, limits          "attach" event in
 *                          │   come; per-file limit)    │  checked)                 one transaction)
 *                          └──────────── app_attach_free (any state: a temporary file is removed) ◄┘
 *
 * The bytes are sealed (util/sealfile.h) under the complaint's data key
 * before they reach the disk, so erasing the complaint's customer data
 * (deleting the key, app/rights.h) makes them unreadable, and the bytes
 * themselves are then destroyed too (app_attach_shred). The type is what
 * libmagic reads in the content, never the name; the pack says which
 * types are allowed (core/evidence.h). A removal is a "detach" event that
 * keeps who, when and why, and shreds the bytes.
 */
#ifndef REDRESS_APP_ATTACHMENTS_H
#define REDRESS_APP_ATTACHMENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "app/app.h"

/* Where uploads are sealed while they arrive, and the limits (serve's settings). */
typedef struct attach_config {
    int64_t max_file;     /* bytes of one file (413 beyond) */
    int64_t max_total;    /* bytes of a complaint's files not removed (422 beyond) */
    const char *tmp_dir;  /* PostgreSQL: where sealed files wait for their transaction; SQLite: unused */
} attach_config;
/* The configuration in force (process-wide, set once before serving). */
void app_attach_configure(const attach_config *cfg);
const attach_config *app_attach_config(void);
/* The directory for temporary (sealed) files of a's store, made if need be; NULL when it cannot be. */
const char *app_attach_tmp_dir(app *a);

typedef struct attach_upload attach_upload;
/*
 * Starts an upload of a file named name (as the client sent it: a path is
 * cut to its last part) to complaint c. 0 with *out, or CERR_USER (the
 * name, a complaint whose customer data was erased, no keys) or a STORE_*
 * code.
 */
int app_attach_begin(app *a, const complaint *c, const char *name, attach_upload **out, cerr *e);
/* Appends n bytes: 0, CERR_USER (file_too_large, naming the limit) or STORE_ERROR (the disk). */
int app_attach_write(attach_upload *u, const void *p, size_t n, cerr *e);
/*
 * The bytes are all there: decides the type, checks it and the complaint's
 * total (its stored files, *pending bytes of earlier files of the same
 * request, and this one; *pending grows by this one). 0, CERR_USER
 * (unsupported_type, attachments_limit) or a STORE_* code.
 */
int app_attach_end(app *a, attach_upload *u, int64_t *pending, cerr *e);
/*
 * Stores an ended upload: its sealed bytes durable, then its row and its
 * "attach" event by who at now in one transaction. out (released or
 * zeroed) gets the row, its name in clear. 0, CERR_USER or a STORE_* code.
 */
int app_attach_commit(app *a, const actor *who, attach_upload *u, int64_t now, attachment *out, cerr *e);
/* Frees u in any state, removing a temporary file not committed. NULL is fine. */
void app_attach_free(attach_upload *u);

/*
 * Removes attachment att (its complaint already found visible to who) for
 * reason (1–500 characters): a "detach" event keeping who, when and why,
 * then its bytes shredded. 0, CERR_USER (removed already, a reason) or a STORE_* code.
 */
int app_attach_remove(app *a, const actor *who, const attachment *att, const char *reason, int64_t now, cerr *e);
/* Shreds the bytes of every attachment of complaint id whose data were erased (idempotent). 0 or a STORE_* code. */
int app_attach_shred(app *a, int64_t complaint_id);

/*
 * The names (and removal reasons) of items[0..n), all of complaint
 * complaint_id, masked as the complaint's texts are (app_pii_view_texts),
 * in place.
 */
int app_attach_view(app *a, attachment *items, size_t n);

typedef struct attach_reader attach_reader;
/* A reader of att's clear bytes: 0, STORE_NOTFOUND (shredded, or its key is gone) or a STORE_* code. */
int app_attach_open(app *a, const attachment *att, attach_reader **out);
/* Up to n bytes at off: the count (0 at the end) or -1 (the bytes do not open: changed). */
ssize_t app_attach_read(attach_reader *r, void *p, size_t n, uint64_t off);
void app_attach_close(attach_reader *r);

/*
 * redress copy: the sealed bytes of every attachment of src not shredded
 * into dst's place (files, or rows), byte for byte. *n (OUT) counts them.
 * 0 or a STORE_* code.
 */
int app_attach_copy(app *src, app *dst, int64_t *n);
/*
 * redress backup: the sealed files of every attachment not shredded into
 * the directory dir (made, mode 0700), each synced. *n (OUT) counts them.
 * 0, or -1 (errno) or a STORE_* code.
 */
int app_attach_backup(app *a, const char *dir, int64_t *n);

/*
 * redress verify: every stored attachment's sealed bytes hashed and
 * compared with its blob name and size. For each that differs or is
 * missing, bad(arg, att, why) is called. *checked (OUT) counts those read.
 * 0 or a STORE_* code.
 */
int app_attach_verify(app *a, void (*bad)(void *arg, const attachment *att, const char *why), void *arg,
                      int64_t *checked);

#endif
