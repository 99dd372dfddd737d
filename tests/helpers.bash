# Shared by every bats suite: requests through the gateway and small
# assertions on them.  BASE, STACK and RUN_DIR come from scripts/run-tests.sh.

load /usr/lib/bats/bats-support/load.bash
load /usr/lib/bats/bats-assert/load.bash

: "${BASE:=http://127.0.0.1:18080}"

# The credentials every request of the suites carries.  With AUTH=token
# (the default) that is the admin: $ADMIN_TOKEN when set (stacks that
# share one, as the deployment suites' hosts do), else the token the stack
# made in $RUN_DIR/admin-token; with AUTH=off, none.  A test sends other
# credentials by setting AUTHZ to the header's value ("Bearer tm_..."),
# or none with AUTHZ="".
admin_token() {
	if [[ -n ${ADMIN_TOKEN:-} ]]; then
		echo "$ADMIN_TOKEN"
	elif [[ -r ${RUN_DIR:-/nonexistent}/admin-token ]]; then
		echo "$(<"$RUN_DIR/admin-token")"
	fi
}

# curl with the credentials above: every curl of the suites goes through it.
curl() {
	local authz
	if [[ -n ${AUTHZ+set} ]]; then
		authz=$AUTHZ
	elif [[ ${AUTH:-token} == token ]]; then
		# Read once a stack (a suite may start its own), without a fork.
		if [[ ${_admin_key-} != "${RUN_DIR:-}|${ADMIN_TOKEN:-}" ]]; then
			_admin_key="${RUN_DIR:-}|${ADMIN_TOKEN:-}" _admin_tok=${ADMIN_TOKEN:-}
			[[ -n $_admin_tok || ! -r ${RUN_DIR:-/nonexistent}/admin-token ]] ||
				read -r _admin_tok <"$RUN_DIR/admin-token"
		fi
		[[ -z $_admin_tok ]] || authz="Bearer $_admin_tok"
	fi
	if [[ -n ${authz:-} ]]; then
		command curl -H "Authorization: $authz" "$@"
	else
		command curl "$@"
	fi
}

# req METHOD PATH [BODY [CURL-ARGS...]]: sends a request; sets STATUS, BODY
# and HEADERS.  A BODY is sent as application/json unless CURL-ARGS set
# another Content-Type.  BODY "-" sends nothing.
req() {
	local method=$1 path=$2 body=${3:--}
	shift 2
	(($#)) && shift
	local dir
	dir=$(mktemp -d)
	local args=(-sS -X "$method" -D "$dir/h" -o "$dir/b" -w '%{http_code}'
		--max-time 20)
	if [[ $body != - ]]; then
		args+=(--data-binary "$body")
		printf '%s\n' "$@" | grep -qi '^content-type:' ||
			args+=(-H 'Content-Type: application/json')
	fi
	STATUS=$(curl "${args[@]}" "$@" "$BASE$path")
	BODY=$(cat "$dir/b")
	HEADERS=$(tr -d '\r' <"$dir/h")
	rm -rf "$dir"
}

# header NAME: the value of a response header of the last req.
header() {
	grep -i "^$1:" <<<"$HEADERS" | head -n1 | cut -d' ' -f2-
}

# expect_status CODE: fails with the body when the last status differs.
expect_status() {
	[[ $STATUS == "$1" ]] || {
		echo "expected status $1, got $STATUS: $BODY" >&2
		return 1
	}
}

# expect_error CODE [DETAIL-REGEX]: an error response of the contract's shape.
expect_error() {
	expect_status "$1"
	jq -e 'type == "object" and (.detail | type == "string") and (.detail | length > 0)' \
		<<<"$BODY" >/dev/null || {
		echo "not an error body: $BODY" >&2
		return 1
	}
	if (($# > 1)); then
		jq -e --arg re "$2" '.detail | test($re)' <<<"$BODY" >/dev/null || {
			echo "detail does not match /$2/: $BODY" >&2
			return 1
		}
	fi
}

# wait_logged RID LOG: waits up to 5 s for the line of the request logged
# under RID in RUN_DIR/logs/LOG.  nginx writes its buffered access logs a
# buffer at a time, at most 1 s late: once a log has a request's line, it
# has those of the requests before it.
wait_logged() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q "rid=$1 " "$RUN_DIR/logs/$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line for $1 in $2" >&2
	return 1
}

# A unique e-mail address per call.
uniq_email() { echo "u$(date +%s%N)$RANDOM@example.com"; }

# new_user [NAME]: creates a user; prints its id.
new_user() {
	req POST /users "{\"name\":\"${1:-Test User}\",\"email\":\"$(uniq_email)\"}"
	expect_status 201 >&2 || return 1
	jq -r .id <<<"$BODY"
}

# new_task USER_ID [TITLE [STATUS]]: creates a task; prints its id.
new_task() {
	local body
	body=$(jq -nc --arg u "$1" --arg t "${2:-a task}" --arg s "${3:-pending}" \
		'{userId: $u, title: $t, status: $s}')
	req POST /tasks "$body"
	expect_status 201 >&2 || return 1
	jq -r .id <<<"$BODY"
}

# rcli ARGS...: redis-cli against the test stack's Redis.
rcli() {
	redis-cli -h 127.0.0.1 -p "${REDIS_PORT:-16379}" --no-auth-warning \
		${REDIS_PASSWORD:+-a "$REDIS_PASSWORD"} "$@"
}

UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
TS_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$'
