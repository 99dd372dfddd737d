/* Fuzz target: query strings (decoding, limits) and integer parameters. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct query q;
	char why[256];
	long v;

	memcpy(s, data, size);
	s[size] = '\0';
	if (query_parse(s, &q, why, sizeof(why)) == API_OK) {
		const char *limit = query_get(&q, "limit");

		if (limit != NULL)
			(void)query_int("limit", limit, 1, 1000, &v, why,
			    sizeof(why));
	}
	query_release(&q);
	free(s);
	return 0;
}
