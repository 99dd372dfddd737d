#!/usr/bin/env bats
# make install, the systemd units and the installed nginx site.  The pools are
# started with the exact command line of their units (no systemd runs here:
# spawn-fcgi plays the socket unit's part) and must answer through an nginx
# that loads the installed site as Debian's nginx.conf would.

setup_file() {
	export D=$DEPLOY_DIR/install
	rm -rf "$D"
	mkdir -p "$D"
	export PFX=$D/prefix
	# A real prefix (no DESTDIR): the units name binaries that exist, as
	# systemd-analyze verify wants.
	make -C "$TOP" --no-print-directory install PREFIX="$PFX" \
	    RUNSTATEDIR="$D/run" GATEWAY_PORT=18280 USERS_PORT=18205 \
	    TASKS_PORT=18202 >"$D/install.log" 2>&1
	RUN_DIR=$D/redis REDIS_PORT=16380 "$TOP/scripts/stack.sh" start redis >/dev/null
}

teardown_file() {
	local f
	# multiwatch alone gets SIGTERM (a worker signalled directly would be
	# replaced); the group is killed if it lingers.
	for f in "$D"/pids/*.pid; do
		[[ -e $f ]] && kill -TERM "$(<"$f")" 2>/dev/null
	done
	sleep 1
	for f in "$D"/pids/*.pid; do
		[[ -e $f ]] && kill -KILL -- "-$(<"$f")" 2>/dev/null
	done
	[[ -e $D/nginx.pid ]] && kill -QUIT "$(<"$D/nginx.pid")" 2>/dev/null
	RUN_DIR=$D/redis REDIS_PORT=16380 "$TOP/scripts/stack.sh" stop redis >/dev/null
	sleep 0.5
}

setup() {
	load ../helpers
	UNITS=$PFX/lib/systemd/system
	ETC=$PFX/etc
}

# unit_value UNIT KEY: the value of KEY= in an installed unit.
unit_value() {
	sed -n "s/^$2=//p" "$UNITS/$1"
}

@test "make install: AUTH=token, the admin token made once, 0600, its hash alone in the env file" {
	tokfile=$PFX/var/lib/task-manager/admin-token
	run stat -c '%a %U' "$tokfile"
	assert_output "600 $(id -un)"
	run stat -c '%a' "$(dirname "$tokfile")"
	assert_output 700
	tok=$(<"$tokfile")
	[[ $tok =~ ^tm_[A-Za-z0-9]{38}$ ]]
	hash=$(printf %s "$tok" | sha256sum | cut -c1-64)
	grep -qx "ADMIN_TOKEN_SHA256=$hash" "$ETC/default/task-manager"
	grep -qx "AUTH=token" "$ETC/default/task-manager"
	grep -qx "SIGNUP=open" "$ETC/default/task-manager"
	! grep -rqF "$tok" "$ETC"
	# A second install keeps the token and the file that holds its hash.
	make -C "$TOP" --no-print-directory install PREFIX="$PFX" RUNSTATEDIR="$D/run" \
	    GATEWAY_PORT=18280 USERS_PORT=18205 TASKS_PORT=18202 >/dev/null 2>&1
	assert_equal "$(<"$tokfile")" "$tok"
	grep -qx "ADMIN_TOKEN_SHA256=$hash" "$ETC/default/task-manager"
	# The documented command mints a new one on demand.
	run "$PFX/bin/task-manager-admin-token" -f "$D/new-admin-token"
	assert_success
	[[ $output =~ ^ADMIN_TOKEN_SHA256=[0-9a-f]{64}$ ]]
	[[ ${output#*=} == $(printf %s "$(<"$D/new-admin-token")" | sha256sum | cut -c1-64) ]]
	[[ ${output#*=} != "$hash" ]]
}

@test "make install with DESTDIR stages every file with final paths inside" {
	stage=$D/stage
	run make -C "$TOP" --no-print-directory install DESTDIR="$stage" PREFIX=/usr
	assert_success
	for f in usr/bin/fcgi-users usr/bin/fcgi-tasks etc/default/task-manager \
	    etc/default/task-manager-users etc/default/task-manager-tasks \
	    etc/nginx/conf.d/task-manager.conf etc/nginx/task-manager/fastcgi.conf \
	    etc/nginx/task-manager/errors.conf usr/lib/systemd/system/task-manager.target \
	    usr/share/doc/task-manager/DEPLOYMENT.md; do
		[[ -f $stage/$f ]] || { echo "missing: $f"; return 1; }
	done
	for p in users users-internal tasks tasks-internal; do
		[[ -f $stage/usr/lib/systemd/system/task-manager-$p.service ]] || return 1
		[[ -f $stage/usr/lib/systemd/system/task-manager-$p.socket ]] || return 1
	done
	[[ -x $stage/usr/bin/fcgi-users ]]
	# The staged files name the final paths, never the staging folder.
	run grep -rl "$stage" "$stage"
	assert_failure
	run sed -n 's/^ExecStart=//p' "$stage/usr/lib/systemd/system/task-manager-users.service"
	assert_output '/usr/bin/multiwatch -f ${USERS_WORKERS} -- /usr/bin/fcgi-users'
	run sed -n 's/^ExecStart=//p' "$stage/usr/lib/systemd/system/task-manager-tasks-internal.service"
	assert_output '/usr/bin/multiwatch -f ${TASKS_INTERNAL_WORKERS} -- /usr/bin/fcgi-tasks -I'
	run sed -n 's/^ListenStream=//p' "$stage/usr/lib/systemd/system/task-manager-tasks-internal.socket"
	assert_output /run/task-manager/tasks-internal.sock
	grep -q "include /etc/nginx/task-manager/fastcgi.conf;" "$stage/etc/nginx/conf.d/task-manager.conf"
}

@test "a second install keeps the environment files an administrator edited" {
	stage=$D/stage2
	make -C "$TOP" --no-print-directory install DESTDIR="$stage" PREFIX=/usr >/dev/null
	echo "REDIS_HOST=10.0.0.7" >>"$stage/etc/default/task-manager"
	run make -C "$TOP" --no-print-directory install DESTDIR="$stage" PREFIX=/usr
	assert_success
	grep -qx "REDIS_HOST=10.0.0.7" "$stage/etc/default/task-manager"
}

@test "systemd-analyze verify passes on every unit, without a warning" {
	run systemd-analyze verify --man=no "$UNITS"/task-manager*
	assert_success
	assert_output ""
}

@test "systemd-analyze verify does complain about a broken unit (the check can fail)" {
	cp "$UNITS/task-manager-users.service" "$D/broken.service"
	sed -i 's|^ExecStart=.*|ExecStart=/nonexistent/fcgi-users|; s|^ProtectSystem=.*|ProtectSystem=bogus|' "$D/broken.service"
	run systemd-analyze verify --man=no "$D/broken.service"
	assert_output --partial "not executable"
	assert_output --partial "protect system value"
}

@test "the units are hardened, unprivileged and ordered after Redis, before nginx" {
	for p in users users-internal tasks tasks-internal; do
		u=task-manager-$p.service
		[[ $(unit_value "$u" DynamicUser) == yes ]]
		[[ $(unit_value "$u" User) == task-manager ]]
		[[ $(unit_value "$u" NoNewPrivileges) == yes ]]
		[[ $(unit_value "$u" ProtectSystem) == strict ]]
		[[ $(unit_value "$u" PrivateTmp) == yes ]]
		[[ -z $(unit_value "$u" CapabilityBoundingSet) ]]
		[[ $(unit_value "$u" Restart) == always ]]
		unit_value "$u" After | grep -qw redis-server.service
		unit_value "$u" Before | grep -qw nginx.service
		[[ $(unit_value "$u" Requires) == task-manager-$p.socket ]]
		[[ $(unit_value "task-manager-$p.socket" SocketMode) == 0660 ]]
	done
}

@test "the environment files set exactly what the workers and the units read" {
	for svc in users tasks; do
		set_in_files=$(cat "$ETC/default/task-manager" "$ETC/default/task-manager-$svc" |
			sed -n 's/^\([A-Z_][A-Z0-9_]*\)=.*/\1/p' | sort)
		read_by_units=$(grep -ho '\${[A-Z_]*}' "$UNITS/task-manager-$svc.service" \
			"$UNITS/task-manager-$svc-internal.service" | tr -d '${}' | sort -u)
		read_all=$( ("$PFX/bin/fcgi-$svc" -e; echo "$read_by_units") | sort -u)
		diff <(echo "$read_all") <(echo "$set_in_files") ||
			{ echo "$svc: environment files and readers differ (< read, > set)"; return 1; }
	done
}

