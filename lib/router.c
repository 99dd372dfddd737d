#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "xmalloc.h"

int
router_match(const char *pattern, const char *path, char **params,
    size_t *nparams)
{
	const char *p = pattern, *s = path;
	size_t np = 0, plen = strlen(path);

	/* One trailing slash is not part of the resource's name. */
	if (plen > 1 && path[plen - 1] == '/')
		plen--;
	while (*p != '\0') {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t seg = 0;

			while (s + seg < path + plen && s[seg] != '/')
				seg++;
			if (close == NULL || seg == 0 || np == REQ_MAX_PARAMS)
				goto nomatch;
			if (params != NULL)
				params[np] = xstrndup(s, seg);
			np++;
			s += seg;
			p = close + 1;
			continue;
		}
		if (s >= path + plen || *p != *s)
			goto nomatch;
		p++;
		s++;
	}
	if (s != path + plen)
		goto nomatch;
	if (nparams != NULL)
		*nparams = np;
	return 1;
nomatch:
	if (params != NULL)
		for (size_t i = 0; i < np; i++) {
			free(params[i]);
			params[i] = NULL;
		}
	return 0;
}

static int
allows(const char *allow, const char *method)
{
	size_t len = strlen(method);

	for (const char *p = allow; (p = strstr(p, method)) != NULL; p += len)
		if ((p == allow || p[-1] == ' ') &&
		    (p[len] == ',' || p[len] == '\0'))
			return 1;
	return 0;
}

static void
allow_add(char *allow, size_t size, const char *method)
{
	if (allows(allow, method))
		return;
	if (allow[0] != '\0')
		strncat(allow, ", ", size - strlen(allow) - 1);
	strncat(allow, method, size - strlen(allow) - 1);
}

static enum api_err
take_body(const struct route *rt, struct req *r, size_t max_body)
{
	enum api_err rc;

	if (!req_is_json(r->content_type))
		return req_fail(r, API_EMEDIA, "Content-Type must be "
		    "application/json");
	if ((rc = req_read_body(r, max_body)) != API_OK)
		return rc;
	rc = jsonx_parse_object(r->body, r->body_len, &r->json, r->detail,
	    sizeof(r->detail));
	if (rc != API_OK || rt->nfields == 0)
		return rc;
	if (rt->nfields > REQ_MAX_FIELDS)
		return req_fail(r, API_EINTERNAL, "route %s %s declares too many "
		    "fields", rt->method, rt->pattern);
	return validate_object(r->json, rt->fields, rt->nfields,
	    (rt->flags & ROUTE_PARTIAL) != 0, r->fields, r->detail,
	    sizeof(r->detail));
}

void
router_print(const struct route *routes, size_t n, FILE *fp)
{
	static const struct { unsigned flag; const char *name; } names[] = {
		{ ROUTE_BODY, "body" }, { ROUTE_PARTIAL, "partial" },
		{ ROUTE_PEER, "peer" },
	};

	for (size_t i = 0; i < n; i++) {
		const char *sep = " ";

		fprintf(fp, "%s %s", routes[i].method, routes[i].pattern);
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (routes[i].flags & names[k].flag) {
				fprintf(fp, "%s%s", sep, names[k].name);
				sep = ",";
			}
		fprintf(fp, "%s\n", routes[i].flags ? "" : " -");
	}
}

void
router_dispatch(const struct route *routes, size_t n, struct req *r,
    size_t max_body, void *ctx)
{
	const struct route *chosen = NULL;
	int head = strcmp(r->method, "HEAD") == 0;
	char allow[128] = "";
	enum api_err rc;

	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &routes[i];

		if (!router_match(rt->pattern, r->path, NULL, NULL))
			continue;
		allow_add(allow, sizeof(allow), rt->method);
		if (strcmp(rt->method, "GET") == 0)
			allow_add(allow, sizeof(allow), "HEAD");
		if (chosen == NULL && (strcmp(rt->method, r->method) == 0 ||
		    (head && strcmp(rt->method, "GET") == 0)))
			chosen = rt;
	}
	if (allow[0] == '\0') {
		req_send_error(r, req_fail(r, API_ENOTFOUND, "not found"));
		return;
	}
	allow_add(allow, sizeof(allow), "OPTIONS");
	req_header(r, "Allow", allow);
	if (chosen == NULL && strcmp(r->method, "OPTIONS") == 0) {
		req_send(r, 204, NULL);
		return;
	}
	if (chosen == NULL) {
		req_send_error(r, req_fail(r, API_EMETHOD, "method %s not "
		    "allowed here; allowed: %s", r->method, allow));
		return;
	}
	/* Allow belongs to 405 and OPTIONS answers only. */
	r->headers_len = 0;
	r->headers[0] = '\0';
	router_match(chosen->pattern, r->path, r->params, &r->nparams);
	rc = (chosen->flags & ROUTE_BODY) ? take_body(chosen, r, max_body) :
	    API_OK;
	if (rc == API_OK)
		rc = chosen->fn(r, ctx);
	if (rc != API_OK)
		req_send_error(r, rc);
	else if (r->status == 0)
		req_send_error(r, req_fail(r, API_EINTERNAL,
		    "handler sent no response"));
}
