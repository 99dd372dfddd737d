#!/usr/bin/env bats
# The gateway: health routes, request ids, the internal ports, OpenAPI.

setup() { load ../helpers; }

@test "health: the gateway itself and each service's own health" {
	req GET /health
	expect_status 200
	assert_equal "$(jq -r .status <<<"$BODY")" healthy
	req GET /health/users
	expect_status 200
	assert_equal "$(jq -c '{status,service,redis}' <<<"$BODY")" '{"status":"healthy","service":"users","redis":"ok"}'
	req GET /health/tasks
	expect_status 200
	assert_equal "$(jq -c '{status,service,redis}' <<<"$BODY")" '{"status":"healthy","service":"tasks","redis":"ok"}'
}

@test "the gateway's /health: GET and HEAD; OPTIONS 204; any other method 405 with Allow, as the services'" {
	run curl -s -o /dev/null -w '%{http_code}' -I "$BASE/health"
	assert_output 200
	req OPTIONS /health
	expect_status 204
	assert_equal "$(header Allow)" "GET, HEAD, OPTIONS"
	for m in POST PUT PATCH DELETE; do
		req "$m" /health
		expect_error 405 "method $m not allowed here; allowed: GET, HEAD, OPTIONS" ||
			{ echo "method: $m"; return 1; }
		assert_equal "$(header Allow)" "GET, HEAD, OPTIONS"
		[[ $(header X-Request-ID) =~ ^[0-9a-f]{32}$ ]]
		[[ $(header Content-Type) == application/json* ]]
	done
	# The same answer as a service's own /health gives.
	req DELETE /health
	gateway_body=$BODY
	req DELETE /health/users
	expect_error 405
	assert_equal "$(header Allow)" "GET, HEAD, OPTIONS"
	assert_equal "$(jq -r .detail <<<"$BODY")" "$(jq -r .detail <<<"$gateway_body")"
	req GET /health
	[[ -z $(header Allow) ]]
}

@test "X-Request-ID: a safe client id is echoed, on errors and 204 too" {
	req GET /health - -H 'X-Request-ID: abc.DEF_1:2-3'
	assert_equal "$(header X-Request-ID)" "abc.DEF_1:2-3"
	req GET /users/nope - -H 'X-Request-ID: err-42'
	expect_error 404
	assert_equal "$(header X-Request-ID)" err-42
	id=$(new_user)
	req DELETE "/users/$id" - -H 'X-Request-ID: del-1'
	expect_status 204
	assert_equal "$(header X-Request-ID)" del-1
	req POST /users '{"name":"x"}' -H 'X-Request-ID: val-1'
	expect_error 422
	assert_equal "$(header X-Request-ID)" val-1
}

@test "X-Request-ID: unsafe or missing ids are replaced by one the gateway makes" {
	req GET /health
	gen=$(header X-Request-ID)
	[[ $gen =~ ^[0-9a-f]{32}$ ]]
	for bad in 'has space' 'semi;colon' "$(printf 'x%.0s' {1..129})" 'quote"d' 'ü'; do
		req GET /health - -H "X-Request-ID: $bad"
		id=$(header X-Request-ID)
		[[ $id =~ ^[0-9a-f]{32}$ ]] || { echo "bad=$bad got=$id"; return 1; }
	done
	max=$(printf 'y%.0s' {1..128})
	req GET /health - -H "X-Request-ID: $max"
	assert_equal "$(header X-Request-ID)" "$max"
}

@test "X-Request-ID is passed on to the other service" {
	uid=$(new_user)
	rid="trace-$RANDOM$RANDOM"
	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"traced\"}" -H "X-Request-ID: $rid"
	expect_status 201
	assert_equal "$(header X-Request-ID)" "$rid"
	req GET "/users/$uid/tasks" - -H "X-Request-ID: $rid-agg"
	expect_status 200
	# The internal ports logged the service-to-service calls under the
	# client's ids: the user check, and the task list of the aggregate.
	wait_logged "$rid-agg" internal-access.log
	grep "rid=$rid " "$RUN_DIR/logs/internal-access.log" | grep -q "GET /users/$uid "
	grep "rid=$rid-agg " "$RUN_DIR/logs/internal-access.log" | grep -q "GET /tasks?userId=$uid"
}

