#include "handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "query.h"
#include "task.h"
#include "task_store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define LIST_LIMIT_DEFAULT 100
#define LIST_LIMIT_MAX 1000
#define LIST_OFFSET_MAX 1000000000L

/*
 * Asks the user service whether user_id exists: API_OK, API_EINVALID when it
 * does not, or 502/503/504 naming the user service.
 */
static enum api_err
user_exists(struct service *svc, struct req *r, const char *user_id)
{
	struct httpc_resp resp;
	char *path = xasprintf("/users/%s", user_id);
	enum api_err rc;

	rc = service_peer_get(svc, r, path, &resp);
	free(path);
	if (rc != API_OK)
		return rc;
	if (resp.status == 404)
		rc = req_fail(r, API_EINVALID, "userId: no such user");
	else if (resp.status != 200)
		rc = service_peer_fail(svc, r, &resp, 0);
	httpc_resp_release(&resp);
	return rc;
}

enum api_err
tasks_create(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	const struct field_value *v = r->fields;
	struct task t = { .status = "pending" };
	char uid[ID_LEN + 1];
	enum api_err rc;

	if (!id_parse(v[TASK_F_USERID].str, uid))
		return req_fail(r, API_EINVALID, "userId: no such user");
	if ((rc = user_exists(svc, r, uid)) != API_OK)
		return rc;
	id_new(t.id);
	t.user_id = xstrdup(uid);
	t.created = t.updated = ts_now();
	task_apply(&t, v);
	/*
	 * The store checks again, atomically, that the user still exists, and
	 * that the caller may write to it.
	 */
	rc = tstore_create(svc->store, &t, auth_owner_filter(&r->caller));
	if (rc == API_OK) {
		req_caller_resolved(r, t.user_id);
		req_send_created(r, "/tasks", t.id, task_to_json(&t));
	} else
		service_fail(svc, r, rc);
	task_release(&t);
	return rc;
}

enum api_err
tasks_get(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1];
	struct task t;
	enum api_err rc;

	if ((rc = req_path_id(r, "task", id)) != API_OK)
		return rc;
	rc = record_get(svc->store, &task_record, id, &r->ahead, &t);
	if (rc == API_OK && !auth_sees(&r->caller, t.user_id))
		rc = req_fail(r, API_ENOTFOUND, "task not found");
	else if (rc == API_OK)
		req_send(r, 200, task_to_json(&t));
	else
		service_fail(svc, r, rc);
	task_release(&t);
	return rc;
}

struct list_query {
	const char *user_id;
	const char *status;    /* NULL: any */
	long limit, offset;
};

static enum api_err
list_query_parse(struct req *r, const struct query *q, struct list_query *lq)
{
	const char *limit = query_get(q, "limit");
	const char *offset = query_get(q, "offset");
	const struct field_spec *sp = &task_fields[TASK_F_STATUS];
	enum api_err rc;

	lq->user_id = query_get(q, "userId");
	lq->status = query_get(q, "status");
	lq->limit = LIST_LIMIT_DEFAULT;
	lq->offset = 0;
	if (lq->user_id == NULL || lq->user_id[0] == '\0')
		return req_fail(r, API_EINVALID, "userId: query parameter "
		    "required");
	if (strlen(lq->user_id) > 128)
		return req_fail(r, API_EINVALID, "userId: must be at most 128 "
		    "characters");
	if (lq->status != NULL && !validate_choice(sp, lq->status, r->detail,
	    sizeof(r->detail)))
		return API_EINVALID;
	if (limit != NULL && (rc = query_int("limit", limit, 1, LIST_LIMIT_MAX,
	    &lq->limit, r->detail, sizeof(r->detail))) != API_OK)
		return rc;
	if (offset != NULL && (rc = query_int("offset", offset, 0,
	    LIST_OFFSET_MAX, &lq->offset, r->detail, sizeof(r->detail))) !=
	    API_OK)
		return rc;
	return API_OK;
}

enum api_err
tasks_list(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	struct list_query lq;
	struct query q;
	struct task *tasks = NULL;
	struct json_object *arr;
	char uid[ID_LEN + 1], total[24];
	size_t n = 0, kept = 0;
	enum api_err rc;

	if ((rc = query_parse(r->query, &q, r->detail, sizeof(r->detail))) !=
	    API_OK || (rc = list_query_parse(r, &q, &lq)) != API_OK)
		goto out;
	arr = json_object_new_array();
	/*
	 * Ids are lowercase UUIDs: anything else names no user.  Another
	 * user's tasks are, to this caller, none.
	 */
	if (id_parse(lq.user_id, uid) && auth_sees(&r->caller, uid)) {
		rc = tstore_list(svc->store, uid, &tasks, &n);
		if (rc != API_OK) {
			json_object_put(arr);
			service_fail(svc, r, rc);
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (lq.status != NULL && strcmp(tasks[i].status, lq.status) != 0) {
			task_release(&tasks[i]);
			continue;
		}
		tasks[kept++] = tasks[i];
	}
	if (kept > 1)	/* tasks is NULL when there are none */
		qsort(tasks, kept, sizeof(*tasks), task_cmp);
	for (size_t i = (size_t)lq.offset; i < kept &&
	    i < (size_t)(lq.offset + lq.limit); i++)
		json_object_array_add(arr, task_to_json(&tasks[i]));
	snprintf(total, sizeof(total), "%zu", kept);
	req_header(r, "X-Total-Count", total);
	req_send(r, 200, arr);
out:
	tstore_list_free(tasks, kept);
	query_release(&q);
	return rc;
}

enum api_err
tasks_update(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1];
	struct task t;
	enum api_err rc;

	if ((rc = req_path_id(r, "task", id)) != API_OK)
		return rc;
	rc = tstore_update(svc->store, id, auth_owner_filter(&r->caller),
	    r->fields, ts_now(), &t);
	if (rc == API_OK) {
		req_caller_resolved(r, t.user_id);
		req_send(r, 200, task_to_json(&t));
	}
	else
		service_fail(svc, r, rc);
	task_release(&t);
	return rc;
}

enum api_err
tasks_delete(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1], *owner = NULL;
	enum api_err rc;

	if ((rc = req_path_id(r, "task", id)) != API_OK)
		return rc;
	rc = tstore_delete(svc->store, id, auth_owner_filter(&r->caller), &owner);
	if (rc != API_OK)
		return service_fail(svc, r, rc);
	req_caller_resolved(r, owner);
	free(owner);
	req_send(r, 204, NULL);
	return API_OK;
}
