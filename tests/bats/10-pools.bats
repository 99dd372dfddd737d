#!/usr/bin/env bats
# deploy/pools is the one description of the pools: every deployment path
# (the stack, the nginx site, make install's units, target and /etc/default
# files, docker-compose.yml) must name exactly its pools and knobs.

setup() {
	load ../helpers
	top=$BATS_TEST_DIRNAME/../..
	. "$top/scripts/pools.sh"
	pools_read
}

# The table's pools, sorted; of one service with an argument.
table_pools() {
	local p
	for p in "${POOLS[@]}"; do
		[[ -z ${1:-} || ${POOL_SERVICE[$p]} == "$1" ]] && echo "$p"
	done | sort
}

# Differences between the table and another list: "" when they agree.
differs() { diff <(table_pools "${2:-}") <(sort <<<"$1") | grep '^[<>]' || true; }

@test "stack.sh runs the table's pools, between Redis and nginx" {
	run "$STACK" status
	assert_success
	names=$(sed 's/:.*//' <<<"$output")
	assert_equal "$(head -n1 <<<"$names")" redis
	assert_equal "$(tail -n1 <<<"$names")" nginx
	assert_equal "$(differs "$(sed '1d;$d' <<<"$names")")" ""
	for p in "${POOLS[@]}"; do
		pid=$("$STACK" pid "$p")
		v=$(pool_var "$p" _WORKERS)
		n=$("$STACK" config | sed -n "s/^$v=//p")
		[[ $(pgrep -P "$pid" | wc -l) == "$n" ]] || { echo "$p: not $n workers"; return 1; }
		grep -q -- "fcgi-${POOL_SERVICE[$p]}${POOL_FLAGS[$p]:+ ${POOL_FLAGS[$p]}}\$" \
			<(tr '\0' ' ' <"/proc/$(pgrep -P "$pid" | head -n1)/cmdline" | sed 's/ $//') ||
			{ echo "$p: not fcgi-${POOL_SERVICE[$p]} ${POOL_FLAGS[$p]}"; return 1; }
	done
}

@test "the nginx site has one upstream a pool, and no other" {
	upstreams=$(sed -n 's/^upstream \([a-z_]*\) .*/\1/p' "$RUN_DIR/conf/site.conf" | tr _ -)
	assert_equal "$(differs "$upstreams")" ""
}

@test "make install writes a socket and a service unit a pool, a target that wants them, and their knobs" {
	stage=$(mktemp -d)
	make -C "$top" --no-print-directory install DESTDIR="$stage" PREFIX=/usr >/dev/null
	units=$stage/usr/lib/systemd/system
	assert_equal "$(differs "$(ls "$units" | sed -n 's/^task-manager-\(.*\)\.service$/\1/p')")" ""
	assert_equal "$(differs "$(ls "$units" | sed -n 's/^task-manager-\(.*\)\.socket$/\1/p')")" ""
	assert_equal "$(differs "$(sed -n 's/^Wants=task-manager-\(.*\)\.service$/\1/p' "$units/task-manager.target")")" ""
	for p in "${POOLS[@]}"; do
		v=$(pool_var "$p" _WORKERS)
		f=$stage/etc/default/task-manager-${POOL_SERVICE[$p]}
		grep -q "^$v=[0-9][0-9]*$" "$f" || { echo "$f: no $v"; return 1; }
		grep -q "multiwatch -f \${$v} " "$units/task-manager-$p.service" ||
			{ echo "task-manager-$p.service does not read $v"; return 1; }
	done
	# No knob the stack does not read.
	unknown=$(cat "$stage"/etc/default/task-manager* | sed -n 's/^\([A-Z_]*\)=.*/\1/p' |
		sort -u | comm -23 - <( ("$STACK" vars; for s in "${SERVICES[@]}"; do
		"$top/$BUILD/bin/fcgi-$s" -e; done) | sort -u))
	rm -rf "$stage"
	assert_equal "$unknown" ""
}

# compose_json: docker-compose.yml as docker-compose reads it, in JSON.
compose_json() {
	docker-compose -f "$top/docker-compose.yml" config |
		python3 -c 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))'
}

@test "docker-compose.yml runs the table's pools, each in its service's container, with the same knobs" {
	json=$(compose_json)
	for svc in "${SERVICES[@]}"; do
		run jq -r --arg s "$svc" '.services[$s].command[]' <<<"$json"
		assert_equal "$(differs "$output" "$svc")" ""
		run jq -r --arg s "$svc" '.services[$s].healthcheck.test[3:][]' <<<"$json"
		assert_equal "$(differs "$output" "$svc")" ""
	done
	# Every container that runs pools or nginx sizes them all alike.
	for c in "${SERVICES[@]}" gateway; do
		for p in "${POOLS[@]}"; do
			v=$(pool_var "$p" _WORKERS)
			jq -e --arg c "$c" --arg v "$v" '.services[$c].environment[$v] | test("^[0-9]+$")' \
				<<<"$json" >/dev/null || { echo "$c: no $v"; return 1; }
		done
	done
}

@test "the checks can fail: a pool added to the table is missing everywhere" {
	table=$(mktemp)
	cp "$POOLS_FILE" "$table"
	echo "users-extra users - 2 gateway" >>"$table"
	POOLS_FILE=$table
	POOLS=() SERVICES=()
	pools_read
	rm -f "$table"
	assert_equal "$(differs "$(printf '%s\n' users users-internal tasks tasks-internal)")" "< users-extra"
	# And the table itself is checked: a line of the wrong shape is refused.
	bad=$(mktemp)
	echo "users users - many gateway" >"$bad"
	run env POOLS_FILE="$bad" bash -c '. "$1/scripts/pools.sh"; pools_read' _ "$top"
	rm -f "$bad"
	assert_failure
	assert_output --partial "not 'pool service flags workers port'"
}
