/*
 * Unit tests for core/calendar: working-time arithmetic on explicit
 * instants (no clock). Instants are written as literal Unix seconds with
 * the time they stand for in a comment: Asia/Shanghai (+08:00) local time,
 * or UTC when the comment ends in "Z".
 * The office calendar used throughout works Monday to Friday 08:30–12:00
 * and 13:30–17:30 (450 minutes a day) with the built-in PRC 2025–2026
 * holiday schedule, as a gas utility or a government service window does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"

static const char office_json[] = "{\"timezone\":\"Asia/Shanghai\","
                                  " \"week\":{\"mon\":[\"08:30-12:00\",\"13:30-17:30\"],"
                                  "           \"tue\":[\"08:30-12:00\",\"13:30-17:30\"],"
                                  "           \"wed\":[\"08:30-12:00\",\"13:30-17:30\"],"
                                  "           \"thu\":[\"08:30-12:00\",\"13:30-17:30\"],"
                                  "           \"fri\":[\"13:30-17:30\",\"08:30-12:00\"],"
                                  "           \"sat\":[],\"sun\":[]},"
                                  " \"include\":[\"cn-2025-2026\"]}";

static int setup_office(void **state)
{
    static calendar cal;
    calendar_error err;

    calendar_init(&cal);
    if (calendar_parse_json(&cal, office_json, &err) != CALENDAR_OK)
        return -1;
    *state = &cal;
    return 0;
}

static int teardown_office(void **state)
{
    calendar_release(*state);
    return 0;
}

static int64_t add_min(const calendar *cal, int64_t t, int64_t n)
{
    int64_t out = -1;

    assert_int_equal(calendar_add_minutes(cal, t, n, &out), CALENDAR_OK);
    return out;
}

static int64_t between(const calendar *cal, int64_t a, int64_t b)
{
    int64_t out = -1;

    assert_int_equal(calendar_working_minutes(cal, a, b, &out), CALENDAR_OK);
    return out;
}

static int64_t add_days(const calendar *cal, int64_t t, int64_t n)
{
    int64_t out = -1;

    assert_int_equal(calendar_add_working_days(cal, t, n, &out), CALENDAR_OK);
    return out;
}

static int64_t next_work(const calendar *cal, int64_t t)
{
    int64_t out = -1;

    assert_int_equal(calendar_next_working(cal, t, &out), CALENDAR_OK);
    return out;
}

/* ---- plain weeks -------------------------------------------------------- */

static void test_lunch_break(void **state)
{
    const calendar *cal = *state;

    assert_true(calendar_is_working(cal, 1772423999 /* 2026-03-02 11:59:59 */));
    assert_false(calendar_is_working(cal, 1772424000 /* 2026-03-02 12:00 */));
    assert_false(calendar_is_working(cal, 1772429399 /* 2026-03-02 13:29:59 */));
    assert_true(calendar_is_working(cal, 1772429400 /* 2026-03-02 13:30 */));
    /* 15 minutes before lunch, 15 after */
    assert_int_equal(add_min(cal, 1772423100 /* 2026-03-02 11:45 */, 30),
                     1772430300 /* 2026-03-02 13:45 */);
    /* started during lunch: the clock starts at 13:30 */
    assert_int_equal(add_min(cal, 1772426400 /* 2026-03-02 12:40 */, 1),
                     1772429460 /* 2026-03-02 13:31 */);
    assert_int_equal(
        between(cal, 1772420400 /* 2026-03-02 11:00 */, 1772431200 /* 2026-03-02 14:00 */), 90);
    assert_int_equal(
        between(cal, 1772424600 /* 2026-03-02 12:10 */, 1772428800 /* 2026-03-02 13:20 */), 0);
}

static void test_end_of_interval(void **state)
{
    const calendar *cal = *state;

    /* ends exactly when the morning ends: 12:00, not 13:30 */
    assert_int_equal(add_min(cal, 1772420400 /* 2026-03-02 11:00 */, 60),
                     1772424000 /* 2026-03-02 12:00 */);
    assert_int_equal(add_min(cal, 1772420400 /* 2026-03-02 11:00 */, 61),
                     1772429460 /* 2026-03-02 13:31 */);
    /* a whole day is 450 minutes: ends at 17:30 that day */
    assert_int_equal(add_min(cal, 1772411400 /* 2026-03-02 08:30 */, 450),
                     1772443800 /* 2026-03-02 17:30 */);
    assert_int_equal(add_min(cal, 1772411400 /* 2026-03-02 08:30 */, 451),
                     1772497860 /* 2026-03-03 08:31 */);
    /* from the very end of the day: the next morning */
    assert_int_equal(add_min(cal, 1772443800 /* 2026-03-02 17:30 */, 1),
                     1772497860 /* 2026-03-03 08:31 */);
}

