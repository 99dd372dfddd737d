/*
 * record: a JSON record under "<prefix><id>" in Redis, read and decoded the
 * one way both services read theirs.
 *
 * A service describes its records once (key prefix, the noun its errors
 * use, the function that decodes one) and reads them with record_get(), or
 * in two halves around other work with record_send() and record_recv().
 * Failures are the store's (store_err(), store_errstr()): "<noun> not
 * found" for a missing key, a 502 naming the key for a record the decoder
 * refuses.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <json-c/json.h>

#include "api.h"
#include "store.h"
#include "validate.h"

struct record_kind {
	const char *prefix;    /* "task:" */
	const char *noun;      /* "task", in "task not found" */
	size_t size;           /* of the struct decoded into */
	/*
	 * Decodes raw into dst: 0, or -1 when it is malformed.  dst is
	 * zeroed first (by record_recv(), whatever happens), and released by
	 * the caller either way.
	 */
	int (*decode)(void *dst, const char *id, const char *raw);
};

/*
 * The opening of a script that changes the record at KEYS[1]: it answers
 * 'notfound' when there is none, else leaves `cur`, the stored text, and
 * `ok, rec`, pcall(cjson.decode) of it (ok is false when it is not JSON).
 */
#define RECORD_LUA_READ \
    "local cur = redis.call('GET', KEYS[1])\n" \
    "if not cur then return 'notfound' end\n" \
    "local ok, rec = pcall(cjson.decode, cur)\n"

/*
 * A record read before its handler ran, in the round trip that looked the
 * caller's token up (auth_identify()): its key, and its value (NULL when
 * the key does not exist).  key is NULL when nothing was read ahead.
 */
struct record_ahead {
	char *key;
	char *value;
};

/* "<prefix><id>"; caller frees. */
char *record_key(const struct record_kind *k, const char *id);

/*
 * Reads and decodes the record of id into dst; from ahead (which may be
 * NULL) without asking Redis again when it holds that record's key.
 */
enum api_err record_get(struct store *st, const struct record_kind *k,
    const char *id, const struct record_ahead *ahead, void *dst);
/*
 * record_get() in two halves (store_send()): the read goes out at once
 * (unless ahead holds it already).
 */
void record_send(struct store *st, const struct record_kind *k,
    const char *id, const struct record_ahead *ahead);
enum api_err record_recv(struct store *st, const struct record_kind *k,
    const char *id, const struct record_ahead *ahead, void *dst);
/* Frees what ahead holds; it can be reused. */
void record_ahead_release(struct record_ahead *ahead);

/*
 * Runs sc (store_run()), which answers 'ok' with the record of id it wrote,
 * and decodes that record into dst.
 */
enum api_err record_run(struct store *st, const struct record_kind *k,
    struct store_script *sc, int nkeys, int argc, const char **argv,
    const char *id, void *dst);

/*
 * The fields present among v[0..n) (specs[i] names v[i]) as one JSON
 * object, serialized: what a merge script sets into a stored record.  A
 * null value is JSON null.  Caller frees.
 */
char *record_changes(const struct field_spec *specs,
    const struct field_value *v, size_t n);

#endif
