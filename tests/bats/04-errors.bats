#!/usr/bin/env bats
# The error table: a wide range of bad inputs, each a clear JSON error with
# the right status; after them, good requests still work.

setup() { load ../helpers; }

@test "400: bodies that are not JSON, or not a JSON object" {
	for body in '{bad' '{"name":"x",}' "{'name':'x','email':'a@b.co'}" \
	    "{'name':\"x\"}" '' ' ' '[]' '[{"name":"x"}]' '"str"' '42' 'null' 'true' \
	    '{"name":"x"} trailing' '{"a":NaN}' '{"a":Infinity}' '{"a":01}' \
	    '{"a":"\x"}' '{"a":"\u12"}' $'{"a":"raw\ttab"}' '{"a":[1,2}' '{"a"}'; do
		req POST /users "$body"
		expect_error 400 || { echo "body: $body"; return 1; }
	done
	req PUT "/users/00000000-0000-4000-8000-000000000000" '[]'
	expect_error 400
	req POST /tasks '[1]'
	expect_error 400
}

@test "400: JSON nested too deep" {
	deep=$(printf '{"a":%.0s' {1..40})1$(printf '}%.0s' {1..40})
	req POST /users "$deep"
	expect_error 400 "nested|JSON"
}

@test "422: missing fields, wrong types, blank, too long, bad e-mail, not UTF-8" {
	long201=$(printf 'a%.0s' {1..201})
	long255=$(printf 'a%.0s' {1..245})@example.com
	for body in '{}' '{"name":"x"}' '{"email":"a@b.co"}' \
	    '{"name":1,"email":"a@b.co"}' '{"name":"x","email":1}' \
	    '{"name":null,"email":"a@b.co"}' '{"name":["x"],"email":"a@b.co"}' \
	    '{"name":{"a":1},"email":"a@b.co"}' '{"name":true,"email":"a@b.co"}' \
	    '{"name":"","email":"a@b.co"}' '{"name":"   ","email":"a@b.co"}' \
	    "{\"name\":\"$long201\",\"email\":\"a@b.co\"}" \
	    "{\"name\":\"x\",\"email\":\"$long255\"}" \
	    '{"name":"x","email":"no-at-sign"}' '{"name":"x","email":"a b@c.co"}' \
	    '{"name":"x","email":"a@nodot"}' '{"name":"x","email":"@b.co"}' \
	    '{"name":"x","email":""}' '{"name":"a\u0000b","email":"a@b.co"}' \
	    '{"name":"\ud800","email":"a@b.co"}' '{"name":"x\udc00","email":"a@b.co"}'; do
		req POST /users "$body"
		expect_error 422 || { echo "body: $body"; return 1; }
	done
	req POST /users "$(printf '{"name":"\xff\xfe","email":"a@b.co"}')"
	expect_error 422 "UTF-8"
	req POST /users "$(printf '{"name":"\xc0\xaf","email":"a@b.co"}')"
	expect_error 422 "UTF-8"
}

@test "422: names at the limits: 200 characters pass, multibyte counted as one" {
	name200=$(printf 'é%.0s' {1..200})
	req POST /users "{\"name\":\"$name200\",\"email\":\"$(uniq_email)\"}"
	expect_status 201
	assert_equal "$(jq -r '.name | length' <<<"$BODY")" 200
}

@test "422: task fields" {
	uid=$(new_user)
	long=$(printf 'b%.0s' {1..10001})
	for body in "{\"userId\":\"$uid\"}" "{\"userId\":\"$uid\",\"title\":\"\"}" \
	    "{\"userId\":\"$uid\",\"title\":\" \"}" "{\"userId\":\"$uid\",\"title\":5}" \
	    "{\"userId\":\"$uid\",\"title\":\"t\",\"status\":\"done\"}" \
	    "{\"userId\":\"$uid\",\"title\":\"t\",\"status\":null}" \
	    "{\"userId\":\"$uid\",\"title\":\"t\",\"status\":1}" \
	    "{\"userId\":\"$uid\",\"title\":\"t\",\"description\":5}" \
	    "{\"userId\":\"$uid\",\"title\":\"t\",\"description\":\"$long\"}" \
	    "{\"userId\":null,\"title\":\"t\"}" "{\"userId\":[],\"title\":\"t\"}"; do
		req POST /tasks "$body"
		expect_error 422 || { echo "body: ${body:0:80}"; return 1; }
	done
	req GET "/tasks?userId=$uid"
	assert_equal "$BODY" "[]"
}