static void test_midnight_and_weekend(void **state)
{
    const calendar *cal = *state;

    /* Monday evening to Tuesday morning */
    assert_int_equal(add_min(cal, 1772442000 /* 2026-03-02 17:00 */, 60),
                     1772499600 /* 2026-03-03 09:00 */);
    /* Friday 16:30 + 2 h: one hour on Friday, one on Monday */
    assert_int_equal(add_min(cal, 1772785800 /* 2026-03-06 16:30 */, 120),
                     1773019800 /* 2026-03-09 09:30 */);
    assert_int_equal(
        between(cal, 1772785800 /* 2026-03-06 16:30 */, 1773019800 /* 2026-03-09 09:30 */), 120);
    assert_false(calendar_is_working(cal, 1772848800 /* 2026-03-07 10:00 */));
    assert_int_equal(next_work(cal, 1772848800 /* 2026-03-07 10:00 */),
                     1773016200 /* 2026-03-09 08:30 */);
    /* the week's total: 5 × 450 */
    assert_int_equal(
        between(cal, 1772985600 /* 2026-03-09 00:00 */, 1773590400 /* 2026-03-16 00:00 */), 2250);
    /* reversed bounds give the negated amount */
    assert_int_equal(
        between(cal, 1773019800 /* 2026-03-09 09:30 */, 1772785800 /* 2026-03-06 16:30 */), -120);
    /* part minutes are truncated: 08:30:30 .. 08:31:00 is 30 seconds */
    assert_int_equal(
        between(cal, 1772411430 /* 2026-03-02 08:30:30 */, 1772411460 /* 2026-03-02 08:31 */), 0);
    int64_t secs = 0;
    assert_int_equal(calendar_working_seconds(cal, 1772411430 /* 2026-03-02 08:30:30 */,
                                              1772411460 /* 2026-03-02 08:31 */, &secs),
                     CALENDAR_OK);
    assert_int_equal(secs, 30);
}

static void test_timezone_day_boundary(void **state)
{
    const calendar *cal = *state;
    int y = 0, m = 0, d = 0, wd = -1;
    int64_t t = 0;

    /* Monday 2026-03-02 08:30 +08:00 is 00:30 UTC */
    assert_true(calendar_is_working(cal, 1772411400 /* 2026-03-02 00:30Z */));
    assert_false(calendar_is_working(cal, 1772411399 /* 2026-03-02 00:29:59Z */));
    assert_int_equal(next_work(cal, 1772395200 /* 2026-03-01 20:00Z */),
                     1772411400 /* 2026-03-02 00:30Z */);
    /* 16:00 UTC on Sunday is already Monday in Shanghai */
    assert_int_equal(calendar_local_date(cal, 1772380800 /* 2026-03-01 16:00Z */, &y, &m, &d, &wd),
                     CALENDAR_OK);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 3);
    assert_int_equal(d, 2);
    assert_int_equal(wd, 0);
    assert_int_equal(
        calendar_local_date(cal, 1772380799 /* 2026-03-01 15:59:59Z */, NULL, NULL, &d, &wd),
        CALENDAR_OK);
    assert_int_equal(d, 1);
    assert_int_equal(wd, 6);
    assert_int_equal(calendar_day_start(cal, 2026, 11, 23, &t), CALENDAR_OK);
    assert_int_equal(t, 1795363200 /* 2026-11-22 16:00Z */);
    /* a working day counted from a UTC evening belongs to the next local day */
    assert_int_equal(add_days(cal, 1772384400 /* 2026-03-01 17:00Z */, 1),
                     1772530200 /* 2026-03-03 17:30 */);
}

/* ---- the PRC schedule ---------------------------------------------------- */

static void test_golden_week_2026(void **state)
{
    const calendar *cal = *state;

    assert_false(calendar_is_working(cal, 1790820000 /* 2026-10-01 10:00 */));
    assert_false(calendar_is_working(cal, 1791338400 /* 2026-10-07 10:00 */));
    assert_true(calendar_is_working(cal, 1791424800 /* 2026-10-08 10:00 */));
    assert_true(calendar_is_working(cal, 1791597600 /* 2026-10-10 10:00 */)); /* make-up Saturday */
    assert_false(calendar_is_working(cal, 1791684000 /* 2026-10-11 10:00 */));
    assert_true(calendar_is_working(cal, 1789869600 /* 2026-09-20 10:00 */));  /* make-up Sunday */
    assert_false(calendar_is_working(cal, 1790301600 /* 2026-09-25 10:00 */)); /* 中秋, a Friday */
    /* 30 minutes on Sep 30, the other 30 on Oct 8 */
    assert_int_equal(add_min(cal, 1790758800 /* 2026-09-30 17:00 */, 60),
                     1791421200 /* 2026-10-08 09:00 */);
    /* Friday evening runs on into the make-up Saturday */
    assert_int_equal(add_min(cal, 1791536400 /* 2026-10-09 17:00 */, 60),
                     1791594000 /* 2026-10-10 09:00 */);
    /* Saturday evening skips Sunday */
    assert_int_equal(add_min(cal, 1791622800 /* 2026-10-10 17:00 */, 60),
                     1791766800 /* 2026-10-12 09:00 */);
    assert_int_equal(next_work(cal, 1790762400 /* 2026-09-30 18:00 */),
                     1791419400 /* 2026-10-08 08:30 */);
    /* Sep 30, Oct 8, 9 and 10 */
    assert_int_equal(
        between(cal, 1790728200 /* 2026-09-30 08:30 */, 1791765000 /* 2026-10-12 08:30 */), 1800);
    assert_int_equal(add_days(cal, 1790733600 /* 2026-09-30 10:00 */, 1),
                     1791451800 /* 2026-10-08 17:30 */);
    assert_int_equal(add_days(cal, 1790733600 /* 2026-09-30 10:00 */, 2),
                     1791538200 /* 2026-10-09 17:30 */);
    assert_int_equal(add_days(cal, 1790733600 /* 2026-09-30 10:00 */, 3),
                     1791624600 /* 2026-10-10 17:30 */);
    assert_int_equal(add_days(cal, 1790733600 /* 2026-09-30 10:00 */, 4),
                     1791797400 /* 2026-10-12 17:30 */);
    /* received on a holiday: the first working day after it is Oct 8 */
    assert_int_equal(add_days(cal, 1790996400 /* 2026-10-03 11:00 */, 1),
                     1791451800 /* 2026-10-08 17:30 */);
}

