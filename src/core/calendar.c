/*
 * calendar: working-time arithmetic (see calendar.h for the model and the
 * conventions). The file has four parts: date arithmetic on local day
 * numbers, the sorted day sets, the parsers (calendar JSON, schedule JSON,
 * iCalendar), and the searches.
 *
 * Every search walks forward day by day and, inside a day, interval by
 * interval. Where the next holiday or make-up day is at least a week away,
 * the days in between follow the weekly pattern exactly, so whole weeks are
 * skipped with one multiplication; when the weekly pattern has no working
 * time at all the walk jumps straight to the next special day, and reports
 * CALENDAR_ENOWORK when there is none. That is what bounds every loop: a
 * walk advances at least one day per step, takes a constant number of
 * steps between two special days, and stops at the end of the date range.
 *
 * core/ may depend only on the C library and jansson, so allocation failure
 * aborts here through grow() instead of util/xalloc.
 */
#include "core/calendar.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECS_PER_DAY 86400
#define DAY_MIN (-25567)     /* 1900-01-01 */
#define DAY_MAX 376200       /* 3000-01-01, exclusive */
#define DAY_NONE INT32_MAX   /* "no such day" from next_special() */
#define MAX_RANGE_DAYS 366   /* longest holiday range or event accepted */
#define INSTANT_LIMIT ((int64_t)1 << 40) /* far beyond the date range */
#define PATH_SIZE 128                    /* == sizeof calendar_error.path */

_Static_assert(sizeof ((calendar_error *)0)->path == PATH_SIZE, "PATH_SIZE");

/* ---- errors and memory ------------------------------------------------ */

__attribute__((format(printf, 3, 4)))
static int fail(calendar_error *err, const char *path, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return CALENDAR_EINVAL;
    snprintf(err->path, sizeof err->path, "%s", path ? path : "");
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return CALENDAR_EINVAL;
}

static void *grow(void *p, size_t n)
{
    void *q = realloc(p, n);

    if (q == NULL)
        abort();
    return q;
}

/* path of member `key` below `prefix` ("week" + "mon" → "week.mon"). */
static void path_key(char *out, size_t size, const char *prefix, const char *key)
{
    if (prefix == NULL || prefix[0] == '\0')
        snprintf(out, size, "%s", key);
    else
        snprintf(out, size, "%s.%s", prefix, key);
}

/* path of element `i` below `prefix` ("week.mon" + 1 → "week.mon[1]"). */
static void path_index(char *out, size_t size, const char *prefix, size_t i)
{
    snprintf(out, size, "%s[%zu]", prefix ? prefix : "", i);
}

/* ---- dates ------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return len[m - 1] + (m == 2 && is_leap(y));
}

static bool valid_date(int y, int m, int d)
{
    return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 &&
           d <= days_in_month(y, m);
}

/* Day number (days since 1970-01-01) of a valid date. Counts whole days
 * from 0001-01-01 with the Gregorian leap rule, then rebases. */
static int32_t day_from_date(int y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    int32_t past = y - 1;
    int32_t n = past * 365 + past / 4 - past / 100 + past / 400;

    n += before[m - 1] + (m > 2 && is_leap(y)) + d - 1;
    return n - 719162; /* 0001-01-01 .. 1970-01-01 */
}

static void date_from_day(int32_t day, int *year, int *month, int *mday)
{
    int y = 1970 + (int)floor_div((int64_t)day * 10000, 3652425);
    int m = 1;
    int32_t rest;

    while (day_from_date(y, 1, 1) > day)
        y--;
    while (day_from_date(y + 1, 1, 1) <= day)
        y++;
    rest = day - day_from_date(y, 1, 1);
    while (rest >= days_in_month(y, m))
        rest -= days_in_month(y, m++);
    *year = y;
    *month = m;
    *mday = (int)rest + 1;
}

/* 0 = Monday … 6 = Sunday; 1970-01-01 was a Thursday. */
static int weekday_of(int32_t day)
{
    int r = (int)(((int64_t)day + 3) % 7);

    return r < 0 ? r + 7 : r;
}

/* Splits instant t into a local day number and the second of that day. */
static int split(const calendar *cal, int64_t t, int32_t *day, int32_t *sec)
{
    int64_t local, d;

    if (t <= -INSTANT_LIMIT || t >= INSTANT_LIMIT)
        return CALENDAR_ERANGE;
    local = t + (int64_t)cal->utc_offset_min * 60;
    d = floor_div(local, SECS_PER_DAY);
    if (d < DAY_MIN || d >= DAY_MAX)
        return CALENDAR_ERANGE;
    *day = (int32_t)d;
    *sec = (int32_t)(local - d * SECS_PER_DAY);
    return CALENDAR_OK;
}

/* The instant of second `sec` (0..86400) of local day `day`. */
static int64_t join(const calendar *cal, int32_t day, int32_t sec)
{
    return (int64_t)day * SECS_PER_DAY + sec - (int64_t)cal->utc_offset_min * 60;
}

/* Parses exactly "YYYY-MM-DD" (dash = true) or "YYYYMMDD" (dash = false)
 * at s; returns the number of characters used, or 0. */
static size_t scan_date(const char *s, bool dash, int32_t *day)
{
    int v[8];
    size_t pos = 0;
    int y, m, d;

    for (int i = 0; i < 8; i++) {
        if (dash && (i == 4 || i == 6) && s[pos++] != '-')
            return 0;
        if (s[pos] < '0' || s[pos] > '9')
            return 0;
        v[i] = s[pos++] - '0';
    }
    y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    m = v[4] * 10 + v[5];
    d = v[6] * 10 + v[7];
    if (!valid_date(y, m, d))
        return 0;
    *day = day_from_date(y, m, d);
    return pos;
}

static bool parse_iso_date(const char *s, int32_t *day)
{
    size_t n = scan_date(s, true, day);

    return n != 0 && s[n] == '\0';
}

/* ---- day sets --------------------------------------------------------- */

