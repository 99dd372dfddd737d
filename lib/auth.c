#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonx.h"
#include "timefmt.h"
#include "xmalloc.h"

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

enum auth_cred
auth_parse_header(const char *h, const char **tok, size_t *len)
{
	const char *end;

	*tok = NULL;
	*len = 0;
	if (h == NULL)
		return AUTH_CRED_NONE;
	while (blank(*h))
		h++;
	if (*h == '\0')
		return AUTH_CRED_NONE;
	if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != '\0' && !blank(h[6])))
		return AUTH_CRED_OTHER;
	h += 6;
	while (blank(*h))
		h++;
	end = h + strlen(h);
	while (end > h && blank(end[-1]))
		end--;
	*tok = h;
	*len = (size_t)(end - h);
	return AUTH_CRED_BEARER;
}

static int
may_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

enum auth_verdict
auth_decide(const struct auth *a, enum auth_who who, const struct caller *c,
    const char *method, const char *owner)
{
	if (a->mode == AUTH_MODE_OFF || who == WHO_ANYONE)
		return AUTH_ALLOW;
	if (c->kind == CALLER_NOBODY)
		return who == WHO_SIGNUP && a->signup_open ? AUTH_ALLOW :
		    AUTH_NEED_CREDENTIALS;
	if (c->pending)
		return AUTH_ALLOW;
	/* Scope first: a read token is refused a write on anything. */
	if (c->read_only && may_write(method))
		return AUTH_INSUFFICIENT;
	if (c->kind == CALLER_ADMIN || c->kind == CALLER_ANYONE)
		return AUTH_ALLOW;
	switch (who) {
	case WHO_SIGNUP:
		return a->signup_open ? AUTH_ALLOW : AUTH_INSUFFICIENT;
	case WHO_PATH_USER:
	case WHO_BODY_USER:
		return owner == NULL || auth_sees(c, owner) ? AUTH_ALLOW :
		    AUTH_HIDDEN;
	case WHO_CALLER:
	case WHO_ANYONE:
		break;
	}
	return AUTH_ALLOW;
}

int
auth_sees(const struct caller *c, const char *user_id)
{
	switch (c->kind) {
	case CALLER_ADMIN:
	case CALLER_ANYONE:
		return 1;
	case CALLER_USER:
		return !c->pending && user_id != NULL &&
		    strcasecmp(c->user, user_id) == 0;
	case CALLER_NOBODY:
		break;
	}
	return 0;
}

const char *
auth_owner_filter(const struct caller *c)
{
	if (c->kind != CALLER_USER)
		return "";
	return c->pending ? c->token_key : c->user;
}

void
auth_resolved(struct caller *c, const char *user_id)
{
	if (!c->pending)
		return;
	c->pending = 0;
	snprintf(c->user, sizeof(c->user), "%s", user_id);
}

void
auth_lua_times(int64_t now, char now_s[64], char stale_s[64])
{
	ts_format_rfc3339(now, now_s);
	ts_format_rfc3339(now - AUTH_TOUCH_EVERY_US, stale_s);
}

const char *
auth_caller_name(const struct caller *c)
{
	switch (c->kind) {
	case CALLER_USER:
		return c->pending ? "-" : c->user;
	case CALLER_ADMIN:
		return "admin";
	case CALLER_NOBODY:
	case CALLER_ANYONE:
		break;
	}
	return "-";
}

char *
auth_token_key(const char *hash)
{
	return xasprintf("token:%s", hash);
}

/*
 * The fields a request's check needs of a parsed token record: owner,
 * scope, expiresAt and lastUsedAt (absent or null: never used).  t is
 * zeroed first.  Returns 0, or -1 when one of them is malformed.
 */
