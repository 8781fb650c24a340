/*
 * test_pii: the cryptography of customer data (sec/pii.h) — sealed values
 * open only under their own data key, wrapped keys only under a master key
 * the keyring holds, the blind index is stable under one index key and
 * different under another, and key files are private and well-formed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "sec/pii.h"

static pii_master key(const char *id, unsigned char fill)
{
    pii_master k;
    snprintf(k.id, sizeof k.id, "%s", id);
    memset(k.key, fill, sizeof k.key);
    return k;
}

static void test_seal_open_round_trip(void **state)
{
    (void)state;
    uint8_t dk[PII_KEY_BYTES], other[PII_KEY_BYTES];
    pii_datakey_new(dk);
    pii_datakey_new(other);
    const char *texts[] = {"", "王先生", "13800138000", "line\nbreak \"quotes\" ⛽🚗 𠀀"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char *s = pii_seal(dk, texts[i]);
        assert_true(pii_is_sealed(s));
        assert_null(strstr(s, "13800138000"));
        char *o = pii_open(dk, s);
        assert_non_null(o);
        assert_string_equal(o, texts[i]);
        assert_null(pii_open(other, s)); /* another complaint's key opens nothing */
        char *again = pii_seal(dk, texts[i]);
        assert_string_not_equal(s, again); /* a fresh nonce each time */
        free(o);
        free(s);
        free(again);
    }
    char *s = pii_seal(dk, "13800138000");
    s[strlen(s) - 2] = s[strlen(s) - 2] == 'A' ? 'B' : 'A'; /* one byte changed */
    assert_null(pii_open(dk, s));
    free(s);
    assert_null(pii_open(dk, "13800138000")); /* not a sealed value */
    assert_null(pii_open(dk, "pii1:!!!"));
}

