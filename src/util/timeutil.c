/* timeutil: see timeutil.h. */
#include "util/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Howard Hinnant's well-known civil-calendar algorithms (public domain). */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int parse_date(const char *s, int *y, int *mo, int *d)
{
    if (digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, mo) || s[7] != '-' ||
        digits(s + 8, 2, d))
        return -1;
    if (*y < 1970 || *y > 9999 || *mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo))
        return -1;
    return 0;
}

int time_parse_rfc3339(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20 || parse_date(s, &y, &mo, &d))
        return -1;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        return -1;
    if (digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
        digits(s + 17, 2, &se))
        return -1;
    if (h > 23 || mi > 59 || se > 60)
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    int off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    if (se == 60)
        se = 59;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
           (int64_t)off * 60;
    return 0;
}

int time_parse_date_or_instant(const char *s, int offset_min, int64_t *out)
{
    int y, mo, d;
    if (s && strlen(s) == 10 && parse_date(s, &y, &mo, &d) == 0) {
        *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 - (int64_t)offset_min * 60;
        return 0;
    }
    return time_parse_rfc3339(s, out);
}

/* Writes v as exactly n decimal digits (v < 10^n) at p; returns p + n. */
static char *put_digits(char *p, unsigned v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

/*
 * Every rendered instant goes through here (a complaint's reply has a
 * dozen), so the digits are written directly: snprintf took ~4,000
 * instructions a call. Years outside 0000-9999 fall back to snprintf.
 */
void time_format(int64_t t, int offset_min, char *out, size_t outlen)
{
    int64_t lt = t + (int64_t)offset_min * 60;
    int64_t day = lt >= 0 ? lt / 86400 : (lt - 86399) / 86400;
    int64_t sod = lt - day * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    int aoff = offset_min < 0 ? -offset_min : offset_min;
    char tmp[32];
    if (y < 0 || y > 9999 || aoff >= 100 * 60) {
        snprintf(out, outlen, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", (int)y, m, d, (int)(sod / 3600),
                 (int)(sod / 60 % 60), (int)(sod % 60), offset_min < 0 ? '-' : '+', aoff / 60, aoff % 60);
        return;
    }
    char *p = put_digits(tmp, (unsigned)y, 4);
    *p++ = '-';
    p = put_digits(p, m, 2);
    *p++ = '-';
    p = put_digits(p, d, 2);
    *p++ = 'T';
    p = put_digits(p, (unsigned)(sod / 3600), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(sod / 60 % 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(sod % 60), 2);
    *p++ = offset_min < 0 ? '-' : '+';
    p = put_digits(p, (unsigned)(aoff / 60), 2);
    *p++ = ':';
    p = put_digits(p, (unsigned)(aoff % 60), 2);
    size_t n = (size_t)(p - tmp);
    if (!outlen)
        return;
    if (n >= outlen)
        n = outlen - 1; /* truncated, as snprintf would */
    memcpy(out, tmp, n);
    out[n] = '\0';
}

int64_t time_local_day(int64_t t, int offset_min)
{
    int64_t lt = t + (int64_t)offset_min * 60;
    return lt >= 0 ? lt / 86400 : (lt - 86399) / 86400;
}

void time_local_date(int64_t t, int offset_min, bool dashed, char *out, size_t outlen)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(time_local_day(t, offset_min), &y, &m, &d);
    snprintf(out, outlen, dashed ? "%04d-%02u-%02u" : "%04d%02u%02u", (int)y, m, d);
}

int time_zone_offset(const char *name, int *offset_min)
{
    static const struct {
        const char *name;
        int off;
    } zones[] = {
        {"Asia/Shanghai", 480}, {"Asia/Chongqing", 480}, {"Asia/Hong_Kong", 480},
        {"Asia/Macau", 480},    {"Asia/Taipei", 480},    {"PRC", 480},
        {"UTC", 0},             {"Etc/UTC", 0},          {"GMT", 0},
    };
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        if (strcmp(name, zones[i].name) == 0) {
            *offset_min = zones[i].off;
            return 0;
        }
    }
    int h, m;
    /* Real offsets lie within ±14:00, the bound the calendars apply too. */
    if ((name[0] == '+' || name[0] == '-') && strlen(name) == 6 && digits(name + 1, 2, &h) == 0 &&
        name[3] == ':' && digits(name + 4, 2, &m) == 0 && m < 60 && h * 60 + m <= 14 * 60) {
        *offset_min = (h * 60 + m) * (name[0] == '-' ? -1 : 1);
        return 0;
    }
    return -1;
}

int64_t time_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

double time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
