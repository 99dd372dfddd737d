/*
 * Tokens (format, checksum, hash, constant-time compare), the
 * Authorization header's parser and the policy of every route `who`.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "token.h"

static void
test_tokens(void)
{
	char a[TOKEN_LEN + 1], b[TOKEN_LEN + 1], h[TOKEN_HASH_HEX + 1];
	char up[TOKEN_HASH_HEX + 1];

	TEST("a new token: tm_, 38 characters of [A-Za-z0-9], its checksum");
	CHECK(token_new(a) == 0 && token_new(b) == 0);
	CHECK(strlen(a) == TOKEN_LEN && strncmp(a, "tm_", 3) == 0);
	CHECK(strspn(a + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789") == TOKEN_LEN - 3);
	CHECK(token_is_wellformed(a, strlen(a)));
	CHECK(strcmp(a, b) != 0);

	TEST("the checksum catches one changed character, anywhere");
	for (size_t i = 3; i < TOKEN_LEN; i++) {
		memcpy(b, a, sizeof(a));
		b[i] = b[i] == 'x' ? 'y' : 'x';
		CHECK(!token_is_wellformed(b, strlen(b)));
	}
	TEST("not tokens: another prefix, length, alphabet");
	memcpy(b, a, sizeof(a));
	b[0] = 'T';
	CHECK(!token_is_wellformed(b, strlen(b)));
	CHECK(!token_is_wellformed(a, strlen(a) - 1));
	CHECK(!token_is_wellformed("tm_", 3));
	memcpy(b, a, sizeof(a));
	b[5] = '_';
	CHECK(!token_is_wellformed(b, strlen(b)));

	TEST("the hash is SHA-256 in hex (a known vector)");
	token_hash("abc", 3, h);
	CHECK(strcmp(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad") == 0);
	CHECK(token_is_hash(h));
	CHECK(!token_is_hash("abc"));

	TEST("hash compare: equal (any case), unequal, not a hash");
	strcpy(up, h);
	for (char *p = up; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	CHECK(token_hash_equal(h, h));
	CHECK(token_hash_equal(h, up));
	strcpy(up, h);
	up[63] = up[63] == '0' ? '1' : '0';
	CHECK(!token_hash_equal(h, up));
	up[63] = h[63];
	up[0] = up[0] == '0' ? '1' : '0';
	CHECK(!token_hash_equal(h, up));
	CHECK(!token_hash_equal(h, ""));
	CHECK(!token_hash_equal("", ""));
}

static void
test_header(void)
{
	const char *t;
	size_t n;

	TEST("Authorization: none, other schemes, Bearer in any case");
	CHECK(auth_parse_header(NULL, &t, &n) == AUTH_CRED_NONE);
	CHECK(auth_parse_header("", &t, &n) == AUTH_CRED_NONE);
	CHECK(auth_parse_header("  ", &t, &n) == AUTH_CRED_NONE);
	CHECK(auth_parse_header("Basic abc", &t, &n) == AUTH_CRED_OTHER);
	CHECK(auth_parse_header("Bearerx abc", &t, &n) == AUTH_CRED_OTHER);
	CHECK(auth_parse_header("Bearer tm_x", &t, &n) == AUTH_CRED_BEARER);
	CHECK(n == 4 && strncmp(t, "tm_x", 4) == 0);
	CHECK(auth_parse_header(" bEaReR \t tm_y \t", &t, &n) ==
	    AUTH_CRED_BEARER);
	CHECK(n == 4 && strncmp(t, "tm_y", 4) == 0);
	TEST("Authorization: Bearer with nothing, or two words");
	CHECK(auth_parse_header("Bearer", &t, &n) == AUTH_CRED_BEARER && n == 0);
	CHECK(auth_parse_header("Bearer a b", &t, &n) == AUTH_CRED_BEARER &&
	    n == 3);
}

#define V(who, kind, ro, user, method, owner) \
	verdict(&a, who, kind, ro, user, method, owner)

static enum auth_verdict
verdict(const struct auth *a, enum auth_who who, enum caller_kind kind,
    int ro, const char *user, const char *method, const char *owner)
{
	struct caller c = { .kind = kind, .read_only = ro };

	snprintf(c.user, sizeof(c.user), "%s", user);
	return auth_decide(a, who, &c, method, owner);
}

static void
test_policy(void)
{
	struct auth a = { AUTH_MODE_TOKEN, 1, "" };
	const char *me = "00000000-0000-4000-8000-000000000001";
	const char *ME = "00000000-0000-4000-8000-000000000001";
	const char *you = "00000000-0000-4000-8000-000000000002";

	TEST("policy WHO_ANYONE: everyone, with or without credentials");
	CHECK(V(WHO_ANYONE, CALLER_NOBODY, 0, "", "GET", NULL) == AUTH_ALLOW);
	CHECK(V(WHO_ANYONE, CALLER_USER, 1, me, "POST", NULL) == AUTH_ALLOW);

	TEST("policy WHO_CALLER: credentials; a read token only reads");
	CHECK(V(WHO_CALLER, CALLER_NOBODY, 0, "", "GET", NULL) ==
	    AUTH_NEED_CREDENTIALS);
	CHECK(V(WHO_CALLER, CALLER_USER, 0, me, "DELETE", NULL) == AUTH_ALLOW);
	CHECK(V(WHO_CALLER, CALLER_USER, 1, me, "GET", NULL) == AUTH_ALLOW);
	CHECK(V(WHO_CALLER, CALLER_USER, 1, me, "HEAD", NULL) == AUTH_ALLOW);
	CHECK(V(WHO_CALLER, CALLER_USER, 1, me, "PATCH", NULL) ==
	    AUTH_INSUFFICIENT);
	CHECK(V(WHO_CALLER, CALLER_ADMIN, 0, "", "PUT", NULL) == AUTH_ALLOW);

	TEST("policy WHO_PATH_USER / WHO_BODY_USER: that user or the admin");
	for (enum auth_who w = WHO_PATH_USER; w <= WHO_BODY_USER; w++) {
		CHECK(V(w, CALLER_NOBODY, 0, "", "GET", me) ==
		    AUTH_NEED_CREDENTIALS);
		CHECK(V(w, CALLER_USER, 0, me, "GET", me) == AUTH_ALLOW);
		CHECK(V(w, CALLER_USER, 0, me, "GET", ME) == AUTH_ALLOW);
		CHECK(V(w, CALLER_USER, 0, me, "GET", you) == AUTH_HIDDEN);
		CHECK(V(w, CALLER_USER, 0, me, "GET", "not-a-uuid") ==
		    AUTH_HIDDEN);
		/* Before the owner is known (the first of two calls). */
		CHECK(V(w, CALLER_USER, 0, me, "GET", NULL) == AUTH_ALLOW);
		/* Scope comes before ownership: 403 on another's, too. */
		CHECK(V(w, CALLER_USER, 1, me, "DELETE", you) ==
		    AUTH_INSUFFICIENT);
		CHECK(V(w, CALLER_ADMIN, 0, "", "DELETE", you) == AUTH_ALLOW);
	}

	TEST("policy WHO_SIGNUP: open to anyone; closed to all but the admin");
	CHECK(V(WHO_SIGNUP, CALLER_NOBODY, 0, "", "POST", NULL) == AUTH_ALLOW);
	CHECK(V(WHO_SIGNUP, CALLER_USER, 0, me, "POST", NULL) == AUTH_ALLOW);
	CHECK(V(WHO_SIGNUP, CALLER_USER, 1, me, "POST", NULL) ==
	    AUTH_INSUFFICIENT);
	a.signup_open = 0;
	CHECK(V(WHO_SIGNUP, CALLER_NOBODY, 0, "", "POST", NULL) ==
	    AUTH_NEED_CREDENTIALS);
	CHECK(V(WHO_SIGNUP, CALLER_USER, 0, me, "POST", NULL) ==
	    AUTH_INSUFFICIENT);
	CHECK(V(WHO_SIGNUP, CALLER_ADMIN, 0, "", "POST", NULL) == AUTH_ALLOW);

	TEST("AUTH=off: every policy allows");
	a.mode = AUTH_MODE_OFF;
	CHECK(V(WHO_CALLER, CALLER_ANYONE, 0, "", "DELETE", NULL) == AUTH_ALLOW);
	CHECK(V(WHO_PATH_USER, CALLER_ANYONE, 0, "", "GET", you) == AUTH_ALLOW);
	CHECK(V(WHO_SIGNUP, CALLER_ANYONE, 0, "", "POST", NULL) == AUTH_ALLOW);

	TEST("who sees what: a user its own, the admin and AUTH=off all");
	{
		struct caller u = { .kind = CALLER_USER },
		    ad = { .kind = CALLER_ADMIN }, off = { .kind = CALLER_ANYONE },
		    no = { .kind = CALLER_NOBODY },
		    p = { .kind = CALLER_USER, .pending = 1,
		    .token_key = "token:abc" };

		snprintf(u.user, sizeof(u.user), "%s", me);
		CHECK(auth_sees(&u, me) && !auth_sees(&u, you) &&
		    !auth_sees(&u, NULL));
		CHECK(auth_sees(&ad, you) && auth_sees(&off, you));
		CHECK(!auth_sees(&no, me));
		CHECK(strcmp(auth_owner_filter(&u), me) == 0);
		CHECK(strcmp(auth_owner_filter(&ad), "") == 0);
		CHECK(strcmp(auth_caller_name(&ad), "admin") == 0);
		CHECK(strcmp(auth_caller_name(&u), me) == 0);

		TEST("a pending caller: its script decides; it sees nothing yet");
		CHECK(auth_decide(&a, WHO_BODY_USER, &p, "POST", you) ==
		    AUTH_ALLOW);
		CHECK(!auth_sees(&p, you) && !auth_sees(&p, ""));
		CHECK(strcmp(auth_owner_filter(&p), "token:abc") == 0);
		CHECK(strcmp(auth_caller_name(&p), "-") == 0);
		auth_resolved(&p, me);
		CHECK(!p.pending && auth_sees(&p, me) && !auth_sees(&p, you));
		CHECK(strcmp(auth_owner_filter(&p), me) == 0);
	}
}

