/* JSON decoding and encoding through jsonx. */
#include "unit.h"

#include "jsonx.h"

/* jsonx_is_strict() of a whole C string. */
#define STRICT(str) jsonx_is_strict((str), strlen(str))

static enum api_err
parse(const char *s, size_t len)
{
	struct json_object *o;
	char why[128];
	enum api_err rc = jsonx_parse_object(s, len, &o, why, sizeof(why));

	json_object_put(o);
	return rc;
}

#define P(s) parse((s), sizeof(s) - 1)

int
main(void)
{
	struct json_object *o;
	char why[128], deep[256];
	size_t len;

	TEST("an object parses");
	CHECK(P("{\"a\":\"b\"}") == API_OK);
	CHECK(P("  {\"a\":[1,2,{\"b\":null}]}  \n") == API_OK);

	TEST("anything but an object is 400");
	CHECK(P("[]") == API_EBADJSON);
	CHECK(P("1") == API_EBADJSON);
	CHECK(P("\"s\"") == API_EBADJSON);
	CHECK(P("null") == API_EBADJSON);
	CHECK(P("") == API_EBADJSON);
	CHECK(P("   ") == API_EBADJSON);

	TEST("malformed JSON is 400");
	CHECK(P("{") == API_EBADJSON);
	CHECK(P("{\"a\":}") == API_EBADJSON);
	CHECK(P("{\"a\":1,}") == API_EBADJSON);
	CHECK(P("{'a':1}") == API_EBADJSON);
	CHECK(P("{\"a\":1} {}") == API_EBADJSON);
	CHECK(P("{\"a\":1}x") == API_EBADJSON);
	CHECK(P("{\"a\":\"\\x\"}") == API_EBADJSON);

	TEST("what json-c alone would take but RFC 8259 does not is 400");
	CHECK(P("{\"a\":NaN}") == API_EBADJSON);
	CHECK(P("{\"a\":Infinity}") == API_EBADJSON);
	CHECK(P("{\"a\":-Infinity}") == API_EBADJSON);
	CHECK(P("{\"a\":\"x\ty\"}") == API_EBADJSON);   /* raw tab */
	CHECK(P("{\"a\":01}") == API_EBADJSON);
	CHECK(P("{\"a\":1.}") == API_EBADJSON);
	CHECK(P("{\"a\":.5}") == API_EBADJSON);
	CHECK(P("{\"a\":\"\\u12\"}") == API_EBADJSON);
	CHECK(P("{\"a\":-0.5e+10,\"b\":[true,false,null],\"c\":\"\\u00e9\\n\"}")
	    == API_OK);
	CHECK(jsonx_is_strict("[1, 2 ,{} ]", 11) == 1);

	TEST("strings: the scan stops at a quote, a backslash, a control or the end");
	CHECK(STRICT("[\"plain text, then \\\" and \\\\\"]") == 1);
	CHECK(!STRICT("[\"abc"));   /* unterminated */
	CHECK(!STRICT("[\"abc\\"));   /* escape at the end */
	CHECK(!STRICT("[\"abc\ndef\"]"));   /* raw newline */
	CHECK(!STRICT("[\"abc\\q\"]"));   /* unknown escape */
	CHECK(STRICT("[\"\xc3\xa9t\xc3\xa9\"]") == 1);   /* UTF-8 */

	TEST("lone UTF-16 surrogate escapes are 422, pairs are fine");
	CHECK(P("{\"a\":\"\\ud800\"}") == API_EINVALID);
	CHECK(P("{\"a\":\"\\udc00x\"}") == API_EINVALID);
	CHECK(P("{\"a\":\"\\ud800\\u0041\"}") == API_EINVALID);
	CHECK(P("{\"a\":\"\\ud83d\\ude00\"}") == API_OK);
	CHECK(!jsonx_is_strict("[1,]", 4));
	CHECK(jsonx_is_array_text("[]", 2));
	CHECK(jsonx_is_array_text(" [{\"a\":\"\\u00e9\"}]\n", 18));
	CHECK(!jsonx_is_array_text("{}", 2));
	CHECK(!jsonx_is_array_text("\"[\"", 3));
	CHECK(!jsonx_is_array_text("[1] [2]", 7));
	CHECK(!jsonx_is_array_text("[\"\\ud800\"]", 10));
	CHECK(!jsonx_is_array_text("[1", 2));
	CHECK(!jsonx_is_array_text("", 0));
	CHECK(!jsonx_is_strict("{\"a\" 1}", 7));

	TEST("a NUL byte inside the body is 400, not a truncated parse");
	CHECK(parse("{\"a\":1}\0garbage", 15) == API_EBADJSON);
	CHECK(parse("{\"a\":\"x\0\"}", 10) == API_EBADJSON);

	TEST("nesting deeper than the limit is 400");
	len = 0;
	deep[len++] = '{';
	for (int i = 0; i < JSONX_MAX_DEPTH + 2; i++)
		len += (size_t)snprintf(deep + len, sizeof(deep) - len, "\"a\":{");
	for (int i = 0; i < JSONX_MAX_DEPTH + 3; i++)
		deep[len++] = '}';
	CHECK(parse(deep, len) == API_EBADJSON);
	CHECK(jsonx_parse_object(deep, len, &o, why, sizeof(why)) ==
	    API_EBADJSON);
	CHECK(strstr(why, "nested deeper") != NULL);

	TEST("the body need not be NUL-terminated");
	CHECK(parse("{\"a\":1}XXXX", 7) == API_OK);

	TEST("serialization is compact, does not escape slashes, keeps UTF-8");
	o = json_object_new_object();
	jsonx_add_str(o, "p", "/users/\xc3\xa9");
	jsonx_add_str(o, "n", NULL);
	CHECK_STR(jsonx_serialize(o, &len), "{\"p\":\"/users/\xc3\xa9\",\"n\":null}");
	CHECK(len == strlen("{\"p\":\"/users/\xc3\xa9\",\"n\":null}"));

	TEST("jsonx_get_str checks types instead of coercing");
	CHECK_STR(jsonx_get_str(o, "p"), "/users/\xc3\xa9");
	CHECK(jsonx_get_str(o, "n") == NULL);
	CHECK(jsonx_get_str(o, "missing") == NULL);
	json_object_put(o);
	o = json_object_new_array();
	CHECK(jsonx_get_str(o, "p") == NULL);   /* no assert on an array */
	json_object_put(o);

	UNIT_DONE();
}
