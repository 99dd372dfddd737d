/*
 * httpc: the HTTP client a worker uses to call the other service.
 *
 * One curl easy handle per worker, kept across requests so the connection to
 * the peer's internal port is reused.  Every call is bounded by a connect
 * timeout and a total timeout.  Transport failures map to API_EUNAVAIL
 * (cannot connect), API_ETIMEOUT (no answer in time) and API_EBADGATEWAY
 * (anything else, a reply too large included).  As in the store, a failure
 * leaves its code and reason in the client (httpc_err(), httpc_errstr()).
 */
#ifndef HTTPC_H
#define HTTPC_H

#include <stddef.h>

#include "api.h"

#define HTTPC_MAX_BODY (32u << 20)

struct httpc;

struct httpc_resp {
	long status;
	char *body;              /* NUL-terminated; free with httpc_resp_release */
	size_t len;
	char total_count[24];    /* X-Total-Count, "" when absent */
};

/* base is "http://host:port" without a trailing slash. */
struct httpc *httpc_new(const char *base, int connect_timeout_ms,
    int timeout_ms);
void httpc_free(struct httpc *hc);

/*
 * GETs base + path_and_query, sending X-Request-ID when request_id is set
 * and Authorization when authorization is (the header's value as it
 * came).  Returns API_OK with resp filled for any HTTP status, or an error
 * with the reason in the client.
 */
enum api_err httpc_get(struct httpc *hc, const char *path_and_query,
    const char *request_id, const char *authorization,
    struct httpc_resp *resp);
/* The code of the last failure (API_OK before any) and its reason. */
enum api_err httpc_err(const struct httpc *hc);
const char *httpc_errstr(const struct httpc *hc);
void httpc_resp_release(struct httpc_resp *resp);

/* s %-encoded for a URL; free with free(). */
char *httpc_escape(struct httpc *hc, const char *s);

#endif
