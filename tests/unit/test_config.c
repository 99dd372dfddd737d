/* Configuration: the table loader's checks. */
#include "unit.h"

#include "config.h"

static const char *env[16][2];

static const char *
fake_lookup(const char *name)
{
	for (int i = 0; env[i][0] != NULL; i++)
		if (strcmp(env[i][0], name) == 0)
			return env[i][1];
	return NULL;
}

static int port;
static const char *host, *base;
static const struct cfg_var vars[] = {
	{ "REDIS_HOST", CFG_STR, "127.0.0.1", 1, 255, &host, NULL },
	{ "REDIS_PORT", CFG_INT, "6379", 1, 65535, &port, NULL },
	{ "TASK_BASE", CFG_STR, NULL, 8, 1024, &base, config_check_http_base },
};

static int
load(const char *name, const char *value, char *err)
{
	memset(env, 0, sizeof(env));
	env[0][0] = "TASK_BASE";
	env[0][1] = "http://127.0.0.1:8002";
	if (name != NULL) {
		int i = strcmp(name, "TASK_BASE") == 0 ? 0 : 1;

		env[i][0] = name;
		env[i][1] = value;
	}
	return config_load(vars, 3, fake_lookup, err, 256);
}

int
main(void)
{
	char err[256];

	TEST("defaults apply when variables are unset");
	CHECK(load(NULL, NULL, err) == 0);
	CHECK(port == 6379);
	CHECK_STR(host, "127.0.0.1");

	TEST("a valid port is taken");
	CHECK(load("REDIS_PORT", "6380", err) == 0);
	CHECK(port == 6380);
	CHECK(load("REDIS_PORT", "65535", err) == 0);
	CHECK(load("REDIS_PORT", "1", err) == 0);

	TEST("bad ports are refused with the variable's name");
	CHECK(load("REDIS_PORT", "0", err) == -1);
	CHECK_STR(err, "REDIS_PORT: 0 is out of range 1..65535");
	CHECK(load("REDIS_PORT", "65536", err) == -1);
	CHECK(load("REDIS_PORT", "abc", err) == -1);
	CHECK_STR(err, "REDIS_PORT: 'abc' is not an integer");
	CHECK(load("REDIS_PORT", "", err) == -1);
	CHECK(load("REDIS_PORT", "63 79", err) == -1);
	CHECK(load("REDIS_PORT", "-1", err) == -1);
	CHECK(load("REDIS_PORT", "+80", err) == -1);
	CHECK(load("REDIS_PORT", "99999999999999999999", err) == -1);

	TEST("a missing required value is refused");
	memset(env, 0, sizeof(env));
	CHECK(config_load(vars, 3, fake_lookup, err, sizeof(err)) == -1);
	CHECK_STR(err, "TASK_BASE: required but not set");

	TEST("string bounds and validators");
	CHECK(load("REDIS_HOST", "", err) == -1);
	CHECK(load("TASK_BASE", "ftp://x:1", err) == -1);
	CHECK(strstr(err, "TASK_BASE") == err);
	CHECK(load("TASK_BASE", "http://x:1/", err) == -1);
	CHECK(load("TASK_BASE", "http://x:1", err) == 0);

	TEST("host:port lists (REDIS_SENTINELS)");
	{
		const char *cur = "127.0.0.1:26379,sentinel-b:26380,,::1:5";
		char h[256];
		int p;

		CHECK(config_next_host_port(&cur, h, sizeof(h), &p) == 1);
		CHECK_STR(h, "127.0.0.1");
		CHECK(p == 26379);
		CHECK(config_next_host_port(&cur, h, sizeof(h), &p) == 1);
		CHECK_STR(h, "sentinel-b");
		CHECK(p == 26380);
		CHECK(config_next_host_port(&cur, h, sizeof(h), &p) == 1);
		CHECK_STR(h, "::1");
		CHECK(p == 5);
		CHECK(config_next_host_port(&cur, h, sizeof(h), &p) == 0);
		cur = "longhostname:1";
		CHECK(config_next_host_port(&cur, h, 5, &p) == -1);
	}
	CHECK(config_check_host_ports("") == NULL);
	CHECK(config_check_host_ports("a:1") == NULL);
	CHECK(config_check_host_ports("a:1,b:65535") == NULL);
	CHECK(config_check_host_ports("a") != NULL);
	CHECK(config_check_host_ports("a:") != NULL);
	CHECK(config_check_host_ports(":1") != NULL);
	CHECK(config_check_host_ports("a:0") != NULL);
	CHECK(config_check_host_ports("a:65536") != NULL);
	CHECK(config_check_host_ports("a:99999999999999999999") != NULL);
	CHECK(config_check_host_ports("a:1x") != NULL);
	CHECK(config_check_host_ports("a:1,b") != NULL);
	CHECK(config_check_host_ports("a b:1") != NULL);

	UNIT_DONE();
}
