#!/usr/bin/env bash
# admin-token.sh [-f] FILE: mints a new admin token into FILE (mode 0600,
# readable by its owner only) and prints the line the services need,
# ADMIN_TOKEN_SHA256=<hex>.  An existing FILE is left alone and its hash
# printed, unless -f asks for a new token (the old one then stops working
# once the services are restarted with the new hash).
# Installed as task-manager-admin-token.  The token itself is never printed.
set -euo pipefail

force=0
if [[ ${1:-} == -f ]]; then force=1; shift; fi
file=${1:?usage: admin-token.sh [-f] FILE}
here=$(cd "$(dirname "$0")" && pwd)
bin=${FCGI_USERS:-}
if [[ -z $bin ]]; then
	for b in "$here/fcgi-users" "$here/../${BUILD:-build/release}/bin/fcgi-users"; do
		[[ -x $b ]] && { bin=$b; break; }
	done
fi
[[ -x ${bin:-} ]] || { echo "admin-token: fcgi-users not found (set FCGI_USERS)" >&2; exit 1; }

# Two pools starting at once (compose's containers) make one token between them.
exec 9>>"$file.lock"
flock 9
if [[ ! -s $file || $force == 1 ]]; then
	tmp=$(mktemp "$file.XXXXXX")
	chmod 600 "$tmp"
	"$bin" -T >"$tmp" || { rm -f "$tmp"; exit 1; }
	mv -f "$tmp" "$file"
fi
tok=$(<"$file")
[[ $tok =~ ^tm_[A-Za-z0-9_]{32,}$ ]] || { echo "admin-token: $file does not hold a token" >&2; exit 1; }
echo "ADMIN_TOKEN_SHA256=$(printf %s "$tok" | sha256sum | cut -c1-64)"
