/* Validation: each rule of the contract's field table. */
#include "unit.h"

#include <stdlib.h>

#include "jsonx.h"
#include "validate.h"

static const char *const colours[] = { "red", "green", NULL };

static const struct field_spec specs[] = {
	{ "name", FIELD_REQUIRED | FIELD_NOT_BLANK, 1, 5, NULL },
	{ "note", FIELD_NULLABLE | FIELD_MULTILINE, 0, 10, NULL },
	{ "colour", 0, 1, 16, colours },
	{ "email", FIELD_EMAIL, 3, 254, NULL },
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/* Validates body; returns the code and leaves the reason in why. */
static enum api_err
check(const char *body, int partial, char *why, struct field_value *v)
{
	struct json_object *o;
	struct field_value scratch[NSPECS];
	enum api_err rc;

	if (jsonx_parse_object(body, strlen(body), &o, why, 256) != API_OK)
		return API_EBADJSON;
	rc = validate_object(o, specs, NSPECS, partial, v ? v : scratch, why,
	    256);
	json_object_put(o);
	return rc;
}

int
main(void)
{
	char why[256];
	struct field_value v[NSPECS];

	TEST("a valid object passes and absent optional fields are absent");
	CHECK(check("{\"name\":\"ab\"}", 0, why, v) == API_OK);
	CHECK(v[0].present && !v[1].present && !v[2].present);

	TEST("a required field missing is 422 naming it");
	CHECK(check("{}", 0, why, NULL) == API_EINVALID);
	CHECK_STR(why, "name: field required");

	TEST("partial validation lets required fields be absent");
	CHECK(check("{}", 1, why, NULL) == API_OK);

	TEST("wrong types are refused");
	CHECK(check("{\"name\":5}", 0, why, NULL) == API_EINVALID);
	CHECK_STR(why, "name: must be a string");
	CHECK(check("{\"name\":[\"a\"]}", 0, why, NULL) == API_EINVALID);
	CHECK(check("{\"name\":{}}", 0, why, NULL) == API_EINVALID);
	CHECK(check("{\"name\":true}", 0, why, NULL) == API_EINVALID);

	TEST("null is refused unless the field is nullable");
	CHECK(check("{\"name\":null}", 0, why, NULL) == API_EINVALID);
	CHECK_STR(why, "name: must not be null");
	CHECK(check("{\"name\":\"a\",\"note\":null}", 0, why, v) == API_OK);
	CHECK(v[1].present && v[1].str == NULL);

	TEST("length is counted in characters, not bytes");
	CHECK(check("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", 0,
	    why, NULL) == API_OK);
	CHECK(check("{\"name\":\"abcdef\"}", 0, why, NULL) == API_EINVALID);
	CHECK_STR(why, "name: must be at most 5 characters");
	CHECK(check("{\"name\":\"\"}", 0, why, NULL) == API_EINVALID);

	TEST("blank strings are refused where not blank is required");
	CHECK(check("{\"name\":\"  \\t \"}", 0, why, NULL) == API_EINVALID);
	CHECK_STR(why, "name: must not be blank");
	CHECK(check("{\"name\":\"\xc2\xa0\"}", 0, why, NULL) == API_EINVALID);

	TEST("invalid UTF-8 is refused");
	CHECK(check("{\"name\":\"a\xff\"}", 0, why, NULL) == API_EINVALID);
	CHECK_STR(why, "name: must be valid UTF-8");
	CHECK(utf8_count("\xed\xa0\x80", 3) == -1);      /* surrogate */
	CHECK(utf8_count("\xc0\xaf", 2) == -1);          /* overlong */
	CHECK(utf8_count("\xf4\x90\x80\x80", 4) == -1);  /* > U+10FFFF */
	CHECK(utf8_count("\xe2\x82", 2) == -1);          /* truncated */
	CHECK(utf8_count("a\xf0\x9f\x98\x80", 5) == 2);

	TEST("NUL and control characters are refused, newlines only in multiline");
	CHECK(check("{\"name\":\"a\\u0000b\"}", 0, why, NULL) == API_EINVALID);
	CHECK(check("{\"name\":\"a\\nb\"}", 0, why, NULL) == API_EINVALID);
	CHECK(check("{\"name\":\"a\",\"note\":\"x\\ny\"}", 0, why, NULL) ==
	    API_OK);
	CHECK(check("{\"name\":\"a\",\"note\":\"x\\u0001\"}", 0, why, NULL) ==
	    API_EINVALID);

	TEST("choices: only the listed values");
	CHECK(check("{\"name\":\"a\",\"colour\":\"red\"}", 0, why, NULL) ==
	    API_OK);
	CHECK(check("{\"name\":\"a\",\"colour\":\"Red\"}", 0, why, NULL) ==
	    API_EINVALID);
	CHECK_STR(why, "colour: must be one of red, green");

	TEST("e-mail shape");
	CHECK(validate_email("a@b.co"));
	CHECK(validate_email("first.last+tag@sub.example.org"));
	CHECK(!validate_email("nope"));
	CHECK(!validate_email("a@b"));
	CHECK(!validate_email("@b.co"));
	CHECK(!validate_email("a@.co"));
	CHECK(!validate_email("a@b."));
	CHECK(!validate_email("a b@c.co"));
	CHECK(!validate_email("a@@b.co"));
	CHECK(!validate_email("a@b..co"));
	CHECK(!validate_email("a.@b.co"));
	CHECK(!validate_email("a@-b.co"));
	CHECK(check("{\"name\":\"a\",\"email\":\"x@y\"}", 0, why, NULL) ==
	    API_EINVALID);

	TEST("unknown fields are ignored");
	CHECK(check("{\"name\":\"a\",\"other\":[1,2,{}]}", 0, why, NULL) ==
	    API_OK);

	UNIT_DONE();
}
