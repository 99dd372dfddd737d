#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "config.h"
#include "log.h"
#include "xmalloc.h"

#include "store_int.h"

enum api_err
store_err(const struct store *st)
{
	return st->err;
}

const char *
store_errstr(const struct store *st)
{
	return st->errstr;
}

static enum api_err
vfail(struct store *st, enum api_err err, const char *fmt, va_list ap)
{
	st->err = err;
	vsnprintf(st->errstr, sizeof(st->errstr), fmt, ap);
	return err;
}

enum api_err
store_fail(struct store *st, enum api_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(st, err, fmt, ap);
	va_end(ap);
	return err;
}

struct store *
store_new(const struct store_opts *o)
{
	struct store *st = xcalloc(1, sizeof(*st));
	const char *cur = o->sentinels ? o->sentinels : "";
	struct hostport hp;
	int rc;

	snprintf(st->server.host, sizeof(st->server.host), "%s", o->host);
	st->server.port = o->port;
	while ((rc = config_next_host_port(&cur, hp.host, sizeof(hp.host),
	    &hp.port)) == 1) {
		st->sentinels = xrealloc(st->sentinels,
		    ((size_t)st->nsentinels + 1) * sizeof(*st->sentinels));
		st->sentinels[st->nsentinels++] = hp;
	}
	st->master_name = xstrdup(o->master_name ? o->master_name : "mymaster");
	st->password = o->password && *o->password ? xstrdup(o->password) :
	    NULL;
	st->min_acks = o->min_replicas_ack;
	/* WAIT must give up before the socket's own timeout fires. */
	st->wait_ms = o->timeout_ms - o->timeout_ms / 4;
	st->tv.tv_sec = o->timeout_ms / 1000;
	st->tv.tv_usec = (o->timeout_ms % 1000) * 1000;
	if (rc == -1) {
		store_free(st);
		return NULL;
	}
	return st;
}

static void
drop(struct store *st)
{
	if (st->c != NULL)
		redisFree(st->c);
	st->c = NULL;
	st->reused = 0;
	if (st->ahead == AHEAD_SENT)
		st->ahead = AHEAD_NONE;   /* its reply went with the connection */
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	drop(st);
	free(st->sentinels);
	free(st->master_name);
	free(st->password);
	free(st);
}

enum api_err
store_ctx_error(struct store *st, const redisContext *c)
{
	int timeout = c->err == REDIS_ERR_IO &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == ETIMEDOUT ||
	    errno == EINPROGRESS);

	/* hiredis reports a read timeout as "Resource temporarily unavailable". */
	if (timeout || strstr(c->errstr, "timed out") != NULL ||
	    strstr(c->errstr, "temporarily unavailable") != NULL) {
		return store_fail(st, API_ETIMEOUT, "Redis timed out");
	}
	if (c->err == REDIS_ERR_PROTOCOL)
		return store_fail(st, API_EBADGATEWAY, "Redis protocol error: %s",
		    c->errstr);
	return store_fail(st, API_EUNAVAIL, "Redis unreachable: %s", c->errstr);
}

enum api_err
store_conn_cmd(struct store *st, redisReply **rep, const char *what,
    const char *fmt, ...)
{
	enum api_err rc;
	va_list ap;

	va_start(ap, fmt);
	*rep = redisvCommand(st->c, fmt, ap);
	va_end(ap);
	if (*rep == NULL) {
		rc = store_ctx_error(st, st->c);
		drop(st);
		return rc;
	}
	if ((*rep)->type == REDIS_REPLY_ERROR) {
		store_fail(st, API_EBADGATEWAY, "Redis refused %s: %s", what,
		    (*rep)->str);
		freeReplyObject(*rep);
		*rep = NULL;
		drop(st);
		return API_EBADGATEWAY;
	}
	return API_OK;
}

