#!/usr/bin/env bats
# Every row of the tasks table of the contract.

setup() { load ../helpers; }

@test "POST /tasks: 201, Location, TaskResponse with defaults" {
	uid=$(new_user)
	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"Plan\",\"id\":\"mine\",\"extra\":[1]}"
	expect_status 201
	assert_equal "$(jq -r 'keys_unsorted | sort | join(",")' <<<"$BODY")" \
		"created_at,description,id,status,title,updated_at,userId"
	tid=$(jq -r .id <<<"$BODY")
	[[ $tid =~ $UUID_RE ]]
	assert_equal "$(header Location)" "/tasks/$tid"
	assert_equal "$(jq -r .userId <<<"$BODY")" "$uid"
	assert_equal "$(jq -r .status <<<"$BODY")" pending
	assert_equal "$(jq -c .description <<<"$BODY")" null
	[[ $(jq -r .created_at <<<"$BODY") =~ $TS_RE ]]
	assert_equal "$(jq -r .created_at <<<"$BODY")" "$(jq -r .updated_at <<<"$BODY")"
}

@test "POST /tasks: description and status are taken" {
	uid=$(new_user)
	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"T\",\"description\":\"line1\\nline2\",\"status\":\"in-progress\"}"
	expect_status 201
	assert_equal "$(jq -r .description <<<"$BODY")" $'line1\nline2'
	assert_equal "$(jq -r .status <<<"$BODY")" in-progress
}

@test "POST /tasks: a userId that names no user is 422 and writes nothing" {
	req POST /tasks '{"userId":"00000000-0000-4000-8000-000000000000","title":"T"}'
	expect_error 422 userId
	req POST /tasks '{"userId":"not-a-uuid","title":"T"}'
	expect_error 422 userId
	req POST /tasks '{"userId":12,"title":"T"}'
	expect_error 422 userId
	req POST /tasks '{"title":"T"}'
	expect_error 422 userId
	assert_equal "$(rcli EXISTS user:00000000-0000-4000-8000-000000000000:tasks)" 0
}

@test "GET /tasks/{id}: 200; unknown and malformed ids 404" {
	uid=$(new_user)
	tid=$(new_task "$uid" Read)
	req GET "/tasks/$tid"
	expect_status 200
	assert_equal "$(jq -r .id <<<"$BODY")" "$tid"
	req GET /tasks/00000000-0000-4000-8000-000000000000
	expect_error 404 "task not found"
	req GET /tasks/xyz
	expect_error 404
}

@test "GET /tasks: userId required; no tasks or no user gives []" {
	req GET /tasks
	expect_error 422 userId
	req GET "/tasks?userId="
	expect_error 422 userId
	uid=$(new_user)
	req GET "/tasks?userId=$uid"
	expect_status 200
	assert_equal "$BODY" "[]"
	assert_equal "$(header X-Total-Count)" 0
	req GET "/tasks?userId=00000000-0000-4000-8000-000000000000"
	expect_status 200
	assert_equal "$BODY" "[]"
}

@test "GET /tasks: ordered by created_at, filtered by status, paged, X-Total-Count before paging" {
	uid=$(new_user)
	for i in 1 2 3 4 5 6; do
		s=pending; ((i % 2 == 0)) && s=completed
		new_task "$uid" "t$i" "$s" >/dev/null
	done
	req GET "/tasks?userId=$uid"
	assert_equal "$(jq -r '[.[].title] | join(",")' <<<"$BODY")" "t1,t2,t3,t4,t5,t6"
	assert_equal "$(header X-Total-Count)" 6
	req GET "/tasks?userId=$uid&status=completed"
	assert_equal "$(jq -r '[.[].title] | join(",")' <<<"$BODY")" "t2,t4,t6"
	assert_equal "$(header X-Total-Count)" 3
	req GET "/tasks?userId=$uid&limit=2&offset=2"
	assert_equal "$(jq -r '[.[].title] | join(",")' <<<"$BODY")" "t3,t4"
	assert_equal "$(header X-Total-Count)" 6
	req GET "/tasks?userId=$uid&status=pending&limit=1&offset=1"
	assert_equal "$(jq -r '[.[].title] | join(",")' <<<"$BODY")" "t3"
	assert_equal "$(header X-Total-Count)" 3
	req GET "/tasks?userId=$uid&offset=100"
	expect_status 200
	assert_equal "$BODY" "[]"
	assert_equal "$(header X-Total-Count)" 6
	req GET "/tasks?userId=$uid&limit=1000"
	expect_status 200
}

