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
#include "auth.h"
#include "task_store.h"
#include "timefmt.h"

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
		int up = store_ping(st) == API_OK;

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

	CHECK(store_cmd(st, 3, argv, NULL, &rep) == API_OK);
	freeReplyObject(rep);
}

static const struct store_word words[] = {
	{ "gone", API_ENOTFOUND, "thing not found" },
	{ NULL, API_OK, NULL },
};

static void
test_scripts(struct store *st)
{
	static struct store_script sc = { .words = words, .src =
	    "if ARGV[1] == 'x' then return 'gone' end\n"
	    "if ARGV[1] == 'y' then return 'odd' end\n"
	    "if ARGV[1] == 'w' then return 'ok' end\n"
	    "return {'ok', ARGV[1]}\n" };
	const char *x[] = { "x" }, *y[] = { "y" }, *z[] = { "z" }, *w[] = { "w" };
	char *out;

	TEST("a script's status word from its table is that code and reason");
	CHECK(store_run(st, &sc, 0, 1, x, &out) == API_ENOTFOUND);
	CHECK(store_err(st) == API_ENOTFOUND);
	CHECK_STR(store_errstr(st), "thing not found");
	CHECK(out == NULL);
	TEST("a word outside the table is a 502 naming it");
	CHECK(store_run(st, &sc, 0, 1, y, &out) == API_EBADGATEWAY);
	CHECK(strstr(store_errstr(st), "'odd'") != NULL);
	TEST("'ok' is success, with the string that came with it");
	CHECK(store_run(st, &sc, 0, 1, z, &out) == API_OK);
	CHECK_STR(out, "z");
	free(out);
	CHECK(store_run(st, &sc, 0, 1, w, &out) == API_OK);
	CHECK(out == NULL);
}

/* The record of task id as Redis holds it, decoded; t released by caller. */
static void
stored(struct store *st, const char *id, struct task *t)
{
	CHECK(record_get(st, &task_record, id, NULL, t) == API_OK);
}

