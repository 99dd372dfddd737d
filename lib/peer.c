/* peer: a worker's calls to the other service (service.h). */
#include <stdio.h>
#include <string.h>

#include "jsonx.h"
#include "service.h"

enum api_err
service_peer_get(struct service *svc, struct req *r, const char *path,
    struct httpc_resp *resp)
{
	const char *peer = svc->def->peer_name;
	enum api_err rc;

	if (svc->peer == NULL)
		return req_fail(r, API_EUNAVAIL, "%s: this internal pool makes "
		    "no outbound calls", peer);
	rc = httpc_get(svc->peer, path, r->request_id, r->authorization, resp);
	switch (rc) {
	case API_OK:
		return API_OK;
	case API_ETIMEOUT:
		return req_fail(r, rc, "%s timed out: %s", peer,
		    httpc_errstr(svc->peer));
	case API_EUNAVAIL:
		return req_fail(r, rc, "%s unreachable: %s", peer,
		    httpc_errstr(svc->peer));
	default:
		return req_fail(r, rc, "%s failed: %s", peer,
		    httpc_errstr(svc->peer));
	}
}

/*
 * The detail of an error body the peer sent ({"detail": "..."}), or a
 * description of the status when the body has none.  Writes into buf.
 */
static const char *
peer_detail(const struct httpc_resp *resp, char *buf, size_t size)
{
	struct json_object *o = NULL;
	char why[64];
	const char *d = NULL;

	if (jsonx_parse_object(resp->body, resp->len, &o, why, sizeof(why)) ==
	    API_OK)
		d = jsonx_get_str(o, "detail");
	if (d != NULL)
		snprintf(buf, size, "%s", d);
	else
		snprintf(buf, size, "answered status %ld", resp->status);
	json_object_put(o);
	return buf;
}

enum api_err
service_peer_fail(struct service *svc, struct req *r,
    const struct httpc_resp *resp, int client_errors)
{
	enum api_err rc = api_from_status(resp->status);
	char detail[REQ_DETAIL_MAX];

	peer_detail(resp, detail, sizeof(detail));
	if (resp->status >= 400 && resp->status < 500) {
		if (client_errors && rc != API_EBADGATEWAY)
			return req_fail(r, rc, "%s", detail);
		rc = API_EBADGATEWAY;
	} else if (rc == API_OK)
		rc = API_EBADGATEWAY;   /* a 2xx the caller did not expect */
	return req_fail(r, rc, "%s: %s", svc->def->peer_name, detail);
}
