/*
 * tokens: a user's API tokens (the routes /users/{id}/tokens...), and the
 * token a sign-up answers with.
 *
 * Stored as
 *   token:<sha256 hex>   JSON {"id", "owner", "name", "scope", "createdAt",
 *                        "expiresAt", "lastUsedAt"} (lib/auth.c reads it)
 *   user:<id>:tokens     HASH token id -> sha256 hex: the user's tokens
 * changed together by the Lua scripts here and in user_store.c (a user's
 * delete removes them).  The secret itself is never stored.
 */
#ifndef USERS_TOKENS_H
#define USERS_TOKENS_H

#include "auth.h"
#include "req.h"
#include "store.h"
#include "validate.h"

#define TOKEN_DAYS_DEFAULT 90

enum { TOKEN_F_NAME, TOKEN_F_SCOPE, TOKEN_F_DAYS, TOKEN_NFIELDS };
extern const struct field_spec token_fields[TOKEN_NFIELDS];

/* "user:<id>:tokens"; caller frees. */
char *tokens_index_key(const char *user_id);

/* A TokenResponse of a minted token, with its secret under "token". */
struct json_object *tokens_minted_json(const struct auth_token *t,
    const char *name, int read_only, int64_t now, long days);

enum api_err tokens_create(struct req *r, void *ctx);
enum api_err tokens_list(struct req *r, void *ctx);
enum api_err tokens_delete(struct req *r, void *ctx);

#endif
