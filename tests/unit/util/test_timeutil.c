/*
 * Unit tests for util/timeutil and util/utf8: RFC 3339 parsing and
 * formatting at a fixed offset, civil dates and local day boundaries (the
 * day a complaint number and the daily statistics belong to), zone names,
 * and character counting of user text (limits are in characters, and text
 * with invalid UTF-8 or control characters is refused). Expected instants
 * are literal Unix seconds, worked out independently of the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/timeutil.h"
#include "util/utf8.h"

static int64_t parse_ok(const char *s)
{
    int64_t t = -1;
    if (time_parse_rfc3339(s, &t) != 0)
        fail_msg("time_parse_rfc3339 refused \"%s\"", s);
    return t;
}

static void parse_bad(const char *s)
{
    int64_t t = 12345;
    if (time_parse_rfc3339(s, &t) != -1)
        fail_msg("time_parse_rfc3339 accepted \"%s\" as %lld", s, (long long)t);
    assert_int_equal(t, 12345); /* untouched */
}

static void test_rfc3339_parse(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse_ok("2026-03-01T12:30:45Z"), 1772368245);
    assert_int_equal(parse_ok("2026-03-01T12:30:45z"), 1772368245);
    assert_int_equal(parse_ok("2026-03-01T12:30:45+00:00"), 1772368245);
    assert_int_equal(parse_ok("2026-03-01T12:30:45-00:00"), 1772368245);
    assert_int_equal(parse_ok("2026-03-01T12:30:45+08:00"), 1772339445);
    assert_int_equal(parse_ok("2026-03-01T12:30:45-05:30"), 1772388045);
    assert_int_equal(parse_ok("2026-03-01t12:30:45+08:00"), 1772339445);
    assert_int_equal(parse_ok("2026-03-01 12:30:45+08:00"), 1772339445);
    /* fractions are accepted and truncated, never rounded up */
    assert_int_equal(parse_ok("2026-03-01T12:30:45.999+08:00"), 1772339445);
    assert_int_equal(parse_ok("2026-03-01T12:30:45.1Z"), 1772368245);
    assert_int_equal(parse_ok("2026-03-01T12:30:45.123456789Z"), 1772368245);
    /* leap days, the end of a year, a leap second (read as :59) */
    assert_int_equal(parse_ok("2028-02-29T23:59:59Z"), 1835481599);
    assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400);
    assert_int_equal(parse_ok("2026-12-31T23:59:60Z"), parse_ok("2026-12-31T23:59:59Z"));
    assert_int_equal(parse_ok("2027-01-01T00:00:00+08:00"), 1798732800);
    assert_int_equal(parse_ok("9999-12-31T23:59:59Z"), INT64_C(253402300799));
}

