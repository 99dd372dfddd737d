#!/usr/bin/env bash
# run-tests.sh UNIT_BIN...: every test of the project, on stacks of its own.
#
# 1. the C unit tests given;
# 2. a stack of the release build on test ports (its own runtime folder and
#    Redis, so a running `make run` is not disturbed) with AUTH=token, the
#    default: every bats suite through the gateway as the admin (the
#    helpers add its token to every request; tests/bats/11-auth.bats sends
#    every other kind of credentials), then a Redis consistency check;
# 3. the deployment suites (tests/deploy: install and systemd units,
#    scale-out, Redis Sentinel), once, on the release build: each starts
#    the servers it needs on ports of its own;
# 4. with SAN_BUILD set: the same suites again against that build
#    (AddressSanitizer + UBSan), failing on any sanitizer report, with
#    AUTH=off: the v1.1 contract, without credentials.  Each mode runs
#    every suite once, on one build each: the code of the two builds is the
#    same, and a third pass would cost 6 minutes of the 25.  Then the auth
#    suite alone on that build with AUTH=token, so that the token code runs
#    under the sanitizers too;
# 5. with FUZZ_BIN set: a short pass of each fuzz target;
# 6. with LEAK_CHECK=1: one worker under valgrind through mixed requests;
# 7. with BENCH_SMOKE=1: `make bench`'s script for one short round, which
#    must end well and print rows for ceiling 3 and the mixed load, every
#    row with requests and not one non-2xx answer (the figures of so short
#    a run mean nothing; that it runs does).
# Ends with the line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
passed=0
failed=0

# Counts TAP lines ("ok ..." / "not ok ...") from standard input, echoing all.
count_tap() {
	local line
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"not ok"*) failed=$((failed + 1)) ;;
		"ok"*) passed=$((passed + 1)) ;;
		esac
	done
}

tap() { # tap OK|FAIL description
	if [[ $1 == OK ]]; then
		echo "ok - $2"
		passed=$((passed + 1))
	else
		echo "not ok - $2"
		failed=$((failed + 1))
	fi
}

echo "== $(date +%T) C unit tests"
for t in "$@"; do
	echo "# $t"
	out=$("$t" 2>&1)
	rc=$?
	count_tap <<<"$out"
	((rc != 0)) && ! grep -q '^not ok' <<<"$out" && tap FAIL "$t exited $rc"
done

export GATEWAY_PORT=${TEST_GATEWAY_PORT:-18080}
export USERS_PORT=${TEST_USERS_PORT:-18005}
export TASKS_PORT=${TEST_TASKS_PORT:-18002}
export REDIS_PORT=${TEST_REDIS_PORT:-16379}
export REDIS_HOST=127.0.0.1
export BASE="http://127.0.0.1:$GATEWAY_PORT"
export STACK="$top/scripts/stack.sh"

