/*
 * query: the query string of a request, decoded into name/value pairs.
 */
#ifndef QUERY_H
#define QUERY_H

#include <stddef.h>

#include "api.h"

#define QUERY_MAX_PARAMS 16

struct query {
	size_t n;
	char *names[QUERY_MAX_PARAMS];
	char *values[QUERY_MAX_PARAMS];
};

/*
 * Splits qs on '&', decodes '+' and %XX in names and values.  Returns API_OK,
 * or API_EINVALID with a reason in why: more than QUERY_MAX_PARAMS pairs, a
 * bad %-escape, a decoded NUL, or a name given twice.  Release with
 * query_release() either way.
 */
enum api_err query_parse(const char *qs, struct query *q, char *why,
    size_t whylen);
void query_release(struct query *q);
/* The value of name, or NULL. */
const char *query_get(const struct query *q, const char *name);

/*
 * Parses value as a decimal integer in min..max.  Returns API_OK or
 * API_EINVALID with a reason naming the parameter.
 */
enum api_err query_int(const char *name, const char *value, long min,
    long max, long *out, char *why, size_t whylen);

#endif
