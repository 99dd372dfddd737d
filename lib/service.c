#include "service.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcgiapp.h>

#include "config.h"
#include "jsonx.h"
#include "log.h"
#include "token.h"

struct settings {
	const char *redis_host;
	int redis_port;
	const char *redis_password;
	int redis_timeout_ms;
	const char *redis_sentinels;
	const char *redis_master_name;
	int redis_min_replicas_ack;
	const char *peer_base;
	int http_timeout_ms;
	int http_connect_timeout_ms;
	const char *log_level;
	const char *auth;
	const char *signup;
	const char *admin_token_sha256;
};

static const char *
env_lookup(const char *name)
{
	return getenv(name);
}

static const char *
check_auth(const char *v)
{
	return strcmp(v, "token") == 0 || strcmp(v, "off") == 0 ? NULL :
	    "is not token or off";
}

static const char *
check_signup(const char *v)
{
	return strcmp(v, "open") == 0 || strcmp(v, "closed") == 0 ? NULL :
	    "is not open or closed";
}

static const char *
check_admin_hash(const char *v)
{
	return *v == '\0' || token_is_hash(v) ? NULL :
	    "is not a SHA-256 in hex (64 digits), nor empty";
}

/*
 * Reads the configuration into s; with list set, prints the name of every
 * variable read instead (`-e`, for checks of deployment files).
 */
static int
load_settings(const struct service_def *def, struct settings *s, int list,
    char *err, size_t errlen)
{
	const struct cfg_var vars[] = {
		{ "REDIS_HOST", CFG_STR, "127.0.0.1", 1, 255,
		    &s->redis_host, NULL },
		{ "REDIS_PORT", CFG_INT, "6379", 1, 65535, &s->redis_port,
		    NULL },
		{ "REDIS_PASSWORD", CFG_STR, "", 0, 512, &s->redis_password,
		    NULL },
		{ "REDIS_TIMEOUT_MS", CFG_INT, "1000", 10, 60000,
		    &s->redis_timeout_ms, NULL },
		{ "REDIS_SENTINELS", CFG_STR, "", 0, 4096,
		    &s->redis_sentinels, config_check_host_ports },
		{ "REDIS_MASTER_NAME", CFG_STR, "mymaster", 1, 128,
		    &s->redis_master_name, NULL },
		{ "REDIS_MIN_REPLICAS_ACK", CFG_INT, "0", 0, 16,
		    &s->redis_min_replicas_ack, NULL },
		{ def->peer_env, CFG_STR, def->peer_default, 8, 1024,
		    &s->peer_base, config_check_http_base },
		{ "HTTP_TIMEOUT_MS", CFG_INT, "3000", 10, 60000,
		    &s->http_timeout_ms, NULL },
		{ "HTTP_CONNECT_TIMEOUT_MS", CFG_INT, "1000", 10, 60000,
		    &s->http_connect_timeout_ms, NULL },
		{ "LOG_LEVEL", CFG_STR, "info", 1, 16, &s->log_level,
		    config_check_log_level },
		{ "AUTH", CFG_STR, "token", 1, 8, &s->auth, check_auth },
		{ "SIGNUP", CFG_STR, "open", 1, 8, &s->signup, check_signup },
		{ "ADMIN_TOKEN_SHA256", CFG_STR, "", 0, TOKEN_HASH_HEX,
		    &s->admin_token_sha256, check_admin_hash },
	};

	if (list) {
		for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			printf("%s\n", vars[i].name);
		return 0;
	}
	return config_load(vars, sizeof(vars) / sizeof(vars[0]), env_lookup, err,
	    errlen);
}

static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-e] [-n] [-r] [-T] [-I]\n"
	    "  -e  list the environment variables read, and exit\n"
	    "  -n  check the configuration and exit\n"
	    "  -r  list the routes with their flags, and exit\n"
	    "  -T  print a new token (for the admin) and exit\n"
	    "  -I  internal pool: serve the peer service, no outbound calls\n",
	    prog);
}

/*
 * -T: a new token on standard output, nothing else: the caller stores it
 * (scripts/admin-token.sh) and sets its SHA-256 as ADMIN_TOKEN_SHA256.
 */
static int
mint_admin_token(void)
{
	char tok[TOKEN_LEN + 1];

	if (token_new(tok) == -1) {
		fprintf(stderr, "cannot read random bytes\n");
		return 1;
	}
	printf("%s\n", tok);
	explicit_bzero(tok, sizeof(tok));
	return fflush(stdout) == 0 ? 0 : 1;
}

/* 1 if fd is a listening socket of the unix domain. */
static int
listens_on_unix_socket(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family == AF_UNIX;
}