/* Index of the first element >= day. */
static size_t days_lower_bound(const calendar_days *s, int32_t day)
{
    size_t lo = 0, hi = s->len;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->day[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool days_contains(const calendar_days *s, int32_t day)
{
    size_t i = days_lower_bound(s, day);

    return i < s->len && s->day[i] == day;
}

static void days_insert(calendar_days *s, int32_t day)
{
    size_t i = days_lower_bound(s, day);

    if (i < s->len && s->day[i] == day)
        return;
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->day = grow(s->day, s->cap * sizeof *s->day);
    }
    memmove(s->day + i + 1, s->day + i, (s->len - i) * sizeof *s->day);
    s->day[i] = day;
    s->len++;
    /* The set stays sorted and without duplicates (calendar.h). */
    assert(i == 0 || s->day[i - 1] < day);
    assert(i + 1 == s->len || s->day[i + 1] > day);
}

static void days_merge(calendar_days *into, const calendar_days *from)
{
    for (size_t i = 0; i < from->len; i++)
        days_insert(into, from->day[i]);
}

static void days_release(calendar_days *s)
{
    free(s->day);
    s->day = NULL;
    s->len = s->cap = 0;
}

/* ---- lifecycle -------------------------------------------------------- */

void calendar_init(calendar *cal)
{
    memset(cal, 0, sizeof *cal);
}

void calendar_release(calendar *cal)
{
    days_release(&cal->holidays);
    days_release(&cal->workdays);
}

void calendar_clear(calendar *cal)
{
    calendar_release(cal);
    calendar_init(cal);
}

int calendar_add_holiday(calendar *cal, int year, int month, int day)
{
    if (!valid_date(year, month, day))
        return CALENDAR_EINVAL;
    days_insert(&cal->holidays, day_from_date(year, month, day));
    return CALENDAR_OK;
}

int calendar_add_workday(calendar *cal, int year, int month, int day)
{
    if (!valid_date(year, month, day))
        return CALENDAR_EINVAL;
    days_insert(&cal->workdays, day_from_date(year, month, day));
    return CALENDAR_OK;
}

/* ---- time zones ------------------------------------------------------- */

/* Zones without daylight-saving time in this century, so that a fixed
 * offset is exact. Anything else must be given as an offset. */
static const struct {
    const char *name;
    int32_t offset_min;
} fixed_zones[] = {
    {"UTC", 0},            {"Etc/UTC", 0},          {"GMT", 0},
    {"Z", 0},              {"Asia/Shanghai", 480},  {"PRC", 480},
    {"Asia/Chongqing", 480}, {"Asia/Harbin", 480},  {"Asia/Hong_Kong", 480},
    {"Asia/Macau", 480},   {"Asia/Taipei", 480},    {"Asia/Singapore", 480},
    {"Asia/Tokyo", 540},   {"Asia/Seoul", 540},
};

static bool two_digits(const char *s, int *v)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return true;
}

int calendar_parse_timezone(const char *name, int32_t *offset_min)
{
    int hh, mm;

    if (name == NULL)
        return CALENDAR_EINVAL;
    for (size_t i = 0; i < sizeof fixed_zones / sizeof fixed_zones[0]; i++) {
        if (strcmp(name, fixed_zones[i].name) == 0) {
            *offset_min = fixed_zones[i].offset_min;
            return CALENDAR_OK;
        }
    }
    if ((name[0] != '+' && name[0] != '-') || strlen(name) != 6 || name[3] != ':' ||
        !two_digits(name + 1, &hh) || !two_digits(name + 4, &mm) || mm > 59 ||
        hh * 60 + mm > 14 * 60)
        return CALENDAR_EINVAL;
    *offset_min = (name[0] == '-' ? -1 : 1) * (hh * 60 + mm);
    return CALENDAR_OK;
}

/* ---- working hours ---------------------------------------------------- */

/* "HH:MM" at s as minutes since midnight; 24:00 only when allow_24. */
static bool parse_clock(const char *s, bool allow_24, int *minutes)
{
    int hh, mm;

    if (!two_digits(s, &hh) || s[2] != ':' || !two_digits(s + 3, &mm) || mm > 59)
        return false;
    if (hh > 24 || (hh == 24 && (!allow_24 || mm != 0)))
        return false;
    *minutes = hh * 60 + mm;
    return true;
}

/* Parses one "HH:MM-HH:MM" element of a day's list at `path`. */
static int parse_slot(const json_t *v, const char *path, calendar_slot *slot,
                      calendar_error *err)
{
    const char *s = json_string_value(v);
    int a, b;

    if (s == NULL || strlen(s) != 11 || s[5] != '-' || !parse_clock(s, false, &a) ||
        !parse_clock(s + 6, true, &b))
        return fail(err, path, "expected HH:MM-HH:MM");
    if (b <= a)
        return fail(err, path, "the end must be after the start "
                               "(split an overnight shift at 24:00)");
    slot->start = (int16_t)a;
    slot->end = (int16_t)b;
    return CALENDAR_OK;
}

/* Parses a day's list of intervals at `path` into *h, sorted. */
static int parse_hours(const json_t *arr, const char *path, calendar_hours *h,
                       calendar_error *err)
{
    char sub[PATH_SIZE];
    size_t n = json_array_size(arr);

    if (!json_is_array(arr))
        return fail(err, path, "expected an array of \"HH:MM-HH:MM\" strings");
    if (n > CALENDAR_MAX_SLOTS)
        return fail(err, path, "at most %d intervals per day", CALENDAR_MAX_SLOTS);
    h->count = 0;
    for (size_t i = 0; i < n; i++) {
        calendar_slot s;
        path_index(sub, sizeof sub, path, i);
        if (parse_slot(json_array_get(arr, i), sub, &s, err) != CALENDAR_OK)
            return CALENDAR_EINVAL;
        for (size_t j = 0; j < i; j++) {
            if (s.start < h->slot[j].end && h->slot[j].start < s.end)
                return fail(err, sub, "overlaps %s[%zu]", path, j);
        }
        h->slot[h->count++] = s;
    }
    for (int i = 1; i < h->count; i++) { /* insertion sort by start */
        calendar_slot s = h->slot[i];
        int j = i;
        for (; j > 0 && h->slot[j - 1].start > s.start; j--)
            h->slot[j] = h->slot[j - 1];
        h->slot[j] = s;
    }
    /* A day's intervals are sorted by start and do not overlap (calendar.h). */
    for (int i = 1; i < h->count; i++)
        assert(h->slot[i - 1].end <= h->slot[i].start);
    return CALENDAR_OK;
}

