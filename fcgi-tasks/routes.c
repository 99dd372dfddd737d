/* The map of the task service: one line per endpoint. */
#include "handlers.h"

#include "task.h"
#include "task_store.h"

/* PUT and PATCH are both a shallow merge (the contract). */
/* The writes check a user's token in their scripts (ROUTE_SCRIPT_AUTH). */
#define CREATE  ROUTE_BODY | ROUTE_PEER | ROUTE_SCRIPT_AUTH, task_fields, \
                TASK_NFIELDS
#define MERGE   ROUTE_BODY | ROUTE_PARTIAL | ROUTE_SCRIPT_AUTH, task_fields, \
                TASK_NUPDATE

#define NOBODY  0, NULL, 0
/* The user userId names, or the admin; another user's is 422 "userId: no
 * such user", as for a user that does not exist. */
#define OWNER   .who = WHO_BODY_USER, .owner_noun = "user", \
                .owner_field = TASK_F_USERID

/* Any caller with credentials: what the handler serves is narrowed. */
#define CALLER  .who = WHO_CALLER

/*
 * The CALLER routes take any caller with credentials and serve
 * what that caller owns: the list and the task read (auth_sees()), the
 * update and delete (a script that finds another owner answers 404).
 */
static const struct route tasks_routes[] = {
	{ "GET",    "/health",      service_health, NOBODY, .who = WHO_ANYONE },
	{ "POST",   "/tasks",       tasks_create,   CREATE, OWNER },
	{ "GET",    "/tasks",       tasks_list,     NOBODY, CALLER },
	{ "GET",    "/tasks/{id}",  tasks_get,      NOBODY, CALLER,
	    .ahead = &task_record },
	{ "PUT",    "/tasks/{id}",  tasks_update,   MERGE, CALLER },
	{ "PATCH",  "/tasks/{id}",  tasks_update,   MERGE, CALLER },
	{ "DELETE", "/tasks/{id}",  tasks_delete,   ROUTE_SCRIPT_AUTH, NULL, 0,
	    CALLER },
};

const struct service_def tasks_service = {
	.name = "tasks",
	.peer_env = "USER_SERVICE_BASE",
	.peer_default = "http://127.0.0.1:8005",
	.peer_name = "user service",
	.routes = tasks_routes,
	.nroutes = sizeof(tasks_routes) / sizeof(tasks_routes[0]),
};
