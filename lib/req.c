#include "req.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jsonx.h"
#include "log.h"
#include "xmalloc.h"

/* The body's announced length: 0 when none is, -1 when it is malformed. */
static long
parse_length(const char *s)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 100000000L)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void
req_begin(struct req *r, FCGX_Request *fx)
{
	memset(r, 0, sizeof(*r));
	r->fx = fx;
	r->method = FCGX_GetParam("REQUEST_METHOD", fx->envp);
	r->path = FCGX_GetParam("DOCUMENT_URI", fx->envp);
	r->query = FCGX_GetParam("QUERY_STRING", fx->envp);
	r->content_type = FCGX_GetParam("CONTENT_TYPE", fx->envp);
	r->request_id = FCGX_GetParam("REQUEST_ID", fx->envp);
	r->authorization = FCGX_GetParam("HTTP_AUTHORIZATION", fx->envp);
	r->content_length = parse_length(FCGX_GetParam("CONTENT_LENGTH",
	    fx->envp));
	if (r->method == NULL)
		r->method = "GET";
	if (r->path == NULL)
		r->path = "/";
	if (r->query == NULL)
		r->query = "";
	if (r->content_type != NULL && *r->content_type == '\0')
		r->content_type = NULL;
}

int
req_body_done(const struct req *r)
{
	if (r->content_length <= 0)   /* malformed: how much is left is unknown */
		return r->content_length == 0;
	return r->body != NULL && r->body_len == (size_t)r->content_length;
}

void
req_end(struct req *r)
{
	free(r->body);
	json_object_put(r->json);
	for (size_t i = 0; i < r->nparams; i++)
		free(r->params[i]);
	record_ahead_release(&r->ahead);
	r->body = NULL;
	r->json = NULL;
	r->nparams = 0;
}

enum api_err
req_read_body(struct req *r, size_t max)
{
	size_t want, got = 0;

	if (r->content_length <= 0) {
		r->body = xstrdup("");
		return API_OK;
	}
	if ((size_t)r->content_length > max) {
		req_fail(r, API_ETOOLARGE, "body larger than %zu bytes", max);
		return API_ETOOLARGE;
	}
	want = (size_t)r->content_length;
	r->body = xmalloc(want + 1);
	while (got < want) {
		int n = FCGX_GetStr(r->body + got, (int)(want - got), r->fx->in);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	r->body[got] = '\0';
	r->body_len = got;
	if (got < want) {
		req_fail(r, API_EBADJSON, "body shorter than its Content-Length");
		return API_EBADJSON;
	}
	return API_OK;
}

int
req_is_json(const char *ct)
{
	const char *p;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return 0;
	p = ct + 16;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 1;
	if (*p++ != ';')
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncasecmp(p, "charset=", 8) != 0)
		return 0;
	p += 8;
	if (strncasecmp(p, "utf-8", 5) == 0)
		p += 5;
	else if (strncasecmp(p, "\"utf-8\"", 7) == 0)
		p += 7;
	else
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0';
}

void
req_header(struct req *r, const char *name, const char *value)
{
	int n;

	if (strpbrk(name, "\r\n") != NULL || strpbrk(value, "\r\n") != NULL)
		return;
	n = snprintf(r->headers + r->headers_len,
	    sizeof(r->headers) - r->headers_len, "%s: %s\r\n", name, value);
	if (n > 0 && (size_t)n < sizeof(r->headers) - r->headers_len)
		r->headers_len += (size_t)n;
	else
		log_warnx("response header %s dropped: no room", name);
}

void
req_send_raw(struct req *r, int status, const char *body, size_t len)
{
	char head[256];
	int n;

	if (r->status != 0) {
		log_error("second response to one request (status %d)", status);
		return;
	}
	r->status = status;
	if (body != NULL)
		n = snprintf(head, sizeof(head), "Status: %d %s\r\n"
		    "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n", status, api_reason(status), len);
	else
		n = snprintf(head, sizeof(head), "Status: %d %s\r\n", status,
		    api_reason(status));
	FCGX_PutStr(head, n, r->fx->out);
	FCGX_PutStr(r->headers, (int)r->headers_len, r->fx->out);
	FCGX_PutStr("\r\n", 2, r->fx->out);
	if (body != NULL)
		FCGX_PutStr(body, (int)len, r->fx->out);
}

void
req_send(struct req *r, int status, struct json_object *body)
{
	const char *s = NULL;
	size_t len = 0;

	if (body != NULL)
		s = jsonx_serialize(body, &len);
	req_send_raw(r, status, s, len);
	json_object_put(body);
}

enum api_err
req_fail(struct req *r, enum api_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
	return err;
}

void
req_send_error(struct req *r, enum api_err err)
{
	struct json_object *o = json_object_new_object();
	int status = api_status(err);

	if (r->detail[0] == '\0')
		snprintf(r->detail, sizeof(r->detail), "%s", api_reason(status));
	jsonx_add_str(o, "detail", r->detail);
	if (status >= 500)
		log_warnx("%s %s: %d %s", r->method, r->path, status, r->detail);
	else
		log_debug("%s %s: %d %s", r->method, r->path, status, r->detail);
	req_send(r, status, o);
}

void
req_send_created(struct req *r, const char *collection, const char *id,
    struct json_object *body)
{
	char *loc = xasprintf("%s/%s", collection, id);

	req_header(r, "Location", loc);
	free(loc);
	req_send(r, 201, body);
}

enum api_err
req_path_id(struct req *r, const char *noun, char id[ID_LEN + 1])
{
	if (r->nparams < 1 || !id_parse(r->params[0], id))
		return req_fail(r, API_ENOTFOUND, "%s not found", noun);
	return API_OK;
}

void
req_caller_resolved(struct req *r, const char *user_id)
{
	if (!r->caller.pending || user_id == NULL)
		return;
	auth_resolved(&r->caller, user_id);
	log_set_caller(auth_caller_name(&r->caller));
	req_header(r, "X-Caller", auth_caller_name(&r->caller));
}
