#!/usr/bin/env bash
# install-deps.sh: installs the Debian packages the project needs, once.
# Quiet and quick when everything is there already.
set -euo pipefail

PACKAGES=(
	build-essential pkg-config
	libfcgi-dev libhiredis-dev libjson-c-dev libcurl4-openssl-dev uuid-dev libssl-dev
	libjemalloc-dev
	nginx-light spawn-fcgi multiwatch libfcgi-bin redis-server redis-tools redis-sentinel
	bats bats-support bats-assert jq curl procps wrk bc python3
	clang libclang-rt-14-dev valgrind docker-compose
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "installing: ${missing[*]}"
SUDO=
[[ $(id -u) == 0 ]] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps the packages' own redis and nginx services from starting.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod +x /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
