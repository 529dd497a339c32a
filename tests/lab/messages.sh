#!/usr/bin/env bash
# Messages that know more than they used to say, and the verbs that act on
# every user at once: routes names a router's peers and says a frozen
# router is frozen, failover says what is down, ping/curl/watch --all give
# one line per user, and the small things a newcomer trips on (plurals,
# a user without a city, --help's synopsis lines and prompts).
. "$(dirname "$0")/lib.sh"
lab_init tm

topo=$(world_copy "$LAB")
out=$("$AL" up "$topo" 2>&1)
ok "the world lab is up" test $? -eq 0 || diag "$out"
export ANYCASTLAB_LAB=$LAB
nusers=$(table_users | wc -l)

# ---- 14. messages that say what they know ----
out=$("$AL" routes telstra --adj-in lax 2>&1)
ok "routes --adj-in with a node that is no peer fails" test $? -ne 0
like "and lists the router's peers" "$out" "telstra has no BGP session with lax; its peers are syd, singtel, ntt"
"$AL" freeze syd >/dev/null
out=$("$AL" routes syd 2>&1)
like "routes on a frozen POP says it is frozen" "$out" "the router of syd is frozen \(SIGSTOP\)"
"$AL" thaw syd >/dev/null
"$AL" kill telstra >/dev/null
out=$("$AL" failover syd 2>&1)
ok "failover syd with telstra killed fails" test $? -ne 0
like "and says what is down" "$out" "no user is answered by syd now: telstra is down"
"$AL" revive telstra >/dev/null

# ---- 15. every user at once ----
for _ in $(seq 1 50); do
	[ "$("$AL" status --json | jq '[.labs[0].catchment[] | select(.pop == "syd")] | length')" = 1 ] && break
	sleep 0.1
done
out=$("$AL" ping --all -c 2 -i 0.05)
ok "ping --all answers every user" test $? -eq 0
is "with one line per user" "$(grep -c '^  u-' <<<"$out")" "$nusers"
while read -r u pop; do
	like "ping --all: $u is answered by $pop" "$out" "^  $u +$pop "
done < <(catchment_table | awk 'NR > 1 { print $1, $2 }' | head -3)
out=$("$AL" curl --all)
ok "curl --all gets 200 for every user" test $? -eq 0
is "one line each" "$(grep -c ' -> 200 OK from ' <<<"$out")" "$nusers"
"$AL" watch --all --interval 10 > "$TMPD/wa.txt" 2>&1 &
w=$!
sleep 1
"$AL" kill syd >/dev/null
sleep 1.5
"$AL" revive syd >/dev/null
sleep 1.5
kill -INT "$w"
wait "$w"
wa=$(cat "$TMPD/wa.txt")
is "watch --all starts with one line per user" "$(grep -c 'answered by' <<<"$wa")" "$nusers"
like "names the user that moves, and the failure before it" "$wa" \
	"u-syd +syd -> sin .*\(after 'kill syd' at "
like "and the way back" "$wa" "u-syd +sin -> syd .*\(after 'revive syd' at "
is "ends with a summary per user" "$(grep -c ' probes, ' <<<"$wa")" "$nusers"

# ---- 16. small things ----
out=$("$AL" status)
like "status's POP list has no ';' at its end" "$(grep 'POPs:' <<<"$out")" "announcing$"
one=$TMPD/one.yaml
printf 'name: %s1\nnodes:\n  p: {kind: pop, asn: 13335}\n  i: {kind: isp, asn: 64500}\n  u: {kind: user}\nlinks:\n  - [u, i]\n  - [i, p]\n' "$LAB" > "$one"
EXTRA_LABS+=("${LAB}1")
out=$("$AL" up "$one" --no-routers 2>&1)
like "up says '2 links', and '3 nodes'" "$out" "3 nodes, 2 links"
out=$("$AL" status "${LAB}1" 2>&1)
like "status too" "$out" "\(3 nodes, 2 links;"
"$AL" down "${LAB}1" >/dev/null
out=$("$AL" up "$one" 2>&1)
out=$("$AL" ping u -c 1 --lab "${LAB}1" 2>&1)
like "ping from a user without a city names no '(-)'" "$(head -1 <<<"$out")" "^PING 104\.16\.0\.1 from u, record route on$"
"$AL" down "${LAB}1" >/dev/null
out=$("$AL" graph --help)
like "graph --help: every synopsis line names the program" "$(sed -n 2p <<<"$out")" "^       anycastlab graph --lab LAB"
out=$("$AL" kill --help)
like "--help of a root-only verb shows root's prompt" "$out" "example \(as root\):"$'\n'"  # anycastlab kill syd"
out=$("$AL" check --help)
like "and of one that needs no root, the user's" "$out" "example:"$'\n'"  \\$ anycastlab check"

done_testing
