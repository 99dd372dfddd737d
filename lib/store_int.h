/*
 * store_int: what the store's own files share (store.c: connection,
 * commands and their retry, the reads sent ahead; sentinel.c: finding the
 * master; store_script.c: Lua scripts, their status words, WAIT).  Not for
 * use outside them: the store's contract is store.h.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <stdarg.h>

#include "store.h"

struct hostport {
	char host[256];
	int port;
};

struct store {
	struct hostport server;         /* the server, or the master found */
	struct hostport *sentinels;
	int nsentinels;
	int last_sentinel;              /* asked first next time */
	char *master_name;
	char *password;
	int min_acks;
	int wait_ms;
	struct timeval tv;
	redisContext *c;
	int reused;     /* the context has served a command already */
	/*
	 * A command sent ahead by store_send(): AHEAD_SENT, its reply not read
	 * yet; AHEAD_FAILED, it could not be sent, for the reason saved.
	 */
	enum { AHEAD_NONE, AHEAD_SENT, AHEAD_FAILED } ahead;
	enum api_err ahead_rc;
	char ahead_why[256];
	enum api_err err;               /* the last failure and its reason */
	char errstr[256];
};

/*
 * A command on the connection in hand, never on a new one (the connection's
 * set-up, and WAIT, which is about this connection's writes).  API_OK with
 * the reply, or the connection dropped: an error reply is API_EBADGATEWAY
 * naming what was refused.
 */
enum api_err store_conn_cmd(struct store *st, redisReply **rep,
    const char *what, const char *fmt, ...);
/* Maps a context error to the API's code, with the reason, in st. */
enum api_err store_ctx_error(struct store *st, const redisContext *c);
/*
 * Asks the Sentinels, the one that answered last first, where the master
 * is; fills st->server.
 */
enum api_err store_discover_master(struct store *st);

#endif
