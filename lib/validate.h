/*
 * validate: request bodies checked against field specs before a handler
 * uses them.
 *
 * A spec names a field, its bounds in characters (Unicode code points) and
 * its rules.  validate_object() checks every declared field of a JSON object
 * and hands back typed, bounded values; fields not declared are ignored.
 */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>
#include <json-c/json.h>

#include "api.h"

#define FIELD_REQUIRED  0x01  /* must be present (unless validating partially) */
#define FIELD_NULLABLE  0x02  /* null is a value */
#define FIELD_NOT_BLANK 0x04  /* not only white space */
#define FIELD_EMAIL     0x08  /* local@domain.tld */
#define FIELD_MULTILINE 0x10  /* tab, CR and LF allowed; other controls never */
#define FIELD_INTEGER   0x20  /* a JSON integer in min..max (not chars) */

struct field_spec {
	const char *name;
	unsigned flags;
	size_t min_chars, max_chars;
	const char *const *choices;   /* NULL-terminated allowed values, or NULL */
};

struct field_value {
	int present;          /* the field was in the object */
	const char *str;      /* NULL when the value is null; owned by the object */
	long num;             /* FIELD_INTEGER: the value */
};

/*
 * Checks obj (a JSON object) against specs[0..n).  With partial set, required
 * fields may be absent (PATCH).  Returns API_OK with out[i] filled for each
 * spec, or API_EINVALID with a reason naming the field in why.
 */
enum api_err validate_object(struct json_object *obj,
    const struct field_spec *specs, size_t n, int partial,
    struct field_value *out, char *why, size_t whylen);

/*
 * 1 if s is one of sp->choices (or sp has none); otherwise 0, with
 * "name: must be one of a, b, c" in why.
 */
int validate_choice(const struct field_spec *sp, const char *s, char *why,
    size_t whylen);

/* Number of code points in a valid UTF-8 string, or -1 if s is not UTF-8. */
long utf8_count(const char *s, size_t len);

/* 1 if s is an e-mail address of the local@domain.tld shape. */
int validate_email(const char *s);

#endif
