#!/usr/bin/env bats
# REDIS_PASSWORD: a stack whose Redis requires AUTH.  Its own ports and
# runtime folder; started and stopped here.

setup_file() {
	export RUN_DIR=$BATS_FILE_TMPDIR/auth GATEWAY_PORT=18280 USERS_PORT=18205 \
		TASKS_PORT=18202 REDIS_PORT=16579 REDIS_PASSWORD=s3cret-pass
	export BASE=http://127.0.0.1:$GATEWAY_PORT
	"$STACK" start >/dev/null
}

teardown_file() {
	"$STACK" stop >/dev/null
}

setup() { load ../helpers; }

@test "with REDIS_PASSWORD the services authenticate; Redis refuses anyone without it" {
	uid=$(new_user "Authed")
	tid=$(new_task "$uid")
	req GET "/users/$uid/tasks"
	expect_status 200
	assert_equal "$(jq -r '.tasks[0].id' <<<"$BODY")" "$tid"
	run redis-cli -p "$REDIS_PORT" GET "user:$uid"
	assert_output --partial NOAUTH
}

@test "a wrong password: health degraded and API errors, never a crash" {
	"$STACK" stop users
	REDIS_PASSWORD=wrong "$STACK" start users >/dev/null
	req GET /health/users
	expect_status 503
	assert_equal "$(jq -r .status <<<"$BODY")" degraded
	req GET "/users/00000000-0000-4000-8000-000000000000"
	expect_error 502 "AUTH"
	"$STACK" stop users
	"$STACK" start users >/dev/null
	req GET /health/users
	expect_status 200
}
