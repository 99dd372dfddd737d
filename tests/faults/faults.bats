#!/usr/bin/env bats
# Faults: each test starts from a healthy stack, injects the fault by pid
# (never by process name), checks the behaviour during the fault, removes it
# and checks recovery.  Timeouts in the test stack: Redis 1 s, peer 3 s.

setup() {
	load ../helpers
	"$STACK" start >/dev/null
	wait_until 10 healthy
}

teardown() {
	# Whatever a test stopped or froze, leave a healthy stack behind.
	for c in redis users users-internal tasks tasks-internal nginx; do
		pid=$("$STACK" pid "$c" 2>/dev/null) || continue
		kill -CONT "$pid" $(pgrep -P "$pid") 2>/dev/null || true
	done
	"$STACK" start >/dev/null
	wait_until 10 healthy
}

healthy() {
	[[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/users") == 200 &&
	   $(curl -s -o /dev/null -w '%{http_code}' "$BASE/health/tasks") == 200 ]]
}

# wait_until SECS CMD...: polls CMD every 0.1 s.
wait_until() {
	local secs=$1
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# redis_has_unread: some client's command waits in Redis's receive queue.
redis_has_unread() {
	ss -tnH state established "( sport = :$REDIS_PORT )" | awk '$1 > 0 {f = 1} END {exit !f}'
}

# timed METHOD PATH [BODY]: like req, and sets SECS to the request's duration.
timed() {
	local t0 t1
	t0=$(date +%s.%N)
	req "$@"
	t1=$(date +%s.%N)
	SECS=$(echo "$t1 - $t0" | bc)
}

@test "Redis stopped: 503 naming Redis at once, health degraded; back without restarts, writes kept" {
	uid=$(new_user "Before outage")
	tid=$(new_task "$uid" "kept")
	"$STACK" stop redis
	timed GET "/users/$uid"
	expect_error 503 Redis
	(($(echo "$SECS < 1.5" | bc))) || { echo "took ${SECS}s"; return 1; }
	timed POST /users "{\"name\":\"x\",\"email\":\"$(uniq_email)\"}"
	expect_error 503 Redis
	# The aggregate reads the user while the task service answers: Redis's
	# failure is still the one reported, not the task service's.
	timed GET "/users/$uid/tasks"
	expect_error 503 Redis
	(($(echo "$SECS < 1.5" | bc))) || { echo "took ${SECS}s"; return 1; }
	req GET /health/users
	expect_status 503
	assert_equal "$(jq -c '{status,redis}' <<<"$BODY")" '{"status":"degraded","redis":"unreachable"}'
	req GET /health/tasks
	expect_status 503
	req GET /health
	expect_status 200

	"$STACK" start redis
	pools_before=$(for p in users tasks; do "$STACK" pid "$p"; done)
	wait_until 5 healthy
	req GET "/users/$uid"
	expect_status 200
	assert_equal "$(jq -r .name <<<"$BODY")" "Before outage"
	req GET "/tasks/$tid"
	expect_status 200
	req GET "/users/$uid/tasks"
	expect_status 200
	assert_equal "$(jq -r '.user.name + " " + .tasks[0].title' <<<"$BODY")" "Before outage kept"
	assert_equal "$(for p in users tasks; do "$STACK" pid "$p"; done)" "$pools_before"
}

@test "Redis restarted between requests: every worker's next request reconnects, none fails" {
	uid=$(new_user "Kept")
	new_task "$uid" "listed" >/dev/null
	n=$("$STACK" config | sed -n 's/^USERS_WORKERS=//p')
	# Every public worker holds a connection to Redis ...
	for ((i = 0; i < 4 * n; i++)); do
		req GET "/users/$uid/tasks"
		expect_status 200
	done
	# ... that the restart closes, with no request in between to notice.
	"$STACK" stop redis
	"$STACK" start redis
	wait_until 5 rcli PING
	# The aggregate's read, sent ahead of the task service's call, finds
	# its connection closed and is sent again on a new one.
	for ((i = 0; i < 4 * n; i++)); do
		req GET "/users/$uid/tasks"
		expect_status 200
		assert_equal "$(jq -r '.user.name + " " + .tasks[0].title' <<<"$BODY")" "Kept listed"
	done
	grep -q "Redis connection lost, reconnecting" "$RUN_DIR/logs/users.log"
}

@test "Redis killed (SIGKILL) right after a burst of writes: every 2xx write is there, exactly" {
	dir=$(mktemp -d)
	uid=$(new_user)
	for ((i = 0; i < 40; i++)); do
		curl -s -o "$dir/t$i" -w '%{http_code}' -XPOST -H 'Content-Type: application/json' \
			-d "{\"userId\":\"$uid\",\"title\":\"burst $i\",\"description\":\"d$i\"}" \
			"$BASE/tasks" >"$dir/t$i.code" &
		curl -s -o "$dir/u$i" -w '%{http_code}' -XPOST -H 'Content-Type: application/json' \
			-d "{\"name\":\"burst $i\",\"email\":\"b$i-$(uniq_email)\"}" \
			"$BASE/users" >"$dir/u$i.code" &
	done
	wait
	kill -KILL "$("$STACK" pid redis)"
	sleep 0.2
	"$STACK" start redis
	wait_until 5 healthy
	acked=0
	for f in "$dir"/*.code; do
		[[ $(<"$f") == 201 ]] || continue
		acked=$((acked + 1))
		# A sign-up's answer adds the new user's token (AUTH=token): the
		# record is read back without it, and the token must work too.
		want=$(jq -S 'del(.token)' <"${f%.code}")
		tok=$(jq -r '.token // empty' <"${f%.code}")
		kind=users; [[ $(basename "$f") == t* ]] && kind=tasks
		req GET "/$kind/$(jq -r .id <<<"$want")"
		expect_status 200
		assert_equal "$(jq -S . <<<"$BODY")" "$want"
		if [[ -n $tok ]]; then
			AUTHZ="Bearer $tok" req GET "/users/$(jq -r .id <<<"$want")"
			expect_status 200
		fi
	done
	echo "# $acked acknowledged writes checked after the kill" >&3
	((acked == 80))
	rm -rf "$dir"
}

@test "Redis hung (SIGSTOP): 504 within the timeout; workers free again after SIGCONT" {
	uid=$(new_user)
	pid=$("$STACK" pid redis)
	kill -STOP "$pid"
	timed GET "/users/$uid"
	expect_error 504 Redis
	(($(echo "$SECS < 2.5" | bc))) || { echo "took ${SECS}s"; return 1; }
	timed GET "/tasks?userId=$uid"
	expect_error 504 Redis
	# The aggregate: the task service times out on Redis first (1 s), then
	# the user's read, sent before the call, runs out of its own time.
	timed GET "/users/$uid/tasks"
	expect_error 504 Redis
	(($(echo "$SECS < 3" | bc))) || { echo "took ${SECS}s"; return 1; }
	kill -CONT "$pid"
	wait_until 5 healthy
	# More requests than workers: none of them is still stuck, and none
	# reads a reply meant for a request that gave up.
	for i in 1 2 3 4 5 6 7 8; do
		req GET "/users/$uid"
		expect_status 200
		assert_equal "$(jq -r .id <<<"$BODY")" "$uid"
		req GET "/users/$uid/tasks"
		expect_status 200
		assert_equal "$(jq -r .user.id <<<"$BODY")" "$uid"
	done
}

@test "task service stopped: aggregate 503 naming it; the user service's own routes work" {
	uid=$(new_user)
	"$STACK" stop tasks tasks-internal
	req GET "/users/$uid/tasks"
	expect_error 503 "task service"
	req GET "/users/$uid"
	expect_status 200
	# The user's answer decides first: an unknown user is 404 even now.
	req GET "/users/00000000-0000-4000-8000-000000000000/tasks"
	expect_error 404 "user not found"
	req PATCH "/users/$uid" '{"name":"still writable"}'
	expect_status 200
	"$STACK" start tasks-internal tasks
	wait_until 5 healthy
	req GET "/users/$uid/tasks"
	expect_status 200
}

@test "user service stopped: POST /tasks 503 naming it, and no task is written" {
	uid=$(new_user)
	"$STACK" stop users users-internal
	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"never\"}"
	expect_error 503 "user service"
	assert_equal "$(rcli SCARD "user:$uid:tasks")" 0
	req GET "/tasks?userId=$uid"
	expect_status 200
	assert_equal "$BODY" "[]"
	"$STACK" start users-internal users
	wait_until 5 healthy
	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"now\"}"
	expect_status 201
}

@test "a slow peer (task pool frozen): 504 within the timeout; the caller is not wedged" {
	uid=$(new_user)
	mw=$("$STACK" pid tasks-internal)
	workers=$(pgrep -P "$mw")
	kill -STOP $workers
	timed GET "/users/$uid/tasks"
	kill -CONT $workers
	expect_error 504 "task service"
	(($(echo "$SECS < 4.5" | bc))) || { echo "took ${SECS}s"; return 1; }
	for i in 1 2 3 4; do
		req GET "/users/$uid/tasks"
		expect_status 200
	done
}

@test "a slow peer that accepts and never answers: 504 within the timeout" {
	port=$((TASKS_PORT + 100))
	python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $port)); s.listen(64)
conns = []
end = time.time() + 20
while time.time() < end:
    s.settimeout(0.5)
    try: conns.append(s.accept()[0])
    except socket.timeout: pass
" &
	stub=$!
	uid=$(new_user)
	# The user service's public pool, restarted to call the stub.
	"$STACK" stop users
	TASK_BASE="http://127.0.0.1:$port" "$STACK" start users
	timed GET "/users/$uid/tasks"
	expect_error 504 "task service timed out"
	(($(echo "$SECS < 4.5" | bc))) || { echo "took ${SECS}s"; return 1; }
	req GET "/users/$uid"
	expect_status 200
	kill "$stub"
	"$STACK" stop users
	"$STACK" start users
}

@test "a peer answering 200 with something other than one JSON array: 502, never spliced" {
	port=$((TASKS_PORT + 101))
	# Answers each GET with the next of these bodies, all 200, all JSON-ish.
	python3 -c "
import http.server
bodies = [b'{\"tasks\": []}', b'[{\"id\": 1}', b'[1] [2]', b'[\"\\\\ud800\"]', b'', b'[]']
n = [0]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_GET(self):
        b = bodies[n[0] % len(bodies)]; n[0] += 1
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(b)))
        self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', $port), H).serve_forever()
" &
	stub=$!
	uid=$(new_user)
	"$STACK" stop users
	TASK_BASE="http://127.0.0.1:$port" "$STACK" start users
	wait_until 5 bash -c "echo >/dev/tcp/127.0.0.1/$port"
	for i in 1 2 3 4 5; do
		req GET "/users/$uid/tasks"
		expect_error 502 "task service: answered something other than a JSON array"
	done
	# The sixth body is a whole array: spliced as it came.
	req GET "/users/$uid/tasks"
	expect_status 200
	[[ $(jq -c .tasks <<<"$BODY") == "[]" && $(jq -r .user.id <<<"$BODY") == "$uid" ]]
	kill "$stub"
	"$STACK" stop users
	"$STACK" start users
}

@test "a worker killed (SIGKILL) under load: replaced, others unaffected, no partial record" {
	uid=$(new_user)
	mw=$("$STACK" pid tasks)
	n=$(pgrep -P "$mw" | wc -l)
	dir=$(mktemp -d)
	(for ((i = 0; i < 60; i++)); do
		curl -s -o /dev/null -w '%{http_code}\n' -XPOST -H 'Content-Type: application/json' \
			-d "{\"userId\":\"$uid\",\"title\":\"load $i\"}" "$BASE/tasks"
	done >"$dir/codes") &
	load=$!
	sleep 0.3
	victim=$(pgrep -P "$mw" | head -n1)
	kill -KILL "$victim"
	wait "$load"
	wait_until 5 bash -c "[[ \$(pgrep -P $mw | wc -l) == $n ]]"
	! pgrep -P "$mw" | grep -qx "$victim"
	fails=$(grep -cv '^201$' "$dir/codes" || true)
	echo "# $fails of 60 requests failed (at most the one in flight on the killed worker)" >&3
	((fails <= 1))
	# Every acknowledged create is stored. A worker killed after Redis ran
	# the create but before the answer left leaves that one task stored
	# (whole, indexed) though its client saw a failure: at most the failed
	# requests may add to the count.
	acked=$(grep -c '^201$' "$dir/codes")
	stored=$(rcli SCARD "user:$uid:tasks")
	((stored >= acked && stored <= acked + fails)) ||
		{ echo "stored $stored, acknowledged $acked, failed $fails"; return 1; }
	run "$BATS_TEST_DIRNAME/../../scripts/check-redis.sh"
	assert_success
	rm -rf "$dir"
}

@test "graceful stop: SIGTERM lets an in-flight request finish; stop/start under load loses no write" {
	uid=$(new_user)
	# Hold a request inside a worker: freeze Redis, send it, stop the pool.
	rpid=$("$STACK" pid redis)
	kill -STOP "$rpid"
	curl -s -o /dev/null -w '%{http_code}' "$BASE/users/$uid" >"$BATS_TEST_TMPDIR/inflight" &
	inflight=$!
	# The request is in a worker once its GET waits, unread, at the
	# frozen Redis (a fixed sleep here was a race on a busy machine).
	wait_until 5 redis_has_unread
	"$STACK" stop users &
	stopper=$!
	sleep 0.2
	kill -CONT "$rpid"
	wait "$inflight" "$stopper"
	assert_equal "$(<"$BATS_TEST_TMPDIR/inflight")" 200
	"$STACK" start users

	# A steady light load of creates while the task pool restarts.
	dir=$BATS_TEST_TMPDIR/steady
	mkdir -p "$dir"
	(for ((i = 0; i < 80; i++)); do
		curl -s -o "$dir/$i" -w '%{http_code}' -XPOST -H 'Content-Type: application/json' \
			-d "{\"userId\":\"$uid\",\"title\":\"steady $i\"}" "$BASE/tasks" >"$dir/$i.code"
		sleep 0.02
	done) &
	load=$!
	sleep 0.4
	"$STACK" stop tasks
	"$STACK" start tasks
	wait "$load"
	acked=0
	for ((i = 0; i < 80; i++)); do
		case $(<"$dir/$i.code") in
		201)
			acked=$((acked + 1))
			req GET "/tasks/$(jq -r .id <"$dir/$i")"
			expect_status 200 ;;
		503) ;;   # refused while the pool was down: not acknowledged
		*) echo "request $i: $(<"$dir/$i.code") $(<"$dir/$i")"; return 1 ;;
		esac
	done
	echo "# $acked of 80 creates acknowledged during the restart" >&3
	((acked > 0))
}
