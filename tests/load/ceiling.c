/*
 * ceiling: the benchmark's reference FastCGI responder.
 *
 *   ceiling        answers a fixed JSON (ceiling 2: nginx -> libfcgi)
 *   ceiling -r     first does one GET on a persistent hiredis connection
 *                  (ceiling 3: the least GET /users/{id} can cost)
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
#include <fcgiapp.h>
#include <hiredis/hiredis.h>

static const char reply[] = "Status: 200 OK\r\nContent-Type: application/json\r\n"
    "Content-Length: 15\r\n\r\n{\"status\":\"ok\"}";

int
main(int argc, char **argv)
{
	const char *host = getenv("REDIS_HOST"), *port = getenv("REDIS_PORT");
	struct timeval tv = { 1, 0 };
	redisContext *c = NULL;
	FCGX_Request fx;
	int use_redis = 0, detach = 0, ch;

	while ((ch = getopt(argc, argv, "rd")) != -1) {
		if (ch == 'r')
			use_redis = 1;
		else if (ch == 'd')
			detach = 1;
		else
			return 2;
	}

	if (FCGX_Init() != 0 || FCGX_InitRequest(&fx, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&fx) >= 0) {
		if (use_redis) {
			redisReply *rep = NULL;

			if (c == NULL)
				c = redisConnectWithTimeout(host ? host :
				    "127.0.0.1", port ? atoi(port) : 6379, tv);
			if (c != NULL && !c->err)
				rep = redisCommand(c, "GET bench:ceiling");
			if (rep == NULL && c != NULL) {
				redisFree(c);
				c = NULL;
			}
			freeReplyObject(rep);
		}
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, fx.out);
		if (detach && FCGX_GetChar(fx.in) == EOF)
			FCGX_Detach(&fx);
		FCGX_Finish_r(&fx);
	}
	return 0;
}
