#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

long
utf8_count(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	long n = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t need;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			n++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else
			return -1;
		if (len - i <= need)
			return -1;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return -1;
		i += need + 1;
		n++;
	}
	return n;
}

static int
is_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		/* U+00A0 no-break space counts as blank, as in str.isspace(). */
		if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0) {
			s++;
			continue;
		}
		if (strchr(" \t\r\n\v\f", *s) == NULL)
			return 0;
	}
	return 1;
}

static int
has_control(const char *s, int multiline)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == 0x7f || (c < 0x20 &&
		    !(multiline && (c == '\t' || c == '\n' || c == '\r'))))
			return 1;
	}
	return 0;
}

int
validate_email(const char *s)
{
	const char *at = strchr(s, '@');
	const char *dom, *p, *lastdot;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return 0;
	if (at - s > 64)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f ||
		    strchr("()<>[]\\,;:\"", *p) != NULL)
			return 0;
	dom = at + 1;
	lastdot = strrchr(dom, '.');
	if (lastdot == NULL || dom[0] == '.' || lastdot[1] == '\0' ||
	    strstr(dom, "..") != NULL || s[0] == '.' || at[-1] == '.' ||
	    strstr(s, "..") != NULL)
		return 0;
	for (p = dom; *p != '\0'; p++)
		if (*p == '-' && (p == dom || p[-1] == '.' || p[1] == '.' ||
		    p[1] == '\0'))
			return 0;
	return 1;
}

int
validate_choice(const struct field_spec *sp, const char *s, char *why,
    size_t whylen)
{
	char list[256] = "";

	if (sp->choices == NULL)
		return 1;
	for (const char *const *c = sp->choices; *c != NULL; c++)
		if (strcmp(*c, s) == 0)
			return 1;
	for (const char *const *c = sp->choices; *c != NULL; c++) {
		strncat(list, list[0] ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, *c, sizeof(list) - strlen(list) - 1);
	}
	snprintf(why, whylen, "%s: must be one of %s", sp->name, list);
	return 0;
}

static enum api_err
check_string(const struct field_spec *sp, const char *s, size_t len,
    char *why, size_t whylen)
{
	long chars;

	if (strlen(s) != len) {
		snprintf(why, whylen, "%s: must not contain NUL characters",
		    sp->name);
		return API_EINVALID;
	}
	if ((chars = utf8_count(s, len)) < 0) {
		snprintf(why, whylen, "%s: must be valid UTF-8", sp->name);
		return API_EINVALID;
	}
	if ((size_t)chars < sp->min_chars) {
		snprintf(why, whylen, "%s: must be at least %zu characters",
		    sp->name, sp->min_chars);
		return API_EINVALID;
	}
	if ((size_t)chars > sp->max_chars) {
		snprintf(why, whylen, "%s: must be at most %zu characters",
		    sp->name, sp->max_chars);
		return API_EINVALID;
	}
	if ((sp->flags & FIELD_NOT_BLANK) && is_blank(s)) {
		snprintf(why, whylen, "%s: must not be blank", sp->name);
		return API_EINVALID;
	}
	if (has_control(s, sp->flags & FIELD_MULTILINE)) {
		snprintf(why, whylen, "%s: must not contain control characters",
		    sp->name);
		return API_EINVALID;
	}
	if ((sp->flags & FIELD_EMAIL) && !validate_email(s)) {
		snprintf(why, whylen, "%s: must be an e-mail address "
		    "(local@domain.tld)", sp->name);
		return API_EINVALID;
	}
	if (!validate_choice(sp, s, why, whylen))
		return API_EINVALID;
	return API_OK;
}

enum api_err
validate_object(struct json_object *obj, const struct field_spec *specs,
    size_t n, int partial, struct field_value *out, char *why, size_t whylen)
{
	for (size_t i = 0; i < n; i++) {
		const struct field_spec *sp = &specs[i];
		struct json_object *v;
		enum api_err rc;

		out[i].present = 0;
		out[i].str = NULL;
		out[i].num = 0;
		if (!json_object_object_get_ex(obj, sp->name, &v)) {
			if ((sp->flags & FIELD_REQUIRED) && !partial) {
				snprintf(why, whylen, "%s: field required",
				    sp->name);
				return API_EINVALID;
			}
			continue;
		}
		out[i].present = 1;
		if (v == NULL) {
			if (sp->flags & FIELD_NULLABLE)
				continue;
			snprintf(why, whylen, "%s: must not be null", sp->name);
			return API_EINVALID;
		}
		if (sp->flags & FIELD_INTEGER) {
			int64_t num = 0;

			/* json-c saturates what does not fit: bounds refuse it. */
			if (json_object_is_type(v, json_type_int))
				num = json_object_get_int64(v);
			if (!json_object_is_type(v, json_type_int) ||
			    num < (int64_t)sp->min_chars ||
			    num > (int64_t)sp->max_chars) {
				snprintf(why, whylen, "%s: must be an integer in "
				    "%zu..%zu", sp->name, sp->min_chars,
				    sp->max_chars);
				return API_EINVALID;
			}
			out[i].num = (long)num;
			continue;
		}
		if (!json_object_is_type(v, json_type_string)) {
			snprintf(why, whylen, "%s: must be a string%s", sp->name,
			    (sp->flags & FIELD_NULLABLE) ? " or null" : "");
			return API_EINVALID;
		}
		rc = check_string(sp, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), why, whylen);
		if (rc != API_OK)
			return rc;
		out[i].str = json_object_get_string(v);
	}
	return API_OK;
}
