#!/usr/bin/env bash
# check-redis.sh: checks that records and indexes in Redis agree (every task
# in its user's set, no set entry without its task, no task without its user,
# the email index matching the users).  Prints each problem; exit 1 if any.
# Uses REDIS_HOST, REDIS_PORT, REDIS_PASSWORD.
set -euo pipefail
out=$(redis-cli -h "${REDIS_HOST:-127.0.0.1}" -p "${REDIS_PORT:-6379}" \
	--no-auth-warning ${REDIS_PASSWORD:+-a "$REDIS_PASSWORD"} \
	--eval "$(dirname "$0")/check-redis.lua")
if [[ -n $out ]]; then
	echo "$out"
	exit 1
fi
echo "redis: records and indexes consistent"
