#include "ids.h"

#include <ctype.h>
#include <string.h>
#include <uuid/uuid.h>

void
id_new(char out[ID_LEN + 1])
{
	uuid_t u;

	uuid_generate_random(u);
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
