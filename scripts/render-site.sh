#!/usr/bin/env bash
# render-site.sh: writes nginx/site.conf.in with its @NAMES@ filled in, to
# standard output.  The one place that turns the template into nginx's
# configuration, for the stack (stack.sh) and for `make install` alike.
#
# The upstreams come from deploy/pools, one a pool.  The routing of the
# internal ports comes from the services' routes tables (`fcgi-<service>
# -r`): a route flagged "peer" calls the other service, so on an internal
# port it goes to its service's gateway pool, not to the internal pool,
# whose workers never call out (no cycle of pools waiting on each other).
#
# Reads (all required):
#   SOCK_DIR       where the pools' unix sockets are, for the default servers
#   CONF_DIR       where fastcgi.conf and errors.conf are installed
#   BIN_DIR        where fcgi-users and fcgi-tasks are, for their routes
#   GATEWAY_ADDR GATEWAY_PORT INTERNAL_ADDR USERS_PORT TASKS_PORT
#   RATE_LIMIT RATE_BURST CLIENT_TIMEOUT (seconds)
#   ACCESS_LOG INTERNAL_LOG  an access_log argument ("off", or a path and format)
# and optionally:
#   INTERNAL_KEEPALIVE  idle FastCGI connections each nginx worker keeps to
#                  each internal pool (fastcgi_keep_conn); its sizing rule
#                  is stack.sh's.  [0]
#   <POOL>_UPSTREAM  for pools elsewhere: space-separated unix:/path or
#                  host:port  [unix:SOCK_DIR/<pool>.sock]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/pools.sh"
pools_read

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

k=${INTERNAL_KEEPALIVE:-0}
[[ $k =~ ^[0-9]+$ ]] ||
	{ echo "render-site: INTERNAL_KEEPALIVE: not a number" >&2; exit 1; }
internal_keep_conn=off
((k == 0)) || internal_keep_conn=on

# One upstream a pool, named as the pool (- as _).
upstreams=""
for p in "${POOLS[@]}"; do
	v=$(pool_var "$p" _UPSTREAM)
	line="upstream ${p//-/_} { $(servers "$p" "${!v:-}")"
	[[ ${POOL_PORT[$p]} == internal && $k != 0 ]] && line+="keepalive $k; "
	upstreams+="$line}"$'\n'
done

# route_regex METHOD PATTERN: what the map below matches, "$request_method
# $uri", for one route ({name} is one segment; one trailing / is allowed).
route_regex() {
	local method=$1 path=$2
	[[ $method == GET ]] && method="(GET|HEAD)"
	path=$(sed 's/{[^}]*}/[^\/]+/g' <<<"$path")
	echo "\"~^$method $path/?\$\""
}

# Per service: which requests on its internal port call the peer.
maps=""
for svc in "${SERVICES[@]}"; do
	maps+="# $svc: the routes that call the other service (\`fcgi-$svc -r\`)."$'\n'
	maps+="map \"\$request_method \$uri\" \$${svc}_peer_route {"$'\n'
	routes=$("$BIN_DIR/fcgi-$svc" -r) ||
		{ echo "render-site: $BIN_DIR/fcgi-$svc -r failed" >&2; exit 1; }
	while read -r method pattern flags; do
		[[ ,$flags, == *,peer,* ]] || continue
		maps+="    $(route_regex "$method" "$pattern") 1;"$'\n'
	done <<<"$routes"
	maps+="    default \"\";"$'\n'"}"$'\n'
done

sed -e "s|@CONF_DIR@|$CONF_DIR|g" \
    -e "s|@INTERNAL_KEEP_CONN@|$internal_keep_conn|g" \
    -e "s|@LISTEN_ADDR@|$GATEWAY_ADDR|g" -e "s|@GATEWAY_PORT@|$GATEWAY_PORT|g" \
    -e "s|@INTERNAL_ADDR@|$INTERNAL_ADDR|g" \
    -e "s|@USERS_PORT@|$USERS_PORT|g" -e "s|@TASKS_PORT@|$TASKS_PORT|g" \
    -e "s|@RATE_LIMIT@|$RATE_LIMIT|g" -e "s|@RATE_BURST@|$RATE_BURST|g" \
    -e "s|@CLIENT_TIMEOUT@|${CLIENT_TIMEOUT}s|g" -e "s|@FASTCGI_TIMEOUT@|15s|g" \
    -e "s|@ACCESS_LOG@|$ACCESS_LOG|g" -e "s|@INTERNAL_LOG@|$INTERNAL_LOG|g" \
    -e "s|@USERS_GATEWAY@|$(pool_of users gateway | tr - _)|g" \
    -e "s|@TASKS_GATEWAY@|$(pool_of tasks gateway | tr - _)|g" \
    -e "s|@USERS_INTERNAL@|$(pool_of users internal | tr - _)|g" \
    -e "s|@TASKS_INTERNAL@|$(pool_of tasks internal | tr - _)|g" \
    "$top/nginx/site.conf.in" |
while IFS= read -r line; do
	case $line in
	@UPSTREAMS@) printf '%s' "$upstreams" ;;
	@MAPS@) printf '%s' "$maps" ;;
	*) printf '%s\n' "$line" ;;
	esac
done
