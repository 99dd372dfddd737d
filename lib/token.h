/*
 * token: bearer tokens, their text form and their hash.
 *
 * A token is "tm_" followed by TOKEN_RANDOM characters of [A-Za-z0-9] drawn
 * from getrandom(2) (about 190 random bits) and TOKEN_CHECK characters of
 * checksum: the CRC-32 of everything before it, in base 62.  The checksum
 * lets a scanner (or this server, before any lookup) tell a token from
 * noise; it is no secret.  The server keeps only a token's SHA-256.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stddef.h>

#define TOKEN_PREFIX "tm_"
#define TOKEN_RANDOM 32
#define TOKEN_CHECK  6
#define TOKEN_LEN    (3 + TOKEN_RANDOM + TOKEN_CHECK)
#define TOKEN_HASH_HEX 64

/*
 * Writes a new token, NUL-terminated.  Returns 0, or -1 when the kernel's
 * random source fails (it does not, once the system has booted).
 */
int token_new(char out[TOKEN_LEN + 1]);

/*
 * 1 if s[0..len) has the form of a token this server makes: the prefix, the
 * length, the alphabet and a checksum that matches; else 0.
 */
int token_is_wellformed(const char *s, size_t len);

/* The SHA-256 of s[0..len) in lowercase hex, NUL-terminated. */
void token_hash(const char *s, size_t len, char out[TOKEN_HASH_HEX + 1]);

/* 1 if s is 64 hexadecimal digits (a SHA-256 as ADMIN_TOKEN_SHA256 holds). */
int token_is_hash(const char *s);

/*
 * 1 if the hex digests a and b are equal, ignoring case; the time it takes
 * does not depend on where they differ (CRYPTO_memcmp).
 */
int token_hash_equal(const char *a, const char *b);

#endif