@test "client requests go to each service's gateway pool; on internal ports, the routes that call out too" {
	rid="route-$RANDOM$RANDOM"
	uid=$(new_user)
	req PATCH "/users/$uid" '{"name":"routed"}' -H "X-Request-ID: $rid-w1"
	expect_status 200
	req GET "/users/$uid" - -H "X-Request-ID: $rid-r1"
	expect_status 200
	req HEAD "/users/$uid" - -I -H "X-Request-ID: $rid-r2"
	expect_status 200
	req POST /tasks "{\"userId\":\"$uid\",\"title\":\"routed\"}" -H "X-Request-ID: $rid-w2"
	expect_status 201
	tid=$(jq -r .id <<<"$BODY")
	req PUT "/tasks/$tid" "{\"userId\":\"$uid\",\"title\":\"r\",\"status\":\"pending\"}" \
		-H "X-Request-ID: $rid-w3"
	expect_status 200
	req GET "/tasks/$tid" - -H "X-Request-ID: $rid-r3"
	expect_status 200
	req GET "/users/$uid/tasks" - -H "X-Request-ID: $rid-r4"
	expect_status 200
	req DELETE "/tasks/$tid" - -H "X-Request-ID: $rid-w4"
	expect_status 204
	# The routes flagged "peer" (fcgi-tasks -r, fcgi-users -r) call the
	# other service: on an internal port they go to the gateway pool, never
	# the internal one; every other route goes to the internal pool.
	run curl -s -o /dev/null -w '%{http_code}' -XPOST -H "X-Request-ID: $rid-w5" \
		-H 'Content-Type: application/json' \
		-d "{\"userId\":\"$uid\",\"title\":\"via internal\"}" "http://127.0.0.1:$TASKS_PORT/tasks"
	assert_output 201
	run curl -s -o /dev/null -w '%{http_code}' -H "X-Request-ID: $rid-r5" \
		"http://127.0.0.1:$USERS_PORT/users/$uid/tasks?limit=1"
	assert_output 200
	run curl -s -o /dev/null -w '%{http_code}' -I -H "X-Request-ID: $rid-r6" \
		"http://127.0.0.1:$USERS_PORT/users/$uid/tasks/"
	assert_output 200
	run curl -s -o /dev/null -w '%{http_code}' -H "X-Request-ID: $rid-r7" \
		"http://127.0.0.1:$USERS_PORT/users/$uid"
	assert_output 200
	run curl -s -o /dev/null -w '%{http_code}' -H "X-Request-ID: $rid-r8" \
		"http://127.0.0.1:$TASKS_PORT/tasks?userId=$uid"
	assert_output 200
	wait_logged "$rid-w4" access.log
	wait_logged "$rid-r8" internal-access.log
	pool() { # pool ID: the socket that served the request logged under ID
		grep -h "rid=$1 " "$RUN_DIR"/logs/access.log "$RUN_DIR"/logs/internal-access.log |
			sed -n 's|.* ua=unix:.*/\([a-z-]*\)\.sock .*|\1|p'
	}
	assert_equal "$(pool "$rid-w1")" users
	assert_equal "$(pool "$rid-r1")" users
	assert_equal "$(pool "$rid-r2")" users
	# The create: the task service's gateway pool, and the user check it
	# made on the user service's internal pool, under the same id.
	assert_equal "$(pool "$rid-w2" | sort | paste -sd' ')" "tasks users-internal"
	assert_equal "$(pool "$rid-w3")" tasks
	assert_equal "$(pool "$rid-r3")" tasks
	assert_equal "$(pool "$rid-r4" | sort | paste -sd' ')" "tasks-internal users"
	assert_equal "$(pool "$rid-w4")" tasks
	assert_equal "$(pool "$rid-w5" | sort | paste -sd' ')" "tasks users-internal"
	assert_equal "$(pool "$rid-r5" | sort | paste -sd' ')" "tasks-internal users"
	assert_equal "$(pool "$rid-r6" | sort | paste -sd' ')" "tasks-internal users"
	assert_equal "$(pool "$rid-r7")" users-internal
	assert_equal "$(pool "$rid-r8")" tasks-internal
}

@test "internal ports serve each service's API" {
	uid=$(new_user)
	run curl -s "http://127.0.0.1:$USERS_PORT/users/$uid"
	assert_equal "$(jq -r .id <<<"$output")" "$uid"
	run curl -s "http://127.0.0.1:$TASKS_PORT/tasks?userId=$uid"
	assert_output "[]"
	run curl -s -o /dev/null -w '%{http_code}' -XPOST -H 'Content-Type: application/json' \
		-d "{\"userId\":\"$uid\",\"title\":\"via internal\"}" "http://127.0.0.1:$TASKS_PORT/tasks"
	assert_output 201
	run curl -s "http://127.0.0.1:$USERS_PORT/users/$uid/tasks"
	assert_equal "$(jq -r '.tasks[0].title' <<<"$output")" "via internal"
}

@test "every route in docs/openapi.yaml answers (no 404 from the router, no 5xx)" {
	spec="$BATS_TEST_DIRNAME/../../docs/openapi.yaml"
	[[ -f $spec ]]
	uid=$(new_user)
	tid=$(new_task "$uid")
	n=0 tokens=0
	if [[ ${AUTH:-token} == token ]]; then
		req POST "/users/$uid/tokens" '{"name":"openapi"}'
		expect_status 201
		kid=$(jq -r .id <<<"$BODY")
	fi
	while read -r method path _; do
		# The token routes exist with AUTH=token only (404 with off).
		if [[ $path == */tokens* ]]; then
			[[ ${AUTH:-token} == token ]] || continue
			tokens=$((tokens + 1))
		fi
		p=${path//\{tokenId\}/${kid:-}}
		p=${p//\{userId\}/$uid}
		p=${p//\{id\}/$( [[ $path == /users* ]] && echo "$uid" || echo "$tid")}
		[[ $path == /tasks && $method == GET ]] && p="/tasks?userId=$uid"
		case $method in
		GET|DELETE) req "$method" "$p" ;;
		*) req "$method" "$p" '{}' ;;
		esac
		# A route that exists never answers with the router's 404 or 405,
		# and never 5xx; a body-taking route answers 2xx or 422 to {}.
		[[ $STATUS =~ ^(200|201|204|422)$ ]] || {
			echo "$method $p -> $STATUS $BODY"
			return 1
		}
		n=$((n + 1))
	done < <(awk '/^  \/[^ ]*:$/ { sub(":$", "", $1); path = $1 }
		/^    (get|post|put|patch|delete):/ { m = toupper($1); sub(":", "", m); print m, path, length(path) }' "$spec" |
		sort -k1,1r -k3,3nr -k2,2)   # DELETEs last: the token's, the task's, the user's
	((n >= 14))
	[[ ${AUTH:-token} == off ]] || ((tokens == 3))
}
