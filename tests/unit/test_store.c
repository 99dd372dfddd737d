/*
 * The Redis store against a redis-server of its own (TEST_STORE_PORT,
 * default 16389; no persistence): the reads sent ahead (store_send and
 * store_recv) keep store_cmd's rules on replies, errors and reconnects.
 */
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

static char port[16];

static struct store *
new_store(void)
{
	struct store_opts o = { .host = "127.0.0.1", .port = atoi(port),
	    .timeout_ms = 1000 };

	return store_new(&o);
}

static void
pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Starts redis-server on the port and waits until it answers PING. */
static pid_t
start_redis(void)
{
	char why[256];
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp("redis-server", "redis-server", "--port", port,
		    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		    (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && pid > 0; i++) {
		struct store *st = new_store();
		int up = store_ping(st, why, sizeof(why)) == API_OK;

		store_free(st);
		if (up)
			return pid;
		pause_ms(50);
	}
	printf("# redis-server did not start on port %s\n", port);
	exit(1);
}

static void
stop_redis(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

static void
set(struct store *st, const char *key, const char *value)
{
	const char *argv[] = { "SET", key, value };
	redisReply *rep;
	char why[256];

	CHECK(store_cmd(st, 3, argv, NULL, &rep, why, sizeof(why)) == API_OK);
	freeReplyObject(rep);
}

int
main(void)
{
	const char *env = getenv("TEST_STORE_PORT");
	const char *sadd[] = { "SADD", "t:set", "x" };
	struct store *st;
	redisReply *rep;
	char why[256], *v;
	pid_t redis;

	snprintf(port, sizeof(port), "%s", env ? env : "16389");
	redis = start_redis();
	st = new_store();

	TEST("a read sent ahead gets its own reply");
	set(st, "t:a", "alpha");
	set(st, "t:b", "beta");
	store_get_send(st, "t:a");
	CHECK(store_get_recv(st, "t:a", &v, why, sizeof(why)) == API_OK);
	CHECK_STR(v, "alpha");
	free(v);

	TEST("a reply never received is thrown away by the next command");
	store_get_send(st, "t:a");
	CHECK(store_get_string(st, "t:b", &v, why, sizeof(why)) == API_OK);
	CHECK_STR(v, "beta");
	free(v);
	CHECK(store_get_string(st, "t:a", &v, why, sizeof(why)) == API_OK);
	CHECK_STR(v, "alpha");
	free(v);

	TEST("store_recv without store_send runs the command itself");
	CHECK(store_get_recv(st, "t:b", &v, why, sizeof(why)) == API_OK);
	CHECK_STR(v, "beta");
	free(v);

	TEST("a missing key and an error reply through the two halves");
	store_get_send(st, "t:none");
	CHECK(store_get_recv(st, "t:none", &v, why, sizeof(why)) ==
	    API_ENOTFOUND);
	CHECK(v == NULL);
	CHECK(store_cmd(st, 3, sadd, NULL, &rep, why, sizeof(why)) == API_OK);
	freeReplyObject(rep);
	store_get_send(st, "t:set");
	CHECK(store_get_recv(st, "t:set", &v, why, sizeof(why)) ==
	    API_EBADGATEWAY);
	CHECK(strstr(why, "WRONGTYPE") != NULL);
	/* The connection is still in step: the next reply is its own. */
	CHECK(store_get_string(st, "t:a", &v, why, sizeof(why)) == API_OK);
	CHECK_STR(v, "alpha");
	free(v);

	TEST("a kept connection closed by a restart is tried again on a new one");
	stop_redis(redis);
	redis = start_redis();
	{
		struct store *other = new_store();

		set(other, "t:a", "after");
		store_free(other);
	}
	store_get_send(st, "t:a");
	CHECK(store_get_recv(st, "t:a", &v, why, sizeof(why)) == API_OK);
	CHECK_STR(v, "after");
	free(v);

	TEST("a read that cannot be sent is reported by store_recv");
	stop_redis(redis);
	store_free(st);
	st = new_store();
	store_get_send(st, "t:a");
	why[0] = '\0';
	CHECK(store_get_recv(st, "t:a", &v, why, sizeof(why)) == API_EUNAVAIL);
	CHECK(strstr(why, "Redis unreachable") != NULL);
	CHECK(v == NULL);
	/* Nothing is left over: the next command tries, and fails, anew. */
	CHECK(store_get_string(st, "t:a", &v, why, sizeof(why)) ==
	    API_EUNAVAIL);

	TEST("the next read after Redis is back succeeds");
	redis = start_redis();
	set(st, "t:a", "back");
	store_get_send(st, "t:a");
	CHECK(store_get_recv(st, "t:a", &v, why, sizeof(why)) == API_OK);
	CHECK_STR(v, "back");
	free(v);

	store_free(st);
	stop_redis(redis);
	UNIT_DONE();
}
