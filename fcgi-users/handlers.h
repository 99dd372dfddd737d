/* The user service's handlers; the routes table in routes.c maps them. */
#ifndef USERS_HANDLERS_H
#define USERS_HANDLERS_H

#include "router.h"
#include "service.h"

extern const struct service_def users_service;

enum api_err users_create(struct req *r, void *ctx);
enum api_err users_get(struct req *r, void *ctx);
enum api_err users_update(struct req *r, void *ctx);
enum api_err users_delete(struct req *r, void *ctx);
enum api_err users_tasks(struct req *r, void *ctx);

#endif
