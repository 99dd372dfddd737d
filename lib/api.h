/*
 * api: the one error vocabulary of both services.
 *
 * Handlers and lib/ modules return these codes; api_status() is the only
 * place that turns one into an HTTP status.
 */
#ifndef API_H
#define API_H

enum api_err {
	API_OK = 0,
	API_EBADJSON,     /* 400: body is not JSON, or not an object */
	API_EUNAUTH,      /* 401: no credentials, or credentials refused */
	API_EFORBIDDEN,   /* 403: credentials that may not do this */
	API_ENOTFOUND,    /* 404 */
	API_EMETHOD,      /* 405 */
	API_ECONFLICT,    /* 409 */
	API_ETOOLARGE,    /* 413 */
	API_EMEDIA,       /* 415 */
	API_EINVALID,     /* 422 */
	API_EINTERNAL,    /* 500 */
	API_EBADGATEWAY,  /* 502: a dependency answered wrongly */
	API_EUNAVAIL,     /* 503: a dependency is unreachable */
	API_ETIMEOUT,     /* 504: a dependency timed out */
};

/* The HTTP status for an error code (200 for API_OK). */
int api_status(enum api_err err);
/*
 * The reverse, for a status another service answered: API_OK for 2xx, the
 * code whose status it is, and API_EBADGATEWAY for any other (a 500, a
 * status this API never answers).
 */
enum api_err api_from_status(long status);
/* The HTTP reason phrase for a status ("Not Found"), "" if unknown. */
const char *api_reason(int status);

#endif
