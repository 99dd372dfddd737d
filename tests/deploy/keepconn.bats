#!/usr/bin/env bats
# fastcgi_keep_conn (FASTCGI_KEEPALIVE): safe by construction, and proven.
# A kept connection pins a libfcgi worker to it; stack.sh refuses a sizing
# where nginx could pin every worker of a pool, and under a load far above
# the pool size every other route on the same pools still answers quickly.

load own-stack

setup_file() {
	export REDIS_PORT=16396 GATEWAY_PORT=18580 USERS_PORT=18505 \
	    TASKS_PORT=18502 WORKERS=2 WRITE_WORKERS=2 NGINX_WORKERS=1 FASTCGI_KEEPALIVE=1 \
	    RATE_LIMIT=1000000 RATE_BURST=1000000
	own_stack_start keepconn
}

teardown_file() {
	own_stack_stop
}

setup() {
	load ../helpers
	BASE=http://127.0.0.1:18580
}

@test "a sizing that could pin every worker of a pool is refused" {
	# 1 nginx worker x 2 kept connections = a pool of 2: refused.
	run env RUN_DIR="$D/refused" FASTCGI_KEEPALIVE=2 "$TOP/scripts/stack.sh" start users
	assert_failure
	assert_output --partial "could pin all"
	# 2 nginx workers x 1 = 2: refused too; pools of 3 are fine.
	run env RUN_DIR="$D/refused" NGINX_WORKERS=2 "$TOP/scripts/stack.sh" status
	assert_output --partial "could pin all"
	run env RUN_DIR="$D/refused" NGINX_WORKERS=2 WORKERS=3 WRITE_WORKERS=3 "$TOP/scripts/stack.sh" status
	refute_output --partial "could pin all"
}

@test "nginx keeps its FastCGI connections open between requests" {
	grep -q "fastcgi_keep_conn on;" "$RUN_DIR/conf/site.conf"
	grep -q "keepalive 1;" "$RUN_DIR/conf/site.conf"
	new_user K >"$D/uid"
	req GET "/users/$(<"$D/uid")"
	expect_status 200
	# Idle, the connection to the users pool is still established.
	sleep 0.2
	run bash -c "ss -xa | grep -c '$RUN_DIR/users.sock'"
	(( output >= 2 )) # the listening socket and at least one kept connection
}

@test "under 64 connections of load, every other route on the same pools answers within 1 s" {
	uid=$(<"$D/uid")
	tid=$(new_task "$uid" k)
	wrk -t1 -c64 -d8s "$BASE/users/$uid" >"$D/wrk-users.txt" &
	wrk -t1 -c64 -d8s "$BASE/tasks/$tid" >"$D/wrk-tasks.txt" &
	sleep 1
	slow=0 bad=0 n=0
	for i in $(seq 15); do
		for path in "/health/users" "/health/tasks" "/users/$uid/tasks" "/tasks?userId=$uid"; do
			out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 "$BASE$path")
			n=$((n + 1))
			[[ ${out% *} == 200 ]] || bad=$((bad + 1))
			awk -v t="${out#* }" 'BEGIN {exit !(t < 1.0)}' || slow=$((slow + 1))
		done
		out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 5 \
			-X POST "$BASE/tasks" -H 'Content-Type: application/json' \
			-d '{"userId":"'"$uid"'","title":"during load"}')
		n=$((n + 1))
		[[ ${out% *} == 201 ]] || bad=$((bad + 1))
		awk -v t="${out#* }" 'BEGIN {exit !(t < 1.0)}' || slow=$((slow + 1))
	done
	wait
	echo "# $n requests beside the load: $bad failed, $slow slower than 1 s" >&3
	grep -h "Requests/sec\|Non-2xx\|Socket errors" "$D"/wrk-*.txt | sed 's/^/# /' >&3
	((bad == 0 && slow == 0))
	! grep -q "Non-2xx\|Socket errors" "$D"/wrk-*.txt
}
