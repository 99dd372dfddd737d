/* The map of the user service: one line per endpoint. */
#include "handlers.h"

#include "tokens.h"
#include "user.h"
#include "user_store.h"

#define WHOLE   ROUTE_BODY, user_fields, USER_NFIELDS
#define MERGE   ROUTE_BODY | ROUTE_PARTIAL, user_fields, USER_NFIELDS
#define NOBODY  0, NULL, 0
/* That user, or the admin; another user's is answered 404 "user not found". */
#define OWNER   .who = WHO_PATH_USER, .owner_noun = "user"
/* The user record the handler reads, read with the caller's token. */
#define AHEAD   .ahead = &user_record
#define TOKENS  ROUTE_TOKENS

static const struct route users_routes[] = {
	{ "GET",    "/health",            service_health, NOBODY, .who = WHO_ANYONE },
	{ "POST",   "/users",             users_create,   WHOLE, .who = WHO_SIGNUP },
	{ "GET",    "/users/{id}",        users_get,      NOBODY, OWNER, AHEAD },
	{ "PUT",    "/users/{id}",        users_update,   WHOLE, OWNER },
	{ "PATCH",  "/users/{id}",        users_update,   MERGE, OWNER },
	{ "DELETE", "/users/{id}",        users_delete,   NOBODY, OWNER },
	{ "GET",    "/users/{id}/tasks",  users_tasks,    ROUTE_PEER, NULL, 0, OWNER, AHEAD },
	{ "POST",   "/users/{id}/tokens", tokens_create,  ROUTE_BODY | TOKENS,
	    token_fields, TOKEN_NFIELDS, OWNER },
	{ "GET",    "/users/{id}/tokens", tokens_list,    TOKENS, NULL, 0, OWNER },
	{ "DELETE", "/users/{id}/tokens/{tokenId}", tokens_delete, TOKENS, NULL, 0,
	    OWNER },
};

const struct service_def users_service = {
	.name = "users",
	.peer_env = "TASK_BASE",
	.peer_default = "http://127.0.0.1:8002",
	.peer_name = "task service",
	.routes = users_routes,
	.nroutes = sizeof(users_routes) / sizeof(users_routes[0]),
};