@test "GET /tasks: the default limit is 100" {
	uid=$(new_user)
	# 101 tasks written straight to Redis in the seed's shape: faster.
	for i in $(seq -w 1 101); do
		tid=$(printf '00000000-0000-4000-8000-%012d' "$((10#$i))")
		rec=$(jq -nc --arg u "$uid" --arg t "s$i" --arg c "2026-01-01 00:00:00.000$i+00:00" \
			'{userId: $u, title: $t, description: null, status: "pending", createdAt: $c}')
		printf 'SET task:%s %s\nSADD user:%s:tasks %s\n' "$tid" \
			"$(printf '%s' "$rec" | jq -Rs .)" "$uid" "$tid"
	done | rcli >/dev/null
	req GET "/tasks?userId=$uid"
	expect_status 200
	assert_equal "$(jq length <<<"$BODY")" 100
	assert_equal "$(header X-Total-Count)" 101
	req GET "/tasks?userId=$uid&offset=100"
	assert_equal "$(jq -r '.[0].title' <<<"$BODY")" s101
}

@test "GET /tasks: bad query parameters are 422" {
	uid=$(new_user)
	for q in "limit=0" "limit=1001" "limit=abc" "limit=-1" "limit=1.5" "limit=" \
	    "offset=-1" "offset=x" "status=done" "status=" "limit=%zz" "limit=1&limit=2"; do
		req GET "/tasks?userId=$uid&$q"
		expect_error 422 || { echo "query: $q"; return 1; }
	done
}

@test "PUT /tasks/{id}: shallow merge; userId, id, created_at cannot change; updated_at moves" {
	uid=$(new_user)
	other=$(new_user)
	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"Orig\",\"description\":\"d\"}"
	tid=$(jq -r .id <<<"$BODY")
	created=$(jq -r .created_at <<<"$BODY")
	updated=$(jq -r .updated_at <<<"$BODY")
	req PUT "/tasks/$tid" "{\"status\":\"in-progress\",\"userId\":\"$other\",\"id\":\"x\",\"created_at\":\"2000-01-01T00:00:00Z\"}"
	expect_status 200
	assert_equal "$(jq -r .status <<<"$BODY")" in-progress
	assert_equal "$(jq -r .title <<<"$BODY")" Orig
	assert_equal "$(jq -r .description <<<"$BODY")" d
	assert_equal "$(jq -r .userId <<<"$BODY")" "$uid"
	assert_equal "$(jq -r .id <<<"$BODY")" "$tid"
	assert_equal "$(jq -r .created_at <<<"$BODY")" "$created"
	new_updated=$(jq -r .updated_at <<<"$BODY")
	[[ $new_updated > $updated ]]
	req PUT "/tasks/$tid" '{"description":null,"title":"Renamed"}'
	expect_status 200
	assert_equal "$(jq -c .description <<<"$BODY")" null
	assert_equal "$(jq -r .title <<<"$BODY")" Renamed
	req GET "/tasks?userId=$uid"
	assert_equal "$(jq -r '.[0].title' <<<"$BODY")" Renamed
}

@test "PATCH /tasks/{id}: same as PUT, and validates what it is given" {
	uid=$(new_user)
	tid=$(new_task "$uid" P)
	req PATCH "/tasks/$tid" '{"title":"Q"}'
	expect_status 200
	assert_equal "$(jq -r .title <<<"$BODY")" Q
	req PATCH "/tasks/$tid" '{"status":"finished"}'
	expect_error 422 status
	req PATCH "/tasks/$tid" '{"title":"   "}'
	expect_error 422 title
	req PATCH "/tasks/$tid" '{"title":null}'
	expect_error 422 title
	req PATCH "/tasks/00000000-0000-4000-8000-000000000000" '{"title":"x"}'
	expect_error 404
	req GET "/tasks/$tid"
	assert_equal "$(jq -r .title <<<"$BODY")" Q
	assert_equal "$(jq -r .status <<<"$BODY")" pending
}

@test "DELETE /tasks/{id}: 204 empty; record and index entry go together" {
	uid=$(new_user)
	tid=$(new_task "$uid" D)
	keep=$(new_task "$uid" K)
	req DELETE "/tasks/$tid"
	expect_status 204
	[[ -z $BODY ]]
	assert_equal "$(rcli EXISTS "task:$tid")" 0
	assert_equal "$(rcli SISMEMBER "user:$uid:tasks" "$tid")" 0
	assert_equal "$(rcli SISMEMBER "user:$uid:tasks" "$keep")" 1
	req DELETE "/tasks/$tid"
	expect_error 404
}
