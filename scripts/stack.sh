#!/usr/bin/env bash
# stack.sh: start, stop and report each component of the stack by the pid it
# recorded when it started it (never by process name).
#
#   stack.sh start [COMPONENT...]    start (all when none is named)
#   stack.sh stop [COMPONENT...]     stop (all, in reverse order)
#   stack.sh status [COMPONENT...]   one line each; exit 1 if any is down
#   stack.sh run [COMPONENT...]      start (all when none is named) and stay in
#                                    the foreground; SIGINT/SIGTERM stops them
#   stack.sh health [COMPONENT...]   asks each for its health: a pool through
#                                    FastCGI (GET /health, which pings
#                                    Redis); exit 1 unless all answer 200
#   stack.sh pid COMPONENT           the recorded pid of a running component
#   stack.sh vars                    the environment variables it reads
#   stack.sh config                  their values in effect, defaults applied
#
# Components: redis, the pools of deploy/pools (users users-internal tasks
# tasks-internal), nginx.  Each service has a gateway pool (the clients'
# requests) and an internal pool (the other service's calls).
#
# Configuration (environment; defaults suit `make run`):
#   RUN_DIR        runtime folder: pids, sockets, logs, Redis data  [./run]
#   BUILD          folder with bin/fcgi-users and bin/fcgi-tasks [build/release]
#   GATEWAY_PORT 8080  USERS_PORT 8005  TASKS_PORT 8002  REDIS_PORT 6379
#   GATEWAY_ADDR   address the gateway listens on        [127.0.0.1]
#   INTERNAL_ADDR  address the internal ports listen on  [127.0.0.1]
#   REDIS_HOST     Redis for the services; when it is not 127.0.0.1 the
#                  stack starts no Redis of its own      [127.0.0.1]
#   REDIS_SENTINELS  when set, the workers ask these Sentinels for the
#                  master, and the stack starts no Redis  [none]
#   REDIS_PASSWORD AUTH password (also set on the stack's own Redis) [none]
#   REDIS_APPENDFSYNC  always | everysec                  [always]
#   <POOL>_WORKERS a pool's size, for POOL = USERS USERS_INTERNAL TASKS
#                  TASKS_INTERNAL                 [deploy/pools' workers]
#   NGINX_WORKERS  nginx worker processes                 [1]
#   RATE_LIMIT RATE_BURST  per-client requests/s at the gateway [1000 2000]
#   CLIENT_TIMEOUT seconds a client may take to send headers or body [10]
#   INTERNAL_KEEPALIVE  idle FastCGI connections kept per nginx worker to
#                  each internal pool; refused unless NGINX_WORKERS x the
#                  calling pool's size is below the internal pool's
#                  [auto: the largest caller's size when that holds]
#   ACCESS_LOG     on | off                               [on]
#   AUTH           token | off: bearer tokens, or the v1.1 API  [token]
#   SIGNUP         open | closed: who may POST /users     [open]
#   ADMIN_TOKEN_SHA256  the admin token's SHA-256; when unset with
#                  AUTH=token, the token in RUN_DIR/admin-token (made at
#                  the first start, mode 0600) is the admin's   [none]
#   WORKER_WRAPPER a command each worker runs under, absolute path
#                  (/usr/bin/valgrind ...)                [none]
#   <POOL>_LISTEN  where a pool listens: unix:/path or host:port
#                                                  [unix:RUN_DIR/<pool>.sock]
#   <POOL>_UPSTREAM the pools nginx sends to, space-separated unix:/path or
#                  host:port (pools on other machines)  [the pool's _LISTEN]
#   plus what the workers read (the README's configuration table).
set -euo pipefail

# Components outlive this script: they must not hold descriptors it was given
# beyond stdin/stdout/stderr (a test runner waits for those to close).
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
done

top=$(cd "$(dirname "$0")/.." && pwd)
RUN_DIR=${RUN_DIR:-$top/run}
BUILD=${BUILD:-build/release}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
. "$top/scripts/pools.sh"
pools_read || exit 1
# The internal pools first: the others call them.
COMPONENTS=(redis)
for p in "${POOLS[@]}"; do [[ ${POOL_PORT[$p]} == internal ]] && COMPONENTS+=("$p"); done
for p in "${POOLS[@]}"; do [[ ${POOL_PORT[$p]} == internal ]] || COMPONENTS+=("$p"); done
COMPONENTS+=(nginx)

