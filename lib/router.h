/*
 * router: routes as data.
 *
 * A service declares its endpoints as a table of {method, pattern, handler,
 * flags, body fields}.  router_dispatch() answers 404 (no such path), 405
 * with Allow (path known, method not), OPTIONS, and for routes that take a
 * body 415 (not JSON), 413 (too large), 400 (not a JSON object) and 422 (a
 * field against its spec) before any handler runs: a handler finds the
 * body's fields checked in r->fields.
 */
#ifndef ROUTER_H
#define ROUTER_H

#include <stddef.h>
#include <stdio.h>

#include "api.h"
#include "req.h"
#include "validate.h"

/* Handlers answer with req_send() and return API_OK, or return an error. */
typedef enum api_err (*route_fn)(struct req *r, void *ctx);

#define ROUTE_BODY    0x01  /* takes a JSON object body: r->json */
#define ROUTE_PARTIAL 0x02  /* its required fields may be absent (a merge) */
#define ROUTE_PEER    0x04  /* its handler calls the other service */

struct route {
	const char *method;
	const char *pattern;  /* "/users/{id}": {name} matches one segment */
	route_fn fn;
	unsigned flags;
	/* The body's fields (ROUTE_BODY), checked into r->fields[0..n). */
	const struct field_spec *fields;
	size_t nfields;
};

/*
 * Matches path against pattern.  A trailing '/' on path is ignored.  On a
 * match returns 1 and, when params is not NULL, stores a copy of each {..}
 * segment there (at most REQ_MAX_PARAMS) and their count in *nparams.
 */
int router_match(const char *pattern, const char *path, char **params,
    size_t *nparams);

/* Serves r with the routes table; always sends a response. */
void router_dispatch(const struct route *routes, size_t n, struct req *r,
    size_t max_body, void *ctx);

/*
 * Prints the table, one route a line: method, pattern and its flags by name
 * ("body", "partial", "peer"), or "-" for none.  The nginx site is rendered
 * from it (scripts/render-site.sh).
 */
void router_print(const struct route *routes, size_t n, FILE *fp);

#endif
