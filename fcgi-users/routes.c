/* The map of the user service: one line per endpoint. */
#include "handlers.h"

static const struct route users_routes[] = {
	{ "GET",    "/health",            service_health, 0 },
	{ "POST",   "/users",             users_create,   ROUTE_BODY },
	{ "GET",    "/users/{id}",        users_get,      0 },
	{ "PUT",    "/users/{id}",        users_replace,  ROUTE_BODY },
	{ "PATCH",  "/users/{id}",        users_patch,    ROUTE_BODY },
	{ "DELETE", "/users/{id}",        users_delete,   0 },
	{ "GET",    "/users/{id}/tasks",  users_tasks,    0 },
};

const struct service_def users_service = {
	.name = "users",
	.peer_env = "TASK_BASE",
	.peer_default = "http://127.0.0.1:8002",
	.peer_name = "task service",
	.routes = users_routes,
	.nroutes = sizeof(users_routes) / sizeof(users_routes[0]),
};
