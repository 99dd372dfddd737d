#include "user_store.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define EMAIL_INDEX "users:by_email"

/*
 * An index entry whose user is gone (the seed's services delete users
 * without knowing the index) does not block the e-mail.
 */
static struct store_script create_script = { .writes = 1, .src =
    "local owner = redis.call('HGET', KEYS[2], ARGV[1])\n"
    "if owner and redis.call('EXISTS', 'user:' .. owner) == 1 then\n"
    "  return 'conflict'\n"
    "end\n"
    "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
    "redis.call('SET', KEYS[1], ARGV[3])\n"
    "return 'ok'\n" };

static struct store_script replace_script = { .writes = 1, .src =
    "local cur = redis.call('GET', KEYS[1])\n"
    "if not cur then return 'notfound' end\n"
    "if cur ~= ARGV[1] then return 'retry' end\n"
    "local owner = redis.call('HGET', KEYS[2], ARGV[4])\n"
    "if owner and owner ~= ARGV[5] and\n"
    "    redis.call('EXISTS', 'user:' .. owner) == 1 then\n"
    "  return 'conflict'\n"
    "end\n"
    "if ARGV[3] ~= ARGV[4] and\n"
    "    redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[5] then\n"
    "  redis.call('HDEL', KEYS[2], ARGV[3])\n"
    "end\n"
    "redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])\n"
    "redis.call('SET', KEYS[1], ARGV[2])\n"
    "return 'ok'\n" };

static struct store_script delete_script = { .writes = 1, .src =
    "local cur = redis.call('GET', KEYS[1])\n"
    "if not cur then return 'notfound' end\n"
    "local ok, rec = pcall(cjson.decode, cur)\n"
    "if ok and type(rec) == 'table' and type(rec.email) == 'string' then\n"
    "  local e = string.lower(rec.email)\n"
    "  if redis.call('HGET', KEYS[2], e) == ARGV[1] then\n"
    "    redis.call('HDEL', KEYS[2], e)\n"
    "  end\n"
    "end\n"
    "for _, t in ipairs(redis.call('SMEMBERS', KEYS[3])) do\n"
    "  redis.call('DEL', 'task:' .. t)\n"
    "end\n"
    "redis.call('DEL', KEYS[3], KEYS[1])\n"
    "return 'ok'\n" };

enum api_err
ustore_create(struct store *st, struct req *r, const struct user *u)
{
	char *key = xasprintf("user:%s", u->id);
	char *email = user_email_key(u->email);
	char *rec = user_to_record(u);
	const char *argv[] = { key, EMAIL_INDEX, email, u->id, rec };
	char word[16];
	enum api_err rc;

	rc = store_eval_word(st, &create_script, 2, 5, argv, word, sizeof(word),
	    r->detail, sizeof(r->detail));
	if (rc == API_OK && strcmp(word, "conflict") == 0)
		rc = req_fail(r, API_ECONFLICT, "email: already used by another "
		    "user");
	free(key);
	free(email);
	free(rec);
	return rc;
}

void
ustore_get_send(struct store *st, const char *id)
{
	char *key = xasprintf("user:%s", id);

	store_get_send(st, key);
	free(key);
}

enum api_err
ustore_get_recv(struct store *st, struct req *r, const char *id,
    struct user *u, char **raw)
{
	char *key = xasprintf("user:%s", id);
	char *value;
	enum api_err rc;

	memset(u, 0, sizeof(*u));
	rc = store_get_recv(st, key, &value, r->detail, sizeof(r->detail));
	if (rc == API_ENOTFOUND)
		rc = req_fail(r, API_ENOTFOUND, "user not found");
	else if (rc == API_OK && user_from_record(u, id, value) == -1) {
		user_release(u);
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

enum api_err
ustore_get(struct store *st, struct req *r, const char *id, struct user *u,
    char **raw)
{
	ustore_get_send(st, id);
	return ustore_get_recv(st, r, id, u, raw);
}

enum api_err
ustore_replace(struct store *st, struct req *r, const struct user *u,
    const char *old_raw, const char *old_email, int *retry)
{
	char *key = xasprintf("user:%s", u->id);
	char *oldk = user_email_key(old_email);
	char *newk = user_email_key(u->email);
	char *rec = user_to_record(u);
	const char *argv[] = { key, EMAIL_INDEX, old_raw, rec, oldk, newk,
	    u->id };
	char word[16];
	enum api_err rc;

	*retry = 0;
	rc = store_eval_word(st, &replace_script, 2, 7, argv, word, sizeof(word),
	    r->detail, sizeof(r->detail));
	if (rc == API_OK && strcmp(word, "notfound") == 0)
		rc = req_fail(r, API_ENOTFOUND, "user not found");
	else if (rc == API_OK && strcmp(word, "conflict") == 0)
		rc = req_fail(r, API_ECONFLICT, "email: already used by another "
		    "user");
	else if (rc == API_OK && strcmp(word, "retry") == 0) {
		*retry = 1;
		rc = req_fail(r, API_EINTERNAL, "user changed concurrently");
	}
	free(key);
	free(oldk);
	free(newk);
	free(rec);
	return rc;
}

enum api_err
ustore_delete(struct store *st, struct req *r, const char *id)
{
	char *key = xasprintf("user:%s", id);
	char *tasks = xasprintf("user:%s:tasks", id);
	const char *argv[] = { key, EMAIL_INDEX, tasks, id };
	char word[16];
	enum api_err rc;

	rc = store_eval_word(st, &delete_script, 3, 4, argv, word, sizeof(word),
	    r->detail, sizeof(r->detail));
	if (rc == API_OK && strcmp(word, "notfound") == 0)
		rc = req_fail(r, API_ENOTFOUND, "user not found");
	free(key);
	free(tasks);
	return rc;
}