static int
check_fields(struct json_object *o, struct auth_token_info *t)
{
	const char *owner = jsonx_get_str(o, "owner");
	const char *scope = jsonx_get_str(o, "scope");
	const char *expires = jsonx_get_str(o, "expiresAt");
	const char *used = jsonx_get_str(o, "lastUsedAt");

	memset(t, 0, sizeof(*t));
	t->last_used = -1;
	if (owner == NULL || !id_parse(owner, t->owner) || scope == NULL ||
	    (strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0) ||
	    expires == NULL || ts_parse(expires, &t->expires) != 0 ||
	    (used != NULL && ts_parse(used, &t->last_used) != 0))
		return -1;
	t->read_only = strcmp(scope, "read") == 0;
	return 0;
}

int
auth_token_decode(const char *raw, struct auth_token_info *t)
{
	struct json_object *o, *last = NULL;
	const char *id, *name, *created;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	t->last_used = -1;
	if ((o = jsonx_parse_record(raw, strlen(raw))) == NULL)
		return -1;
	id = jsonx_get_str(o, "id");
	name = jsonx_get_str(o, "name");
	created = jsonx_get_str(o, "createdAt");
	json_object_object_get_ex(o, "lastUsedAt", &last);
	/* A lastUsedAt that is there must be null or a time (the list's
	 * decode is the strict one). */
	if (check_fields(o, t) == 0 && id != NULL && name != NULL &&
	    id_parse(id, t->id) && created != NULL &&
	    ts_parse(created, &t->created) == 0 &&
	    (last == NULL || jsonx_get_str(o, "lastUsedAt") != NULL)) {
		t->name = xstrdup(name);
		rc = 0;
	}
	json_object_put(o);
	return rc;
}

void
auth_token_info_release(struct auth_token_info *t)
{
	free(t->name);
	t->name = NULL;
}

int
auth_token_mint(struct auth_token *t, const char *owner, const char *name,
    int read_only, int64_t now, long days)
{
	struct json_object *o;
	char ts[TS_BUFSZ];

	memset(t, 0, sizeof(*t));
	if (token_new(t->secret) == -1)
		return -1;
	token_hash(t->secret, strlen(t->secret), t->hash);
	id_new(t->id);
	o = json_object_new_object();
	jsonx_add_str(o, "id", t->id);
	jsonx_add_str(o, "owner", owner);
	jsonx_add_str(o, "name", name);
	jsonx_add_str(o, "scope", read_only ? "read" : "write");
	ts_format_rfc3339(now, ts);
	jsonx_add_str(o, "createdAt", ts);
	ts_format_rfc3339(now + (int64_t)days * 86400 * 1000000, ts);
	jsonx_add_str(o, "expiresAt", ts);
	jsonx_add_str(o, "lastUsedAt", NULL);
	t->record = xstrdup(jsonx_serialize(o, NULL));
	json_object_put(o);
	return 0;
}

void
auth_token_release(struct auth_token *t)
{
	free(t->record);
	t->record = NULL;
	explicit_bzero(t->secret, sizeof(t->secret));
}

/*
 * Sets lastUsedAt to ARGV[1] unless the record has a later one (ARGV[2]
 * is the oldest value left alone), and only while the token exists: a
 * revoked token is not written back.
 */
static struct store_script touch_script = { .writes = 0, .words = NULL,
    .src =
    "local cur = redis.call('GET', KEYS[1])\n"
    "if not cur then return 'ok' end\n"
    "local ok, rec = pcall(cjson.decode, cur)\n"
    "if not ok or type(rec) ~= 'table' then return 'ok' end\n"
    "local last = rec.lastUsedAt\n"
    "if type(last) == 'string' and last >= ARGV[2] then return 'ok' end\n"
    "rec.lastUsedAt = ARGV[1]\n"
    "redis.call('SET', KEYS[1], cjson.encode(rec))\n"
    "return 'ok'\n" };

static void
touch(struct store *st, const char *key, int64_t now)
{
	char stamp[TS_BUFSZ], oldest[TS_BUFSZ];
	const char *argv[] = { key, stamp, oldest };

	ts_format_rfc3339(now, stamp);
	ts_format_rfc3339(now - AUTH_TOUCH_EVERY_US, oldest);
	/* A failure here costs the caller nothing: the next use tries again. */
	(void)store_run(st, &touch_script, 1, 3, argv, NULL);
}

