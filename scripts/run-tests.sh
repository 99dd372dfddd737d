#!/usr/bin/env bash
# run-tests.sh UNIT_BIN...: every test of the project, on a stack of its own.
#
# Runs the C unit tests given, starts a stack on test ports (its own runtime
# folder, its own Redis) so a running `make run` is not disturbed, runs every
# bats suite through the gateway, stops what it started and ends with the
# line "N passed, N failed".  Exits non-zero on any failure.
#
# TEST_SUITES (default "tests/bats tests/faults") chooses the bats folders.
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

echo "== C unit tests"
for t in "$@"; do
	echo "# $t"
	out=$("$t" 2>&1)
	rc=$?
	count_tap <<<"$out"
	if ((rc != 0)) && ! grep -q '^not ok' <<<"$out"; then
		echo "not ok - $t exited $rc"
		failed=$((failed + 1))
	fi
done

export RUN_DIR=${TEST_RUN_DIR:-$top/test-run}
export GATEWAY_PORT=${TEST_GATEWAY_PORT:-18080}
export USERS_PORT=${TEST_USERS_PORT:-18005}
export TASKS_PORT=${TEST_TASKS_PORT:-18002}
export REDIS_PORT=${TEST_REDIS_PORT:-16379}
export REDIS_HOST=127.0.0.1
export BASE="http://127.0.0.1:$GATEWAY_PORT"
export STACK="$top/scripts/stack.sh"

echo "== starting the test stack in $RUN_DIR"
"$STACK" stop >/dev/null 2>&1
rm -rf "$RUN_DIR"
if ! "$STACK" start; then
	echo "not ok - the test stack did not start"
	failed=$((failed + 1))
	tail -n 20 "$RUN_DIR"/logs/* 2>/dev/null
else
	trap '"$STACK" stop' EXIT
	for dir in ${TEST_SUITES:-tests/bats tests/faults}; do
		[[ -d $dir ]] || continue
		echo "== bats $dir"
		count_tap < <(bats --formatter tap "$dir" 2>&1)
	done
	echo "== Redis consistency after the suites"
	if out=$(REDIS_PORT=$REDIS_PORT scripts/check-redis.sh 2>&1); then
		echo "ok - records and indexes consistent"
		passed=$((passed + 1))
	else
		echo "not ok - records and indexes consistent"
		sed 's/^/#   /' <<<"$out"
		failed=$((failed + 1))
	fi
	"$STACK" stop
	trap - EXIT
	if grep -E "AddressSanitizer|runtime error|LeakSanitizer" "$RUN_DIR"/logs/*.log; then
		echo "not ok - sanitizer reports in the workers' logs"
		failed=$((failed + 1))
	fi
fi

echo "$passed passed, $failed failed"
((failed == 0))