static enum api_err
connect_store(struct store *st)
{
	redisReply *rep;
	enum api_err rc;
	int master;

	if (st->nsentinels > 0 &&
	    (rc = store_discover_master(st)) != API_OK)
		return rc;
	st->c = redisConnectWithTimeout(st->server.host, st->server.port,
	    st->tv);
	if (st->c == NULL)
		return store_fail(st, API_EUNAVAIL, "Redis unreachable: out of "
		    "memory");
	if (st->c->err) {
		rc = store_ctx_error(st, st->c);
		/* A refused or failed connect is "unreachable", not a timeout,
		 * unless the connect itself ran out of time. */
		if (rc == API_ETIMEOUT && errno != ETIMEDOUT &&
		    errno != EINPROGRESS)
			rc = API_EUNAVAIL;
		drop(st);
		return rc;
	}
	/* The connect timeout does not cover commands; set it for them. */
	redisSetTimeout(st->c, st->tv);
	redisEnableKeepAlive(st->c);
	if (st->password != NULL) {
		if ((rc = store_conn_cmd(st, &rep, "AUTH", "AUTH %s", st->password)) !=
		    API_OK)
			return rc;
		freeReplyObject(rep);
	}
	if (st->nsentinels == 0)
		return API_OK;
	/* What a Sentinel says may be stale: the server itself confirms. */
	if ((rc = store_conn_cmd(st, &rep, "ROLE", "ROLE")) != API_OK)
		return rc;
	master = rep->type == REDIS_REPLY_ARRAY && rep->elements > 0 &&
	    rep->element[0]->type == REDIS_REPLY_STRING &&
	    strcmp(rep->element[0]->str, "master") == 0;
	freeReplyObject(rep);
	if (!master) {
		store_fail(st, API_EUNAVAIL, "Redis %s:%d named by Sentinel is not "
		    "the master (yet)", st->server.host, st->server.port);
		drop(st);
		return API_EUNAVAIL;
	}
	log_info("Redis master for '%s' is %s:%d", st->master_name,
	    st->server.host, st->server.port);
	return API_OK;
}

/*
 * Reads and throws away the reply of a command sent ahead and never
 * received (a caller that gave up on it): the next command must not read
 * it as its own.
 */
static void
settle(struct store *st)
{
	redisReply *rep;

	if (st->ahead == AHEAD_SENT) {
		if (redisGetReply(st->c, (void **)&rep) == REDIS_OK)
			freeReplyObject(rep);
		else
			drop(st);
	}
	st->ahead = AHEAD_NONE;
}

/*
 * After a command failed on the connection: drops it and says whether one
 * more try on a fresh connection is safe.  A connection that served
 * earlier commands and is found closed means Redis went away (a restart)
 * in between: the command never reached a live server.
 */
static int
lost(struct store *st, int reused, enum api_err *rc)
{
	*rc = store_ctx_error(st, st->c);
	drop(st);
	if (!reused || *rc != API_EUNAVAIL)
		return 0;
	log_info("Redis connection lost, reconnecting: %s", st->errstr);
	return 1;
}

enum api_err
store_cmd(struct store *st, int argc, const char **argv,
    const size_t *argvlen, redisReply **reply)
{
	enum api_err rc;

	*reply = NULL;
	settle(st);
	for (int attempt = 0; attempt < 2; attempt++) {
		int reused;

		if (st->c == NULL && (rc = connect_store(st)) != API_OK)
			return rc;
		reused = st->reused;
		*reply = redisCommandArgv(st->c, argc, argv, argvlen);
		if (*reply != NULL) {
			st->reused = 1;
			/*
			 * A master demoted by a failover refuses writes: the
			 * command did nothing, so it is safe to find the new
			 * master and try once more.
			 */
			if ((*reply)->type == REDIS_REPLY_ERROR &&
			    strncmp((*reply)->str, "READONLY", 8) == 0) {
				store_fail(st, API_EUNAVAIL, "Redis is a replica "
				    "now: %s", (*reply)->str);
				log_info("%s; looking for the master", st->errstr);
				drop(st);
				freeReplyObject(*reply);
				*reply = NULL;
				rc = API_EUNAVAIL;
				continue;
			}
			if ((*reply)->type == REDIS_REPLY_ERROR)
				return store_fail(st, API_EBADGATEWAY, "Redis "
				    "error: %s", (*reply)->str);
			return API_OK;
		}
		if (!lost(st, reused, &rc))
			return rc;
	}
	return rc;
}

