#!/usr/bin/env bash
# render-site.sh: writes nginx/site.conf.in with its @NAMES@ filled in, to
# standard output.  The one place that turns the template into nginx's
# configuration, for the stack (stack.sh) and for `make install` alike.
#
# Reads (all required):
#   SOCK_DIR       where the pools' unix sockets are, for the default servers
#   CONF_DIR       where fastcgi.conf and errors.conf are installed
#   GATEWAY_ADDR GATEWAY_PORT INTERNAL_ADDR USERS_PORT TASKS_PORT
#   RATE_LIMIT RATE_BURST CLIENT_TIMEOUT (seconds)
#   ACCESS_LOG INTERNAL_LOG  an access_log argument ("off", or a path and format)
# and optionally:
#   FASTCGI_KEEPALIVE  idle FastCGI connections each nginx worker keeps per
#                  upstream (fastcgi_keep_conn); 0 = a connection per request.
#                  The caller enforces the sizing rule (stack.sh).  [0]
#   INTERNAL_KEEPALIVE  the same for the two internal pools only (the larger
#                  of the two applies to them); its rule is stack.sh's.  [0]
# and, for pools elsewhere (space-separated unix:/path or host:port):
#   USERS_UPSTREAM USERS_WRITE_UPSTREAM USERS_INTERNAL_UPSTREAM
#   TASKS_UPSTREAM TASKS_WRITE_UPSTREAM TASKS_INTERNAL_UPSTREAM
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

# servers POOL LIST: the server lines of one upstream.  A pool that fails is
# left alone for 5 s (max_fails=1) while the others take its requests.
servers() {
	local pool=$1 list=$2 s out=""
	[[ -n $list ]] || list="unix:$SOCK_DIR/$pool.sock"
	for s in $list; do
		case $s in
		unix:/*) ;;
		0.0.0.0:* | \[::\]:* | \*:*)
			echo "render-site: $pool: '$s' is not one host" >&2; exit 1 ;;
		*:[0-9]*) ;;
		*) echo "render-site: $pool: '$s' is not unix:/path or host:port" >&2; exit 1 ;;
		esac
		out+="server $s max_fails=1 fail_timeout=5s; "
	done
	echo "$out"
}

users=$(servers users "${USERS_UPSTREAM:-}")
users_write=$(servers users-write "${USERS_WRITE_UPSTREAM:-}")
users_internal=$(servers users-internal "${USERS_INTERNAL_UPSTREAM:-}")
tasks=$(servers tasks "${TASKS_UPSTREAM:-}")
tasks_write=$(servers tasks-write "${TASKS_WRITE_UPSTREAM:-}")
tasks_internal=$(servers tasks-internal "${TASKS_INTERNAL_UPSTREAM:-}")

keepalive="" keep_conn=off
if [[ ${FASTCGI_KEEPALIVE:-0} != 0 ]]; then
	[[ $FASTCGI_KEEPALIVE =~ ^[0-9]+$ ]] ||
		{ echo "render-site: FASTCGI_KEEPALIVE: not a number" >&2; exit 1; }
	keepalive="keepalive $FASTCGI_KEEPALIVE;" keep_conn=on
fi

internal_keepalive=$keepalive internal_keep_conn=$keep_conn
k=${INTERNAL_KEEPALIVE:-0}
[[ $k =~ ^[0-9]+$ ]] ||
	{ echo "render-site: INTERNAL_KEEPALIVE: not a number" >&2; exit 1; }
if ((k > ${FASTCGI_KEEPALIVE:-0})); then
	internal_keepalive="keepalive $k;" internal_keep_conn=on
fi

sed -e "s|@CONF_DIR@|$CONF_DIR|g" \
    -e "s|@KEEPALIVE@|$keepalive|g" -e "s|@KEEP_CONN@|$keep_conn|g" \
    -e "s|@INTERNAL_KEEPALIVE@|$internal_keepalive|g" \
    -e "s|@INTERNAL_KEEP_CONN@|$internal_keep_conn|g" \
    -e "s|@LISTEN_ADDR@|$GATEWAY_ADDR|g" -e "s|@GATEWAY_PORT@|$GATEWAY_PORT|g" \
    -e "s|@INTERNAL_ADDR@|$INTERNAL_ADDR|g" \
    -e "s|@USERS_PORT@|$USERS_PORT|g" -e "s|@TASKS_PORT@|$TASKS_PORT|g" \
    -e "s|@RATE_LIMIT@|$RATE_LIMIT|g" -e "s|@RATE_BURST@|$RATE_BURST|g" \
    -e "s|@CLIENT_TIMEOUT@|${CLIENT_TIMEOUT}s|g" -e "s|@FASTCGI_TIMEOUT@|15s|g" \
    -e "s|@ACCESS_LOG@|$ACCESS_LOG|g" -e "s|@INTERNAL_LOG@|$INTERNAL_LOG|g" \
    -e "s|@USERS_SERVERS@|$users|" -e "s|@USERS_WRITE_SERVERS@|$users_write|" \
    -e "s|@USERS_INTERNAL_SERVERS@|$users_internal|" \
    -e "s|@TASKS_SERVERS@|$tasks|" -e "s|@TASKS_WRITE_SERVERS@|$tasks_write|" \
    -e "s|@TASKS_INTERNAL_SERVERS@|$tasks_internal|" \
    "$top/nginx/site.conf.in"
