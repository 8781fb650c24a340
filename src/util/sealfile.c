/* sealfile: see sealfile.h. */
#include "util/sealfile.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/xalloc.h"

static const uint8_t MAGIC[8] = {'R', 'D', 'A', '1', 0, 0, 0, 0};
enum { NONCE = 24, SEALED_CHUNK = SEAL_CHUNK + SEAL_TAG };

uint64_t seal_sealed_size(uint64_t n)
{
    uint64_t chunks = n == 0 ? 1 : (n + SEAL_CHUNK - 1) / SEAL_CHUNK;
    return SEAL_HEADER + n + chunks * SEAL_TAG;
}

int seal_clear_size(uint64_t n, uint64_t *clear)
{
    if (n < SEAL_HEADER + SEAL_TAG)
        return -1;
    uint64_t body = n - SEAL_HEADER;
    uint64_t chunks = (body + SEALED_CHUNK - 1) / SEALED_CHUNK;
    uint64_t last = body - (chunks - 1) * SEALED_CHUNK;
    /* Only the first chunk may be empty: a short last chunk holds a byte. */
    if (last < SEAL_TAG || (chunks > 1 && last == SEAL_TAG))
        return -1;
    *clear = body - chunks * SEAL_TAG;
    return 0;
}

/* Chunk i's nonce and associated data. */
static void chunk_params(const uint8_t base[NONCE], uint64_t i, bool last, uint8_t nonce[NONCE], uint8_t ad[9])
{
    memcpy(nonce, base, NONCE);
    for (int k = 0; k < 8; k++) {
        nonce[k] ^= (uint8_t)(i >> (8 * k));
        ad[k] = (uint8_t)(i >> (8 * k));
    }
    ad[8] = last ? 1 : 0;
}

/* ---- writing ---------------------------------------------------------------------------------- */

struct seal_writer {
    int fd;
    uint8_t key[SEAL_KEY];
    uint8_t base[NONCE];
    uint64_t chunk; /* the next chunk's index */
    uint64_t written, sealed;
    crypto_generichash_state hash;
    size_t fill; /* clear bytes in clear[] */
    bool failed;
    uint8_t clear[SEAL_CHUNK];
    uint8_t out[SEALED_CHUNK];
};

