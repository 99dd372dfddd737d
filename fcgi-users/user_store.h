/*
 * user_store: the users' Redis key schema.
 *
 *   user:<id>          JSON record (the seed's key and shape)
 *   users:by_email     HASH lowercase e-mail -> id (an addition: uniqueness)
 *   user:<id>:tasks    SET of task ids (the task service writes it; deleting
 *                      a user deletes it and every task:<id> it names)
 *
 * Every write is one Lua script, so a record and its index entries change
 * together or not at all.
 */
#ifndef USER_STORE_H
#define USER_STORE_H

#include "req.h"
#include "store.h"
#include "user.h"

/* Stores a new user; API_ECONFLICT when its e-mail is taken. */
enum api_err ustore_create(struct store *st, struct req *r,
    const struct user *u);
/*
 * Reads user id into u (released by the caller) and, when raw is not NULL,
 * its stored record (caller frees).  API_ENOTFOUND when absent.
 */
enum api_err ustore_get(struct store *st, struct req *r, const char *id,
    struct user *u, char **raw);
/* ustore_get() in two halves (store_send()): the read goes out at once. */
void ustore_get_send(struct store *st, const char *id);
enum api_err ustore_get_recv(struct store *st, struct req *r, const char *id,
    struct user *u, char **raw);
/*
 * Replaces the record of u->id by u if it still equals old_raw (written by
 * ustore_get).  Returns API_OK, API_ENOTFOUND, API_ECONFLICT (e-mail taken)
 * or, when the record changed meanwhile, API_EINTERNAL with *retry set.
 */
enum api_err ustore_replace(struct store *st, struct req *r,
    const struct user *u, const char *old_raw, const char *old_email,
    int *retry);
/* Deletes the user, its e-mail entry, its tasks and their index. */
enum api_err ustore_delete(struct store *st, struct req *r, const char *id);

#endif
