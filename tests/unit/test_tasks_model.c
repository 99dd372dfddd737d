/* The task model: records of the seed and ours, ordering. */
#include "unit.h"

#include <stdlib.h>

#include "jsonx.h"
#include "task.h"

int
main(void)
{
	struct task t, u;
	struct json_object *o;
	char *rec;

	TEST("a seed record (no updatedAt, Python timestamp) is read");
	CHECK(task_from_record(&t, "id1", "{\"userId\":\"u\",\"title\":\"T\","
	    "\"description\":null,\"status\":\"completed\","
	    "\"createdAt\":\"2026-11-28 04:05:06.123456+00:00\"}") == 0);
	CHECK(t.description == NULL);
	CHECK(t.updated == t.created);
	o = task_to_json(&t);
	CHECK_STR(jsonx_get_str(o, "created_at"), "2026-11-28T04:05:06.123456Z");
	CHECK_STR(jsonx_get_str(o, "updated_at"), "2026-11-28T04:05:06.123456Z");
	CHECK_STR(jsonx_get_str(o, "userId"), "u");
	CHECK_STR(jsonx_get_str(o, "status"), "completed");
	json_object_put(o);

	TEST("our record round-trips");
	t.updated = t.created + 5;
	t.description = strdup("d");
	rec = task_to_record(&t);
	CHECK(task_from_record(&u, "id1", rec) == 0);
	CHECK(u.created == t.created && u.updated == t.updated);
	CHECK_STR(u.description, "d");
	CHECK_STR(u.title, "T");
	free(rec);
	task_release(&u);
	task_release(&t);

	TEST("malformed records are refused");
	CHECK(task_from_record(&t, "x", "[]") == -1);
	task_release(&t);
	CHECK(task_from_record(&t, "x", "{\"title\":\"T\"}") == -1);
	task_release(&t);
	CHECK(task_from_record(&t, "x", "{\"userId\":\"u\",\"title\":\"T\","
	    "\"status\":\"weird\",\"createdAt\":\"2026-11-28T04:05:06Z\"}") == -1);
	task_release(&t);
	CHECK(task_from_record(&t, "x", "{\"userId\":\"u\",\"title\":\"T\","
	    "\"description\":5,\"createdAt\":\"2026-11-28T04:05:06Z\"}") == -1);
	task_release(&t);

	TEST("ordering is by created_at, then id");
	memset(&t, 0, sizeof(t));
	memset(&u, 0, sizeof(u));
	t.created = 1;
	u.created = 2;
	CHECK(task_cmp(&t, &u) < 0 && task_cmp(&u, &t) > 0);
	u.created = 1;
	strcpy(t.id, "a");
	strcpy(u.id, "b");
	CHECK(task_cmp(&t, &u) < 0);

	UNIT_DONE();
}
