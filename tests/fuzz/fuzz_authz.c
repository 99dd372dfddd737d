/*
 * Fuzz target: the Authorization header's parser and the token checks
 * behind it (format, checksum, hash), as a worker runs them on every
 * request's header before any lookup.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char hash[TOKEN_HASH_HEX + 1];
	const char *tok;
	size_t len;

	memcpy(s, data, size);
	s[size] = '\0';
	if (auth_parse_header(s, &tok, &len) == AUTH_CRED_BEARER) {
		if (tok < s || tok + len > s + strlen(s))
			abort();
		if (token_is_wellformed(tok, len)) {
			token_hash(tok, len, hash);
			if (!token_is_hash(hash) ||
			    !token_hash_equal(hash, hash))
				abort();
		}
	}
	free(s);
	return 0;
}