static void test_spring_festival_2026(void **state)
{
    const calendar *cal = *state;

    assert_true(calendar_is_working_day(cal, 2026, 2, 14)); /* Saturday, make-up */
    assert_false(calendar_is_working_day(cal, 2026, 2, 15));
    assert_false(calendar_is_working_day(cal, 2026, 2, 23)); /* a Monday */
    assert_true(calendar_is_working_day(cal, 2026, 2, 24));
    assert_true(calendar_is_working_day(cal, 2026, 2, 28)); /* Saturday, make-up */
    assert_false(calendar_is_working_day(cal, 2026, 3, 1));
    assert_int_equal(add_min(cal, 1770973200 /* 2026-02-13 17:00 */, 60),
                     1771030800 /* 2026-02-14 09:00 */);
    assert_int_equal(add_min(cal, 1771059600 /* 2026-02-14 17:00 */, 60),
                     1771894800 /* 2026-02-24 09:00 */);
    assert_int_equal(add_days(cal, 1770948000 /* 2026-02-13 10:00 */, 1),
                     1771061400 /* 2026-02-14 17:30 */);
    assert_int_equal(add_days(cal, 1770948000 /* 2026-02-13 10:00 */, 2),
                     1771925400 /* 2026-02-24 17:30 */);
    assert_int_equal(add_days(cal, 1770948000 /* 2026-02-13 10:00 */, 5),
                     1772184600 /* 2026-02-27 17:30 */);
    assert_int_equal(add_days(cal, 1770948000 /* 2026-02-13 10:00 */, 6),
                     1772271000 /* 2026-02-28 17:30 */);
    assert_int_equal(add_days(cal, 1770948000 /* 2026-02-13 10:00 */, 7),
                     1772443800 /* 2026-03-02 17:30 */);
    /* Feb 13, 14, 24–28 */
    assert_int_equal(
        between(cal, 1770942600 /* 2026-02-13 08:30 */, 1772411400 /* 2026-03-02 08:30 */), 3150);
}

static void test_schedule_2025_and_new_year_2026(void **state)
{
    const calendar *cal = *state;

    assert_true(calendar_is_working_day(cal, 2025, 1, 26)); /* Sunday, make-up */
    assert_false(calendar_is_working_day(cal, 2025, 1, 28));
    assert_false(calendar_is_working_day(cal, 2025, 2, 4));
    assert_true(calendar_is_working_day(cal, 2025, 2, 8));  /* Saturday, make-up */
    assert_true(calendar_is_working_day(cal, 2025, 4, 27)); /* Sunday, make-up */
    assert_false(calendar_is_working_day(cal, 2025, 5, 5));
    assert_false(calendar_is_working_day(cal, 2025, 6, 2));
    assert_true(calendar_is_working_day(cal, 2025, 9, 28));  /* Sunday, make-up */
    assert_false(calendar_is_working_day(cal, 2025, 10, 8)); /* a Wednesday */
    assert_true(calendar_is_working_day(cal, 2025, 10, 11)); /* Saturday, make-up */
    assert_false(calendar_is_working_day(cal, 2026, 1, 2));  /* a Friday */
    assert_true(calendar_is_working_day(cal, 2026, 1, 4));   /* Sunday, make-up */
    assert_true(calendar_is_working_day(cal, 2026, 5, 9));   /* Saturday, make-up */
    assert_false(calendar_is_working_day(cal, 2026, 6, 19));
    /* New Year's Eve 2025 (Wed) + 1 working day: Jan 1–3 off, Sunday Jan 4 works */
    assert_int_equal(add_days(cal, 1767142800 /* 2025-12-31 09:00 */, 1),
                     1767519000 /* 2026-01-04 17:30 */);
    assert_int_equal(add_days(cal, 1767142800 /* 2025-12-31 09:00 */, 2),
                     1767605400 /* 2026-01-05 17:30 */);
}

/* ---- working days -------------------------------------------------------- */

