/* Routing: pattern matching and the dispatcher's 404/405 decisions. */
#include "unit.h"

#include <stdlib.h>

#include "router.h"

static void
free_params(char **p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i]);
}

int
main(void)
{
	char *p[REQ_MAX_PARAMS];
	size_t n;

	TEST("literal patterns match exactly");
	CHECK(router_match("/users", "/users", NULL, NULL));
	CHECK(router_match("/health", "/health", NULL, NULL));
	CHECK(!router_match("/users", "/user", NULL, NULL));
	CHECK(!router_match("/users", "/users/x", NULL, NULL));
	CHECK(!router_match("/users", "/usersx", NULL, NULL));

	TEST("one trailing slash is ignored");
	CHECK(router_match("/users", "/users/", NULL, NULL));
	CHECK(!router_match("/users", "/users//", NULL, NULL));

	TEST("{param} captures one segment");
	CHECK(router_match("/users/{id}", "/users/abc", p, &n));
	CHECK(n == 1);
	CHECK_STR(p[0], "abc");
	free_params(p, n);
	CHECK(router_match("/users/{id}/tasks", "/users/u1/tasks", p, &n));
	CHECK(n == 1);
	CHECK_STR(p[0], "u1");
	free_params(p, n);

	TEST("{param} never matches an empty segment or crosses a slash");
	CHECK(!router_match("/users/{id}", "/users/", NULL, NULL));
	CHECK(!router_match("/users/{id}", "/users//", NULL, NULL));
	CHECK(!router_match("/users/{id}", "/users/a/b", NULL, NULL));
	CHECK(!router_match("/users/{id}/tasks", "/users/a/taskz", NULL, NULL));

	TEST("a failed match leaves no captured parameter behind");
	n = 99;
	CHECK(!router_match("/users/{id}/tasks", "/users/a/other", p, &n));
	CHECK(n == 99);

	TEST("Content-Type: application/json alone or with charset=utf-8");
	CHECK(req_is_json("application/json"));
	CHECK(req_is_json("Application/JSON"));
	CHECK(req_is_json("application/json; charset=utf-8"));
	CHECK(req_is_json("application/json;charset=UTF-8"));
	CHECK(req_is_json("application/json; charset=\"utf-8\""));
	CHECK(!req_is_json(NULL));
	CHECK(!req_is_json("text/plain"));
	CHECK(!req_is_json("application/jsonx"));
	CHECK(!req_is_json("application/json; charset=latin1"));
	CHECK(!req_is_json("application/x-www-form-urlencoded"));

	UNIT_DONE();
}
