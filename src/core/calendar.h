/*
 * calendar: working-time arithmetic for deadlines that run on "working
 * hours" or "working days" (DOMAIN.md §5). A calendar is a fixed UTC
 * offset, working intervals per weekday (several per day, to the minute),
 * a set of public holidays, a set of make-up workdays (调休上班日) and the
 * special 24×7 mode in which every minute is working time. sla.c asks it
 * "when have N working minutes elapsed", "how many working minutes lie
 * between these two instants" and "when does the Nth working day end".
 *
 * The module is pure: it takes every instant as an argument, reads no
 * clock, no file and no time-zone database, and keeps no state outside the
 * calendar value. Instants are int64_t seconds since the Unix epoch (UTC).
 * Days are local to the calendar's offset and are numbered as days since
 * 1970-01-01 ("day numbers"); dates from 1900-01-01 to 2999-12-31 are
 * accepted, instants outside those days give CALENDAR_ERANGE.
 *
 * Time zones. China has had no daylight-saving time since 1991, so a fixed
 * offset is exact for the organisations Redress serves and avoids shipping
 * the IANA database into core/. calendar_parse_timezone() knows "UTC" and a
 * short list of IANA names for zones without DST (Asia/Shanghai = +08:00
 * and a few neighbours) and accepts any "+HH:MM" / "-HH:MM" offset.
 *
 * Precedence on a given local day: 24×7 mode wins over everything; else a
 * make-up workday works the make-up hours (even if the date is also listed
 * as a holiday — the more specific declaration wins); else a holiday has
 * no working time; else the weekday's intervals apply.
 *
 * Intervals are half-open: "08:30-12:00" contains 08:30:00 up to but not
 * including 12:00:00. An interval may end at 24:00; an overnight shift is
 * written as two intervals, "22:00-24:00" on one day and "00:00-06:00" on
 * the next, and the arithmetic treats them as continuous.
 *
 * Conventions (the tests pin each of them):
 *  - Adding N working minutes returns the earliest instant at which N
 *    working minutes have elapsed since the start. Work ending exactly at
 *    the end of an interval therefore ends at that end (12:00), not at the
 *    start of the next interval (13:30). N = 0 returns the start unchanged,
 *    even when the start is outside working time (use
 *    calendar_next_working() to move to working time). N < 0 is refused.
 *  - "Within N working days" follows the civil-code rule for periods
 *    counted in days (民法典 第二百零一条: the starting day is not counted):
 *    the deadline is the end of the last working interval of the Nth
 *    working day strictly after the start's local day, whatever the time
 *    of day of the start and whether or not the start day is a working day.
 *    A working day is a local day with at least one working interval after
 *    holidays and make-up days are applied. N = 0 means "the same working
 *    day": the end of the start day's working time when the start day is a
 *    working day and that end is still ahead, otherwise the end of the next
 *    working day. In 24×7 mode every day is a working day ending at 24:00.
 *  - A calendar with no working time ahead of the instant (an empty
 *    calendar, or one whose only working time is make-up days in the past)
 *    makes the forward searches return CALENDAR_ENOWORK instead of looping.
 *
 * Efficiency: the searches step by interval and by day, and skip whole
 * weeks at a time where no holiday or make-up day falls, so adding a year
 * of working days costs a few dozen steps plus one per listed special day.
 */
#ifndef REDRESS_CALENDAR_H
#define REDRESS_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Return codes. Every int-returning function returns CALENDAR_OK or one of
 * the negative codes; on failure its OUT parameters are left untouched. */
enum {
    CALENDAR_OK = 0,
    CALENDAR_EINVAL = -1, /* malformed input or argument (see calendar_error) */
    CALENDAR_ENOWORK = -2, /* no working time ahead: the search cannot end */
    CALENDAR_ERANGE = -3, /* instant or result outside 1900-01-01..2999-12-31 */
};

/* At most this many working intervals on one day. */
#define CALENDAR_MAX_SLOTS 8

/* One working interval, minutes since local midnight, 0 <= start < end <= 1440. */
typedef struct calendar_slot {
    int16_t start;
    int16_t end;
} calendar_slot;

/* The working intervals of one day, sorted by start, not overlapping. */
typedef struct calendar_hours {
    int count;
    calendar_slot slot[CALENDAR_MAX_SLOTS];
} calendar_hours;

/* A sorted set of local day numbers without duplicates. */
typedef struct calendar_days {
    int32_t *day; /* NULL while len == 0 and nothing was ever added */
    size_t len;
    size_t cap;
} calendar_days;

/* A working calendar. Read the fields freely; change them only through the
 * functions below, which keep the invariants (hours sorted, sets sorted). */
