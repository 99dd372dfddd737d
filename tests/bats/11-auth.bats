#!/usr/bin/env bats
# Authentication and authorization (CONTRACT.md, v1.2): every route x every
# kind of credentials, through the gateway and through the internal ports,
# with the status, the WWW-Authenticate header as the contract writes it,
# a JSON detail, and nothing changed in Redis where a request was refused.
#
# An expired token is made through Redis: a token minted through the API,
# whose record's expiresAt the test moves into the past (the services have
# no test clock).  With AUTH=off (the v1.1 run) only the last tests apply.

setup_file() {
	[[ ${AUTH:-token} == token ]] || return 0
	load ../helpers
	# A: the user whose resources every request names; B: another user.
	signup A; signup B
	req POST "/tasks" "{\"userId\":\"$A_ID\",\"title\":\"A's task\"}"
	expect_status 201
	echo "$BODY" | jq -r .id >"$BATS_FILE_TMPDIR/A_TASK"
	mint "$A_ID" read '"scope":"read"' "$(cat "$BATS_FILE_TMPDIR/A_TOKEN")"
	mint "$A_ID" expired '"expires_in_days":1' "$(cat "$BATS_FILE_TMPDIR/A_TOKEN")"
	mint "$A_ID" revoked '"scope":"write"' "$(cat "$BATS_FILE_TMPDIR/A_TOKEN")"
	# Expire one: its record's expiresAt a second ago.
	key=token:$(printf %s "$(cat "$BATS_FILE_TMPDIR/expired")" | sha256sum | cut -c1-64)
	past=$(date -u -d '-1 second' +%Y-%m-%dT%H:%M:%S.000000Z)
	rcli SET "$key" "$(rcli GET "$key" | jq -c --arg p "$past" '.expiresAt = $p')" >/dev/null
	# Revoke one.
	AUTHZ="Bearer $(cat "$BATS_FILE_TMPDIR/A_TOKEN")" req DELETE \
		"/users/$A_ID/tokens/$(cat "$BATS_FILE_TMPDIR/revoked.id")"
	expect_status 204
}

setup() {
	load ../helpers
	[[ ${AUTH:-token} == token ]] || return 0
	A_ID=$(cat "$BATS_FILE_TMPDIR/A_ID")
	B_ID=$(cat "$BATS_FILE_TMPDIR/B_ID")
	A_TASK=$(cat "$BATS_FILE_TMPDIR/A_TASK")
	A_TOKEN=$(cat "$BATS_FILE_TMPDIR/A_TOKEN")
	B_TOKEN=$(cat "$BATS_FILE_TMPDIR/B_TOKEN")
}

# signup NAME: a user signed up without credentials; its id and token in
# the file folder as NAME_ID and NAME_TOKEN, and exported.
signup() {
	AUTHZ="" req POST /users "{\"name\":\"$1\",\"email\":\"$(uniq_email)\"}"
	expect_status 201
	jq -r .id <<<"$BODY" >"$BATS_FILE_TMPDIR/$1_ID"
	jq -r .token <<<"$BODY" >"$BATS_FILE_TMPDIR/$1_TOKEN"
	export "$1_ID=$(jq -r .id <<<"$BODY")"
}

# mint USER NAME FIELDS TOKEN: a token of USER made with TOKEN; its secret
# in the file NAME, its id in NAME.id.
mint() {
	AUTHZ="Bearer $4" req POST "/users/$1/tokens" "{\"name\":\"$2\",$3}"
	expect_status 201
	jq -r .token <<<"$BODY" >"$BATS_FILE_TMPDIR/$2"
	jq -r .id <<<"$BODY" >"$BATS_FILE_TMPDIR/$2.id"
}

PLAIN='Bearer realm="task-manager"'
INVALID='Bearer realm="task-manager", error="invalid_token"'
SCOPE='Bearer realm="task-manager", error="insufficient_scope"'

# How many writes Redis has taken (`rdb_changes_since_last_save`: the
# stack's Redis never saves, so the count only grows): any write of a
# request, to any key, moves it.
digest() {
	rcli INFO persistence | tr -d '\r' | sed -n 's/^rdb_changes_since_last_save://p'
}

