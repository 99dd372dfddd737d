/*
 * ceiling: the benchmark's reference FastCGI responder.
 *
 *   ceiling        answers a fixed JSON (ceiling 2: nginx -> libfcgi)
 *   ceiling -r     first does one GET on a persistent hiredis connection
 *                  (ceiling 3: the least GET /users/{id} can cost)
 *   ceiling -w     does one SET instead: a write, waiting for Redis's
 *                  fsync as the services' writes do
 *   ceiling -u URL first asks URL over HTTP on a persistent curl handle,
 *                  as a service asks the other one, and answers 502 unless
 *                  it answered 200.  With -r, the least the aggregated view
 *                  can cost (ceiling 4r); with -w, the least a task create
 *                  can cost (ceiling 4w): the same hops, none of the work
 *   ceiling -d     closes each connection at once, as the services do on
 *                  a unix socket (lib/service.c), not by libfcgi's
 *                  shutdown-and-wait: the row that shows what that saves
 *
 * Runs under spawn-fcgi + multiwatch like the services.  Redis at
 * REDIS_HOST/REDIS_PORT (127.0.0.1:6379).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include <fcgiapp.h>
#include <hiredis/hiredis.h>

static const char reply[] = "Status: 200 OK\r\nContent-Type: application/json\r\n"
    "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";
static const char bad_gateway[] = "Status: 502 Bad Gateway\r\n"
    "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
/* A task's record, about the size the services write. */
static const char record[] = "{\"userId\":\"6a48cfb4-99d0-4a05-a6f9-517928c094a3\","
    "\"title\":\"bench\",\"description\":null,\"status\":\"pending\","
    "\"createdAt\":\"2026-11-28T04:05:06.123456Z\","
    "\"updatedAt\":\"2026-11-28T04:05:06.123456Z\"}";

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* One command of one %s argument; drops the connection after a failure. */
static void
redis_once(redisContext **c, const char *fmt, const char *arg)
{
	const char *host = getenv("REDIS_HOST"), *port = getenv("REDIS_PORT");
	struct timeval tv = { 1, 0 };
	redisReply *rep = NULL;

	if (*c == NULL)
		*c = redisConnectWithTimeout(host ? host : "127.0.0.1",
		    port ? atoi(port) : 6379, tv);
	if (*c != NULL && !(*c)->err)
		rep = redisCommand(*c, fmt, arg);
	if (rep == NULL && *c != NULL) {
		redisFree(*c);
		*c = NULL;
	}
	freeReplyObject(rep);
}

/* Asks the peer; 1 when it answered 200. */
static int
peer_ok(CURL *h)
{
	long status = 0;

	if (curl_easy_perform(h) != CURLE_OK)
		return 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	return status == 200;
}

int
main(int argc, char **argv)
{
	redisContext *c = NULL;
	const char *url = NULL;
	CURL *h = NULL;
	FCGX_Request fx;
	int use_redis = 0, write = 0, detach = 0, ok, ch;

	while ((ch = getopt(argc, argv, "rwdu:")) != -1) {
		if (ch == 'r')
			use_redis = 1;
		else if (ch == 'w')
			write = 1;
		else if (ch == 'd')
			detach = 1;
		else if (ch == 'u')
			url = optarg;
		else
			return 2;
	}
	if (url != NULL) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 ||
		    (h = curl_easy_init()) == NULL)
			return 1;
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	}

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fx, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&fx) >= 0) {
		ok = h == NULL || peer_ok(h);
		if (ok && write)
			redis_once(&c, "SET bench:ceiling:w %s", record);
		else if (ok && use_redis)
			redis_once(&c, "GET %s", "bench:ceiling");
		if (ok)
			FCGX_PutStr(reply, (int)sizeof(reply) - 1, fx.out);
		else
			FCGX_PutStr(bad_gateway, (int)sizeof(bad_gateway) - 1,
			    fx.out);
		if (detach) {
			while (FCGX_GetChar(fx.in) != EOF)
				;    /* a POST's body, unread as it is ignored */
			FCGX_Detach(&fx);
		}
		FCGX_Finish_r(&fx);
	}
	return 0;
}
