/*
 * router_dispatch() driven by real FastCGI requests, without nginx: the
 * test speaks FastCGI to a listening unix socket of its own (libfcgi's
 * accept wants one), libfcgi accepts and parses as in a worker, and the
 * answer is read back from the records the worker wrote.  Covers the
 * answers the router gives before any handler: 404, 405 with Allow,
 * OPTIONS, 413, 415, 400 and 422 from a route's field specs, and with
 * AUTH=token 401 and 403 from a route's `who`, in the contract's order.
 * A user's token would need Redis (tests/bats/11-auth.bats has those):
 * here the store points at a closed port, so such a lookup is a 503.
 */
#include "unit.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcgiapp.h>

#include "router.h"

#define MAX_BODY 64

static const struct field_spec fields[] = {
	{ "name", FIELD_REQUIRED | FIELD_NOT_BLANK, 1, 10, NULL },
	{ "note", 0, 0, 10, NULL },
};

static int handled;

static enum api_err
echo(struct req *r, void *ctx)
{
	struct json_object *o = json_object_new_object();

	(void)ctx;
	handled++;
	json_object_object_add(o, "name", r->fields[0].present ?
	    json_object_new_string(r->fields[0].str) : NULL);
	json_object_object_add(o, "note_present",
	    json_object_new_boolean(r->fields[1].present));
	req_send(r, 200, o);
	return API_OK;
}

static const struct route routes[] = {
	{ "GET",   "/things/{id}", echo, 0, NULL, 0, .who = WHO_ANYONE },
	{ "POST",  "/things",      echo, ROUTE_BODY, fields, 2, .who = WHO_ANYONE },
	{ "PATCH", "/things/{id}", echo, ROUTE_BODY | ROUTE_PARTIAL, fields, 2,
	    .who = WHO_ANYONE },
	{ "GET",   "/mine/{id}",   echo, 0, NULL, 0, .who = WHO_PATH_USER,
	    .owner_noun = "user" },
	{ "DELETE", "/mine/{id}",  echo, 0, NULL, 0, .who = WHO_PATH_USER,
	    .owner_noun = "user" },
	{ "POST",  "/owned",       echo, ROUTE_BODY, fields, 2,
	    .who = WHO_BODY_USER, .owner_noun = "user", .owner_field = 0 },
	{ "POST",  "/signup",      echo, ROUTE_BODY, fields, 2, .who = WHO_SIGNUP },
	{ "GET",   "/any",         echo, 0, NULL, 0, .who = WHO_CALLER },
	{ "GET",   "/tok",         echo, ROUTE_TOKENS, NULL, 0, .who = WHO_CALLER },
};

static struct auth auth = { .mode = AUTH_MODE_OFF };
static struct store *store;

static char sockpath[108];
static int listen_fd;

/* One FastCGI record of type with content. */
static void
put_record(int fd, int type, const void *content, size_t len)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	if (write(fd, h, 8) != 8 || (len && write(fd, content, len) !=
	    (ssize_t)len))
		abort();
}

static size_t
put_pair(unsigned char *p, const char *name, const char *value)
{
	size_t n = strlen(name), v = strlen(value);

	p[0] = (unsigned char)n;
	p[1] = (unsigned char)v;
	memcpy(p + 2, name, n);
	memcpy(p + 2 + n, value, v);
	return 2 + n + v;
}

/*
 * Sends one request (ct and body may be NULL), serves it with the router
 * and returns what the worker answered (headers and body), for the caller
 * to free.
 */
