/*
 * store: one worker's connection to Redis.
 *
 * The connection is made lazily, kept across requests and dropped after any
 * connection error (hiredis cannot use a context after c->err); the next call
 * connects again.  Every call is bounded by the timeout.  Failures map to the
 * API's codes: API_EUNAVAIL (cannot connect, connection lost), API_ETIMEOUT
 * (no answer in time), API_EBADGATEWAY (an error reply, or a reply of a shape
 * the caller did not expect).
 *
 * Errors are kept in the context, as hiredis keeps c->err and c->errstr:
 * every call that fails returns its code and leaves the code and a reason
 * naming Redis in the store (store_err(), store_errstr()), until the next
 * failure.  A caller that answers a request turns them into the answer.
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <hiredis/hiredis.h>

#include "api.h"

struct store;

/*
 * What a script's status word means ('notfound', 'conflict', ...): the code
 * and the reason store_run() leaves in the store.  A table ends with a
 * { NULL } entry; 'ok' is always success.
 */
struct store_word {
	const char *word;
	enum api_err err;
	const char *reason;
};

/*
 * A Lua script run with EVALSHA, loaded on first use and after NOSCRIPT.
 * It answers a status word, or an array of a status word and one string
 * (the record it wrote, say).
 */
struct store_script {
	const char *src;
	int writes;     /* it changes data: wait for replicas after it */
	const struct store_word *words;  /* its refusals; may be NULL */
	char sha[41];
};

struct store_opts {
	const char *host;       /* the server, when there are no Sentinels */
	int port;
	const char *password;   /* NULL or "" for no AUTH */
	int timeout_ms;         /* each connect and each command */
	const char *sentinels;  /* NULL, "" or host:port,host:port,... */
	const char *master_name;
	int min_replicas_ack;   /* 0: a write does not wait for replicas */
};

/* Does not connect yet.  Returns NULL when o->sentinels is malformed. */
struct store *store_new(const struct store_opts *o);
void store_free(struct store *st);

/* The code of the last failure (API_OK before any) and its reason. */
enum api_err store_err(const struct store *st);
const char *store_errstr(const struct store *st);

/*
 * Records a failure in the store's context and returns err: for a service
 * store that finds a record it cannot use, say.
 */
enum api_err store_fail(struct store *st, enum api_err err, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * Runs one command given as argv (lengths from strlen when argvlen is NULL).
 * Returns API_OK with the reply in *reply; an error reply from Redis is
 * API_EBADGATEWAY (and *reply holds it).  The caller frees *reply with
 * freeReplyObject() in every case (it is NULL when there was no reply).
 */
enum api_err store_cmd(struct store *st, int argc, const char **argv,
    const size_t *argvlen, redisReply **reply);

/*
 * EVALSHA sc with nkeys keys followed by the other arguments in argv, then
 * WAIT for the replicas when sc writes and the store asks for them.
 */
enum api_err store_eval(struct store *st, struct store_script *sc,
    int nkeys, int argc, const char **argv, redisReply **reply);

/*
 * Runs sc and reads its status word: 'ok' is API_OK, with the string that
 * came with it in *out when out is not NULL (caller frees; NULL when the
 * script sent none); a word of sc->words is its code, with its reason in
 * the store; any other reply is API_EBADGATEWAY.
 */
enum api_err store_run(struct store *st, struct store_script *sc, int nkeys,
    int argc, const char **argv, char **out);

/*
 * GETs key.  Returns API_OK with *value (caller frees), API_ENOTFOUND when the
 * key does not exist (the reason says which key: the caller names the
 * resource), or another failure; a value that is not a string is
 * API_EBADGATEWAY.
 */
enum api_err store_get_string(struct store *st, const char *key,
    char **value);

/*
 * A read in two halves, so that the worker can do something else (its HTTP
 * call) while Redis answers: store_send() sends argv and returns at once,
 * store_recv() (given the same argv) reads the reply, with store_cmd()'s
 * results.  A failure to send is reported by store_recv(); a kept
 * connection found closed is tried again there on a new one, as store_cmd()
 * does, so send only commands that are safe to run twice.  A reply sent
 * for and never received is thrown away by the next command.
 */
void store_send(struct store *st, int argc, const char **argv);
enum api_err store_recv(struct store *st, int argc, const char **argv,
    redisReply **reply);

/* store_get_string() in the same two halves. */
void store_get_send(struct store *st, const char *key);
enum api_err store_get_recv(struct store *st, const char *key, char **value);

/* API_OK when Redis answers PING. */
enum api_err store_ping(struct store *st);

#endif
