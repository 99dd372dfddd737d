/* The map of the task service: one line per endpoint. */
#include "handlers.h"

static const struct route tasks_routes[] = {
	{ "GET",    "/health",      service_health, 0 },
	{ "POST",   "/tasks",       tasks_create,   ROUTE_BODY },
	{ "GET",    "/tasks",       tasks_list,     0 },
	{ "GET",    "/tasks/{id}",  tasks_get,      0 },
	{ "PUT",    "/tasks/{id}",  tasks_update,   ROUTE_BODY },
	{ "PATCH",  "/tasks/{id}",  tasks_update,   ROUTE_BODY },
	{ "DELETE", "/tasks/{id}",  tasks_delete,   0 },
};

const struct service_def tasks_service = {
	.name = "tasks",
	.peer_env = "USER_SERVICE_BASE",
	.peer_default = "http://127.0.0.1:8005",
	.peer_name = "user service",
	.routes = tasks_routes,
	.nroutes = sizeof(tasks_routes) / sizeof(tasks_routes[0]),
};