# The routes, each "METHOD PATH BODY" with U (A's id), T (A's task) and K
# (a token id of A) to fill in; BODY - for none.
routes() {
	cat <<'ROUTES'
GET /users/U -
PUT /users/U {"name":"Renamed","email":"EMAIL"}
PATCH /users/U {"name":"Patched"}
DELETE /users/U -
GET /users/U/tasks -
POST /tasks {"userId":"U","title":"created"}
GET /tasks?userId=U -
GET /tasks/T -
PUT /tasks/T {"title":"put"}
PATCH /tasks/T {"status":"completed"}
DELETE /tasks/T -
POST /users/U/tokens {"name":"another"}
GET /users/U/tokens -
DELETE /users/U/tokens/K -
ROUTES
}

# probe METHOD URL BODY: one request with the credentials of AUTHZ (its
# header value; none when empty), BODY as JSON (- for none), in one curl:
# sets STATUS, CHALLENGE (WWW-Authenticate), TOTAL (X-Total-Count) and BODY.
probe() {
	local out args=(-s -X "$1" -o "$BATS_TEST_TMPDIR/body" --max-time 20
		-w '%{http_code}|%header{www-authenticate}|%header{x-total-count}')
	[[ $3 == - ]] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	[[ -z ${AUTHZ:-} ]] || args+=(-H "Authorization: $AUTHZ")
	out=$(command curl "${args[@]}" "$2")
	IFS='|' read -r STATUS CHALLENGE TOTAL <<<"$out"
	BODY=$(<"$BATS_TEST_TMPDIR/body")
}

# send BASE METHOD PATH BODY U T K: one request of the table, as AUTHZ says.
send() {
	local base=$1 method=$2 path=$3 body=$4
	path=${path//U/$5}; path=${path//T/$6}; path=${path//K/$7}
	body=${body//\"U\"/\"$5\"}; body=${body//EMAIL/u$RANDOM$RANDOM$RANDOM@example.com}
	probe "$method" "$base$path" "$body"
}

# refused STATUS CHALLENGE [DETAIL-REGEX]: the last answer was that
# status with exactly that WWW-Authenticate ("" for none) and the error
# shape {"detail": "..."} (as the services and the gateway write it,
# compact), its detail matching the regex.  No process spawned: the
# table's hundreds of requests stay quick.
refused() {
	local detail=${BODY#'{"detail":"'}
	detail=${detail%'"}'}
	[[ $STATUS == "$1" && $CHALLENGE == "$2" ]] || {
		echo "got $STATUS, WWW-Authenticate '$CHALLENGE'; want $1, '$2': $BODY" >&2
		return 1
	}
	[[ $BODY == '{"detail":"'*'"}' && -n $detail && $detail =~ ${3:-.} ]] ||
		{ echo "not the error wanted: $BODY" >&2; return 1; }
}

# each_base: the gateway, then the internal port of the route's service.
bases() {
	echo "$BASE"
	case $1 in
	/users*) echo "http://127.0.0.1:$USERS_PORT" ;;
	/tasks*) echo "http://127.0.0.1:$TASKS_PORT" ;;
	esac
}

# Runs every route with credentials $1 (AUTHZ's value, "" for none) and
# checks each answer is EXPECTED_STATUS with CHALLENGE and Redis unchanged.
refuse_all() {
	local authz=$1 status=$2 challenge=$3 method path body base before n=0
	K=$(cat "$BATS_FILE_TMPDIR/read.id")
	before=$(digest)
	while read -r method path body; do
		for base in $(bases "$path"); do
			AUTHZ=$authz send "$base" "$method" "$path" "$body" "$A_ID" "$A_TASK" "$K"
			refused "$status" "$challenge" || { echo "$method $path at $base" >&2; return 1; }
			n=$((n + 1))
		done
	done < <(routes)
	((n == 28))
	# Not one write in Redis, by any of them (a count that only grows).
	[[ $(digest) == "$before" ]] || { echo "Redis changed: $before, then $(digest) writes" >&2; return 1; }
}

# Uses each valid token once, so that none writes its lastUsedAt (at most
# once a minute) during a digest comparison.
warm() {
	local t
	for t in "$A_TOKEN" "$B_TOKEN" "$(cat "$BATS_FILE_TMPDIR/read")"; do
		AUTHZ="Bearer $t" req GET "/tasks?userId=$A_ID"
		expect_status 200
	done
}

@test "no credentials: 401 with the plain challenge on every route, nothing written" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	refuse_all "" 401 "$PLAIN"
}

@test "a scheme other than Bearer: 401 with the plain challenge" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	refuse_all "Basic $(printf 'a:b' | base64)" 401 "$PLAIN"
}

@test "a malformed token: 401 invalid_token" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	refuse_all "Bearer tm_not-a-token" 401 "$INVALID"
	refuse_all "Bearer ${A_TOKEN}x" 401 "$INVALID"
	refuse_all "Bearer" 401 "$INVALID"
}

