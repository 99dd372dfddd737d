#include "task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "timefmt.h"
#include "xmalloc.h"

const char *const task_statuses[] = { "pending", "in-progress", "completed",
	NULL };

const struct field_spec task_fields[TASK_NFIELDS] = {
	[TASK_F_TITLE] = { "title", FIELD_REQUIRED | FIELD_NOT_BLANK, 1, 200,
	    NULL },
	[TASK_F_DESCRIPTION] = { "description", FIELD_NULLABLE |
	    FIELD_MULTILINE, 0, 10000, NULL },
	[TASK_F_STATUS] = { "status", 0, 1, 32, task_statuses },
	[TASK_F_USERID] = { "userId", FIELD_REQUIRED, 1, 128, NULL },
};

static int
known_status(const char *s)
{
	for (const char *const *p = task_statuses; *p != NULL; p++)
		if (strcmp(*p, s) == 0)
			return 1;
	return 0;
}

int
task_from_record(struct task *t, const char *id, const char *raw)
{
	struct json_object *o, *d;
	const char *user, *title, *status, *created, *updated;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", id);
	if ((o = jsonx_parse_record(raw, strlen(raw))) == NULL)
		return -1;
	user = jsonx_get_str(o, "userId");
	title = jsonx_get_str(o, "title");
	status = jsonx_get_str(o, "status");
	created = jsonx_get_str(o, "createdAt");
	updated = jsonx_get_str(o, "updatedAt");
	if (status == NULL)
		status = "pending";
	if (user == NULL || title == NULL || created == NULL ||
	    !known_status(status) || ts_parse(created, &t->created) != 0)
		goto out;
	if (updated == NULL || ts_parse(updated, &t->updated) != 0)
		t->updated = t->created;
	if (json_object_object_get_ex(o, "description", &d) && d != NULL) {
		if (!json_object_is_type(d, json_type_string))
			goto out;
		t->description = xstrdup(json_object_get_string(d));
	}
	t->user_id = xstrdup(user);
	t->title = xstrdup(title);
	snprintf(t->status, sizeof(t->status), "%s", status);
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

char *
task_to_record(const struct task *t)
{
	struct json_object *o = json_object_new_object();
	char created[TS_BUFSZ], updated[TS_BUFSZ];
	char *s;

	ts_format_seed(t->created, created);
	ts_format_seed(t->updated, updated);
	jsonx_add_str(o, "userId", t->user_id);
	jsonx_add_str(o, "title", t->title);
	jsonx_add_str(o, "description", t->description);
	jsonx_add_str(o, "status", t->status);
	jsonx_add_str(o, "createdAt", created);
	jsonx_add_str(o, "updatedAt", updated);
	s = xstrdup(jsonx_serialize(o, NULL));
	json_object_put(o);
	return s;
}

struct json_object *
task_to_json(const struct task *t)
{
	struct json_object *o = json_object_new_object();
	char created[TS_BUFSZ], updated[TS_BUFSZ];

	ts_format_rfc3339(t->created, created);
	ts_format_rfc3339(t->updated, updated);
	jsonx_add_str(o, "id", t->id);
	jsonx_add_str(o, "userId", t->user_id);
	jsonx_add_str(o, "title", t->title);
	jsonx_add_str(o, "description", t->description);
	jsonx_add_str(o, "status", t->status);
	jsonx_add_str(o, "created_at", created);
	jsonx_add_str(o, "updated_at", updated);
	return o;
}

void
task_apply(struct task *t, const struct field_value *v)
{
	if (v[TASK_F_TITLE].present) {
		free(t->title);
		t->title = xstrdup(v[TASK_F_TITLE].str);
	}
	if (v[TASK_F_DESCRIPTION].present) {
		free(t->description);
		t->description = v[TASK_F_DESCRIPTION].str ?
		    xstrdup(v[TASK_F_DESCRIPTION].str) : NULL;
	}
	if (v[TASK_F_STATUS].present)
		snprintf(t->status, sizeof(t->status), "%s",
		    v[TASK_F_STATUS].str);
}

void
task_release(struct task *t)
{
	free(t->user_id);
	free(t->title);
	free(t->description);
	t->user_id = t->title = t->description = NULL;
}

int
task_cmp(const void *a, const void *b)
{
	const struct task *x = a, *y = b;

	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}