static int write_all(seal_writer *w, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            w->failed = true;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int emit(seal_writer *w, const uint8_t *p, size_t n)
{
    crypto_generichash_update(&w->hash, p, n);
    w->sealed += n;
    return write_all(w, p, n);
}

/* Seals the buffered chunk. */
static int flush_chunk(seal_writer *w, bool last)
{
    uint8_t nonce[NONCE], ad[9];
    chunk_params(w->base, w->chunk, last, nonce, ad);
    unsigned long long clen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(w->out, &clen, w->clear, w->fill, ad, sizeof ad, NULL, nonce, w->key);
    w->chunk++;
    w->fill = 0;
    return emit(w, w->out, (size_t)clen);
}

seal_writer *seal_writer_new(int fd, const uint8_t key[SEAL_KEY])
{
    seal_writer *w = xmalloc(sizeof *w);
    w->fd = fd;
    memcpy(w->key, key, SEAL_KEY);
    randombytes_buf(w->base, sizeof w->base);
    w->chunk = w->written = w->sealed = 0;
    w->fill = 0;
    w->failed = false;
    crypto_generichash_init(&w->hash, NULL, 0, SEAL_DIGEST);
    uint8_t head[SEAL_HEADER];
    memcpy(head, MAGIC, sizeof MAGIC);
    memcpy(head + sizeof MAGIC, w->base, NONCE);
    if (emit(w, head, sizeof head)) {
        seal_writer_free(w);
        return NULL;
    }
    return w;
}

int seal_write(seal_writer *w, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (w->failed)
        return -1;
    while (n) {
        /* A full chunk is sealed only when more follows: the last is marked. */
        if (w->fill == SEAL_CHUNK && flush_chunk(w, false))
            return -1;
        size_t k = SEAL_CHUNK - w->fill < n ? SEAL_CHUNK - w->fill : n;
        memcpy(w->clear + w->fill, b, k);
        w->fill += k;
        w->written += k;
        b += k;
        n -= k;
    }
    return 0;
}

uint64_t seal_written(const seal_writer *w)
{
    return w->written;
}

int seal_writer_finish(seal_writer *w, uint8_t digest[SEAL_DIGEST], uint64_t *sealed)
{
    if (w->failed || flush_chunk(w, true))
        return -1;
    assert(w->sealed == seal_sealed_size(w->written));
    uint8_t d[SEAL_DIGEST];
    crypto_generichash_final(&w->hash, d, sizeof d);
    if (digest)
        memcpy(digest, d, sizeof d);
    if (sealed)
        *sealed = w->sealed;
    return 0;
}

void seal_writer_free(seal_writer *w)
{
    if (!w)
        return;
    sodium_memzero(w, sizeof *w);
    free(w);
}

/* ---- reading ---------------------------------------------------------------------------------- */

struct seal_reader {
    seal_pread_fn fn;
    void *arg;
    uint8_t key[SEAL_KEY];
    uint8_t base[NONCE];
    uint64_t sealed, clear, chunks;
    int64_t cached; /* the chunk in clear[], or -1 */
    size_t cached_len;
    uint8_t clear_buf[SEAL_CHUNK];
    uint8_t in[SEALED_CHUNK];
};

int seal_pread_fd(void *arg, void *p, size_t n, uint64_t off)
{
    int fd = (int)(intptr_t)arg;
    uint8_t *b = p;
    while (n) {
        ssize_t k = pread(fd, b, n, (off_t)off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
        off += (uint64_t)k;
    }
    return 0;
}

seal_reader *seal_reader_new(seal_pread_fn fn, void *arg, uint64_t sealed, const uint8_t key[SEAL_KEY])
{
    uint64_t clear;
    uint8_t head[SEAL_HEADER];
    if (seal_clear_size(sealed, &clear) || fn(arg, head, sizeof head, 0) || memcmp(head, MAGIC, sizeof MAGIC) != 0)
        return NULL;
    seal_reader *r = xmalloc(sizeof *r);
    r->fn = fn;
    r->arg = arg;
    memcpy(r->key, key, SEAL_KEY);
    memcpy(r->base, head + sizeof MAGIC, NONCE);
    r->sealed = sealed;
    r->clear = clear;
    r->chunks = (sealed - SEAL_HEADER + SEALED_CHUNK - 1) / SEALED_CHUNK;
    r->cached = -1;
    r->cached_len = 0;
    return r;
}

uint64_t seal_reader_size(const seal_reader *r)
{
    return r->clear;
}

/* Opens chunk i into the cache: 0 or -1. */
static int open_chunk(seal_reader *r, uint64_t i)
{
    if (r->cached == (int64_t)i)
        return 0;
    r->cached = -1;
    uint64_t off = SEAL_HEADER + i * SEALED_CHUNK;
    size_t len = (size_t)(i + 1 < r->chunks ? SEALED_CHUNK : r->sealed - off);
    if (r->fn(r->arg, r->in, len, off))
        return -1;
    uint8_t nonce[NONCE], ad[9];
    chunk_params(r->base, i, i + 1 == r->chunks, nonce, ad);
    unsigned long long mlen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(r->clear_buf, &mlen, NULL, r->in, len, ad, sizeof ad, nonce, r->key))
        return -1;
    r->cached = (int64_t)i;
    r->cached_len = (size_t)mlen;
    return 0;
}

ssize_t seal_read(seal_reader *r, void *p, size_t n, uint64_t off)
{
    uint8_t *b = p;
    size_t got = 0;
    while (got < n && off < r->clear) {
        uint64_t i = off / SEAL_CHUNK;
        if (open_chunk(r, i))
            return -1;
        size_t at = (size_t)(off % SEAL_CHUNK);
        size_t k = r->cached_len - at < n - got ? r->cached_len - at : n - got;
        memcpy(b + got, r->clear_buf + at, k);
        got += k;
        off += k;
    }
    return (ssize_t)got;
}

int seal_check(seal_reader *r)
{
    for (uint64_t i = 0; i < r->chunks; i++)
        if (open_chunk(r, i))
            return -1;
    return 0;
}

void seal_reader_free(seal_reader *r)
{
    if (!r)
        return;
    sodium_memzero(r, sizeof *r);
    free(r);
}

/* ---- spools ----------------------------------------------------------------------------------- */

struct seal_spool {
    int fd;
    uint8_t key[SEAL_KEY];
    seal_writer *w;
    seal_reader *r;
    uint64_t size;
};

/* A file of dir without a name: O_TMPFILE, else a name removed at once. */
static int anonymous_file(const char *dir)
{
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
        return fd;
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/.spool-XXXXXX", dir) >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path);
    return fd;
}

seal_spool *seal_spool_new(const char *dir)
{
    int fd = anonymous_file(dir);
    if (fd < 0)
        return NULL;
    seal_spool *s = xcalloc(1, sizeof *s);
    s->fd = fd;
    randombytes_buf(s->key, sizeof s->key);
    s->w = seal_writer_new(fd, s->key);
    if (!s->w) {
        seal_spool_free(s);
        return NULL;
    }
    return s;
}

int seal_spool_write(seal_spool *s, const void *p, size_t n)
{
    return s->w ? seal_write(s->w, p, n) : -1;
}

int seal_spool_close(seal_spool *s)
{
    if (!s->w)
        return s->r ? 0 : -1;
    uint64_t sealed = 0;
    s->size = seal_written(s->w);
    int rc = seal_writer_finish(s->w, NULL, &sealed);
    seal_writer_free(s->w);
    s->w = NULL;
    if (rc == 0)
        s->r = seal_reader_new(seal_pread_fd, (void *)(intptr_t)s->fd, sealed, s->key);
    return s->r ? 0 : -1;
}

uint64_t seal_spool_size(const seal_spool *s)
{
    return s->w ? seal_written(s->w) : s->size;
}

ssize_t seal_spool_read(seal_spool *s, void *p, size_t n, uint64_t off)
{
    return s->r ? seal_read(s->r, p, n, off) : -1;
}

void seal_spool_free(seal_spool *s)
{
    if (!s)
        return;
    seal_writer_free(s->w);
    seal_reader_free(s->r);
    if (s->fd >= 0)
        close(s->fd);
    sodium_memzero(s->key, sizeof s->key);
    free(s);
}

/* A stream over a closed spool: where the next read starts. */
typedef struct spool_stream {
    seal_spool *s;
    uint64_t at;
} spool_stream;

static ssize_t stream_read(void *cookie, char *p, size_t n)
{
    spool_stream *x = cookie;
    ssize_t got = seal_spool_read(x->s, p, n, x->at);
    if (got > 0)
        x->at += (uint64_t)got;
    return got;
}

static int stream_seek(void *cookie, off64_t *off, int whence)
{
    spool_stream *x = cookie;
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)x->at : (int64_t)seal_spool_size(x->s);
    int64_t to = base + *off;
    if (to < 0) {
        errno = EINVAL;
        return -1;
    }
    x->at = (uint64_t)to;
    *off = to;
    return 0;
}

static int stream_close(void *cookie)
{
    free(cookie);
    return 0;
}

FILE *seal_spool_fopen(seal_spool *s)
{
    spool_stream *x = xcalloc(1, sizeof *x);
    x->s = s;
    FILE *f = fopencookie(x, "rb", (cookie_io_functions_t){stream_read, NULL, stream_seek, stream_close});
    if (!f)
        free(x);
    return f;
}