typedef struct calendar {
    int32_t utc_offset_min;  /* local time = UTC + this many minutes */
    bool all_hours;          /* 24×7: every minute is working time */
    calendar_hours week[7];  /* index 0 = Monday … 6 = Sunday */
    calendar_hours makeup;   /* hours worked on a make-up workday */
    calendar_days holidays;  /* no working time on these days */
    calendar_days workdays;  /* make-up workdays: work `makeup` hours */
} calendar;

/* Describes why parsing failed. `path` names where: a JSON path such as
 * "week.mon[1]" or "holidays[3].from", "line 12" for iCalendar input, or
 * "" for the input as a whole; show it as "<path>: <message>". */
typedef struct calendar_error {
    char path[128];
    char message[192];
} calendar_error;

/* ---- lifecycle ------------------------------------------------------- */

/* Makes *cal an empty calendar: UTC, no working time, no special days. It
 * allocates nothing; the struct itself belongs to the caller. */
void calendar_init(calendar *cal);

/* Frees the day sets owned by *cal. *cal must be initialised again before
 * further use (calendar_clear does both). */
void calendar_release(calendar *cal);

/* calendar_release + calendar_init. */
void calendar_clear(calendar *cal);

/* ---- building a calendar --------------------------------------------- */

/* Parses a calendar document (NUL-terminated JSON text):
 *   {"timezone":"Asia/Shanghai","mode":"24x7"}
 *   {"timezone":"Asia/Shanghai",
 *    "week":{"mon":["08:30-12:00","13:30-17:30"], …, "sat":[], "sun":[]},
 *    "workday_hours":["08:30-12:00","13:30-17:30"],   (optional)
 *    "holidays":["2026-10-01", {"name":"国庆节","from":"2026-10-01","to":"2026-10-07"}],
 *    "workdays":["2026-10-10"],
 *    "include":["cn-2025-2026"]}                       (optional)
 * "timezone" defaults to Asia/Shanghai, "mode" to "week". Days missing from
 * "week" have no working time, but at least one day must have some.
 * "workday_hours" defaults to Monday's intervals (or, if Monday has none,
 * to the first weekday that has). "include" merges built-in holiday
 * schedules (see calendar_builtin_schedule). Unknown keys are errors, so a
 * misspelt key cannot silently drop working hours.
 * *cal must be initialised; on success its old contents are released and
 * replaced, on failure *cal is unchanged and *err (if not NULL) is filled.
 * Returns CALENDAR_OK or CALENDAR_EINVAL. Borrows text. */
int calendar_parse_json(calendar *cal, const char *text, calendar_error *err);

/* As calendar_parse_json, from an already parsed value (borrowed). `prefix`
 * is prepended to error paths ("calendar" gives "calendar.week.mon[1]");
 * NULL or "" for none. */
int calendar_parse_json_value(calendar *cal, const json_t *root, const char *prefix,
                              calendar_error *err);

/* Merges a holiday schedule document (NUL-terminated JSON) into *cal:
 *   {"name":"…","source":"…","holidays":[…],"workdays":[…]}
 * with list entries as in calendar_parse_json. All or nothing: on failure
 * *cal is unchanged. Borrows text. Returns CALENDAR_OK or CALENDAR_EINVAL. */
int calendar_merge_json(calendar *cal, const char *text, calendar_error *err);

/* Merges the built-in PRC public-holiday schedule for 2025 and 2026, with
 * its make-up workdays, into *cal. Returns CALENDAR_OK (or CALENDAR_EINVAL
 * only if the built-in data were corrupt). */
int calendar_merge_cn(calendar *cal, calendar_error *err);

/* The built-in PRC 2025–2026 schedule as a schedule document (static
 * storage: do not free). Defined in calendar_cn.c. */
const char *calendar_cn_schedule_json(void);

/* The built-in schedule called `name` ("cn-2025-2026", or "cn" for the
 * newest PRC schedule) as a static schedule document, or NULL if unknown. */
const char *calendar_builtin_schedule(const char *name);

/* Imports the VEVENTs of an iCalendar text (text[0..len), need not be
 * NUL-terminated; borrowed) into *cal. Each event covers the local dates
 * from DTSTART up to DTEND exclusive (DTSTART;VALUE=DATE:20261001 with
 * DTEND;VALUE=DATE:20261008 is Oct 1–7); without DTEND, DURATION:PnD/PnW
 * gives the length, and without both the event is one day. For DATE-TIME
 * values the written date is taken as a local date (time zones are not
 * converted) and an end later than midnight includes its day. An event is
 * a make-up workday when it has X-REDRESS-WORKDAY:TRUE, or when it has no
 * X-REDRESS-WORKDAY and its SUMMARY contains "补班", "上班", "(班)" or
 * "（班）"; otherwise it is a holiday. STATUS:CANCELLED events are skipped;
 * RRULE events are refused (expand them first). All or nothing: on failure
 * *cal is unchanged and err->path is "line N". *imported (if not NULL)
 * receives the number of events taken. Returns CALENDAR_OK or
 * CALENDAR_EINVAL. */