static void test_working_days_convention(void **state)
{
    const calendar *cal = *state;

    /* the start day never counts, whatever the hour */
    assert_int_equal(add_days(cal, 1772411400 /* 2026-03-02 08:30 */, 1),
                     1772530200 /* 2026-03-03 17:30 */);
    assert_int_equal(add_days(cal, 1772467140 /* 2026-03-02 23:59 */, 1),
                     1772530200 /* 2026-03-03 17:30 */);
    /* from a Saturday: Monday is the first working day */
    assert_int_equal(add_days(cal, 1772848800 /* 2026-03-07 10:00 */, 1),
                     1773048600 /* 2026-03-09 17:30 */);
    /* 3 working days from Thursday: Fri, Mon, Tue */
    assert_int_equal(add_days(cal, 1772694000 /* 2026-03-05 15:00 */, 3),
                     1773135000 /* 2026-03-10 17:30 */);
    /* N = 0: the same working day if it is not over, else the next one */
    assert_int_equal(add_days(cal, 1772416800 /* 2026-03-02 10:00 */, 0),
                     1772443800 /* 2026-03-02 17:30 */);
    assert_int_equal(add_days(cal, 1772443800 /* 2026-03-02 17:30 */, 0),
                     1772530200 /* 2026-03-03 17:30 */);
    assert_int_equal(add_days(cal, 1772848800 /* 2026-03-07 10:00 */, 0),
                     1773048600 /* 2026-03-09 17:30 */);
    /* a year of working days in 2027 (no holidays listed): Mon Jan 4 + 250 */
    assert_int_equal(add_days(cal, 1799024400 /* 2027-01-04 09:00 */, 250),
                     1829295000 /* 2027-12-20 17:30 */);
    /* whole weeks skipped in one step must still stop inside the last week */
    assert_int_equal(add_days(cal, 1798948800 /* 2027-01-03 12:00 */, 5),
                     1799400600 /* 2027-01-08 17:30 */);
    assert_int_equal(add_days(cal, 1798948800 /* 2027-01-03 12:00 */, 10),
                     1800005400 /* 2027-01-15 17:30 */);
    assert_int_equal(add_min(cal, 1798992000 /* 2027-01-04 00:00 */, 2250),
                     1799400600 /* 2027-01-08 17:30 */);
    assert_int_equal(add_min(cal, 1798992000 /* 2027-01-04 00:00 */, 2 * 2250),
                     1800005400 /* 2027-01-15 17:30 */);
    assert_int_equal(add_min(cal, 1798992000 /* 2027-01-04 00:00 */, 2 * 2250 + 1),
                     1800232260 /* 2027-01-18 08:31 */);
    /* ten working days as minutes: exactly at the end of the tenth day */
    assert_int_equal(add_min(cal, 1772411400 /* 2026-03-02 08:30 */, 4500),
                     1773394200 /* 2026-03-13 17:30 */);
    assert_int_equal(add_min(cal, 1799022600 /* 2027-01-04 08:30 */, 250 * 450),
                     1829035800 /* 2027-12-17 17:30 */);
    assert_int_equal(
        between(cal, 1799022600 /* 2027-01-04 08:30 */, 1829035800 /* 2027-12-17 17:30 */),
        250 * 450);
}

static void test_zero_and_negative(void **state)
{
    const calendar *cal = *state;
    int64_t out = 7;

    /* N = 0 returns the start, even outside working time */
    assert_int_equal(add_min(cal, 1772848800 /* 2026-03-07 10:00 */, 0),
                     1772848800 /* 2026-03-07 10:00 */);
    assert_int_equal(calendar_add_minutes(cal, 1772416800 /* 2026-03-02 10:00 */, -1, &out),
                     CALENDAR_EINVAL);
    assert_int_equal(calendar_add_working_days(cal, 1772416800 /* 2026-03-02 10:00 */, -1, &out),
                     CALENDAR_EINVAL);
    assert_int_equal(out, 7); /* untouched on failure */
    assert_int_equal(calendar_add_minutes(cal, INT64_C(1) << 50, 1, &out), CALENDAR_ERANGE);
    assert_int_equal(calendar_add_minutes(cal, 32503636800 /* 2999-12-31 12:00Z */, 100000, &out),
                     CALENDAR_ERANGE);
    assert_false(calendar_is_working(cal, INT64_MIN));
}

/* ---- other shapes of calendar -------------------------------------------- */

static void test_24x7(void **state)
{
    calendar cal;
    calendar_error err;
    (void)state;

    calendar_init(&cal);
    assert_int_equal(calendar_parse_json(&cal,
                                         "{\"timezone\":\"Asia/Shanghai\","
                                         "\"mode\":\"24x7\"}",
                                         &err),
                     CALENDAR_OK);
    assert_true(calendar_is_working(&cal, 1790794800 /* 2026-10-01 03:00 */));
    assert_int_equal(add_min(&cal, 1790868600 /* 2026-10-01 23:30 */, 90),
                     1790874000 /* 2026-10-02 01:00 */);
    assert_int_equal(
        between(&cal, 1790784000 /* 2026-10-01 00:00 */, 1791388800 /* 2026-10-08 00:00 */),
        7 * 1440);
    assert_int_equal(next_work(&cal, 1790794817 /* 2026-10-01 03:00:17 */),
                     1790794817 /* 2026-10-01 03:00:17 */);
    /* every day is a working day ending at local midnight */
    assert_int_equal(add_days(&cal, 1790820000 /* 2026-10-01 10:00 */, 1),
                     1790956800 /* 2026-10-03 00:00 */);
    assert_int_equal(add_days(&cal, 1790820000 /* 2026-10-01 10:00 */, 0),
                     1790870400 /* 2026-10-02 00:00 */);
    calendar_release(&cal);
}

static void test_night_shift_crosses_midnight(void **state)
{
    calendar cal;
    calendar_error err;
    (void)state;

    calendar_init(&cal);
    assert_int_equal(calendar_parse_json(&cal,
                                         "{\"timezone\":\"+08:00\",\"week\":{"
                                         "\"mon\":[\"22:00-24:00\"],"
                                         "\"tue\":[\"00:00-06:00\",\"22:00-24:00\"],"
                                         "\"wed\":[\"00:00-06:00\"]}}",
                                         &err),
                     CALENDAR_OK);
    assert_true(calendar_is_working(&cal, 1772467199 /* 2026-03-02 23:59:59 */));
    assert_true(calendar_is_working(&cal, 1772467200 /* 2026-03-03 00:00 */));
    assert_int_equal(add_min(&cal, 1772463600 /* 2026-03-02 23:00 */, 120),
                     1772470800 /* 2026-03-03 01:00 */);
    /* exactly the rest of Monday's shift: ends at midnight */
    assert_int_equal(add_min(&cal, 1772463600 /* 2026-03-02 23:00 */, 60),
                     1772467200 /* 2026-03-03 00:00 */);
    assert_int_equal(
        between(&cal, 1772456400 /* 2026-03-02 21:00 */, 1772492400 /* 2026-03-03 07:00 */), 480);
    /* Tue 06:00 → Tue 22:00 → Wed 00:00 → Wed 06:00 → next Monday 22:00 */
    assert_int_equal(add_min(&cal, 1772485200 /* 2026-03-03 05:00 */, 60 + 120 + 360 + 1),
                     1773064860 /* 2026-03-09 22:01 */);
    calendar_release(&cal);
}