# start_unit POOL: runs the pool's unit as systemd would, on the installed
# files: its socket (group and mode of the .socket unit) made by spawn-fcgi
# as root, then the unit's ExecStart, word for word, as an
# unprivileged user with no new privileges and only the unit's environment.
start_unit() {
	local pool=$1 unit=task-manager-$1 sock mode group cmd envfiles f
	sock=$(unit_value "$unit.socket" ListenStream)
	mode=$(unit_value "$unit.socket" SocketMode)
	group=$(unit_value "$unit.socket" SocketGroup)
	envfiles=$(unit_value "$unit.service" EnvironmentFile)
	cmd=$(unit_value "$unit.service" ExecStart)
	mkdir -p "$(dirname "$sock")" "$D/pids" "$D/logs"
	# systemd expands ${NAME} from the environment files; so does this.
	(
		set -a
		for f in $envfiles; do . "$f"; done
		set +a
		eval "argv=($cmd)"
		"$PFX/bin/fcgi-${pool%-*}" -n >/dev/null || exit 1
		exec setsid setpriv --no-new-privs spawn-fcgi -n -s "$sock" -M "$mode" \
			-G "$group" -u nobody -g nogroup -- "${argv[@]}"
	) </dev/null >>"$D/logs/$pool.log" 2>&1 &
	echo $! >"$D/pids/$pool.pid"
	for i in $(seq 100); do [[ -S $sock ]] && return 0; sleep 0.05; done
	echo "$pool: no socket"; cat "$D/logs/$pool.log"
	return 1
}

