/*
 * Fuzz target: a request body as the services see it, through JSON decoding
 * and validation against both services' field specs.
 */
#include <stddef.h>
#include <stdint.h>

#include "jsonx.h"
#include "task.h"
#include "user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *o;
	struct field_value v[TASK_NFIELDS + USER_NFIELDS];
	char why[512];

	(void)jsonx_is_strict((const char *)data, size);
	if (jsonx_parse_object((const char *)data, size, &o, why,
	    sizeof(why)) != API_OK)
		return 0;
	(void)validate_object(o, user_fields, USER_NFIELDS, 0, v, why,
	    sizeof(why));
	(void)validate_object(o, user_fields, USER_NFIELDS, 1, v, why,
	    sizeof(why));
	(void)validate_object(o, task_fields, TASK_NFIELDS, 0, v, why,
	    sizeof(why));
	(void)validate_object(o, task_fields, TASK_NUPDATE, 1, v, why,
	    sizeof(why));
	json_object_put(o);
	return 0;
}
