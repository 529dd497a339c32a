#!/usr/bin/env bash
# Scene 7: polarization.  A whole region is answered from another
# continent although a POP is next door, because of who buys transit from
# whom (Rizvi et al., "Anycast Polarization in the Wild", PAM 2024).
# Prepending does not fix it; one community does.
. "$(dirname "$0")/lib.sh"
scenario_begin "$ROOT/topologies/internet.yaml"

say "A user in Melbourne pings the anycast address"
run anycastlab ping u-mel -c 1
check "Los Angeles answers, across the Pacific" \
	has "reply from lax .*hops u-mel > optus > lumen > lax"

say "check predicted it from the file alone"
run anycastlab check "/tmp/$ANYCASTLAB_LAB.yaml"
check "check names lax for u-mel, through lumen" \
	has "^  u-mel +lax +3356 13335 \(optus > lumen > lax\)"

say "Why: optus buys transit from lumen alone, and lumen prefers its customer"
run anycastlab routes lumen
check "lumen keeps lax, its customer, over syd, its peer" \
	has "104\.16\.0\.0/24 .* lax .*highest local preference \(200 from a customer > 100 from a peer\) over"

say "Prepending on the Los Angeles session to lumen does not help"
run anycastlab prepend lax 3 --to lumen
sleep 0.3
run anycastlab ping u-mel -c 1
check "Los Angeles still answers: LOCAL_PREF is compared before path length" \
	has "reply from lax "
run anycastlab prepend lax 0

say "Not announcing to lumen at all does, but costs lax every user behind lumen"
run anycastlab withdraw lax --from lumen
sleep 0.3
run anycastlab ping u-mel -c 1
check "Sydney answers once lumen has no customer route" has "reply from syd "
run anycastlab announce lax --to lumen
sleep 0.3

say "The fix real operators use: lumen's community 3356:70, LOCAL_PREF 70"
FIX=/tmp/$ANYCASTLAB_LAB-fix.yaml
sed -e "s/^name: .*/name: ${ANYCASTLAB_LAB}f/" \
    -e 's/^  - {endpoints: \[lumen, lax\], rel: provider}$/  - {endpoints: [lumen, lax], rel: provider, communities: ["3356:70"]}/' \
    "/tmp/$ANYCASTLAB_LAB.yaml" > "$FIX"
note "the copy's lumen-lax link: $(grep -m1 'lumen, lax\], rel: provider, comm' "$FIX")"
run anycastlab check "$FIX"
check "check predicts u-mel on syd with the community" \
	has "^  u-mel +syd +3356 13335 \(optus > lumen > syd\)"
trap 'anycastlab down "${ANYCASTLAB_LAB}f" >/dev/null 2>&1; rm -f "$FIX"; scenario_cleanup' EXIT
run anycastlab up "$FIX"
check "the fixed Internet is up" test "$RC" -eq 0
run anycastlab ping u-mel -c 1 --lab "${ANYCASTLAB_LAB}f"
check "Sydney answers Melbourne" has "reply from syd .*hops u-mel > optus > lumen > syd"
run anycastlab ping u-lax -c 1 --lab "${ANYCASTLAB_LAB}f"
check "and Los Angeles keeps its own users" has "reply from lax "
anycastlab down "${ANYCASTLAB_LAB}f" >/dev/null 2>&1
rm -f "$FIX"
scenario_end
