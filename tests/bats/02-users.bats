#!/usr/bin/env bats
# Every row of the users table of the contract.

setup() { load ../helpers; }

@test "POST /users: 201, Location, UserResponse with server-made id and created_at" {
	email=$(uniq_email)
	req POST /users "{\"name\":\"Grace\",\"email\":\"$email\",\"id\":\"mine\",\"created_at\":\"1999-01-01T00:00:00Z\",\"extra\":1}"
	expect_status 201
	# With AUTH=token the sign-up answer adds the new user's token.
	if [[ ${AUTH:-token} == token ]]; then
		assert_equal "$(jq -r 'keys_unsorted | sort | join(",")' <<<"$BODY")" "created_at,email,id,name,token"
		[[ $(jq -r .token <<<"$BODY") =~ ^tm_[A-Za-z0-9_]{32,}$ ]]
	else
		assert_equal "$(jq -r 'keys_unsorted | sort | join(",")' <<<"$BODY")" "created_at,email,id,name"
	fi
	id=$(jq -r .id <<<"$BODY")
	[[ $id =~ $UUID_RE ]]
	[[ $(jq -r .created_at <<<"$BODY") =~ $TS_RE ]]
	[[ $(jq -r .created_at <<<"$BODY") != 1999* ]]
	assert_equal "$(header Location)" "/users/$id"
	assert_equal "$(header Content-Type)" "application/json"
	assert_equal "$(jq -r .name <<<"$BODY")" Grace
	assert_equal "$(jq -r .email <<<"$BODY")" "$email"
}

@test "POST /users: a used e-mail is 409, compared case-insensitively" {
	email=$(uniq_email)
	req POST /users "{\"name\":\"A\",\"email\":\"$email\"}"
	expect_status 201
	req POST /users "{\"name\":\"B\",\"email\":\"$email\"}"
	expect_error 409 email
	upper=$(tr a-z A-Z <<<"$email")
	req POST /users "{\"name\":\"C\",\"email\":\"$upper\"}"
	expect_error 409 email
}

@test "GET /users/{id}: 200 with the same record; unknown and malformed ids 404" {
	id=$(new_user "Linus")
	req GET "/users/$id"
	expect_status 200
	assert_equal "$(jq -r .id <<<"$BODY")" "$id"
	assert_equal "$(jq -r .name <<<"$BODY")" Linus
	req GET "/users/00000000-0000-4000-8000-000000000000"
	expect_error 404 "user not found"
	req GET "/users/not-a-uuid"
	expect_error 404
	req GET "/users/$(tr a-f A-F <<<"$id")"
	expect_status 200
}

@test "PUT /users/{id}: both fields required, created_at preserved" {
	id=$(new_user)
	req GET "/users/$id"
	created=$(jq -r .created_at <<<"$BODY")
	email=$(uniq_email)
	req PUT "/users/$id" "{\"name\":\"New Name\",\"email\":\"$email\"}"
	expect_status 200
	assert_equal "$(jq -r .name <<<"$BODY")" "New Name"
	assert_equal "$(jq -r .email <<<"$BODY")" "$email"
	assert_equal "$(jq -r .created_at <<<"$BODY")" "$created"
	req PUT "/users/$id" '{"name":"Only name"}'
	expect_error 422 email
	req GET "/users/$id"
	assert_equal "$(jq -r .name <<<"$BODY")" "New Name"
	req PUT "/users/00000000-0000-4000-8000-000000000000" "{\"name\":\"x\",\"email\":\"$(uniq_email)\"}"
	expect_error 404
}

@test "PUT/PATCH /users/{id}: an e-mail used by another user is 409; one's own is fine" {
	a=$(new_user)
	b=$(new_user)
	req GET "/users/$a"
	email_a=$(jq -r .email <<<"$BODY")
	req PATCH "/users/$b" "{\"email\":\"$email_a\"}"
	expect_error 409
	req PUT "/users/$a" "{\"name\":\"same mail\",\"email\":\"$(tr a-z A-Z <<<"$email_a")\"}"
	expect_status 200
}

@test "PATCH /users/{id}: only the given fields change" {
	id=$(new_user "Before")
	req GET "/users/$id"
	email=$(jq -r .email <<<"$BODY")
	req PATCH "/users/$id" '{"name":"After"}'
	expect_status 200
	assert_equal "$(jq -r .name <<<"$BODY")" After
	assert_equal "$(jq -r .email <<<"$BODY")" "$email"
	req PATCH "/users/$id" '{}'
	expect_status 200
	assert_equal "$(jq -r .name <<<"$BODY")" After
	req PATCH "/users/$id" '{"name":""}'
	expect_error 422 name
}

@test "changing an e-mail frees the old one" {
	id=$(new_user)
	req GET "/users/$id"
	old=$(jq -r .email <<<"$BODY")
	req PATCH "/users/$id" "{\"email\":\"$(uniq_email)\"}"
	expect_status 200
	req POST /users "{\"name\":\"Taker\",\"email\":\"$old\"}"
	expect_status 201
}

@test "DELETE /users/{id}: 204 empty, tasks deleted too, e-mail free again" {
	email=$(uniq_email)
	req POST /users "{\"name\":\"Gone\",\"email\":\"$email\"}"
	id=$(jq -r .id <<<"$BODY")
	t1=$(new_task "$id" one)
	t2=$(new_task "$id" two)
	req DELETE "/users/$id"
	expect_status 204
	[[ -z $BODY ]]
	[[ -z $(header Content-Type) ]]
	req GET "/tasks/$t1"
	expect_error 404
	req GET "/tasks/$t2"
	expect_error 404
	req GET "/tasks?userId=$id"
	expect_status 200
	assert_equal "$BODY" "[]"
	assert_equal "$(rcli EXISTS "user:$id:tasks")" 0
	req DELETE "/users/$id"
	expect_error 404
	req POST /users "{\"name\":\"Again\",\"email\":\"$email\"}"
	expect_status 201
}

@test "GET /users/{id}/tasks: user and tasks, with status, limit and offset" {
	id=$(new_user)
	for i in 1 2 3 4; do new_task "$id" "t$i" >/dev/null; done
	new_task "$id" done1 completed >/dev/null
	req GET "/users/$id/tasks"
	expect_status 200
	assert_equal "$(jq -r .user.id <<<"$BODY")" "$id"
	assert_equal "$(jq -r '.tasks | length' <<<"$BODY")" 5
	assert_equal "$(jq -r '[.tasks[].title] | join(",")' <<<"$BODY")" "t1,t2,t3,t4,done1"
	req GET "/users/$id/tasks?status=completed"
	assert_equal "$(jq -r '[.tasks[].title] | join(",")' <<<"$BODY")" "done1"
	req GET "/users/$id/tasks?limit=2&offset=1"
	expect_status 200
	assert_equal "$(jq -r '[.tasks[].title] | join(",")' <<<"$BODY")" "t2,t3"
	req GET "/users/$id/tasks?limit=0"
	expect_error 422 limit
	req GET "/users/$id/tasks?status=nope"
	expect_error 422 status
	req GET "/users/00000000-0000-4000-8000-000000000000/tasks"
	expect_error 404
}

@test "GET /users/{id}/tasks: a user with no tasks has an empty list" {
	id=$(new_user)
	req GET "/users/$id/tasks"
	expect_status 200
	assert_equal "$(jq -c .tasks <<<"$BODY")" "[]"
}
