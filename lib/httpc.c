#include "httpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "xmalloc.h"

struct httpc {
	CURL *curl;
	char *base;
	char errbuf[CURL_ERROR_SIZE];
	enum api_err err;
	char errstr[CURL_ERROR_SIZE];
};

enum api_err
httpc_err(const struct httpc *hc)
{
	return hc->err;
}

const char *
httpc_errstr(const struct httpc *hc)
{
	return hc->errstr;
}

struct httpc *
httpc_new(const char *base, int connect_timeout_ms, int timeout_ms)
{
	struct httpc *hc = xcalloc(1, sizeof(*hc));

	curl_global_init(CURL_GLOBAL_DEFAULT);
	hc->curl = curl_easy_init();
	if (hc->curl == NULL) {
		free(hc);
		return NULL;
	}
	hc->base = xstrdup(base);
	curl_easy_setopt(hc->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(hc->curl, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)connect_timeout_ms);
	curl_easy_setopt(hc->curl, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(hc->curl, CURLOPT_ERRORBUFFER, hc->errbuf);
	curl_easy_setopt(hc->curl, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(hc->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(hc->curl, CURLOPT_FOLLOWLOCATION, 0L);
	return hc;
}

void
httpc_free(struct httpc *hc)
{
	if (hc == NULL)
		return;
	curl_easy_cleanup(hc->curl);
	free(hc->base);
	free(hc);
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_resp *resp = arg;
	size_t n = size * nmemb;

	if (resp->len + n > HTTPC_MAX_BODY)
		return 0;   /* curl fails the transfer: CURLE_WRITE_ERROR */
	resp->body = xrealloc(resp->body, resp->len + n + 1);
	memcpy(resp->body + resp->len, data, n);
	resp->len += n;
	resp->body[resp->len] = '\0';
	return n;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_resp *resp = arg;
	size_t n = size * nmemb, k = sizeof("X-Total-Count:") - 1;

	if (n > k && strncasecmp(data, "X-Total-Count:", k) == 0) {
		size_t i = 0;

		for (data += k, n -= k; n > 0 && *data == ' '; data++, n--)
			;
		while (i < n && i < sizeof(resp->total_count) - 1 &&
		    data[i] >= '0' && data[i] <= '9') {
			resp->total_count[i] = data[i];
			i++;
		}
		resp->total_count[i] = '\0';
	}
	return size * nmemb;
}

enum api_err
httpc_get(struct httpc *hc, const char *path, const char *request_id,
    const char *authorization, struct httpc_resp *resp)
{
	struct curl_slist *hdrs = NULL;
	char *url = xasprintf("%s%s", hc->base, path);
	CURLcode cc;
	enum api_err rc = API_OK;

	memset(resp, 0, sizeof(*resp));
	if (request_id != NULL) {
		char *h = xasprintf("X-Request-ID: %s", request_id);

		hdrs = curl_slist_append(hdrs, h);
		free(h);
	}
	if (authorization != NULL && *authorization != '\0' &&
	    strpbrk(authorization, "\r\n") == NULL) {
		char *h = xasprintf("Authorization: %s", authorization);

		hdrs = curl_slist_append(hdrs, h);
		explicit_bzero(h, strlen(h));
		free(h);
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hc->errbuf[0] = '\0';
	curl_easy_setopt(hc->curl, CURLOPT_URL, url);
	curl_easy_setopt(hc->curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(hc->curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(hc->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(hc->curl, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(hc->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(hc->curl, CURLOPT_HEADERDATA, resp);
	cc = curl_easy_perform(hc->curl);
	switch (cc) {
	case CURLE_OK:
		curl_easy_getinfo(hc->curl, CURLINFO_RESPONSE_CODE,
		    &resp->status);
		if (resp->body == NULL)
			resp->body = xstrdup("");
		break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		rc = API_EUNAVAIL;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		rc = API_ETIMEOUT;
		break;
	default:
		rc = API_EBADGATEWAY;
		break;
	}
	if (rc != API_OK) {
		hc->err = rc;
		snprintf(hc->errstr, sizeof(hc->errstr), "%s", hc->errbuf[0] ?
		    hc->errbuf : curl_easy_strerror(cc));
		httpc_resp_release(resp);
	}
	/* The header list must not outlive this call. */
	curl_easy_setopt(hc->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	free(url);
	return rc;
}

void
httpc_resp_release(struct httpc_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}

char *
httpc_escape(struct httpc *hc, const char *s)
{
	char *e = curl_easy_escape(hc->curl, s, 0);
	char *out = xstrdup(e ? e : "");

	curl_free(e);
	return out;
}
