#!/usr/bin/env bash
# Scene 9: path hunting.  When the last POP withdraws, the prefix does not
# vanish at once: each ISP of a clique falls back to a longer path through
# another ISP that has not heard the news yet, announces it, and is
# proved wrong one exchange later (Labovitz et al., SIGCOMM 2000).  The
# MinRouteAdvertisementInterval (MRAI) spaces each router's
# announcements: fewer UPDATEs, and a withdrawal that takes rounds of the
# interval to settle, while a new announcement spreads at once.
. "$(dirname "$0")/lib.sh"

# A clique of six ISPs, one POP behind two of them, a user at each ISP.
clique() {	# clique NAME MRAI
	local i j
	printf 'name: %s\ndefaults: {mrai: %s}\nnodes:\n' "$1" "$2"
	printf '  pop: {kind: pop, asn: 13335}\n'
	for i in 1 2 3 4 5 6; do
		printf '  isp%s: {kind: isp, asn: %s}\n  u%s: {kind: user}\n' \
			"$i" $((64500 + i)) "$i"
	done
	printf 'links:\n  - [pop, isp1]\n  - [pop, isp2]\n'
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

# tdown: withdraw, then seconds until no user has a route left, and the
# UPDATEs it took; in TDOWN and UPD.
tdown() {
	local u0 t0 t1 i
	u0=$(updates)
	t0=$(date +%s.%N)
	anycastlab withdraw pop >/dev/null
	for i in $(seq 1 3000); do
		[ "$(reaching)" = 0 ] && break
		sleep 0.005
	done
	t1=$(date +%s.%N)
	sleep 1	# let the last withdrawals land before counting
	TDOWN=$(echo "$t1 - $t0" | bc)
	UPD=$(($(updates) - u0))
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
	check "every ISP has a route to the POP" test "$(reaching)" = 6

	say "The POP withdraws: the ISPs hunt through longer paths before giving up"
	tdown
	note "MRAI $mrai: no ISP has a route left after ${TDOWN}s, $UPD UPDATEs exchanged"
	check "no ISP has a route left" test "$(reaching)" = 0
	if [ "$mrai" = 0 ]; then
		T0=$TDOWN
		U0=$UPD
		check "withdrawing took more UPDATEs than the 12 sessions of one withdrawal wave" \
			test "$UPD" -gt 12
	else
		check "with an MRAI the withdrawal takes longer (${TDOWN}s > ${T0}s)" \
			test "$(echo "$TDOWN > $T0" | bc)" = 1
		check "and fewer UPDATEs ($UPD < $U0): the MRAI batched the hunt" \
			test "$UPD" -lt "$U0"
	fi

	say "The POP announces again: good news travels at once, MRAI or not"
	t0=$(date +%s.%N)
	run anycastlab announce pop
	for i in $(seq 1 1000); do
		[ "$(reaching)" = 6 ] && break
		sleep 0.005
	done
	t1=$(date +%s.%N)
	note "every ISP has the route again after $(echo "$t1 - $t0" | bc)s"
	check "every ISP has the route again" test "$(reaching)" = 6
	anycastlab routes isp6 > /dev/null
done
scenario_end
