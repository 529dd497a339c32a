#!/usr/bin/env bash
# Scene 9: path hunting.  When a POP withdraws, the prefix does not
# vanish at once: each ISP of a clique falls back to a longer path through
# another ISP that has not heard the news yet, announces it, and is
# proved wrong one exchange later (Labovitz et al., SIGCOMM 2000).  The
# MinRouteAdvertisementInterval (MRAI) spaces each router's
# announcements: fewer UPDATEs, and a withdrawal that takes rounds of the
# interval to settle, while a new announcement spreads at once.
. "$(dirname "$0")/lib.sh"

# A clique of six ISPs, one POP behind isp1 and isp2, another behind
# isp6, a user at each ISP.
clique() {	# clique NAME MRAI
	local i j
	printf 'name: %s\ndefaults: {mrai: %s}\nnodes:\n' "$1" "$2"
	printf '  pop: {kind: pop, asn: 13335}\n  pop2: {kind: pop, asn: 13335}\n'
	for i in 1 2 3 4 5 6; do
		printf '  isp%s: {kind: isp, asn: %s}\n  u%s: {kind: user}\n' \
			"$i" $((64500 + i)) "$i"
	done
	printf 'links:\n  - [pop, isp1]\n  - [pop, isp2]\n  - [pop2, isp6]\n'
	for i in 1 2 3 4 5 6; do
		printf '  - [u%s, isp%s]\n' "$i" "$i"
		for j in 1 2 3 4 5 6; do
			[ "$j" -gt "$i" ] && printf '  - [isp%s, isp%s]\n' "$i" "$j"
		done
	done
}

# UPDATEs sent by every router of the lab, together.
updates() {
	anycastlab status --json | python3 -c '
import json, sys
d = json.load(sys.stdin)["labs"][0]
n = 0
for l in d["links"]:
    s = l.get("session") or {}
    for end in ("a", "b"):
        e = s.get(end)
        if e and e.get("updates"):
            n += e["updates"]["tx"]
print(n)'
}

# ISPs whose kernel still has a route to the anycast prefix (read from
# each namespace directly: fast enough to time a withdrawal).
reaching() {
	local i n=0
	for i in 1 2 3 4 5 6; do
		[ -n "$(ip -n "$ANYCASTLAB_LAB-isp$i" route show 104.16.0.0/24)" ] &&
			n=$((n + 1))
	done
	echo "$n"
}

# Whether every ISP but isp6 sends the prefix to isp6, and isp6 to pop2:
# the long way round, once pop is gone.
via_pop2() {
	local i
	for i in 1 2 3 4 5; do
		ip -n "$ANYCASTLAB_LAB-isp$i" route show 104.16.0.0/24 | grep -q "dev isp6 " ||
			return 1
	done
	ip -n "$ANYCASTLAB_LAB-isp6" route show 104.16.0.0/24 | grep -q "dev pop2 "
}

# settle CMD...: seconds until CMD succeeds (polled every 5 ms), in T.
settle() {
	local t0 i
	t0=$(date +%s.%N)
	for i in $(seq 1 3000); do
		"$@" && break
		sleep 0.005
	done
	T=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')
}
no_route() { [ "$(reaching)" = 0 ]; }

# tdown: both POPs withdraw; seconds until no ISP has a route left, and
# the UPDATEs it took, in TDOWN and UPD.  tlong: pop alone withdraws;
# seconds until every ISP takes the long way to pop2, in TLONG and ULONG.
tdown() {
	local u0
	u0=$(updates)
	anycastlab withdraw pop2 >/dev/null
	anycastlab withdraw pop >/dev/null &
	settle no_route
	wait
	TDOWN=$T
	sleep 1	# let the last withdrawals land before counting
	UPD=$(($(updates) - u0))
}
tlong() {
	local u0
	u0=$(updates)
	anycastlab withdraw pop >/dev/null &
	settle via_pop2
	wait
	TLONG=$T
	sleep 1
	ULONG=$(($(updates) - u0))
}

for mrai in 0 300ms; do
	scenario_cleanup
	export ANYCASTLAB_LAB="hunt$$"
	OWN_LAB=$ANYCASTLAB_LAB
	clique "$OWN_LAB" "$mrai" > "/tmp/$OWN_LAB.yaml"
	trap scenario_cleanup EXIT
	say "A clique of six ISPs, one POP behind two of them, MRAI $mrai"
	run anycastlab up "/tmp/$OWN_LAB.yaml"
	check "the lab is up and BGP has converged" test "$RC" -eq 0
	check "every ISP has a route to a POP" test "$(reaching)" = 6

	say "pop withdraws, pop2 remains: every ISP must find the long way (Tlong)"
	tlong
	note "MRAI $mrai: all on the way to pop2 after ${TLONG}s, $ULONG UPDATEs exchanged"
	check "every ISP now reaches pop2 through isp6" via_pop2
	run anycastlab announce pop
	settle eval 'ip -n "$ANYCASTLAB_LAB-isp1" route show 104.16.0.0/24 | grep -q "dev pop "'

	say "Both POPs withdraw: the ISPs hunt through longer paths before giving up (Tdown)"
	tdown
	note "MRAI $mrai: no ISP has a route left after ${TDOWN}s, $UPD UPDATEs exchanged"
	check "no ISP has a route left" test "$(reaching)" = 0
	if [ "$mrai" = 0 ]; then
		T0=$TDOWN
		U0=$UPD
		check "withdrawing took more UPDATEs than the 12 sessions of one withdrawal wave" \
			test "$UPD" -gt 12
	else
		note "without an MRAI it took ${T0}s and $U0 UPDATEs"
		check "with an MRAI the hunt waits at least one interval (${TDOWN}s >= 0.225s, 0.75 x 300ms)" \
			awk -v t="$TDOWN" 'BEGIN { exit !(t >= 0.225) }'
	fi

	say "The POPs announce again: good news travels at once, MRAI or not"
	anycastlab announce pop2 >/dev/null
	anycastlab announce pop >/dev/null &
	settle eval '[ "$(reaching)" = 6 ]'
	wait
	note "every ISP has the route again after ${T}s"
	check "every ISP has the route again" test "$(reaching)" = 6
	anycastlab routes isp6 > /dev/null
done
scenario_end
