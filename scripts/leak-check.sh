#!/usr/bin/env bash
# leak-check.sh: every pool with one worker under valgrind, a few thousand
# mixed requests through the gateway (wrk, tests/load/mixed.lua), then a
# graceful stop, so each worker's leak summary is written.  Prints one TAP
# line per worker log; definite leaks or memory errors fail it.
# Ports 18180/18105/18102/16479; runtime folder test-run-leak.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export RUN_DIR=$top/test-run-leak GATEWAY_PORT=18180 USERS_PORT=18105 \
	TASKS_PORT=18102 REDIS_PORT=16479 REDIS_HOST=127.0.0.1 USERS_WORKERS=1 TASKS_WORKERS=1 \
	HTTP_TIMEOUT_MS=10000 REDIS_TIMEOUT_MS=5000 RATE_LIMIT=1000000 RATE_BURST=1000000
# valgrind needs the uninstrumented build (never the ASan one).  That build
# allocates with jemalloc (Makefile): the synonym makes valgrind replace
# jemalloc's malloc and free as it does libc's, else it would see no block.
export BUILD=${LEAK_BUILD:-build/release}
export WORKER_WRAPPER="/usr/bin/valgrind --quiet --soname-synonyms=somalloc=*jemalloc* --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --log-file=$RUN_DIR/logs/valgrind-%p.log"
base=http://127.0.0.1:$GATEWAY_PORT
stack=scripts/stack.sh
"$stack" stop >/dev/null 2>&1
rm -rf "$RUN_DIR"
if ! "$stack" start >/dev/null; then
	echo "not ok - leak check: stack under valgrind started"
	exit 1
fi
trap '"$stack" stop >/dev/null' EXIT
# Users signed up as a client would: with AUTH=token each then sends its
# own token (a token lookup, and its last use written, on every request).
users=""
for i in 1 2 3 4; do
	users+=$(curl -s -XPOST -H 'Content-Type: application/json' \
		-d "{\"name\":\"leak $i\",\"email\":\"leak$i-$RANDOM$RANDOM@example.com\"}" \
		"$base/users" | jq -r 'if .token then .id + "=" + .token else .id end')" "
done
# Refused credentials too.
curl -s -o /dev/null -H 'Authorization: Bearer tm_nope' "$base/users/${users%%=*}"
curl -s -o /dev/null -H "Authorization: Bearer $("$BUILD/bin/fcgi-users" -T)" "$base/users/${users%%=*}"
# Bad inputs too: error paths must not leak either (with a user's token,
# when there is one, so that they get past the credentials).
first=${users%% *}
authz=()
[[ $first == *=* ]] && authz=(-H "Authorization: Bearer ${first#*=}")
for body in '{bad' '[]' '{"name":1}' "{\"name\":\"x\",\"email\":\"no\"}"; do
	curl -s -o /dev/null "${authz[@]}" -XPOST -H 'Content-Type: application/json' -d "$body" "$base/users"
	curl -s -o /dev/null "${authz[@]}" -XPOST -H 'Content-Type: application/json' -d "$body" "$base/tasks"
done
curl -s -o /dev/null "${authz[@]}" "$base/tasks?userId=x&limit=%zz"
out=$(USERS=$users wrk -t1 -c4 -d15s -s tests/load/mixed.lua "$base" 2>&1)
reqs=$(awk '/^requests/ {print $2}' <<<"$out")
non2xx=$(awk '/^requests/ {print $4}' <<<"$out")
echo "# ${reqs:-0} mixed requests under valgrind, ${non2xx:-?} not 2xx"
if [[ ${reqs:-0} -ge 1000 && ${non2xx:-1} == 0 ]]; then
	echo "ok - leak check: at least 1000 mixed requests, all 2xx"
else
	echo "not ok - leak check: at least 1000 mixed requests, all 2xx"
	echo "$out" | sed 's/^/#   /'
fi
"$stack" stop >/dev/null
trap - EXIT
logs=("$RUN_DIR"/logs/valgrind-*.log)
[[ -e ${logs[0]} ]] || { echo "not ok - leak check: valgrind logs written"; exit 1; }
for log in "${logs[@]}"; do
	# --quiet: a clean worker's log is empty.
	if [[ -s $log ]]; then
		echo "not ok - leak check: $(basename "$log") reports leaks or errors"
		head -n 30 "$log" | sed 's/^/#   /'
	else
		echo "ok - leak check: $(basename "$log") clean (no definite leak, no error)"
	fi
done
