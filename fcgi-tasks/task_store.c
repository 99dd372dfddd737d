#include "task_store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "log.h"
#include "timefmt.h"
#include "xmalloc.h"

static int
decode(void *dst, const char *id, const char *raw)
{
	return task_from_record(dst, id, raw);
}

const struct record_kind task_record = { "task:", "task",
    sizeof(struct task), decode };

static const struct store_word words[] = {
	{ "notfound", API_ENOTFOUND, "task not found" },
	{ "nouser", API_EINVALID, "userId: no such user" },
	{ "malformed", API_EBADGATEWAY, "Redis: the task's record is malformed" },
	{ "unauth", API_EUNAUTH, "invalid token: unknown, revoked or expired" },
	{ "forbidden", API_EFORBIDDEN, "insufficient scope: a read token may "
	    "only GET and HEAD" },
	{ NULL, API_OK, NULL },
};

/*
 * KEYS = task:<id>, user:<uid>, user:<uid>:tasks; ARGV = the record, the
 * id, who may write (auth_owner_filter()), now and stale
 * (auth_lua_times()), uid.
 */
static struct store_script create_script = { .writes = 1, .words = words,
    .src =
    AUTH_LUA_CALLER
    "local owner, refusal = caller(ARGV[3], ARGV[4], ARGV[5])\n"
    "if not owner then return refusal end\n"
    "if owner ~= '' and owner ~= ARGV[6] then return 'nouser' end\n"
    "if redis.call('EXISTS', KEYS[2]) == 0 then return 'nouser' end\n"
    "redis.call('SET', KEYS[1], ARGV[1])\n"
    "redis.call('SADD', KEYS[3], ARGV[2])\n"
    "return 'ok'\n" };

/*
 * KEYS[1] = task:<id>; ARGV[1] = now in microseconds, ARGV[2] = the fields
 * to set (a JSON object), ARGV[3..5] = who may write (auth_owner_filter()),
 * now and stale (auth_lua_times()): a task of another owner is 'notfound'.  Timestamps are read in any form ts_parse() reads
 * (the seed's, RFC 3339, an offset) and written in the seed's.  The
 * arithmetic is exact: microseconds since 1970 stay far below 2^53.
 */
static struct store_script update_script = { .writes = 1, .words = words,
    .src =
    "local function days(y, m, d)\n"
    "  if m <= 2 then y = y - 1 end\n"
    "  local era = math.floor(y / 400)\n"
    "  local yoe = y - era * 400\n"
    "  local doy = math.floor((153 * ((m + 9) % 12) + 2) / 5) + d - 1\n"
    "  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100)"
    " + doy\n"
    "  return era * 146097 + doe - 719468\n"
    "end\n"
    "local function civil(z)\n"
    "  z = z + 719468\n"
    "  local era = math.floor(z / 146097)\n"
    "  local doe = z - era * 146097\n"
    "  local yoe = math.floor((doe - math.floor(doe / 1460) +\n"
    "    math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)\n"
    "  local doy = doe - (365 * yoe + math.floor(yoe / 4) -"
    " math.floor(yoe / 100))\n"
    "  local mp = math.floor((5 * doy + 2) / 153)\n"
    "  local d = doy - math.floor((153 * mp + 2) / 5) + 1\n"
    "  local m = mp < 10 and mp + 3 or mp - 9\n"
    "  local y = yoe + era * 400\n"
    "  if m <= 2 then y = y + 1 end\n"
    "  return y, m, d\n"
    "end\n"
    "local function us(ts)\n"
    "  if type(ts) ~= 'string' then return nil end\n"
    "  local y, mo, d, h, mi, s, rest = string.match(ts,\n"
    "    '^(%d%d%d%d)%-(%d%d)%-(%d%d)[ T](%d%d):(%d%d):(%d%d)(.*)$')\n"
    "  if not y then return nil end\n"
    "  local frac, tz = string.match(rest, '^%.(%d+)(.*)$')\n"
    "  if frac then\n"
    "    if #frac > 6 then return nil end\n"
    "    frac = tonumber(frac .. string.rep('0', 6 - #frac))\n"
    "  else\n"
    "    frac, tz = 0, rest\n"
    "  end\n"
    "  local off = 0\n"
    "  if tz ~= 'Z' then\n"
    "    local sign, oh, om = string.match(tz, '^([+-])(%d%d):(%d%d)$')\n"
    "    if not sign then return nil end\n"
    "    off = (tonumber(oh) * 60 + tonumber(om)) * 60\n"
    "    if sign == '-' then off = -off end\n"
    "  end\n"
    "  local secs = days(tonumber(y), tonumber(mo), tonumber(d)) * 86400 +\n"
    "    tonumber(h) * 3600 + tonumber(mi) * 60 + tonumber(s) - off\n"
    "  return secs * 1000000 + frac\n"
    "end\n"
    "local function seed(t)\n"
    "  local secs = math.floor(t / 1000000)\n"
    "  local day = math.floor(secs / 86400)\n"
    "  local rem = secs - day * 86400\n"
    "  local y, m, d = civil(day)\n"
    "  return string.format('%04d-%02d-%02d %02d:%02d:%02d.%06d+00:00',\n"
    "    y, m, d, math.floor(rem / 3600), math.floor(rem % 3600 / 60),\n"
    "    rem % 60, t - secs * 1000000)\n"
    "end\n"
    AUTH_LUA_CALLER
    "local owner, refusal = caller(ARGV[3], ARGV[4], ARGV[5])\n"
    "if not owner then return refusal end\n"
    RECORD_LUA_READ
    "if not ok or type(rec) ~= 'table' or type(rec.userId) ~= 'string' or\n"
    "    type(rec.title) ~= 'string' then\n"
    "  return 'malformed'\n"
    "end\n"
    "if owner ~= '' and string.lower(rec.userId) ~= owner then\n"
    "  return 'notfound'\n"
    "end\n"
    "local last = us(rec.updatedAt) or us(rec.createdAt)\n"
    "if not last then return 'malformed' end\n"
    "local now = tonumber(ARGV[1])\n"
    "if now <= last then now = last + 1 end\n"
    "for k, v in pairs(cjson.decode(ARGV[2])) do rec[k] = v end\n"
    "rec.updatedAt = seed(now)\n"
    "local out = cjson.encode(rec)\n"
    "redis.call('SET', KEYS[1], out)\n"
    "return {'ok', out}\n" };

