# TAP output for the shell tests (bash), sourced by tests/lab/lib.sh and
# tests/interop/lib.sh.  Every check goes through pass or fail, so the
# count and the plan line at the end always agree.

T_N=0
T_FAILED=0
T_T0=$(date +%s.%N)

diag() { printf '# %s\n' "$*"; }

# pass DESC / fail DESC [DETAIL...]: one result; DETAIL lines become
# comments under a failure.
pass() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $1"
}
fail() {
	local desc=$1
	shift
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $desc"
	[ $# -eq 0 ] || printf '%s\n' "$@" | head -20 | sed 's/^/#   /'
}

# ok DESC CMD...: passes when CMD exits 0; its output is shown if not.
# CMD runs in this shell, so a function it names may set variables.
ok() {
	local desc=$1 out=${TMPDIR:-/tmp}/tap-$$.out
	shift
	if "$@" >"$out" 2>&1; then
		pass "$desc"
	else
		fail "$desc" "$(cat "$out")"
	fi
	rm -f "$out"
}

# is DESC GOT EXPECTED
is() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got:      '$2'" "expected: '$3'"
	fi
}

# like DESC TEXT REGEX (extended)
like() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1" "$(printf '%s\n' "$2" | head -10 | sed 's/^/got: /')" \
			"expected to match: $3"
	fi
}

# ge DESC NUMBER MIN
ge() {
	if [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ]; then
		pass "$1"
	else
		fail "$1" "got: '$2', expected at least $3"
	fi
}

# skip DESC: a check that could not run here, counted and said.
skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP $*"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$T_N"
	diag "$(basename "$0"): $(awk -v a="$T_T0" -v b="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", b - a }') s"
	[ "$T_FAILED" -eq 0 ]
}
