#!/usr/bin/env bash
# install.sh: `make install`.  Copies the built binaries and writes the nginx
# site, the environment files and the systemd units for the given layout
# (GNU conventions; the Makefile passes its variables):
#
#   DESTDIR        staging root, prepended to every path written   [none]
#   BINDIR         fcgi-users, fcgi-tasks
#   SYSCONFDIR     default/task-manager*, nginx/conf.d/task-manager.conf,
#                  nginx/task-manager/{fastcgi,errors}.conf
#   UNITDIR        the systemd units
#   DOCDIR         DEPLOYMENT.md and the API description
#   RUNSTATEDIR    where the pools' sockets are made (RUNSTATEDIR/task-manager)
#   LOGDIR         nginx's access logs for the API
#   STATEDIR       the admin token made at the first install (admin-token,
#                  mode 0600, in a folder of mode 0700)
#   NGINX_GROUP    the group nginx's workers run as: it may use the sockets
#   GATEWAY_PORT USERS_PORT TASKS_PORT GATEWAY_ADDR INTERNAL_ADDR
#   BUILD          where the binaries were built
#
# The paths written into the files are the final ones, without DESTDIR.
# Environment files already in place are kept (they hold local settings).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/pools.sh"
pools_read
: "${BINDIR:?}" "${SYSCONFDIR:?}" "${UNITDIR:?}" "${DOCDIR:?}" \
  "${RUNSTATEDIR:?}" "${LOGDIR:?}" "${BUILD:?}" "${STATEDIR:?}"
DESTDIR=${DESTDIR:-}
NGINX_GROUP=${NGINX_GROUP:-www-data}
export GATEWAY_PORT=${GATEWAY_PORT:-8080} USERS_PORT=${USERS_PORT:-8005} \
    TASKS_PORT=${TASKS_PORT:-8002} GATEWAY_ADDR=${GATEWAY_ADDR:-127.0.0.1} \
    INTERNAL_ADDR=${INTERNAL_ADDR:-127.0.0.1}

# subst < template: fills in the layout's @NAMES@.
subst() {
	sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
	    -e "s|@DOCDIR@|$DOCDIR|g" -e "s|@RUNSTATEDIR@|$RUNSTATEDIR|g" \
	    -e "s|@NGINX_GROUP@|$NGINX_GROUP|g" -e "s|@STATEDIR@|$STATEDIR|g" \
	    -e "s|@ADMIN_TOKEN_SHA256@|${ADMIN_TOKEN_SHA256:-}|g" \
	    -e "s|@USERS_PORT@|$USERS_PORT|g" -e "s|@TASKS_PORT@|$TASKS_PORT|g" "$@"
}

# put MODE DEST: standard input to DESTDIR/DEST.
put() {
	install -d "$DESTDIR$(dirname "$2")"
	cat >"$DESTDIR$2"
	chmod "$1" "$DESTDIR$2"
}

for svc in users tasks; do
	install -D -m 0755 "$BUILD/bin/fcgi-$svc" "$DESTDIR$BINDIR/fcgi-$svc"
done
install -D -m 0755 "$top/scripts/admin-token.sh" "$DESTDIR$BINDIR/task-manager-admin-token"

# The admin token, at the first install only (when the environment file
# that would hold its hash is not there yet): the token in STATEDIR, its
# SHA-256 in the environment file.
if [[ ! -e $DESTDIR$SYSCONFDIR/default/task-manager ]]; then
	install -d -m 0700 "$DESTDIR$STATEDIR"
	line=$(FCGI_USERS=$BUILD/bin/fcgi-users "$top/scripts/admin-token.sh" \
		"$DESTDIR$STATEDIR/admin-token")
	export ADMIN_TOKEN_SHA256=${line#*=}
	echo "install: the admin token is in $DESTDIR$STATEDIR/admin-token"
fi

# nginx: the site in conf.d/ (Debian's nginx.conf includes conf.d/*.conf in
# its http block), the two files it includes beside it.
conf_dir=$SYSCONFDIR/nginx/task-manager
for f in fastcgi.conf errors.conf; do
	install -D -m 0644 "$top/nginx/$f" "$DESTDIR$conf_dir/$f"
done
SOCK_DIR=$RUNSTATEDIR/task-manager CONF_DIR=$conf_dir BIN_DIR=$BUILD/bin RATE_LIMIT=1000 \
    RATE_BURST=2000 CLIENT_TIMEOUT=10 \
    ACCESS_LOG="$LOGDIR/task-manager-access.log api buffer=64k flush=1s" \
    INTERNAL_LOG="$LOGDIR/task-manager-internal.log api buffer=64k flush=1s" \
    "$top/scripts/render-site.sh" | put 0644 "$SYSCONFDIR/nginx/conf.d/task-manager.conf"

# The pools' sizes, by the knob names the stack reads, with deploy/pools'
# defaults (an internal pool's worked out as stack.sh does, with one
# nginx worker per core: Debian's nginx runs worker_processes auto).
pool_sizes "$(nproc 2>/dev/null || echo 1)"
# pool_knobs SERVICE: the /etc/default lines of a service's pools.
pool_knobs() {
	local p v
	for p in "${POOLS[@]}"; do
		[[ ${POOL_SERVICE[$p]} == "$1" ]] || continue
		v=$(pool_var "$p" _WORKERS)
		echo "# The $p pool (deploy/pools: ${POOL_PORT[$p]} port)."
		echo "$v=${!v}"
	done
}

for f in task-manager "${SERVICES[@]/#/task-manager-}"; do
	dest=$SYSCONFDIR/default/$f
	if [[ -e $DESTDIR$dest ]]; then
		echo "install: keeping $DESTDIR$dest"
		continue
	fi
	{
		subst "$top/deploy/default/$f.in"
		[[ $f == task-manager ]] || pool_knobs "${f#task-manager-}"
	} | put 0644 "$dest"
done

# One socket and one service unit per pool, from the same two templates,
# and the target that wants them all.
wants=""
for pool in "${POOLS[@]}"; do
	svc=${POOL_SERVICE[$pool]}
	unit=task-manager-$pool
	flags=${POOL_FLAGS[$pool]:+ ${POOL_FLAGS[$pool]}}
	for t in socket service; do
		subst -e "s|@UNIT@|$unit|g" -e "s|@POOL@|$pool|g" \
		    -e "s|@SERVICE@|$svc|g" -e "s|@KIND@|${POOL_PORT[$pool]}|g" \
		    -e "s|@FLAGS@|$flags|g" \
		    -e "s|@WORKERS_VAR@|$(pool_var "$pool" _WORKERS)|g" \
		    "$top/deploy/systemd/pool.$t.in" | put 0644 "$UNITDIR/$unit.$t"
	done
	wants+="Wants=$unit.service"$'\n'
done
subst "$top/deploy/systemd/task-manager.target.in" |
	while IFS= read -r line; do
		[[ $line == @WANTS@ ]] && printf '%s' "$wants" || printf '%s\n' "$line"
	done | put 0644 "$UNITDIR/task-manager.target"

install -D -m 0644 "$top/docs/DEPLOYMENT.md" "$DESTDIR$DOCDIR/DEPLOYMENT.md"
install -D -m 0644 "$top/docs/openapi.yaml" "$DESTDIR$DOCDIR/openapi.yaml"
echo "installed into ${DESTDIR:-/} (prefix layout: $BINDIR, $SYSCONFDIR, $UNITDIR)"
