#!/usr/bin/env bats
# Scale-out: the task service's gateway pool on two "hosts" (two
# stacks with runtime folders of their own, listening on 127.0.0.2 and
# 127.0.0.3 over TCP), one gateway host with nginx, Redis and the other pools.  One host is
# killed under load: no read fails (nginx sends it to the other pool), and
# every acknowledged write is stored.

setup_file() {
	export D=$DEPLOY_DIR/scaleout
	rm -rf "$D"
	mkdir -p "$D"
	export REDIS_HOST=127.0.0.1 REDIS_PORT=16395 GATEWAY_PORT=18480 \
	    USERS_PORT=18405 TASKS_PORT=18402
	export USER_SERVICE_BASE=http://127.0.0.1:18405
	for h in a:127.0.0.2 b:127.0.0.3; do
		RUN_DIR=$D/host-${h%%:*} TASKS_LISTEN=${h#*:}:18410 TASKS_WORKERS=4 \
		    "$TOP/scripts/stack.sh" start tasks >>"$D/start.log" 2>&1
	done
	RUN_DIR=$D/gw TASKS_UPSTREAM="127.0.0.2:18410 127.0.0.3:18410" \
	    "$TOP/scripts/stack.sh" start redis users users-internal \
	    tasks-internal nginx >>"$D/start.log" 2>&1
}

teardown_file() {
	for h in host-a host-b gw; do
		RUN_DIR=$D/$h "$TOP/scripts/stack.sh" stop >/dev/null 2>&1
	done
	true
}

setup() {
	load ../helpers
	BASE=http://127.0.0.1:18480
}

@test "the gateway spreads the task service over both hosts" {
	grep -q "server 127.0.0.2:18410 " "$D/gw/conf/site.conf"
	grep -q "server 127.0.0.3:18410 " "$D/gw/conf/site.conf"
	new_user Scale >"$D/uid"
	for i in $(seq 20); do
		new_task "$(<"$D/uid")" "t$i" >"$D/tid"
		req GET "/tasks/$(<"$D/tid")"
		expect_status 200
	done
	sleep 1.2 # the access log is flushed every second
	# Each host's pool had requests.
	for ua in 127.0.0.2:18410 127.0.0.3:18410; do
		n=$(grep -c "ua=$ua " "$D/gw/logs/access.log" || true)
		echo "# $ua: $n requests" >&3
		((n > 0))
	done
}

# reader N SECONDS / writer N SECONDS: one line per request, "<status> <id>".
reader() {
	local end=$((SECONDS + $2)) uid tid
	uid=$(<"$D/uid")
	tid=$(<"$D/tid")
	while ((SECONDS < end)); do
		echo "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/tasks/$tid") get"
		echo "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/tasks?userId=$uid") list"
	done
}
writer() {
	local end=$((SECONDS + $2)) uid out i=0
	uid=$(<"$D/uid")
	while ((SECONDS < end)); do
		i=$((i + 1))
		out=$(curl -s --max-time 5 -w '\n%{http_code}' -X POST "$BASE/tasks" \
			-H 'Content-Type: application/json' \
			-d '{"userId":"'"$uid"'","title":"w'$1-$i'"}')
		echo "${out##*$'\n'} $(jq -r '.id // "-"' <<<"${out%$'\n'*}" 2>/dev/null)"
	done
}

@test "a host killed under load: no read fails, no acknowledged write is lost" {
	new_task "$(<"$D/uid")" "read me" >"$D/tid"
	for n in 1 2 3; do reader "$n" 8 >"$D/reads-$n.log" & done
	for n in 1 2; do writer "$n" 8 >"$D/writes-$n.log" & done
	sleep 3
	# The host dies: its whole pools, multiwatch and workers, at once.
	kill -KILL -- "-$(RUN_DIR=$D/host-a "$TOP/scripts/stack.sh" pid tasks)"
	wait
	cat "$D"/reads-*.log >"$D/reads.log"
	cat "$D"/writes-*.log >"$D/writes.log"
	reads=$(wc -l <"$D/reads.log")
	failed_reads=$(grep -vc "^200 " "$D/reads.log" || true)
	acked=$(grep -c "^201 " "$D/writes.log" || true)
	failed_writes=$(grep -vc "^201 " "$D/writes.log" || true)
	echo "# reads: $reads, failed: $failed_reads; writes acknowledged: $acked, not: $failed_writes" >&3
	printf '%s %s %s %s\n' "$reads" "$failed_reads" "$acked" "$failed_writes" >"$D/result"
	((reads > 50 && acked > 10))
	((failed_reads == 0))
	# A write that was in the killed worker's hands is not resent by nginx
	# (not idempotent): its client got the API's 503, never a false 201.
	run grep -v "^201 \|^503 " "$D/writes.log"
	assert_output ""
	lost=0
	while read -r code id; do
		[[ $code == 201 ]] || continue
		req GET "/tasks/$id"
		[[ $STATUS == 200 ]] || lost=$((lost + 1))
	done <"$D/writes.log"
	((lost == 0))
	# Host b alone serves from now on.
	req GET "/tasks/$(<"$D/tid")"
	expect_status 200
}
