#!/usr/bin/env bats
# INTERNAL_KEEPALIVE: kept FastCGI connections to the internal pools, on by
# default.  An internal pool's only callers are the other service's gateway
# workers, one call in flight each, so with NGINX_WORKERS x their
# number below the internal pool's size nginx can never hold every worker: stack.sh
# sizes the internal pools so by default and refuses a sizing that breaks
# it; under load far above every pool's size, a worker of each internal pool
# is always free.

load own-stack

setup_file() {
	# The defaults, but for the ports: gateway pools of 4, so internal
	# pools of 1 x 4 + 1 = 5.
	export REDIS_PORT=16397 GATEWAY_PORT=18680 USERS_PORT=18605 \
	    TASKS_PORT=18602 USERS_WORKERS=4 TASKS_WORKERS=4 RATE_LIMIT=1000000 \
	    RATE_BURST=1000000
	own_stack_start internalkeep
}

teardown_file() {
	own_stack_stop
}

setup() {
	load ../helpers
	BASE=http://127.0.0.1:18680
}

@test "by default the internal pools are one worker larger than nginx could hold, and kept" {
	run "$TOP/scripts/stack.sh" config
	assert_output --partial "USERS_INTERNAL_WORKERS=5"
	assert_output --partial "TASKS_INTERNAL_WORKERS=5"
	assert_output --partial "INTERNAL_KEEPALIVE=4"
	for pool in users-internal tasks-internal; do
		[[ $(pgrep -P "$("$TOP/scripts/stack.sh" pid "$pool")" | wc -l) == 5 ]]
	done
	grep -q "upstream tasks_internal {.*keepalive 4;" "$RUN_DIR/conf/site.conf"
	grep -q "upstream users_internal {.*keepalive 4;" "$RUN_DIR/conf/site.conf"
	# The gateway pools' upstreams are not kept.
	for u in tasks users; do
		grep -q "upstream $u  *{" "$RUN_DIR/conf/site.conf"
		! grep -q "upstream $u  *{.*keepalive" "$RUN_DIR/conf/site.conf"
	done
	new_user I >"$D/uid"
	new_task "$(<"$D/uid")" first >/dev/null
	req GET "/users/$(<"$D/uid")/tasks"
	expect_status 200
	# Idle, nginx's connections to both internal pools are still open.
	sleep 0.2
	run bash -c "ss -xa | grep -c '$RUN_DIR/tasks-internal.sock'"
	((output >= 2)) # the listening socket and a kept connection
	run bash -c "ss -xa | grep -c '$RUN_DIR/users-internal.sock'"
	((output >= 2))
}

@test "a sizing where nginx could hold every worker of an internal pool is refused or left off" {
	# Asked for: refused, naming the pool.
	run env RUN_DIR="$D/refused" INTERNAL_KEEPALIVE=2 USERS_INTERNAL_WORKERS=4 \
	    "$TOP/scripts/stack.sh" status
	assert_failure
	assert_output --partial "could pin all USERS_INTERNAL_WORKERS=4"
	run env RUN_DIR="$D/refused" INTERNAL_KEEPALIVE=1 NGINX_WORKERS=2 \
	    TASKS_INTERNAL_WORKERS=4 "$TOP/scripts/stack.sh" status
	assert_failure
	assert_output --partial "could pin all TASKS_INTERNAL_WORKERS=4"
	# Left to auto: off, not refused.
	run env RUN_DIR="$D/refused" USERS_INTERNAL_WORKERS=4 "$TOP/scripts/stack.sh" config
	assert_output --partial "INTERNAL_KEEPALIVE=0"
	refute_output --partial "could pin all"
	# Pools elsewhere (scale-out): their callers are not this stack's to count.
	run env RUN_DIR="$D/refused" TASKS_UPSTREAM="127.0.0.2:18410" "$TOP/scripts/stack.sh" config
	assert_output --partial "INTERNAL_KEEPALIVE=0"
	# More nginx workers: the default internal pools grow with them.
	run env RUN_DIR="$D/refused" NGINX_WORKERS=2 "$TOP/scripts/stack.sh" config
	assert_output --partial "USERS_INTERNAL_WORKERS=9"
	assert_output --partial "INTERNAL_KEEPALIVE=4"
	# A larger gateway pool: the same.
	run env RUN_DIR="$D/refused" TASKS_WORKERS=8 "$TOP/scripts/stack.sh" config
	assert_output --partial "USERS_INTERNAL_WORKERS=9"
	assert_output --partial "TASKS_INTERNAL_WORKERS=5"
	assert_output --partial "INTERNAL_KEEPALIVE=8"
	# Pool sizes are checked, each naming its variable.
	for bad in 0 1025 x; do
		run env RUN_DIR="$D/refused" TASKS_WORKERS=$bad "$TOP/scripts/stack.sh" config
		assert_failure
		assert_output --partial "TASKS_WORKERS: '$bad' is not an integer in 1..1024"
	done
}

# fcgi_health SOCKET: GET /health over FastCGI to a pool's socket; 0 on 200.
fcgi_health() {
	REQUEST_METHOD=GET DOCUMENT_URI=/health REQUEST_URI=/health \
	    timeout 5 cgi-fcgi -bind -connect "$1" 2>&1 | grep -q '^Status: 200'
}

@test "under 2 x 64 connections of cross-service load, each internal pool always has a free worker" {
	uid=$(<"$D/uid")
	cat >"$D/create.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"userId":"$uid","title":"under load"}'
LUA
	authz="Authorization: Bearer $(admin_token)"
	wrk -t1 -c64 -d8s -H "$authz" "$BASE/users/$uid/tasks" >"$D/wrk-aggregate.txt" &
	wrk -t1 -c64 -d8s -H "$authz" -s "$D/create.lua" "$BASE/tasks" >"$D/wrk-create.txt" &
	sleep 1
	slow=0 bad=0 n=0
	for i in $(seq 15); do
		# Straight to each internal pool's socket, as `stack.sh health`
		# does (the same FastCGI GET /health with cgi-fcgi): it needs a
		# worker that no kept connection holds.  Only the exchange is
		# timed, not a script's start on a machine the load saturates.
		for pool in users-internal tasks-internal; do
			t0=$(date +%s%N)
			fcgi_health "$RUN_DIR/$pool.sock" || bad=$((bad + 1))
			t1=$(date +%s%N)
			n=$((n + 1))
			(((t1 - t0) / 1000000 < 1000)) || slow=$((slow + 1))
		done
		sleep 0.3
	done
	wait
	echo "# $n health checks of the internal pools under load: $bad failed, $slow slower than 1 s" >&3
	grep -h "Requests/sec\|Non-2xx\|Socket errors\|Latency" "$D"/wrk-*.txt | sed 's/^/# /' >&3
	((bad == 0 && slow == 0))
	! grep -q "Non-2xx\|Socket errors" "$D"/wrk-*.txt
}
