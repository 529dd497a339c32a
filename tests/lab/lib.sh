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
LAB=
TMPD=
EXTRA_LABS=()

. "$ROOT/tests/tap.sh"

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

# failover_modes LAB POP [MODE...]: each failure mode of POP (default:
# all four) is one test: its users move to the POPs the catchment table
# names and come back.
failover_modes() {
	local lab=$1 pop=$2 mode j rc moves want u
	shift 2
	[ $# -gt 0 ] || set -- kill withdraw cut freeze
	for mode in "$@"; do
		j=$("$AL" failover "$pop" --mode "$mode" --lab "$lab" --json 2>&1)
		rc=$?
		moves=$(jq -r '[.runs[] | "\(.user)>\(.to)"] | join(" ")' <<<"$j" 2>/dev/null)
		want=""
		for u in $(table_users); do
			[ "$(expected_pop "$u")" = "$pop" ] && want="$want $u>$(expected_pop "$u" "$pop")"
		done
		is "failover $pop --mode $mode: users move as the table says and return" \
			"$rc $moves" "0 ${want# }"
		diag "$(jq -r '[.runs[] | "\(.user) \(.outage_ms) ms, back in \(.back_ms) ms"] | join(", ")' <<<"$j" 2>/dev/null)"
	done
}

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

# ---- topologies/internet.yaml (routing policy): its table, check's
# predictions, and what the data plane says ----
INET=$ROOT/topologies/internet.yaml

# inet_users: the users of its table; inet_column USER N: the POP in
# column N (2 as-is, 3 prepend, 4 community) of the table.
inet_users() { awk '/^#[ \t]+user[ \t]+isp[ \t]+as-is/ { t = 1; next }
	t && /^#[ \t]+u-/ { print $2; next } t { exit }' "$INET"; }
inet_column() {
	awk -v u="$1" -v c="$2" '
		/^#[ \t]+user[ \t]+isp[ \t]+as-is/ { t = 1; next }
		t && /^#[ \t]+u-/ { if ($2 == u) print $(c + 2); next }
		t { exit }' "$INET"
}

# predicted USER [FILE [WHAT-IF...]]: the POP check names for USER.
predicted() {
	local u=$1 f=${2:-$INET}
	shift $(( $# < 2 ? $# : 2 ))
	"$AL" check "$f" "$@" 2>/dev/null | awk -v u="$u" '
		/^each user.s path/ { t = 1; next }
		t && $1 == u { print $2; exit }'
}

# answered LAB USER: the POPs that answered USER's three pings (sorted,
# comma-separated), "?" unless all three were.
answered() {
	local out
	out=$("$AL" ping "$2" -c 3 -i 0.05 --lab "$1" 2>&1)
	if [ "$(grep -c "reply from " <<<"$out")" != 3 ]; then
		echo "?"
		return
	fi
	sed -n 's/^seq [0-9]*: reply from \([a-z0-9-]*\) .*/\1/p' <<<"$out" | sort -u |
		paste -sd, -
}

# answered_as LAB USER WANT: answered, tried again for up to 5 s while it
# differs from WANT (a live change takes a moment to travel).
answered_as() {
	local got i
	for i in $(seq 20); do
		got=$(answered "$1" "$2")
		[ "$got" = "$3" ] && break
		sleep 0.25
	done
	echo "$got"
}

# session_field LAB NODE PEER FIELD: a value of NODE's session with PEER
# from status --json (FIELD may be dotted: updates.tx).
session_field() {
	"$AL" status "$1" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)["labs"][0]
node, peer, key = sys.argv[1:4]
for l in d["links"]:
    ends = [l["a"], l["b"]]
    if node in ends and peer in ends and l.get("session"):
        s = l["session"]["a" if l["a"] == node else "b"]
        v = s
        for k in key.split("."):
            v = v[k]
        print(v)
' "$2" "$3" "$4"
}
