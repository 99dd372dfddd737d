#!/usr/bin/env bash
# bench.sh: the benchmark behind `make bench` (docs/PERFORMANCE.md).
#
# Starts a stack of its own (ports 19080/19005/19002, Redis 16679, runtime
# folder bench-run), seeds 200 users with 20 tasks each through the API, and
# measures with wrk (one thread, 32 connections) each scenario and, in the
# same run and with the same nginx, the architecture's ceilings:
#   c1  nginx answering a fixed JSON itself
#   c2  nginx -> a minimal libfcgi responder (same socket kind, a pool of
#       one worker per core, as the issues that set the targets defined it)
#   c3  the same responder doing one GET on a persistent hiredis connection
#   c3d c3 closing each connection at once, as the services do (not a
#       ceiling of the issue's: it shows what the services' close saves)
#   c3p c3 in a pool as large as the gateway pools (16): not the targets'
#       ceiling either; it shows what a larger pool gives the stock close
#   c4r c3d asking another c3 responder over HTTP first, through nginx, on
#       a persistent curl handle: the hops of the aggregated view with none
#       of its work (pool sizes as the users' gateway and internal pools)
#   c4w the same with one SET for the GET, a POST with a task's body: the
#       hops of a task create
# The stack runs with AUTH=token (the default): every request carries the
# token of the user whose data it names (tests/load/seed.py keeps each
# user's sign-up token).  A second set of pools and an nginx with AUTH=off
# (ports 19180/19105/19102, runtime folder bench-run-off, the same Redis
# and data) serves get_user_off and create_task_off: the same requests
# without credentials, for the cost of authentication in the same run.
# Rounds are interleaved (every scenario once per round) and each figure is
# the median over the rounds.  CPU per request is the server side's: nginx,
# every worker and Redis, from /proc, over the requests wrk completed.
#
# BENCH_SECONDS (5) per measurement, BENCH_ROUNDS (5), BENCH_CONNS (32),
# the pool sizes as stack.sh takes them (USERS_WORKERS...),
# BENCH_CEILING_WORKERS (c1-c3d's pool, default the number of cores),
# BENCH_SCENARIOS and BENCH_EVERYSEC (below).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export RUN_DIR=$top/bench-run GATEWAY_PORT=19080 USERS_PORT=19005 TASKS_PORT=19002 \
	REDIS_PORT=16679 REDIS_HOST=127.0.0.1 RATE_LIMIT=1000000 RATE_BURST=1000000
export BUILD=${BUILD:-build/release}
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-5}
CONNS=${BENCH_CONNS:-32}
CEIL_PORT=19090
stack=scripts/stack.sh
out=build/bench
mkdir -p "$out"
base=http://127.0.0.1:$GATEWAY_PORT

OFF_DIR=$top/bench-run-off
OFF_PORT=19180
# off_stack start|stop: the pools and nginx with AUTH=off, on the bench's Redis.
off_stack() {
	RUN_DIR=$OFF_DIR GATEWAY_PORT=$OFF_PORT USERS_PORT=19105 TASKS_PORT=19102 \
	    AUTH=off "$stack" "$1" users-internal tasks-internal users tasks nginx
}

cleanup() {
	off_stack stop >/dev/null 2>&1 || true
	for f in "$RUN_DIR"/pids/ceiling-*.pid; do
		[[ -s $f ]] && kill -TERM "$(<"$f")" 2>/dev/null || true
		rm -f "$f"
	done
	"$stack" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
rm -rf "$RUN_DIR" "$OFF_DIR"

# The stack's sizes, for the ceilings' pools and the table's footer.
conf() { "$stack" config | sed -n "s/^$1=//p"; }
gateway_workers=$(conf USERS_WORKERS)
ceiling_workers=${BENCH_CEILING_WORKERS:-$(nproc)}
internal_workers=$(conf USERS_INTERNAL_WORKERS)
pools=$( ("$stack" status 2>/dev/null || true) | sed 's/:.*//' | grep -vx 'redis\|nginx')
echo "starting the bench stack (gateway pools of $gateway_workers)"
"$stack" start redis $pools >/dev/null
internal_keepalive=$(conf INTERNAL_KEEPALIVE)
peer=http://127.0.0.1:$CEIL_PORT/c3k
for kind in fixed redis redis-close redis-pool peer read-out write-out; do
	flags=() n=$ceiling_workers
	case $kind in
	redis) flags=(-r) ;;
	redis-close) flags=(-rd) ;;
	redis-pool) flags=(-r) n=$gateway_workers ;;
	peer) flags=(-r) n=$internal_workers ;;
	read-out) flags=(-rd -u "$peer") n=$gateway_workers ;;
	write-out) flags=(-wd -u "$peer") n=$gateway_workers ;;
	esac
	setsid spawn-fcgi -n -s "$RUN_DIR/ceiling-$kind.sock" -M 0660 -- \
		/usr/bin/multiwatch -f "$n" -- "$top/$BUILD/bin/ceiling" "${flags[@]}" \
		</dev/null >>"$RUN_DIR/logs/ceiling.log" 2>&1 &
	echo $! >"$RUN_DIR/pids/ceiling-$kind.pid"
