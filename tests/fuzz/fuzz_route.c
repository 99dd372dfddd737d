/*
 * Fuzz target: path routing against both services' patterns, and the
 * Content-Type check.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"
#include "router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const patterns[] = {
	"/health", "/users", "/users/{id}", "/users/{id}/tasks", "/tasks",
	"/tasks/{id}",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char *params[REQ_MAX_PARAMS];
	char id[ID_LEN + 1];
	size_t n;

	memcpy(s, data, size);
	s[size] = '\0';
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (!router_match(patterns[i], s, params, &n))
			continue;
		for (size_t k = 0; k < n; k++) {
			(void)id_parse(params[k], id);
			free(params[k]);
		}
	}
	(void)req_is_json(s);
	free(s);
	return 0;
}
