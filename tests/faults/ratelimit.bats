#!/usr/bin/env bats
# The gateway's rate limits with AUTH=token: per client address and per
# credentials, both applied.  A stack of its own with a low limit (1
# request/s, a burst of 5), its own ports and runtime folder; clients on
# other loopback addresses (curl --interface 127.0.0.N).  Each burst is
# sent at once (in parallel), so that a busy machine's slowness cannot
# refill a bucket in the middle of it.

setup_file() {
	export RUN_DIR=$BATS_FILE_TMPDIR/rl GATEWAY_PORT=18580 USERS_PORT=18505 \
		TASKS_PORT=18502 REDIS_PORT=16589 RATE_LIMIT=1 RATE_BURST=5 AUTH=token
	export BASE=http://127.0.0.1:$GATEWAY_PORT
	"$STACK" start >/dev/null
}

teardown_file() {
	"$STACK" stop >/dev/null
}

setup() { load ../helpers; }

# codes FROM AUTHZ N PATH: N requests at once from address FROM with header
# AUTHZ ("" for none; a %d in it is the request's number), their statuses
# one a line.
codes() {
	local from=$1 authz=$2 n=$3 path=$4 i h
	for ((i = 0; i < n; i++)); do
		# shellcheck disable=SC2059
		h=$(printf "$authz" "$i")
		command curl -s -o /dev/null -w '%{http_code}\n' --interface "$from" \
			${h:+-H "Authorization: $h"} "$BASE$path" &
	done
	wait
}

# signup FROM: a new user's "id token", signed up from address FROM.
signup() {
	command curl -s --interface "$1" -XPOST -H 'Content-Type: application/json' \
		-d "{\"name\":\"rl\",\"email\":\"$(uniq_email)\"}" "$BASE/users" |
		jq -r '.id + " " + .token'
}

@test "one token is limited across addresses; another address keeps its share" {
	read -r uid tok < <(signup 127.0.0.3)
	[[ $tok == tm_* ]]
	# The token's burst used from one address...
	run codes 127.0.0.1 "Bearer $tok" 6 "/users/$uid"
	[[ $(grep -c '^200$' <<<"$output") -ge 5 ]]
	# ...is gone from another, whose own share is untouched: 429.
	run codes 127.0.0.2 "Bearer $tok" 4 "/users/$uid"
	[[ $(grep -c '^429$' <<<"$output") -ge 3 ]] || { echo "$output"; return 1; }
	# Another user's token from a fresh address is served.
	read -r uid2 tok2 < <(signup 127.0.0.5)
	run codes 127.0.0.6 "Bearer $tok2" 3 "/users/$uid2"
	assert_output $'200\n200\n200'
}

@test "a flood of refused credentials (401) is limited like any request, per address" {
	run codes 127.0.0.4 "Bearer tm_bogus%d" 15 /users/00000000-0000-4000-8000-000000000000
	[[ $(grep -c '^401$' <<<"$output") -le 7 ]] || { echo "$output"; return 1; }
	[[ $(grep -c '^429$' <<<"$output") -ge 8 ]] || { echo "$output"; return 1; }
	# The 429 is the API's error shape (a second burst, so that one of
	# them meets the limit whatever the time elapsed since).
	for i in 1 2 3 4 5 6 7 8; do
		command curl -s --interface 127.0.0.4 "$BASE/users/x" &
	done >"$BATS_TEST_TMPDIR/bodies"
	wait
	grep -q '"detail":"too many requests: slow down"' "$BATS_TEST_TMPDIR/bodies"
}