die() { echo "stack: $*" >&2; exit 1; }

# An integer in min..max, else a message naming the variable.
check_int() {
	local name=$1 value=$2 min=$3 max=$4
	[[ $value =~ ^[0-9]+$ ]] && ((10#$value >= min && 10#$value <= max)) ||
		die "$name: '$value' is not an integer in $min..$max"
}

load_config() {
	local p v
	GATEWAY_PORT=${GATEWAY_PORT:-8080}
	USERS_PORT=${USERS_PORT:-8005}
	TASKS_PORT=${TASKS_PORT:-8002}
	REDIS_HOST=${REDIS_HOST:-127.0.0.1}
	REDIS_PORT=${REDIS_PORT:-6379}
	GATEWAY_ADDR=${GATEWAY_ADDR:-127.0.0.1}
	INTERNAL_ADDR=${INTERNAL_ADDR:-127.0.0.1}
	REDIS_APPENDFSYNC=${REDIS_APPENDFSYNC:-always}
	NGINX_WORKERS=${NGINX_WORKERS:-1}
	check_int NGINX_WORKERS "$NGINX_WORKERS" 1 1024
	# An internal pool's default size is one worker more than nginx could
	# ever hold connections for from its callers (deploy/pools).
	pool_sizes "$NGINX_WORKERS"
	for p in $(reverse "${COMPONENTS[@]}"); do   # the callers first
		[[ -n ${POOL_SERVICE[$p]:-} ]] || continue
		v=$(pool_var "$p" _WORKERS)
		check_int "$v" "${!v:-}" 1 1024
	done
	RATE_LIMIT=${RATE_LIMIT:-1000}
	RATE_BURST=${RATE_BURST:-2000}
	ACCESS_LOG=${ACCESS_LOG:-on}
	CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-10}
	for v in GATEWAY_PORT USERS_PORT TASKS_PORT REDIS_PORT; do
		check_int "$v" "${!v}" 1 65535
	done
	check_int RATE_LIMIT "$RATE_LIMIT" 1 1000000
	check_int RATE_BURST "$RATE_BURST" 0 1000000
	check_int CLIENT_TIMEOUT "$CLIENT_TIMEOUT" 1 3600
	internal_keepalive
	case $REDIS_APPENDFSYNC in always|everysec) ;;
	*) die "REDIS_APPENDFSYNC: '$REDIS_APPENDFSYNC' is not always or everysec" ;;
	esac
	case $ACCESS_LOG in on|off) ;; *) die "ACCESS_LOG: '$ACCESS_LOG' is not on or off" ;; esac
	AUTH=${AUTH:-token}
	SIGNUP=${SIGNUP:-open}
	case $AUTH in token|off) ;; *) die "AUTH: '$AUTH' is not token or off" ;; esac
	case $SIGNUP in open|closed) ;; *) die "SIGNUP: '$SIGNUP' is not open or closed" ;; esac
	export AUTH SIGNUP
	# What the workers read.
	export REDIS_HOST REDIS_PORT
	export TASK_BASE=${TASK_BASE:-http://127.0.0.1:$TASKS_PORT}
	export USER_SERVICE_BASE=${USER_SERVICE_BASE:-http://127.0.0.1:$USERS_PORT}
	mkdir -p "$RUN_DIR"/{pids,logs,redis,nginx}
}

pidfile() { echo "$RUN_DIR/pids/$1.pid"; }

# With AUTH=token and no ADMIN_TOKEN_SHA256 given: the admin's token is the
# one in RUN_DIR/admin-token, made (mode 0600) at the first start.
admin_token() {
	local line
	[[ $AUTH == token && -z ${ADMIN_TOKEN_SHA256:-} ]] || return 0
	line=$(FCGI_USERS=$BUILD/bin/fcgi-users "$top/scripts/admin-token.sh" \
		"$RUN_DIR/admin-token") || die "cannot make the admin token"
	export ADMIN_TOKEN_SHA256=${line#*=}
	ADMIN_TOKEN_FILE=$RUN_DIR/admin-token
}

# pool_vars SUFFIX: the variable of that setting of every pool
# (pool_var, scripts/pools.sh, names one).
pool_vars() { local p; for p in "${POOLS[@]}"; do pool_var "$p" "$1"; done; }

# Every component runs in a session of its own (setsid, which keeps the pid
# here): a Ctrl-C at the terminal reaches this script alone, which then stops
# the components in order, by pid, each the graceful way.

# The recorded pid of a component that is still running, else nothing.
running_pid() {
	local f pid
	f=$(pidfile "$1")
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	kill -0 "$pid" 2>/dev/null || return 1
	# A killed component whose parent does not reap it lingers as a zombie.
	[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
	echo "$pid"
}

# Waits up to 10 s for component $1 to answer command $2...; fails at once
# if the process recorded for it exits (a port already in use, say), so
# another program answering on the same port is never taken for it.
wait_for() {
	local what=$1 pid
	shift
	pid=$(<"$(pidfile "$what")")
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null ||
			die "$what exited while starting (see $RUN_DIR/logs)"
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	die "$what did not come up in 10s (see $RUN_DIR/logs)"
}

redis_up() {
	redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ${REDIS_PASSWORD:+--no-auth-warning -a "$REDIS_PASSWORD"} ping | grep -q PONG
}

http_up() {
	local addr=$GATEWAY_ADDR
	[[ $addr == 0.0.0.0 ]] && addr=127.0.0.1
	curl -s -o /dev/null --max-time 1 "http://$addr:$1/health"
}

start_redis() {
	if [[ -n ${REDIS_SENTINELS:-} ]]; then
		echo "redis: the master Sentinel names ($REDIS_SENTINELS), not started"
		return
	fi
	if [[ $REDIS_HOST != 127.0.0.1 && $REDIS_HOST != localhost ]]; then
		echo "redis: external ($REDIS_HOST:$REDIS_PORT), not started"
		return
	fi
	local args=(--bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes
		--dir "$RUN_DIR/redis" --appendonly yes
		--appendfsync "$REDIS_APPENDFSYNC" --save ""
		--daemonize no --logfile "$RUN_DIR/logs/redis.log")
	[[ -n ${REDIS_PASSWORD:-} ]] && args+=(--requirepass "$REDIS_PASSWORD")
	setsid redis-server "${args[@]}" </dev/null >>"$RUN_DIR/logs/redis.log" 2>&1 &
	echo $! >"$(pidfile redis)"
	wait_for redis redis_up
}

# pool_listen POOL: where POOL listens: unix:/path (RUN_DIR/POOL.sock unless
# its _LISTEN variable says otherwise) or host:port.
pool_listen() { local v; v=$(pool_var "$1" _LISTEN); echo "${!v:-unix:$RUN_DIR/$1.sock}"; }

# A pool: spawn-fcgi hands the listening socket to multiwatch, which keeps N
# workers.  It listens on a unix socket in RUN_DIR, or on host:port when
# <POOL>_LISTEN says so (a pool on another machine); never on a wildcard
# address: only nginx may reach a pool (see STACK-NOTES, CVE-2025-23016).
start_pool() {
	local name=$1 bin=$2 n=$3 flag=${4:-} var listen where
	var=$(pool_var "$name" _LISTEN)
	listen=$(pool_listen "$name")
	[[ -x $bin ]] || die "$bin is missing: run make first"
	"$bin" -n >/dev/null || die "$name: the configuration is invalid"
	case $listen in
	unix:/*)
		rm -f "${listen#unix:}"
		where=(-s "${listen#unix:}" -M 0660) ;;
	0.0.0.0:* | \*:* | \[::\]:*)
		die "$var: '$listen' is a wildcard address; name the one address nginx reaches" ;;
	*:[0-9]*)
		where=(-a "${listen%:*}" -p "${listen##*:}") ;;
	*)
		die "$var: '$listen' is not unix:/path or host:port" ;;
	esac
	setsid spawn-fcgi -n "${where[@]}" -- /usr/bin/multiwatch -f "$n" -- \
		${WORKER_WRAPPER:-} "$bin" $flag </dev/null >>"$RUN_DIR/logs/$name.log" 2>&1 &
	echo $! >"$(pidfile "$name")"
	case $listen in
	unix:/*) wait_for "$name" test -S "${listen#unix:}" ;;
	*) wait_for "$name" tcp_up "${listen%:*}" "${listen##*:}" ;;
	esac
}

tcp_up() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# INTERNAL_KEEPALIVE: kept FastCGI connections to the internal pools only.
# Their only callers are the other service's gateway workers, one call in
# flight each, so each nginx worker holds at most that many connections to
# an internal pool, busy or idle: with NGINX_WORKERS x the callers below the
# internal pool's size, a worker is always free and no request ever waits
# behind a kept connection (docs/PERFORMANCE.md).  "auto" keeps them when
# that holds and the pools are this stack's own.
internal_keepalive() {
	local k=${INTERNAL_KEEPALIVE:-auto} pool c v callers most=0 broken="" iv

	for pool in "${POOLS[@]}"; do
		[[ ${POOL_PORT[$pool]} == internal ]] || continue
		callers=0
		for c in $(pool_callers "$pool"); do
			v=$(pool_var "$c" _WORKERS)
			callers=$((callers + ${!v}))
		done
		iv=$(pool_var "$pool" _WORKERS)
		((callers > most)) && most=$callers
		((NGINX_WORKERS * callers < ${!iv})) || broken="NGINX_WORKERS=$NGINX_WORKERS x the callers' $callers workers could pin all $iv=${!iv} workers"
	done
	if [[ $k == auto ]]; then
		k=$most
		[[ -z $broken ]] || k=0
		for v in $(pool_vars _UPSTREAM); do
			[[ -z ${!v:-} ]] || k=0
		done
	fi
	check_int INTERNAL_KEEPALIVE "$k" 0 1024
	((k == 0)) || [[ -z $broken ]] || die "INTERNAL_KEEPALIVE: $broken"
	INTERNAL_KEEPALIVE=$k
}

nginx_conf() {
	local user="" access="$RUN_DIR/logs/access.log api buffer=64k flush=1s"
	local internal="$RUN_DIR/logs/internal-access.log api buffer=64k flush=1s"
	[[ $(id -u) == 0 ]] && user="user $(id -un) $(id -gn);"
	[[ $ACCESS_LOG == off ]] && access=off internal=off
	mkdir -p "$RUN_DIR/conf"
	sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@NGINX_WORKERS@|$NGINX_WORKERS|g" \
	    -e "s|@USER_DIRECTIVE@|$user|g" \
	    "$top/nginx/nginx.conf.in" >"$RUN_DIR/nginx.conf"
	export GATEWAY_ADDR GATEWAY_PORT INTERNAL_ADDR USERS_PORT TASKS_PORT \
	    RATE_LIMIT RATE_BURST CLIENT_TIMEOUT INTERNAL_KEEPALIVE
	# nginx sends to the pools started here unless told of others.
	local pool v
	for pool in "${POOLS[@]}"; do
		v=$(pool_var "$pool" _UPSTREAM)
		export "$v=${!v:-$(pool_listen "$pool")}"
	done
	SOCK_DIR=$RUN_DIR CONF_DIR=$RUN_DIR/conf ACCESS_LOG=$access BIN_DIR=$BUILD/bin \
	    INTERNAL_LOG=$internal "$top/scripts/render-site.sh" \
	    >"$RUN_DIR/conf/site.conf" || die "nginx: cannot write its configuration"
	cp "$top/nginx/fastcgi.conf" "$top/nginx/errors.conf" "$RUN_DIR/conf/"
}

start_nginx() {
	local args=(-p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" -e "$RUN_DIR/logs/nginx-error.log")
	nginx_conf
	nginx "${args[@]}" -t -q || die "nginx: configuration test failed"
	setsid nginx "${args[@]}" -g 'daemon off;' </dev/null >>"$RUN_DIR/logs/nginx-error.log" 2>&1 &
	echo $! >"$(pidfile nginx)"
	wait_for nginx http_up "$GATEWAY_PORT"
}

start_one() {
	local v
	if running_pid "$1" >/dev/null; then
		echo "$1: already running (pid $(running_pid "$1"))"
		return
	fi
	case $1 in
	redis) start_redis ;;
	nginx) start_nginx ;;
	*)
		[[ -n ${POOL_SERVICE[$1]:-} ]] || die "unknown component '$1'"
		admin_token
		v=$(pool_var "$1" _WORKERS)
		start_pool "$1" "$BUILD/bin/fcgi-${POOL_SERVICE[$1]}" "${!v}" \
		    "${POOL_FLAGS[$1]}" ;;
	esac
}

stop_one() {
	local pid f
	f=$(pidfile "$1")
	if ! pid=$(running_pid "$1"); then
		rm -f "$f"
		return
	fi
	# SIGTERM: nginx and Redis shut down; multiwatch passes SIGUSR1 on to
	# its workers, which finish the request in hand and exit.
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$1: still running after 10s, killing" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$f"
}

status_one() {
	local pid
	if pid=$(running_pid "$1"); then
		echo "$1: running (pid $pid)"
	else
		echo "$1: stopped"
		return 1
	fi
}

# A pool's health, asked over FastCGI as nginx would (cgi-fcgi, libfcgi-bin).
pool_health() {
	local out listen
	listen=$(pool_listen "$1")
	out=$(REQUEST_METHOD=GET DOCUMENT_URI=/health REQUEST_URI=/health \
	    timeout 5 cgi-fcgi -bind -connect "${listen#unix:}" 2>&1) || true
	grep -q '^Status: 200' <<<"$out"
}

health_one() {
	local ok
	case $1 in
	redis) redis_up && ok=1 ;;
	nginx) http_up "$GATEWAY_PORT" && ok=1 ;;
	*)
		[[ -n ${POOL_SERVICE[$1]:-} ]] || die "unknown component '$1'"
		pool_health "$1" && ok=1 ;;
	esac
	if [[ -n ${ok:-} ]]; then echo "$1: healthy"; else echo "$1: unhealthy"; return 1; fi
}

reverse() { local i; for ((i = $# ; i > 0; i--)); do echo "${!i}"; done; }

# Every variable this script reads (the header above documents each).
STACK_VARS=(RUN_DIR BUILD GATEWAY_PORT USERS_PORT TASKS_PORT REDIS_PORT
	GATEWAY_ADDR INTERNAL_ADDR REDIS_HOST REDIS_PASSWORD REDIS_APPENDFSYNC
	$(pool_vars _WORKERS) NGINX_WORKERS
	INTERNAL_KEEPALIVE RATE_LIMIT RATE_BURST CLIENT_TIMEOUT ACCESS_LOG
	AUTH SIGNUP ADMIN_TOKEN_SHA256
	WORKER_WRAPPER TASK_BASE USER_SERVICE_BASE $(pool_vars _LISTEN)
	$(pool_vars _UPSTREAM) REDIS_SENTINELS)

cmd=${1:-}
shift || true
if [[ $cmd == vars ]]; then
	printf '%s\n' "${STACK_VARS[@]}"
	exit 0
fi
load_config
(($#)) && list=("$@") || list=("${COMPONENTS[@]}")
case $cmd in
start)
	for c in "${list[@]}"; do start_one "$c"; done
	[[ -z ${ADMIN_TOKEN_FILE:-} ]] || echo "admin token: $ADMIN_TOKEN_FILE" ;;
stop)
	for c in $(reverse "${list[@]}"); do stop_one "$c"; done ;;
status)
	rc=0
	for c in "${list[@]}"; do status_one "$c" || rc=1; done
	exit $rc ;;
health)
	rc=0
	for c in "${list[@]}"; do health_one "$c" || rc=1; done
	exit $rc ;;
pid)
	running_pid "${1:?component}" ;;
config)
	# The settings in effect, defaults worked out (the password hidden).
	for v in "${STACK_VARS[@]}"; do
		[[ -n ${!v+set} ]] || continue
		[[ $v == REDIS_PASSWORD || $v == ADMIN_TOKEN_SHA256 ]] &&
			[[ -n ${!v} ]] && { echo "$v=(set)"; continue; }
		printf '%s=%s\n' "$v" "${!v}"
	done ;;
run)
	trap 'echo; echo "stopping"; "$0" stop "${list[@]}"; exit 0' INT TERM
	for c in "${list[@]}"; do start_one "$c"; done
	echo "up: ${list[*]}; gateway http://$GATEWAY_ADDR:$GATEWAY_PORT" \
		"(Ctrl-C stops it; logs in $RUN_DIR/logs)"
	if [[ -n ${ADMIN_TOKEN_FILE:-} ]]; then
		echo "AUTH=token: the admin's token is in $ADMIN_TOKEN_FILE (mode 0600);" \
			"send it as 'Authorization: Bearer <token>'"
	elif [[ $AUTH == off ]]; then
		echo "AUTH=off: no credentials asked (the v1.1 API)"
	fi
	# Wait for the components; a signal interrupts the wait.
	while :; do sleep 1 & wait $! || true; done ;;
*)
	sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
	exit 2 ;;
esac