/* The sealed form's codec is libsodium's URL-safe, unpadded base64, byte for byte. */
static void test_b64_matches_libsodium(void **state)
{
    (void)state;
    uint8_t in[300], back[300];
    char mine[420], theirs[420];
    for (size_t n = 0; n <= sizeof in; n++) {
        randombytes_buf(in, n);
        size_t len = pii_b64_encode(mine, in, n);
        sodium_bin2base64(theirs, sizeof theirs, in, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        assert_string_equal(mine, theirs);
        assert_int_equal(len, PII_B64_LEN(n));
        size_t got = 0;
        assert_int_equal(pii_b64_decode(back, &got, mine, len), 0);
        assert_int_equal(got, n);
        assert_memory_equal(back, in, n);
    }
    /* What is not the encoding of some bytes is refused, as libsodium refuses it. */
    const char *bad[] = {"A", "AAAAA", "AB", "AAB", "AA+A", "AA/A", "AA=A", "AA A", "AA.A"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t got = 0, sgot = 0;
        int sodium_rc = sodium_base642bin(back, sizeof back, bad[i], strlen(bad[i]), NULL, &sgot, NULL,
                                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        assert_int_equal(sodium_rc, -1);
        if (pii_b64_decode(back, &got, bad[i], strlen(bad[i])) != -1)
            fail_msg("\"%s\" was decoded", bad[i]);
    }
}

static void test_wrap_unwrap_and_rotation(void **state)
{
    (void)state;
    pii_master old = key("k1", 1), fresh = key("k2", 2);
    pii_keyring *a = pii_keyring_new(&old, 1);
    uint8_t dk[PII_KEY_BYTES], back[PII_KEY_BYTES];
    pii_datakey_new(dk);
    char id[PII_ID_MAX];
    uint8_t w[PII_WRAPPED_BYTES];
    pii_wrap(a, dk, id, w);
    assert_string_equal(id, "k1");
    assert_int_equal(pii_unwrap(a, "k1", w, sizeof w, back), 0);
    assert_memory_equal(dk, back, sizeof dk);
    assert_int_equal(pii_unwrap(a, "k2", w, sizeof w, back), PII_KEY_UNKNOWN); /* unknown id */
    /* The right id with other bytes is a wrong key, not a missing one. */
    pii_master impostor = key("k1", 9);
    pii_keyring *x = pii_keyring_new(&impostor, 1);
    assert_int_equal(pii_unwrap(x, "k1", w, sizeof w, back), PII_KEY_WRONG);
    assert_int_equal(pii_unwrap(x, "k9", w, sizeof w, back), PII_KEY_UNKNOWN);
    assert_string_not_equal(pii_unwrap_why(PII_KEY_WRONG), pii_unwrap_why(PII_KEY_UNKNOWN));
    pii_keyring_free(x);
    w[30] ^= 1;
    assert_int_equal(pii_unwrap(a, "k1", w, sizeof w, back), PII_KEY_WRONG); /* damaged */
    /* During a rotation the new key wraps, the old one still unwraps. */
    pii_master both[] = {fresh, old};
    pii_keyring *b = pii_keyring_new(both, 2);
    pii_wrap(a, dk, id, w);
    uint8_t w2[PII_WRAPPED_BYTES];
    char id2[PII_ID_MAX];
    pii_wrap(b, dk, id2, w2);
    assert_string_equal(id2, "k2");
    assert_int_equal(pii_unwrap(b, "k1", w, sizeof w, back), 0);
    assert_int_equal(pii_unwrap(b, "k2", w2, sizeof w2, back), 0);
    assert_memory_equal(dk, back, sizeof dk);
    assert_int_equal(pii_unwrap(a, "k2", w2, sizeof w2, back), PII_KEY_UNKNOWN);
    pii_keyring_free(a);
    pii_keyring_free(b);
}

static void test_blind_index(void **state)
{
    (void)state;
    uint8_t k1[PII_KEY_BYTES], k2[PII_KEY_BYTES];
    memset(k1, 7, sizeof k1);
    memset(k2, 8, sizeof k2);
    char a[PII_INDEX_HEX], b[PII_INDEX_HEX], c[PII_INDEX_HEX], d[PII_INDEX_HEX];
    pii_blind_index(k1, "13800138000", a);
    pii_blind_index(k1, "13800138000", b);
    pii_blind_index(k1, "13800138001", c);
    pii_blind_index(k2, "13800138000", d);
    assert_int_equal(strlen(a), 32);
    assert_string_equal(a, b);      /* stable: lookups work */
    assert_string_not_equal(a, c);  /* one digit apart, unrelated */
    assert_string_not_equal(a, d);  /* keyed: without the key nobody can compute it */
    assert_null(strstr(a, "138"));
}

static void test_key_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/redress-test-pii-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/redress.key", dir);
    assert_int_equal(pii_keyfile_create(path, err, sizeof err), 1);
    assert_int_equal(pii_keyfile_create(path, err, sizeof err), 0); /* never replaced */
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    pii_keyring *kr = pii_keyring_load(path, NULL, err, sizeof err);
    assert_non_null(kr);
    char id[PII_ID_MAX];
    pii_keyring_current(kr, id);
    assert_true(id[0] == 'k');
    pii_keyring_free(kr);
    /* A file others may read is refused. */
    chmod(path, 0644);
    assert_null(pii_keyring_load(path, NULL, err, sizeof err));
    assert_non_null(strstr(err, "chmod 600"));
    /* A malformed line is named. */
    FILE *f = fopen(path, "w");
    fputs("# comment\nk1 abcd\n", f);
    fclose(f);
    chmod(path, 0600);
    assert_null(pii_keyring_load(path, NULL, err, sizeof err));
    assert_non_null(strstr(err, "line 2"));
    /* The environment variable wins over the file; several keys, the first current. */
    setenv("REDRESS_TEST_KEYS",
           "k9 0909090909090909090909090909090909090909090909090909090909090909, "
           "k8 0808080808080808080808080808080808080808080808080808080808080808", 1);
    kr = pii_keyring_load(path, "REDRESS_TEST_KEYS", err, sizeof err);
    assert_non_null(kr);
    pii_keyring_current(kr, id);
    assert_string_equal(id, "k9");
    assert_true(pii_keyring_knows(kr, "k8"));
    assert_false(pii_keyring_knows(kr, "k7"));
    pii_keyring_free(kr);
    unsetenv("REDRESS_TEST_KEYS");
    /* Written keys read back, current first. */
    pii_master two[] = {key("new", 3), key("old", 4)};
    assert_int_equal(pii_keyfile_write(path, two, 2, err, sizeof err), 0);
    kr = pii_keyring_load(path, NULL, err, sizeof err);
    assert_non_null(kr);
    pii_master got[4];
    assert_int_equal(pii_keyring_export(kr, got, 4), 2);
    assert_string_equal(got[0].id, "new");
    assert_memory_equal(got[1].key, two[1].key, PII_KEY_BYTES);
    pii_keyring_free(kr);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seal_open_round_trip),
        cmocka_unit_test(test_b64_matches_libsodium),
        cmocka_unit_test(test_wrap_unwrap_and_rotation),
        cmocka_unit_test(test_blind_index),
        cmocka_unit_test(test_key_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
