/*
 * router: routes as data.
 *
 * A service declares its endpoints as a table of {method, pattern, handler,
 * flags, body fields, who may call it}.  router_dispatch() answers, in the
 * contract's order and before any handler runs: 404 (no such path), 405
 * with Allow (path known, method not), OPTIONS; then 401 and 403 from the
 * route's `who` (auth.h); then for routes that take a body 415 (not JSON),
 * 413 (too large), 400 (not a JSON object) and 422 (a field against its
 * spec); then ownership, answered as missing (404, or 422 for an owner
 * named in the body).  A handler finds the caller in r->caller and the
 * body's fields checked in r->fields.
 */
#ifndef ROUTER_H
#define ROUTER_H

#include <stddef.h>
#include <stdio.h>

#include "api.h"
#include "auth.h"
#include "record.h"
#include "req.h"
#include "validate.h"

/* Handlers answer with req_send() and return API_OK, or return an error. */
typedef enum api_err (*route_fn)(struct req *r, void *ctx);

#define ROUTE_BODY    0x01  /* takes a JSON object body: r->json */
#define ROUTE_PARTIAL 0x02  /* its required fields may be absent (a merge) */
#define ROUTE_PEER    0x04  /* its handler calls the other service */
#define ROUTE_TOKENS  0x08  /* exists with AUTH=token only (404 with off) */
/*
 * Its write script checks a user's token (AUTH_LUA_CALLER) in the round
 * trip of the write: the router leaves the caller pending (no lookup of
 * its own) and looks the token up only when it has to answer before or
 * instead of the script (a refused body, a failure), so that a 401 or 403
 * still comes first.
 */
#define ROUTE_SCRIPT_AUTH 0x10

struct route {
	const char *method;
	const char *pattern;  /* "/users/{id}": {name} matches one segment */
	route_fn fn;
	unsigned flags;
	/* The body's fields (ROUTE_BODY), checked into r->fields[0..n). */
	const struct field_spec *fields;
	size_t nfields;
	/* Who may call it (auth.h); WHO_CALLER, the default, asks for
	 * credentials. */
	enum auth_who who;
	/* WHO_PATH_USER, WHO_BODY_USER: the owner's noun in the answer of a
	 * request on what is not the caller's ("user": 404 "user not
	 * found"), and for WHO_BODY_USER the field that names the owner. */
	const char *owner_noun;
	size_t owner_field;
	/* The record the handler reads first, keyed by the first path
	 * parameter: read with the caller's token, in one round trip. */
	const struct record_kind *ahead;
};

/* What router_dispatch() needs beside the table and the request. */
struct router_env {
	const struct auth *auth;
	struct store *store;       /* where tokens are looked up */
	size_t max_body;
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
    const struct router_env *env, void *ctx);

/*
 * Prints the table, one route a line: method, pattern and its flags by name
 * ("body", "partial", "peer", "tokens", "script-auth"), or "-" for none.  The nginx site is rendered
 * from it (scripts/render-site.sh).
 */
void router_print(const struct route *routes, size_t n, FILE *fp);

#endif
