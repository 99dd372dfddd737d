#include "jsonx.h"

#include <stdio.h>
#include <string.h>

#include "xmalloc.h"

enum api_err
jsonx_parse_object(const char *buf, size_t len, struct json_object **out,
    char *why, size_t whylen)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	char *copy;
	enum api_err rc = API_EBADJSON;

	*out = NULL;
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(why, whylen, "body is not valid JSON: NUL byte");
		return API_EBADJSON;
	}
	/* The tokener needs the terminating NUL counted to see the end. */
	copy = xstrndup(buf, len);
	tok = json_tokener_new_ex(JSONX_MAX_DEPTH);
	if (tok == NULL) {
		free(copy);
		snprintf(why, whylen, "out of memory");
		return API_EINTERNAL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, copy, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	if (obj == NULL || jerr != json_tokener_success) {
		if (jerr == json_tokener_error_depth)
			snprintf(why, whylen,
			    "body is not valid JSON: nested deeper than %d",
			    JSONX_MAX_DEPTH);
		else
			snprintf(why, whylen, "body is not valid JSON: %s",
			    json_tokener_error_desc(jerr));
		json_object_put(obj);
		goto out;
	}
	if (!json_object_is_type(obj, json_type_object)) {
		snprintf(why, whylen, "body must be a JSON object");
		json_object_put(obj);
		goto out;
	}
	*out = obj;
	rc = API_OK;
out:
	json_tokener_free(tok);
	free(copy);
	return rc;
}

const char *
jsonx_serialize(struct json_object *obj, size_t *len)
{
	return json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

const char *
jsonx_get_str(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

void
jsonx_add_str(struct json_object *obj, const char *key, const char *value)
{
	json_object_object_add(obj, key,
	    value ? json_object_new_string(value) : NULL);
}
