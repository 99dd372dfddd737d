/* store_script: Lua scripts by EVALSHA, their status words, WAIT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "xmalloc.h"

/*
 * WAIT on the connection that made the write (a new connection would have
 * nothing to wait for): API_OK once min_acks replicas have it.
 */
static enum api_err
wait_replicas(struct store *st)
{
	redisReply *rep;
	enum api_err rc = API_OK;

	if (st->c == NULL)
		return store_fail(st, API_EUNAVAIL, "Redis connection lost "
		    "after a write");
	if ((rc = store_conn_cmd(st, &rep, "WAIT", "WAIT %d %d", st->min_acks,
	    st->wait_ms)) != API_OK)
		return rc;
	if (rep->type != REDIS_REPLY_INTEGER || rep->integer < st->min_acks)
		rc = store_fail(st, API_EUNAVAIL, "the write reached %lld of the "
		    "%d replicas required in %d ms; it may not survive a "
		    "failover", rep->type == REDIS_REPLY_INTEGER ?
		    rep->integer : 0LL, st->min_acks, st->wait_ms);
	freeReplyObject(rep);
	return rc;
}

enum api_err
store_eval(struct store *st, struct store_script *sc, int nkeys, int argc,
    const char **argv, redisReply **reply)
{
	const char **av = xcalloc((size_t)argc + 3, sizeof(*av));
	char nk[16];
	enum api_err rc = API_OK;

	*reply = NULL;
	snprintf(nk, sizeof(nk), "%d", nkeys);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (sc->sha[0] == '\0') {
			const char *load[] = { "SCRIPT", "LOAD", sc->src };
			redisReply *rep;

			rc = store_cmd(st, 3, load, NULL, &rep);
			if (rc == API_OK && (rep->type != REDIS_REPLY_STRING ||
			    rep->len != 40))
				rc = store_fail(st, API_EBADGATEWAY, "Redis: bad "
				    "SCRIPT LOAD reply");
			if (rc == API_OK)
				memcpy(sc->sha, rep->str, 41);
			freeReplyObject(rep);
			if (rc != API_OK)
				break;
		}
		av[0] = "EVALSHA";
		av[1] = sc->sha;
		av[2] = nk;
		memcpy(av + 3, argv, (size_t)argc * sizeof(*av));
		rc = store_cmd(st, argc + 3, av, NULL, reply);
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
	if (rc == API_OK && sc->writes && st->min_acks > 0 &&
	    (rc = wait_replicas(st)) != API_OK) {
		freeReplyObject(*reply);
		*reply = NULL;
	}
	return rc;
}

enum api_err
store_run(struct store *st, struct store_script *sc, int nkeys, int argc,
    const char **argv, char **out)
{
	redisReply *rep, *w, *payload = NULL;
	enum api_err rc;

	if (out != NULL)
		*out = NULL;
	if ((rc = store_eval(st, sc, nkeys, argc, argv, &rep)) != API_OK)
		goto done;
	w = rep;
	if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 &&
	    rep->element[1]->type == REDIS_REPLY_STRING) {
		w = rep->element[0];
		payload = rep->element[1];
	}
	if (w->type != REDIS_REPLY_STATUS && w->type != REDIS_REPLY_STRING) {
		rc = store_fail(st, API_EBADGATEWAY, "Redis: unexpected script "
		    "reply");
		goto done;
	}
	if (strcmp(w->str, "ok") == 0) {
		if (out != NULL && payload != NULL)
			*out = xstrndup(payload->str, payload->len);
		goto done;
	}
	for (const struct store_word *sw = sc->words; sw && sw->word; sw++)
		if (strcmp(sw->word, w->str) == 0) {
			rc = store_fail(st, sw->err, "%s", sw->reason);
			goto done;
		}
	rc = store_fail(st, API_EBADGATEWAY, "Redis: the script answered '%s'",
	    w->str);
done:
	freeReplyObject(rep);
	return rc;
}
