#!/usr/bin/env bash
# The routing policy of topologies/internet.yaml, held against real
# routers: the POP that answers each user's pings is the one the file's
# table names as it stands, after a live prepend, and with the community
# fix; selective announcement moves exactly the users it should; a live
# change is one UPDATE on the session and no reset; routes explains the
# policy; bad input changes nothing.
. "$(dirname "$0")/lib.sh"
lab_init pol

# table_holds LAB N WHAT: every user's pings answered by column N's POP.
table_holds() {
	local u want got
	for u in $(inet_users); do
		want=$(inet_column "$u" "$2")
		got=$(answered "$1" "$u")
		is "$3: $u is answered by $want" "$got" "$want"
	done
}

is "the table has seven users" "$(inet_users | wc -l)" "7"
out=$("$AL" check "$INET" 2>&1)
ok "check accepts internet.yaml" test $? -eq 0

for u in $(inet_users); do
	is "check predicts the table for $u as the file stands" \
		"$(predicted "$u")" "$(inet_column "$u" 2)"
	is "check --prepend lax=3@lumen predicts the table for $u" \
		"$(predicted "$u" "$INET" --prepend lax=3@lumen)" "$(inet_column "$u" 3)"
done

f=$TMPD/$LAB.yaml
sed "s/^name: internet\$/name: $LAB/" "$INET" > "$f"
"$AL" up "$f" > "$TMPD/up.out" 2>&1
ok "up builds internet.yaml" test $? -eq 0
table_holds "$LAB" 2 "as-is"
out=$("$AL" routes lumen --lab "$LAB" 2>&1)
like "lumen prefers its customer lax over its peer syd, and says why" "$out" \
	"104\.16\.0\.0/24 .* lax .*13335 .*highest local preference \(200 from a customer > 100 from a peer\)"
out=$("$AL" routes lax --lab "$LAB" 2>&1)
like "lax says which rule keeps a provider's route from its peer" "$out" \
	"not sent to comcast: valley-free: learned from a provider, not sent to a peer"

out=$("$AL" routes lumen --lab "$LAB" 2>&1)
like "routes lists lumen's sessions with what they carried" "$out" \
	"^  lax +customer +Established +[0-9]+/[0-9]+ +[0-9]+/[0-9]+ +[0-9]+/[0-9]+ +0ms$"
out=$("$AL" routes lumen --lab "$LAB" --json 2>&1)
like "and so does its JSON" "$out" \
	'"sessions":\[\{"peer":"telia","role":"peer","state":"Established","mrai_ms":0,"updates":\{"rx":[0-9]+,"tx":[0-9]+\}'

# A live prepend: one UPDATE on lax's session to lumen, no reset.
u0=$(session_field "$LAB" lax lumen updates.tx)
e0=$(session_field "$LAB" lax lumen established)
out=$("$AL" prepend lax 3 --to lumen --lab "$LAB" 2>&1)
like "prepend says what it did" "$out" "lax prepends its AS 3 more times toward lumen"
sleep 0.3
out=$("$AL" routes lumen --lab "$LAB" 2>&1)
like "lumen now sees lax's path prepended three times" "$out" \
	"104\.16\.0\.0/24 .* lax +13335 13335 13335 13335 "
is "one UPDATE went to lumen" "$(session_field "$LAB" lax lumen updates.tx)" "$((u0 + 1))"
is "the session did not reset" "$(session_field "$LAB" lax lumen established)" "$e0"
table_holds "$LAB" 3 "prepend 3"

# Bad input: each refused, nothing changed.
out=$("$AL" prepend lax 17 --lab "$LAB" 2>&1)
ok "prepend 17 is refused" test $? -ne 0
like "and says why" "$out" "N 17 is out of range: use 0\.\.16"
out=$("$AL" prepend lax 1 --to optus --lab "$LAB" 2>&1)
ok "--to a node that is not a neighbour is refused" test $? -ne 0
like "and names it" "$out" "--to optus: optus is not a neighbour of lax"
out=$("$AL" prepend lumen 1 --lab "$LAB" 2>&1)
ok "prepend on an ISP is refused" test $? -ne 0
like "and says only a POP announces" "$out" "only a POP announces the anycast prefix"
out=$("$AL" withdraw lax --to lumen --lab "$LAB" 2>&1)
ok "withdraw --to is refused" test $? -ne 0
is "still exactly one UPDATE to lumen" "$(session_field "$LAB" lax lumen updates.tx)" "$((u0 + 1))"

out=$("$AL" prepend lax 0 --lab "$LAB" 2>&1)
like "prepend 0 removes it" "$out" "lax no longer prepends"
sleep 0.3
out=$("$AL" routes lumen --lab "$LAB" 2>&1)
like "lumen sees a path of one AS again" "$out" "104\.16\.0\.0/24 .* lax +13335 +igp"

