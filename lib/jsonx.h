/*
 * jsonx: the json-c conventions of the project.
 *
 * json-c is lenient (see STACK-NOTES): its object functions assert on the
 * wrong type and its getters coerce.  Everything that reads client or Redis
 * JSON goes through these helpers, which check types first.
 */
#ifndef JSONX_H
#define JSONX_H

#include <stddef.h>
#include <json-c/json.h>

#include "api.h"

#define JSONX_MAX_DEPTH 16

/*
 * Parses buf[0..len) (buf need not be NUL-terminated) as one JSON object.
 * Returns API_OK with *out owned by the caller, or API_EBADJSON with a reason
 * in why: not JSON, trailing bytes, nested deeper than JSONX_MAX_DEPTH, or
 * not an object; API_EINVALID for a lone surrogate escape (not Unicode).
 */
enum api_err jsonx_parse_object(const char *buf, size_t len,
    struct json_object **out, char *why, size_t whylen);

/*
 * Parses a record read from Redis (s[len] must be NUL, as hiredis leaves
 * it): one JSON object, or NULL.  Records are this program's own output or
 * the seed's, so json-c's strict mode suffices (no RFC 8259 scan, unlike a
 * request body), and one tokener serves every call of the process.
 */
struct json_object *jsonx_parse_record(const char *s, size_t len);

/*
 * 1 if buf[0..len) is one JSON value by RFC 8259's grammar, nested at most
 * JSONX_MAX_DEPTH deep (json-c alone is more lenient); -1 if it is, but a
 * string holds a \u escape of a lone UTF-16 surrogate (not Unicode); 0 if
 * it is not JSON.
 */
int jsonx_is_strict(const char *buf, size_t len);

/*
 * 1 if buf[0..len) is a JSON array that jsonx_is_strict() takes whole (no
 * lone surrogates): text that can be spliced into a document as it is.
 */
int jsonx_is_array_text(const char *buf, size_t len);

/* The compact serialization of obj, owned by obj. */
const char *jsonx_serialize(struct json_object *obj, size_t *len);

/*
 * The string member key of obj, or NULL when obj is not an object, the member
 * is missing or not a string.  Owned by obj.
 */
const char *jsonx_get_str(struct json_object *obj, const char *key);

/*
 * Adds key to obj as a string, or as null when value is NULL.  key must be
 * a literal (it is not copied) and new to obj (not looked up).
 */
void jsonx_add_str(struct json_object *obj, const char *key, const char *value);

#endif
