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

void
record_send(struct store *st, const struct record_kind *k, const char *id)
{
	char *key = record_key(k, id);

	store_get_send(st, key);
	free(key);
}

/* The reply to the GET of key, the record of id, decoded into dst. */
static enum api_err
recv_key(struct store *st, const struct record_kind *k, const char *key,
    const char *id, void *dst)
{
	char *value;
	enum api_err rc;

	memset(dst, 0, k->size);
	rc = store_get_recv(st, key, &value);
	if (rc == API_ENOTFOUND)
		store_fail(st, rc, "%s not found", k->noun);
	else if (rc == API_OK && k->decode(dst, id, value) == -1)
		rc = store_fail(st, API_EBADGATEWAY, "Redis: the record %s is "
		    "malformed", key);
	free(value);
	return rc;
}

enum api_err
record_recv(struct store *st, const struct record_kind *k, const char *id,
    void *dst)
{
	char *key = record_key(k, id);
	enum api_err rc = recv_key(st, k, key, id, dst);

	free(key);
	return rc;
}

enum api_err
record_get(struct store *st, const struct record_kind *k, const char *id,
    void *dst)
{
	char *key = record_key(k, id);
	enum api_err rc;

	store_get_send(st, key);
	rc = recv_key(st, k, key, id, dst);
	free(key);
	return rc;
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