static void
test_task_update(struct store *st)
{
	const char *id = "00000000-0000-4000-8000-000000000001";
	const char *key = "task:00000000-0000-4000-8000-000000000001";
	struct field_value v[TASK_NUPDATE] = { { 0 } };
	struct task t, s;
	int64_t created, now;
	char *raw, want[TS_BUFSZ];

	TEST("an update merges the given fields into the record Redis holds");
	set(st, key, "{\"userId\":\"u\",\"title\":\"old\",\"description\":"
	    "\"d\",\"status\":\"pending\",\"createdAt\":"
	    "\"2026-11-28 04:05:06.123456+00:00\",\"extra\":\"kept\"}");
	CHECK(ts_parse("2026-11-28 04:05:06.123456+00:00", &created) == 0);
	v[TASK_F_TITLE] = (struct field_value){ 1, "new", 0 };
	now = created + 5000000;
	CHECK(tstore_update(st, id, "", v, now, &t) == API_OK);
	CHECK_STR(t.title, "new");
	CHECK_STR(t.description, "d");
	CHECK_STR(t.status, "pending");
	CHECK(t.created == created && t.updated == now);
	stored(st, id, &s);
	CHECK_STR(s.title, "new");
	CHECK(s.updated == now);
	task_release(&s);
	task_release(&t);
	CHECK(store_get_string(st, key, &raw) == API_OK);
	CHECK(strstr(raw, "\"extra\":\"kept\"") != NULL);
	ts_format_seed(now, want);
	CHECK(strstr(raw, want) != NULL);
	free(raw);

	TEST("a clock behind the stored updatedAt still moves it on by 1 us");
	v[TASK_F_TITLE].present = 0;
	v[TASK_F_STATUS] = (struct field_value){ 1, "completed", 0 };
	CHECK(tstore_update(st, id, "", v, created, &t) == API_OK);
	CHECK(t.updated == now + 1);
	CHECK_STR(t.status, "completed");
	CHECK_STR(t.title, "new");
	task_release(&t);

	TEST("the microsecond after the last of a year is the next year's first");
	set(st, key, "{\"userId\":\"u\",\"title\":\"t\",\"status\":"
	    "\"pending\",\"createdAt\":\"2028-12-31 23:59:59.999999+00:00\"}");
	CHECK(ts_parse("2028-12-31 23:59:59.999999+00:00", &created) == 0);
	CHECK(tstore_update(st, id, "", v, 0, &t) == API_OK);
	CHECK(t.updated == created + 1);
	task_release(&t);
	CHECK(store_get_string(st, key, &raw) == API_OK);
	CHECK(strstr(raw, "2029-01-01 00:00:00.000000+00:00") != NULL);
	free(raw);

	TEST("the seed's timestamps without a fraction, and a null description");
	set(st, key, "{\"userId\":\"u\",\"title\":\"t\",\"createdAt\":"
	    "\"2024-02-29 12:00:00+00:00\"}");
	CHECK(ts_parse("2024-02-29 12:00:00+00:00", &created) == 0);
	v[TASK_F_STATUS].present = 0;
	v[TASK_F_DESCRIPTION] = (struct field_value){ 1, NULL, 0 };
	CHECK(tstore_update(st, id, "", v, created - 1, &t) == API_OK);
	CHECK(t.updated == created + 1);
	CHECK(t.description == NULL);
	CHECK_STR(t.status, "pending");
	task_release(&t);
	CHECK(store_get_string(st, key, &raw) == API_OK);
	CHECK(strstr(raw, "\"description\":null") != NULL);
	CHECK(strstr(raw, "2024-02-29 12:00:00.000001+00:00") != NULL);
	free(raw);

	TEST("an update with an owner filter of another user is 'not found'");
	v[TASK_F_TITLE] = (struct field_value){ 1, "theirs", 0 };
	CHECK(tstore_update(st, id, "00000000-0000-4000-8000-0000000000ff", v,
	    0, &t) == API_ENOTFOUND);
	task_release(&t);
	CHECK(store_get_string(st, key, &raw) == API_OK);
	CHECK(strstr(raw, "theirs") == NULL);
	free(raw);
	CHECK(tstore_update(st, id, "u", v, 0, &t) == API_OK);
	task_release(&t);
	v[TASK_F_TITLE].present = 0;

	TEST("a pending caller's token is checked by the update script itself");
	{
		const char *tk = "token:00ff";
		char now_s[64], stale[64];

		auth_lua_times(ts_now(), now_s, stale);
		set(st, tk, "{\"owner\":\"u\",\"scope\":\"write\","
		    "\"expiresAt\":\"2999-01-01T00:00:00.000000Z\","
		    "\"lastUsedAt\":null}");
		v[TASK_F_TITLE] = (struct field_value){ 1, "by token", 0 };
		CHECK(tstore_update(st, id, tk, v, 0, &t) == API_OK);
		task_release(&t);
		CHECK(store_get_string(st, tk, &raw) == API_OK);
		CHECK(strstr(raw, "\"lastUsedAt\":\"") != NULL);
		free(raw);
		set(st, tk, "{\"owner\":\"someone\",\"scope\":\"write\","
		    "\"expiresAt\":\"2999-01-01T00:00:00.000000Z\"}");
		CHECK(tstore_update(st, id, tk, v, 0, &t) == API_ENOTFOUND);
		task_release(&t);
		set(st, tk, "{\"owner\":\"u\",\"scope\":\"read\","
		    "\"expiresAt\":\"2999-01-01T00:00:00.000000Z\"}");
		CHECK(tstore_update(st, id, tk, v, 0, &t) == API_EFORBIDDEN);
		task_release(&t);
		set(st, tk, "{\"owner\":\"u\",\"scope\":\"write\","
		    "\"expiresAt\":\"2000-01-01T00:00:00.000000Z\"}");
		CHECK(tstore_update(st, id, tk, v, 0, &t) == API_EUNAUTH);
		task_release(&t);
		CHECK(tstore_update(st, id, "token:none", v, 0, &t) ==
		    API_EUNAUTH);
		task_release(&t);
		CHECK(store_get_string(st, key, &raw) == API_OK);
		CHECK(strstr(raw, "by token") != NULL);
		free(raw);
		v[TASK_F_TITLE].present = 0;
	}

	TEST("an update of a missing or malformed task writes nothing");
	CHECK(tstore_update(st, "00000000-0000-4000-8000-000000000002", "", v, 0,
	    &t) == API_ENOTFOUND);
	CHECK_STR(store_errstr(st), "task not found");
	task_release(&t);
	set(st, key, "[1, 2]");
	CHECK(tstore_update(st, id, "", v, 0, &t) == API_EBADGATEWAY);
	task_release(&t);
	CHECK(store_get_string(st, key, &raw) == API_OK);
	CHECK_STR(raw, "[1, 2]");
	free(raw);

	TEST("a delete removes the record and its index entry in one script");
	set(st, key, "{\"userId\":\"u\",\"title\":\"t\",\"createdAt\":"
	    "\"2024-02-29 12:00:00+00:00\"}");
	{
		const char *sadd[] = { "SADD", "user:u:tasks", id, "other" };
		const char *card[] = { "SCARD", "user:u:tasks" };
		redisReply *rep;

		CHECK(store_cmd(st, 4, sadd, NULL, &rep) == API_OK);
		freeReplyObject(rep);
		/* Another owner's delete finds nothing, and removes nothing. */
		CHECK(tstore_delete(st, id, "someone-else", NULL) == API_ENOTFOUND);
		CHECK(store_get_string(st, key, &raw) == API_OK);
		free(raw);
		CHECK(tstore_delete(st, id, "u", NULL) == API_OK);
		CHECK(store_get_string(st, key, &raw) == API_ENOTFOUND);
		CHECK(store_cmd(st, 2, card, NULL, &rep) == API_OK);
		CHECK(rep->integer == 1);
		freeReplyObject(rep);
		CHECK(tstore_delete(st, id, "", NULL) == API_ENOTFOUND);
	}
}

