/*
 * task_store: the tasks' Redis key schema.
 *
 *   task:<id>          JSON record (the seed's key and shape, plus updatedAt)
 *   user:<id>:tasks    SET of the user's task ids (the seed's index)
 *
 * Every write is one Lua script, in one round trip: a record and its index
 * entry change together, a task is only written while its user's record
 * exists (a user deleted during a create leaves no task behind), and an
 * update merges its fields into the record as Redis holds it, so two
 * updates of different fields both survive without a retry.
 *
 * Each function returns API_OK or a failure whose reason the store keeps
 * (store_errstr()): API_ENOTFOUND "task not found", API_EINVALID for a
 * create whose user does not exist, API_EBADGATEWAY for a malformed
 * record, or Redis's own failures.
 */
#ifndef TASK_STORE_H
#define TASK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "store.h"
#include "task.h"

/* Tasks are read with record_get() and this (released by the caller). */
extern const struct record_kind task_record;

/* Stores a new task. */
enum api_err tstore_create(struct store *st, const struct task *t);
/*
 * Merges the present fields of v (task_fields[0..TASK_NUPDATE)) into task
 * id, with updatedAt = now, or one microsecond past the stored one when
 * the clock is behind it; reads the result into t (released by the caller).
 * Unless owner is "" (auth_owner_filter()), a task of another user is
 * API_ENOTFOUND, as one that does not exist.
 */
enum api_err tstore_update(struct store *st, const char *id,
    const char *owner, const struct field_value *v, int64_t now,
    struct task *t);
/* Deletes task id and its index entry; owner as for tstore_update(). */
enum api_err tstore_delete(struct store *st, const char *id,
    const char *owner);
/*
 * All tasks of user_id, in one round trip, unordered.  *tasks is an array of
 * *n tasks to release with tstore_list_free().
 */
enum api_err tstore_list(struct store *st, const char *user_id,
    struct task **tasks, size_t *n);
void tstore_list_free(struct task *tasks, size_t n);

#endif
