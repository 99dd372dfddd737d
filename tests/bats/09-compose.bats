#!/usr/bin/env bats
# docker-compose.yml: valid for Debian's docker-compose, and its environment
# names exactly what the programs read (no Docker engine here to run it).

setup() {
	load ../helpers
	top=$BATS_TEST_DIRNAME/../..
	bin=$top/${BUILD:-build/release}/bin
}

# compose_env SERVICE: the variable names the compose file sets for it.
compose_env() {
	docker-compose -f "$top/docker-compose.yml" config |
		python3 -c 'import sys, yaml
env = yaml.safe_load(sys.stdin)["services"][sys.argv[1]].get("environment") or {}
print("\n".join(sorted(env)))' "$1"
}

@test "docker-compose config accepts the file" {
	run docker-compose -f "$top/docker-compose.yml" config -q
	assert_success
}

@test "each app container sets every variable its workers read, and nothing unknown" {
	for svc in users tasks; do
		read_by_workers=$("$bin/fcgi-$svc" -e | sort)
		set_in_compose=$(compose_env "$svc")
		# Every variable the workers read is set explicitly.
		missing=$(comm -23 <(echo "$read_by_workers") <(echo "$set_in_compose"))
		[[ -z $missing ]] || { echo "$svc: not set in compose: $missing"; return 1; }
		# Everything set is read by the workers or by stack.sh.
		known=$( (echo "$read_by_workers"; "$top/scripts/stack.sh" vars) | sort -u)
		unknown=$(comm -13 <(echo "$known") <(echo "$set_in_compose"))
		[[ -z $unknown ]] || { echo "$svc: set but never read: $unknown"; return 1; }
	done
}

@test "the gateway container sets only what stack.sh reads" {
	unknown=$(comm -13 <("$top/scripts/stack.sh" vars | sort) <(compose_env gateway))
	[[ -z $unknown ]] || { echo "set but never read: $unknown"; return 1; }
}

@test "the cross-check can fail: an unknown name is found" {
	run comm -13 <("$top/scripts/stack.sh" vars | sort) <(printf 'NOT_A_VARIABLE\nRUN_DIR\n')
	assert_output NOT_A_VARIABLE
}

# compose_health SERVICE: the health check command of a service, one word a line.
compose_health() {
	docker-compose -f "$top/docker-compose.yml" config |
		python3 -c 'import sys, yaml
t = yaml.safe_load(sys.stdin)["services"][sys.argv[1]]["healthcheck"]["test"]
assert t[0] == "CMD", t
print("\n".join(t[1:]))' "$1"
}

@test "the app containers' health checks pass on live pools and fail on dead ones" {
	for svc in users tasks; do
		mapfile -t check < <(compose_health "$svc")
		[[ ${check[0]} == scripts/stack.sh && ${check[1]} == health ]]
		# Run in the image's working folder against this suite's stack.
		(cd "$top" && "${check[@]}")
		# The same check with no pool behind the sockets.
		empty=$(mktemp -d)
		run bash -c 'cd "$1" && shift && RUN_DIR=$0 "$@"' "$empty" "$top" "${check[@]}"
		rm -rf "$empty"
		assert_failure
		assert_output --partial "$svc: unhealthy"
	done
}
