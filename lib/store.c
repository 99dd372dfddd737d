#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"
#include "xmalloc.h"

struct store {
	char *host;
	int port;
	char *password;
	struct timeval tv;
	redisContext *c;
	int reused;     /* the context has served a command already */
};

struct store *
store_new(const char *host, int port, const char *password, int timeout_ms)
{
	struct store *st = xcalloc(1, sizeof(*st));

	st->host = xstrdup(host);
	st->port = port;
	st->password = password && *password ? xstrdup(password) : NULL;
	st->tv.tv_sec = timeout_ms / 1000;
	st->tv.tv_usec = (timeout_ms % 1000) * 1000;
	return st;
}

static void
drop(struct store *st)
{
	if (st->c != NULL)
		redisFree(st->c);
	st->c = NULL;
	st->reused = 0;
}

void
store_free(struct store *st)
{
	if (st == NULL)
		return;
	drop(st);
	free(st->host);
	free(st->password);
	free(st);
}

/* Maps a context error to the API's code, with the reason. */
static enum api_err
ctx_error(const redisContext *c, char *why, size_t whylen)
{
	int timeout = c->err == REDIS_ERR_IO &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == ETIMEDOUT ||
	    errno == EINPROGRESS);

	/* hiredis reports a read timeout as "Resource temporarily unavailable". */
	if (timeout || strstr(c->errstr, "timed out") != NULL ||
	    strstr(c->errstr, "temporarily unavailable") != NULL) {
		snprintf(why, whylen, "Redis timed out");
		return API_ETIMEOUT;
	}
	if (c->err == REDIS_ERR_PROTOCOL) {
		snprintf(why, whylen, "Redis protocol error: %s", c->errstr);
		return API_EBADGATEWAY;
	}
	snprintf(why, whylen, "Redis unreachable: %s", c->errstr);
	return API_EUNAVAIL;
}

static enum api_err
connect_store(struct store *st, char *why, size_t whylen)
{
	redisReply *rep;
	enum api_err rc;

	st->c = redisConnectWithTimeout(st->host, st->port, st->tv);
	if (st->c == NULL) {
		snprintf(why, whylen, "Redis unreachable: out of memory");
		return API_EUNAVAIL;
	}
	if (st->c->err) {
		rc = ctx_error(st->c, why, whylen);
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
	if (st->password == NULL)
		return API_OK;
	rep = redisCommand(st->c, "AUTH %s", st->password);
	if (rep == NULL) {
		rc = ctx_error(st->c, why, whylen);
		drop(st);
		return rc;
	}
	rc = API_OK;
	if (rep->type == REDIS_REPLY_ERROR) {
		snprintf(why, whylen, "Redis refused AUTH: %s", rep->str);
		rc = API_EBADGATEWAY;
		drop(st);
	}
	freeReplyObject(rep);
	return rc;
}

enum api_err
store_cmd(struct store *st, int argc, const char **argv,
    const size_t *argvlen, redisReply **reply, char *why, size_t whylen)
{
	enum api_err rc;

	*reply = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		int reused;

		if (st->c == NULL && (rc = connect_store(st, why, whylen)) !=
		    API_OK)
			return rc;
		reused = st->reused;
		*reply = redisCommandArgv(st->c, argc, argv, argvlen);
		if (*reply != NULL) {
			st->reused = 1;
			if ((*reply)->type == REDIS_REPLY_ERROR) {
				snprintf(why, whylen, "Redis error: %s",
				    (*reply)->str);
				return API_EBADGATEWAY;
			}
			return API_OK;
		}
		rc = ctx_error(st->c, why, whylen);
		drop(st);
		/*
		 * A connection that served earlier commands and is found
		 * closed means Redis went away (a restart) in between: the
		 * command never reached a live server, so one more try on a
		 * fresh connection is safe.
		 */
		if (!reused || rc != API_EUNAVAIL)
			return rc;
		log_info("Redis connection lost, reconnecting: %s", why);
	}
	return rc;
}

