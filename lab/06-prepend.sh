#!/usr/bin/env bash
# Scene 6: prepending.  A POP makes its path look longer, and the users
# whose ISPs decide by path length move to another POP; those whose ISPs
# decide by business relationship (LOCAL_PREF) never move, however long
# the path (de Vries et al., "Broad and load-aware anycast mapping with
# Verfploeter", IMC 2017).  On the Internet of topologies/internet.yaml.
. "$(dirname "$0")/lib.sh"
scenario_begin "$ROOT/topologies/internet.yaml"

USERS="u-lax u-ber u-syd u-mel u-sao u-sin u-del"
# moved POP: how many users left POP since the start, of its users then.
declare -A BEFORE
for u in $USERS; do BEFORE[$u]=$(pop_of "$u"); done

moved() {
	local u n=0 of=0
	for u in $USERS; do
		[ "${BEFORE[$u]}" = "$1" ] || continue
		of=$((of + 1))
		[ "$(pop_of "$u")" != "$1" ] && n=$((n + 1))
	done
	echo "$n of $of"
}

say "Sydney prepends its AS once, twice, three times toward every neighbour"
for n in 1 2 3; do
	run anycastlab prepend syd "$n"
	sleep 0.3
	note "prepend $n: $(moved syd) of syd's users moved"
	eval "SYD$n=\"\$(moved syd)\""
done
check "once moves no one: telstra's two paths tie, and the tie goes to syd's lower router id" \
	test "$SYD1" = "0 of 1"
check "twice moves u-syd to sin: telstra's peer singtel now offers the shorter path" \
	test "$SYD2" = "1 of 1"
check "three times moves no one more: diminishing returns" test "$SYD3" = "1 of 1"
run anycastlab routes telstra
check "telstra says why: the shorter path from its peer singtel" \
	has "104\.16\.0\.0/24 .* singtel +7473 13335 .*shortest AS path \(2 < 4\)"
run anycastlab prepend syd 0
check "prepend 0 takes it back" has "syd no longer prepends"

say "Frankfurt prepends three times: no one moves"
run anycastlab prepend fra 3
sleep 0.3
note "prepend 3: $(moved fra) of fra's users moved"
check "u-ber stays on fra: dtag peers with fra, and a peer's route (LOCAL_PREF 100) beats its provider's (50) at any length" \
	test "$(pop_of u-ber)" = fra
run anycastlab routes dtag
check "dtag says so" has "104\.16\.0\.0/24 .* fra +13335 13335 13335 13335 .*highest local preference \(100 from a peer > 50 from a provider\)"
run anycastlab prepend fra 0
scenario_end