@test "413: bodies over 64 KiB, at the gateway and before any handler" {
	big=$(head -c 70000 /dev/zero | tr '\0' 'a')
	req POST /users "{\"name\":\"$big\",\"email\":\"a@b.co\"}"
	expect_error 413
	req PUT /tasks/00000000-0000-4000-8000-000000000000 "{\"title\":\"$big\"}"
	expect_error 413
	# Just under the limit is parsed (and refused for its length, not size).
	near=$(head -c 65000 /dev/zero | tr '\0' 'a')
	req POST /users "{\"name\":\"$near\",\"email\":\"a@b.co\"}"
	expect_error 422 name
}

@test "415: POST/PUT/PATCH without application/json" {
	req POST /users '{"name":"x","email":"a@b.co"}' -H 'Content-Type: text/plain'
	expect_error 415 "Content-Type"
	req POST /users '{"name":"x","email":"a@b.co"}' -H 'Content-Type: application/x-www-form-urlencoded'
	expect_error 415
	req POST /users '{"name":"x","email":"a@b.co"}' -H 'Content-Type: application/json; charset=latin1'
	expect_error 415
	req PATCH /tasks/00000000-0000-4000-8000-000000000000 '{"title":"x"}' -H 'Content-Type: text/json'
	expect_error 415
	req PUT /users/00000000-0000-4000-8000-000000000000 '{}' -H 'Content-Type:'
	expect_error 415
	req POST /users "{\"name\":\"x\",\"email\":\"$(uniq_email)\"}" -H 'Content-Type: application/json; charset=utf-8'
	expect_status 201
	req POST /users "{\"name\":\"x\",\"email\":\"$(uniq_email)\"}" -H 'Content-Type: Application/JSON;charset=UTF-8'
	expect_status 201
}

@test "404: unknown routes; 405 with Allow on known paths" {
	for path in / /nope /user /users/a/b /users/x/tasks/y /tasks/a/b /healthz /health/nope; do
		req GET "$path"
		expect_error 404 || { echo "path: $path"; return 1; }
	done
	req DELETE /users
	expect_error 405
	[[ $(header Allow) == *POST* ]]
	req POST "/users/00000000-0000-4000-8000-000000000000"
	expect_error 405
	assert_equal "$(header Allow)" "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
	req PUT /tasks '{}'
	expect_error 405
	assert_equal "$(header Allow)" "POST, GET, HEAD, OPTIONS"
	req DELETE "/users/00000000-0000-4000-8000-000000000000/tasks"
	expect_error 405
	assert_equal "$(header Allow)" "GET, HEAD, OPTIONS"
	req POST /health/users '{}'
	expect_error 405
}

@test "OPTIONS and HEAD answer without a body" {
	req OPTIONS /users
	expect_status 204
	assert_equal "$(header Allow)" "POST, OPTIONS"
	id=$(new_user)
	run curl -s -o /dev/null -w '%{http_code}' -I "$BASE/users/$id"
	assert_output 200
}

@test "422: bad percent-escapes and too many query parameters" {
	req GET "/tasks?userId=%zz"
	expect_error 422
	q=$(for i in $(seq 1 20); do printf 'p%d=1&' "$i"; done)
	req GET "/tasks?${q}userId=x"
	expect_error 422 "parameters"
}

@test "after all the bad input, good requests still work" {
	uid=$(new_user "Still here")
	tid=$(new_task "$uid" fine)
	req GET "/users/$uid/tasks"
	expect_status 200
	assert_equal "$(jq -r '.tasks[0].id' <<<"$BODY")" "$tid"
	req GET /health/users
	expect_status 200
	req GET /health/tasks
	expect_status 200
}
