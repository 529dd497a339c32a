#!/usr/bin/env bash
# What `check` says about a tie, held against real routers: where two POPs
# are equally near, the POP check names as the winner is the one that
# answers the user's pings, in a lab where the winner is reached through
# the lower router id of an ISP neighbour, and in one where it flips with
# the router ids.  An isolated ISP is a warning: up says so and still
# builds the lab.
. "$(dirname "$0")/lib.sh"
lab_init tt

# predicted USER FILE: the winner 'check' names for USER's tie (no POP down).
predicted() {
	"$AL" check "$2" 2>/dev/null |
		sed -n "s/^  $1: tie: .*; \([a-z0-9-]*\) wins .*/\1/p"
}

# Two paths of two AS hops from u-mel's ISP (optus): via telstra to syd,
# via singtel to sin; telstra has the lower router id.  Plus an ISP with
# no link at all.
t1=$TMPD/$LAB.yaml
sed "s/^name: tie\$/name: $LAB/" "$ROOT/tests/golden/check/tie-via-isp.yaml" > "$t1"
printf '  spare: {kind: isp, asn: 64999}\n' > "$TMPD/spare"
sed -i "/^  u-mel:/r $TMPD/spare" "$t1"

out=$("$AL" check "$t1" 2>&1)
like "check marks u-mel's tie in the table" "$out" "^#   u-mel   tie "
like "check names the tied POPs, the winner and why" "$out" \
	"  u-mel: tie: syd and sin at 2 hops; syd wins \(optus prefers telstra: lower router id 100\.127\.0\.4\)"
like "check warns about the isolated ISP" "$out" \
	":[0-9]+:3: warning: node 'spare': an isp with no link is isolated"
win=$(predicted u-mel "$t1")
is "the predicted winner is syd" "$win" "syd"

"$AL" up "$t1" > "$TMPD/up1.out" 2> "$TMPD/up1.err"
ok "up builds the lab despite the warning" test $? -eq 0
like "up prints the warning" "$(cat "$TMPD/up1.err")" "warning: node 'spare'"
out=$("$AL" ping u-mel -c 3 -i 0.05 --lab "$LAB" 2>&1)
like "u-mel's pings are answered by the predicted $win" "$out" \
	"seq 1: reply from $win .*hops u-mel > optus > telstra > $win"
is "all three of them" "$(grep -c "reply from $win " <<<"$out")" "3"
out=$("$AL" routes optus --lab "$LAB" 2>&1)
like "optus took the path of telstra, the lower router id" "$out" \
	"104\.16\.0\.0/24 .* telstra .*1221 13335 .*lowest BGP identifier \(100\.127\.0\.4 < 100\.127\.0\.5\) over singtel"

# One ISP next to two POPs; the file lists sin first, so sin gets the
# lower router id and must win this time.
LAB2=${LAB:0:13}b
EXTRA_LABS+=("$LAB2")
t2=$TMPD/$LAB2.yaml
{
	printf 'name: %s\nnodes:\n' "$LAB2"
	printf '  sin: {kind: pop, asn: 13335}\n  syd: {kind: pop, asn: 13335}\n'
	printf '  ntt: {kind: isp, asn: 2914}\n  u-tyo: {kind: user}\n'
	printf 'links:\n  - [u-tyo, ntt]\n  - [ntt, syd]\n  - [ntt, sin]\n'
} > "$t2"
out=$("$AL" check "$t2" 2>&1)
like "check: the lower router id wins at ntt" "$out" \
	"  u-tyo: tie: sin and syd at 1 hop; sin wins \(lower router id 100\.127\.0\.1\)"
win=$(predicted u-tyo "$t2")
is "the predicted winner is sin" "$win" "sin"
"$AL" up "$t2" >/dev/null 2>&1
ok "the second lab is up" test $? -eq 0
out=$("$AL" ping u-tyo -c 3 -i 0.05 --lab "$LAB2" 2>&1)
like "u-tyo's pings are answered by the predicted $win" "$out" \
	"seq 1: reply from $win .*hops u-tyo > ntt > $win"
is "all three of them" "$(grep -c "reply from $win " <<<"$out")" "3"
done_testing
