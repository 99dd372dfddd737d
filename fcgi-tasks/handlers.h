/* The task service's handlers; the routes table in routes.c maps them. */
#ifndef TASKS_HANDLERS_H
#define TASKS_HANDLERS_H

#include "router.h"
#include "service.h"

extern const struct service_def tasks_service;

enum api_err tasks_create(struct req *r, void *ctx);
enum api_err tasks_get(struct req *r, void *ctx);
enum api_err tasks_list(struct req *r, void *ctx);
enum api_err tasks_update(struct req *r, void *ctx);
enum api_err tasks_delete(struct req *r, void *ctx);

#endif
