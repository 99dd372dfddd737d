#!/usr/bin/env bats
# The classic flow, start to end, through the gateway.

setup() { load ../helpers; }

@test "flow: health, user, task, list, aggregate, complete, delete" {
	req GET /health
	expect_status 200
	assert_equal "$(jq -c . <<<"$BODY")" '{"status":"healthy"}'

	email=$(uniq_email)
	req POST /users "{\"name\":\"Ada Lovelace\",\"email\":\"$email\"}"
	expect_status 201
	uid=$(jq -r .id <<<"$BODY")
	[[ $uid =~ $UUID_RE ]]
	assert_equal "$(header Location)" "/users/$uid"

	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"Write the notes\"}"
	expect_status 201
	tid=$(jq -r .id <<<"$BODY")
	assert_equal "$(jq -r .status <<<"$BODY")" pending

	req GET "/tasks?userId=$uid"
	expect_status 200
	assert_equal "$(jq -r '.[0].id' <<<"$BODY")" "$tid"
	assert_equal "$(header X-Total-Count)" 1

	req GET "/tasks/$tid"
	expect_status 200
	assert_equal "$(jq -r .title <<<"$BODY")" "Write the notes"

	req GET "/users/$uid/tasks"
	expect_status 200
	assert_equal "$(jq -r .user.email <<<"$BODY")" "$email"
	assert_equal "$(jq -r '.tasks | length' <<<"$BODY")" 1
	assert_equal "$(jq -r '.tasks[0].id' <<<"$BODY")" "$tid"

	req PATCH "/tasks/$tid" '{"status":"completed"}'
	expect_status 200
	assert_equal "$(jq -r .status <<<"$BODY")" completed

	req DELETE "/tasks/$tid"
	expect_status 204
	[[ -z $BODY ]]
	req GET "/tasks/$tid"
	expect_error 404

	req DELETE "/users/$uid"
	expect_status 204
	req GET "/users/$uid"
	expect_error 404
}
