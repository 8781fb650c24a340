/*
 * test_csv: CSV cells — plain, quoted, and neutralised when they would
 * start a spreadsheet formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "util/csv.h"

static void expect_cell(const char *in, const char *want)
{
    buf b;
    buf_init(&b);
    csv_cell(&b, in, true);
    assert_string_equal(b.data, want);
    buf_release(&b);
}

static void test_plain_and_quoted(void **state)
{
    (void)state;
    expect_cell("加油员 李强", "加油员 李强\r\n");
    expect_cell(NULL, "\r\n");
    expect_cell("a,b", "\"a,b\"\r\n");
    expect_cell("say \"hi\"", "\"say \"\"hi\"\"\"\r\n");
    expect_cell("two\nlines", "\"two\nlines\"\r\n");
    expect_cell("12.50", "12.50\r\n");
    expect_cell("a=b", "a=b\r\n");
    buf b;
    buf_init(&b);
    csv_cell(&b, "x", false);
    csv_cell(&b, "y", true);
    assert_string_equal(b.data, "x,y\r\n");
    buf_release(&b);
}

static void test_formulas_are_neutralised(void **state)
{
    (void)state;
    expect_cell("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
    expect_cell("+1+1", "\"'+1+1\"\r\n");
    expect_cell("-2+3", "\"'-2+3\"\r\n");
    expect_cell("@SUM(A1)", "\"'@SUM(A1)\"\r\n");
    expect_cell("\t=1", "\"'\t=1\"\r\n");
    expect_cell("\r=1", "\"'\r=1\"\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_formulas_are_neutralised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
