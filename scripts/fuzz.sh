#!/usr/bin/env bash
# fuzz.sh SECONDS TARGET...: runs each libFuzzer target for SECONDS, starting
# from its corpus in tests/fuzz/corpus/NAME (kept in the repository).  Prints
# one TAP line per target with the executions it ran; a crash, leak or
# sanitizer report fails it and leaves the input in build/fuzz/.
# With FUZZ_MERGE=1 the new interesting inputs are merged into the kept corpus.
set -uo pipefail
secs=$1
shift
rc=0
for t in "$@"; do
	name=$(basename "$t")
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/work-$name
	mkdir -p "$work" "$seeds"
	log=build/fuzz/$name.log
	"$t" -max_total_time="$secs" -print_final_stats=1 -timeout=5 -rss_limit_mb=1024 \
		-artifact_prefix="build/fuzz/$name-" "$work" "$seeds" >"$log" 2>&1
	status=$?
	execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
	if ((status == 0)); then
		echo "ok - fuzz $name: ${execs:-?} executions in ${secs}s, clean"
	else
		echo "not ok - fuzz $name (exit $status; see $log)"
		grep -E "ERROR|SUMMARY|runtime error" "$log" | head -5 | sed 's/^/#   /'
		rc=1
	fi
	if [[ ${FUZZ_MERGE:-0} == 1 ]]; then
		"$t" -merge=1 "$seeds" "$work" >/dev/null 2>&1
	fi
done
exit $rc
