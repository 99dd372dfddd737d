/*
 * task_store: the tasks' Redis key schema.
 *
 *   task:<id>          JSON record (the seed's key and shape, plus updatedAt)
 *   user:<id>:tasks    SET of the user's task ids (the seed's index)
 *
 * Every write is one Lua script: a record and its index entry change
 * together, and a task is only written while its user's record exists, so a
 * user deleted during a create leaves no task behind.
 */
#ifndef TASK_STORE_H
#define TASK_STORE_H

#include <stddef.h>

#include "req.h"
#include "store.h"
#include "task.h"

/* Stores a new task; API_EINVALID when its user does not exist. */
enum api_err tstore_create(struct store *st, struct req *r,
    const struct task *t);
/*
 * Reads task id into t (released by the caller) and, when raw is not NULL,
 * its stored record (caller frees).  API_ENOTFOUND when absent.
 */
enum api_err tstore_get(struct store *st, struct req *r, const char *id,
    struct task *t, char **raw);
/*
 * Writes t if its record still equals old_raw.  API_OK, API_ENOTFOUND, or
 * with *retry set when it changed meanwhile.
 */
enum api_err tstore_replace(struct store *st, struct req *r,
    const struct task *t, const char *old_raw, int *retry);
/* Deletes t and its index entry if its record still equals old_raw. */
enum api_err tstore_delete(struct store *st, struct req *r,
    const struct task *t, const char *old_raw, int *retry);
/*
 * All tasks of user_id, in one round trip, unordered.  *tasks is an array of
 * *n tasks to release with tstore_list_free().
 */
enum api_err tstore_list(struct store *st, struct req *r, const char *user_id,
    struct task **tasks, size_t *n);
void tstore_list_free(struct task *tasks, size_t n);

#endif