int
main(void)
{
	const char *env = getenv("TEST_STORE_PORT");
	const char *sadd[] = { "SADD", "t:set", "x" };
	struct store *st;
	redisReply *rep;
	char *v;
	pid_t redis;

	snprintf(port, sizeof(port), "%s", env ? env : "16389");
	redis = start_redis();
	st = new_store();

	TEST("a read sent ahead gets its own reply");
	set(st, "t:a", "alpha");
	set(st, "t:b", "beta");
	store_get_send(st, "t:a");
	CHECK(store_get_recv(st, "t:a", &v) == API_OK);
	CHECK_STR(v, "alpha");
	free(v);

	TEST("a reply never received is thrown away by the next command");
	store_get_send(st, "t:a");
	CHECK(store_get_string(st, "t:b", &v) == API_OK);
	CHECK_STR(v, "beta");
	free(v);
	CHECK(store_get_string(st, "t:a", &v) == API_OK);
	CHECK_STR(v, "alpha");
	free(v);

	TEST("store_recv without store_send runs the command itself");
	CHECK(store_get_recv(st, "t:b", &v) == API_OK);
	CHECK_STR(v, "beta");
	free(v);

	TEST("a missing key and an error reply through the two halves");
	store_get_send(st, "t:none");
	CHECK(store_get_recv(st, "t:none", &v) ==
	    API_ENOTFOUND);
	CHECK(v == NULL);
	CHECK(store_cmd(st, 3, sadd, NULL, &rep) == API_OK);
	freeReplyObject(rep);
	store_get_send(st, "t:set");
	CHECK(store_get_recv(st, "t:set", &v) ==
	    API_EBADGATEWAY);
	CHECK(strstr(store_errstr(st), "WRONGTYPE") != NULL);
	/* The connection is still in step: the next reply is its own. */
	CHECK(store_get_string(st, "t:a", &v) == API_OK);
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
	CHECK(store_get_recv(st, "t:a", &v) == API_OK);
	CHECK_STR(v, "after");
	free(v);

	TEST("a read that cannot be sent is reported by store_recv");
	stop_redis(redis);
	store_free(st);
	st = new_store();
	store_get_send(st, "t:a");
	CHECK(store_get_recv(st, "t:a", &v) == API_EUNAVAIL);
	CHECK(strstr(store_errstr(st), "Redis unreachable") != NULL);
	CHECK(v == NULL);
	/* Nothing is left over: the next command tries, and fails, anew. */
	CHECK(store_get_string(st, "t:a", &v) ==
	    API_EUNAVAIL);

	TEST("the next read after Redis is back succeeds");
	redis = start_redis();
	set(st, "t:a", "back");
	store_get_send(st, "t:a");
	CHECK(store_get_recv(st, "t:a", &v) == API_OK);
	CHECK_STR(v, "back");
	free(v);

	test_scripts(st);
	test_task_update(st);

	store_free(st);
	stop_redis(redis);
	UNIT_DONE();
}