@test "an unknown token (well-formed, never issued): 401 invalid_token" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	refuse_all "Bearer $("$BUILD/bin/fcgi-users" -T)" 401 "$INVALID"
}

@test "an expired token: 401 invalid_token" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	refuse_all "Bearer $(cat "$BATS_FILE_TMPDIR/expired")" 401 "$INVALID"
	jq -e '.detail | test("expired")' <<<"$BODY"
}

@test "a revoked token: 401 invalid_token from the next request on" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	refuse_all "Bearer $(cat "$BATS_FILE_TMPDIR/revoked")" 401 "$INVALID"
}

@test "a read token: 403 insufficient_scope on every write, its GETs served" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	local read method path body base before
	read=$(cat "$BATS_FILE_TMPDIR/read")
	warm
	before=$(digest)
	while read -r method path body; do
		for base in $(bases "$path"); do
			AUTHZ="Bearer $read" send "$base" "$method" "$path" "$body" "$A_ID" "$A_TASK" x
			if [[ $method == GET ]]; then
				[[ $STATUS == 200 ]] || { echo "$method $path: $STATUS $BODY" >&2; return 1; }
			else
				refused 403 "$SCOPE" || { echo "$method $path at $base" >&2; return 1; }
			fi
		done
	done < <(routes)
	[[ $(digest) == "$before" ]] || { echo "Redis changed: $before, then $(digest) writes" >&2; return 1; }
	# Also on another user's resource: scope comes first.
	AUTHZ="Bearer $read" probe DELETE "$BASE/users/$B_ID" -
	refused 403 "$SCOPE"
	# HEAD is a read.
	run command curl -s -o /dev/null -w '%{http_code}' -I -H "Authorization: Bearer $read" "$BASE/users/$A_ID"
	assert_output 200
}

@test "another user's token: as if A's resources did not exist, nothing written" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	local method path body base before K
	K=$(cat "$BATS_FILE_TMPDIR/read.id")
	warm
	before=$(digest)
	while read -r method path body; do
		for base in $(bases "$path"); do
			AUTHZ="Bearer $B_TOKEN" send "$base" "$method" "$path" "$body" "$A_ID" "$A_TASK" "$K"
			case $method\ $path in
			"GET /tasks?userId=U")
				[[ $STATUS == 200 && $BODY == "[]" && $TOTAL == 0 && -z $CHALLENGE ]] ||
					{ echo "list: $STATUS $TOTAL $BODY" >&2; return 1; } ;;
			"POST /tasks")
				refused 422 "" "^userId: no such user$" ;;
			*/tasks/T)
				refused 404 "" "^task not found$" ;;
			*)
				refused 404 "" "^user not found$" ;;
			esac || { echo "$method $path at $base" >&2; return 1; }
		done
	done < <(routes)
	[[ $(digest) == "$before" ]] || { echo "Redis changed: $before, then $(digest) writes" >&2; return 1; }
	# The same answer as for what does not exist at all.
	AUTHZ="Bearer $B_TOKEN" req GET "/users/$A_ID"
	hidden=$BODY
	req GET /users/00000000-0000-4000-8000-000000000000
	assert_equal "$hidden" "$BODY"
}

# fresh: a user of its own signed up, with a task; sets C_ID, C_TOKEN,
# C_TASK and C_KID (the id of its sign-up token).
fresh() {
	AUTHZ="" probe POST "$BASE/users" "{\"name\":\"C\",\"email\":\"u$RANDOM$RANDOM$RANDOM@example.com\"}"
	[[ $STATUS == 201 ]] || return 1
	C_ID=$(jq -r .id <<<"$BODY") C_TOKEN=$(jq -r .token <<<"$BODY")
	AUTHZ="Bearer $C_TOKEN" probe POST "$BASE/tasks" "{\"userId\":\"$C_ID\",\"title\":\"c\"}"
	[[ $STATUS == 201 ]] || return 1
	C_TASK=$(jq -r .id <<<"$BODY")
	AUTHZ="Bearer $C_TOKEN" probe GET "$BASE/users/$C_ID/tokens" -
	C_KID=$(jq -r '.[0].id' <<<"$BODY")
}

