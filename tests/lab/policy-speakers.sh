#!/usr/bin/env bash
# The same routing policy on every speaker: topologies/internet.yaml all
# built-in, all BIRD 2, all FRR, and mixed, each as the file stands, with
# the Los Angeles announcement to lumen prepended three times, and with it
# not announced to lumen; every user's pings are answered by the POP
# `check` predicts, on the data plane.
. "$(dirname "$0")/lib.sh"
lab_init psp
INET=$ROOT/topologies/internet.yaml

command -v bird >/dev/null || skip_all "BIRD 2 is not installed (scripts/deps interop)"
command -v /usr/lib/frr/bgpd >/dev/null || skip_all "FRR is not installed (scripts/deps interop)"

users() { awk '/^#[ \t]+user[ \t]+isp[ \t]+as-is/ { t = 1; next }
	t && /^#[ \t]+u-/ { print $2; next } t { exit }' "$INET"; }

# predicted FILE USER: the POP check names for USER.
predicted() {
	"$AL" check "$1" 2>/dev/null | awk -v u="$2" '
		/^each user.s path/ { t = 1; next }
		t && $1 == u { print $2; exit }'
}

# answered LAB USER: the POP that answered USER's pings.  Up to six
# tries a second apart: `up` declares convergence when every ISP has a
# BGP route to the anycast prefix, and with FRR the POPs' routes back to
# the users' networks can follow seconds later.
answered() {
	local out i
	for i in 1 2 3 4 5 6; do
		out=$("$AL" ping "$2" -c 2 -i 0.05 --lab "$1" 2>&1)
		[ "$(grep -c "reply from " <<<"$out")" = 2 ] && break
		sleep 1
	done
	[ "$(grep -c "reply from " <<<"$out")" = 2 ] || { echo "?"; return; }
	sed -n 's/^seq [0-9]*: reply from \([a-z0-9-]*\) .*/\1/p' <<<"$out" | sort -u |
		paste -sd, -
}

# variant NAME SPEAKERS EDIT: internet.yaml renamed, its daemons set
# (builtin, bird, frr or mixed), the lumen-lax link edited (sed).
variant() {
	local f=$TMPD/$1.yaml
	sed -e "s/^name: internet\$/name: $1/" -e "$3" "$INET" > "$f"
	case "$2" in
	builtin) ;;
	bird|frr) sed -i "s/^  hold-time: 3\$/  hold-time: 3\n  daemon: $2/" "$f" ;;
	mixed)
		# tier-1s on BIRD, regional ISPs on FRR, POPs built-in
		sed -i -e 's/^\(  \(lumen\|telia\|ntt\|tata\): *{kind: isp, \)/\1daemon: bird, /' \
		       -e 's/^\(  \(comcast\|dtag\|telstra\|optus\|claro\|singtel\|airtel\): *{kind: isp, \)/\1daemon: frr, /' "$f" ;;
	esac
	echo "$f"
}

LINK='^  - {endpoints: \[lumen, lax\], rel: provider}$'
n=0
for sp in builtin bird frr mixed; do
	for v in as-is prepend withdraw; do
		case "$v" in
		as-is) edit='s/^$//' ;;
		prepend) edit="s/$LINK/  - {endpoints: [lumen, lax], rel: provider, prepend: 3}/" ;;
		withdraw) edit="s/$LINK/  - {endpoints: [lumen, lax], rel: provider, announce: false}/" ;;
		esac
		n=$((n + 1))
		name=${LAB:0:12}$n
		EXTRA_LABS+=("$name")
		f=$(variant "$name" "$sp" "$edit")
		"$AL" up "$f" > "$TMPD/$name.up" 2>&1
		if ! ok "$sp, $v: up builds it" test $? -eq 0; then
			diag "$(tail -5 "$TMPD/$name.up")"
			continue
		fi
		for u in $(users); do
			want=$(predicted "$f" "$u")
			is "$sp, $v: $u is answered by $want, as check predicts" \
				"$(answered "$name" "$u")" "$want"
		done
		"$AL" down "$name" > /dev/null 2>&1
	done
done
done_testing
