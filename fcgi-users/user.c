#include "user.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "timefmt.h"
#include "xmalloc.h"

const struct field_spec user_fields[USER_NFIELDS] = {
	[USER_F_NAME] = { "name", FIELD_REQUIRED | FIELD_NOT_BLANK, 1, 200,
	    NULL },
	[USER_F_EMAIL] = { "email", FIELD_REQUIRED | FIELD_EMAIL, 3, 254,
	    NULL },
};

int
user_from_record(struct user *u, const char *id, const char *raw)
{
	struct json_object *o;
	const char *name, *email, *created;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	snprintf(u->id, sizeof(u->id), "%s", id);
	if ((o = jsonx_parse_record(raw, strlen(raw))) == NULL)
		return -1;
	name = jsonx_get_str(o, "name");
	email = jsonx_get_str(o, "email");
	created = jsonx_get_str(o, "createdAt");
	if (name != NULL && email != NULL && created != NULL &&
	    ts_parse(created, &u->created) == 0) {
		u->name = xstrdup(name);
		u->email = xstrdup(email);
		rc = 0;
	}
	json_object_put(o);
	return rc;
}

char *
user_to_record(const struct user *u)
{
	struct json_object *o = json_object_new_object();
	char ts[TS_BUFSZ];
	char *s;

	ts_format_seed(u->created, ts);
	jsonx_add_str(o, "name", u->name);
	jsonx_add_str(o, "email", u->email);
	jsonx_add_str(o, "createdAt", ts);
	s = xstrdup(jsonx_serialize(o, NULL));
	json_object_put(o);
	return s;
}

struct json_object *
user_to_json(const struct user *u)
{
	struct json_object *o = json_object_new_object();
	char ts[TS_BUFSZ];

	ts_format_rfc3339(u->created, ts);
	jsonx_add_str(o, "id", u->id);
	jsonx_add_str(o, "name", u->name);
	jsonx_add_str(o, "email", u->email);
	jsonx_add_str(o, "created_at", ts);
	return o;
}

void
user_apply(struct user *u, const struct field_value *v)
{
	if (v[USER_F_NAME].present) {
		free(u->name);
		u->name = xstrdup(v[USER_F_NAME].str);
	}
	if (v[USER_F_EMAIL].present) {
		free(u->email);
		u->email = xstrdup(v[USER_F_EMAIL].str);
	}
}

void
user_release(struct user *u)
{
	free(u->name);
	free(u->email);
	u->name = u->email = NULL;
}

char *
user_email_key(const char *email)
{
	char *k = xstrdup(email);

	for (char *p = k; *p != '\0'; p++)
		if ((unsigned char)*p < 0x80)
			*p = (char)tolower((unsigned char)*p);
	return k;
}
