#!/usr/bin/env bash
# The same routing policy on every speaker: topologies/internet.yaml all
# built-in, all BIRD 2, all FRR, and mixed.  Each as the file stands, then
# changed live (the Los Angeles announcement to lumen prepended three
# times, then withdrawn from lumen, then announced again), and with the
# same two changes written in the file: every user's pings are answered
# by the POP `check` predicts for it, on the data plane, and a live
# change resets no session.
. "$(dirname "$0")/lib.sh"
lab_init psp

command -v bird >/dev/null || skip_all "BIRD 2 is not installed (scripts/deps interop)"
command -v /usr/lib/frr/bgpd >/dev/null || skip_all "FRR is not installed (scripts/deps interop)"

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

# holds LAB FILE WHAT [WHAT-IF...]: every user answered as check predicts,
# at once (up has converged: every user's echo comes back), or, after a
# live change (WHAT starts with "live"), within a few seconds.
holds() {
	local lab=$1 f=$2 what=$3 u want got
	shift 3
	for u in $(inet_users); do
		want=$(predicted "$u" "$f" "$@")
		case "$what" in
		*live*) got=$(answered_as "$lab" "$u" "$want") ;;
		*) got=$(answered "$lab" "$u") ;;
		esac
		is "$what: $u is answered by $want, as check predicts" "$got" "$want"
	done
}

# for_ms LAB: how long lax's session with lumen has been up, in ms.
for_ms() { session_field "$1" lax lumen for_ms; }

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
		holds "$name" "$f" "$sp, $v"
		if [ "$v" = as-is ]; then
			t0=$(for_ms "$name")
			out=$("$AL" prepend lax 3 --to lumen --lab "$name" 2>&1)
			like "$sp: a live prepend says what it did" "$out" \
				"lax prepends its AS 3 more times toward lumen"
			holds "$name" "$f" "$sp, live prepend" --prepend lax=3@lumen
			"$AL" prepend lax 0 --to lumen --lab "$name" > /dev/null 2>&1
			out=$("$AL" withdraw lax --from lumen --lab "$name" 2>&1)
			like "$sp: a live withdraw says what it did" "$out" \
				"lax withdrew the anycast prefix from lumen"
			holds "$name" "$f" "$sp, live withdraw" --withdraw lax@lumen
			out=$("$AL" announce lax --to lumen --lab "$name" 2>&1)
			like "$sp: a live announce says what it did" "$out" \
				"lax announces the anycast prefix to lumen"
			holds "$name" "$f" "$sp, live announce again"
			t1=$(for_ms "$name")
			ok "$sp: lax's session with lumen stayed up through it all ($t0 ms, then $t1 ms)" \
				test "${t1:-0}" -ge "${t0:-1}"
		fi
		"$AL" down "$name" > /dev/null 2>&1
	done
done
done_testing
