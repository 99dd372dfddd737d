/*
 * service: what a FastCGI worker of either service is made of, and its main.
 *
 * A service declares its name, the environment variable naming the peer it
 * calls and its routes; service_main() reads the configuration (one table,
 * shared by both), opens the per-worker Redis connection and curl handle, and
 * runs the accept loop on the socket spawn-fcgi hands over as fd 0.
 *
 * A worker started with -I belongs to an internal pool: it serves requests
 * that the other service makes and never makes an outbound call itself, so
 * the two services' pools can never all wait on each other.
 */
#ifndef SERVICE_H
#define SERVICE_H

#include <stddef.h>

#include "httpc.h"
#include "req.h"
#include "router.h"
#include "store.h"

#define SERVICE_MAX_BODY 65536

struct service_def {
	const char *name;          /* "users" */
	const char *peer_env;      /* "TASK_BASE" */
	const char *peer_default;  /* "http://127.0.0.1:8002" */
	const char *peer_name;     /* "task service", for error details */
	const struct route *routes;
	size_t nroutes;
};

/* The per-worker state handlers receive as ctx. */
struct service {
	const struct service_def *def;
	struct store *store;
	struct httpc *peer;        /* NULL in an internal pool */
	struct auth auth;          /* AUTH, SIGNUP, ADMIN_TOKEN_SHA256 */
};

/*
 * Runs a worker: `prog [-e] [-n] [-r] [-T] [-I]`.  Returns the exit status.
 */
int service_main(int argc, char **argv, const struct service_def *def);

/*
 * GET /health: 200 {"status": "healthy", "service", "redis": "ok"}, or 503
 * with "degraded" and "redis": "unreachable".
 */
enum api_err service_health(struct req *r, void *ctx);

/*
 * Fails r with rc, a failure of the store, and the reason the store keeps
 * (store_errstr()): the one place a store's error becomes the answer's.
 */
enum api_err service_fail(struct service *svc, struct req *r,
    enum api_err rc);

/* Calls to the other service (peer.c). */

/*
 * GETs path from the peer service, passing the request id and the
 * caller's Authorization on (the peer checks them as the gateway's would).  Returns API_OK
 * with resp filled (any status), or fails r with 503/504/502 and a detail
 * naming the peer.
 */
enum api_err service_peer_get(struct service *svc, struct req *r,
    const char *path, struct httpc_resp *resp);

/*
 * Fails r for an answer of the peer that is not 2xx, with the code of its
 * status (api_from_status()) and a detail naming the peer with its reason.
 * With client_errors set, a 4xx of the peer is the client's (it was the
 * client's input that the peer refused): its code and its detail as they
 * came.  Otherwise any 4xx is 502.
 */
enum api_err service_peer_fail(struct service *svc, struct req *r,
    const struct httpc_resp *resp, int client_errors);

#endif
