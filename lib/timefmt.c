#define _GNU_SOURCE
#include "timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
ts_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
format(int64_t us, char out[TS_BUFSZ], char sep, const char *zone)
{
	time_t sec = (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(out, TS_BUFSZ, "%04d-%02d-%02d%c%02d:%02d:%02d.%06ld%s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, sep, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (long)(us % 1000000), zone);
}

void
ts_format_rfc3339(int64_t us, char out[TS_BUFSZ])
{
	format(us, out, 'T', "Z");
}

void
ts_format_seed(int64_t us, char out[TS_BUFSZ])
{
	format(us, out, ' ', "+00:00");
}

/* Reads exactly n digits. */
static int
digits(const char **p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

int
ts_parse(const char *s, int64_t *us)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, frac = 0, oh = 0, om = 0, sign = 1;
	struct tm tm;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) ||
	    *p++ != '-' || digits(&p, 2, &d) || (*p != 'T' && *p != ' '))
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		int n = 0;

		for (p++; isdigit((unsigned char)*p); p++, n++)
			if (n < 6)
				frac = frac * 10 + (*p - '0');
		if (n == 0)
			return -1;
		for (; n < 6; n++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om))
			return -1;
	} else
		return -1;
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*us = ((int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60)) * 1000000 +
	    frac;
	return 0;
}
