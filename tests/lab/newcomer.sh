#!/usr/bin/env bash
# What a newcomer meets in the first hour: heal gives a user its route
# back and status tells a user without one; watch counts each lost probe
# once; watch and failover tell the same story of a freeze, and say what
# they probe with; every verb picks its lab the same way; the JSON of
# each verb has one shape (tests/golden/json/*.shape), numbers as
# numbers, null for "none".
. "$(dirname "$0")/lib.sh"
lab_init tn

GOLDEN=$ROOT/tests/golden/json
topo=$(world_copy "$LAB")
out=$("$AL" up "$topo" 2>&1)
ok "the world lab is up" test $? -eq 0 || diag "$out"
export ANYCASTLAB_LAB=$LAB

user_state() { "$AL" status --json | jq -r --arg u "$1" '.labs[0].nodes[] | select(.name == $u) | .state'; }
user_pop() { "$AL" status --json | jq -r --arg u "$1" '.labs[0].catchment[] | select(.user == $u) | .pop'; }

# ---- 1. heal restores what the cut took ----
is "u-syd is ok before the cut" "$(user_state u-syd)" ok
has_default() { ip -n "$LAB-$1" route show default | grep -q via; }
ok "u-syd has a default route" has_default u-syd
"$AL" cut u-syd telstra >/dev/null
is "after the cut status says u-syd is broken" "$(user_state u-syd)" \
	"broken: no default route"
is "and gives it no POP" "$(user_pop u-syd)" null
out=$("$AL" heal u-syd telstra)
like "heal says it restored the default route" "$out" "u-syd has its default route again"
ok "u-syd has its default route again" has_default u-syd
is "status says ok again" "$(user_state u-syd)" ok
ok "and u-syd's pings are answered" ip netns exec "$LAB-u-syd" ping -c1 -W2 104.16.0.1

# ---- 4. the anycast address in status --json ----
is "status --json gives the anycast address" \
	"$("$AL" status --json | jq -r '.labs[0].anycast.address')" 104.16.0.1
is "and the prefix" "$("$AL" status --json | jq -r '.labs[0].anycast.prefix')" 104.16.0.0/24

# ---- 2. an outage longer than the probe timeout is one outage ----
"$AL" watch u-syd --probe icmp --interval 5 --json > "$TMPD/w.json" 2>&1 &
wpid=$!
sleep 1
"$AL" kill telstra >/dev/null
sleep 2
"$AL" revive telstra >/dev/null
sleep 1.5
kill -INT "$wpid"
wait "$wpid"
# telstra may come back to syd by way of sin (its sessions come up one by
# one): a change of POP without loss is the truth, a second loss is not.
events=$(jq -r 'select((.event == "outage" or .event == "change") and .lost > 0) | .event' "$TMPD/w.json" | wc -l)
is "killing telstra for 2 s is one outage, not one per late timeout" "$events" 1
lost_event=$(jq -s -r '[.[] | select(.event == "outage" or .event == "change") | .lost] | add' "$TMPD/w.json")
lost_total=$(jq -r 'select(.event == "summary") | .lost' "$TMPD/w.json")
ge "it lost probes for most of the 2 s (5 ms apart)" "${lost_event:-0}" 300
is "and every probe lost was counted in it, once" "$lost_event" "$lost_total"
like "watch --json times are RFC 3339 with date and zone" \
	"$(jq -r 'select(.event == "summary") | .time' "$TMPD/w.json")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{3}[+-][0-9]{2}:[0-9]{2}$'

# ---- 3. a freeze, as each probe kind sees it ----
watch_freeze() {	# watch_freeze PROBE: watch's lines over a 4 s freeze of syd
	"$AL" watch u-syd --probe "$1" --interval 5 > "$TMPD/f-$1.txt" 2>&1 &
	local w=$!
	sleep 1
	"$AL" freeze syd >/dev/null
	sleep 4.5
	"$AL" thaw syd >/dev/null
	sleep 1
	kill -INT "$w"
	wait "$w"
	sleep 1
	cat "$TMPD/f-$1.txt"
}
out=$(watch_freeze http)
like "watch says it probes with HTTP by default" "$out" "with HTTP GET"
like "and sees the freeze as an outage until BGP moves u-syd to sin" "$out" \
	"syd -> sin  outage [0-9]{4}\.[0-9] ms, [0-9]+ probes lost"
out=$(watch_freeze icmp)
like "with --probe icmp it says the POP's kernel still answers echoes" "$out" \
	"kernel still answers"
like "and sees the move with no probe lost" "$out" "syd -> sin  no probe lost"
j=$("$AL" failover syd --mode freeze --json)
is "failover probes with HTTP by default too" "$(jq -r .probe <<<"$j")" http
o=$(jq -r '.runs[0].outage_ms | floor' <<<"$j")
m=$(jq -r '.runs[0].moved_ms | floor' <<<"$j")
ge "and measures the freeze's outage as watch does (over a second)" "$o" 1000
ok "about as long as BGP took to move u-syd ($o ms vs $m ms)" \
	test $(( m - o )) -lt 200 -a $(( o - m )) -lt 200
