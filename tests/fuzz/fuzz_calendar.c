/*
 * fuzz_calendar: the two calendar formats an administrator uploads — the
 * iCalendar text of POST /api/v1/calendars/{name}/ics (an input starting
 * with "BEGIN:") and the JSON document of PUT /api/v1/calendars/{name}
 * (anything else) — parsed by core/calendar, then asked the questions the
 * deadline arithmetic asks. The .ics text is handed over in a buffer of
 * exactly its length, as the server hands over a body, so reading past its
 * end is caught.
 *
 * Besides the sanitizers, on every calendar that parses: adding N working
 * minutes and then counting the working minutes back gives N, and the end
 * of a working-day period lies just after working time (calendar.h's
 * conventions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "util/timeutil.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The week an imported .ics adds its days to. */
static const char base_week[] = "{\"timezone\":\"Asia/Shanghai\",\"week\":{\"mon\":[\"08:30-12:00\",\"13:30-17:30\"],"
                                "\"tue\":[\"08:30-17:30\"],\"wed\":[\"08:30-17:30\"],\"thu\":[\"08:30-17:30\"],"
                                "\"fri\":[\"08:30-17:30\"]}}";

static void fail(const char *what, long long a, long long b)
{
    fprintf(stderr, "fuzz_calendar: %s (%lld, %lld)\n", what, a, b);
    abort();
}

static void questions(const calendar *cal)
{
    int64_t t0;
    if (time_parse_rfc3339("2026-11-24T09:12:00+08:00", &t0))
        abort();
    static const int64_t minutes[] = {0, 1, 59, 480, 10000};
    for (size_t i = 0; i < sizeof minutes / sizeof minutes[0]; i++) {
        int64_t end, back;
        if (calendar_add_minutes(cal, t0, minutes[i], &end) != CALENDAR_OK)
            continue;
        if (calendar_working_minutes(cal, t0, end, &back) != CALENDAR_OK || back != minutes[i])
            fail("add_minutes then working_minutes disagree", minutes[i], back);
    }
    for (int64_t days = 0; days <= 5; days += 5) {
        int64_t end;
        if (calendar_add_working_days(cal, t0, days, &end) != CALENDAR_OK)
            continue;
        if (!calendar_is_working(cal, end - 1))
            fail("a working-day period that does not end after working time", days, end);
    }
    int64_t next;
    if (calendar_next_working(cal, t0, &next) == CALENDAR_OK && (next < t0 || !calendar_is_working(cal, next)))
        fail("next_working is not working time", t0, next);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    calendar cal;
    calendar_init(&cal);
    calendar_error err;
    if (size >= 6 && memcmp(data, "BEGIN:", 6) == 0) {
        char *text = xmalloc(size);
        memcpy(text, data, size);
        if (calendar_parse_json(&cal, base_week, &err) != CALENDAR_OK)
            abort();
        size_t imported = 0;
        if (calendar_import_ics(&cal, text, size, &imported, &err) == CALENDAR_OK)
            questions(&cal);
        free(text);
    } else {
        char *text = xstrndup((const char *)data, size);
        if (calendar_parse_json(&cal, text, &err) == CALENDAR_OK)
            questions(&cal);
        free(text);
    }
    calendar_release(&cal);
    return 0;
}
