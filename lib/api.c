#include "api.h"

int
api_status(enum api_err err)
{
	switch (err) {
	case API_OK:          return 200;
	case API_EBADJSON:    return 400;
	case API_EUNAUTH:     return 401;
	case API_EFORBIDDEN:  return 403;
	case API_ENOTFOUND:   return 404;
	case API_EMETHOD:     return 405;
	case API_ECONFLICT:   return 409;
	case API_ETOOLARGE:   return 413;
	case API_EMEDIA:      return 415;
	case API_EINVALID:    return 422;
	case API_EINTERNAL:   return 500;
	case API_EBADGATEWAY: return 502;
	case API_EUNAVAIL:    return 503;
	case API_ETIMEOUT:    return 504;
	}
	return 500;
}

enum api_err
api_from_status(long status)
{
	if (status >= 200 && status < 300)
		return API_OK;
	for (enum api_err e = API_EBADJSON; e <= API_ETIMEOUT; e++)
		if (e != API_EINTERNAL && api_status(e) == status)
			return e;
	return API_EBADGATEWAY;
}

const char *
api_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	return "";
}
