/*
 * auth: who is calling, and what a route lets them do.
 *
 * With AUTH=token every route but the health checks asks for
 * `Authorization: Bearer <token>`.  The admin's token is known by its
 * SHA-256 alone (ADMIN_TOKEN_SHA256); a user's tokens are records in Redis,
 * token:<sha256 hex> = {"id", "owner", "name", "scope", "createdAt",
 * "expiresAt", "lastUsedAt"}, written by the user service.  The router
 * (router.c) calls auth_identify() and auth_decide() before any handler, in
 * the contract's order; handlers narrow what they read or write to what
 * the caller owns with auth_sees() and auth_owner_filter().
 *
 * Nothing here logs a token, its hash or the header.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "ids.h"
#include "store.h"
#include "token.h"

#define AUTH_REALM "Bearer realm=\"task-manager\""
/* A token's last use is written at most this often (microseconds). */
#define AUTH_TOUCH_EVERY_US (60 * 1000000LL)

enum auth_mode { AUTH_MODE_OFF, AUTH_MODE_TOKEN };

struct auth {
	enum auth_mode mode;
	int signup_open;
	char admin_hash[TOKEN_HASH_HEX + 1];   /* "" when there is no admin */
};

enum caller_kind {
	CALLER_NOBODY,   /* AUTH=token, no credentials (sign-up, health) */
	CALLER_USER,     /* a user's token */
	CALLER_ADMIN,    /* the admin's token */
	CALLER_ANYONE,   /* AUTH=off: everyone sees everything */
};

struct caller {
	enum caller_kind kind;
	int read_only;                 /* a `read` token */
	char user[ID_LEN + 1];         /* CALLER_USER: whose token */
	/*
	 * CALLER_USER whose token was not looked up yet (auth_identify()
	 * with defer): the write script checks it (AUTH_LUA_CALLER), in the
	 * round trip of the write.  user is "" and read_only 0 until then.
	 */
	int pending;
	char token_key[6 + TOKEN_HASH_HEX + 1];   /* "token:<hash>" */
};

/* What the Authorization header holds. */
enum auth_cred {
	AUTH_CRED_NONE,     /* no header, or an empty one */
	AUTH_CRED_OTHER,    /* a scheme other than Bearer */
	AUTH_CRED_BEARER,   /* Bearer and what follows it (maybe malformed) */
};

/*
 * Parses an Authorization header value (NULL for none).  For the Bearer
 * scheme (any case, RFC 7235) sets *tok and *len to its credentials,
 * surrounding blanks removed; they may be empty or hold blanks, which no
 * token does.
 */
enum auth_cred auth_parse_header(const char *h, const char **tok,
    size_t *len);

/* Who may call a route (the routes tables' `who` column). */
enum auth_who {
	WHO_CALLER,     /* anyone with valid credentials; the handler narrows
	                   what it serves to what the caller owns */
	WHO_ANYONE,     /* credentials are not looked at (health checks) */
	WHO_SIGNUP,     /* anyone while SIGNUP=open, else the admin */
	WHO_PATH_USER,  /* the user the path's first parameter names */
	WHO_BODY_USER,  /* the user a body field names (route's owner_field) */
};

/* The outcome of auth_decide(). */
enum auth_verdict {
	AUTH_ALLOW,
	AUTH_NEED_CREDENTIALS,   /* 401, no error attribute */
	AUTH_INSUFFICIENT,       /* 403, error="insufficient_scope" */
	AUTH_HIDDEN,             /* not the caller's: answered as missing */
};

/*
 * The policy, decided from the route's `who`, the caller, the method and
 * the owner the request names (NULL when the route names none, or not
 * yet: the body is checked between the two calls the router makes).
 * A pending caller is allowed: its write script decides.  Pure: no I/O.
 */
enum auth_verdict auth_decide(const struct auth *a, enum auth_who who,
    const struct caller *c, const char *method, const char *owner);