int
service_main(int argc, char **argv, const struct service_def *def)
{
	struct service svc = { def, NULL, NULL, { 0 } };
	struct router_env env;
	struct settings s;
	FCGX_Request fx;
	struct req r;
	char err[512];
	int ch, check_only = 0, internal = 0, unix_listen;

	while ((ch = getopt(argc, argv, "enrTI")) != -1) {
		switch (ch) {
		case 'T':
			return mint_admin_token();
		case 'e':
			return load_settings(def, &s, 1, err, sizeof(err));
		case 'r':
			router_print(def->routes, def->nroutes, stdout);
			return 0;
		case 'n':
			check_only = 1;
			break;
		case 'I':
			internal = 1;
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (load_settings(def, &s, 0, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s: configuration: %s\n", argv[0], err);
		return 1;
	}
	if (check_only) {
		printf("%s: configuration OK\n", argv[0]);
		return 0;
	}
	log_init(def->name, (enum log_level)log_level_parse(s.log_level));
	svc.auth.mode = strcmp(s.auth, "off") == 0 ? AUTH_MODE_OFF :
	    AUTH_MODE_TOKEN;
	svc.auth.signup_open = strcmp(s.signup, "open") == 0;
	snprintf(svc.auth.admin_hash, sizeof(svc.auth.admin_hash), "%s",
	    s.admin_token_sha256);

	/* Per-process set-up: this runs after spawn-fcgi/multiwatch forked. */
	struct store_opts so = {
		.host = s.redis_host, .port = s.redis_port,
		.password = s.redis_password, .timeout_ms = s.redis_timeout_ms,
		.sentinels = s.redis_sentinels,
		.master_name = s.redis_master_name,
		.min_replicas_ack = s.redis_min_replicas_ack,
	};
	svc.store = store_new(&so);
	if (svc.store == NULL)
		fatalx("REDIS_SENTINELS: cannot be read");
	if (!internal) {
		svc.peer = httpc_new(s.peer_base, s.http_connect_timeout_ms,
		    s.http_timeout_ms);
		if (svc.peer == NULL)
			fatalx("cannot create the HTTP client");
	}
	if (FCGX_Init() != 0)
		fatalx("FCGX_Init failed");
	if (FCGX_InitRequest(&fx, 0, 0) != 0)
		fatalx("FCGX_InitRequest failed");
	env.auth = &svc.auth;
	env.store = svc.store;
	env.max_body = SERVICE_MAX_BODY;
	log_info("worker ready (%s pool, AUTH=%s%s)", internal ? "internal" :
	    "public", s.auth, svc.auth.mode == AUTH_MODE_TOKEN &&
	    svc.auth.admin_hash[0] == '\0' ? ", no admin token set" : "");

	unix_listen = listens_on_unix_socket(0);
	while (FCGX_Accept_r(&fx) >= 0) {
		req_begin(&r, &fx);
		log_set_request_id(r.request_id);
		router_dispatch(def->routes, def->nroutes, &r, &env, &svc);
		/*
		 * libfcgi closes a connection with shutdown(), then waits for
		 * the peer to close its end and reads to EOF: three system
		 * calls and a wait on nginx before the next accept, there so
		 * that no peer is cut off while still sending.  On a unix
		 * socket, once the body is read whole and the end of the
		 * input has arrived (nginx sends it with the request, so it
		 * is already in libfcgi's buffer), the peer sends nothing
		 * more, and a detached request is closed at once.  A peer
		 * that writes the end of its input later (cgi-fcgi) is waited
		 * for here rather than cut off with EPIPE.
		 */
		if (unix_listen && req_body_done(&r) &&
		    FCGX_GetChar(fx.in) == EOF && FCGX_HasSeenEOF(fx.in) == EOF)
			FCGX_Detach(&fx);
		req_end(&r);
		log_set_request_id(NULL);
		FCGX_Finish_r(&fx);
	}
	log_info("worker stopping");
	FCGX_Free(&fx, 1);
	store_free(svc.store);
	httpc_free(svc.peer);
	return 0;
}

enum api_err
service_health(struct req *r, void *ctx)
{
	struct service *svc = ctx;
	struct json_object *o = json_object_new_object();
	int ok = store_ping(svc->store) == API_OK;

	jsonx_add_str(o, "status", ok ? "healthy" : "degraded");
	jsonx_add_str(o, "service", svc->def->name);
	jsonx_add_str(o, "redis", ok ? "ok" : "unreachable");
	if (!ok)
		jsonx_add_str(o, "detail", store_errstr(svc->store));
	req_send(r, ok ? 200 : 503, o);
	return API_OK;
}

enum api_err
service_fail(struct service *svc, struct req *r, enum api_err rc)
{
	return req_fail(r, rc, "%s", store_errstr(svc->store));
}
