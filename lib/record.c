#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "jsonx.h"
#include "xmalloc.h"

char *
record_key(const struct record_kind *k, const char *id)
{
	return xasprintf("%s%s", k->prefix, id);
}

/* 1 if ahead holds the value of key. */
static int
is_ahead(const struct record_ahead *ahead, const char *key)
{
	return ahead != NULL && ahead->key != NULL &&
	    strcmp(ahead->key, key) == 0;
}

void
record_send(struct store *st, const struct record_kind *k, const char *id,
    const struct record_ahead *ahead)
{
	char *key = record_key(k, id);

	if (!is_ahead(ahead, key))
		store_get_send(st, key);
	free(key);
}

/* Decodes raw, the record of id under key, into dst. */
static enum api_err
decode_key(struct store *st, const struct record_kind *k, const char *key,
    const char *id, const char *raw, void *dst)
{
	if (k->decode(dst, id, raw) == -1)
		return store_fail(st, API_EBADGATEWAY, "Redis: the record %s is "
		    "malformed", key);
	return API_OK;
}

/* The record of id under key, from ahead or the reply to its GET. */
static enum api_err
recv_key(struct store *st, const struct record_kind *k, const char *key,
    const char *id, const struct record_ahead *ahead, void *dst)
{
	char *value = NULL;
	enum api_err rc;

	memset(dst, 0, k->size);
	if (is_ahead(ahead, key)) {
		if (ahead->value == NULL)
			return store_fail(st, API_ENOTFOUND, "%s not found",
			    k->noun);
		return decode_key(st, k, key, id, ahead->value, dst);
	}
	rc = store_get_recv(st, key, &value);
	if (rc == API_ENOTFOUND)
		store_fail(st, rc, "%s not found", k->noun);
	else if (rc == API_OK)
		rc = decode_key(st, k, key, id, value, dst);
	free(value);
	return rc;
}

enum api_err
record_recv(struct store *st, const struct record_kind *k, const char *id,
    const struct record_ahead *ahead, void *dst)
{
	char *key = record_key(k, id);
	enum api_err rc = recv_key(st, k, key, id, ahead, dst);

	free(key);
	return rc;
}

enum api_err
record_get(struct store *st, const struct record_kind *k, const char *id,
    const struct record_ahead *ahead, void *dst)
{
	char *key = record_key(k, id);
	enum api_err rc;

	if (!is_ahead(ahead, key))
		store_get_send(st, key);
	rc = recv_key(st, k, key, id, ahead, dst);
	free(key);
	return rc;
}

void
record_ahead_release(struct record_ahead *ahead)
{
	free(ahead->key);
	free(ahead->value);
	ahead->key = ahead->value = NULL;
}

char *
record_changes(const struct field_spec *specs, const struct field_value *v,
    size_t n)
{
	struct json_object *o = json_object_new_object();
	char *s;

	for (size_t i = 0; i < n; i++)
		if (v[i].present)
			jsonx_add_str(o, specs[i].name, v[i].str);
	s = xstrdup(jsonx_serialize(o, NULL));
	json_object_put(o);
	return s;
}

enum api_err
record_run(struct store *st, const struct record_kind *k,
    struct store_script *sc, int nkeys, int argc, const char **argv,
    const char *id, void *dst)
{
	char *out = NULL;
	enum api_err rc;

	memset(dst, 0, k->size);
	rc = store_run(st, sc, nkeys, argc, argv, &out);
	if (rc == API_OK && (out == NULL || k->decode(dst, id, out) == -1))
		rc = store_fail(st, API_EBADGATEWAY, "Redis: the %s %s written "
		    "is malformed", k->noun, id);
	free(out);
	return rc;
}
