/*
 * store: one worker's connection to Redis.
 *
 * The connection is made lazily, kept across requests and dropped after any
 * connection error (hiredis cannot use a context after c->err); the next call
 * connects again.  Every call is bounded by the timeout.  Failures map to the
 * API's codes: API_EUNAVAIL (cannot connect, connection lost), API_ETIMEOUT
 * (no answer in time), API_EBADGATEWAY (an error reply, or a reply of a shape
 * the caller did not expect).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <hiredis/hiredis.h>

#include "api.h"

struct store;

/* A Lua script run with EVALSHA, loaded on first use and after NOSCRIPT. */
struct store_script {
	const char *src;
	int writes;     /* it changes data: wait for replicas after it */
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

/*
 * Runs one command given as argv (lengths from strlen when argvlen is NULL).
 * Returns API_OK with the reply in *reply; an error reply from Redis is
 * API_EBADGATEWAY (and *reply holds it).  The caller frees *reply with
 * freeReplyObject() in every case (it is NULL when there was no reply).  On
 * failure the reason is in why.
 */
enum api_err store_cmd(struct store *st, int argc, const char **argv,
    const size_t *argvlen, redisReply **reply, char *why, size_t whylen);

/* EVALSHA sc with nkeys keys followed by the other arguments in argv. */
enum api_err store_eval(struct store *st, struct store_script *sc,
    int nkeys, int argc, const char **argv, const size_t *argvlen,
    redisReply **reply, char *why, size_t whylen);

/*
 * store_eval() for scripts that answer one status word ('ok', 'notfound',
 * ...): copies it into word.  A reply of another type is API_EBADGATEWAY.
 */
enum api_err store_eval_word(struct store *st, struct store_script *sc,
    int nkeys, int argc, const char **argv, char *word, size_t size,
    char *why, size_t whylen);

/*
 * GETs key.  Returns API_OK with *value (caller frees), API_ENOTFOUND when the
 * key does not exist (why untouched: the caller names the resource), or an
 * error with the reason in why; a value that is not a string is
 * API_EBADGATEWAY.
 */
enum api_err store_get_string(struct store *st, const char *key,
    char **value, char *why, size_t whylen);

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
    redisReply **reply, char *why, size_t whylen);

/* store_get_string() in the same two halves. */
void store_get_send(struct store *st, const char *key);
enum api_err store_get_recv(struct store *st, const char *key, char **value,
    char *why, size_t whylen);

/* API_OK when Redis answers PING. */
enum api_err store_ping(struct store *st, char *why, size_t whylen);

#endif