@test "the owner's token and the admin's: every route served" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	local method path body base who want admin
	admin="Bearer $(admin_token)"
	fresh
	while read -r method path body; do
		for base in $(bases "$path"); do
			for who in owner admin; do
				# A delete gets a user of its own; the rest share one.
				if [[ $who == owner ]]; then
					AUTHZ="Bearer $C_TOKEN" send "$base" "$method" "$path" "$body" "$C_ID" "$C_TASK" "$C_KID"
				else
					AUTHZ=$admin send "$base" "$method" "$path" "$body" "$C_ID" "$C_TASK" "$C_KID"
				fi
				case $method in
				GET|PUT|PATCH) want=200 ;;
				POST) want=201 ;;
				DELETE) want=204 ;;
				esac
				[[ $STATUS == "$want" ]] ||
					{ echo "$who: $method $path at $base: $STATUS $BODY" >&2; return 1; }
				# What a delete removed is not used again.
				[[ $method != DELETE ]] || fresh
			done
		done
	done < <(routes)
}

@test "sign-up: open to anyone, answers a write token; credentials sent are checked" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	AUTHZ="" req POST /users "{\"name\":\"New\",\"email\":\"$(uniq_email)\"}"
	expect_status 201
	tok=$(jq -r .token <<<"$BODY")
	[[ $tok =~ ^tm_[A-Za-z0-9_]{32,}$ ]]
	uid=$(jq -r .id <<<"$BODY")
	# The first three requests of a new user (the README's).
	AUTHZ="Bearer $tok" req POST /tasks "{\"userId\":\"$uid\",\"title\":\"first\"}"
	expect_status 201
	AUTHZ="Bearer $tok" req GET "/tasks?userId=$uid"
	expect_status 200
	assert_equal "$(jq -r '.[0].title' <<<"$BODY")" first
	AUTHZ="Bearer $tok" req GET "/users/$uid/tokens"
	assert_equal "$(jq -r '.[0].scope + " " + .[0].name' <<<"$BODY")" "write sign-up"
	# Sent credentials are checked, under open sign-up too.
	before=$(digest)
	AUTHZ="Bearer tm_bad" probe POST "$BASE/users" "{\"name\":\"X\",\"email\":\"$(uniq_email)\"}"
	refused 401 "$INVALID"
	[[ $(digest) == "$before" ]]
}

@test "tokens: listed oldest first without secrets; last_used_at kept; 90 days by default" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	signup D
	tok=$(cat "$BATS_FILE_TMPDIR/D_TOKEN")
	AUTHZ="Bearer $tok" req POST "/users/$D_ID/tokens" '{"name":"ci","scope":"read","expires_in_days":7}'
	expect_status 201
	kid=$(jq -r .id <<<"$BODY")
	assert_equal "$(header Location)" "/users/$D_ID/tokens/$kid"
	jq -e '.last_used_at == null and .scope == "read" and (.token | startswith("tm_"))' <<<"$BODY"
	created=$(jq -r .created_at <<<"$BODY") expires=$(jq -r .expires_at <<<"$BODY")
	(( $(date -d "$expires" +%s) - $(date -d "$created" +%s) == 7 * 86400 ))
	AUTHZ="Bearer $tok" req GET "/users/$D_ID/tokens"
	expect_status 200
	assert_equal "$(jq -r 'map(.name) | join(",")' <<<"$BODY")" "sign-up,ci"
	jq -e 'all(has("token") | not) and all(keys == ["created_at","expires_at","id","last_used_at","name","scope"])' <<<"$BODY"
	(( $(date -d "$(jq -r '.[0].expires_at' <<<"$BODY")" +%s) - $(date -d "$(jq -r '.[0].created_at' <<<"$BODY")" +%s) == 90 * 86400 ))
	# The sign-up token was used just now: its last use is recorded.
	jq -e '.[0].last_used_at != null and .[1].last_used_at == null' <<<"$BODY"
	# Bad bodies.
	AUTHZ="Bearer $tok" req POST "/users/$D_ID/tokens" '{"name":" "}'
	expect_error 422 name
	AUTHZ="Bearer $tok" req POST "/users/$D_ID/tokens" '{"name":"x","scope":"admin"}'
	expect_error 422 scope
	for d in 0 366 '"5"' 1.5 true; do
		AUTHZ="Bearer $tok" req POST "/users/$D_ID/tokens" "{\"name\":\"x\",\"expires_in_days\":$d}"
		expect_error 422 expires_in_days
	done
	AUTHZ="Bearer $tok" req DELETE "/users/$D_ID/tokens/00000000-0000-4000-8000-000000000000"
	expect_error 404 "token not found"
}

