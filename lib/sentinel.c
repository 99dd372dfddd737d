/* sentinel: where the master is, asked of Redis Sentinel (store_int.h). */
#include <stdio.h>
#include <stdlib.h>

#include "store_int.h"

enum api_err
store_discover_master(struct store *st)
{
	store_fail(st, API_EUNAVAIL, "no Sentinel answered");
	for (int i = 0; i < st->nsentinels; i++) {
		int k = (st->last_sentinel + i) % st->nsentinels;
		const struct hostport *s = &st->sentinels[k];
		redisContext *c;
		redisReply *rep;
		int ok;

		c = redisConnectWithTimeout(s->host, s->port, st->tv);
		if (c == NULL || c->err) {
			store_fail(st, API_EUNAVAIL, "Sentinel %s:%d unreachable: "
			    "%s", s->host, s->port, c ? c->errstr : "out of memory");
			redisFree(c);
			continue;
		}
		redisSetTimeout(c, st->tv);
		rep = redisCommand(c, "SENTINEL get-master-addr-by-name %s",
		    st->master_name);
		ok = rep != NULL && rep->type == REDIS_REPLY_ARRAY &&
		    rep->elements == 2 &&
		    rep->element[0]->type == REDIS_REPLY_STRING &&
		    rep->element[1]->type == REDIS_REPLY_STRING &&
		    rep->element[0]->len < sizeof(st->server.host);
		if (ok) {
			snprintf(st->server.host, sizeof(st->server.host), "%s",
			    rep->element[0]->str);
			st->server.port = atoi(rep->element[1]->str);
			st->last_sentinel = k;
		} else
			store_fail(st, API_EUNAVAIL, "Sentinel %s:%d knows no "
			    "master '%s'", s->host, s->port, st->master_name);
		freeReplyObject(rep);
		redisFree(c);
		if (ok)
			return API_OK;
	}
	return API_EUNAVAIL;
}