static void test_rfc3339_rejects(void **state)
{
    (void)state;
    static const char *bad[] = {
        "2026-02-30T10:00:00+08:00", /* no such day */
        "2026-02-29T10:00:00+08:00", /* 2026 is not a leap year */
        "2100-02-29T10:00:00Z",      /* nor is 2100 */
        "2026-04-31T10:00:00Z",
        "2026-13-01T10:00:00Z",
        "2026-00-10T10:00:00Z",
        "2026-03-00T10:00:00Z",
        "2026-03-01T24:00:00+08:00", /* 24:00 is not an hour */
        "2026-03-01T23:60:00Z",
        "2026-03-01T23:59:61Z",
        "2026-03-01T12:30:45",      /* no offset */
        "2026-03-01T12:30:45+0800", /* offset without a colon */
        "2026-03-01T12:30:45+08",
        "2026-03-01T12:30:45+24:00",
        "2026-03-01T12:30:45+08:60",
        "2026-03-01T12:30:45.Z", /* a dot without digits */
        "2026-03-01T12:30:45Z ", /* trailing text */
        "2026-03-01T12:30:45+08:00Z",
        "2026-03-01X12:30:45Z",
        "2026-3-1T12:30:45Z",
        "2026-03-01T2:30:45Z",
        "2026/03/01T12:30:45Z",
        "+2026-03-01T12:30:45Z",
        "2026-03-01",
        "2026-03-01T12:30Z",
        "",
        "garbage",
        "yesterday at noon, Beijing time",
        "2026-03-01T12:30:45+",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        parse_bad(bad[i]);
    int64_t t;
    assert_int_equal(time_parse_rfc3339(NULL, &t), -1);
}

static void test_format(void **state)
{
    (void)state;
    char out[40];
    time_format(0, 480, out, sizeof out);
    assert_string_equal(out, "1970-01-01T08:00:00+08:00");
    time_format(1772339445, 480, out, sizeof out);
    assert_string_equal(out, "2026-03-01T12:30:45+08:00");
    time_format(1772339445, 0, out, sizeof out);
    assert_string_equal(out, "2026-03-01T04:30:45+00:00");
    time_format(1772388045, -330, out, sizeof out);
    assert_string_equal(out, "2026-03-01T12:30:45-05:30");
    /* the local date rolls over at the offset's midnight */
    time_format(1772380799, 480, out, sizeof out);
    assert_string_equal(out, "2026-03-01T23:59:59+08:00");
    time_format(1772380800, 480, out, sizeof out);
    assert_string_equal(out, "2026-03-02T00:00:00+08:00");
    time_format(1835481599, 480, out, sizeof out);
    assert_string_equal(out, "2028-03-01T07:59:59+08:00");
    /* before the epoch in UTC, but after it locally and the other way round */
    time_format(-3600, 480, out, sizeof out);
    assert_string_equal(out, "1970-01-01T07:00:00+08:00");
    time_format(3600, -300, out, sizeof out);
    assert_string_equal(out, "1969-12-31T20:00:00-05:00");
    /* a short buffer gets the beginning, terminated, as from snprintf */
    char small[11];
    time_format(1772339445, 480, small, sizeof small);
    assert_string_equal(small, "2026-03-01");
    /* a year of five digits */
    time_format(253402300800LL, 0, out, sizeof out);
    assert_string_equal(out, "10000-01-01T00:00:00+00:00");

    /* what is formatted parses back to the same instant */
    for (int64_t t = 1767225600; t < 1798761600; t += 86400 * 7 + 3607) {
        time_format(t, 480, out, sizeof out);
        assert_int_equal(parse_ok(out), t);
        time_format(t, -330, out, sizeof out);
        assert_int_equal(parse_ok(out), t);
    }
}

static void test_local_days(void **state)
{
    (void)state;
    char d[16];
    /* 2026-03-01T23:59:59+08:00 and a second later are different local days
     * but the same UTC day */
    int64_t before = 1772380799, after = 1772380800;
    assert_int_equal(time_local_day(after, 480) - time_local_day(before, 480), 1);
    assert_int_equal(time_local_day(after, 0), time_local_day(before, 0));
    assert_int_equal(time_local_day(before, 480), 20513); /* days from 1970-01-01 to 2026-03-01 */
    time_local_date(before, 480, false, d, sizeof d);
    assert_string_equal(d, "20260301");
    time_local_date(after, 480, false, d, sizeof d);
    assert_string_equal(d, "20260302");
    time_local_date(after, 480, true, d, sizeof d);
    assert_string_equal(d, "2026-03-02");
    /* 00:01 local is still the previous UTC day */
    time_local_date(1772380860, 0, true, d, sizeof d);
    assert_string_equal(d, "2026-03-01");
    /* negative instants round down, not towards zero */
    assert_int_equal(time_local_day(-1, 0), -1);
    assert_int_equal(time_local_day(-86400, 0), -1);
    assert_int_equal(time_local_day(-86401, 0), -2);
    assert_int_equal(time_local_day(-1, 480), 0);
    time_local_date(-1, 0, true, d, sizeof d);
    assert_string_equal(d, "1969-12-31");

    /* civil dates, both ways, across leap years and centuries */
    assert_int_equal(days_from_civil(1970, 1, 1), 0);
    assert_int_equal(days_from_civil(2026, 3, 1), 20513);
    assert_int_equal(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
    assert_int_equal(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
    assert_int_equal(days_from_civil(1969, 12, 31), -1);
    for (int64_t z = -800000; z < 800000; z += 997) {
        int64_t y;
        unsigned m, dd;
        civil_from_days(z, &y, &m, &dd);
        assert_true(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
        assert_int_equal(days_from_civil(y, m, dd), z);
    }
}

static void test_date_or_instant(void **state)
{
    (void)state;
    int64_t t;
    /* a bare date is local midnight at the offset */
    assert_int_equal(time_parse_date_or_instant("2026-03-01", 480, &t), 0);
    assert_int_equal(t, 1772294400); /* 2026-02-28T16:00:00Z */
    assert_int_equal(time_parse_date_or_instant("2026-03-01", 0, &t), 0);
    assert_int_equal(t, 1772323200);
    assert_int_equal(time_parse_date_or_instant("2026-02-28", -300, &t), 0);
    assert_int_equal(t, 1772254800);
    assert_int_equal(time_parse_date_or_instant("2026-03-02", 480, &t), 0);
    assert_int_equal(t, 1772380800);
    /* an instant keeps its own offset */
    assert_int_equal(time_parse_date_or_instant("2026-03-01T12:30:45-05:30", 480, &t), 0);
    assert_int_equal(t, 1772388045);
    /* bad dates */
    t = 7;
    assert_int_equal(time_parse_date_or_instant("2026-02-30", 480, &t), -1);
    assert_int_equal(time_parse_date_or_instant("2026-3-01", 480, &t), -1);
    assert_int_equal(time_parse_date_or_instant("20260301", 480, &t), -1);
    assert_int_equal(time_parse_date_or_instant("2026-03-01T", 480, &t), -1);
    assert_int_equal(time_parse_date_or_instant("", 480, &t), -1);
    assert_int_equal(t, 7);
}

static void test_zone_names(void **state)
{
    (void)state;
    int off = 12345;
    assert_int_equal(time_zone_offset("Asia/Shanghai", &off), 0);
    assert_int_equal(off, 480);
    assert_int_equal(time_zone_offset("UTC", &off), 0);
    assert_int_equal(off, 0);
    assert_int_equal(time_zone_offset("+05:30", &off), 0);
    assert_int_equal(off, 330);
    assert_int_equal(time_zone_offset("-03:00", &off), 0);
    assert_int_equal(off, -180);
    assert_int_equal(time_zone_offset("+14:00", &off), 0); /* Line Islands, the furthest east */
    assert_int_equal(off, 840);
    assert_int_equal(time_zone_offset("-12:00", &off), 0);
    assert_int_equal(off, -720);
    off = 12345;
    /* Beyond ±14:00 no zone exists, and the calendars refuse it (found by fuzz_params). */
    static const char *bad[] = {"Mars/Olympus", "asia/shanghai", "+8:00", "+0800", "+24:00", "08:00", "",
                                "+14:20", "-23:59", "+15:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (time_zone_offset(bad[i], &off) != -1)
            fail_msg("zone \"%s\" accepted", bad[i]);
    assert_int_equal(off, 12345);
}

/* ---- utf8 ------------------------------------------------------------------- */

static void test_utf8_count(void **state)
{
    (void)state;
    assert_int_equal(utf8_count(""), 0);
    assert_int_equal(utf8_count("abc"), 3);
    assert_int_equal(utf8_count("加油站"), 3); /* 9 bytes */
    assert_int_equal(utf8_count("92号汽油 5升"), 8);
    assert_int_equal(utf8_count("é"), 1);                       /* 2 bytes */
    assert_int_equal(utf8_count("\xf0\x9f\x98\x80"), 1);        /* U+1F600, 4 bytes */
    assert_int_equal(utf8_count("\xf4\x8f\xbf\xbf"), 1);        /* U+10FFFF, the last code point */
    assert_int_equal(utf8_count("\xef\xbb\xbf"), 1);            /* a BOM is a character */
    assert_int_equal(utf8_count("第一行\r\n第二行\t结束"), 11); /* tab, CR, LF are allowed */
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    static const char *bad[] = {
        "\x80", /* a lone continuation byte */
        "ab\xbf",
        "\xe5\x8a", /* truncated at the end */
        "\xe5\x8a"
        "a", /* truncated before another character */
        "\xc3",
        "\xf0\x9f\x98",
        "\xc0\xaf", /* overlong "/" */
        "\xc1\xbf",
        "\xe0\x80\xaf",     /* overlong, 3 bytes */
        "\xe0\x9f\xbf",     /* overlong U+07FF */
        "\xf0\x80\x80\xaf", /* overlong, 4 bytes */
        "\xf0\x8f\xbf\xbf", /* overlong U+FFFF */
        "\xed\xa0\x80",     /* a UTF-16 surrogate */
        "\xed\xbf\xbf",
        "\xf4\x90\x80\x80", /* beyond U+10FFFF */
        "\xf5\x80\x80\x80",
        "\xf8\x88\x80\x80\x80",     /* 5-byte forms */
        "\xfc\x84\x80\x80\x80\x80", /* 6-byte forms */
        "\xfe",
        "\xff",
        "\x01",        /* C0 controls other than tab, CR, LF */
        "abc\x1b[31m", /* an escape sequence */
        "\x07",
        "\x0b",
        "\x0c",
        "\x1f",
        "\x7f", /* DEL */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long n = utf8_count(bad[i]);
        if (n != -1) {
            char hex[64] = "";
            for (const unsigned char *p = (const unsigned char *)bad[i]; *p && strlen(hex) < 58; p++)
                snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%02x ", *p);
            fail_msg("utf8_count accepted bytes %s(count %ld)", hex, n);
        }
    }
}

/* The header promises to refuse any control character but tab, CR and LF;
 * DEL (U+007F) is refused, and so must be the C1 controls U+0080–U+009F —
 * U+009B is the one-byte CSI that terminals act on, U+0085 a line break. */
static void test_utf8_c1_controls(void **state)
{
    (void)state;
    assert_int_equal(utf8_count("\xc2\x80"), -1);
    assert_int_equal(utf8_count("\xc2\x85"), -1);
    assert_int_equal(utf8_count("abc\xc2\x9b"
                                "31m"),
                     -1);
    assert_int_equal(utf8_count("\xc2\x9f"), -1);
    assert_int_equal(utf8_count("\xc2\xa0"), 1); /* NO-BREAK SPACE is not a control */
}

/* Error messages quote client bytes; utf8_scrub must leave only UTF-8 that
 * a JSON string can hold (found by fuzz_intake: a malformed body with
 * invalid UTF-8 near the mistake made the 400 answer itself fail). */
static void test_utf8_scrub(void **state)
{
    (void)state;
    char ok[] = "加油员 ok\t\xf0\x9f\x98\x80";
    assert_int_equal(utf8_scrub(ok), 0);
    assert_string_equal(ok, "加油员 ok\t\xf0\x9f\x98\x80");
    char stray[] = "near '\xcc\x9a\xcd\x9b\x8b\xdd\xc5\xddx'";
    assert_int_equal(utf8_scrub(stray), 4);
    assert_string_equal(stray, "near '\xcc\x9a\xcd\x9b????x'");
    assert_true(utf8_count(stray) >= 0);
    char cut[] = "\xe5\x8a"; /* 加 cut short by a truncated message */
    assert_int_equal(utf8_scrub(cut), 2);
    assert_string_equal(cut, "??");
    char surrogate[] = "\xed\xa0\x80x";
    assert_int_equal(utf8_scrub(surrogate), 3);
    assert_string_equal(surrogate, "???x");
    char overlong[] = "\xc0\xaf" "etc";
    assert_int_equal(utf8_scrub(overlong), 2);
    assert_string_equal(overlong, "??etc");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3339_parse),    cmocka_unit_test(test_rfc3339_rejects),
        cmocka_unit_test(test_format),           cmocka_unit_test(test_local_days),
        cmocka_unit_test(test_date_or_instant),  cmocka_unit_test(test_zone_names),
        cmocka_unit_test(test_utf8_count),       cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_c1_controls), cmocka_unit_test(test_utf8_scrub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
