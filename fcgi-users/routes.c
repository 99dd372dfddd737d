/* The map of the user service: one line per endpoint. */
#include "handlers.h"

#include "user.h"

#define WHOLE   ROUTE_BODY, user_fields, USER_NFIELDS
#define MERGE   ROUTE_BODY | ROUTE_PARTIAL, user_fields, USER_NFIELDS

static const struct route users_routes[] = {
	{ "GET",    "/health",            service_health, 0, NULL, 0 },
	{ "POST",   "/users",             users_create,   WHOLE },
	{ "GET",    "/users/{id}",        users_get,      0, NULL, 0 },
	{ "PUT",    "/users/{id}",        users_update,   WHOLE },
	{ "PATCH",  "/users/{id}",        users_update,   MERGE },
	{ "DELETE", "/users/{id}",        users_delete,   0, NULL, 0 },
	{ "GET",    "/users/{id}/tasks",  users_tasks,    ROUTE_PEER, NULL, 0 },
};

const struct service_def users_service = {
	.name = "users",
	.peer_env = "TASK_BASE",
	.peer_default = "http://127.0.0.1:8002",
	.peer_name = "task service",
	.routes = users_routes,
	.nroutes = sizeof(users_routes) / sizeof(users_routes[0]),
};
