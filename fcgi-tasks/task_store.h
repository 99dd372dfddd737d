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

/*
 * Stores a new task, when owner (auth_owner_filter()) may write to its
 * user: API_EINVALID "no such user" if not, API_EUNAUTH or API_EFORBIDDEN
 * for a pending caller's token that is refused.
 */
enum api_err tstore_create(struct store *st, const struct task *t,
    const char *owner);
/*
 * Merges the present fields of v (task_fields[0..TASK_NUPDATE)) into task
 * id, with updatedAt = now, or one microsecond past the stored one when
 * the clock is behind it; reads the result into t (released by the caller).
 * Unless owner is "" (auth_owner_filter()), a task of another user is
 * API_ENOTFOUND, as one that does not exist; a pending caller's token is
 * checked in the same script (API_EUNAUTH, API_EFORBIDDEN).
 */
enum api_err tstore_update(struct store *st, const char *id,
    const char *owner, const struct field_value *v, int64_t now,
    struct task *t);
/*
 * Deletes task id and its index entry; owner as for tstore_update().  The
 * task's user in *user_id when not NULL (caller frees; NULL when the
 * record named none).
 */
enum api_err tstore_delete(struct store *st, const char *id,
    const char *owner, char **user_id);
/*
 * All tasks of user_id, in one round trip, unordered.  *tasks is an array of
 * *n tasks to release with tstore_list_free().
 */
enum api_err tstore_list(struct store *st, const char *user_id,
    struct task **tasks, size_t *n);
void tstore_list_free(struct task *tasks, size_t n);

#endif
