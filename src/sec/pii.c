/* pii: see pii.h. */
#include "sec/pii.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/xalloc.h"

enum { MAX_KEYS = 16, NONCE = crypto_secretbox_NONCEBYTES, MAC = crypto_secretbox_MACBYTES };

struct pii_keyring {
    pthread_mutex_t mu;
    pii_master keys[MAX_KEYS];
    size_t n;
    char *path; /* the source to read again on an unknown id, or NULL */
    char *env;
    struct stat seen; /* the key file as last read: a replaced file is read again before wrapping */
};

/* Parses "ID HEX64" lines into keys; returns the count or -1 with err. */
static int parse_keys(const char *text, pii_master *keys, char *err, size_t errlen)
{
    int n = 0, lineno = 0;
    const char *p = text;
    while (*p) {
        const char *end = p + strcspn(p, "\n");
        lineno++;
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(end - p < 255 ? end - p : 255), p);
        p = *end ? end + 1 : end;
        char *s = line + strspn(line, " \t\r,;");
        if (!*s || *s == '#')
            continue;
        char id[PII_ID_MAX], hex[80];
        if (sscanf(s, "%31[A-Za-z0-9_.-] %79s", id, hex) != 2) {
            snprintf(err, errlen, "line %d: expected \"ID HEX\" (64 hex digits)", lineno);
            return -1;
        }
        size_t len = 0;
        if (n == MAX_KEYS ||
            sodium_hex2bin(keys[n].key, PII_KEY_BYTES, hex, strlen(hex), NULL, &len, NULL) != 0 ||
            len != PII_KEY_BYTES || strlen(hex) != 64) {
            snprintf(err, errlen, "line %d: the key of %s is not 64 hex digits", lineno, id);
            sodium_memzero(hex, sizeof hex);
            return -1;
        }
        sodium_memzero(hex, sizeof hex);
        snprintf(keys[n].id, PII_ID_MAX, "%s", id);
        n++;
    }
    if (n == 0)
        snprintf(err, errlen, "no key in it");
    return n ? n : -1;
}

/* Reads the keys from the source; 0 or -1 with err. Caller holds mu (or owns kr). */
static int read_source(pii_keyring *kr, char *err, size_t errlen)
{
    const char *envv = kr->env && *kr->env ? getenv(kr->env) : NULL;
    char text[4096];
    char msg[160];
    pii_master keys[MAX_KEYS];
    if (envv && *envv) {
        snprintf(text, sizeof text, "%s", envv);
        /* "k1 HEX, k0 HEX" in one variable: commas or semicolons separate keys. */
        for (char *q = text; *q; q++)
            if (*q == ',' || *q == ';')
                *q = '\n';
    } else if (kr->path) {
        int fd = open(kr->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            snprintf(err, errlen, "cannot read the key file %s: %s", kr->path, strerror(errno));
            return -1;
        }
        struct stat st;
        if (fstat(fd, &st) != 0 || (st.st_mode & 077)) {
            close(fd);
            snprintf(err, errlen, "the key file %s may be read by others: chmod 600 it", kr->path);
            return -1;
        }
        kr->seen = st;
        ssize_t got = read(fd, text, sizeof text - 1);
        close(fd);
        if (got < 0) {
            snprintf(err, errlen, "cannot read the key file %s: %s", kr->path, strerror(errno));
            return -1;
        }
        text[got] = '\0';
    } else {
        snprintf(err, errlen, "no key file and no key variable");
        return -1;
    }
    int n = parse_keys(text, keys, msg, sizeof msg);
    sodium_memzero(text, sizeof text);
    if (n < 0) {
        snprintf(err, errlen, "%s %s: %s", envv ? "the key variable" : "the key file", envv ? kr->env : kr->path, msg);
        return -1;
    }
    memcpy(kr->keys, keys, sizeof keys);
    kr->n = (size_t)n;
    sodium_memzero(keys, sizeof keys);
    return 0;
}

pii_keyring *pii_keyring_load(const char *path, const char *env_name, char *err, size_t errlen)
{
    pii_keyring *kr = xcalloc(1, sizeof *kr);
    pthread_mutex_init(&kr->mu, NULL);
    kr->path = path && *path ? xstrdup(path) : NULL;
    kr->env = env_name && *env_name ? xstrdup(env_name) : NULL;
    if (read_source(kr, err, errlen)) {
        pii_keyring_free(kr);
        return NULL;
    }
    return kr;
}

pii_keyring *pii_keyring_new(const pii_master *keys, size_t n)
{
    pii_keyring *kr = xcalloc(1, sizeof *kr);
    pthread_mutex_init(&kr->mu, NULL);
    kr->n = n < MAX_KEYS ? n : MAX_KEYS;
    memcpy(kr->keys, keys, kr->n * sizeof *keys);
    return kr;
}