@test "each pool runs with its unit's command line and answers through the installed site" {
	[[ $(id -u) == 0 ]] || skip "needs root, as systemd has, to hand out the socket"
	# What an administrator edits: where Redis is.
	sed -i 's/^REDIS_PORT=.*/REDIS_PORT=16380/' "$ETC/default/task-manager"
	for p in users users-internal tasks tasks-internal; do start_unit "$p"; done
	# nginx as Debian runs it: its own nginx.conf including conf.d/*.conf.
	mkdir -p "$D/nginx"
	cat >"$D/nginx.conf" <<CONF
user www-data www-data;
worker_processes 1;
pid $D/nginx.pid;
error_log $D/logs/nginx-error.log warn;
events { worker_connections 256; }
http {
    default_type application/json;
    client_body_temp_path $D/nginx/body;
    fastcgi_temp_path $D/nginx/fastcgi;
    proxy_temp_path $D/nginx/proxy;
    uwsgi_temp_path $D/nginx/uwsgi;
    scgi_temp_path $D/nginx/scgi;
    include $ETC/nginx/conf.d/*.conf;
}
CONF
	mkdir -p "$PFX/var/log/nginx"
	nginx -p "$D" -c "$D/nginx.conf" -e "$D/logs/nginx-error.log"
	for i in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:18280/health && break; sleep 0.05; done

	BASE=http://127.0.0.1:18280
	# The admin's token, as the first install made it (AUTH=token).
	ADMIN_TOKEN=$(<"$PFX/var/lib/task-manager/admin-token")
	# The workers run as the unprivileged user, the socket is nginx's group.
	for p in users users-internal tasks tasks-internal; do
		run stat -c '%G %a' "$D/run/task-manager/$p.sock"
		assert_output "www-data 660"
		run ps -o user= --ppid "$(<"$D/pids/$p.pid")"
		assert_output --regexp '^nobody'
		refute_output --partial root
	done
	# the users pool
	uid=$(new_user Inst)
	# the tasks pool, calling the users internal pool
	tid=$(new_task "$uid" installed)
	# the tasks pool
	req GET "/tasks/$tid"
	expect_status 200
	# the users pool calling the tasks internal pool
	req GET "/users/$uid/tasks"
	expect_status 200
	jq -e --arg t "$tid" '.tasks | length == 1 and .[0].id == $t' <<<"$BODY"
	req GET /health/users
	expect_status 200
	req GET /health/tasks
	expect_status 200
}
