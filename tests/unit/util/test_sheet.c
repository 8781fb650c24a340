/*
 * test_sheet: an export as the spreadsheet user gets it — the CSV's bytes
 * exactly, and the XLSX opened (its zip read back with zlib) to see the
 * frozen header, the cells as strings and numbers in their formats, widths
 * that fit, and the definitions sheet.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "util/sheet.h"

static const sheet_col cols[] = {{"单位", SHEET_TEXT},
                                 {"受理量", SHEET_INT},
                                 {"按时办结率", SHEET_PERCENT},
                                 {"金额（元）", SHEET_YUAN},
                                 {"受理时间", SHEET_DATETIME}};

static void fill(sheet *s)
{
    sheet_text(s, "浦东第一加油站");
    sheet_int(s, 42);
    sheet_number(s, 0.953);
    sheet_number(s, 1234.5);
    sheet_time(s, 1767225600, 480); /* 2026-01-01 00:00 UTC = 08:00 in Beijing */
    sheet_text(s, "=HYPERLINK(\"http://x\")");
    sheet_int(s, -1);
    sheet_number(s, NAN);
    sheet_blank(s);
    sheet_time(s, 0, 480);
}

static void test_csv_bytes(void **state)
{
    (void)state;
    sheet_format f;
    assert_int_equal(sheet_format_parse("csv", &f), 0);
    sheet *s = sheet_open(f, "报表", cols, 5);
    fill(s);
    sheet_note(s, "受理量", "ignored in CSV");
    buf out;
    buf_init(&out);
    assert_int_equal(sheet_close(s, &out), 0);
    assert_string_equal(out.data, "\xEF\xBB\xBF"
                                  "单位,受理量,按时办结率,金额（元）,受理时间\r\n"
                                  "浦东第一加油站,42,95.30%,1234.50,2026-01-01 08:00\r\n"
                                  "\"'=HYPERLINK(\"\"http://x\"\")\",-1,,,\r\n");
    assert_string_equal(sheet_mime(f), "text/csv; charset=utf-8");
    assert_string_equal(sheet_ext(f), "csv");
    buf_release(&out);
}

static void test_formats(void **state)
{
    (void)state;
    sheet_format f;
    assert_int_equal(sheet_format_parse("xlsx", &f), 0);
    assert_int_equal(f, SHEET_XLSX);
    assert_int_equal(sheet_format_parse("xls", &f), -1);
    assert_int_equal(sheet_format_parse(NULL, &f), -1);
    assert_string_equal(sheet_ext(SHEET_XLSX), "xlsx");
}

static uint32_t le(const unsigned char *p, int n)
{
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The inflated member `name` of the zip in z, or NULL: found through the
 * central directory, whose sizes are always right. */
static char *unzip(const buf *z, const char *name)
{
    const unsigned char *d = (const unsigned char *)z->data;
    size_t eocd = z->len - 22;
    while (eocd > 0 && le(d + eocd, 4) != 0x06054b50)
        eocd--;
    size_t p = le(d + eocd + 16, 4);
    for (uint32_t n = le(d + eocd + 10, 2); n > 0; n--) {
        uint32_t method = le(d + p + 10, 2), csize = le(d + p + 20, 4), usize = le(d + p + 24, 4);
        uint32_t nlen = le(d + p + 28, 2), xlen = le(d + p + 30, 2), clen = le(d + p + 32, 2);
        uint32_t local = le(d + p + 42, 4);
        if (nlen == strlen(name) && memcmp(d + p + 46, name, nlen) == 0) {
            const unsigned char *data = d + local + 30 + le(d + local + 26, 2) + le(d + local + 28, 2);
            char *outp = calloc(1, usize + 1);
            if (method == 0) {
                memcpy(outp, data, usize);
                return outp;
            }
            z_stream zs = {0};
            inflateInit2(&zs, -MAX_WBITS);
            zs.next_in = (unsigned char *)data;
            zs.avail_in = csize;
            zs.next_out = (unsigned char *)outp;
            zs.avail_out = usize;
            int rc = inflate(&zs, Z_FINISH);
            inflateEnd(&zs);
            assert_int_equal(rc, Z_STREAM_END);
            return outp;
        }
        p += 46 + nlen + xlen + clen;
    }
    return NULL;
}

static void test_xlsx_opens(void **state)
{
    (void)state;
    sheet *s = sheet_open(SHEET_XLSX, "月报: 2026/01", cols, 5);
    fill(s);
    sheet_note(s, "按时办结率", "按时办结的有效投诉 ÷ 办结的有效投诉；无效投诉不计入分母。目标 95%。");
    buf out;
    buf_init(&out);
    assert_int_equal(sheet_close(s, &out), 0);
    assert_true(out.len > 1000);
    assert_memory_equal(out.data, "PK\x03\x04", 4);

    char *book = unzip(&out, "xl/workbook.xml");
    assert_non_null(book);
    assert_non_null(strstr(book, "name=\"月报_ 2026_01\"")); /* [ ] : * ? / \ are not allowed in a name */
    assert_non_null(strstr(book, "name=\"说明\""));
    free(book);

    char *ws = unzip(&out, "xl/worksheets/sheet1.xml");
    assert_non_null(ws);
    assert_non_null(strstr(ws, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
    assert_non_null(strstr(ws, "<t>浦东第一加油站</t>"));
    assert_non_null(strstr(ws, "<v>42</v>"));
    assert_non_null(strstr(ws, "<v>0.953</v>"));
    assert_non_null(strstr(ws, "<v>1234.5</v>"));
    assert_non_null(strstr(ws, "<v>46023.3333")); /* 2026-01-01 08:00 as Excel's serial date */
    /* a string cell is text, never a formula: no <f> element anywhere */
    assert_non_null(strstr(ws, "<t>=HYPERLINK(\"http://x\")</t>"));
    assert_null(strstr(ws, "<f>"));
    /* widths fit the longest cell: the 22 characters of the formula text in
     * the first column, the header's five Chinese characters in the third */
    assert_non_null(strstr(ws, "<col min=\"1\" max=\"1\" width=\"24.7109375\""));
    assert_non_null(strstr(ws, "<col min=\"3\" max=\"3\" width=\"12.7109375\""));
    free(ws);

    char *styles = unzip(&out, "xl/styles.xml");
    assert_non_null(strstr(styles, "formatCode=\"0.0%\""));
    assert_non_null(strstr(styles, "formatCode=\"#,##0.00\""));
    assert_non_null(strstr(styles, "formatCode=\"yyyy-mm-dd hh:mm\""));
    free(styles);

    char *notes = unzip(&out, "xl/worksheets/sheet2.xml");
    assert_non_null(notes);
    assert_non_null(strstr(notes, "无效投诉不计入分母"));
    free(notes);
    buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_bytes),
        cmocka_unit_test(test_formats),
        cmocka_unit_test(test_xlsx_opens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