static void test_makeup_hours_and_precedence(void **state)
{
    calendar cal;
    calendar_error err;
    (void)state;

    calendar_init(&cal);
    /* Monday has no hours: make-up days default to the first weekday that has */
    assert_int_equal(calendar_parse_json(&cal,
                                         "{\"week\":{\"tue\":[\"10:00-16:00\"]},"
                                         "\"workdays\":[\"2026-10-10\"],"
                                         "\"holidays\":[{\"name\":\"x\",\"from\":\"2026-10-13\","
                                         "\"to\":\"2026-10-14\"}]}",
                                         &err),
                     CALENDAR_OK);
    assert_int_equal(cal.utc_offset_min, 480); /* the default zone */
    assert_int_equal(next_work(&cal, 1791518400 /* 2026-10-09 12:00 */),
                     1791597600 /* 2026-10-10 10:00 */);
    assert_int_equal(next_work(&cal, 1791619200 /* 2026-10-10 16:00 */),
                     1792461600 /* 2026-10-20 10:00 */);
    /* a date both holiday and make-up day works */
    assert_int_equal(calendar_add_holiday(&cal, 2026, 10, 10), CALENDAR_OK);
    assert_true(calendar_is_working(&cal, 1791597600 /* 2026-10-10 10:00 */));
    assert_int_equal(calendar_add_holiday(&cal, 2026, 2, 29), CALENDAR_EINVAL);

    /* explicit make-up hours */
    assert_int_equal(calendar_parse_json(&cal,
                                         "{\"week\":{\"mon\":[\"08:30-17:30\"]},"
                                         "\"workday_hours\":[\"09:00-12:00\"],"
                                         "\"workdays\":[\"2026-10-10\"]}",
                                         &err),
                     CALENDAR_OK);
    assert_int_equal(add_min(&cal, 1791590400 /* 2026-10-10 08:00 */, 180),
                     1791604800 /* 2026-10-10 12:00 */);
    assert_int_equal(add_days(&cal, 1791504000 /* 2026-10-09 08:00 */, 1),
                     1791604800 /* 2026-10-10 12:00 */);
    calendar_release(&cal);
}

static void test_no_working_time(void **state)
{
    calendar cal;
    int64_t out = 0;
    (void)state;

    calendar_init(&cal); /* an empty calendar never works */
    assert_false(calendar_is_working(&cal, 1772416800 /* 2026-03-02 10:00 */));
    assert_int_equal(calendar_next_working(&cal, 1772416800 /* 2026-03-02 10:00 */, &out),
                     CALENDAR_ENOWORK);
    assert_int_equal(calendar_add_minutes(&cal, 1772416800 /* 2026-03-02 10:00 */, 1, &out),
                     CALENDAR_ENOWORK);
    assert_int_equal(calendar_add_working_days(&cal, 1772416800 /* 2026-03-02 10:00 */, 1, &out),
                     CALENDAR_ENOWORK);
    assert_int_equal(
        between(&cal, 1772416800 /* 2026-03-02 10:00 */, 1898647200 /* 2030-03-02 10:00 */), 0);

    /* only make-up days work: finite working time, then none */
    cal.makeup.count = 1;
    cal.makeup.slot[0].start = 9 * 60;
    cal.makeup.slot[0].end = 10 * 60;
    assert_int_equal(calendar_add_workday(&cal, 2026, 10, 10), CALENDAR_OK);
    assert_int_equal(next_work(&cal, 1767196800 /* 2026-01-01 00:00 */),
                     1791622800 /* 2026-10-10 09:00Z */);
    assert_int_equal(add_min(&cal, 1767196800 /* 2026-01-01 00:00 */, 60),
                     1791626400 /* 2026-10-10 10:00Z */);
    assert_int_equal(calendar_add_minutes(&cal, 1767196800 /* 2026-01-01 00:00 */, 61, &out),
                     CALENDAR_ENOWORK);
    assert_int_equal(calendar_add_working_days(&cal, 1791624600 /* 2026-10-10 09:30Z */, 1, &out),
                     CALENDAR_ENOWORK);
    calendar_release(&cal);
}

/* ---- parsing errors ------------------------------------------------------ */

