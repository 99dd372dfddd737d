#include "user_store.h"

#include <stdlib.h>
#include <string.h>

#include "tokens.h"
#include "xmalloc.h"

#define EMAIL_INDEX "users:by_email"

static int
decode(void *dst, const char *id, const char *raw)
{
	return user_from_record(dst, id, raw);
}

const struct record_kind user_record = { "user:", "user",
    sizeof(struct user), decode };

static const struct store_word words[] = {
	{ "notfound", API_ENOTFOUND, "user not found" },
	{ "conflict", API_ECONFLICT, "email: already used by another user" },
	{ "malformed", API_EBADGATEWAY, "Redis: the user's record is malformed" },
	{ NULL, API_OK, NULL },
};

/*
 * An index entry whose user is gone (the seed's services delete users
 * without knowing the index) does not block the e-mail.
 */
static struct store_script create_script = { .writes = 1, .words = words,
    .src =
    "local owner = redis.call('HGET', KEYS[2], ARGV[1])\n"
    "if owner and redis.call('EXISTS', 'user:' .. owner) == 1 then\n"
    "  return 'conflict'\n"
    "end\n"
    "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
    "redis.call('SET', KEYS[1], ARGV[3])\n"
    "if KEYS[3] then\n"
    "  redis.call('SET', KEYS[3], ARGV[4])\n"
    "  redis.call('HSET', KEYS[4], ARGV[5], ARGV[6])\n"
    "end\n"
    "return 'ok'\n" };

/*
 * KEYS = user:<id>, the e-mail index; ARGV = the fields to set (a JSON
 * object), the id.  E-mails are compared in ASCII lowercase, as
 * user_email_key() does.
 */
static struct store_script update_script = { .writes = 1, .words = words,
    .src =
    RECORD_LUA_READ
    "if not ok or type(rec) ~= 'table' or type(rec.email) ~= 'string' or\n"
    "    type(rec.name) ~= 'string' or type(rec.createdAt) ~= 'string' then\n"
    "  return 'malformed'\n"
    "end\n"
    "local old = string.lower(rec.email)\n"
    "for k, v in pairs(cjson.decode(ARGV[1])) do rec[k] = v end\n"
    "local new = string.lower(rec.email)\n"
    "local owner = redis.call('HGET', KEYS[2], new)\n"
    "if owner and owner ~= ARGV[2] and\n"
    "    redis.call('EXISTS', 'user:' .. owner) == 1 then\n"
    "  return 'conflict'\n"
    "end\n"
    "if old ~= new and redis.call('HGET', KEYS[2], old) == ARGV[2] then\n"
    "  redis.call('HDEL', KEYS[2], old)\n"
    "end\n"
    "redis.call('HSET', KEYS[2], new, ARGV[2])\n"
    "local out = cjson.encode(rec)\n"
    "redis.call('SET', KEYS[1], out)\n"
    "return {'ok', out}\n" };

static struct store_script delete_script = { .writes = 1, .words = words,
    .src =
    RECORD_LUA_READ
    "if ok and type(rec) == 'table' and type(rec.email) == 'string' then\n"
    "  local e = string.lower(rec.email)\n"
    "  if redis.call('HGET', KEYS[2], e) == ARGV[1] then\n"
    "    redis.call('HDEL', KEYS[2], e)\n"
    "  end\n"
    "end\n"
    "for _, t in ipairs(redis.call('SMEMBERS', KEYS[3])) do\n"
    "  redis.call('DEL', 'task:' .. t)\n"
    "end\n"
    "for _, h in ipairs(redis.call('HVALS', KEYS[4])) do\n"
    "  redis.call('DEL', 'token:' .. h)\n"
    "end\n"
    "redis.call('DEL', KEYS[3], KEYS[4], KEYS[1])\n"
    "return 'ok'\n" };

enum api_err
ustore_create(struct store *st, const struct user *u,
    const struct auth_token *tok)
{
	char *key = record_key(&user_record, u->id);
	char *email = user_email_key(u->email);
	char *rec = user_to_record(u);
	char *tkey = tok ? auth_token_key(tok->hash) : NULL;
	char *tindex = tok ? tokens_index_key(u->id) : NULL;
	const char *argv[] = { key, EMAIL_INDEX, tkey, tindex, email, u->id, rec,
	    tok ? tok->record : NULL, tok ? tok->id : NULL,
	    tok ? tok->hash : NULL };
	enum api_err rc;

	if (tok != NULL)
		rc = store_run(st, &create_script, 4, 10, argv, NULL);
	else {
		const char *plain[] = { key, EMAIL_INDEX, email, u->id, rec };

		rc = store_run(st, &create_script, 2, 5, plain, NULL);
	}
	free(key);
	free(email);
	free(rec);
	free(tkey);
	free(tindex);
	return rc;
}

enum api_err
ustore_update(struct store *st, const char *id, const struct field_value *v,
    struct user *u)
{
	char *key = record_key(&user_record, id);
	char *changes = record_changes(user_fields, v, USER_NFIELDS);
	const char *argv[] = { key, EMAIL_INDEX, changes, id };
	enum api_err rc;

	rc = record_run(st, &user_record, &update_script, 2, 4, argv, id, u);
	free(changes);
	free(key);
	return rc;
}

enum api_err
ustore_delete(struct store *st, const char *id)
{
	char *key = record_key(&user_record, id);
	char *tasks = xasprintf("user:%s:tasks", id);
	char *tokens = tokens_index_key(id);
	const char *argv[] = { key, EMAIL_INDEX, tasks, tokens, id };
	enum api_err rc;

	rc = store_run(st, &delete_script, 4, 5, argv, NULL);
	free(key);
	free(tasks);
	free(tokens);
	return rc;
}
