# Shared by the lab tests (bash): TAP output, one uniquely named lab per
# test that is torn down when the test exits, however it exits, and
# readers for the expectations in topologies/world.yaml.
#
# A test sources this file, calls lab_init PREFIX, then checks with
# ok / is / like, and ends with done_testing.

set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AL=${ANYCASTLAB:-$ROOT/build/anycastlab}
WORLD=$ROOT/topologies/world.yaml
T_N=0
T_FAILED=0
LAB=
TMPD=
EXTRA_LABS=()

diag() { printf '# %s\n' "$*"; }

# ok DESC CMD...: passes when CMD exits 0.
ok() {
	local desc=$1; shift
	T_N=$((T_N + 1))
	if "$@" >/tmp/lab-test-$$.out 2>&1; then
		echo "ok $T_N - $desc"
	else
		echo "not ok $T_N - $desc"
		T_FAILED=$((T_FAILED + 1))
		sed 's/^/#   /' /tmp/lab-test-$$.out | head -20
	fi
	rm -f /tmp/lab-test-$$.out
}

# is DESC GOT EXPECTED
is() {
	T_N=$((T_N + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $T_N - $1"
	else
		echo "not ok $T_N - $1"
		echo "#   got:      '$2'"
		echo "#   expected: '$3'"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# like DESC TEXT REGEX
like() {
	T_N=$((T_N + 1))
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		echo "ok $T_N - $1"
	else
		echo "not ok $T_N - $1"
		printf '%s\n' "$2" | head -10 | sed 's/^/#   got: /'
		echo "#   expected to match: $3"
		T_FAILED=$((T_FAILED + 1))
	fi
}

skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP $*"
}

done_testing() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces)"
	[ -x "$AL" ] || skip_all "no binary at $AL (build first)"
}

lab_cleanup() {
	local l
	for l in "$LAB" "${EXTRA_LABS[@]}"; do
		[ -n "$l" ] && "$AL" down "$l" >/dev/null 2>&1
	done
	[ -n "$TMPD" ] && rm -rf "$TMPD"
}

# lab_init PREFIX: LAB becomes PREFIX-<pid>, unique on this machine.
lab_init() {
	require_root
	LAB="$1$$"
	LAB=${LAB:0:15}
	TMPD=$(mktemp -d /tmp/anycastlab-test.XXXXXX)
	chmod 755 "$TMPD"	# readable by the unprivileged checks
	trap lab_cleanup EXIT
	trap 'exit 130' INT TERM
}

# world_copy NAME: the world topology under another lab name; prints its path.
world_copy() {
	local f="$TMPD/$1.yaml"
	sed "s/^name: world\$/name: $1/" "$WORLD" > "$f"
	echo "$f"
}

# The catchment table of world.yaml: "user nearest pop-down..." per line,
# with a header line "user nearest lax fra ...".
catchment_table() {
	awk '
		/^#[ \t]+user[ \t]+nearest[ \t]*\|/ { in_t = 1; sub(/^#[ \t]+/, ""); gsub(/\|/, ""); print; next }
		in_t && /^#[ \t]+u-/ { sub(/^#[ \t]+/, ""); gsub(/\|/, ""); print; next }
		in_t { exit }
	' "$WORLD" | tr -s ' \t' ' '
}

# Users, POPs, and one user's expected POP ("-" for no failure).
table_users() { catchment_table | awk 'NR > 1 { print $1 }'; }
table_pops() { catchment_table | awk 'NR == 1 { for (i = 3; i <= NF; i++) print $i }'; }
expected_pop() {
	catchment_table | awk -v u="$1" -v down="${2:--}" '
		NR == 1 { for (i = 3; i <= NF; i++) col[$i] = i; next }
		$1 == u { print (down == "-" ? $2 : $(col[down])) }'
}

# status --json of the test's lab, cached per call site.
lab_json() { "$AL" status "$LAB" --json; }

# The node at the other end of the link that holds ADDR (from the plan).
link_peer_of() {
	lab_json | jq -r --arg a "$1/31" '.labs[0].links[] |
		if .a_addr == $a then .b elif .b_addr == $a then .a else empty end'
}

# The node that owns link address ADDR.
owner_of() {
	lab_json | jq -r --arg a "$1/31" '.labs[0].links[] |
		if .a_addr == $a then .a elif .b_addr == $a then .b else empty end'
}

# The POP that answered one echo from USER, from the record-route option
# of the reply: the hop recorded just before the anycast address is the
# last router's address on its link to the POP.
rr_pop() {
	local out prev="" a
	out=$(ip netns exec "$LAB-$1" ping -n -c1 -W2 -R 104.16.0.1 2>/dev/null) || return 1
	for a in $(printf '%s\n' "$out" | sed -n '/RR:/,/^$/p' | grep -Eo '([0-9]+\.){3}[0-9]+'); do
		if [ "$a" = 104.16.0.1 ]; then
			[ -n "$prev" ] && link_peer_of "$prev"
			return 0
		fi
		prev=$a
	done
	return 1
}
