#include "query.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes s[0..len) into a new string; NULL on a bad escape or a NUL. */
static char *
decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= len)
				goto bad;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				goto bad;
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

enum api_err
query_parse(const char *qs, struct query *q, char *why, size_t whylen)
{
	const char *p = qs ? qs : "";

	memset(q, 0, sizeof(*q));
	while (*p != '\0') {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		size_t nlen = eq ? (size_t)(eq - p) : len;
		char *name, *value;

		if (len == 0) {
			p++;
			continue;
		}
		if (q->n == QUERY_MAX_PARAMS) {
			snprintf(why, whylen, "query: more than %d parameters",
			    QUERY_MAX_PARAMS);
			return API_EINVALID;
		}
		name = decode(p, nlen);
		value = eq ? decode(eq + 1, len - nlen - 1) : xstrdup("");
		if (name == NULL || value == NULL) {
			free(name);
			free(value);
			snprintf(why, whylen, "query: malformed %%-escape");
			return API_EINVALID;
		}
		if (query_get(q, name) != NULL) {
			snprintf(why, whylen, "query: parameter '%.64s' given "
			    "more than once", name);
			free(name);
			free(value);
			return API_EINVALID;
		}
		q->names[q->n] = name;
		q->values[q->n] = value;
		q->n++;
		p += len;
		if (*p == '&')
			p++;
	}
	return API_OK;
}

void
query_release(struct query *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->names[i]);
		free(q->values[i]);
	}
	q->n = 0;
}

const char *
query_get(const struct query *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->names[i], name) == 0)
			return q->values[i];
	return NULL;
}

enum api_err
query_int(const char *name, const char *value, long min, long max, long *out,
    char *why, size_t whylen)
{
	long v = 0;
	const char *p = value;

	if (*p == '\0' || strlen(p) > 10)
		goto bad;
	for (; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		goto bad;
	*out = v;
	return API_OK;
bad:
	snprintf(why, whylen, "%s: must be an integer from %ld to %ld", name,
	    min, max);
	return API_EINVALID;
}
