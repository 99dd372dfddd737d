/*
 * timefmt: timestamps as microseconds since the Unix epoch, UTC.
 *
 * Records are stored in the seed's form (Python's str() of an aware UTC
 * datetime, "2026-11-28 04:05:06.123456+00:00") so the seed's services can
 * read them, and answered in RFC 3339 ("2026-11-28T04:05:06.123456Z").
 */
#ifndef TIMEFMT_H
#define TIMEFMT_H

#include <stdint.h>

#define TS_BUFSZ 64

int64_t ts_now(void);
/* "2026-11-28T04:05:06.123456Z" */
void ts_format_rfc3339(int64_t us, char out[TS_BUFSZ]);
/* "2026-11-28 04:05:06.123456+00:00" (the seed's storage form) */
void ts_format_seed(int64_t us, char out[TS_BUFSZ]);
/*
 * Parses either form, with or without fractional seconds (1..6 digits), with
 * 'T' or ' ' between date and time and 'Z' or a +HH:MM/-HH:MM offset.
 * Returns 0, or -1 when s is not such a timestamp.
 */
int ts_parse(const char *s, int64_t *us);

#endif