/*
 * KEYS[1] = task:<id>; ARGV = the id, who may delete, now and stale (as
 * for the update).  Answers 'ok' with the task's user.
 */
static struct store_script delete_script = { .writes = 1, .words = words,
    .src =
    AUTH_LUA_CALLER
    "local who, refusal = caller(ARGV[2], ARGV[3], ARGV[4])\n"
    "if not who then return refusal end\n"
    RECORD_LUA_READ
    "local owner = ok and type(rec) == 'table' and rec.userId\n"
    "if who ~= '' and (type(owner) ~= 'string' or\n"
    "    string.lower(owner) ~= who) then\n"
    "  return 'notfound'\n"
    "end\n"
    "redis.call('DEL', KEYS[1])\n"
    "if type(owner) == 'string' then\n"
    "  redis.call('SREM', 'user:' .. owner .. ':tasks', ARGV[1])\n"
    "  return {'ok', owner}\n"
    "end\n"
    "return 'ok'\n" };

enum api_err
tstore_create(struct store *st, const struct task *t, const char *owner)
{
	char *key = record_key(&task_record, t->id);
	char *user = xasprintf("user:%s", t->user_id);
	char *index = xasprintf("user:%s:tasks", t->user_id);
	char *rec = task_to_record(t);
	char now[64], stale[64];
	const char *argv[] = { key, user, index, rec, t->id, owner, now, stale,
	    t->user_id };
	enum api_err rc;

	auth_lua_times(ts_now(), now, stale);
	rc = store_run(st, &create_script, 3, 9, argv, NULL);
	free(key);
	free(user);
	free(index);
	free(rec);
	return rc;
}

enum api_err
tstore_update(struct store *st, const char *id, const char *owner,
    const struct field_value *v, int64_t now, struct task *t)
{
	char *key = record_key(&task_record, id);
	char *changes = record_changes(task_fields, v, TASK_NUPDATE);
	char stamp[24], now_s[64], stale[64];
	const char *argv[] = { key, stamp, changes, owner, now_s, stale };
	enum api_err rc;

	snprintf(stamp, sizeof(stamp), "%" PRId64, now);
	auth_lua_times(ts_now(), now_s, stale);
	rc = record_run(st, &task_record, &update_script, 1, 6, argv, id, t);
	free(changes);
	free(key);
	return rc;
}

enum api_err
tstore_delete(struct store *st, const char *id, const char *owner,
    char **user_id)
{
	char *key = record_key(&task_record, id);
	char now[64], stale[64];
	const char *argv[] = { key, id, owner, now, stale };
	enum api_err rc;

	auth_lua_times(ts_now(), now, stale);
	rc = store_run(st, &delete_script, 1, 5, argv, user_id);
	free(key);
	return rc;
}

enum api_err
tstore_list(struct store *st, const char *user_id, struct task **tasks,
    size_t *n)
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
	rc = store_cmd(st, 8, argv, NULL, &rep);
	if (rc == API_OK && rep->type != REDIS_REPLY_ARRAY)
		rc = store_fail(st, API_EBADGATEWAY, "Redis: unexpected reply");
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
			log_warnx("skipping malformed record task:%s", id->str);
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
