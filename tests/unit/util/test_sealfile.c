/*
 * test_sealfile: sealed files read back at every offset, sizes at the chunk
 * boundaries, a changed byte or a cut-off end noticed, and a spool whose
 * file holds none of what was written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "util/sealfile.h"

static const uint8_t KEY[SEAL_KEY] = {1, 2, 3};

/* Seals n pattern bytes into a temporary file; returns its fd, sealed size in *sealed. */
static int sealed_file(size_t n, uint64_t *sealed, uint8_t *clear)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    int fd = dup(fileno(f));
    fclose(f);
    for (size_t i = 0; i < n; i++)
        clear[i] = (uint8_t)(i * 7 + i / 251);
    seal_writer *w = seal_writer_new(fd, KEY);
    assert_non_null(w);
    /* In uneven pieces. */
    for (size_t at = 0, k = 1; at < n; at += k, k = k * 3 + 1)
        assert_int_equal(seal_write(w, clear + at, n - at < k ? n - at : k), 0);
    uint8_t digest[SEAL_DIGEST];
    assert_int_equal(seal_writer_finish(w, digest, sealed), 0);
    seal_writer_free(w);
    assert_int_equal(*sealed, seal_sealed_size(n));
    return fd;
}

static void test_round_trip_at_chunk_edges(void **state)
{
    (void)state;
    size_t sizes[] = {0, 1, SEAL_CHUNK - 1, SEAL_CHUNK, SEAL_CHUNK + 1, 3 * SEAL_CHUNK, 3 * SEAL_CHUNK + 17};
    uint8_t *clear = malloc(4 * SEAL_CHUNK), *got = malloc(4 * SEAL_CHUNK);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        uint64_t sealed, n;
        int fd = sealed_file(sizes[s], &sealed, clear);
        assert_int_equal(seal_clear_size(sealed, &n), 0);
        assert_int_equal(n, sizes[s]);
        seal_reader *r = seal_reader_new(seal_pread_fd, (void *)(intptr_t)fd, sealed, KEY);
        assert_non_null(r);
        assert_int_equal(seal_reader_size(r), sizes[s]);
        assert_int_equal(seal_read(r, got, 4 * SEAL_CHUNK, 0), (ssize_t)sizes[s]);
        assert_memory_equal(got, clear, sizes[s]);
        /* A range across a chunk's end. */
        if (sizes[s] > SEAL_CHUNK + 1) {
            assert_int_equal(seal_read(r, got, 10, SEAL_CHUNK - 5), 10);
            assert_memory_equal(got, clear + SEAL_CHUNK - 5, 10);
        }
        assert_int_equal(seal_read(r, got, 10, sizes[s]), 0);
        assert_int_equal(seal_check(r), 0);
        seal_reader_free(r);
        /* Another key opens nothing. */
        uint8_t other[SEAL_KEY] = {9};
        r = seal_reader_new(seal_pread_fd, (void *)(intptr_t)fd, sealed, other);
        assert_non_null(r);
        assert_int_equal(seal_check(r), -1);
        seal_reader_free(r);
        /* Cut off after a whole chunk: noticed (the size, or the last chunk's mark). */
        if (sizes[s] > SEAL_CHUNK) {
            uint64_t cut = SEAL_HEADER + SEAL_CHUNK + SEAL_TAG;
            r = seal_reader_new(seal_pread_fd, (void *)(intptr_t)fd, cut, KEY);
            assert_true(r == NULL || seal_check(r) == -1);
            seal_reader_free(r);
        }
        close(fd);
    }
    free(clear);
    free(got);
}

static void test_a_changed_byte_is_noticed(void **state)
{
    (void)state;
    uint8_t clear[1000];
    uint64_t sealed;
    int fd = sealed_file(sizeof clear, &sealed, clear);
    uint8_t b;
    assert_int_equal(pread(fd, &b, 1, 500), 1);
    b ^= 1;
    assert_int_equal(pwrite(fd, &b, 1, 500), 1);
    seal_reader *r = seal_reader_new(seal_pread_fd, (void *)(intptr_t)fd, sealed, KEY);
    assert_non_null(r);
    assert_int_equal(seal_check(r), -1);
    uint8_t got[10];
    assert_int_equal(seal_read(r, got, sizeof got, 0), -1);
    seal_reader_free(r);
    close(fd);
}

static void test_spool_holds_no_clear_text(void **state)
{
    (void)state;
    char dir[] = "/tmp/test-spool-XXXXXX";
    assert_non_null(mkdtemp(dir));
    seal_spool *s = seal_spool_new(dir);
    assert_non_null(s);
    const char *secret = "客户张三的发票照片 13812345678 ";
    size_t n = strlen(secret);
    for (int i = 0; i < 5000; i++)
        assert_int_equal(seal_spool_write(s, secret, n), 0);
    assert_int_equal(seal_spool_close(s), 0);
    assert_int_equal(seal_spool_size(s), 5000 * n);
    char got[64];
    assert_int_equal(seal_spool_read(s, got, n, 4999 * n), (ssize_t)n);
    assert_memory_equal(got, secret, n);
    seal_spool_free(s);
    /* The file had no name, and is gone. */
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_at_chunk_edges),
        cmocka_unit_test(test_a_changed_byte_is_noticed),
        cmocka_unit_test(test_spool_holds_no_clear_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