j=$("$AL" failover syd --mode freeze --probe icmp --json)
is "with --probe icmp no echo is lost" "$(jq -r '.runs[0].lost' <<<"$j")" 0
ge "though moving still took the hold time" "$(jq -r '.runs[0].moved_ms | floor' <<<"$j")" 1000

# ---- 6. one way to say which lab ----
unset ANYCASTLAB_LAB
is "status --lab LAB shows that lab" \
	"$("$AL" status --lab "$LAB" --json | jq -r '.labs | length, .[0].name' | tr '\n' ' ')" "1 $LAB "
is "ANYCASTLAB_LAB=LAB status shows that lab only" \
	"$(ANYCASTLAB_LAB=$LAB "$AL" status --json | jq -r '.labs | length, .[0].name' | tr '\n' ' ')" "1 $LAB "
is "anycastlab --lab LAB status too" \
	"$("$AL" --lab "$LAB" status --json | jq -r '.labs | length, .[0].name' | tr '\n' ' ')" "1 $LAB "
"$AL" down nolab >/dev/null 2>&1
rc1=$?
ANYCASTLAB_LAB=nolab "$AL" down >/dev/null 2>&1
rc2=$?
"$AL" down --lab nolab >/dev/null 2>&1
rc3=$?
is "down of a lab that is not running exits 0 however it is named" "$rc1 $rc2 $rc3" "0 0 0"
"$AL" status nolab >/dev/null 2>&1
rc1=$?
ANYCASTLAB_LAB=nolab "$AL" status >/dev/null 2>&1
rc2=$?
"$AL" --lab nolab status >/dev/null 2>&1
rc3=$?
is "status of a lab that is not running exits 1 however it is named" "$rc1 $rc2 $rc3" "1 1 1"
export ANYCASTLAB_LAB=$LAB

# ---- 8. JSON: one shape per verb, numbers as numbers, null for none ----
# The shape: every leaf's path (array indexes as []) and its type.  A
# golden line "path: string|null" allows either; every path of the golden
# file must be there (but those only ever null: an object that may be
# missing, and those marked "absent": the items of a list that may be
# empty) and nothing else may.
shape() {
	jq -r '[paths(type != "object" and type != "array") as $p |
		($p | map(if type == "number" then "[]" else tostring end) | join(".")) +
		": " + (getpath($p) | type)] | unique | .[]'
}
shape_diff() {	# shape_diff GOLDEN < SHAPE: what does not fit, one line each
	awk -F': ' 'NR == FNR { allow[$1] = "|" $2 "|"; seen[$1] = 0; next }
		!($1 in allow) { print "unexpected: " $0; next }
		index(allow[$1], "|" $2 "|") == 0 { print "wrong type: " $0 " (allowed " allow[$1] ")" }
		{ seen[$1] = 1 }
		END { for (k in seen) if (!seen[k] && allow[k] != "|null|" && !index(allow[k], "|absent|")) print "missing: " k }' "$1" - | sort
}
check_shape() {	# check_shape NAME JSON
	local got
	got=$(shape <<<"$2")
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		printf '%s\n' "$got" > "$GOLDEN/$1.shape"
	fi
	is "the JSON of $1 has its documented shape" \
		"$(shape_diff "$GOLDEN/$1.shape" <<<"$got")" ""
}
check_shape status "$("$AL" status --json)"
check_shape routes "$("$AL" routes telstra --json)"
check_shape routes-adj-in "$("$AL" routes telstra --adj-in singtel --json)"
check_shape failover "$("$AL" failover syd --mode withdraw --json)"
check_shape watch "$(cat "$TMPD/w.json")"
check_shape dig "$("$AL" dig u-syd nope.cdn.example.com --json)"
check_shape dig-all "$("$AL" dig --all --json)"
is "dig --json: rtt_ms is a number, aa a boolean" \
	"$("$AL" dig u-syd --json | jq -r '"\(.rtt_ms | type) \(.aa | type) \(.answer[0].ttl | type)"')" \
	"number boolean number"
is "status --json: a POP's DNS counts the queries it answered" \
	"$("$AL" status --json | jq -r '.labs[0].nodes[] | select(.name == "syd") | (.dns.answered > 0)')" true
j=$("$AL" routes telstra --json)
is "routes --json: paths is a number" "$(jq -r '.routes[0].paths | type' <<<"$j")" number
is "best is a boolean" "$(jq -r '.routes[0].best | type' <<<"$j")" boolean
is "an AS path is an array of numbers" \
	"$(jq -c '.routes[] | select(.prefix == "104.16.0.0/24") | .aspath' <<<"$j")" "[13335]"
is "status --json: a user's asn is null" \
	"$("$AL" status --json | jq -r '.labs[0].nodes[] | select(.name == "u-syd") | .asn')" null
is "a user's way to its POP is a list of nodes" \
	"$("$AL" status --json | jq -c '.labs[0].catchment[] | select(.user == "u-syd") | .via')" \
	'["telstra","syd"]'

done_testing
