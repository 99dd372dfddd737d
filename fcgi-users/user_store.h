/*
 * user_store: the users' Redis key schema.
 *
 *   user:<id>          JSON record (the seed's key and shape)
 *   users:by_email     HASH lowercase e-mail -> id (an addition: uniqueness)
 *   user:<id>:tasks    SET of task ids (the task service writes it; deleting
 *                      a user deletes it and every task:<id> it names)
 *   user:<id>:tokens   the user's tokens (tokens.h); deleting a user
 *                      deletes it and every token:<hash> it names
 *
 * Every write is one Lua script, so a record and its index entries change
 * together or not at all; an update merges its fields into the record as
 * Redis holds it, in one round trip.  Each function returns API_OK or a
 * failure whose reason the store keeps (store_errstr()): API_ENOTFOUND
 * "user not found", API_ECONFLICT for an e-mail another user has,
 * API_EBADGATEWAY for a malformed record, or Redis's own failures.
 */
#ifndef USER_STORE_H
#define USER_STORE_H

#include "auth.h"
#include "record.h"
#include "store.h"
#include "user.h"

/* Users are read with record_get() and this (released by the caller). */
extern const struct record_kind user_record;

/* Stores a new user, and tok, its first token, when not NULL. */
enum api_err ustore_create(struct store *st, const struct user *u,
    const struct auth_token *tok);
/*
 * Merges the present fields of v (user_fields) into user id and reads the
 * result into u (released by the caller, whatever the result).
 */
enum api_err ustore_update(struct store *st, const char *id,
    const struct field_value *v, struct user *u);
/*
 * Deletes the user, its e-mail entry, its tasks and their index, its tokens
 * and theirs.
 */
enum api_err ustore_delete(struct store *st, const char *id);

#endif
