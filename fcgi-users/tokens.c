#include "tokens.h"

#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "log.h"
#include "service.h"
#include "timefmt.h"
#include "xmalloc.h"

static const char *const scopes[] = { "read", "write", NULL };

const struct field_spec token_fields[TOKEN_NFIELDS] = {
	[TOKEN_F_NAME] = { "name", FIELD_REQUIRED | FIELD_NOT_BLANK, 1, 100,
	    NULL },
	[TOKEN_F_SCOPE] = { "scope", 0, 1, 16, scopes },
	[TOKEN_F_DAYS] = { "expires_in_days", FIELD_INTEGER, 1, 365, NULL },
};

static const struct store_word words[] = {
	{ "notfound", API_ENOTFOUND, "user not found" },
	{ "notoken", API_ENOTFOUND, "token not found" },
	{ NULL, API_OK, NULL },
};

/* KEYS = user:<id>, token:<hash>, user:<id>:tokens; ARGV = record, id, hash */
static struct store_script create_script = { .writes = 1, .words = words,
    .src =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 'notfound' end\n"
    "redis.call('SET', KEYS[2], ARGV[1])\n"
    "redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])\n"
    "return 'ok'\n" };

/* KEYS = user:<id>, user:<id>:tokens: the records, one a line. */
static struct store_script list_script = { .writes = 0, .words = words,
    .src =
    "if redis.call('EXISTS', KEYS[1]) == 0 then return 'notfound' end\n"
    "local out = {}\n"
    "for _, h in ipairs(redis.call('HVALS', KEYS[2])) do\n"
    "  local v = redis.call('GET', 'token:' .. h)\n"
    "  if v then out[#out + 1] = v end\n"
    "end\n"
    "return {'ok', table.concat(out, '\\n')}\n" };

/* KEYS = user:<id>:tokens; ARGV = the token's id. */
static struct store_script delete_script = { .writes = 1, .words = words,
    .src =
    "local h = redis.call('HGET', KEYS[1], ARGV[1])\n"
    "if not h then return 'notoken' end\n"
    "redis.call('DEL', 'token:' .. h)\n"
    "redis.call('HDEL', KEYS[1], ARGV[1])\n"
    "return 'ok'\n" };

char *
tokens_index_key(const char *user_id)
{
	return xasprintf("user:%s:tokens", user_id);
}

/* TokenResponse: never the secret, never the hash. */
static struct json_object *
token_to_json(const struct auth_token_info *t)
{
	struct json_object *o = json_object_new_object();
	char ts[TS_BUFSZ];

	jsonx_add_str(o, "id", t->id);
	jsonx_add_str(o, "name", t->name);
	jsonx_add_str(o, "scope", t->read_only ? "read" : "write");
	ts_format_rfc3339(t->created, ts);
	jsonx_add_str(o, "created_at", ts);
	ts_format_rfc3339(t->expires, ts);
	jsonx_add_str(o, "expires_at", ts);
	if (t->last_used >= 0)
		ts_format_rfc3339(t->last_used, ts);
	jsonx_add_str(o, "last_used_at", t->last_used >= 0 ? ts : NULL);
	return o;
}

struct json_object *
tokens_minted_json(const struct auth_token *t, const char *name,
    int read_only, int64_t now, long days)
{
	struct auth_token_info info = { .name = (char *)name,
	    .read_only = read_only, .created = now,
	    .expires = now + (int64_t)days * 86400 * 1000000,
	    .last_used = -1 };
	struct json_object *o;

	memcpy(info.id, t->id, sizeof(info.id));
	o = token_to_json(&info);
	jsonx_add_str(o, "token", t->secret);
	return o;
}

enum api_err
tokens_create(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	const struct field_value *v = r->fields;
	const char *name = v[TOKEN_F_NAME].str;
	int read_only = v[TOKEN_F_SCOPE].str != NULL &&
	    strcmp(v[TOKEN_F_SCOPE].str, "read") == 0;
	long days = v[TOKEN_F_DAYS].present ? v[TOKEN_F_DAYS].num :
	    TOKEN_DAYS_DEFAULT;
	int64_t now = ts_now();
	char uid[ID_LEN + 1];
	char *user = NULL, *key = NULL, *index = NULL, *loc = NULL;
	struct auth_token t;
	enum api_err rc;

	if ((rc = req_path_id(r, "user", uid)) != API_OK)
		return rc;
	if (auth_token_mint(&t, uid, name, read_only, now, days) == -1)
		return req_fail(r, API_EINTERNAL, "no random bytes for a token");
	user = xasprintf("user:%s", uid);
	key = auth_token_key(t.hash);
	index = tokens_index_key(uid);
	{
		const char *argv[] = { user, key, index, t.record, t.id,
		    t.hash };

		rc = store_run(svc->store, &create_script, 3, 6, argv, NULL);
	}
	if (rc == API_OK) {
		loc = xasprintf("/users/%s/tokens", uid);
		req_send_created(r, loc, t.id, tokens_minted_json(&t, name,
		    read_only, now, days));
	} else
		service_fail(svc, r, rc);
	auth_token_release(&t);
	free(user);
	free(key);
	free(index);
	free(loc);
	return rc;
}

static int
token_cmp(const void *a, const void *b)
{
	const struct auth_token_info *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

enum api_err
tokens_list(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	struct auth_token_info *list = NULL;
	struct json_object *arr;
	char uid[ID_LEN + 1];
	char *user, *index, *out = NULL, *line, *next;
	size_t n = 0, cap = 0;
	enum api_err rc;

	if ((rc = req_path_id(r, "user", uid)) != API_OK)
		return rc;
	user = xasprintf("user:%s", uid);
	index = tokens_index_key(uid);
	{
		const char *argv[] = { user, index };

		rc = store_run(svc->store, &list_script, 2, 2, argv, &out);
	}
	free(user);
	free(index);
	if (rc != API_OK)
		return service_fail(svc, r, rc);
	for (line = out; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			list = xrealloc(list, cap * sizeof(*list));
		}
		if (auth_token_decode(line, &list[n]) == 0)
			n++;
		else
			log_warnx("skipping a malformed token record of user %s",
			    uid);
	}
	if (n > 1)	/* list is NULL when there are none */
		qsort(list, n, sizeof(*list), token_cmp);
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object_array_add(arr, token_to_json(&list[i]));
		auth_token_info_release(&list[i]);
	}
	req_send(r, 200, arr);
	free(list);
	free(out);
	return API_OK;
}

enum api_err
tokens_delete(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	char uid[ID_LEN + 1], tid[ID_LEN + 1];
	char *index;
	enum api_err rc;

	if ((rc = req_path_id(r, "user", uid)) != API_OK)
		return rc;
	if (r->nparams < 2 || !id_parse(r->params[1], tid))
		return req_fail(r, API_ENOTFOUND, "token not found");
	index = tokens_index_key(uid);
	{
		const char *argv[] = { index, tid };

		rc = store_run(svc->store, &delete_script, 1, 2, argv, NULL);
	}
	free(index);
	if (rc != API_OK)
		return service_fail(svc, r, rc);
	req_send(r, 204, NULL);
	return API_OK;
}
