/* The map of the task service: one line per endpoint. */
#include "handlers.h"

#include "task.h"

/* PUT and PATCH are both a shallow merge (the contract). */
#define CREATE  ROUTE_BODY | ROUTE_PEER, task_fields, TASK_NFIELDS
#define MERGE   ROUTE_BODY | ROUTE_PARTIAL, task_fields, TASK_NUPDATE

static const struct route tasks_routes[] = {
	{ "GET",    "/health",      service_health, 0, NULL, 0 },
	{ "POST",   "/tasks",       tasks_create,   CREATE },
	{ "GET",    "/tasks",       tasks_list,     0, NULL, 0 },
	{ "GET",    "/tasks/{id}",  tasks_get,      0, NULL, 0 },
	{ "PUT",    "/tasks/{id}",  tasks_update,   MERGE },
	{ "PATCH",  "/tasks/{id}",  tasks_update,   MERGE },
	{ "DELETE", "/tasks/{id}",  tasks_delete,   0, NULL, 0 },
};

const struct service_def tasks_service = {
	.name = "tasks",
	.peer_env = "USER_SERVICE_BASE",
	.peer_default = "http://127.0.0.1:8005",
	.peer_name = "user service",
	.routes = tasks_routes,
	.nroutes = sizeof(tasks_routes) / sizeof(tasks_routes[0]),
};
