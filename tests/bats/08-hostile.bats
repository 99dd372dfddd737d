#!/usr/bin/env bats
# Limits on everything a client controls, at the gateway.

setup() { load ../helpers; }

# restart_nginx VAR=VALUE...: nginx alone restarted (by pid) with settings.
restart_nginx() {
	"$STACK" stop nginx
	env "$@" "$STACK" start nginx >/dev/null
}

@test "headers and URIs over the limits are refused with JSON errors" {
	big=$(printf 'h%.0s' {1..9000})
	req GET /health - -H "X-Big: $big"
	expect_error 400 "headers too large"
	long=$(printf 'a%.0s' {1..9000})
	req GET "/users/$long"
	expect_error 414 "URI"
	req GET "/tasks?userId=$(printf 'u%.0s' {1..200})"
	expect_error 422 userId
}

@test "the gateway's own 413 is JSON, with the request id" {
	run curl -s -o /dev/null -w '%{http_code}' -XPOST -H 'Content-Type: application/json' \
		-H 'Content-Length: 100000000' --data-binary '{}' "$BASE/users"
	assert_output 413
	head -c 200000 /dev/zero | tr '\0' ' ' >"$BATS_TEST_TMPDIR/big"
	req POST /users "@$BATS_TEST_TMPDIR/big"
	expect_error 413 "65536"
	assert_equal "$(header Content-Type)" application/json
	[[ -n $(header X-Request-ID) ]]
}

@test "per-client rate limit: 429 with a JSON body, then served again" {
	restart_nginx RATE_LIMIT=5 RATE_BURST=5
	codes=$(for i in $(seq 1 30); do curl -s -o /dev/null -w '%{http_code}\n' "$BASE/health/users"; done)
	limited=$(grep -c '^429$' <<<"$codes" || true)
	echo "# $limited of 30 quick requests limited" >&3
	((limited > 10))
	grep -q '^200$' <<<"$codes"
	# A token comes back every 200 ms: on a slow machine the next request
	# may get one, so look at the first refused one among the next five.
	for i in 1 2 3 4 5; do
		req GET /health/users
		[[ $STATUS == 429 ]] && break
	done
	expect_error 429 "too many"
	sleep 1.2
	req GET /health/users
	expect_status 200
	restart_nginx
}

@test "slow clients (slow-loris) are cut off and do not hold up others" {
	restart_nginx CLIENT_TIMEOUT=2
	# 40 connections that send half a request line and then nothing.
	python3 - "$GATEWAY_PORT" >"$BATS_TEST_TMPDIR/loris" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
socks = []
for _ in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    socks.append(s)
start = time.time()
closed = 0
for s in socks:
    s.settimeout(max(0.1, 6 - (time.time() - start)))
    try:
        while s.recv(4096):
            pass
        closed += 1
    except socket.timeout:
        pass
print(closed, round(time.time() - start, 1))
PY
	loris=$!
	sleep 0.5
	# Meanwhile a normal client is served at once.
	run curl -s -o /dev/null -w '%{http_code} %{time_total}' "$BASE/health/users"
	[[ ${output%% *} == 200 ]]
	(($(echo "${output##* } < 1" | bc)))
	wait "$loris"
	read -r closed secs <"$BATS_TEST_TMPDIR/loris"
	echo "# $closed of 40 slow connections closed by the gateway after ${secs}s" >&3
	assert_equal "$closed" 40
	restart_nginx
}

@test "FastCGI sockets are 0660 unix sockets; Redis listens on loopback only" {
	for s in users users-internal tasks tasks-internal; do
		[[ -S $RUN_DIR/$s.sock ]]
		assert_equal "$(stat -c %a "$RUN_DIR/$s.sock")" 660
	done
	assert_equal "$(rcli CONFIG GET bind | tail -n1)" 127.0.0.1
	! ss -ltn | awk '{print $4}' | grep -E "^(0\.0\.0\.0|\*|\[::\]):$REDIS_PORT$"
}