static char *
roundtrip(const char *method, const char *path, const char *ct,
    const char *body, const char *authz)
{
	struct router_env env = { &auth, store, MAX_BODY };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned char begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 }, params[1024];
	char len[24], *out = NULL;
	size_t np = 0, outlen = 0;
	FCGX_Request fx;
	struct req r;
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	if (c == -1 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		abort();
	snprintf(len, sizeof(len), "%zu", body ? strlen(body) : 0);
	np += put_pair(params + np, "REQUEST_METHOD", method);
	np += put_pair(params + np, "DOCUMENT_URI", path);
	np += put_pair(params + np, "CONTENT_LENGTH", len);
	if (ct != NULL)
		np += put_pair(params + np, "CONTENT_TYPE", ct);
	if (authz != NULL)
		np += put_pair(params + np, "HTTP_AUTHORIZATION", authz);
	put_record(c, 1, begin, 8);
	put_record(c, 4, params, np);
	put_record(c, 4, NULL, 0);
	if (body != NULL && *body != '\0')
		put_record(c, 5, body, strlen(body));
	put_record(c, 5, NULL, 0);
	/* libfcgi's close waits for the end of the peer's input. */
	shutdown(c, SHUT_WR);

	FCGX_InitRequest(&fx, listen_fd, 0);
	if (FCGX_Accept_r(&fx) < 0)
		abort();
	req_begin(&r, &fx);
	router_dispatch(routes, sizeof(routes) / sizeof(routes[0]), &r, &env,
	    NULL);
	req_end(&r);
	FCGX_Finish_r(&fx);

	/* The worker's STDOUT records, up to its END_REQUEST. */
	for (;;) {
		unsigned char h[8], buf[65536 + 256];
		size_t n, pad;

		if (read(c, h, 8) != 8)
			break;
		n = (size_t)h[4] << 8 | h[5];
		pad = h[6];
		if (n + pad > 0 && read(c, buf, n + pad) != (ssize_t)(n + pad))
			break;
		if (h[1] == 3)
			break;
		if (h[1] == 6) {
			out = realloc(out, outlen + n + 1);
			memcpy(out + outlen, buf, n);
			outlen += n;
			out[outlen] = '\0';
		}
	}
	close(c);
	return out ? out : strdup("");
}

/* 1 if the answer has status code and contains want. */
static int
answered(const char *out, int status, const char *want)
{
	char line[32];

	snprintf(line, sizeof(line), "Status: %d ", status);
	return strncmp(out, line, strlen(line)) == 0 &&
	    (want == NULL || strstr(out, want) != NULL);
}

#define EXPECT(m, p, ct, b, status, want) \
	EXPECT_AS(NULL, m, p, ct, b, status, want)
#define EXPECT_AS(who, m, p, ct, b, status, want) do {               \
	char *o_ = roundtrip(m, p, ct, b, who);                      \
	CHECK(answered(o_, status, want));                           \
	if (!answered(o_, status, want))                             \
		printf("# got: %s\n", o_);                           \
	free(o_);                                                    \
} while (0)

static void
auth_tests(const char *json)
{
	const char *plain = "WWW-Authenticate: Bearer realm=\"task-manager\"\r\n";
	const char *invalid = "WWW-Authenticate: Bearer realm=\"task-manager\", "
	    "error=\"invalid_token\"\r\n";
	struct store_opts so = { .host = "127.0.0.1", .port = 1,
	    .timeout_ms = 200 };
	char admin[TOKEN_LEN + 1], other[TOKEN_LEN + 1], bearer[64], ob[64];
	char bad[64];

	store = store_new(&so);
	token_new(admin);
	token_new(other);
	snprintf(bearer, sizeof(bearer), "Bearer %s", admin);
	snprintf(ob, sizeof(ob), "bearer   %s  ", other);
	/* A well-formed token with one character changed: its checksum fails. */
	snprintf(bad, sizeof(bad), "Bearer %s", admin);
	bad[10] = bad[10] == 'a' ? 'b' : 'a';

	TEST("AUTH=off: routes of the token API are not there (404)");
	EXPECT("GET", "/tok", NULL, NULL, 404, "not found");
	EXPECT("GET", "/any", NULL, NULL, 200, NULL);

	auth.mode = AUTH_MODE_TOKEN;
	auth.signup_open = 1;
	token_hash(admin, strlen(admin), auth.admin_hash);

	TEST("AUTH=token: no credentials is 401 with the plain challenge");
	handled = 0;
	EXPECT("GET", "/any", NULL, NULL, 401, plain);
	EXPECT("GET", "/tok", NULL, NULL, 401, plain);
	EXPECT_AS("Basic dXNlcjpwdw==", "GET", "/any", NULL, NULL, 401, plain);
	EXPECT_AS("", "GET", "/any", NULL, NULL, 401, plain);
	CHECK(handled == 0);
	TEST("AUTH=token: a malformed token is 401 invalid_token, no lookup");
	EXPECT_AS("Bearer", "GET", "/any", NULL, NULL, 401, invalid);
	EXPECT_AS("Bearer tm_short", "GET", "/any", NULL, NULL, 401, invalid);
	EXPECT_AS(bad, "GET", "/any", NULL, NULL, 401, invalid);
	CHECK(handled == 0);
	TEST("AUTH=token: 404 and 405 come before credentials");
	EXPECT("GET", "/nothing", NULL, NULL, 404, NULL);
	EXPECT("PUT", "/mine/1", NULL, NULL, 405, "Allow: ");
	TEST("AUTH=token: credentials come before the body (401, not 422)");
	EXPECT("POST", "/owned", json, "{\"note\":\"x\"}", 401, plain);
	EXPECT("POST", "/owned", "text/plain", "x", 401, plain);
	TEST("AUTH=token: the admin passes every policy");
	EXPECT_AS(bearer, "GET", "/any", NULL, NULL, 200, NULL);
	EXPECT_AS(bearer, "GET", "/mine/someone", NULL, NULL, 200, NULL);
	EXPECT_AS(bearer, "POST", "/owned", json, "{\"name\":\"x\"}", 200,
	    NULL);
	EXPECT_AS(bearer, "GET", "/tok", NULL, NULL, 200, NULL);
	TEST("AUTH=token: the admin's body is still checked (422)");
	EXPECT_AS(bearer, "POST", "/owned", json, "{\"note\":\"x\"}", 422,
	    "name");
	TEST("AUTH=token: open sign-up takes anyone, checks what is sent");
	EXPECT("POST", "/signup", json, "{\"name\":\"x\"}", 200, NULL);
	EXPECT_AS("Bearer nope", "POST", "/signup", json, "{\"name\":\"x\"}",
	    401, invalid);
	TEST("AUTH=token: closed sign-up takes the admin only");
	auth.signup_open = 0;
	EXPECT("POST", "/signup", json, "{\"name\":\"x\"}", 401, plain);
	EXPECT_AS(bearer, "POST", "/signup", json, "{\"name\":\"x\"}", 200,
	    NULL);
	auth.signup_open = 1;
	TEST("AUTH=token: a user's token is looked up in Redis (down: 503)");
	EXPECT_AS(ob, "GET", "/any", NULL, NULL, 503, "Redis");
	TEST("AUTH=token: health-like routes look at nothing");
	EXPECT("GET", "/things/1", NULL, NULL, 200, NULL);
	EXPECT_AS("Bearer nope", "GET", "/things/1", NULL, NULL, 200, NULL);
	store_free(store);
}