static void expect_error(const char *json, const char *path, const char *fragment)
{
    calendar cal;
    calendar_error err;

    calendar_init(&cal);
    memset(&err, 0, sizeof err);
    assert_int_equal(calendar_parse_json(&cal, json, &err), CALENDAR_EINVAL);
    assert_string_equal(err.path, path);
    if (strstr(err.message, fragment) == NULL)
        fail_msg("%s: message \"%s\" lacks \"%s\"", json, err.message, fragment);
    calendar_release(&cal);
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("{\"week\":{\"mon\":[\"08:30-12:00\",\"13:30-1730\"]}}", "week.mon[1]",
                 "expected HH:MM-HH:MM");
    expect_error("{\"week\":{\"tue\":[\"12:00-08:30\"]}}", "week.tue[0]",
                 "end must be after the start");
    expect_error("{\"week\":{\"wed\":[\"08:00-12:00\",\"11:00-13:00\"]}}", "week.wed[1]",
                 "overlaps week.wed[0]");
    expect_error("{\"week\":{\"thu\":[\"24:00-24:00\"]}}", "week.thu[0]", "HH:MM-HH:MM");
    expect_error("{\"week\":{\"fri\":[\"08:00-08:10\",\"09:00-09:10\",\"10:00-10:10\","
                 "\"11:00-11:10\",\"12:00-12:10\",\"13:00-13:10\",\"14:00-14:10\","
                 "\"15:00-15:10\",\"16:00-16:10\"]}}",
                 "week.fri", "at most 8");
    expect_error("{\"week\":{\"mond\":[]}}", "week.mond", "unknown day");
    expect_error("{\"week\":{\"sat\":[],\"sun\":[]}}", "week", "no working hours");
    expect_error("{\"timezone\":\"Europe/Berlin\",\"mode\":\"24x7\"}", "timezone",
                 "unknown time zone");
    expect_error("{\"mode\":\"9to5\"}", "mode", "expected \"24x7\" or \"week\"");
    expect_error("{\"mode\":\"24x7\",\"week\":{}}", "week", "not used");
    expect_error("{\"timezone\":\"UTC\"}", "week", "required");
    expect_error("{\"weeks\":{}}", "weeks", "unknown key");
    expect_error("{\"week\":{\"mon\":[\"08:00-12:00\"]},\"holidays\":[\"2026-10-01\","
                 "\"2026-02-30\"]}",
                 "holidays[1]", "YYYY-MM-DD");
    expect_error("{\"week\":{\"mon\":[\"08:00-12:00\"]},\"workdays\":[{\"from\":\"2026-1-1\","
                 "\"to\":\"2026-01-02\"}]}",
                 "workdays[0].from", "YYYY-MM-DD");
    expect_error("{\"week\":{\"mon\":[\"08:00-12:00\"]},\"holidays\":[{\"from\":\"2026-10-07\","
                 "\"to\":\"2026-10-01\"}]}",
                 "holidays[0]", "before");
    expect_error("{\"week\":{\"mon\":[\"08:00-12:00\"]},\"include\":[\"us-2026\"]}", "include[0]",
                 "unknown schedule");
    expect_error("{\"week\":", "", "invalid JSON");
    expect_error("[]", "", "expected a calendar object");
}

static void test_parse_keeps_calendar_on_error(void **state)
{
    calendar cal;
    calendar_error err;
    json_t *root;
    (void)state;

    calendar_init(&cal);
    assert_int_equal(calendar_parse_json(&cal, office_json, &err), CALENDAR_OK);
    assert_int_equal(calendar_parse_json(&cal, "{\"week\":{\"mon\":[\"8:30-12:00\"]}}", &err),
                     CALENDAR_EINVAL);
    /* still the office calendar, holidays and all */
    assert_int_equal(add_min(&cal, 1790758800 /* 2026-09-30 17:00 */, 60),
                     1791421200 /* 2026-10-08 09:00 */);
    assert_int_equal(cal.holidays.len, 61);
    assert_int_equal(cal.workdays.len, 11);

    /* a calendar embedded in a pack reports the pack's path */
    root = json_loads("{\"week\":{\"mon\":[\"08:30-12:00\",\"13:30\"]}}", 0, NULL);
    assert_non_null(root);
    assert_int_equal(calendar_parse_json_value(&cal, root, "calendar", &err), CALENDAR_EINVAL);
    assert_string_equal(err.path, "calendar.week.mon[1]");
    json_decref(root);
    calendar_release(&cal);
}

static void test_timezones(void **state)
{
    int32_t off = 0;
    (void)state;

    assert_int_equal(calendar_parse_timezone("Asia/Shanghai", &off), CALENDAR_OK);
    assert_int_equal(off, 480);
    assert_int_equal(calendar_parse_timezone("UTC", &off), CALENDAR_OK);
    assert_int_equal(off, 0);
    assert_int_equal(calendar_parse_timezone("+05:30", &off), CALENDAR_OK);
    assert_int_equal(off, 330);
    assert_int_equal(calendar_parse_timezone("-03:00", &off), CALENDAR_OK);
    assert_int_equal(off, -180);
    assert_int_equal(calendar_parse_timezone("+15:00", &off), CALENDAR_EINVAL);
    assert_int_equal(calendar_parse_timezone("+08:60", &off), CALENDAR_EINVAL);
    assert_int_equal(calendar_parse_timezone("America/New_York", &off), CALENDAR_EINVAL);
    assert_int_equal(off, -180);
}

static void test_merge_schedule(void **state)
{
    calendar cal;
    calendar_error err;
    (void)state;

    calendar_init(&cal);
    assert_int_equal(calendar_parse_json(&cal,
                                         "{\"week\":{\"mon\":[\"09:00-17:00\"],"
                                         "\"thu\":[\"09:00-17:00\"]}}",
                                         &err),
                     CALENDAR_OK);
    assert_true(calendar_is_working_day(&cal, 2026, 10, 1));
    assert_int_equal(calendar_merge_cn(&cal, &err), CALENDAR_OK);
    assert_false(calendar_is_working_day(&cal, 2026, 10, 1));
    assert_true(calendar_is_working_day(&cal, 2026, 10, 10)); /* Monday's hours */
    assert_int_equal(cal.holidays.len, 61);
    assert_int_equal(cal.workdays.len, 11);
    assert_int_equal(calendar_merge_json(&cal,
                                         "{\"holidays\":[\"2027-01-01\"],"
                                         "\"workdays\":[\"bad\"]}",
                                         &err),
                     CALENDAR_EINVAL);
    assert_string_equal(err.path, "workdays[0]");
    assert_int_equal(cal.holidays.len, 61); /* all or nothing */
    assert_int_equal(calendar_merge_json(&cal,
                                         "{\"name\":\"local\","
                                         "\"holidays\":[{\"date\":\"2027-01-01\"}]}",
                                         &err),
                     CALENDAR_OK);
    assert_int_equal(cal.holidays.len, 62);
    calendar_release(&cal);
}

