/*
 * req: one FastCGI request and its response.
 *
 * A struct req lives for one request: req_begin() reads the parameters nginx
 * sent, handlers read the parsed body and path parameters, and answer with
 * req_send() or by returning an error set with req_fail().  Every response
 * body is JSON; errors are {"detail": "..."}.
 */
#ifndef REQ_H
#define REQ_H

#include <stddef.h>
#include <fcgiapp.h>
#include <json-c/json.h>

#include "api.h"
#include "auth.h"
#include "ids.h"
#include "record.h"
#include "validate.h"

#define REQ_MAX_PARAMS 4
#define REQ_MAX_FIELDS 8
#define REQ_DETAIL_MAX 512

struct req {
	FCGX_Request *fx;
	const char *method;        /* REQUEST_METHOD */
	const char *path;          /* DOCUMENT_URI, decoded and normalized */
	const char *query;         /* QUERY_STRING, raw */
	const char *content_type;  /* CONTENT_TYPE, or NULL */
	const char *request_id;    /* from the gateway; may be NULL */
	const char *authorization; /* the Authorization header, or NULL */
	long content_length;       /* 0 when absent, -1 when malformed */

	char *body;                /* after req_read_body(), NUL-terminated */
	size_t body_len;
	struct json_object *json;  /* the body parsed by the router */
	/* Its fields checked against the route's specs, in their order. */
	struct field_value fields[REQ_MAX_FIELDS];
	char *params[REQ_MAX_PARAMS];  /* path parameters, in pattern order */
	size_t nparams;
	struct caller caller;      /* who is calling, found by the router */
	struct record_ahead ahead; /* a record read with the caller's token */

	char headers[1024];        /* extra response header lines */
	size_t headers_len;
	char detail[REQ_DETAIL_MAX];  /* the reason of a failed request */
	int status;                /* the status sent, 0 until then */
};

/* Prepares r for the request just accepted on fx. */
void req_begin(struct req *r, FCGX_Request *fx);
/*
 * 1 when nothing of the request body is left to read: there was none, or
 * req_read_body() read all of it.
 */
int req_body_done(const struct req *r);
/* Frees what the request owned; r can be reused. */
void req_end(struct req *r);

/*
 * Reads the body (CONTENT_LENGTH bytes).  Returns API_OK, API_ETOOLARGE when
 * it is longer than max, or API_EBADJSON when it ends early; the reason is in
 * r->detail.
 */
enum api_err req_read_body(struct req *r, size_t max);

/* 1 if the Content-Type is application/json, alone or with charset=utf-8. */
int req_is_json(const char *content_type);

/* Adds a response header; name and value must not contain CR or LF. */
void req_header(struct req *r, const char *name, const char *value);

/*
 * Sends the response: status, the headers added so far and body serialized
 * as JSON (NULL for no body).  Takes ownership of body.
 */
void req_send(struct req *r, int status, struct json_object *body);

/*
 * 201 with `Location: <collection>/<id>` and body: the answer to a create.
 * Takes ownership of body.
 */
void req_send_created(struct req *r, const char *collection, const char *id,
    struct json_object *body);

/*
 * The first path parameter as a lowercase UUID in id; otherwise fails r
 * with 404 "<noun> not found" (a malformed id names nothing).
 */
enum api_err req_path_id(struct req *r, const char *noun,
    char id[ID_LEN + 1]);

/*
 * A pending caller (ROUTE_SCRIPT_AUTH) accepted by its write script as
 * user_id: named so in the logs from now on.  Nothing for other callers.
 */
void req_caller_resolved(struct req *r, const char *user_id);

/* Sends body_json (already serialized JSON) as is. */
void req_send_raw(struct req *r, int status, const char *body_json, size_t len);

/*
 * Records why the request failed and returns err, for handlers to write
 * `return req_fail(r, API_ENOTFOUND, "user not found");`.
 */
enum api_err req_fail(struct req *r, enum api_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sends the error response {"detail": r->detail} for err. */
void req_send_error(struct req *r, enum api_err err);

#endif
