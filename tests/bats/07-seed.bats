#!/usr/bin/env bats
# Records written by the seed (the earlier Python services) are served
# correctly: the seed's keys, shapes and timestamps, without our additions.

setup() { load ../helpers; }

@test "a seed user and its seed tasks are read, listed, updated and deleted" {
	uid=$(cat /proc/sys/kernel/random/uuid)
	t1=$(cat /proc/sys/kernel/random/uuid)
	t2=$(cat /proc/sys/kernel/random/uuid)
	email="seed-$uid@example.com"
	rcli SET "user:$uid" "{\"name\": \"Seed User\", \"email\": \"$email\", \"createdAt\": \"2026-11-28 04:05:06.123456+00:00\"}" >/dev/null
	rcli SET "task:$t1" "{\"userId\": \"$uid\", \"title\": \"old one\", \"description\": null, \"status\": \"pending\", \"createdAt\": \"2026-11-28 04:05:07.000001+00:00\"}" >/dev/null
	rcli SET "task:$t2" "{\"userId\": \"$uid\", \"title\": \"older\", \"description\": \"d\", \"status\": \"completed\", \"createdAt\": \"2026-11-28 04:05:06.5+00:00\"}" >/dev/null
	rcli SADD "user:$uid:tasks" "$t1" "$t2" >/dev/null

	req GET "/users/$uid"
	expect_status 200
	assert_equal "$(jq -r .created_at <<<"$BODY")" "2026-11-28T04:05:06.123456Z"
	assert_equal "$(jq -r .email <<<"$BODY")" "$email"

	req GET "/tasks/$t1"
	expect_status 200
	assert_equal "$(jq -r .created_at <<<"$BODY")" "2026-11-28T04:05:07.000001Z"
	assert_equal "$(jq -r .updated_at <<<"$BODY")" "2026-11-28T04:05:07.000001Z"

	req GET "/tasks?userId=$uid"
	assert_equal "$(jq -r '[.[].title] | join(",")' <<<"$BODY")" "older,old one"
	req GET "/users/$uid/tasks?status=completed"
	assert_equal "$(jq -r '[.tasks[].id] | join(",")' <<<"$BODY")" "$t2"

	req PATCH "/tasks/$t1" '{"status":"in-progress"}'
	expect_status 200
	[[ $(jq -r .updated_at <<<"$BODY") > 2026-11-28T04:05:07.000001Z ]]
	# Still in the seed's shape, with the seed's timestamp kept as it was.
	assert_equal "$(rcli GET "task:$t1" | jq -r .createdAt)" "2026-11-28 04:05:07.000001+00:00"

	# A seed user has no email index entry yet; a write of ours adds it.
	req PATCH "/users/$uid" '{"name":"Renamed"}'
	expect_status 200
	req POST /users "{\"name\":\"Dup\",\"email\":\"$email\"}"
	expect_error 409

	req DELETE "/users/$uid"
	expect_status 204
	assert_equal "$(rcli EXISTS "task:$t1" "task:$t2" "user:$uid:tasks")" 0
}

@test "a malformed record is a 502 naming Redis, not a crash" {
	tid=$(cat /proc/sys/kernel/random/uuid)
	rcli SET "task:$tid" "not json" >/dev/null
	req GET "/tasks/$tid"
	expect_error 502 "Redis|malformed"
	rcli DEL "task:$tid" >/dev/null
	req GET /health/tasks
	expect_status 200
}