enum api_err
store_eval(struct store *st, struct store_script *sc, int nkeys, int argc,
    const char **argv, const size_t *argvlen, redisReply **reply, char *why,
    size_t whylen)
{
	const char **av = xcalloc((size_t)argc + 3, sizeof(*av));
	size_t *avl = xcalloc((size_t)argc + 3, sizeof(*avl));
	char nk[16];
	enum api_err rc = API_OK;

	*reply = NULL;
	snprintf(nk, sizeof(nk), "%d", nkeys);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (sc->sha[0] == '\0') {
			const char *load[] = { "SCRIPT", "LOAD", sc->src };
			redisReply *rep;

			rc = store_cmd(st, 3, load, NULL, &rep, why, whylen);
			if (rc == API_OK && (rep->type != REDIS_REPLY_STRING ||
			    rep->len != 40)) {
				snprintf(why, whylen, "Redis: bad SCRIPT LOAD "
				    "reply");
				rc = API_EBADGATEWAY;
			}
			if (rc == API_OK)
				memcpy(sc->sha, rep->str, 41);
			freeReplyObject(rep);
			if (rc != API_OK)
				break;
		}
		av[0] = "EVALSHA";
		av[1] = sc->sha;
		av[2] = nk;
		avl[0] = 7;
		avl[1] = 40;
		avl[2] = strlen(nk);
		for (int i = 0; i < argc; i++) {
			av[i + 3] = argv[i];
			avl[i + 3] = argvlen ? argvlen[i] : strlen(argv[i]);
		}
		rc = store_cmd(st, argc + 3, av, avl, reply, why, whylen);
		/* Scripts are not kept across a restart or a failover. */
		if (rc == API_EBADGATEWAY && *reply != NULL &&
		    strncmp((*reply)->str, "NOSCRIPT", 8) == 0) {
			freeReplyObject(*reply);
			*reply = NULL;
			sc->sha[0] = '\0';
			continue;
		}
		break;
	}
	free(av);
	free(avl);
	return rc;
}

enum api_err
store_eval_word(struct store *st, struct store_script *sc, int nkeys,
    int argc, const char **argv, char *word, size_t size, char *why,
    size_t whylen)
{
	redisReply *rep;
	enum api_err rc;

	rc = store_eval(st, sc, nkeys, argc, argv, NULL, &rep, why, whylen);
	if (rc == API_OK && rep->type != REDIS_REPLY_STATUS &&
	    rep->type != REDIS_REPLY_STRING) {
		snprintf(why, whylen, "Redis: unexpected script reply");
		rc = API_EBADGATEWAY;
	}
	if (rc == API_OK)
		snprintf(word, size, "%s", rep->str);
	freeReplyObject(rep);
	return rc;
}

enum api_err
store_get_string(struct store *st, const char *key, char **value, char *why,
    size_t whylen)
{
	const char *argv[] = { "GET", key };
	redisReply *rep;
	enum api_err rc;

	*value = NULL;
	rc = store_cmd(st, 2, argv, NULL, &rep, why, whylen);
	if (rc == API_OK && rep->type == REDIS_REPLY_NIL)
		rc = API_ENOTFOUND;
	else if (rc == API_OK && rep->type != REDIS_REPLY_STRING) {
		snprintf(why, whylen, "Redis: %s is not a string", key);
		rc = API_EBADGATEWAY;
	} else if (rc == API_OK)
		*value = xstrndup(rep->str, rep->len);
	freeReplyObject(rep);
	return rc;
}

enum api_err
store_ping(struct store *st, char *why, size_t whylen)
{
	const char *argv[] = { "PING" };
	redisReply *rep;
	enum api_err rc;

	rc = store_cmd(st, 1, argv, NULL, &rep, why, whylen);
	freeReplyObject(rep);
	return rc;
}
