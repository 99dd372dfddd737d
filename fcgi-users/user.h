/*
 * user: the user resource, its field specs and its JSON forms.
 *
 * Stored as the seed stored it: user:<id> = {"name", "email", "createdAt"}
 * with createdAt in the seed's form; answered as UserResponse
 * {"id", "name", "email", "created_at"} with created_at in RFC 3339.
 */
#ifndef USER_H
#define USER_H

#include <stdint.h>
#include <json-c/json.h>

#include "ids.h"
#include "validate.h"

struct user {
	char id[ID_LEN + 1];
	char *name;
	char *email;
	int64_t created;    /* microseconds since the epoch */
};

enum { USER_F_NAME, USER_F_EMAIL, USER_NFIELDS };
extern const struct field_spec user_fields[USER_NFIELDS];

/* Decodes a stored record.  Returns 0, or -1 when it is malformed. */
int user_from_record(struct user *u, const char *id, const char *raw);
/* The storage JSON; caller frees. */
char *user_to_record(const struct user *u);
/* The UserResponse object. */
struct json_object *user_to_json(const struct user *u);
/* Replaces name and/or email with the validated values that are present. */
void user_apply(struct user *u, const struct field_value *v);
void user_release(struct user *u);

/* The e-mail in the form used for uniqueness: ASCII lowercase; caller frees. */
char *user_email_key(const char *email);

#endif