/*
 * What a request's check needs of a token record (check_fields()), without
 * the rest auth_token_decode() copies.  Returns 0, or -1 when it is
 * malformed.
 */
static int
check_token(const char *raw, struct auth_token_info *t)
{
	struct json_object *o;
	int rc;

	memset(t, 0, sizeof(*t));
	if ((o = jsonx_parse_record(raw, strlen(raw))) == NULL)
		return -1;
	rc = check_fields(o, t);
	json_object_put(o);
	return rc;
}

static enum api_err
refuse(int *invalid, char *why, size_t whylen, const char *reason)
{
	*invalid = 1;
	snprintf(why, whylen, "invalid token: %s", reason);
	return API_EUNAUTH;
}

enum api_err
auth_identify(const struct auth *a, struct store *st, const char *hdr,
    int64_t now, int defer, const char *ahead_key, char **ahead_value,
    struct caller *c, int *invalid, char *why, size_t whylen)
{
	const char *argv[3] = { "MGET", NULL, ahead_key };
	struct auth_token_info info;
	char hash[TOKEN_HASH_HEX + 1];
	const char *tok;
	redisReply *rep = NULL;
	enum api_err rc;
	size_t len;
	char *key;

	memset(c, 0, sizeof(*c));
	*invalid = 0;
	if (ahead_value != NULL)
		*ahead_value = NULL;
	switch (auth_parse_header(hdr, &tok, &len)) {
	case AUTH_CRED_NONE:
		c->kind = CALLER_NOBODY;
		return API_OK;
	case AUTH_CRED_OTHER:
		snprintf(why, whylen, "authentication required: only the Bearer "
		    "scheme is accepted");
		return API_EUNAUTH;
	case AUTH_CRED_BEARER:
		break;
	}
	if (!token_is_wellformed(tok, len))
		return refuse(invalid, why, whylen, "not a token of this "
		    "server");
	token_hash(tok, len, hash);
	if (a->admin_hash[0] != '\0' && token_hash_equal(hash, a->admin_hash)) {
		c->kind = CALLER_ADMIN;
		return API_OK;
	}
	if (defer) {
		c->kind = CALLER_USER;
		c->pending = 1;
		snprintf(c->token_key, sizeof(c->token_key), "token:%s", hash);
		return API_OK;
	}
	key = auth_token_key(hash);
	argv[1] = key;
	rc = store_cmd(st, ahead_key != NULL ? 3 : 2, argv, NULL, &rep);
	if (rc == API_OK && (rep->type != REDIS_REPLY_ARRAY ||
	    rep->elements != (ahead_key != NULL ? 2u : 1u)))
		rc = store_fail(st, API_EBADGATEWAY, "Redis: unexpected MGET "
		    "reply");
	if (rc != API_OK)
		goto out;
	if (ahead_key != NULL && ahead_value != NULL &&
	    rep->element[1]->type == REDIS_REPLY_STRING)
		*ahead_value = xstrndup(rep->element[1]->str,
		    rep->element[1]->len);
	if (rep->element[0]->type != REDIS_REPLY_STRING) {
		rc = refuse(invalid, why, whylen, "unknown or revoked");
		goto out;
	}
	if (check_token(rep->element[0]->str, &info) == -1) {
		rc = store_fail(st, API_EBADGATEWAY, "Redis: a token record is "
		    "malformed");
		goto out;
	}
	if (now >= info.expires)
		rc = refuse(invalid, why, whylen, "expired");
	else {
		c->kind = CALLER_USER;
		c->read_only = info.read_only;
		memcpy(c->user, info.owner, sizeof(c->user));
		if (info.last_used < now - AUTH_TOUCH_EVERY_US)
			touch(st, key, now);
	}
out:
	if (rc != API_OK && ahead_value != NULL) {
		free(*ahead_value);
		*ahead_value = NULL;
	}
	freeReplyObject(rep);
	free(key);
	return rc;
}