void pii_keyring_free(pii_keyring *kr)
{
    if (!kr)
        return;
    sodium_memzero(kr->keys, sizeof kr->keys);
    pthread_mutex_destroy(&kr->mu);
    free(kr->path);
    free(kr->env);
    free(kr);
}

void pii_keyring_current(pii_keyring *kr, char out[PII_ID_MAX])
{
    pthread_mutex_lock(&kr->mu);
    snprintf(out, PII_ID_MAX, "%s", kr->keys[0].id);
    pthread_mutex_unlock(&kr->mu);
}

size_t pii_keyring_export(pii_keyring *kr, pii_master *keys, size_t max)
{
    pthread_mutex_lock(&kr->mu);
    size_t n = kr->n < max ? kr->n : max;
    memcpy(keys, kr->keys, n * sizeof *keys);
    pthread_mutex_unlock(&kr->mu);
    return n;
}

/* The index of key id, reading the source again once if unknown; -1 if none. Holds mu. */
static int find_key(pii_keyring *kr, const char *id)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < kr->n; i++)
            if (strcmp(kr->keys[i].id, id) == 0)
                return (int)i;
        char err[256];
        if (pass == 0 && (kr->path || kr->env) && read_source(kr, err, sizeof err) != 0) {
            log_warn("pii: cannot read the master keys again: %s", err);
            return -1;
        }
    }
    return -1;
}

bool pii_keyring_knows(pii_keyring *kr, const char *id)
{
    pthread_mutex_lock(&kr->mu);
    bool ok = find_key(kr, id) >= 0;
    pthread_mutex_unlock(&kr->mu);
    return ok;
}

void pii_master_generate(pii_master *out)
{
    snprintf(out->id, PII_ID_MAX, "k%lld-%04x", (long long)time(NULL), (unsigned)randombytes_uniform(0x10000));
    randombytes_buf(out->key, PII_KEY_BYTES);
}

int pii_keyfile_write(const char *path, const pii_master *keys, size_t n, char *err, size_t errlen)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        return -1;
    }
    char text[4096];
    size_t len = (size_t)snprintf(text, sizeof text,
                                  "# Redress master keys: \"ID HEX\", the first wraps new keys.\n"
                                  "# Keep this file apart from the database and its backups.\n");
    for (size_t i = 0; i < n && len < sizeof text - 100; i++) {
        char hex[2 * PII_KEY_BYTES + 1];
        sodium_bin2hex(hex, sizeof hex, keys[i].key, PII_KEY_BYTES);
        len += (size_t)snprintf(text + len, sizeof text - len, "%s %s\n", keys[i].id, hex);
        sodium_memzero(hex, sizeof hex);
    }
    bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    sodium_memzero(text, sizeof text);
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

int pii_keyfile_create(const char *path, char *err, size_t errlen)
{
    if (access(path, F_OK) == 0)
        return 0;
    pii_master k;
    pii_master_generate(&k);
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.new%d", path, (int)getpid());
    int rc = pii_keyfile_write(tmp, &k, 1, err, errlen);
    sodium_memzero(&k, sizeof k);
    if (rc)
        return -1;
    /* link() fails if another process created the file first: theirs wins. */
    rc = link(tmp, path);
    int saved = errno;
    unlink(tmp);
    if (rc != 0 && saved != EEXIST) {
        snprintf(err, errlen, "cannot create the key file %s: %s", path, strerror(saved));
        return -1;
    }
    return rc == 0 ? 1 : 0;
}

void pii_datakey_new(uint8_t dk[PII_KEY_BYTES])
{
    randombytes_buf(dk, PII_KEY_BYTES);
}

/*
 * `redress rekey` replaces the key file with a new current key: wrapping
 * must switch to it at once, not when this process next meets the new id,
 * or keys wrapped meanwhile would be left under the key being retired. A
 * stat per wrap (one per intake) is the price. Holds mu.
 */
static void follow_file(pii_keyring *kr)
{
    struct stat st;
    if (!kr->path || (kr->env && getenv(kr->env) && *getenv(kr->env)) || stat(kr->path, &st) != 0)
        return;
    if (st.st_ino == kr->seen.st_ino && st.st_size == kr->seen.st_size &&
        st.st_mtim.tv_sec == kr->seen.st_mtim.tv_sec && st.st_mtim.tv_nsec == kr->seen.st_mtim.tv_nsec)
        return;
    char err[256];
    if (read_source(kr, err, sizeof err) != 0)
        log_warn("pii: the key file changed but cannot be read: %s", err);
}

