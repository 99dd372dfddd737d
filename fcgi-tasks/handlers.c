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

/* Attempts at a read-modify-write before giving up on a busy record. */
#define UPDATE_ATTEMPTS 32
#define LIST_LIMIT_DEFAULT 100
#define LIST_LIMIT_MAX 1000
#define LIST_OFFSET_MAX 1000000000L

static enum api_err
path_id(struct req *r, char id[ID_LEN + 1])
{
	if (r->nparams < 1 || !id_parse(r->params[0], id))
		return req_fail(r, API_ENOTFOUND, "task not found");
	return API_OK;
}

/*
 * Asks the user service whether user_id exists: API_OK, API_EINVALID when it
 * does not, or 502/503/504 naming the user service.
 */
static enum api_err
user_exists(struct service *svc, struct req *r, const char *user_id)
{
	struct httpc_resp resp;
	char *path = xasprintf("/users/%s", user_id);
	char detail[REQ_DETAIL_MAX];
	enum api_err rc;

	rc = service_peer_get(svc, r, path, &resp);
	free(path);
	if (rc != API_OK)
		return rc;
	if (resp.status == 404)
		rc = req_fail(r, API_EINVALID, "userId: no such user");
	else if (resp.status == 503 || resp.status == 504)
		rc = req_fail(r, resp.status == 503 ? API_EUNAVAIL :
		    API_ETIMEOUT, "user service: %s",
		    service_peer_detail(&resp, detail, sizeof(detail)));
	else if (resp.status != 200)
		rc = req_fail(r, API_EBADGATEWAY, "user service: %s",
		    service_peer_detail(&resp, detail, sizeof(detail)));
	httpc_resp_release(&resp);
	return rc;
}

enum api_err
tasks_create(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	struct field_value v[TASK_NFIELDS];
	struct task t = { .status = "pending" };
	char uid[ID_LEN + 1];
	char *loc;
	enum api_err rc;

	rc = validate_object(r->json, task_fields, TASK_NFIELDS, 0, v,
	    r->detail, sizeof(r->detail));
	if (rc != API_OK)
		return rc;
	if (!id_parse(v[TASK_F_USERID].str, uid))
		return req_fail(r, API_EINVALID, "userId: no such user");
	if ((rc = user_exists(svc, r, uid)) != API_OK)
		return rc;
	id_new(t.id);
	t.user_id = xstrdup(uid);
	t.created = t.updated = ts_now();
	task_apply(&t, v);
	/* The store checks again, atomically, that the user still exists. */
	if ((rc = tstore_create(svc->store, r, &t)) == API_OK) {
		loc = xasprintf("/tasks/%s", t.id);
		req_header(r, "Location", loc);
		free(loc);
		req_send(r, 201, task_to_json(&t));
	}
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

	if ((rc = path_id(r, id)) != API_OK)
		return rc;
	if ((rc = tstore_get(svc->store, r, id, &t, NULL)) == API_OK)
		req_send(r, 200, task_to_json(&t));
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
	/* Ids are lowercase UUIDs: anything else names no user. */
	if (id_parse(lq.user_id, uid)) {
		rc = tstore_list(svc->store, r, uid, &tasks, &n);
		if (rc != API_OK) {
			json_object_put(arr);
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
	struct field_value v[TASK_NUPDATE];
	char id[ID_LEN + 1];
	enum api_err rc;

	if ((rc = path_id(r, id)) != API_OK)
		return rc;
	rc = validate_object(r->json, task_fields, TASK_NUPDATE, 1, v,
	    r->detail, sizeof(r->detail));
	if (rc != API_OK)
		return rc;
	for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
		struct task t;
		char *raw = NULL;
		int64_t now = ts_now();
		int retry;

		if ((rc = tstore_get(svc->store, r, id, &t, &raw)) != API_OK)
			return rc;
		task_apply(&t, v);
		/* updated_at moves on every change, even within a microsecond. */
		t.updated = now > t.updated ? now : t.updated + 1;
		rc = tstore_replace(svc->store, r, &t, raw, &retry);
		if (rc == API_OK)
			req_send(r, 200, task_to_json(&t));
		task_release(&t);
		free(raw);
		if (!retry)
			return rc;
	}
	return req_fail(r, API_ECONFLICT, "task is being changed by other "
	    "requests; try again");
}

enum api_err
tasks_delete(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char id[ID_LEN + 1];
	enum api_err rc;

	if ((rc = path_id(r, id)) != API_OK)
		return rc;
	for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
		struct task t;
		char *raw = NULL;
		int retry;

		if ((rc = tstore_get(svc->store, r, id, &t, &raw)) != API_OK)
			return rc;
		rc = tstore_delete(svc->store, r, &t, raw, &retry);
		if (rc == API_OK)
			req_send(r, 204, NULL);
		task_release(&t);
		free(raw);
		if (!retry)
			return rc;
	}
	return req_fail(r, API_ECONFLICT, "task is being changed by other "
	    "requests; try again");
}
