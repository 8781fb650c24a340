/*
 * Unit tests for store/pgutil, the pure text work of the PostgreSQL
 * backend: which SQLSTATEs are conflicts, retries or a lost server (what
 * decides between 409, a silent retry and 503), bytea hex output, array
 * literals for "= ANY($n)" parameters (quoting that a hostile category code
 * cannot escape) and quoted identifiers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/pgutil.h"

static void test_classify(void **state)
{
    (void)state;
    assert_int_equal(pgutil_classify("23505", false), PGF_CONFLICT); /* unique_violation */
    assert_int_equal(pgutil_classify("23503", false), PGF_CONFLICT); /* foreign_key_violation */
    assert_int_equal(pgutil_classify("40001", false), PGF_RETRY);    /* serialization_failure */
    assert_int_equal(pgutil_classify("40P01", false), PGF_RETRY);    /* deadlock_detected */
    assert_int_equal(pgutil_classify("57P01", false), PGF_LOST);     /* admin_shutdown */
    assert_int_equal(pgutil_classify("57P03", false), PGF_LOST);     /* cannot_connect_now */
    assert_int_equal(pgutil_classify("08006", false), PGF_LOST);     /* connection_failure */
    assert_int_equal(pgutil_classify("25006", false), PGF_LOST);     /* read-only: a standby after failover */
    assert_int_equal(pgutil_classify("42601", false), PGF_ERROR);    /* syntax_error: a bug */
    assert_int_equal(pgutil_classify("42P01", false), PGF_ERROR);    /* undefined_table */
    assert_int_equal(pgutil_classify("57014", false), PGF_ERROR);    /* query_canceled */
    assert_int_equal(pgutil_classify(NULL, false), PGF_ERROR);
    assert_int_equal(pgutil_classify("", false), PGF_ERROR);
    assert_int_equal(pgutil_classify("2350", false), PGF_ERROR);
    /* A dead connection wins over whatever code came with it. */
    assert_int_equal(pgutil_classify(NULL, true), PGF_LOST);
    assert_int_equal(pgutil_classify("23505", true), PGF_LOST);
}

static void test_bytea(void **state)
{
    (void)state;
    uint8_t out[4];
    assert_int_equal(pgutil_bytea("\\x00ff10Ab", out, 4), 0);
    assert_memory_equal(out, "\x00\xff\x10\xab", 4);
    assert_int_equal(pgutil_bytea("\\x00ff10", out, 4), -1);     /* too short */
    assert_int_equal(pgutil_bytea("\\x00ff10abcd", out, 4), -1); /* too long */
    assert_int_equal(pgutil_bytea("\\x00ff10zz", out, 4), -1);   /* not hex */
    assert_int_equal(pgutil_bytea("00ff10ab", out, 4), -1);      /* not hex output */
    assert_int_equal(pgutil_bytea("\\000\\377", out, 2), -1);    /* escape output is not accepted */
    assert_int_equal(pgutil_bytea(NULL, out, 4), -1);

    size_t n = 99;
    uint8_t *d = pgutil_bytea_dup("\\x", &n);
    assert_non_null(d);
    assert_int_equal(n, 0);
    free(d);
    d = pgutil_bytea_dup("\\xdeadbeef00", &n);
    assert_non_null(d);
    assert_int_equal(n, 5);
    assert_memory_equal(d, "\xde\xad\xbe\xef\x00", 5);
    free(d);
    assert_null(pgutil_bytea_dup("\\xabc", &n));
    assert_null(pgutil_bytea_dup("\\xgg", &n));
    assert_null(pgutil_bytea_dup("abc", &n));
}

static void test_int_array(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    pgutil_int_array(&b, NULL, 0);
    assert_string_equal(b.data, "{}");
    buf_clear(&b);
    int64_t v[] = {1, -2, 9000000000000000LL};
    pgutil_int_array(&b, v, 3);
    assert_string_equal(b.data, "{1,-2,9000000000000000}");
    buf_release(&b);
}

static void test_text_array(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    const char *v[] = {"service.attitude", "a,b", "say \"hi\"", "back\\slash", "}{", "NULL", "服务"};
    pgutil_text_array(&b, v, 7);
    assert_string_equal(b.data,
                        "{\"service.attitude\",\"a,b\",\"say \\\"hi\\\"\",\"back\\\\slash\",\"}{\",\"NULL\",\"服务\"}");
    buf_clear(&b);
    pgutil_text_array(&b, v, 0);
    assert_string_equal(b.data, "{}");
    buf_release(&b);
}

static void test_ident(void **state)
{
    (void)state;
    buf b;
    buf_init(&b);
    pgutil_ident(&b, "events");
    buf_putc(&b, ' ');
    pgutil_ident(&b, "we\"ird");
    assert_string_equal(b.data, "\"events\" \"we\"\"ird\"");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify),   cmocka_unit_test(test_bytea), cmocka_unit_test(test_int_array),
        cmocka_unit_test(test_text_array), cmocka_unit_test(test_ident),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