# Selective announcement: lax withdraws from lumen alone.  Optus, behind
# lumen, moves to syd (lumen's peer); comcast, lax's peer, stays.
out=$("$AL" withdraw lax --from lumen --lab "$LAB" 2>&1)
like "withdraw --from says what it did" "$out" "lax withdrew the anycast prefix from lumen"
sleep 0.3
is "u-mel moves to syd" "$(answered "$LAB" u-mel)" "syd"
is "u-lax stays on lax" "$(answered "$LAB" u-lax)" "lax"
out=$("$AL" routes comcast --lab "$LAB" 2>&1)
like "comcast still has the prefix from lax" "$out" "104\.16\.0\.0/24 .* lax +13335 "
out=$("$AL" announce lax --to lumen --lab "$LAB" 2>&1)
like "announce --to says what it did" "$out" "lax announces the anycast prefix to lumen"
sleep 0.3
is "u-mel is back on lax" "$(answered "$LAB" u-mel)" "lax"
"$AL" down "$LAB" > /dev/null 2>&1

# The community fix: 3356:70 on lax's announcement to lumen.
LAB2=${LAB:0:13}c
EXTRA_LABS+=("$LAB2")
f2=$TMPD/$LAB2.yaml
sed -e "s/^name: internet\$/name: $LAB2/" \
    -e 's/^  - {endpoints: \[lumen, lax\], rel: provider}$/  - {endpoints: [lumen, lax], rel: provider, communities: ["3356:70"]}/' \
    "$INET" > "$f2"
like "the fix is in the copy" "$(grep -c '3356:70"\]}$' "$f2")" "^2$"
"$AL" up "$f2" > "$TMPD/up2.out" 2>&1
ok "up builds the fixed internet" test $? -eq 0
table_holds "$LAB2" 4 "community"
for u in $(inet_users); do
	is "check predicts the table for $u with the community" \
		"$(predicted "$u" "$f2")" "$(inet_column "$u" 4)"
done
out=$("$AL" routes lumen --lab "$LAB2" --adj-in lax --json 2>&1)
like "lumen received lax's route with the community" "$out" \
	'"prefix":"104.16.0.0/24",[^}]*"communities":\["3356:70"\]'
out=$("$AL" routes lumen --lab "$LAB2" --adj-in lax 2>&1)
like "routes --adj-in prints the community under the path" "$out" "^ +communities 3356:70$"
out=$("$AL" routes lumen --lab "$LAB2" --json 2>&1)
like "lumen now prefers its peer syd" "$out" \
	'"prefix":"104.16.0.0/24","nexthop":"[0-9.]*","from":"syd"'
out=$("$AL" routes comcast --lab "$LAB2" --json 2>&1)
like "comcast's route from lax carries no lumen community" "$out" \
	'"prefix":"104.16.0.0/24",[^}]*"from":"lax"[^}]*"communities":\[\]'

"$AL" down "$LAB2" > /dev/null 2>&1

# ECMP: an ISP with multipath: true and two equal paths to two POPs
# installs both, and spreads one user's flows over them.
LAB3=${LAB:0:13}m
EXTRA_LABS+=("$LAB3")
f3=$TMPD/$LAB3.yaml
printf 'name: %s\nnodes:\n  a: {kind: pop, asn: 13335}\n  b: {kind: pop, asn: 13335}\n  isp: {kind: isp, asn: 64500, multipath: true}\n  u: {kind: user}\nlinks:\n  - [u, isp]\n  - [isp, a]\n  - [isp, b]\n' "$LAB3" > "$f3"
"$AL" up "$f3" > "$TMPD/up3.out" 2>&1
ok "up builds the multipath lab" test $? -eq 0
out=$(ip -n "$LAB3-isp" route show 104.16.0.0/24)
like "isp's kernel route has a next hop toward a" "$out" "nexthop via [0-9.]+ dev a "
like "and one toward b" "$out" "nexthop via [0-9.]+ dev b "
for i in $(seq 1 24); do "$AL" curl u --lab "$LAB3" 2>&1; done > "$TMPD/curls"
is "24 requests answered" "$(grep -c '200 OK from ' "$TMPD/curls")" "24"
ok "some flows reach a" grep -q "200 OK from a" "$TMPD/curls"
ok "and some reach b" grep -q "200 OK from b" "$TMPD/curls"
"$AL" kill b --lab "$LAB3" > /dev/null
sleep 0.5
out=$(ip -n "$LAB3-isp" route show 104.16.0.0/24)
ok "with b down, isp's route has no next hop toward b" \
	test "$(grep -c 'dev b' <<<"$out")" = 0
like "and still one toward a" "$out" "via [0-9.]+ dev a"

done_testing
