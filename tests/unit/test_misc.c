/* Query strings, timestamps, identifiers and error statuses. */
#include "unit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "ids.h"
#include "query.h"
#include "timefmt.h"

int
main(void)
{
	struct query q;
	char why[128], ts[TS_BUFSZ], id[ID_LEN + 1], id2[ID_LEN + 1];
	int64_t us;
	long v;

	TEST("query strings decode + and %XX");
	CHECK(query_parse("userId=a%2Db&status=in-progress&x=a+b", &q, why,
	    sizeof(why)) == API_OK);
	CHECK_STR(query_get(&q, "userId"), "a-b");
	CHECK_STR(query_get(&q, "x"), "a b");
	CHECK(query_get(&q, "limit") == NULL);
	query_release(&q);

	TEST("a name without '=' has an empty value; empty pairs are skipped");
	CHECK(query_parse("a&&b=1&", &q, why, sizeof(why)) == API_OK);
	CHECK_STR(query_get(&q, "a"), "");
	CHECK_STR(query_get(&q, "b"), "1");
	CHECK(q.n == 2);
	query_release(&q);

	TEST("bad escapes, NUL, repeats and too many parameters are 422");
	CHECK(query_parse("a=%zz", &q, why, sizeof(why)) == API_EINVALID);
	query_release(&q);
	CHECK(query_parse("a=%4", &q, why, sizeof(why)) == API_EINVALID);
	query_release(&q);
	CHECK(query_parse("a=%", &q, why, sizeof(why)) == API_EINVALID);
	query_release(&q);
	CHECK(query_parse("a=%00", &q, why, sizeof(why)) == API_EINVALID);
	query_release(&q);
	CHECK(query_parse("a=1&a=2", &q, why, sizeof(why)) == API_EINVALID);
	query_release(&q);
	CHECK(query_parse("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12"
	    "&m=13&n=14&o=15&p=16&q=17", &q, why, sizeof(why)) == API_EINVALID);
	query_release(&q);

	TEST("integer parameters are digits within bounds");
	CHECK(query_int("limit", "1000", 1, 1000, &v, why, sizeof(why)) ==
	    API_OK && v == 1000);
	CHECK(query_int("limit", "0", 1, 1000, &v, why, sizeof(why)) ==
	    API_EINVALID);
	CHECK_STR(why, "limit: must be an integer from 1 to 1000");
	CHECK(query_int("limit", "1001", 1, 1000, &v, why, sizeof(why)) != 0);
	CHECK(query_int("limit", "-1", 1, 1000, &v, why, sizeof(why)) != 0);
	CHECK(query_int("limit", "1.5", 1, 1000, &v, why, sizeof(why)) != 0);
	CHECK(query_int("limit", "", 1, 1000, &v, why, sizeof(why)) != 0);
	CHECK(query_int("limit", " 5", 1, 1000, &v, why, sizeof(why)) != 0);
	CHECK(query_int("offset", "99999999999", 0, 1000000000L, &v, why,
	    sizeof(why)) != 0);

	TEST("timestamps: RFC 3339 out, the seed's form in storage");
	us = 1795838706123456LL;   /* 2026-11-28T04:05:06.123456Z */
	ts_format_rfc3339(us, ts);
	CHECK_STR(ts, "2026-11-28T04:05:06.123456Z");
	ts_format_seed(us, ts);
	CHECK_STR(ts, "2026-11-28 04:05:06.123456+00:00");

	TEST("timestamps: the calendar arithmetic agrees with gmtime_r/timegm");
	{
		uint64_t x = 88172645463325252ULL;   /* xorshift: repeatable */
		int bad = 0;

		for (int i = 0; i < 200000 && bad < 3; i++) {
			struct tm tm;
			char want[TS_BUFSZ];
			int64_t back;
			time_t sec;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* years 0001 to 9999, and the edges of each day */
			sec = (time_t)(x % 315537897600ULL) - 62135596800LL;
			if (i % 4 == 1)
				sec -= sec % 86400;
			else if (i % 4 == 2)
				sec += 86399 - sec % 86400;
			gmtime_r(&sec, &tm);
			snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:"
			    "%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, i % 1000000);
			ts_format_rfc3339((int64_t)sec * 1000000 + i % 1000000, ts);
			if (strcmp(ts, want) != 0 || ts_parse(ts, &back) != 0 ||
			    back != (int64_t)sec * 1000000 + i % 1000000) {
				fprintf(stderr, "  %lld: %s, want %s\n",
				    (long long)sec, ts, want);
				bad++;
			}
		}
		CHECK(bad == 0);
	}
	ts_format_rfc3339(-1, ts);   /* floor, not truncation */
	CHECK_STR(ts, "1969-12-31T23:59:59.999999Z");
	CHECK(ts_parse("2024-02-29T00:00:00Z", &us) == 0 &&
	    us == 1709164800000000LL);
	CHECK(ts_parse("2023-02-29T00:00:00Z", &us) == 0 &&
	    us == 1677628800000000LL);   /* carried over, as timegm does */

	TEST("timestamps: both forms parse back to the same instant");
	CHECK(ts_parse("2026-11-28 04:05:06.123456+00:00", &us) == 0 &&
	    us == 1795838706123456LL);
	CHECK(ts_parse("2026-11-28T04:05:06.123456Z", &us) == 0 &&
	    us == 1795838706123456LL);
	CHECK(ts_parse("2026-11-28 04:05:06+00:00", &us) == 0 &&
	    us == 1795838706000000LL);
	CHECK(ts_parse("2026-11-28T05:05:06.5+01:00", &us) == 0 &&
	    us == 1795838706500000LL);
	CHECK(ts_parse("2026-11-28", &us) == -1);
	CHECK(ts_parse("2026-13-28T04:05:06Z", &us) == -1);
	CHECK(ts_parse("2026-11-28T04:05:06", &us) == -1);
	CHECK(ts_parse("2026-11-28T04:05:06Zjunk", &us) == -1);

	TEST("ids: new ones are lowercase UUID v4 and differ");
	id_new(id);
	id_new(id2);
	CHECK(strlen(id) == ID_LEN && id[14] == '4');
	CHECK(strchr("89ab", id[19]) != NULL);
	CHECK(strcmp(id, id2) != 0);
	CHECK(id_parse(id, NULL));
	{   /* across several refills of the random pool (256 ids each) */
		static char many[1000][ID_LEN + 1];
		int bad = 0, same = 0;

		for (int i = 0; i < 1000; i++) {
			id_new(many[i]);
			bad += !id_parse(many[i], NULL) || many[i][14] != '4' ||
			    strchr("89ab", many[i][19]) == NULL;
		}
		qsort(many, 1000, sizeof(many[0]), (int (*)(const void *,
		    const void *))strcmp);
		for (int i = 1; i < 1000; i++)
			same += strcmp(many[i - 1], many[i]) == 0;
		CHECK(bad == 0 && same == 0);
	}

	TEST("ids: parsing accepts either case and lowercases");
	CHECK(id_parse("B4436B92-F4F9-4494-A940-DAF4AE567F33", id));
	CHECK_STR(id, "b4436b92-f4f9-4494-a940-daf4ae567f33");
	CHECK(!id_parse("b4436b92f4f94494a940daf4ae567f33", NULL));
	CHECK(!id_parse("b4436b92-f4f9-4494-a940-daf4ae567f3g", NULL));
	CHECK(!id_parse("", NULL));
	CHECK(!id_parse("../../etc/passwd", NULL));

	TEST("every error code maps to its contract status");
	CHECK(api_status(API_EBADJSON) == 400);
	CHECK(api_status(API_ENOTFOUND) == 404);
	CHECK(api_status(API_EMETHOD) == 405);
	CHECK(api_status(API_ECONFLICT) == 409);
	CHECK(api_status(API_ETOOLARGE) == 413);
	CHECK(api_status(API_EMEDIA) == 415);
	CHECK(api_status(API_EINVALID) == 422);
	CHECK(api_status(API_EBADGATEWAY) == 502);
	CHECK(api_status(API_EUNAVAIL) == 503);
	CHECK(api_status(API_ETIMEOUT) == 504);

	UNIT_DONE();
}