static const char *const weekday_keys[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int parse_week(const json_t *week, const char *path, calendar *cal, calendar_error *err)
{
    char sub[PATH_SIZE];
    const char *key;
    json_t *v;
    bool any = false;

    if (!json_is_object(week))
        return fail(err, path, "expected an object with keys mon … sun");
    /* jansson's iteration macro is not const-correct; nothing is modified. */
    json_object_foreach((json_t *)week, key, v) {
        int d = 0;
        while (d < 7 && strcmp(key, weekday_keys[d]) != 0)
            d++;
        path_key(sub, sizeof sub, path, key);
        if (d == 7)
            return fail(err, sub, "unknown day (use mon, tue, wed, thu, fri, sat, sun)");
        if (parse_hours(v, sub, &cal->week[d], err) != CALENDAR_OK)
            return CALENDAR_EINVAL;
        any = any || cal->week[d].count > 0;
    }
    if (!any)
        return fail(err, path, "no working hours on any day (use \"mode\":\"24x7\" "
                               "for round-the-clock service)");
    return CALENDAR_OK;
}

/* ---- holiday lists ---------------------------------------------------- */

static int parse_date_member(const json_t *obj, const char *key, const char *path,
                             int32_t *day, calendar_error *err)
{
    char sub[PATH_SIZE];
    const char *s = json_string_value(json_object_get(obj, key));

    path_key(sub, sizeof sub, path, key);
    if (s == NULL || !parse_iso_date(s, day))
        return fail(err, sub, "expected a date YYYY-MM-DD");
    return CALENDAR_OK;
}

/* One list entry: "YYYY-MM-DD", {"date":…} or {"from":…,"to":…} (inclusive),
 * each object optionally with "name". Adds its days to *into. */
static int parse_day_entry(const json_t *v, const char *path, calendar_days *into,
                           calendar_error *err)
{
    int32_t from, to;
    const char *key;
    json_t *member;

    if (json_is_string(v)) {
        if (!parse_iso_date(json_string_value(v), &from))
            return fail(err, path, "expected a date YYYY-MM-DD");
        days_insert(into, from);
        return CALENDAR_OK;
    }
    if (!json_is_object(v))
        return fail(err, path, "expected \"YYYY-MM-DD\" or {\"from\":…,\"to\":…}");
    json_object_foreach((json_t *)v, key, member) {
        if (strcmp(key, "name") && strcmp(key, "date") && strcmp(key, "from") &&
            strcmp(key, "to")) {
            char sub[PATH_SIZE];
            path_key(sub, sizeof sub, path, key);
            return fail(err, sub, "unknown key (expected name, date, from, to)");
        }
    }
    if (json_object_get(v, "date") != NULL) {
        if (json_object_get(v, "from") || json_object_get(v, "to"))
            return fail(err, path, "give either \"date\" or \"from\" and \"to\"");
        if (parse_date_member(v, "date", path, &from, err) != CALENDAR_OK)
            return CALENDAR_EINVAL;
        days_insert(into, from);
        return CALENDAR_OK;
    }
    if (parse_date_member(v, "from", path, &from, err) != CALENDAR_OK ||
        parse_date_member(v, "to", path, &to, err) != CALENDAR_OK)
        return CALENDAR_EINVAL;
    if (to < from)
        return fail(err, path, "\"to\" is before \"from\"");
    if (to - from >= MAX_RANGE_DAYS)
        return fail(err, path, "a range may span at most %d days", MAX_RANGE_DAYS);
    for (int32_t d = from; d <= to; d++)
        days_insert(into, d);
    return CALENDAR_OK;
}

static int parse_day_list(const json_t *arr, const char *path, calendar_days *into,
                          calendar_error *err)
{
    char sub[PATH_SIZE];

    if (!json_is_array(arr))
        return fail(err, path, "expected an array of dates");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        path_index(sub, sizeof sub, path, i);
        if (parse_day_entry(json_array_get(arr, i), sub, into, err) != CALENDAR_OK)
            return CALENDAR_EINVAL;
    }
    return CALENDAR_OK;
}

/* Reads "holidays" and "workdays" of a schedule or calendar object. */
static int parse_lists(const json_t *root, const char *prefix, calendar_days *holidays,
                       calendar_days *workdays, calendar_error *err)
{
    char sub[PATH_SIZE];
    const json_t *v;

    if ((v = json_object_get(root, "holidays")) != NULL) {
        path_key(sub, sizeof sub, prefix, "holidays");
        if (parse_day_list(v, sub, holidays, err) != CALENDAR_OK)
            return CALENDAR_EINVAL;
    }
    if ((v = json_object_get(root, "workdays")) != NULL) {
        path_key(sub, sizeof sub, prefix, "workdays");
        if (parse_day_list(v, sub, workdays, err) != CALENDAR_OK)
            return CALENDAR_EINVAL;
    }
    return CALENDAR_OK;
}

/* Fails on the first key of object `root` not in the NULL-terminated list. */
static int check_keys(const json_t *root, const char *prefix, const char *const *allowed,
                      const char *expected, calendar_error *err)
{
    char sub[PATH_SIZE];
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)root, key, v) {
        size_t i = 0;
        while (allowed[i] != NULL && strcmp(allowed[i], key) != 0)
            i++;
        if (allowed[i] == NULL) {
            path_key(sub, sizeof sub, prefix, key);
            return fail(err, sub, "unknown key (expected %s)", expected);
        }
    }
    return CALENDAR_OK;
}