@test "deleting a user revokes every token of theirs, in the same script" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	signup E
	tok=$(cat "$BATS_FILE_TMPDIR/E_TOKEN")
	hash=$(printf %s "$tok" | sha256sum | cut -c1-64)
	assert_equal "$(rcli EXISTS "token:$hash")" 1
	AUTHZ="Bearer $tok" req DELETE "/users/$E_ID"
	expect_status 204
	assert_equal "$(rcli EXISTS "token:$hash" "user:$E_ID:tokens")" 0
	AUTHZ="Bearer $tok" probe GET "$BASE/users/$E_ID" -
	refused 401 "$INVALID"
}

@test "SIGNUP=closed: only the admin creates users" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	"$STACK" stop users users-internal >/dev/null
	SIGNUP=closed "$STACK" start users-internal users >/dev/null
	AUTHZ="" req POST /users "{\"name\":\"X\",\"email\":\"$(uniq_email)\"}"
	status=$STATUS challenge=$(header WWW-Authenticate)
	AUTHZ="Bearer $A_TOKEN" req POST /users "{\"name\":\"X\",\"email\":\"$(uniq_email)\"}"
	status2=$STATUS body2=$BODY challenge2=$(header WWW-Authenticate)
	req POST /users "{\"name\":\"X\",\"email\":\"$(uniq_email)\"}"
	status3=$STATUS token3=$(jq -r .token <<<"$BODY")
	"$STACK" stop users users-internal >/dev/null
	"$STACK" start users-internal users >/dev/null
	assert_equal "$status $challenge" "401 $PLAIN"
	assert_equal "$status2 $challenge2" "403 $SCOPE"
	jq -e '.detail | test("sign-up is closed")' <<<"$body2"
	assert_equal "$status3" 201
	[[ $token3 == tm_* ]]
}

@test "no token, no hash of one and no Authorization header in any log" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	sleep 1.1   # nginx flushes its buffered access logs within a second
	for f in A_TOKEN B_TOKEN read expired revoked; do
		t=$(cat "$BATS_FILE_TMPDIR/$f")
		h=$(printf %s "$t" | sha256sum | cut -c1-64)
		! grep -rlF -e "$t" -e "$h" "$RUN_DIR/logs"
	done
	! grep -rliF "authorization" "$RUN_DIR/logs"
	# The access log names the caller.
	grep -q "caller=$A_ID" "$RUN_DIR/logs/access.log"
	grep -q "caller=admin" "$RUN_DIR/logs/access.log"
}

@test "AUTH=off: no credentials asked, the token routes are not there (v1.1)" {
	[[ ${AUTH:-token} == off ]] || skip "AUTH=token"
	AUTHZ="" req POST /users "{\"name\":\"Off\",\"email\":\"$(uniq_email)\"}"
	expect_status 201
	jq -e 'has("token") | not' <<<"$BODY"
	uid=$(jq -r .id <<<"$BODY")
	AUTHZ="" req GET "/users/$uid"
	expect_status 200
	AUTHZ="Bearer tm_whatever" req GET "/users/$uid"
	expect_status 200
	for m in GET POST; do
		AUTHZ="" req $m "/users/$uid/tokens" '{"name":"x"}'
		expect_error 404 "not found"
	done
	AUTHZ="" req DELETE "/users/$uid/tokens/00000000-0000-4000-8000-000000000000"
	expect_error 404
}

@test "the Redis checker finds a token of a missing user and a hash entry without its token" {
	[[ ${AUTH:-token} == token ]] || skip "AUTH=off"
	check="$BATS_TEST_DIRNAME/../../scripts/check-redis.sh"
	run "$check"
	assert_success
	ghost=00000000-0000-4000-8000-00000000dead
	orphan=token:$(printf %s orphan | sha256sum | cut -c1-64)
	rcli SET "$orphan" "{\"id\":\"00000000-0000-4000-8000-000000000001\",\"owner\":\"$ghost\",\"name\":\"x\",\"scope\":\"write\"}" >/dev/null
	rcli HSET "user:$A_ID:tokens" 00000000-0000-4000-8000-000000000002 "$(printf %s gone | sha256sum | cut -c1-64)" >/dev/null
	run "$check"
	rcli DEL "$orphan" >/dev/null
	rcli HDEL "user:$A_ID:tokens" 00000000-0000-4000-8000-000000000002 >/dev/null
	assert_failure
	assert_output --partial "of user $ghost: its user does not exist"
	assert_output --partial "names token 00000000-0000-4000-8000-000000000002, which does not exist"
	# No token's hash in what it prints.
	refute_output --partial "${orphan#token:}"
	run "$check"
	assert_success
}
