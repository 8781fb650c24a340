/*
 * timeutil: instants are int64_t seconds since the Unix epoch, UTC. This
 * module converts them to and from RFC 3339 text and civil dates at a fixed
 * UTC offset (the organisation's zone; China has had no DST since 1991, so a
 * fixed offset is exact for Asia/Shanghai). No clock is read here.
 */
#ifndef REDRESS_TIMEUTIL_H
#define REDRESS_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/*
 * Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (also 't', ' ' as the
 * separator). Returns 0 and sets *out, or -1 if malformed.
 */
int time_parse_rfc3339(const char *s, int64_t *out);

/*
 * Like time_parse_rfc3339 but also accepts a bare "YYYY-MM-DD", read as the
 * local midnight at offset_min (minutes east of UTC).
 */
int time_parse_date_or_instant(const char *s, int offset_min, int64_t *out);

/* Writes "YYYY-MM-DDTHH:MM:SS+HH:MM" into out (at least 26 bytes). */
void time_format(int64_t t, int offset_min, char *out, size_t outlen);

/* Writes the local date "YYYYMMDD" (or with dashes when dashed) of t. */
void time_local_date(int64_t t, int offset_min, bool dashed, char *out, size_t outlen);

/* Local day number (days since epoch at offset) of instant t. */
int64_t time_local_day(int64_t t, int offset_min);

/* Parses a zone name: "Asia/Shanghai", "UTC", "+08:00" (at most ±14:00). -1 if unknown. */
int time_zone_offset(const char *name, int *offset_min);

/* The current time (the only place the clock is read outside main loops). */
int64_t time_now(void);
/* Milliseconds on the monotonic clock, for measuring how long something took. */
double time_mono_ms(void);

#endif
