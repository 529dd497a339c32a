#!/usr/bin/env bash
# Anycast in action, observed on the data plane: every user's pings and
# HTTP requests are answered by the nearest POP of the world table; two
# users pinging at once are each attributed right; for every POP and every
# failure mode its users move to the table's next POP and come back; bad
# requests get one clear line and change nothing.
. "$(dirname "$0")/lib.sh"
lab_init ta

topo=$(world_copy "$LAB")
"$AL" up "$topo" >/dev/null 2>&1
ok "the world lab is up" test $? -eq 0

for u in $(table_users); do
	want=$(expected_pop "$u")
	out=$("$AL" ping "$u" -c 2 -i 0.05 --lab "$LAB" 2>&1)
	like "ping from $u is answered by $want" "$out" "reply from $want .*hops $u > "
	got=$(ip netns exec "$LAB-$u" curl -s --max-time 3 -D - -o /dev/null \
		http://104.16.0.1/ | tr -d '\r' | awk -F': ' 'tolower($1) == "x-served-by" {print $2}')
	is "curl from $u is served by $want (X-Served-By)" "$got" "$want"
	out=$("$AL" curl "$u" --lab "$LAB" 2>&1)
	like "anycastlab curl from $u reports $want" "$out" "200 .*from $want"
done

# Two users at once, towards two different POPs.
"$AL" ping u-syd -c 200 -i 0.005 --lab "$LAB" > "$TMPD/syd.out" 2>&1 &
p1=$!
"$AL" ping u-nyc -c 200 -i 0.005 --lab "$LAB" > "$TMPD/nyc.out" 2>&1 &
p2=$!
wait $p1 $p2
is "concurrent pings: u-syd's 200 replies all from syd" \
	"$(grep -c 'reply from syd ' "$TMPD/syd.out")/$(grep -c 'reply from' "$TMPD/syd.out")" "200/200"
is "concurrent pings: u-nyc's 200 replies all from lax" \
	"$(grep -c 'reply from lax ' "$TMPD/nyc.out")/$(grep -c 'reply from' "$TMPD/nyc.out")" "200/200"

# Every POP, every mode: the users move to the table's next POP and back.
for pop in $(table_pops); do
	failover_modes "$LAB" "$pop"
done

# status shows the catchment and each POP's condition.
"$AL" withdraw fra --lab "$LAB" >/dev/null
"$AL" freeze gru --lab "$LAB" >/dev/null
"$AL" cut comcast lax --lab "$LAB" >/dev/null
s=$("$AL" status "$LAB" 2>&1)
like "status says fra is withdrawn" "$s" "fra withdrawn"
like "status says gru is frozen" "$s" "gru frozen"
like "status says lax is cut off" "$s" "lax cut off"
"$AL" announce fra --lab "$LAB" >/dev/null
"$AL" thaw gru --lab "$LAB" >/dev/null
"$AL" heal comcast lax --lab "$LAB" >/dev/null

# graph --lab draws what the routers say now: kill syd and cut lax off,
# and the drawing greys syd, reddens the cut link and recolours the users
# and the links they now cross, as the world table says.
colour_of() {	# a POP's colour, from the drawing of the file
	"$AL" graph "$topo" | sed -n "s/^\t\"$1\" \[shape=box3d.*[^l]color=\"\(#[0-9a-f]*\)\".*/\1/p"
}
link_line() { grep -E "^	\"($1\" -- \"$2|$2\" -- \"$1)\" " <<<"$g"; }
wait_graph() {	# wait_graph REGEX...: until the live drawing matches them all
	local i r
	for ((i = 0; i < 50; i++)); do
		g=$("$AL" graph --lab "$LAB" 2>&1)
		for r in "$@"; do grep -Eq -- "$r" <<<"$g" || continue 2; done
		return 0
	done
	return 1
}
syd_next=$(expected_pop u-syd syd)
nyc_next=$(expected_pop u-nyc lax)
"$AL" kill syd --lab "$LAB" >/dev/null
"$AL" cut comcast lax --lab "$LAB" >/dev/null
ok "graph --lab: u-syd is drawn to $syd_next and u-nyc to $nyc_next" wait_graph \
	"\"u-syd\" .*→ $syd_next\"" "\"u-nyc\" .*→ $nyc_next\""
like "graph --lab: syd is drawn down, grey and dashed" "$g" \
	'"syd" \[shape=box3d, label="syd\\nSydney\\nAS13335\\ndown", style="filled,dashed", fillcolor="#dddddd"'
like "graph --lab: the cut link is red and dashed" "$(link_line comcast lax)" \
	'\\ncut", style=dashed, color="#d62728"'
c=$(colour_of "$syd_next")
like "graph --lab: telstra-singtel carries u-syd in $syd_next's colour" \
	"$(link_line telstra singtel)" "color=\"$c\", penwidth=3"
like "graph --lab: singtel-$syd_next too" "$(link_line singtel "$syd_next")" \
	"color=\"$c\", penwidth=3"
is "graph --lab: telstra-syd carries nobody" "$(link_line telstra syd | grep -c penwidth)" 0
if command -v dot >/dev/null; then
	ok "graph --lab is valid Graphviz (dot -Tsvg)" dot -Tsvg -o /dev/null <<<"$g"
else
	skip "graphviz not installed"
fi
m=$("$AL" graph --lab "$LAB" --format mermaid 2>&1)
like "graph --lab --format mermaid draws the cut link dotted" "$m" \
	' -\.-\|"[0-9./]+ cut"\| '
like "graph --lab --format mermaid greys the failed node" "$m" '^  class n[0-9]+(,n[0-9]+)* down$'
"$AL" revive syd --lab "$LAB" >/dev/null
"$AL" heal comcast lax --lab "$LAB" >/dev/null
ok "graph --lab: after revive and heal, u-syd and u-nyc are drawn to syd and lax again" \
	wait_graph '"u-syd" .*→ syd"' '"u-nyc" .*→ lax"'
is "graph --lab: no node is drawn down, no link cut" \
	"$(grep -c -e 'ndown"' -e 'ncut"' <<<"$g")" 0

# Bad requests: one line on stderr, non-zero, nothing changed.  What is
# so already: said on one line, exit 0, like `ip link set up`.
one_line() {	# one_line WANT_RC DESC PATTERN CMD...: WANT_RC "0" or "non-zero"
	local want=$1 desc=$2 pattern=$3
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if { { [ "$want" = 0 ] && [ "$rc" -eq 0 ]; } ||
	     { [ "$want" != 0 ] && [ "$rc" -ne 0 ]; }; } &&
	   [ "$(wc -l <<<"$out")" -eq 1 ] && grep -Eq -- "$pattern" <<<"$out"; then
		pass "$desc"
	else
		fail "$desc (exit $rc)" "$out"
	fi
}
bad() { one_line non-zero "$@"; }
done_already() { one_line 0 "$@"; }
bad "kill of an unknown node names the closest" "no node 'sdy' \(did you mean 'syd'\?\)" \
	"$AL" kill sdy --lab "$LAB"
bad "kill of a user is refused" "u-syd is a user" "$AL" kill u-syd --lab "$LAB"
bad "withdraw on an ISP is refused" "only a POP" "$AL" withdraw telstra --lab "$LAB"
done_already "revive of a live router says it runs, exit 0" "running already" \
	"$AL" revive syd --lab "$LAB"
done_already "thaw of a router that is not frozen says so, exit 0" "not frozen" \
	"$AL" thaw syd --lab "$LAB"
done_already "announce twice says so, exit 0" "already announced" \
	"$AL" announce syd --lab "$LAB"
"$AL" withdraw syd --lab "$LAB" >/dev/null
done_already "withdraw twice says so, exit 0" "already withdrawn" \
	"$AL" withdraw syd --lab "$LAB"
"$AL" announce syd --lab "$LAB" >/dev/null
"$AL" cut telstra syd --lab "$LAB" >/dev/null
done_already "cut twice says so, exit 0" "cut already" "$AL" cut telstra syd --lab "$LAB"
"$AL" heal telstra syd --lab "$LAB" >/dev/null
done_already "heal of a link that is up says so, exit 0" "is not cut" \
	"$AL" heal telstra syd --lab "$LAB"
bad "cut of a link that does not exist is refused" "no link between syd and sin" \
	"$AL" cut syd sin --lab "$LAB"
bad "ping from a POP is refused" "not a user" "$AL" ping syd --lab "$LAB"
bad "an unknown lab is named" "no lab 'nosuchlab' is running" "$AL" kill syd --lab nosuchlab
bad "an unknown verb gets a suggestion" "did you mean 'failover'" "$AL" failovr syd
bad "an unknown option gets a suggestion" "did you mean '--mode'" \
	"$AL" failover syd --mdoe kill --lab "$LAB"
is "after all that, u-syd is still answered by syd" "$(rr_pop u-syd)" syd

"$AL" down "$LAB" >/dev/null
is "down leaves no namespace" "$(ip netns list | grep -c "^$LAB-")" 0
is "and no router" "$(pgrep -f "anycastlab router --lab $LAB " | wc -l)" 0
done_testing