int calendar_import_ics(calendar *cal, const char *text, size_t len, size_t *imported,
                        calendar_error *err);

/* Parses a time-zone name into a fixed offset: "UTC", "Etc/UTC", "GMT",
 * "Z", "Asia/Shanghai" (and the aliases "PRC", "Asia/Chongqing",
 * "Asia/Harbin"), "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei",
 * "Asia/Singapore", "Asia/Tokyo", "Asia/Seoul", or "+HH:MM" / "-HH:MM"
 * (at most 14:00). Writes *offset_min (OUT) and returns CALENDAR_OK, or
 * returns CALENDAR_EINVAL. */
int calendar_parse_timezone(const char *name, int32_t *offset_min);

/* Adds one holiday or make-up workday (local date) to *cal. Returns
 * CALENDAR_OK or CALENDAR_EINVAL for an invalid date. */
int calendar_add_holiday(calendar *cal, int year, int month, int day);
int calendar_add_workday(calendar *cal, int year, int month, int day);

/* ---- questions ------------------------------------------------------- */

/* Whether instant t lies in working time. Out-of-range instants are not. */
bool calendar_is_working(const calendar *cal, int64_t t);

/* The first working instant at or after t (t itself when it is working).
 * Writes *out (OUT). CALENDAR_ENOWORK if there is none, CALENDAR_ERANGE
 * if t or the answer is out of range. */
int calendar_next_working(const calendar *cal, int64_t t, int64_t *out);

/* The earliest instant at which `minutes` working minutes have elapsed
 * since t (see the conventions above; 0 returns t). Writes *out (OUT).
 * CALENDAR_EINVAL for minutes < 0, CALENDAR_ENOWORK, CALENDAR_ERANGE. */
int calendar_add_minutes(const calendar *cal, int64_t t, int64_t minutes, int64_t *out);

/* As calendar_add_minutes, to the second. */
int calendar_add_seconds(const calendar *cal, int64_t t, int64_t seconds, int64_t *out);

/* Working minutes in [from, to), rounded toward zero; negative when to is
 * before from (the working time of [to, from), negated). Writes *out
 * (OUT). CALENDAR_ERANGE if an instant is out of range. */
int calendar_working_minutes(const calendar *cal, int64_t from, int64_t to, int64_t *out);

/* As calendar_working_minutes, in seconds. */
int calendar_working_seconds(const calendar *cal, int64_t from, int64_t to, int64_t *out);

/* The end of the Nth working day after t's local day (see the conventions
 * above). Writes *out (OUT). CALENDAR_EINVAL for days < 0,
 * CALENDAR_ENOWORK, CALENDAR_ERANGE. */
int calendar_add_working_days(const calendar *cal, int64_t t, int64_t days, int64_t *out);

/* ---- local dates ----------------------------------------------------- */

/* The local calendar date of instant t (OUT: year, month 1–12, day 1–31,
 * weekday 0 = Monday … 6 = Sunday; any OUT pointer may be NULL), for
 * complaint numbers and report day boundaries. Returns CALENDAR_OK or
 * CALENDAR_ERANGE. */
int calendar_local_date(const calendar *cal, int64_t t, int *year, int *month, int *day,
                        int *weekday);

/* The instant of local midnight starting the given date. Writes *out (OUT).
 * Returns CALENDAR_OK or CALENDAR_EINVAL for an invalid date. */
int calendar_day_start(const calendar *cal, int year, int month, int day, int64_t *out);

/* Whether the given local date is a working day (has working intervals). */
bool calendar_is_working_day(const calendar *cal, int year, int month, int day);

/* ---- how far the special days reach ---------------------------------- */

/*
 * Holidays and make-up workdays are published a year at a time, so a
 * calendar that uses them is only right through the last year it lists.
 * The year of cal's latest holiday or make-up workday (OUT: *year), or
 * false when cal needs none: 24×7, or weekly hours with no special days.
 */
bool calendar_data_year(const calendar *cal, int *year);

/*
 * Whether cal's special days run out within `days` days of instant now
 * (or already have): true when the local day of now plus days lies after
 * 31 December of calendar_data_year. *days_left (OUT, may be NULL) gets
 * the days from now's local day to that 31 December (negative once past).
 * False for a calendar that needs no special days or an out-of-range now.
 */
bool calendar_data_expiring(const calendar *cal, int64_t now, int days, int *year, int64_t *days_left);

/* A short English description of a return code (static storage). */
const char *calendar_strerror(int code);

#endif
