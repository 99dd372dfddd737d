/*
 * unit.h: a minimal TAP-style harness for the C unit tests.
 *
 * CHECK(cond) records one assertion; TEST(name) groups them and prints
 * "ok - name" or "not ok - name" with the failed expressions.  main() ends
 * with UNIT_DONE(), which exits non-zero if any test failed.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed_checks, unit_tests_failed, unit_tests_run;
static const char *unit_current;

static void
unit_end_test(void)
{
	if (unit_current == NULL)
		return;
	unit_tests_run++;
	if (unit_failed_checks) {
		unit_tests_failed++;
		printf("not ok - %s\n", unit_current);
	} else
		printf("ok - %s\n", unit_current);
	unit_current = NULL;
	unit_failed_checks = 0;
}

#define TEST(name) do { unit_end_test(); unit_current = (name); } while (0)

#define CHECK(cond) do {                                              \
	if (!(cond)) {                                                \
		unit_failed_checks++;                                 \
		printf("#   %s:%d: CHECK(%s) failed\n", __FILE__,       \
		    __LINE__, #cond);                                 \
	}                                                             \
} while (0)

#define CHECK_STR(a, b) do {                                          \
	const char *unit_a = (a), *unit_b = (b);                      \
	if (unit_a == NULL || unit_b == NULL ||                       \
	    strcmp(unit_a, unit_b) != 0) {                            \
		unit_failed_checks++;                                 \
		printf("#   %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, \
		    unit_a ? unit_a : "(null)",                       \
		    unit_b ? unit_b : "(null)");                      \
	}                                                             \
} while (0)

#define UNIT_DONE() do {                                              \
	unit_end_test();                                              \
	return unit_tests_failed ? 1 : 0;                             \
} while (0)

#endif