done
mkdir -p "$RUN_DIR/conf/extra"
cat >"$RUN_DIR/conf/extra/bench.conf" <<CONF
upstream ceiling_fixed { server unix:$RUN_DIR/ceiling-fixed.sock; }
upstream ceiling_redis { server unix:$RUN_DIR/ceiling-redis.sock; }
upstream ceiling_redis_close { server unix:$RUN_DIR/ceiling-redis-close.sock; }
upstream ceiling_redis_pool { server unix:$RUN_DIR/ceiling-redis-pool.sock; }
upstream ceiling_peer { server unix:$RUN_DIR/ceiling-peer.sock; keepalive $internal_keepalive; }
upstream ceiling_read_out { server unix:$RUN_DIR/ceiling-read-out.sock; }
upstream ceiling_write_out { server unix:$RUN_DIR/ceiling-write-out.sock; }
server {
    listen 127.0.0.1:$CEIL_PORT backlog=4096;
    access_log $RUN_DIR/logs/ceiling-access.log api buffer=64k flush=1s;
    add_header X-Request-ID \$req_id always;
    limit_req zone=per_client burst=1000000 nodelay;
    location = /c1 { return 200 '{"status":"ok"}'; }
    location = /c2 { include $RUN_DIR/conf/fastcgi.conf; fastcgi_pass ceiling_fixed; }
    location = /c3 { include $RUN_DIR/conf/fastcgi.conf; fastcgi_pass ceiling_redis; }
    location = /c3d { include $RUN_DIR/conf/fastcgi.conf; fastcgi_pass ceiling_redis_close; }
    location = /c3p { include $RUN_DIR/conf/fastcgi.conf; fastcgi_pass ceiling_redis_pool; }
    location = /c3k {
        include $RUN_DIR/conf/fastcgi.conf;
        fastcgi_keep_conn on;
        fastcgi_pass ceiling_peer;
    }
    location = /c4r { include $RUN_DIR/conf/fastcgi.conf; fastcgi_pass ceiling_read_out; }
    location = /c4w { include $RUN_DIR/conf/fastcgi.conf; fastcgi_pass ceiling_write_out; }
}
CONF
"$stack" start nginx >/dev/null
off_stack start >/dev/null
redis-cli -p "$REDIS_PORT" SET bench:ceiling '{"name":"x","email":"x@example.com","createdAt":"2026-11-28 04:05:06.123456+00:00"}' >/dev/null

echo "seeding 200 users with 20 tasks each, and 10 users for creates"
tests/load/seed.py "$base" "$out"
[[ $(grep -c . "$out/users") == 200 && $(grep -c . "$out/tasks") == 4000 ]] ||
	{ echo "seeding failed"; exit 1; }
export USERS_FILE=$out/users TASKS_FILE=$out/tasks SINK_FILE=$out/sink-users