static int parse_schedule_value(const json_t *root, const char *prefix,
                                calendar_days *holidays, calendar_days *workdays,
                                calendar_error *err)
{
    static const char *const keys[] = {"name", "source", "description", "holidays",
                                       "workdays", NULL};

    if (!json_is_object(root))
        return fail(err, prefix, "expected a schedule object");
    if (check_keys(root, prefix, keys, "name, source, description, holidays, workdays",
                   err) != CALENDAR_OK)
        return CALENDAR_EINVAL;
    return parse_lists(root, prefix, holidays, workdays, err);
}

/* Parses schedule text into the two sets; `path` prefixes error paths. */
static int parse_schedule_text(const char *text, const char *path, calendar_days *holidays,
                               calendar_days *workdays, calendar_error *err)
{
    json_error_t jerr;
    json_t *root = NULL;
    int rc = CALENDAR_EINVAL;

    if (text == NULL) {
        fail(err, path, "no schedule text");
        goto out;
    }
    root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        fail(err, path, "invalid JSON (line %d, column %d): %s", jerr.line, jerr.column,
             jerr.text);
        goto out;
    }
    rc = parse_schedule_value(root, path, holidays, workdays, err);
out:
    json_decref(root);
    return rc;
}

int calendar_merge_json(calendar *cal, const char *text, calendar_error *err)
{
    calendar_days holidays = {0}, workdays = {0};
    int rc = parse_schedule_text(text, "", &holidays, &workdays, err);

    if (rc == CALENDAR_OK) {
        days_merge(&cal->holidays, &holidays);
        days_merge(&cal->workdays, &workdays);
    }
    days_release(&holidays);
    days_release(&workdays);
    return rc;
}

int calendar_merge_cn(calendar *cal, calendar_error *err)
{
    return calendar_merge_json(cal, calendar_cn_schedule_json(), err);
}

/* ---- calendar documents ----------------------------------------------- */

static int parse_includes(const json_t *arr, const char *path, calendar *cal,
                          calendar_error *err)
{
    char sub[PATH_SIZE];

    if (!json_is_array(arr))
        return fail(err, path, "expected an array of schedule names");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const char *name = json_string_value(json_array_get(arr, i));
        const char *text = calendar_builtin_schedule(name);
        path_index(sub, sizeof sub, path, i);
        if (text == NULL)
            return fail(err, sub, "unknown schedule (known: cn-2025-2026, cn)");
        if (parse_schedule_text(text, sub, &cal->holidays, &cal->workdays, err) !=
            CALENDAR_OK)
            return CALENDAR_EINVAL;
    }
    return CALENDAR_OK;
}

/* Reads "timezone" (default Asia/Shanghai) and "mode" into *cal. */
static int parse_zone_and_mode(const json_t *root, const char *prefix, calendar *cal,
                               calendar_error *err)
{
    char sub[PATH_SIZE];
    const json_t *v;

    cal->utc_offset_min = 480; /* Asia/Shanghai, DESIGN.md §4 */
    if ((v = json_object_get(root, "timezone")) != NULL &&
        calendar_parse_timezone(json_string_value(v), &cal->utc_offset_min) != CALENDAR_OK) {
        path_key(sub, sizeof sub, prefix, "timezone");
        return fail(err, sub, "unknown time zone (use Asia/Shanghai, UTC or +HH:MM)");
    }
    if ((v = json_object_get(root, "mode")) != NULL) {
        const char *mode = json_string_value(v);
        path_key(sub, sizeof sub, prefix, "mode");
        if (mode == NULL || (strcmp(mode, "24x7") != 0 && strcmp(mode, "week") != 0))
            return fail(err, sub, "expected \"24x7\" or \"week\"");
        cal->all_hours = strcmp(mode, "24x7") == 0;
    }
    return CALENDAR_OK;
}

/* The week-mode members: week, workday_hours, holidays, workdays, include. */
static int parse_week_mode(const json_t *root, const char *prefix, calendar *cal,
                           calendar_error *err)
{
    char sub[PATH_SIZE];
    const json_t *v;

    path_key(sub, sizeof sub, prefix, "week");
    if ((v = json_object_get(root, "week")) == NULL)
        return fail(err, sub, "required (or \"mode\":\"24x7\")");
    if (parse_week(v, sub, cal, err) != CALENDAR_OK)
        return CALENDAR_EINVAL;
    if ((v = json_object_get(root, "workday_hours")) != NULL) {
        path_key(sub, sizeof sub, prefix, "workday_hours");
        if (parse_hours(v, sub, &cal->makeup, err) != CALENDAR_OK)
            return CALENDAR_EINVAL;
    } else {
        int d = 0;
        while (d < 6 && cal->week[d].count == 0)
            d++;
        cal->makeup = cal->week[d];
    }
    if (parse_lists(root, prefix, &cal->holidays, &cal->workdays, err) != CALENDAR_OK)
        return CALENDAR_EINVAL;
    if ((v = json_object_get(root, "include")) != NULL) {
        path_key(sub, sizeof sub, prefix, "include");
        return parse_includes(v, sub, cal, err);
    }
    return CALENDAR_OK;
}

int calendar_parse_json_value(calendar *cal, const json_t *root, const char *prefix,
                              calendar_error *err)
{
    static const char *const keys[] = {"name", "description", "timezone", "mode", "week",
                                       "workday_hours", "holidays", "workdays", "include",
                                       NULL};
    static const char *const week_only[] = {"week", "workday_hours", "holidays",
                                            "workdays", "include", NULL};
    char sub[PATH_SIZE];
    calendar tmp;
    int rc = CALENDAR_EINVAL;

    calendar_init(&tmp);
    if (!json_is_object(root)) {
        fail(err, prefix, "expected a calendar object");
        goto out;
    }
    if (check_keys(root, prefix, keys, "timezone, mode, week, workday_hours, holidays, "
                   "workdays, include", err) != CALENDAR_OK ||
        parse_zone_and_mode(root, prefix, &tmp, err) != CALENDAR_OK)
        goto out;
    if (tmp.all_hours) {
        for (size_t i = 0; week_only[i] != NULL; i++) {
            if (json_object_get(root, week_only[i]) == NULL)
                continue;
            path_key(sub, sizeof sub, prefix, week_only[i]);
            fail(err, sub, "not used when \"mode\" is \"24x7\" (every minute is working time)");
            goto out;
        }
    } else if (parse_week_mode(root, prefix, &tmp, err) != CALENDAR_OK) {
        goto out;
    }
    calendar_release(cal);
    *cal = tmp;
    calendar_init(&tmp);
    rc = CALENDAR_OK;
out:
    calendar_release(&tmp);
    return rc;
}

