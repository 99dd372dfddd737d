#include "token.h"

#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

static const char b62[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* CRC-32 (IEEE), a byte at a time from a table made on first use. */
static uint32_t
crc32(const char *s, size_t len)
{
	static uint32_t table[256];
	uint32_t c = 0xffffffffu;

	if (table[1] == 0)
		for (uint32_t n = 0; n < 256; n++) {
			uint32_t v = n;

			for (int k = 0; k < 8; k++)
				v = (v >> 1) ^ (0xedb88320u & (0u - (v & 1u)));
			table[n] = v;
		}
	for (size_t i = 0; i < len; i++)
		c = table[(c ^ (unsigned char)s[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* The checksum of s[0..len) as TOKEN_CHECK base-62 digits. */
static void
checksum(const char *s, size_t len, char out[TOKEN_CHECK])
{
	uint32_t v = crc32(s, len);

	for (int i = TOKEN_CHECK - 1; i >= 0; i--) {
		out[i] = b62[v % 62];
		v /= 62;
	}
}

int
token_new(char out[TOKEN_LEN + 1])
{
	unsigned char buf[64];
	size_t n = 0, have = 0, used = 0;

	memcpy(out, TOKEN_PREFIX, 3);
	while (n < TOKEN_RANDOM) {
		if (used == have) {
			ssize_t got = getrandom(buf, sizeof(buf), 0);

			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return -1;
			have = (size_t)got;
			used = 0;
		}
		/* 248 = 4 x 62: no digit is likelier than another. */
		if (buf[used] < 248)
			out[3 + n++] = b62[buf[used] % 62];
		used++;
	}
	checksum(out, 3 + TOKEN_RANDOM, out + 3 + TOKEN_RANDOM);
	out[TOKEN_LEN] = '\0';
	return 0;
}

int
token_is_wellformed(const char *s, size_t len)
{
	char sum[TOKEN_CHECK];

	if (len != TOKEN_LEN || memcmp(s, TOKEN_PREFIX, 3) != 0)
		return 0;
	for (size_t i = 3; i < len; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	checksum(s, 3 + TOKEN_RANDOM, sum);
	return memcmp(sum, s + 3 + TOKEN_RANDOM, TOKEN_CHECK) == 0;
}

void
token_hash(const char *s, size_t len, char out[TOKEN_HASH_HEX + 1])
{
	/*
	 * The digest's implementation is fetched once a process, and one
	 * context reused: OpenSSL 3 looks the algorithm up by name, under a
	 * lock, on every EVP_Digest() that is given EVP_sha256().
	 */
	static EVP_MD *sha256;
	static EVP_MD_CTX *ctx;
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (sha256 == NULL)
		sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (ctx == NULL)
		ctx = EVP_MD_CTX_new();
	if (sha256 == NULL || ctx == NULL ||
	    EVP_DigestInit_ex(ctx, sha256, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, s, len) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
		/* Nothing can match an all-x digest: not hex. */
		memset(out, 'x', TOKEN_HASH_HEX);
		out[TOKEN_HASH_HEX] = '\0';
		return;
	}
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[TOKEN_HASH_HEX] = '\0';
}

int
token_is_hash(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return i == TOKEN_HASH_HEX;
}

int
token_hash_equal(const char *a, const char *b)
{
	char la[TOKEN_HASH_HEX], lb[TOKEN_HASH_HEX];

	if (!token_is_hash(a) || !token_is_hash(b))
		return 0;
	for (size_t i = 0; i < TOKEN_HASH_HEX; i++) {
		la[i] = (char)tolower((unsigned char)a[i]);
		lb[i] = (char)tolower((unsigned char)b[i]);
	}
	return CRYPTO_memcmp(la, lb, TOKEN_HASH_HEX) == 0;
}
