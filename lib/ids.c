#include "ids.h"

#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <uuid/uuid.h>

/*
 * Random bytes for ids, drawn from the kernel 4 KiB at a time:
 * uuid_generate_random() makes six system calls per id (getrandom, then
 * getpid, getuid, getppid and gettid to stir its own generator), a cost
 * every create paid.  Workers never fork once started (multiwatch execs
 * each one), so no two processes hand out the same bytes.
 */
static unsigned char pool[4096];
static size_t pool_left;

static int
pool_fill(void)
{
	size_t got = 0;

	while (got < sizeof(pool)) {
		ssize_t n = getrandom(pool + got, sizeof(pool) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	pool_left = sizeof(pool);
	return 0;
}

void
id_new(char out[ID_LEN + 1])
{
	uuid_t u;

	if (pool_left < sizeof(u) && pool_fill() == -1) {
		uuid_generate_random(u);   /* no getrandom(): libuuid's way */
	} else {
		pool_left -= sizeof(u);
		memcpy(u, pool + pool_left, sizeof(u));
		memset(pool + pool_left, 0, sizeof(u));
		u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);   /* version 4 */
		u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);   /* RFC 4122 */
	}
	uuid_unparse_lower(u, out);
}

int
id_parse(const char *s, char out[ID_LEN + 1])
{
	if (strlen(s) != ID_LEN)
		return 0;
	for (int i = 0; i < ID_LEN; i++) {
		int dash = (i == 8 || i == 13 || i == 18 || i == 23);

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	}
	if (out != NULL)
		for (int i = 0; i <= ID_LEN; i++)
			out[i] = (char)tolower((unsigned char)s[i]);
	return 1;
}
