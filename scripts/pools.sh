# pools.sh: deploy/pools read into bash, for the scripts that source it
# (stack.sh, render-site.sh, install.sh).  After `pools_read`:
#
#   POOLS          every pool, in the table's order
#   POOL_SERVICE[pool] POOL_FLAGS[pool] POOL_DEFAULT[pool] POOL_PORT[pool]
#   SERVICES       every service, in order of first appearance
#
# pool_var POOL SUFFIX   the variable of a pool's knob (users-internal
#                        _WORKERS: USERS_INTERNAL_WORKERS)
# pool_of SERVICE PORT   the service's pool behind that port (gateway,
#                        internal)
# pool_callers POOL      the pools that call an internal pool: the other
#                        services' gateway pools
# pool_sizes NGINX_WORKERS   sets every <POOL>_WORKERS not already set to
#                        its default, the internal pools' after the others

POOLS_FILE=${POOLS_FILE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/deploy/pools}
declare -gA POOL_SERVICE POOL_FLAGS POOL_DEFAULT POOL_PORT
POOLS=()
SERVICES=()

pools_read() {
	local pool svc flags size port rest n=0
	while read -r pool svc flags size port rest; do
		n=$((n + 1))
		[[ -z $pool || $pool == \#* ]] && continue
		if [[ -z $port || -n $rest || ! $pool =~ ^[a-z][a-z0-9-]*$ ||
		    ! $svc =~ ^[a-z]+$ || ! $port =~ ^(gateway|internal)$ ||
		    ! $size =~ ^([0-9]+|callers)$ ]]; then
			echo "$POOLS_FILE:$n: not 'pool service flags workers port'" >&2
			return 1
		fi
		POOLS+=("$pool")
		POOL_SERVICE[$pool]=$svc
		POOL_FLAGS[$pool]=${flags#-}
		[[ $flags == - ]] && POOL_FLAGS[$pool]=""
		POOL_DEFAULT[$pool]=$size
		POOL_PORT[$pool]=$port
		[[ " ${SERVICES[*]} " == *" $svc "* ]] || SERVICES+=("$svc")
	done <"$POOLS_FILE"
	# Flags are the worker's own: "-I", not "I".
	for pool in "${POOLS[@]}"; do
		[[ -z ${POOL_FLAGS[$pool]} ]] || POOL_FLAGS[$pool]=-${POOL_FLAGS[$pool]}
	done
	for svc in "${SERVICES[@]}"; do
		for port in gateway internal; do
			[[ -n $(pool_of "$svc" "$port") ]] || {
				echo "$POOLS_FILE: service $svc has no $port pool" >&2
				return 1
			}
		done
	done
}

pool_var() { local v=${1^^}$2; echo "${v//-/_}"; }

pool_of() {
	local p
	for p in "${POOLS[@]}"; do
		[[ ${POOL_SERVICE[$p]} == "$1" && ${POOL_PORT[$p]} == "$2" ]] &&
			{ echo "$p"; return; }
	done
}

pool_callers() {
	local p
	for p in "${POOLS[@]}"; do
		[[ ${POOL_SERVICE[$p]} != "${POOL_SERVICE[$1]}" &&
		    ${POOL_PORT[$p]} == gateway ]] && echo "$p"
	done
}

pool_sizes() {
	local nginx_workers=$1 p v c sum
	for p in "${POOLS[@]}"; do
		v=$(pool_var "$p" _WORKERS)
		[[ ${POOL_DEFAULT[$p]} == callers || -n ${!v:-} ]] ||
			printf -v "$v" %s "${POOL_DEFAULT[$p]}"
	done
	for p in "${POOLS[@]}"; do
		v=$(pool_var "$p" _WORKERS)
		[[ ${POOL_DEFAULT[$p]} == callers && -z ${!v:-} ]] || continue
		sum=0
		for c in $(pool_callers "$p"); do
			c=$(pool_var "$c" _WORKERS)
			[[ ${!c} =~ ^[0-9]+$ ]] || return 0   # checked by the caller
			sum=$((sum + ${!c}))
		done
		printf -v "$v" %s "$((nginx_workers * sum + 1))"
	done
}
