/*
 * task: the task resource, its field specs and its JSON forms.
 *
 * Stored as the seed stored it: task:<id> = {"userId", "title",
 * "description", "status", "createdAt"} plus "updatedAt" (an addition;
 * records without it were never updated and answer createdAt).  Answered as
 * TaskResponse with created_at and updated_at in RFC 3339.
 */
#ifndef TASK_H
#define TASK_H

#include <stdint.h>
#include <json-c/json.h>

#include "ids.h"
#include "validate.h"

struct task {
	char id[ID_LEN + 1];
	char *user_id;
	char *title;
	char *description;     /* NULL for null */
	char status[16];
	int64_t created;       /* microseconds since the epoch */
	int64_t updated;
};

/* The first TASK_NUPDATE fields are the ones PUT and PATCH may change. */
enum { TASK_F_TITLE, TASK_F_DESCRIPTION, TASK_F_STATUS, TASK_NUPDATE,
	TASK_F_USERID = TASK_NUPDATE, TASK_NFIELDS };
extern const struct field_spec task_fields[TASK_NFIELDS];
extern const char *const task_statuses[];

/* Decodes a stored record.  Returns 0, or -1 when it is malformed. */
int task_from_record(struct task *t, const char *id, const char *raw);
/* The storage JSON; caller frees. */
char *task_to_record(const struct task *t);
/* The TaskResponse object. */
struct json_object *task_to_json(const struct task *t);
/* Sets the validated fields among title, description and status. */
void task_apply(struct task *t, const struct field_value *v);
void task_release(struct task *t);
/* Orders by created_at, then id (qsort comparator over struct task). */
int task_cmp(const void *a, const void *b);

#endif