# suites LABEL BUILD RUN_DIR AUTH [SUITES]: a fresh stack of BUILD, every
# suite (or those named) against it.
suites() {
	local label=$1
	export BUILD=$2 RUN_DIR=$3 AUTH=$4
	echo "== $(date +%T) $label: starting the test stack in $RUN_DIR"
	"$STACK" stop >/dev/null 2>&1
	rm -rf "$RUN_DIR"
	if ! "$STACK" start; then
		tap FAIL "$label: the test stack started"
		tail -n 20 "$RUN_DIR"/logs/* 2>/dev/null
		return
	fi
	trap '"$STACK" stop' EXIT
	for dir in ${5:-${TEST_SUITES:-tests/bats tests/faults}}; do
		[[ -e $dir ]] || continue
		echo "== $(date +%T) $label: bats $dir"
		count_tap < <(bats --formatter tap "$dir" 2>&1 | sed "s/^\(not \)\{0,1\}ok [0-9]* /&[$label] /")
	done
	if out=$(scripts/check-redis.sh 2>&1); then
		tap OK "$label: Redis records and indexes consistent"
	else
		tap FAIL "$label: Redis records and indexes consistent"
		sed 's/^/#   /' <<<"$out"
	fi
	"$STACK" stop
	trap - EXIT
	if grep -E "AddressSanitizer|LeakSanitizer|runtime error:" "$RUN_DIR"/logs/*.log | head -20; then
		tap FAIL "$label: no sanitizer report in the workers' logs"
	else
		tap OK "$label: no sanitizer report in the workers' logs"
	fi
}

RELEASE_BUILD=${BUILD:-build/release}
suites release "$RELEASE_BUILD" "${TEST_RUN_DIR:-$top/test-run}" token

if [[ ${DEPLOY_TESTS:-1} == 1 ]]; then
	echo "== $(date +%T) deployment suites (tests/deploy)"
	export TOP=$top BUILD=$RELEASE_BUILD DEPLOY_DIR=$top/test-run-deploy
	mkdir -p "$DEPLOY_DIR"
	# One admin token for every stack of these suites, as the machines of
	# one deployment share one (scale-out: the pools of three "hosts").
	ADMIN_TOKEN=$("$RELEASE_BUILD/bin/fcgi-users" -T)
	ADMIN_TOKEN_SHA256=$(printf %s "$ADMIN_TOKEN" | sha256sum | cut -c1-64)
	export ADMIN_TOKEN ADMIN_TOKEN_SHA256
	count_tap < <(bats --formatter tap tests/deploy 2>&1 | sed "s/^\(not \)\{0,1\}ok [0-9]* /&[deploy] /")
	unset ADMIN_TOKEN ADMIN_TOKEN_SHA256
fi

if [[ -n ${SAN_BUILD:-} ]]; then
	# Leaks are reported when a worker exits (each pool stop in the suites).
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1
	suites asan+ubsan "$SAN_BUILD" "$top/test-run-san" off
	# The token code under the sanitizers too: the suite of every kind of
	# credentials, on a stack of that build with AUTH=token.
	suites asan+ubsan-token "$SAN_BUILD" "$top/test-run-san-token" token \
		tests/bats/11-auth.bats
	unset ASAN_OPTIONS UBSAN_OPTIONS
fi

if [[ -n ${FUZZ_BIN:-} ]]; then
	echo "== $(date +%T) fuzz targets, ${FUZZ_SECONDS:-10}s each"
	count_tap < <(scripts/fuzz.sh "${FUZZ_SECONDS:-10}" $FUZZ_BIN)
fi

if [[ ${LEAK_CHECK:-0} == 1 ]]; then
	echo "== $(date +%T) valgrind leak check"
	count_tap < <(AUTH=token LEAK_BUILD=$RELEASE_BUILD scripts/leak-check.sh)
fi

if [[ ${BENCH_SMOKE:-0} == 1 ]]; then
	echo "== $(date +%T) the benchmark, one round of 1s"
	table=$(AUTH=token BUILD=$RELEASE_BUILD BENCH_SECONDS=1 BENCH_ROUNDS=1 scripts/bench.sh 2>&1)
	rc=$?
	# The table's rows: scenario, requests/s, ..., non-2xx (the 7th column).
	rows=$(awk -F' *[|] *' '/^[|] [a-z]/ && $2 != "scenario"' <<<"$table")
	bad=$(awk -F' *[|] *' '!($3 + 0 > 0 && $8 == "0")' <<<"$rows")
	if ((rc == 0)) && grep -q '^| ceiling 3:' <<<"$rows" &&
	    grep -q '^| mixed |' <<<"$rows" && [[ -z $bad ]]; then
		tap OK "bench: every row with requests and no non-2xx"
	else
		tap FAIL "bench: every row with requests and no non-2xx"
		sed 's/^/#   /' <<<"$table" | tail -n 25
	fi
fi
echo "$passed passed, $failed failed"
((failed == 0))
