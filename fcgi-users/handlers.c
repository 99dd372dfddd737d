#include "handlers.h"

#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "log.h"
#include "query.h"
#include "service.h"
#include "tokens.h"
#include "timefmt.h"
#include "user.h"
#include "user_store.h"
#include "xmalloc.h"

/*
 * With AUTH=token a sign-up answers with a new write token of the new user,
 * written in the same script as the user: the only time its secret shows.
 */
enum api_err
users_create(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	struct user u = { .created = ts_now() };
	struct auth_token t, *tok = NULL;
	struct json_object *o;
	enum api_err rc;

	id_new(u.id);
	user_apply(&u, r->fields);
	if (svc->auth.mode == AUTH_MODE_TOKEN) {
		if (auth_token_mint(&t, u.id, "sign-up", 0, u.created,
		    TOKEN_DAYS_DEFAULT) == -1) {
			user_release(&u);
			return req_fail(r, API_EINTERNAL, "no random bytes for a "
			    "token");
		}
		tok = &t;
	}
	if ((rc = ustore_create(svc->store, &u, tok)) == API_OK) {
		o = user_to_json(&u);
		if (tok != NULL)
			jsonx_add_str(o, "token", tok->secret);
		req_send_created(r, "/users", u.id, o);
	} else
		service_fail(svc, r, rc);
	if (tok != NULL)
		auth_token_release(tok);
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

	if ((rc = req_path_id(r, "user", id)) != API_OK)
		return rc;
	if ((rc = record_get(svc->store, &user_record, id, &r->ahead, &u)) ==
	    API_OK)
		req_send(r, 200, user_to_json(&u));
	else
		service_fail(svc, r, rc);
	user_release(&u);
	return rc;
}

/* PUT and PATCH: the router checked the fields (all of them for PUT). */
enum api_err
users_update(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1];
	struct user u;
	enum api_err rc;

	if ((rc = req_path_id(r, "user", id)) != API_OK)
		return rc;
	if ((rc = ustore_update(svc->store, id, r->fields, &u)) == API_OK)
		req_send(r, 200, user_to_json(&u));
	else
		service_fail(svc, r, rc);
	user_release(&u);
	return rc;
}

enum api_err
users_delete(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1];
	enum api_err rc;

	if ((rc = req_path_id(r, "user", id)) != API_OK)
		return rc;
	if ((rc = ustore_delete(svc->store, id)) != API_OK)
		return service_fail(svc, r, rc);
	req_send(r, 204, NULL);
	return API_OK;
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

	if ((rc = req_path_id(r, "user", id)) != API_OK)
		return rc;
	if ((rc = query_parse(r->query, &q, r->detail, sizeof(r->detail))) !=
	    API_OK)
		goto out;
	/*
	 * The user is read while the task service answers: the worker sleeps
	 * once, not twice.  The user's answer decides first (an unknown user
	 * is 404, whatever the task service said).
	 */
	record_send(svc->store, &user_record, id, &r->ahead);
	if (svc->peer != NULL) {
		path = tasks_path(svc, id, &q);
		peer_rc = service_peer_get(svc, r, path, &resp);
	}
	if ((rc = record_recv(svc->store, &user_record, id, &r->ahead, &u)) !=
	    API_OK) {
		service_fail(svc, r, rc);
		goto out;
	}
	if (svc->peer == NULL) {
		rc = req_fail(r, API_EUNAVAIL, "task service: not called from an "
		    "internal pool");
		goto out;
	}
	if ((rc = peer_rc) != API_OK)
		goto out;
	if (resp.status != 200) {
		rc = service_peer_fail(svc, r, &resp, 1);
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