void pii_wrap(pii_keyring *kr, const uint8_t dk[PII_KEY_BYTES], char key_id[PII_ID_MAX],
              uint8_t out[PII_WRAPPED_BYTES])
{
    pthread_mutex_lock(&kr->mu);
    follow_file(kr);
    snprintf(key_id, PII_ID_MAX, "%s", kr->keys[0].id);
    randombytes_buf(out, NONCE);
    crypto_secretbox_easy(out + NONCE, dk, PII_KEY_BYTES, out, kr->keys[0].key);
    pthread_mutex_unlock(&kr->mu);
}

int pii_unwrap(pii_keyring *kr, const char *key_id, const uint8_t *wrapped, size_t len, uint8_t dk[PII_KEY_BYTES])
{
    pthread_mutex_lock(&kr->mu);
    int i = find_key(kr, key_id);
    int rc = PII_KEY_UNKNOWN;
    if (i >= 0)
        rc = len == PII_WRAPPED_BYTES && crypto_secretbox_open_easy(dk, wrapped + NONCE, PII_WRAPPED_BYTES - NONCE,
                                                                    wrapped, kr->keys[i].key) == 0
                 ? 0
                 : PII_KEY_WRONG;
    pthread_mutex_unlock(&kr->mu);
    return rc;
}

const char *pii_unwrap_why(int rc)
{
    return rc == PII_KEY_WRONG ? "does not open it: the key file holds a different key under that id (a wrong key), "
                                 "or the wrapped key is damaged"
                               : "is not in the key file (a missing key)";
}

/*
 * The sealed form is "pii1:" and base64url without padding (RFC 4648 §5) of
 * nonce, MAC and ciphertext. libsodium's codec for it runs in constant time,
 * which secrets need and a box does not (it is what an eavesdropper would
 * see anyway); it was most of the cost of opening a value, and a page of
 * the agent queue opens some 250. So a plain table codec, exactly as strict:
 * the alphabet only, no length of 1 mod 4, the unused low bits zero.
 */
static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t pii_b64_encode(char *out, const uint8_t *in, size_t n)
{
    char *o = out;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *o++ = b64_alphabet[v >> 18];
        *o++ = b64_alphabet[(v >> 12) & 63];
        *o++ = b64_alphabet[(v >> 6) & 63];
        *o++ = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        *o++ = b64_alphabet[in[i] >> 2];
        *o++ = b64_alphabet[(in[i] & 3) << 4];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 8 | in[i + 1];
        *o++ = b64_alphabet[v >> 10];
        *o++ = b64_alphabet[(v >> 4) & 63];
        *o++ = b64_alphabet[(v & 15) << 2];
    }
    *o = '\0';
    return (size_t)(o - out);
}

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

int pii_b64_decode(uint8_t *out, size_t *outlen, const char *in, size_t n)
{
    if (n % 4 == 1)
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value((unsigned char)in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6 | (uint32_t)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (uint8_t)(acc >> bits);
        }
    }
    if (bits && (acc & ((1u << bits) - 1)))
        return -1; /* not the encoding of any bytes */
    *outlen = k;
    return 0;
}

char *pii_seal(const uint8_t dk[PII_KEY_BYTES], const char *text)
{
    size_t n = strlen(text);
    size_t boxlen = NONCE + MAC + n;
    uint8_t *box = xmalloc(boxlen);
    randombytes_buf(box, NONCE);
    crypto_secretbox_easy(box + NONCE, (const uint8_t *)text, n, box, dk);
    size_t plen = sizeof PII_SEALED_PREFIX - 1;
    char *out = xmalloc(plen + PII_B64_LEN(boxlen) + 1);
    memcpy(out, PII_SEALED_PREFIX, plen);
    pii_b64_encode(out + plen, box, boxlen);
    free(box);
    return out;
}

char *pii_open(const uint8_t dk[PII_KEY_BYTES], const char *sealed)
{
    if (!pii_is_sealed(sealed))
        return NULL;
    const char *b = sealed + sizeof PII_SEALED_PREFIX - 1;
    size_t blen = strlen(b);
    uint8_t *box = xmalloc(blen + 1);
    size_t boxlen = 0;
    char *out = NULL;
    if (pii_b64_decode(box, &boxlen, b, blen) != 0 || boxlen < NONCE + MAC)
        goto out;
    size_t n = boxlen - NONCE - MAC;
    out = xmalloc(n + 1);
    if (crypto_secretbox_open_easy((uint8_t *)out, box + NONCE, boxlen - NONCE, box, dk) != 0) {
        free(out);
        out = NULL;
        goto out;
    }
    out[n] = '\0';
out:
    free(box);
    return out;
}

void pii_blind_index(const uint8_t index_key[PII_KEY_BYTES], const char *digits, char out[PII_INDEX_HEX])
{
    uint8_t h[16];
    crypto_generichash(h, sizeof h, (const uint8_t *)digits, strlen(digits), index_key, PII_KEY_BYTES);
    sodium_bin2hex(out, PII_INDEX_HEX, h, sizeof h);
}