/* ---- iCalendar ----------------------------------------------------------- */

static const char ics_ok[] = "BEGIN:VCALENDAR\r\n"
                             "VERSION:2.0\r\n"
                             "PRODID:-//test//EN\r\n"
                             "BEGIN:VEVENT\r\n"
                             "UID:1\r\n"
                             "DTSTART;VALUE=DATE:20270101\r\n"
                             "DTEND;VALUE=DATE:20270104\r\n"
                             "SUMMARY:元旦\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "UID:2\r\n"
                             "DTSTART;VALUE=DATE:20270109\r\n"
                             "SUMMARY:元旦调休\r\n"
                             " 补班\r\n" /* folded: the summary is 元旦调休补班 */
                             "BEGIN:VALARM\r\n"
                             "SUMMARY:not the event's\r\n"
                             "END:VALARM\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART:20270210T000000\r\n"
                             "DURATION:P2D\r\n"
                             "SUMMARY:company day\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART;TZID=Asia/Shanghai:20270220T090000\r\n"
                             "DTEND;TZID=Asia/Shanghai:20270221T120000\r\n"
                             "SUMMARY:stocktaking\r\n"
                             "X-REDRESS-WORKDAY:TRUE\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART:20270308T000000\r\n"
                             "DTEND:20270309T000000\r\n"
                             "SUMMARY:midnight to midnight\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART;VALUE=DATE:20270305\r\n"
                             "DTEND;VALUE=DATE:20270305\r\n"
                             "SUMMARY:empty range taken as one day\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n"
                             "DTSTART;VALUE=DATE:20270301\r\n"
                             "STATUS:CANCELLED\r\n"
                             "END:VEVENT\r\n"
                             "END:VCALENDAR\r\n";

static void test_ics_import(void **state)
{
    calendar cal;
    calendar_error err;
    size_t n = 0;
    (void)state;

    calendar_init(&cal);
    assert_int_equal(calendar_parse_json(&cal, office_json, &err), CALENDAR_OK);
    assert_int_equal(calendar_import_ics(&cal, ics_ok, strlen(ics_ok), &n, &err), CALENDAR_OK);
    assert_int_equal(n, 6);
    assert_true(calendar_is_working_day(&cal, 2026, 12, 31)); /* Thursday */
    assert_false(calendar_is_working_day(&cal, 2027, 1, 1));
    assert_false(calendar_is_working_day(&cal, 2027, 1, 3));
    assert_true(calendar_is_working_day(&cal, 2027, 1, 4)); /* DTEND is exclusive */
    assert_true(calendar_is_working_day(&cal, 2027, 1, 9)); /* Saturday, 补班 */
    assert_false(calendar_is_working_day(&cal, 2027, 2, 10));
    assert_false(calendar_is_working_day(&cal, 2027, 2, 11));
    assert_true(calendar_is_working_day(&cal, 2027, 2, 12));
    assert_true(calendar_is_working_day(&cal, 2027, 2, 20)); /* Saturday, flagged */
    assert_true(calendar_is_working_day(&cal, 2027, 2, 21)); /* ends Sunday noon */
    assert_false(calendar_is_working_day(&cal, 2027, 2, 27));
    assert_true(calendar_is_working_day(&cal, 2027, 3, 1)); /* cancelled */
    assert_false(calendar_is_working_day(&cal, 2027, 3, 5));
    assert_false(calendar_is_working_day(&cal, 2027, 3, 8));
    assert_true(calendar_is_working_day(&cal, 2027, 3, 9)); /* the end at 00:00 excludes it */
    /* Thursday Dec 31 + 1 working day: Jan 1–3 off, Jan 4 Monday */
    assert_int_equal(add_days(&cal, 1798682400 /* 2026-12-31 10:00 */, 1),
                     1799055000 /* 2027-01-04 17:30 */);
    calendar_release(&cal);
}

static void expect_ics_error(const char *ics, const char *path, const char *fragment)
{
    calendar cal;
    calendar_error err;
    size_t n = 99;

    calendar_init(&cal);
    memset(&err, 0, sizeof err);
    assert_int_equal(calendar_import_ics(&cal, ics, strlen(ics), &n, &err), CALENDAR_EINVAL);
    assert_string_equal(err.path, path);
    if (strstr(err.message, fragment) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, fragment);
    assert_int_equal(n, 99);
    assert_int_equal(cal.holidays.len, 0);
    calendar_release(&cal);
}

static void test_ics_errors(void **state)
{
    (void)state;
    expect_ics_error("", "line 1", "BEGIN:VCALENDAR");
    expect_ics_error("BEGIN:VEVENT\nEND:VEVENT\n", "line 1", "BEGIN:VCALENDAR");
    expect_ics_error("BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
                     "line 2", "without DTSTART");
    expect_ics_error("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\n"
                     "RRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n",
                     "line 2", "RRULE");
    expect_ics_error("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2027-01-01\n"
                     "END:VEVENT\nEND:VCALENDAR\n",
                     "line 3", "DTSTART");
    expect_ics_error("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\n"
                     "X-REDRESS-WORKDAY:maybe\nEND:VEVENT\nEND:VCALENDAR\n",
                     "line 4", "TRUE or FALSE");
    expect_ics_error("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\n", "line 3",
                     "missing END");
    /* the first event was fine, the second is not: nothing is imported */
    expect_ics_error("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nEND:VEVENT\n"
                     "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20290101\n"
                     "END:VEVENT\nEND:VCALENDAR\n",
                     "line 5", "366");
}

