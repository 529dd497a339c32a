# Narration for the guided scenarios: each step says what it will show,
# runs the very command a reader would type, and checks what happened.
# A scenario uses the lab named by ANYCASTLAB_LAB when it is running;
# otherwise it builds its own copy of the world lab and removes it after.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
export PATH="$ROOT/build:$PATH"
CHECKS=0
FAILS=0
OWN_LAB=

if [ "$(id -u)" -ne 0 ]; then
	echo "this scenario needs root: sudo $0" >&2
	exit 2
fi
command -v anycastlab >/dev/null || { echo "build first: scripts/build" >&2; exit 2; }

say() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# run CMD...: show it as typed, run it, keep its output in $OUT.
run() {
	printf '\n$ %s\n' "$*"
	OUT=$("$@" 2>&1)
	RC=$?
	printf '%s\n' "$OUT"
	return 0
}

# check DESC CONDITION...: say whether what we just saw is what we expect.
check() {
	local desc=$1
	shift
	CHECKS=$((CHECKS + 1))
	if "$@"; then
		printf '    [ok] %s\n' "$desc"
	else
		printf '    [FAILED] %s\n' "$desc"
		FAILS=$((FAILS + 1))
	fi
}

has() { grep -Eq -- "$1" <<<"$OUT"; }

# The POP that answers USER now, from anycastlab ping's record route.
pop_of() {
	anycastlab ping "$1" -c 1 2>/dev/null | sed -n 's/.*reply from \([a-z0-9-]*\) .*/\1/p'
}

# Wait up to SECONDS for USER to be answered by POP.
wait_pop() {
	local user=$1 pop=$2 limit=${3:-10} i
	for i in $(seq 1 $((limit * 10))); do
		[ "$(pop_of "$user")" = "$pop" ] && return 0
		sleep 0.1
	done
	return 1
}

# scenario_begin [FILE]: the lab of topologies/world.yaml (or of FILE),
# running already under ANYCASTLAB_LAB or built for the scenario.
scenario_begin() {
	local topo=${1:-$ROOT/topologies/world.yaml}

	if [ -z "${1:-}" ] && [ -n "${ANYCASTLAB_LAB:-}" ] &&
	   [ -d "/run/anycastlab/$ANYCASTLAB_LAB" ]; then
		note "using the running lab '$ANYCASTLAB_LAB'"
	else
		export ANYCASTLAB_LAB="scn$$"
		OWN_LAB=$ANYCASTLAB_LAB
		sed "s/^name: .*\$/name: $OWN_LAB/" "$topo" > "/tmp/$OWN_LAB.yaml"
		trap scenario_cleanup EXIT
		say "Building a lab of $(basename "$topo") of our own ('$OWN_LAB')"
		run anycastlab up "/tmp/$OWN_LAB.yaml"
		check "the lab is up and BGP has converged" test "$RC" -eq 0
	fi
}

scenario_cleanup() {
	if [ -n "$OWN_LAB" ]; then
		anycastlab down "$OWN_LAB" >/dev/null 2>&1
		rm -f "/tmp/$OWN_LAB.yaml"
	fi
}

scenario_end() {
	printf '\n%d checks, %d failed\n' "$CHECKS" "$FAILS"
	[ "$FAILS" -eq 0 ]
}
