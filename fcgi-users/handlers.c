#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "log.h"
#include "query.h"
#include "service.h"
#include "timefmt.h"
#include "user.h"
#include "user_store.h"
#include "xmalloc.h"

/* Attempts at a read-modify-write before giving up on a busy record. */
#define UPDATE_ATTEMPTS 32

/* The {id} path parameter as a lowercase UUID, or 404. */
static enum api_err
path_id(struct req *r, char id[ID_LEN + 1])
{
	if (r->nparams < 1 || !id_parse(r->params[0], id))
		return req_fail(r, API_ENOTFOUND, "user not found");
	return API_OK;
}

enum api_err
users_create(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	struct field_value v[USER_NFIELDS];
	struct user u = { .created = ts_now() };
	char *loc;
	enum api_err rc;

	rc = validate_object(r->json, user_fields, USER_NFIELDS, 0, v,
	    r->detail, sizeof(r->detail));
	if (rc != API_OK)
		return rc;
	id_new(u.id);
	user_apply(&u, v);
	rc = ustore_create(svc->store, r, &u);
	if (rc == API_OK) {
		loc = xasprintf("/users/%s", u.id);
		req_header(r, "Location", loc);
		free(loc);
		req_send(r, 201, user_to_json(&u));
	}
	user_release(&u);
	return rc;
}

enum api_err
users_get(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1];
	struct user u;
	enum api_err rc;

	if ((rc = path_id(r, id)) != API_OK)
		return rc;
	if ((rc = ustore_get(svc->store, r, id, &u, NULL)) == API_OK)
		req_send(r, 200, user_to_json(&u));
	user_release(&u);
	return rc;
}

/*
 * PUT and PATCH: read the record, apply the fields, write it back only if
 * nobody changed it in between (else read again).
 */
static enum api_err
update(struct req *r, struct service *svc, int partial)
{
	struct field_value v[USER_NFIELDS];
	char id[ID_LEN + 1];
	enum api_err rc;

	if ((rc = path_id(r, id)) != API_OK)
		return rc;
	rc = validate_object(r->json, user_fields, USER_NFIELDS, partial, v,
	    r->detail, sizeof(r->detail));
	if (rc != API_OK)
		return rc;
	for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
		struct user u;
		char *raw = NULL, *old_email;
		int retry;

		if ((rc = ustore_get(svc->store, r, id, &u, &raw)) != API_OK)
			return rc;
		old_email = xstrdup(u.email);
		user_apply(&u, v);
		rc = ustore_replace(svc->store, r, &u, raw, old_email, &retry);
		if (rc == API_OK)
			req_send(r, 200, user_to_json(&u));
		user_release(&u);
		free(raw);
		free(old_email);
		if (!retry)
			return rc;
	}
	return req_fail(r, API_ECONFLICT, "user is being changed by other "
	    "requests; try again");
}

enum api_err
users_replace(struct req *r, void *ctx)
{
	return update(r, ctx, 0);
}

enum api_err
users_patch(struct req *r, void *ctx)
{
	return update(r, ctx, 1);
}

enum api_err
users_delete(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1];
	enum api_err rc;

	if ((rc = path_id(r, id)) != API_OK)
		return rc;
	if ((rc = ustore_delete(svc->store, r, id)) == API_OK)
		req_send(r, 204, NULL);
	return rc;
}

/* "/tasks?userId=<id>" plus the paging and filter parameters given. */
static char *
tasks_path(struct service *svc, const char *id, const struct query *q)
{
	static const char *const passed[] = { "status", "limit", "offset" };
	char *path = xasprintf("/tasks?userId=%s", id);

	for (size_t i = 0; i < sizeof(passed) / sizeof(passed[0]); i++) {
		const char *val = query_get(q, passed[i]);
		char *esc, *next;

		if (val == NULL)
			continue;
		esc = httpc_escape(svc->peer, val);
		next = xasprintf("%s&%s=%s", path, passed[i], esc);
		free(esc);
		free(path);
		path = next;
	}
	return path;
}

/*
 * Maps a non-200 answer of the task service: its client errors (a bad query
 * parameter) are the client's; its failures are 502/503/504 naming it.
 */
static enum api_err
peer_failure(struct req *r, const struct httpc_resp *resp)
{
	char detail[REQ_DETAIL_MAX];
	enum api_err rc;

	service_peer_detail(resp, detail, sizeof(detail));
	switch (resp->status) {
	case 400: rc = API_EBADJSON; break;
	case 404: rc = API_ENOTFOUND; break;
	case 422: rc = API_EINVALID; break;
	case 503: rc = API_EUNAVAIL; break;
	case 504: rc = API_ETIMEOUT; break;
	default:  rc = API_EBADGATEWAY; break;
	}
	if (resp->status >= 400 && resp->status < 500 && rc != API_EBADGATEWAY)
		return req_fail(r, rc, "%s", detail);
	return req_fail(r, rc, "task service: %s", detail);
}

enum api_err
users_tasks(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	struct httpc_resp resp = { 0 };
	struct json_object *user = NULL;
	struct query q;
	struct user u = { 0 };
	char id[ID_LEN + 1];
	char *path = NULL, *body = NULL;
	enum api_err rc, peer_rc = API_OK;

	if ((rc = path_id(r, id)) != API_OK)
		return rc;
	if ((rc = query_parse(r->query, &q, r->detail, sizeof(r->detail))) !=
	    API_OK)
		goto out;
	/*
	 * The user is read while the task service answers: the worker sleeps
	 * once, not twice.  The user's answer decides first (an unknown user
	 * is 404, whatever the task service said).
	 */
	ustore_get_send(svc->store, id);
	if (svc->peer != NULL) {
		path = tasks_path(svc, id, &q);
		peer_rc = service_peer_get(svc, r, path, &resp);
	}
	if ((rc = ustore_get_recv(svc->store, r, id, &u, NULL)) != API_OK)
		goto out;
	if (svc->peer == NULL) {
		rc = req_fail(r, API_EUNAVAIL, "task service: not called from an "
		    "internal pool");
		goto out;
	}
	if ((rc = peer_rc) != API_OK)
		goto out;
	if (resp.status != 200) {
		rc = peer_failure(r, &resp);
		goto out;
	}
	/*
	 * The task service's array goes into the answer as it came, once it
	 * is known to be one whole JSON array: no parse into objects and
	 * print again of every task.
	 */
	if (!jsonx_is_array_text(resp.body, resp.len)) {
		rc = req_fail(r, API_EBADGATEWAY, "task service: answered "
		    "something other than a JSON array");
		goto out;
	}
	user = user_to_json(&u);
	body = xasprintf("{\"user\":%s,\"tasks\":%s}",
	    jsonx_serialize(user, NULL), resp.body);
	if (resp.total_count[0] != '\0')
		req_header(r, "X-Total-Count", resp.total_count);
	req_send_raw(r, 200, body, strlen(body));
out:
	json_object_put(user);
	free(body);
	httpc_resp_release(&resp);
	user_release(&u);
	query_release(&q);
	free(path);
	return rc;
}