/* ---- cross-check against minute-by-minute counting -------------------------- */

/* Walks minute by minute with calendar_is_working(): slow, obviously right. */
static int64_t brute_add(const calendar *cal, int64_t t, int64_t n)
{
    while (n > 0) {
        if (calendar_is_working(cal, t))
            n--;
        t += 60;
    }
    return t;
}

static int64_t brute_between(const calendar *cal, int64_t a, int64_t b)
{
    int64_t n = 0;

    for (; a < b; a += 60)
        n += calendar_is_working(cal, a);
    return n;
}

static void test_against_brute_force(void **state)
{
    static const int64_t amounts[] = {1, 29, 210, 211, 449, 450, 451, 1000, 2250, 4000};
    const calendar *cal = *state;
    /* every 7 h 13 min from Sep 26 to Oct 14, 2026, across Golden Week */
    for (int64_t t = 1790352000 /* 2026-09-26 00:00 */; t < 1791907200 /* 2026-10-14 00:00 */;
         t += 7 * 3600 + 13 * 60) {
        for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
            int64_t end = add_min(cal, t, amounts[i]);
            assert_int_equal(end, brute_add(cal, t, amounts[i]));
            assert_int_equal(between(cal, t, end), amounts[i]);
        }
        assert_int_equal(between(cal, t, t + 3 * 86400 + 77 * 60),
                         brute_between(cal, t, t + 3 * 86400 + 77 * 60));
    }
}

/* The built-in holidays end with 2026: the warning starts 60 days before 31 December, to the local day. */
static void test_data_expiry(void **state)
{
    const calendar *office = *state;
    int year = 0;
    int64_t left = 0;

    assert_true(calendar_data_year(office, &year));
    assert_int_equal(year, 2026);
    /* 2026-12-07 10:00 +08:00: 24 days left */
    assert_true(calendar_data_expiring(office, 1796608800, 60, &year, &left));
    assert_int_equal(left, 24);
    /* 2026-11-01 00:00 +08:00: exactly 60 days left, warned */
    assert_true(calendar_data_expiring(office, 1793462400, 60, NULL, &left));
    assert_int_equal(left, 60);
    /* one second earlier, 2026-10-31 23:59:59 +08:00: 61 days, not yet */
    assert_false(calendar_data_expiring(office, 1793462399, 60, NULL, &left));
    assert_int_equal(left, 61);
    /* 2027-01-05 09:00 +08:00: run out, still warned */
    assert_true(calendar_data_expiring(office, 1799110800, 60, NULL, &left));
    assert_int_equal(left, -5);

    /* Nothing to run out: round the clock, or weekly hours alone. */
    calendar cal;
    calendar_error err;
    calendar_init(&cal);
    assert_int_equal(calendar_parse_json(&cal, "{\"timezone\":\"Asia/Shanghai\",\"mode\":\"24x7\"}", &err), CALENDAR_OK);
    assert_false(calendar_data_year(&cal, &year));
    assert_false(calendar_data_expiring(&cal, 1796608800, 60, NULL, NULL));
    assert_int_equal(calendar_parse_json(&cal, "{\"timezone\":\"+08:00\",\"week\":{\"mon\":[\"09:00-17:00\"]}}", &err),
                     CALENDAR_OK);
    assert_false(calendar_data_expiring(&cal, 1796608800, 60, NULL, NULL));
    /* An organisation's own holiday in 2027 carries it through 2027. */
    assert_int_equal(calendar_add_holiday(&cal, 2027, 2, 17), CALENDAR_OK);
    assert_true(calendar_data_year(&cal, &year));
    assert_int_equal(year, 2027);
    assert_false(calendar_data_expiring(&cal, 1796608800, 60, NULL, NULL));
    calendar_release(&cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_lunch_break, setup_office, teardown_office),
        cmocka_unit_test_setup_teardown(test_end_of_interval, setup_office, teardown_office),
        cmocka_unit_test_setup_teardown(test_midnight_and_weekend, setup_office, teardown_office),
        cmocka_unit_test_setup_teardown(test_timezone_day_boundary, setup_office, teardown_office),
        cmocka_unit_test_setup_teardown(test_golden_week_2026, setup_office, teardown_office),
        cmocka_unit_test_setup_teardown(test_spring_festival_2026, setup_office, teardown_office),
        cmocka_unit_test_setup_teardown(test_schedule_2025_and_new_year_2026, setup_office,
                                        teardown_office),
        cmocka_unit_test_setup_teardown(test_working_days_convention, setup_office,
                                        teardown_office),
        cmocka_unit_test_setup_teardown(test_zero_and_negative, setup_office, teardown_office),
        cmocka_unit_test_setup_teardown(test_data_expiry, setup_office, teardown_office),
        cmocka_unit_test(test_24x7),
        cmocka_unit_test(test_night_shift_crosses_midnight),
        cmocka_unit_test(test_makeup_hours_and_precedence),
        cmocka_unit_test(test_no_working_time),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_keeps_calendar_on_error),
        cmocka_unit_test(test_timezones),
        cmocka_unit_test(test_merge_schedule),
        cmocka_unit_test(test_ics_import),
        cmocka_unit_test(test_ics_errors),
        cmocka_unit_test_setup_teardown(test_against_brute_force, setup_office, teardown_office),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