# Server-side CPU ticks: every recorded component and its children.
server_pids() {
	local f pid
	for f in "$RUN_DIR"/pids/*.pid "$OFF_DIR"/pids/*.pid; do
		pid=$(<"$f")
		echo "$pid"
		pgrep -P "$pid" || true
	done
}
cpu_ticks() {
	local t=0 pid
	for pid in $(server_pids); do
		[[ -r /proc/$pid/stat ]] || continue
		t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
	done
	echo "$t"
}
worker_rss() { # the RSS in kB of every service worker, one a line
	local c pid
	for c in $pools; do
		for pid in $(pgrep -P "$("$stack" pid "$c")"); do
			awk '/^VmRSS/ {print $2}' "/proc/$pid/status"
		done
	done
}
worker_rss >"$out/rss-start"
tck=$(getconf CLK_TCK)

# measure NAME: one wrk run; appends "rps p50 p99 max non2xx cpu_us" to $out/NAME.
measure() {
	local name=$1 url=$base t0 t1 line
	[[ $name == c[1-4]* ]] && url=http://127.0.0.1:$CEIL_PORT
	[[ $name == *_off ]] && url=http://127.0.0.1:$OFF_PORT
	t0=$(cpu_ticks)
	line=$(SCENARIO=$name wrk -t1 -c"$CONNS" -d"${SECS}s" --timeout 5s \
		-s tests/load/bench.lua "$url" | grep '^result')
	t1=$(cpu_ticks)
	awk -v t="$((t1 - t0))" -v tck="$tck" '{
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%.0f %d %d %d %d %.0f\n", v["requests"] / v["seconds"],
			v["p50_us"], v["p99_us"], v["max_us"], v["non2xx"],
			t * 1e6 / tck / (v["requests"] > 0 ? v["requests"] : 1)
	}' <<<"$line" >>"$out/$name"
}

# BENCH_SCENARIOS narrows a run to some scenarios (c3 is always measured:
# every ratio is to it); BENCH_EVERYSEC lists the writes measured again
# with appendfsync everysec ("" for none).
SCENARIOS=(c1 c2 c3 c3d c3p c4r c4w get_user get_user_off get_task list_tasks aggregate
	create_task create_task_off update_task mixed)
if [[ -n ${BENCH_SCENARIOS:-} ]]; then
	SCENARIOS=(c3)
	for s in $BENCH_SCENARIOS; do [[ $s == c3 ]] || SCENARIOS+=("$s"); done
fi
# The writes again with appendfsync everysec: the cost of the default.
read -ra EVERYSEC <<<"${BENCH_EVERYSEC-create_task update_task}"
for s in "${SCENARIOS[@]}" "${EVERYSEC[@]/%/_everysec}"; do rm -f "$out/$s"; done
for ((r = 1; r <= ROUNDS; r++)); do
	echo "round $r of $ROUNDS"
	for s in "${SCENARIOS[@]}"; do measure "$s"; done
done
redis-cli -p "$REDIS_PORT" CONFIG SET appendfsync everysec >/dev/null
for ((r = 1; r <= ROUNDS; r++)); do
	for s in "${EVERYSEC[@]}"; do
		measure "$s"
		tail -n1 "$out/$s" >>"$out/${s}_everysec"
		sed -i '$d' "$out/$s"
	done
done
redis-cli -p "$REDIS_PORT" CONFIG SET appendfsync always >/dev/null
worker_rss >"$out/rss-end"

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
col() { awk -v c="$2" '{print $c}' "$out/$1" | median; }

c3_rps=$(col c3 1)
c3_cpu=$(col c3 6)
{
	echo "| scenario | requests/s | vs ceiling 3 | p50 ms | p99 ms | max ms | non-2xx | server CPU µs/req | CPU vs ceiling 3 | requests/s, rounds' range |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for s in "${SCENARIOS[@]}" "${EVERYSEC[@]/%/_everysec}"; do
		rps=$(col "$s" 1); p50=$(col "$s" 2); p99=$(col "$s" 3)
		mx=$(awk '{print $4}' "$out/$s" | sort -n | tail -n1)
		bad=$(awk '{s += $5} END {print s}' "$out/$s")
		cpu=$(col "$s" 6)
		range=$(awk '{print $1}' "$out/$s" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "–" hi}')
		label=$s
		case $s in
		c1) label="ceiling 1: nginx alone" ;;
		c2) label="ceiling 2: nginx → libfcgi" ;;
		c3) label="ceiling 3: libfcgi + 1 hiredis GET" ;;
		c3d) label="ceiling 3, closing as the services do" ;;
		c3p) label="ceiling 3 in a pool of $gateway_workers" ;;
		c4r) label="ceiling 4r: c3d asking another c3 over HTTP" ;;
		c4w) label="ceiling 4w: the same with a SET, POST" ;;
		*_everysec) label="${s%_everysec}, appendfsync everysec" ;;
		*_off) label="${s%_off}, AUTH=off" ;;
		esac
		awk -v l="$label" -v rps="$rps" -v c3="$c3_rps" -v p50="$p50" -v p99="$p99" \
			-v mx="$mx" -v bad="$bad" -v cpu="$cpu" -v c3cpu="$c3_cpu" \
			-v range="$range" 'BEGIN {
			printf "| %s | %.0f | %.0f%% | %.2f | %.2f | %.1f | %d | %.0f | %.2fx | %s |\n",
				l, rps, 100 * rps / c3, p50 / 1000, p99 / 1000, mx / 1000, bad,
				cpu, cpu / c3cpu, range }'
	done
} >"$out/table.md"

rss=$(paste "$out/rss-start" "$out/rss-end" | awk '{r = $2 / $1; if (r > m) m = r}
	END {printf "%.3f", m}')
{
	echo
	echo "Medians of $ROUNDS interleaved rounds of ${SECS}s each; wrk -t1 -c$CONNS;" \
		"gateway pools of $gateway_workers workers, ceilings 1-3 of $ceiling_workers," \
		"internal pools of" \
		"$internal_workers; $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB;" \
		"$(date -u +%Y-%m-%d)."
	echo "Worker RSS, largest end/start ratio over all $(wc -l <"$out/rss-start") workers" \
		"after the whole run: $rss (start kB: $(paste -sd' ' "$out/rss-start");" \
		"end kB: $(paste -sd' ' "$out/rss-end"))."
	# The cost of authentication: each scenario against its AUTH=off twin,
	# medians of the same interleaved rounds.
	for s in get_user create_task; do
		[[ " ${SCENARIOS[*]} " == *" $s "* && " ${SCENARIOS[*]} " == *" ${s}_off "* ]] ||
			continue
		awk -v s="$s" -v a="$(col "$s" 1)" -v o="$(col "${s}_off" 1)" 'BEGIN {
			printf "AUTH=token against AUTH=off, %s: %.2fx (%.0f / %.0f requests/s).\n",
				s, a / o, a, o }'
	done
} >>"$out/table.md"
cat "$out/table.md"