/*
 * Finds the caller of a request with Authorization header hdr.  Returns
 * API_OK with c filled (CALLER_NOBODY when there are no credentials), or
 * API_EUNAUTH with a reason in why and *invalid set when the credentials
 * are malformed, unknown, revoked or expired (error="invalid_token"), or
 * a store failure (its reason in the store).  A user's token is read with
 * MGET together with the key ahead_key when that is not NULL: its value
 * (NULL when missing) is left in *ahead_value (caller frees), so the
 * request's first read costs no second round trip.  With defer set, a
 * well-formed token that is not the admin's is not read at all: the
 * caller is left pending, for the request's write script to check.  A
 * token's lastUsedAt is written when it is older than AUTH_TOUCH_EVERY_US.
 */
enum api_err auth_identify(const struct auth *a, struct store *st,
    const char *hdr, int64_t now, int defer, const char *ahead_key,
    char **ahead_value, struct caller *c, int *invalid, char *why,
    size_t whylen);

/* 1 if the caller may see what user_id owns (never while pending). */
int auth_sees(const struct caller *c, const char *user_id);
/*
 * Who a write script must find as the owner of what it changes: "" when
 * the caller may change anyone's, the caller's user id, or for a pending
 * caller "token:<hash>", which the script reads with AUTH_LUA_CALLER.
 */
const char *auth_owner_filter(const struct caller *c);
/* Marks a pending caller as user_id, once its write script accepted it. */
void auth_resolved(struct caller *c, const char *user_id);

/*
 * The Lua of a write script that checks its caller:
 *   local owner, refusal = caller(ARGV[i], ARGV[now], ARGV[stale])
 * with ARGV[i] from auth_owner_filter() and the two times of
 * auth_lua_times().  owner is '' (anyone's), or the user id the record
 * must belong to; or owner is nil and refusal the status word to answer:
 * 'unauth' (no such token, or expired) or 'forbidden' (a read token).  A
 * token whose lastUsedAt is older than stale is stamped with now.
 */
#define AUTH_LUA_CALLER \
    "local function caller(who, now, stale)\n" \
    "  if string.sub(who, 1, 6) ~= 'token:' then return who end\n" \
    "  local raw = redis.call('GET', who)\n" \
    "  if not raw then return nil, 'unauth' end\n" \
    "  local ok, t = pcall(cjson.decode, raw)\n" \
    "  if not ok or type(t) ~= 'table' or type(t.owner) ~= 'string' or\n" \
    "      type(t.expiresAt) ~= 'string' then return nil, 'unauth' end\n" \
    "  if t.expiresAt <= now then return nil, 'unauth' end\n" \
    "  if t.scope ~= 'write' then return nil, 'forbidden' end\n" \
    "  if type(t.lastUsedAt) ~= 'string' or t.lastUsedAt < stale then\n" \
    "    t.lastUsedAt = now\n" \
    "    redis.call('SET', who, cjson.encode(t))\n" \
    "  end\n" \
    "  return string.lower(t.owner)\n" \
    "end\n"

/* now and now - AUTH_TOUCH_EVERY_US in the form token records use. */
void auth_lua_times(int64_t now, char now_s[64], char stale_s[64]);
/* The caller's name for logs: a user id, "admin", or "-". */
const char *auth_caller_name(const struct caller *c);

/* A user's token as minted: the secret (shown once), its hash and id. */
struct auth_token {
	char secret[TOKEN_LEN + 1];
	char hash[TOKEN_HASH_HEX + 1];
	char id[ID_LEN + 1];
	char *record;   /* the token:<hash> JSON; free with auth_token_release */
};

/*
 * Mints a token of owner named name, `read` or `write`, valid for days
 * days from now.  Returns 0, or -1 when no random bytes could be had.
 */
int auth_token_mint(struct auth_token *t, const char *owner, const char *name,
    int read_only, int64_t now, long days);
void auth_token_release(struct auth_token *t);

/* A token's record, decoded. */
struct auth_token_info {
	char id[ID_LEN + 1];
	char owner[ID_LEN + 1];
	char *name;
	int read_only;
	int64_t created, expires;
	int64_t last_used;   /* -1: never used */
};

/*
 * Decodes a token:<hash> record.  Returns 0, or -1 when it is malformed
 * (t is released then).  Release with auth_token_info_release().
 */
int auth_token_decode(const char *raw, struct auth_token_info *t);
void auth_token_info_release(struct auth_token_info *t);

/* "token:<hash>"; caller frees. */
char *auth_token_key(const char *hash);

#endif
