#include "router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "log.h"
#include "timefmt.h"
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
		{ ROUTE_PEER, "peer" }, { ROUTE_TOKENS, "tokens" },
		{ ROUTE_SCRIPT_AUTH, "script-auth" },
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

/* Fails r with 401 or 403 and the WWW-Authenticate the contract asks. */
static enum api_err
refuse(struct req *r, enum api_err err, const char *error)
{
	char value[96];

	snprintf(value, sizeof(value), "%s%s%s%s", AUTH_REALM,
	    error ? ", error=\"" : "", error ? error : "", error ? "\"" : "");
	req_header(r, "WWW-Authenticate", value);
	return err;
}

/*
 * Who is calling, and whether they may call rt at all: 401 and 403.  The
 * caller is left in r->caller, and the record rt reads first, if any, in
 * r->ahead.  With defer, a user's token is left for the write script
 * (ROUTE_SCRIPT_AUTH).
 */
static enum api_err
identify(const struct route *rt, struct req *r, const struct router_env *env,
    int defer)
{
	const struct auth *a = env->auth;
	char id[ID_LEN + 1], why[sizeof(r->detail)];
	enum api_err rc;
	int invalid;

	if (a->mode == AUTH_MODE_OFF) {
		r->caller.kind = CALLER_ANYONE;
		return API_OK;
	}
	if (rt->who == WHO_ANYONE) {
		r->caller.kind = CALLER_NOBODY;
		return API_OK;
	}
	if (rt->ahead != NULL && r->nparams > 0 && id_parse(r->params[0], id))
		r->ahead.key = record_key(rt->ahead, id);
	rc = auth_identify(a, env->store, r->authorization, ts_now(), defer,
	    r->ahead.key, &r->ahead.value, &r->caller, &invalid, why,
	    sizeof(why));
	if (rc == API_EUNAUTH) {
		req_fail(r, rc, "%s", why);
		return refuse(r, rc, invalid ? "invalid_token" : NULL);
	}
	if (rc != API_OK) {
		record_ahead_release(&r->ahead);
		return req_fail(r, rc, "%s", store_errstr(env->store));
	}
	if (r->ahead.key != NULL && r->caller.kind != CALLER_USER) {
		/* The admin's token is not in Redis: nothing was read. */
		record_ahead_release(&r->ahead);
	}
	if (!r->caller.pending) {
		log_set_caller(auth_caller_name(&r->caller));
		if (r->caller.kind != CALLER_NOBODY)
			req_header(r, "X-Caller", auth_caller_name(&r->caller));
	}
	switch (auth_decide(a, rt->who, &r->caller, r->method, NULL)) {
	case AUTH_ALLOW:
	case AUTH_HIDDEN:
		return API_OK;
	case AUTH_NEED_CREDENTIALS:
		req_fail(r, API_EUNAUTH, "authentication required: send "
		    "Authorization: Bearer <token>");
		return refuse(r, API_EUNAUTH, NULL);
	case AUTH_INSUFFICIENT:
		if (rt->who == WHO_SIGNUP && !r->caller.read_only)
			req_fail(r, API_EFORBIDDEN, "sign-up is closed: only the "
			    "admin may create users");
		else
			req_fail(r, API_EFORBIDDEN, "insufficient scope: a read "
			    "token may only GET and HEAD");
		return refuse(r, API_EFORBIDDEN, "insufficient_scope");
	}
	return API_OK;
}

/*
 * Whether what the request names (the path's user, the body's owner) is
 * the caller's: if not, it is answered as if it did not exist.
 */
static enum api_err
check_owner(const struct route *rt, struct req *r, const struct router_env *env)
{
	const char *owner = NULL;

	switch (rt->who) {
	case WHO_PATH_USER:
		owner = r->nparams > 0 ? r->params[0] : "";
		break;
	case WHO_BODY_USER:
		owner = r->fields[rt->owner_field].str;
		if (owner == NULL)
			owner = "";
		break;
	default:
		return API_OK;
	}
	if (auth_decide(env->auth, rt->who, &r->caller, r->method, owner) !=
	    AUTH_HIDDEN)
		return API_OK;
	if (rt->who == WHO_PATH_USER)
		return req_fail(r, API_ENOTFOUND, "%s not found",
		    rt->owner_noun);
	return req_fail(r, API_EINVALID, "%s: no such %s",
	    rt->fields[rt->owner_field].name, rt->owner_noun);
}

void
router_dispatch(const struct route *routes, size_t n, struct req *r,
    const struct router_env *env, void *ctx)
{
	const struct route *chosen = NULL;
	int head = strcmp(r->method, "HEAD") == 0;
	int tokens = env->auth->mode == AUTH_MODE_TOKEN;
	char allow[128] = "";
	enum api_err rc;

	for (size_t i = 0; i < n; i++) {
		const struct route *rt = &routes[i];

		if ((rt->flags & ROUTE_TOKENS) && !tokens)
			continue;
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
	rc = identify(chosen, r, env, (chosen->flags & ROUTE_SCRIPT_AUTH) != 0);
	if (rc == API_OK && (chosen->flags & ROUTE_BODY))
		rc = take_body(chosen, r, env->max_body);
	if (rc == API_OK)
		rc = check_owner(chosen, r, env);
	if (rc == API_OK)
		rc = chosen->fn(r, ctx);
	/*
	 * A pending caller refused by its script, or by anything before it:
	 * the token is looked up now, and a 401 or 403 it earns is the
	 * answer, in the contract's order.
	 */
	if (rc != API_OK && r->caller.pending) {
		char detail[sizeof(r->detail)];
		enum api_err arc;

		memcpy(detail, r->detail, sizeof(detail));
		r->caller = (struct caller){ .kind = CALLER_NOBODY };
		if ((arc = identify(chosen, r, env, 0)) != API_OK)
			rc = arc;
		else
			memcpy(r->detail, detail, sizeof(detail));
	}
	if (rc != API_OK)
		req_send_error(r, rc);
	else if (r->status == 0)
		req_send_error(r, req_fail(r, API_EINTERNAL,
		    "handler sent no response"));
	log_set_caller(NULL);
}
