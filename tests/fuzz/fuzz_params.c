/*
 * fuzz_params: the small parsers that read untrusted text on the way in —
 * RFC 3339 instants and dates (intake times, list filters), UTF-8
 * validation (every text field), list cursors, whole-number parameters
 * (limit, level, If-Match), phone numbers (intake, the phone filter, the
 * portal lookup) and time-zone names (calendars, settings). The first byte
 * of an input chooses the parser, the rest is its text.
 *
 * Besides the sanitizers, each parser's promise is checked: an instant
 * formatted and parsed again is the same instant, a cursor printed and
 * parsed again is the same cursor, a counted string has that many code
 * points, a normalised phone is 7–20 digits, an offset lies within ±14 h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/listq.h"
#include "core/calendar.h"
#include "core/workflow.h"
#include "util/timeutil.h"
#include "util/utf8.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *s)
{
    fprintf(stderr, "fuzz_params: %s: \"%s\"\n", what, s);
    abort();
}

static void instant(const char *s)
{
    int64_t t, again;
    if (time_parse_rfc3339(s, &t))
        return;
    static const int offsets[] = {0, 480, -600};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        char text[40];
        time_format(t, offsets[i], text, sizeof text);
        if (time_parse_rfc3339(text, &again) || again != t)
            fail("an instant that does not survive formatting", s);
    }
}

static void date_or_instant(const char *s)
{
    int64_t t;
    if (time_parse_date_or_instant(s, 480, &t) == 0 && strlen(s) == 10) {
        char text[16];
        time_local_date(t, 480, true, text, sizeof text);
        if (strcmp(text, s) != 0)
            fail("a date that is not its own local date", s);
    }
}

static void text(const char *s)
{
    long n = utf8_count(s);
    if (n < 0)
        return;
    long starts = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        starts += (*p & 0xc0) != 0x80;
    if (n != starts)
        fail("a code-point count that differs from the lead bytes", s);
}

static void cursor(const char *s)
{
    for (int by_deadline = 0; by_deadline <= 1; by_deadline++) {
        int64_t key = 0, id = 0, key2 = 0, id2 = 0;
        if (listq_cursor(s, by_deadline, &key, &id))
            continue;
        char text[64];
        if (by_deadline)
            snprintf(text, sizeof text, "d%" PRId64 ".%" PRId64, key, id);
        else
            snprintf(text, sizeof text, "c%" PRId64, id);
        if (listq_cursor(text, by_deadline, &key2, &id2) || key2 != key || id2 != id)
            fail("a cursor that does not survive printing", s);
    }
}

static void whole(const char *s)
{
    long long v;
    if (listq_int(s, -5, 1000, &v) == 0 && (v < -5 || v > 1000))
        fail("a number outside its bounds", s);
}

static void phone(const char *s)
{
    char digits[24];
    if (phone_normalise(s, digits, sizeof digits))
        return;
    size_t n = strlen(digits);
    if (n < 7 || n > 20 || strspn(digits, "0123456789") != n)
        fail("a normalised phone that is not 7–20 digits", s);
}

static void zone(const char *s)
{
    int off;
    int32_t off32;
    if (time_zone_offset(s, &off) == 0 && (off < -14 * 60 || off > 14 * 60))
        fail("a zone offset beyond ±14 h", s);
    if (calendar_parse_timezone(s, &off32) == CALENDAR_OK && (off32 < -14 * 60 || off32 > 14 * 60))
        fail("a calendar offset beyond ±14 h", s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static void (*const parsers[])(const char *) = {instant, date_or_instant, text, cursor, whole, phone, zone};
    if (size < 1)
        return 0;
    char *s = xstrndup((const char *)data + 1, size - 1);
    parsers[data[0] % (sizeof parsers / sizeof parsers[0])](s);
    free(s);
    return 0;
}
