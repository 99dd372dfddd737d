#!/usr/bin/env bats
# The contract's guarantees under concurrency, each with a test that fails
# without the mechanism behind it.

setup() { load ../helpers; }

# par N CMD...: runs CMD N times at once; prints each run's output line.
par() {
	local n=$1
	shift
	for ((i = 0; i < n; i++)); do "$@" & done
	wait
}

post_user() {
	curl -s -o /dev/null -w '%{http_code}\n' -XPOST -H 'Content-Type: application/json' \
		-d "{\"name\":\"Racer\",\"email\":\"$1\"}" "$BASE/users"
}

@test "20 concurrent creates with one email (mixed case): exactly one 201, the rest 409" {
	email=$(uniq_email)
	codes=$(for ((i = 0; i < 20; i++)); do
		e=$email; ((i % 2)) && e=$(tr a-z A-Z <<<"$email")
		post_user "$e" &
	done; wait)
	assert_equal "$(grep -c '^201$' <<<"$codes")" 1
	assert_equal "$(grep -c '^409$' <<<"$codes")" 19
}

@test "concurrent partial updates of different fields of one task: every change survives" {
	uid=$(new_user)
	for round in 1 2 3 4 5; do
		tid=$(new_task "$uid" "r$round")
		patch() {
			curl -s -o /dev/null -w '%{http_code}\n' -XPATCH -H 'Content-Type: application/json' \
				-d "$1" "$BASE/tasks/$tid"
		}
		codes=$( (patch "{\"title\":\"T$round\"}" & patch "{\"description\":\"D$round\"}" &
			patch '{"status":"completed"}' & patch "{\"title\":\"T$round\"}" &
			patch "{\"description\":\"D$round\"}" & patch '{"status":"completed"}' & wait) )
		[[ $(grep -c '^200$' <<<"$codes") == 6 ]] || { echo "$codes"; return 1; }
		req GET "/tasks/$tid"
		assert_equal "$(jq -c '[.title, .description, .status]' <<<"$BODY")" \
			"[\"T$round\",\"D$round\",\"completed\"]"
	done
}

@test "a user deleted while 30 task creations run: no task of that user remains" {
	uid=$(new_user)
	dir=$(mktemp -d)
	for ((i = 0; i < 30; i++)); do
		curl -s -o "$dir/$i" -w '%{http_code}' -XPOST -H 'Content-Type: application/json' \
			-d "{\"userId\":\"$uid\",\"title\":\"c$i\"}" "$BASE/tasks" >"$dir/$i.code" &
		((i == 10)) && curl -s -XDELETE "$BASE/users/$uid" >/dev/null &
	done
	wait
	req GET "/users/$uid"
	expect_error 404
	assert_equal "$(rcli EXISTS "user:$uid:tasks")" 0
	created=0
	for ((i = 0; i < 30; i++)); do
		code=$(<"$dir/$i.code")
		[[ $code =~ ^(201|422)$ ]] || { echo "create $i: $code $(<"$dir/$i")"; return 1; }
		if [[ $code == 201 ]]; then
			created=$((created + 1))
			tid=$(jq -r .id <"$dir/$i")
			req GET "/tasks/$tid"
			expect_error 404
		fi
	done
	echo "# $created of 30 creates were acknowledged before the delete" >&3
	rm -rf "$dir"
}

@test "mixed load at 32 concurrent clients (aggregate and create both ways): no 5xx" {
	users=()
	for i in 1 2 3 4; do users+=("$(new_user)"); done
	client() {
		local u=${users[$(($1 % 4))]} out=""
		for ((k = 0; k < 15; k++)); do
			out+=$(curl -s -o /dev/null -w '%{http_code} ' "$BASE/users/$u/tasks")
			out+=$(curl -s -o /dev/null -w '%{http_code} ' -XPOST -H 'Content-Type: application/json' \
				-d "{\"userId\":\"$u\",\"title\":\"m$1-$k\"}" "$BASE/tasks")
			out+=$(curl -s -o /dev/null -w '%{http_code} ' "$BASE/users/$u")
			out+=$(curl -s -o /dev/null -w '%{http_code} ' "$BASE/tasks?userId=$u&limit=5")
		done
		echo "$out"
	}
	codes=$(for ((c = 0; c < 32; c++)); do client "$c" & done; wait)
	total=$(wc -w <<<"$codes")
	bad=$(tr ' ' '\n' <<<"$codes" | grep -v '^$' | grep -cv '^20[01]$' || true)
	echo "# $total requests, $bad not 2xx" >&3
	assert_equal "$total" $((32 * 15 * 4))
	assert_equal "$bad" 0
}