int calendar_parse_json(calendar *cal, const char *text, calendar_error *err)
{
    json_error_t jerr;
    json_t *root = NULL;
    int rc = CALENDAR_EINVAL;

    if (text == NULL) {
        fail(err, "", "no calendar text");
        goto out;
    }
    root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        fail(err, "", "invalid JSON (line %d, column %d): %s", jerr.line, jerr.column,
             jerr.text);
        goto out;
    }
    rc = calendar_parse_json_value(cal, root, "", err);
out:
    json_decref(root);
    return rc;
}

/* ---- iCalendar -------------------------------------------------------- */

typedef struct line_buf {
    char *data;
    size_t len;
    size_t cap;
} line_buf;

static void line_append(line_buf *b, const char *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = grow(b->data, b->cap);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Reads the next logical line into *b, joining folded continuation lines
 * (RFC 5545 §3.1: CRLF followed by a space or tab). *lineno counts
 * physical lines; *first receives the physical number of the logical
 * line's first line. Returns false at the end of the input. */
static bool ics_next_line(const char *text, size_t len, size_t *pos, int *lineno,
                          line_buf *b, int *first)
{
    if (*pos >= len)
        return false;
    b->len = 0;
    line_append(b, "", 0);
    *first = *lineno + 1;
    for (;;) {
        const char *nl = memchr(text + *pos, '\n', len - *pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t stop = (end > *pos && text[end - 1] == '\r') ? end - 1 : end;
        line_append(b, text + *pos, stop - *pos);
        (*lineno)++;
        *pos = nl ? end + 1 : len;
        if (*pos >= len || (text[*pos] != ' ' && text[*pos] != '\t'))
            return true;
        (*pos)++; /* the fold's leading white space is not content */
    }
}

static bool ascii_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'a' && *a <= 'z') ? (char)(*a - 32) : *a;
        char y = (*b >= 'a' && *b <= 'z') ? (char)(*b - 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* Splits "NAME;PARAMS:VALUE" in place (quoted parameter values may hold
 * ':' or ';'). Returns false when there is no value separator. */
static bool ics_split(char *line, char **name, char **value)
{
    bool quoted = false;
    char *p = line;

    while (*p && *p != ';' && *p != ':')
        p++;
    *name = line;
    for (char *q = p; *q; q++) {
        if (*q == '"')
            quoted = !quoted;
        else if (*q == ':' && !quoted) {
            *p = '\0';
            *value = q + 1;
            return true;
        }
    }
    return false;
}

typedef struct ics_event {
    int first_line;
    bool has_start, has_end, has_duration;
    bool recurring, cancelled, summary_workday;
    int workday;       /* X-REDRESS-WORKDAY: -1 absent, 0 FALSE, 1 TRUE */
    int32_t start;     /* first local day */
    int32_t end;       /* first day after the event, from DTEND */
    int64_t duration_days;
} ics_event;

/* Parses "YYYYMMDD" or "YYYYMMDDTHHMMSS[Z]". *day_after is the day after
 * the last day the value touches when used as an exclusive end: the day
 * itself for a date or midnight, the next day for a later time. */
static bool ics_date(const char *v, int32_t *day, int32_t *day_after)
{
    size_t n = scan_date(v, false, day);
    int hh, mm, ss;

    if (n == 0)
        return false;
    *day_after = *day;
    if (v[n] == '\0')
        return true;
    if (v[n] != 'T' || !two_digits(v + n + 1, &hh) || !two_digits(v + n + 3, &mm) ||
        !two_digits(v + n + 5, &ss) || hh > 23 || mm > 59 || ss > 60)
        return false;
    if (v[n + 7] != '\0' && strcmp(v + n + 7, "Z") != 0)
        return false;
    if (hh || mm || ss)
        *day_after = *day + 1;
    return true;
}

/* Parses an RFC 5545 duration (P1D, P2W, PT36H, P1DT12H) into whole days,
 * rounding a part-day up. */
static bool ics_duration(const char *v, int64_t *days)
{
    int64_t secs = 0, n = -1;
    bool in_time = false;

    if (*v == '+')
        v++;
    if (*v++ != 'P')
        return false;
    for (; *v; v++) {
        if (*v >= '0' && *v <= '9') {
            n = (n < 0 ? 0 : n) * 10 + (*v - '0');
            if (n > 100000000)
                return false;
            continue;
        }
        if (*v == 'T' && !in_time && n < 0) {
            in_time = true;
            continue;
        }
        if (n < 0)
            return false;
        if (*v == 'W' && !in_time)
            secs += n * 7 * SECS_PER_DAY;
        else if (*v == 'D' && !in_time)
            secs += n * SECS_PER_DAY;
        else if (*v == 'H' && in_time)
            secs += n * 3600;
        else if (*v == 'M' && in_time)
            secs += n * 60;
        else if (*v == 'S' && in_time)
            secs += n;
        else
            return false;
        n = -1;
    }
    if (n >= 0)
        return false;
    *days = (secs + SECS_PER_DAY - 1) / SECS_PER_DAY;
    return true;
}

static bool summary_means_workday(const char *s)
{
    return strstr(s, "补班") != NULL || strstr(s, "上班") != NULL ||
           strstr(s, "(班)") != NULL || strstr(s, "（班）") != NULL;
}

/* Applies one property of the current VEVENT. */
static int ics_property(ics_event *ev, const char *name, const char *value, int line,
                        calendar_error *err)
{
    char where[32];
    int32_t ignored;

    snprintf(where, sizeof where, "line %d", line);
    if (ascii_ieq(name, "DTSTART")) {
        if (!ics_date(value, &ev->start, &ignored))
            return fail(err, where, "DTSTART: expected YYYYMMDD or YYYYMMDDTHHMMSS");
        ev->has_start = true;
    } else if (ascii_ieq(name, "DTEND")) {
        if (!ics_date(value, &ignored, &ev->end))
            return fail(err, where, "DTEND: expected YYYYMMDD or YYYYMMDDTHHMMSS");
        ev->has_end = true;
    } else if (ascii_ieq(name, "DURATION")) {
        if (!ics_duration(value, &ev->duration_days))
            return fail(err, where, "DURATION: expected a duration such as P1D");
        ev->has_duration = true;
    } else if (ascii_ieq(name, "SUMMARY")) {
        ev->summary_workday = summary_means_workday(value);
    } else if (ascii_ieq(name, "X-REDRESS-WORKDAY")) {
        if (!ascii_ieq(value, "TRUE") && !ascii_ieq(value, "FALSE"))
            return fail(err, where, "X-REDRESS-WORKDAY: expected TRUE or FALSE");
        ev->workday = ascii_ieq(value, "TRUE");
    } else if (ascii_ieq(name, "STATUS")) {
        ev->cancelled = ascii_ieq(value, "CANCELLED");
    } else if (ascii_ieq(name, "RRULE") || ascii_ieq(name, "RDATE")) {
        ev->recurring = true;
    }
    return CALENDAR_OK;
}

/* Turns a finished VEVENT into days of *holidays or *workdays. */
static int ics_finish(const ics_event *ev, calendar_days *holidays, calendar_days *workdays,
                      size_t *count, calendar_error *err)
{
    char where[32];
    int64_t end;

    snprintf(where, sizeof where, "line %d", ev->first_line);
    if (!ev->has_start)
        return fail(err, where, "VEVENT without DTSTART");
    if (ev->recurring)
        return fail(err, where, "recurring events (RRULE, RDATE) are not supported; "
                                "expand them into single events");
    if (ev->cancelled)
        return CALENDAR_OK;
    if (ev->has_end)
        end = ev->end;
    else if (ev->has_duration)
        end = (int64_t)ev->start + ev->duration_days;
    else
        end = (int64_t)ev->start + 1;
    if (end <= ev->start)
        end = (int64_t)ev->start + 1;
    if (end - ev->start > MAX_RANGE_DAYS)
        return fail(err, where, "the event spans more than %d days", MAX_RANGE_DAYS);
    if (end > DAY_MAX)
        return fail(err, where, "the event ends after 2999-12-31");
    bool work = ev->workday >= 0 ? ev->workday == 1 : ev->summary_workday;
    for (int32_t d = ev->start; d < end; d++)
        days_insert(work ? workdays : holidays, d);
    (*count)++;
    return CALENDAR_OK;
}

/* The parsing state of one import. */
typedef struct ics_state {
    int depth;        /* open components */
    int event_depth;  /* depth of the open VEVENT, 0 when none */
    bool seen_calendar;
    ics_event ev;
    calendar_days holidays, workdays;
    size_t count;
} ics_state;

static int ics_line(ics_state *st, char *line, int lineno, calendar_error *err)
{
    char where[32];
    char *name, *value;

    snprintf(where, sizeof where, "line %d", lineno);
    if (line[0] == '\0')
        return CALENDAR_OK;
    if (!ics_split(line, &name, &value))
        return fail(err, where, "expected NAME:VALUE");
    if (!st->seen_calendar && !(ascii_ieq(name, "BEGIN") && ascii_ieq(value, "VCALENDAR")))
        return fail(err, where, "expected BEGIN:VCALENDAR");
    if (ascii_ieq(name, "BEGIN")) {
        st->seen_calendar = true;
        st->depth++;
        if (st->event_depth == 0 && ascii_ieq(value, "VEVENT")) {
            st->event_depth = st->depth;
            memset(&st->ev, 0, sizeof st->ev);
            st->ev.workday = -1;
            st->ev.first_line = lineno;
        }
        return CALENDAR_OK;
    }
    if (ascii_ieq(name, "END")) {
        if (st->depth == 0)
            return fail(err, where, "END without BEGIN");
        if (st->depth-- != st->event_depth)
            return CALENDAR_OK;
        st->event_depth = 0;
        if (!ascii_ieq(value, "VEVENT"))
            return fail(err, where, "expected END:VEVENT");
        return ics_finish(&st->ev, &st->holidays, &st->workdays, &st->count, err);
    }
    if (st->event_depth != 0 && st->depth == st->event_depth)
        return ics_property(&st->ev, name, value, lineno, err);
    return CALENDAR_OK;
}

int calendar_import_ics(calendar *cal, const char *text, size_t len, size_t *imported,
                        calendar_error *err)
{
    ics_state st;
    line_buf line = {0};
    size_t pos = 0;
    int lineno = 0, first = 1;
    int rc = CALENDAR_EINVAL;

    memset(&st, 0, sizeof st);
    if (text == NULL)
        len = 0;
    while (ics_next_line(text, len, &pos, &lineno, &line, &first)) {
        if (ics_line(&st, line.data, first, err) != CALENDAR_OK)
            goto out;
    }
    if (!st.seen_calendar) {
        fail(err, "line 1", "expected BEGIN:VCALENDAR");
        goto out;
    }
    if (st.depth != 0) {
        char where[32];
        snprintf(where, sizeof where, "line %d", lineno);
        fail(err, where, "the input ends inside a component (missing END)");
        goto out;
    }
    days_merge(&cal->holidays, &st.holidays);
    days_merge(&cal->workdays, &st.workdays);
    if (imported != NULL)
        *imported = st.count;
    rc = CALENDAR_OK;
out:
    free(line.data);
    days_release(&st.holidays);
    days_release(&st.workdays);
    return rc;
}

/* ---- the searches ----------------------------------------------------- */

static const calendar_hours full_day = {1, {{0, 1440}}};
static const calendar_hours no_hours = {0, {{0, 0}}};

/* The working intervals of local day `day`, by the precedence in calendar.h. */
static const calendar_hours *hours_on(const calendar *cal, int32_t day)
{
    if (cal->all_hours)
        return &full_day;
    if (days_contains(&cal->workdays, day))
        return &cal->makeup;
    if (days_contains(&cal->holidays, day))
        return &no_hours;
    return &cal->week[weekday_of(day)];
}

static int64_t hours_seconds(const calendar_hours *h)
{
    int64_t total = 0;

    for (int i = 0; i < h->count; i++)
        total += (int64_t)(h->slot[i].end - h->slot[i].start) * 60;
    return total;
}

/* Working seconds of *h within [from, to) seconds of the day. */
static int64_t hours_overlap(const calendar_hours *h, int32_t from, int32_t to)
{
    int64_t total = 0;

    for (int i = 0; i < h->count; i++) {
        int32_t a = h->slot[i].start * 60, b = h->slot[i].end * 60;
        if (a < from)
            a = from;
        if (b > to)
            b = to;
        if (b > a)
            total += b - a;
    }
    return total;
}

/* The weekly pattern's working seconds and working days per week. */
static void week_totals(const calendar *cal, int64_t *seconds, int64_t *days)
{
    *seconds = 0;
    *days = 0;
    for (int d = 0; d < 7; d++) {
        const calendar_hours *h = cal->all_hours ? &full_day : &cal->week[d];
        *seconds += hours_seconds(h);
        *days += h->count > 0;
    }
}

/* The first holiday or make-up day on or after `day`, or DAY_NONE. */
static int32_t next_special(const calendar *cal, int32_t day)
{
    size_t h = days_lower_bound(&cal->holidays, day);
    size_t w = days_lower_bound(&cal->workdays, day);
    int32_t next = DAY_NONE;

    if (cal->all_hours)
        return DAY_NONE;
    if (h < cal->holidays.len)
        next = cal->holidays.day[h];
    if (w < cal->workdays.len && cal->workdays.day[w] < next)
        next = cal->workdays.day[w];
    return next;
}

/*
 * Called at the start of local day *day with *left units still to consume,
 * where the weekly pattern provides per_week units (working seconds, or
 * working days) a week. Advances *day over whole weeks that follow the
 * weekly pattern while more than their worth is left, so the walk resumes
 * in the week where the answer lies. With no weekly working time it jumps
 * to the next special day, or reports that there is none.
 */
static int skip_plain_weeks(const calendar *cal, int32_t *day, int64_t per_week,
                            int64_t *left)
{
    int32_t special = next_special(cal, *day);
    int64_t weeks;

    if (per_week == 0) {
        if (special == DAY_NONE)
            return CALENDAR_ENOWORK;
        *day = special;
        return CALENDAR_OK;
    }
    weeks = ((int64_t)special - *day) / 7;
    if (weeks > (*left - 1) / per_week)
        weeks = (*left - 1) / per_week;
    if (weeks > ((int64_t)DAY_MAX - *day) / 7 + 1)
        weeks = ((int64_t)DAY_MAX - *day) / 7 + 1; /* lands past the range */
    *day += (int32_t)(weeks * 7);
    *left -= weeks * per_week;
    return CALENDAR_OK;
}

bool calendar_is_working(const calendar *cal, int64_t t)
{
    int32_t day, sec;
    const calendar_hours *h;

    if (split(cal, t, &day, &sec) != CALENDAR_OK)
        return false;
    h = hours_on(cal, day);
    for (int i = 0; i < h->count; i++) {
        if (sec >= h->slot[i].start * 60 && sec < h->slot[i].end * 60)
            return true;
    }
    return false;
}

int calendar_next_working(const calendar *cal, int64_t t, int64_t *out)
{
    int32_t day, sec;
    int64_t week_secs, week_days, one = 1;
    int rc = split(cal, t, &day, &sec);

    if (rc != CALENDAR_OK)
        return rc;
    week_totals(cal, &week_secs, &week_days);
    for (;;) {
        if (sec == 0 && (rc = skip_plain_weeks(cal, &day, week_secs, &one)) != CALENDAR_OK)
            return rc;
        if (day >= DAY_MAX)
            return CALENDAR_ERANGE;
        const calendar_hours *h = hours_on(cal, day);
        for (int i = 0; i < h->count; i++) {
            int32_t a = h->slot[i].start * 60, b = h->slot[i].end * 60;
            if (b > sec) {
                *out = join(cal, day, a > sec ? a : sec);
                return CALENDAR_OK;
            }
        }
        day++;
        sec = 0;
    }
}

int calendar_add_seconds(const calendar *cal, int64_t t, int64_t seconds, int64_t *out)
{
    int32_t day, sec;
    int64_t week_secs, week_days, left = seconds;
    int rc;

    if (seconds < 0)
        return CALENDAR_EINVAL;
    if ((rc = split(cal, t, &day, &sec)) != CALENDAR_OK)
        return rc;
    if (seconds == 0) {
        *out = t;
        return CALENDAR_OK;
    }
    week_totals(cal, &week_secs, &week_days);
    for (;;) {
        if (sec == 0 && (rc = skip_plain_weeks(cal, &day, week_secs, &left)) != CALENDAR_OK)
            return rc;
        if (day >= DAY_MAX)
            return CALENDAR_ERANGE;
        const calendar_hours *h = hours_on(cal, day);
        for (int i = 0; i < h->count; i++) {
            int32_t a = h->slot[i].start * 60, b = h->slot[i].end * 60;
            int32_t from = a > sec ? a : sec;
            if (b <= sec)
                continue;
            if (left <= b - from) {
                *out = join(cal, day, from + (int32_t)left);
                return CALENDAR_OK;
            }
            left -= b - from;
        }
        day++;
        sec = 0;
    }
}

int calendar_add_minutes(const calendar *cal, int64_t t, int64_t minutes, int64_t *out)
{
    if (minutes < 0)
        return CALENDAR_EINVAL;
    if (minutes > INSTANT_LIMIT / 60)
        return CALENDAR_ERANGE;
    return calendar_add_seconds(cal, t, minutes * 60, out);
}

/* Working seconds of the whole local days [from, to). */
static int64_t seconds_of_days(const calendar *cal, int32_t from, int32_t to)
{
    int64_t week_secs, week_days, total = 0;
    int32_t day = from;

    week_totals(cal, &week_secs, &week_days);
    while (day < to) {
        int32_t special = next_special(cal, day);
        int32_t plain_end = special < to ? special : to;
        int32_t weeks = (plain_end - day) / 7;
        if (weeks > 0) {
            total += weeks * week_secs;
            day += weeks * 7;
            continue;
        }
        total += hours_seconds(hours_on(cal, day));
        day++;
    }
    return total;
}

int calendar_working_seconds(const calendar *cal, int64_t from, int64_t to, int64_t *out)
{
    int32_t d1, s1, d2, s2;
    int64_t total;
    int rc;

    if (to < from) {
        if ((rc = calendar_working_seconds(cal, to, from, &total)) != CALENDAR_OK)
            return rc;
        *out = -total;
        return CALENDAR_OK;
    }
    if ((rc = split(cal, from, &d1, &s1)) != CALENDAR_OK ||
        (rc = split(cal, to, &d2, &s2)) != CALENDAR_OK)
        return rc;
    if (d1 == d2) {
        total = hours_overlap(hours_on(cal, d1), s1, s2);
    } else {
        total = hours_overlap(hours_on(cal, d1), s1, SECS_PER_DAY) +
                seconds_of_days(cal, d1 + 1, d2) + hours_overlap(hours_on(cal, d2), 0, s2);
    }
    *out = total;
    return CALENDAR_OK;
}

int calendar_working_minutes(const calendar *cal, int64_t from, int64_t to, int64_t *out)
{
    int64_t secs;
    int rc = calendar_working_seconds(cal, from, to, &secs);

    if (rc == CALENDAR_OK)
        *out = secs / 60; /* C division truncates toward zero: symmetric */
    return rc;
}

static int32_t day_end(const calendar_hours *h)
{
    return h->slot[h->count - 1].end * 60;
}

int calendar_add_working_days(const calendar *cal, int64_t t, int64_t days, int64_t *out)
{
    int32_t day, sec;
    int64_t week_secs, week_days, left = days;
    const calendar_hours *h;
    int rc;

    if (days < 0)
        return CALENDAR_EINVAL;
    if ((rc = split(cal, t, &day, &sec)) != CALENDAR_OK)
        return rc;
    h = hours_on(cal, day);
    if (days == 0) {
        if (h->count > 0 && sec < day_end(h)) {
            *out = join(cal, day, day_end(h));
            return CALENDAR_OK;
        }
        left = 1; /* the start day is over: the next working day */
    }
    week_totals(cal, &week_secs, &week_days);
    day++;
    for (;;) {
        if ((rc = skip_plain_weeks(cal, &day, week_days, &left)) != CALENDAR_OK)
            return rc;
        if (day >= DAY_MAX)
            return CALENDAR_ERANGE;
        h = hours_on(cal, day);
        if (h->count > 0 && --left == 0) {
            *out = join(cal, day, day_end(h));
            return CALENDAR_OK;
        }
        day++;
    }
}

/* ---- local dates ------------------------------------------------------ */

int calendar_local_date(const calendar *cal, int64_t t, int *year, int *month, int *day,
                        int *weekday)
{
    int32_t d, sec;
    int y, m, md;
    int rc = split(cal, t, &d, &sec);

    if (rc != CALENDAR_OK)
        return rc;
    date_from_day(d, &y, &m, &md);
    if (year)
        *year = y;
    if (month)
        *month = m;
    if (day)
        *day = md;
    if (weekday)
        *weekday = weekday_of(d);
    return CALENDAR_OK;
}

int calendar_day_start(const calendar *cal, int year, int month, int day, int64_t *out)
{
    if (!valid_date(year, month, day))
        return CALENDAR_EINVAL;
    *out = join(cal, day_from_date(year, month, day), 0);
    return CALENDAR_OK;
}

bool calendar_is_working_day(const calendar *cal, int year, int month, int day)
{
    if (!valid_date(year, month, day))
        return false;
    return hours_on(cal, day_from_date(year, month, day))->count > 0;
}

/* ---- how far the special days reach ------------------------------------ */

bool calendar_data_year(const calendar *cal, int *year)
{
    int32_t last = INT32_MIN;
    if (cal->all_hours)
        return false;
    if (cal->holidays.len)
        last = cal->holidays.day[cal->holidays.len - 1];
    if (cal->workdays.len && cal->workdays.day[cal->workdays.len - 1] > last)
        last = cal->workdays.day[cal->workdays.len - 1];
    if (last == INT32_MIN)
        return false;
    int m, d;
    date_from_day(last, year, &m, &d);
    return true;
}

bool calendar_data_expiring(const calendar *cal, int64_t now, int days, int *year, int64_t *days_left)
{
    int32_t today, sec;
    int y;
    assert(days >= 0);
    if (!calendar_data_year(cal, &y) || split(cal, now, &today, &sec) != CALENDAR_OK)
        return false;
    int64_t left = (int64_t)day_from_date(y, 12, 31) - today;
    if (year)
        *year = y;
    if (days_left)
        *days_left = left;
    return left <= days;
}

const char *calendar_strerror(int code)
{
    switch (code) {
    case CALENDAR_OK:
        return "success";
    case CALENDAR_EINVAL:
        return "invalid calendar input";
    case CALENDAR_ENOWORK:
        return "the calendar has no working time ahead";
    case CALENDAR_ERANGE:
        return "instant outside 1900-01-01 .. 2999-12-31";
    default:
        return "unknown calendar error";
    }
}
