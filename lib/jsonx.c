#include "jsonx.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "xmalloc.h"

/*
 * A syntax check to RFC 8259 ahead of json-c, which even in strict mode takes
 * single-quoted names, NaN and Infinity and raw control characters in
 * strings.  It only says yes or no; json-c builds the tree.
 */
struct scan {
	const unsigned char *p, *end;
	int depth;
	int lone_surrogates;   /* \uD800-\uDFFF escapes not in a valid pair */
};

static int scan_value(struct scan *s);

static void
scan_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
scan_lit(struct scan *s, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* After a high surrogate: 0 if a low one follows (consumed), else 1. */
static int
scan_low_surrogate(struct scan *s)
{
	const unsigned char *q = s->p + 1;
	unsigned cp = 0;

	if (s->end - q < 6 || q[0] != '\\' || q[1] != 'u')
		return 1;
	for (int i = 2; i < 6; i++) {
		if (!isxdigit(q[i]))
			return 1;
		cp = cp * 16 + (unsigned)(isdigit(q[i]) ? q[i] - '0' :
		    (tolower(q[i]) - 'a' + 10));
	}
	if (cp < 0xdc00 || cp > 0xdfff)
		return 1;
	s->p = q + 5;
	return 0;
}

static int
scan_string(struct scan *s)
{
	if (s->p >= s->end || *s->p != '"')
		return -1;
	for (s->p++; s->p < s->end; s->p++) {
		if (*s->p == '"') {
			s->p++;
			return 0;
		}
		if (*s->p < 0x20)
			return -1;
		if (*s->p != '\\')
			continue;
		if (++s->p >= s->end)
			return -1;
		if (*s->p == 'u') {
			unsigned cp = 0;

			for (int i = 0; i < 4; i++) {
				if (++s->p >= s->end || !isxdigit(*s->p))
					return -1;
				cp = cp * 16 + (unsigned)(isdigit(*s->p) ?
				    *s->p - '0' : (tolower(*s->p) - 'a' + 10));
			}
			if (cp >= 0xd800 && cp <= 0xdbff)
				s->lone_surrogates += scan_low_surrogate(s);
			else if (cp >= 0xdc00 && cp <= 0xdfff)
				s->lone_surrogates++;
		} else if (strchr("\"\\/bfnrt", *s->p) == NULL || *s->p == 0)
			return -1;
	}
	return -1;
}

static int
scan_digits(struct scan *s)
{
	const unsigned char *start = s->p;

	while (s->p < s->end && isdigit(*s->p))
		s->p++;
	return s->p > start ? 0 : -1;
}

static int
scan_number(struct scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (scan_digits(s) == -1)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (scan_digits(s) == -1)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (scan_digits(s) == -1)
			return -1;
	}
	return 0;
}

/* An object or an array: open, members separated by ',', close. */
static int
scan_container(struct scan *s, int object)
{
	if (++s->depth > JSONX_MAX_DEPTH)
		return -1;
	s->p++;
	scan_ws(s);
	if (s->p < s->end && *s->p == (object ? '}' : ']')) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		scan_ws(s);
		if (object) {
			if (scan_string(s) == -1)
				return -1;
			scan_ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return -1;
		}
		if (scan_value(s) == -1)
			return -1;
		scan_ws(s);
		if (s->p >= s->end)
			return -1;
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p++ != (object ? '}' : ']'))
			return -1;
		s->depth--;
		return 0;
	}
}

static int
scan_value(struct scan *s)
{
	scan_ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{': return scan_container(s, 1);
	case '[': return scan_container(s, 0);
	case '"': return scan_string(s);
	case 't': return scan_lit(s, "true");
	case 'f': return scan_lit(s, "false");
	case 'n': return scan_lit(s, "null");
	default:  return scan_number(s);
	}
}

int
jsonx_is_strict(const char *buf, size_t len)
{
	struct scan s = { (const unsigned char *)buf,
	    (const unsigned char *)buf + len, 0, 0 };

	if (scan_value(&s) == -1)
		return 0;
	scan_ws(&s);
	if (s.p != s.end)
		return 0;
	return s.lone_surrogates ? -1 : 1;
}

enum api_err
jsonx_parse_object(const char *buf, size_t len, struct json_object **out,
    char *why, size_t whylen)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	char *copy;
	int strict;
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
	if (obj != NULL && jerr == json_tokener_success &&
	    (strict = jsonx_is_strict(buf, len)) != 1) {
		/* json-c would have made U+FFFD of a lone surrogate. */
		if (strict == -1) {
			snprintf(why, whylen, "a string is not valid UTF-8: "
			    "lone UTF-16 surrogate escape");
			rc = API_EINVALID;
		} else
			snprintf(why, whylen, "body is not valid JSON (RFC "
			    "8259): single quotes, NaN, Infinity or raw "
			    "control characters");
		json_object_put(obj);
		goto out;
	}
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

struct json_object *
jsonx_parse_record(const char *s, size_t len)
{
	static struct json_tokener *tok;
	struct json_object *obj;

	if (tok == NULL && (tok = json_tokener_new_ex(JSONX_MAX_DEPTH)) == NULL)
		return NULL;
	json_tokener_reset(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, s, (int)len + 1);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

int
jsonx_is_array_text(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
	    buf[i] == '\n'))
		i++;
	return i < len && buf[i] == '[' && jsonx_is_strict(buf, len) == 1;
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
	json_object_object_add_ex(obj, key,
	    value ? json_object_new_string(value) : NULL,
	    JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
}
