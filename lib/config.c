#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static int
load_int(const struct cfg_var *v, const char *s, char *err, size_t errlen)
{
	char *end;
	long val;

	errno = 0;
	val = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || s[0] == ' ' ||
	    s[0] == '+') {
		snprintf(err, errlen, "%s: '%s' is not an integer", v->name, s);
		return -1;
	}
	if (val < v->min || val > v->max) {
		snprintf(err, errlen, "%s: %ld is out of range %ld..%ld",
		    v->name, val, v->min, v->max);
		return -1;
	}
	*(int *)v->dst = (int)val;
	return 0;
}

static int
load_str(const struct cfg_var *v, const char *s, char *err, size_t errlen)
{
	size_t len = strlen(s);
	const char *why;

	if ((long)len < v->min || (long)len > v->max) {
		snprintf(err, errlen, "%s: length %zu is out of range %ld..%ld",
		    v->name, len, v->min, v->max);
		return -1;
	}
	if (v->check != NULL && (why = v->check(s)) != NULL) {
		snprintf(err, errlen, "%s: '%s' %s", v->name, s, why);
		return -1;
	}
	*(const char **)v->dst = s;
	return 0;
}

int
config_load(const struct cfg_var *vars, size_t n, cfg_lookup_fn lookup,
    char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct cfg_var *v = &vars[i];
		const char *s = lookup(v->name);

		if (s == NULL)
			s = v->def;
		if (s == NULL) {
			snprintf(err, errlen, "%s: required but not set", v->name);
			return -1;
		}
		if ((v->type == CFG_INT ? load_int : load_str)(v, s, err,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

const char *
config_check_http_base(const char *value)
{
	if (strncmp(value, "http://", 7) != 0 &&
	    strncmp(value, "https://", 8) != 0)
		return "must start with http:// or https://";
	if (value[strlen(value) - 1] == '/')
		return "must not end with '/'";
	if (strpbrk(value, " \t\r\n?#") != NULL)
		return "must not contain spaces, '?' or '#'";
	return NULL;
}

const char *
config_check_log_level(const char *value)
{
	return log_level_parse(value) < 0 ?
	    "is not one of error, warn, info, debug" : NULL;
}

int
config_next_host_port(const char **cursor, char *host, size_t hostlen,
    int *port)
{
	const char *s = *cursor, *end, *colon;
	size_t len;
	long p = 0;

	while (*s == ',')
		s++;
	if (*s == '\0')
		return 0;
	end = strchr(s, ',');
	if (end == NULL)
		end = s + strlen(s);
	*cursor = end;
	/* The last colon: the port never has one, an IPv6 host may. */
	for (colon = end; colon > s && colon[-1] != ':'; colon--)
		;
	if (colon == s || colon == end || colon - 1 == s)
		return -1;
	for (const char *d = colon; d < end; d++) {
		if (*d < '0' || *d > '9' || p > 65535)
			return -1;
		p = p * 10 + (*d - '0');
	}
	len = (size_t)(colon - 1 - s);
	if (p < 1 || p > 65535 || len >= hostlen ||
	    memchr(s, ' ', len) != NULL)
		return -1;
	memcpy(host, s, len);
	host[len] = '\0';
	*port = (int)p;
	return 1;
}

const char *
config_check_host_ports(const char *value)
{
	char host[256];
	int port, rc;

	while ((rc = config_next_host_port(&value, host, sizeof(host),
	    &port)) == 1)
		;
	return rc == 0 ? NULL : "is not a comma-separated list of host:port";
}