int
main(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *json = "application/json";

	snprintf(sockpath, sizeof(sockpath), "/tmp/test-dispatch-%d.sock",
	    (int)getpid());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	unlink(sockpath);
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (listen_fd == -1 || bind(listen_fd, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1 || listen(listen_fd, 8) == -1) {
		perror("listen");
		return 1;
	}
	FCGX_Init();

	TEST("an unknown path is 404 with a JSON detail");
	EXPECT("GET", "/nothing", NULL, NULL, 404, "{\"detail\":\"not found\"}");
	TEST("a known path with another method is 405 with Allow");
	EXPECT("DELETE", "/things/1", NULL, NULL, 405,
	    "Allow: GET, HEAD, PATCH, OPTIONS\r\n");
	EXPECT("PUT", "/things", NULL, NULL, 405, "Allow: POST, OPTIONS\r\n");
	TEST("OPTIONS is 204 with Allow; HEAD is served as GET");
	EXPECT("OPTIONS", "/things/1", NULL, NULL, 204,
	    "Allow: GET, HEAD, PATCH, OPTIONS\r\n");
	EXPECT("HEAD", "/things/1", NULL, NULL, 200, NULL);
	TEST("a body that is not JSON by its Content-Type is 415");
	EXPECT("POST", "/things", "text/plain", "{\"name\":\"a\"}", 415,
	    "Content-Type must be application/json");
	TEST("a body over the limit is 413, before it is read");
	EXPECT("POST", "/things", json, "{\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}", 413,
	    "body larger than 64 bytes");
	TEST("a body that is not a JSON object is 400");
	EXPECT("POST", "/things", json, "[1]", 400, NULL);
	EXPECT("POST", "/things", json, "{", 400, NULL);
	TEST("the route's field specs are checked before the handler: 422");
	handled = 0;
	EXPECT("POST", "/things", json, "{\"note\":\"x\"}", 422, "name");
	EXPECT("POST", "/things", json, "{\"name\":\"   \"}", 422, "name");
	EXPECT("POST", "/things", json, "{\"name\":\"a\",\"note\":5}", 422,
	    "note");
	CHECK(handled == 0);
	TEST("the handler finds the checked fields in r->fields");
	EXPECT("POST", "/things", json, "{\"name\":\"ada\",\"x\":1}", 200,
	    "{\"name\":\"ada\",\"note_present\":false}");
	CHECK(handled == 1);
	TEST("a partial route lets required fields be absent");
	EXPECT("PATCH", "/things/1", json, "{\"note\":\"n\"}", 200,
	    "{\"name\":null,\"note_present\":true}");
	CHECK(handled == 2);

	auth_tests(json);

	close(listen_fd);
	unlink(sockpath);
	UNIT_DONE();
}
