/*
 * Fuzz target: records read back from Redis (which the seed's services, or
 * anyone with access, may have written): user and task decoding, timestamps.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "timefmt.h"
#include "user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct task t;
	struct user u;
	int64_t us;

	memcpy(s, data, size);
	s[size] = '\0';
	if (task_from_record(&t, "id", s) == 0)
		json_object_put(task_to_json(&t));
	task_release(&t);
	if (user_from_record(&u, "id", s) == 0)
		json_object_put(user_to_json(&u));
	user_release(&u);
	(void)ts_parse(s, &us);
	free(s);
	return 0;
}
