#include "task_store.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

static struct store_script create_script = { .writes = 1, .src =
    "if redis.call('EXISTS', KEYS[2]) == 0 then return 'nouser' end\n"
    "redis.call('SET', KEYS[1], ARGV[1])\n"
    "redis.call('SADD', KEYS[3], ARGV[2])\n"
    "return 'ok'\n" };

static struct store_script replace_script = { .writes = 1, .src =
    "local cur = redis.call('GET', KEYS[1])\n"
    "if not cur then return 'notfound' end\n"
    "if cur ~= ARGV[1] then return 'retry' end\n"
    "redis.call('SET', KEYS[1], ARGV[2])\n"
    "return 'ok'\n" };

static struct store_script delete_script = { .writes = 1, .src =
    "local cur = redis.call('GET', KEYS[1])\n"
    "if not cur then return 'notfound' end\n"
    "if cur ~= ARGV[1] then return 'retry' end\n"
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('SREM', KEYS[2], ARGV[2])\n"
    "return 'ok'\n" };

enum api_err
tstore_create(struct store *st, struct req *r, const struct task *t)
{
	char *key = xasprintf("task:%s", t->id);
	char *user = xasprintf("user:%s", t->user_id);
	char *index = xasprintf("user:%s:tasks", t->user_id);
	char *rec = task_to_record(t);
	const char *argv[] = { key, user, index, rec, t->id };
	char word[16];
	enum api_err rc;

	rc = store_eval_word(st, &create_script, 3, 5, argv, word, sizeof(word),
	    r->detail, sizeof(r->detail));
	if (rc == API_OK && strcmp(word, "nouser") == 0)
		rc = req_fail(r, API_EINVALID, "userId: no such user");
	free(key);
	free(user);
	free(index);
	free(rec);
	return rc;
}

enum api_err
tstore_get(struct store *st, struct req *r, const char *id, struct task *t,
    char **raw)
{
	char *key = xasprintf("task:%s", id);
	char *value;
	enum api_err rc;

	memset(t, 0, sizeof(*t));
	rc = store_get_string(st, key, &value, r->detail, sizeof(r->detail));
	if (rc == API_ENOTFOUND)
		rc = req_fail(r, API_ENOTFOUND, "task not found");
	else if (rc == API_OK && task_from_record(t, id, value) == -1) {
		task_release(t);
		rc = req_fail(r, API_EBADGATEWAY, "Redis: the record %s is "
		    "malformed", key);
	}
	if (rc == API_OK && raw != NULL) {
		*raw = value;
		value = NULL;
	}
	free(value);
	free(key);
	return rc;
}

/*
 * Runs a compare-and-set script over task t's record.  Both scripts take
 * KEYS = task:<id>, user:<uid>:tasks and ARGV = the record expected, then the
 * new record (replace) or the id (delete).
 */
static enum api_err
cas(struct store *st, struct req *r, struct store_script *sc,
    const struct task *t, const char *old_raw, int *retry)
{
	char *key = xasprintf("task:%s", t->id);
	char *index = xasprintf("user:%s:tasks", t->user_id);
	char *rec = sc == &replace_script ? task_to_record(t) : NULL;
	const char *argv[] = { key, index, old_raw, rec ? rec : t->id };
	char word[16];
	enum api_err rc;

	*retry = 0;
	rc = store_eval_word(st, sc, 2, 4, argv, word, sizeof(word),
	    r->detail, sizeof(r->detail));
	if (rc == API_OK && strcmp(word, "notfound") == 0)
		rc = req_fail(r, API_ENOTFOUND, "task not found");
	else if (rc == API_OK && strcmp(word, "retry") == 0) {
		*retry = 1;
		rc = req_fail(r, API_EINTERNAL, "task changed concurrently");
	}
	free(key);
	free(index);
	free(rec);
	return rc;
}

enum api_err
tstore_replace(struct store *st, struct req *r, const struct task *t,
    const char *old_raw, int *retry)
{
	return cas(st, r, &replace_script, t, old_raw, retry);
}

enum api_err
tstore_delete(struct store *st, struct req *r, const struct task *t,
    const char *old_raw, int *retry)
{
	return cas(st, r, &delete_script, t, old_raw, retry);
}

enum api_err
tstore_list(struct store *st, struct req *r, const char *user_id,
    struct task **tasks, size_t *n)
{
	char *index = xasprintf("user:%s:tasks", user_id);
	/*
	 * One command, no script: each id of the index, then its record (nil
	 * when the index names a task that is gone).  SORT_RO, as it writes
	 * nothing: a replica may answer it, a refused write cannot hit it.
	 */
	const char *argv[] = { "SORT_RO", index, "BY", "nosort", "GET", "#",
	    "GET", "task:*" };
	redisReply *rep;
	enum api_err rc;

	*tasks = NULL;
	*n = 0;
	rc = store_cmd(st, 8, argv, NULL, &rep, r->detail, sizeof(r->detail));
	if (rc == API_OK && rep->type != REDIS_REPLY_ARRAY)
		rc = req_fail(r, API_EBADGATEWAY, "Redis: unexpected reply");
	if (rc != API_OK)
		goto out;
	*tasks = xcalloc(rep->elements / 2 + 1, sizeof(**tasks));
	for (size_t i = 0; i + 1 < rep->elements; i += 2) {
		redisReply *id = rep->element[i], *rec = rep->element[i + 1];
		struct task *t = &(*tasks)[*n];

		if (id->type != REDIS_REPLY_STRING ||
		    rec->type != REDIS_REPLY_STRING)
			continue;   /* an index entry whose task is gone */
		if (task_from_record(t, id->str, rec->str) == -1) {
			task_release(t);
			log_warn("skipping malformed record task:%s", id->str);
			continue;
		}
		(*n)++;
	}
out:
	freeReplyObject(rep);
	free(index);
	return rc;
}

void
tstore_list_free(struct task *tasks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		task_release(&tasks[i]);
	free(tasks);
}
