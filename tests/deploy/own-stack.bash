# The deployment suites that need a stack of their own (internalkeep): a fresh folder $DEPLOY_DIR/NAME, exported as D, and a whole
# stack in D/stack started with the environment the suite exported.

own_stack_start() {
	export D=$DEPLOY_DIR/$1 RUN_DIR=$DEPLOY_DIR/$1/stack
	rm -rf "$D"
	mkdir -p "$D"
	"$TOP/scripts/stack.sh" start >"$D/start.log" 2>&1
}

own_stack_stop() {
	"$TOP/scripts/stack.sh" stop >/dev/null 2>&1
	true
}
