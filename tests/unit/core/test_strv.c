/*
 * test_strv: the pack's lists of strings — a string or a non-empty array,
 * each value checked, errors naming the element — and the match where a
 * missing list means "any".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/strv.h"

static bool only_ab(const struct taxonomy *p, const char *s)
{
    (void)p;
    return strcmp(s, "a") == 0 || strcmp(s, "b") == 0;
}

static int load(const char *text, char ***out, cerr *e)
{
    json_error_t jerr;
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, &jerr) : NULL;
    *out = NULL;
    int rc = strv_load(v, "when.channel", only_ab, NULL, out, e);
    json_decref(v);
    return rc;
}

static void test_a_string_or_an_array(void **state)
{
    (void)state;
    char **v;
    cerr e = {0};
    assert_int_equal(load("\"a\"", &v, &e), 0);
    assert_string_equal(v[0], "a");
    assert_null(v[1]);
    strv_free(v);
    assert_int_equal(load("[\"b\", \"a\"]", &v, &e), 0);
    assert_string_equal(v[0], "b");
    assert_string_equal(v[1], "a");
    assert_null(v[2]);
    assert_true(strv_has(v, "a"));
    assert_false(strv_has(v, "c"));
    assert_false(strv_has(v, NULL));
    strv_free(v);
    /* Absent: nothing read, no error; and no list matches anything. */
    assert_int_equal(load(NULL, &v, &e), 0);
    assert_null(v);
    assert_true(strv_has(NULL, "anything"));
}

static void test_errors_name_the_element(void **state)
{
    (void)state;
    char **v;
    cerr e = {0};
    assert_int_equal(load("[\"a\", \"x\"]", &v, &e), CERR_USER);
    assert_string_equal(e.field, "when.channel[1]");
    assert_non_null(strstr(e.message, "unknown value \"x\""));
    strv_free(v);
    assert_int_equal(load("\"x\"", &v, &e), CERR_USER);
    assert_string_equal(e.field, "when.channel");
    strv_free(v);
    assert_int_equal(load("[\"a\", 7]", &v, &e), CERR_USER);
    assert_string_equal(e.field, "when.channel[1]");
    strv_free(v);
    assert_int_equal(load("[]", &v, &e), CERR_USER);
    assert_string_equal(e.field, "when.channel");
    assert_int_equal(load("{}", &v, &e), CERR_USER);
    assert_int_equal(load("3", &v, &e), CERR_USER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_string_or_an_array),
        cmocka_unit_test(test_errors_name_the_element),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