/* A GET's reply as store_get_string() gives it. */
static enum api_err
string_reply(struct store *st, enum api_err rc, redisReply *rep,
    const char *key, char **value)
{
	*value = NULL;
	if (rc == API_OK && rep->type == REDIS_REPLY_NIL)
		rc = store_fail(st, API_ENOTFOUND, "%s not found", key);
	else if (rc == API_OK && rep->type != REDIS_REPLY_STRING)
		rc = store_fail(st, API_EBADGATEWAY, "Redis: %s is not a string",
		    key);
	else if (rc == API_OK)
		*value = xstrndup(rep->str, rep->len);
	freeReplyObject(rep);
	return rc;
}

enum api_err
store_get_string(struct store *st, const char *key, char **value)
{
	const char *argv[] = { "GET", key };
	redisReply *rep;
	enum api_err rc;

	rc = store_cmd(st, 2, argv, NULL, &rep);
	return string_reply(st, rc, rep, key, value);
}

void
store_get_send(struct store *st, const char *key)
{
	const char *argv[] = { "GET", key };

	store_send(st, 2, argv);
}

enum api_err
store_get_recv(struct store *st, const char *key, char **value)
{
	const char *argv[] = { "GET", key };
	redisReply *rep;
	enum api_err rc;

	rc = store_recv(st, 2, argv, &rep);
	return string_reply(st, rc, rep, key, value);
}

enum api_err
store_ping(struct store *st)
{
	const char *argv[] = { "PING" };
	redisReply *rep;
	enum api_err rc;

	rc = store_cmd(st, 1, argv, NULL, &rep);
	freeReplyObject(rep);
	return rc;
}

void
store_send(struct store *st, int argc, const char **argv)
{
	int done = 0;

	settle(st);
	st->ahead = AHEAD_FAILED;
	if (st->c == NULL && (st->ahead_rc = connect_store(st)) != API_OK)
		goto failed;
	if (redisAppendCommandArgv(st->c, argc, argv, NULL) != REDIS_OK) {
		st->ahead_rc = store_ctx_error(st, st->c);
		drop(st);
		goto failed;
	}
	while (!done) {
		if (redisBufferWrite(st->c, &done) != REDIS_OK) {
			/*
			 * A write that fails on a connection that served
			 * earlier commands: Redis went away in between, and
			 * store_recv() tries once more, as store_cmd() does.
			 */
			st->ahead_rc = store_ctx_error(st, st->c);
			if (st->reused && st->ahead_rc == API_EUNAVAIL)
				st->ahead = AHEAD_NONE;
			drop(st);
			goto failed;
		}
	}
	st->ahead = AHEAD_SENT;
	return;
failed:
	/* The reason is reported by store_recv(), not before. */
	snprintf(st->ahead_why, sizeof(st->ahead_why), "%s", st->errstr);
}

enum api_err
store_recv(struct store *st, int argc, const char **argv, redisReply **reply)
{
	enum api_err rc;
	int reused = st->reused;

	*reply = NULL;
	switch (st->ahead) {
	case AHEAD_NONE:
		return store_cmd(st, argc, argv, NULL, reply);
	case AHEAD_FAILED:
		st->ahead = AHEAD_NONE;
		return store_fail(st, st->ahead_rc, "%s", st->ahead_why);
	case AHEAD_SENT:
		break;
	}
	st->ahead = AHEAD_NONE;
	if (redisGetReply(st->c, (void **)reply) == REDIS_OK) {
		st->reused = 1;
		if ((*reply)->type == REDIS_REPLY_ERROR)
			return store_fail(st, API_EBADGATEWAY, "Redis error: %s",
			    (*reply)->str);
		return API_OK;
	}
	if (!lost(st, reused, &rc))
		return rc;
	return store_cmd(st, argc, argv, NULL, reply);
}