static void
test_record(void)
{
	struct auth_token t;
	struct auth_token_info info;

	TEST("a minted token's record decodes to what was minted, no secret");
	CHECK(auth_token_mint(&t, "00000000-0000-4000-8000-000000000001",
	    "laptop", 1, 1000000, 30) == 0);
	CHECK(token_is_wellformed(t.secret, strlen(t.secret)));
	CHECK(strstr(t.record, t.secret) == NULL);
	CHECK(strstr(t.record, t.hash) == NULL);
	CHECK(auth_token_decode(t.record, &info) == 0);
	CHECK(strcmp(info.name, "laptop") == 0 && info.read_only);
	CHECK(info.created == 1000000 &&
	    info.expires == 1000000 + 30LL * 86400 * 1000000);
	CHECK(info.last_used == -1);
	CHECK(strcmp(info.id, t.id) == 0);
	auth_token_info_release(&info);
	auth_token_release(&t);
	TEST("a malformed token record is refused");
	CHECK(auth_token_decode("{}", &info) == -1);
	CHECK(auth_token_decode("[1]", &info) == -1);
	CHECK(auth_token_decode("{\"id\":\"x\",\"owner\":\"y\"}", &info) == -1);
}

int
main(void)
{
	test_tokens();
	test_header();
	test_policy();
	test_record();
	UNIT_DONE();
}
