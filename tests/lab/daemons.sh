#!/usr/bin/env bash
# BIRD 2 and FRR beside the built-in speaker.  A mixed world lab (ISPs on
# BIRD, telstra on FRR, POPs on anycastlab's own speaker) converges to the
# catchment of the table in topologies/world.yaml, seen on the data plane
# (record route) and by following the kernel FIBs; every failure mode of
# a POP moves its users to the table's next POP and back, next to a BIRD
# and next to an FRR router.  A second lab runs BIRD everywhere but on syd,
# whose own daemon: frr wins over up --daemon bird, checks withdraw and
# kill on BIRD and FRR POPs, and that such POPs serve HTTP.  The generated
# configurations pass the daemons' own checks, a missing daemon is named
# before anything is built, and down leaves no daemon and no namespace
# behind.
. "$(dirname "$0")/lib.sh"
require_root
BIRD=$(command -v bird || echo /usr/sbin/bird)
FRR=/usr/lib/frr
[ -x "$BIRD" ] && [ -x "$FRR/bgpd" ] && [ -x "$FRR/zebra" ] ||
	skip_all "needs BIRD 2 and FRR ('scripts/deps interop' installs them)"
command -v jq >/dev/null || skip_all "needs jq"
lab_init td
L2=${LAB/#td/te}
EXTRA_LABS+=("$L2")
ST=/run/anycastlab

# The world lab under another name, its ISPs on BIRD but telstra on FRR,
# its POPs on the built-in speaker.
mixed_copy() {
	world_copy "$1" >/dev/null
	sed -i -e 's/^  connect-retry: 1$/  connect-retry: 1\n  daemon: bird/' \
		-e '/kind: pop/s/}$/, daemon: builtin}/' \
		-e '/^  telstra:/s/}$/, daemon: frr}/' "$TMPD/$1.yaml"
	echo "$TMPD/$1.yaml"
}

# status --json of lab $1.
js() { "$AL" status "$1" --json; }

# rr_pop, retried while the echoes are not answered yet (routes back to
# a user may land a little after the anycast prefix).
rr_pop_wait() {
	local p i
	for i in $(seq 1 50); do
		p=$(rr_pop "$1") && [ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

# The POP answering user $1, once it is $2 (within 5 s): after a repair
# the users come back as fast as BGP tells their ISPs.
back_to() {
	local p i
	for i in $(seq 1 50); do
		p=$(rr_pop "$1")
		[ "$p" = "$2" ] && break
		sleep 0.1
	done
	echo "$p"
}

# Node $1's kernel next hop for the anycast prefix, when a routing daemon
# put it there (FRR's routes also name a nexthop object: "nhid 14 via").
fib_via() {
	ip -n "$LAB-$1" route show 104.16.0.0/24 |
		sed -nE 's/.* via ([0-9.]+) .*proto (bird|bgp).*/\1/p' | head -1
}

# Wait until every session of lab $1 is Established on both ends.
sessions_up() {
	local i bad
	for i in $(seq 1 100); do
		bad=$(js "$1" | jq -r '.labs[0].links[] | select(.session != null) |
			select(.session.a.state != "Established" or
			       .session.b.state != "Established") | "\(.a)-\(.b)"')
		[ -z "$bad" ] && return 0
		sleep 0.1
	done
	echo "not established: $bad"
	return 1
}

# The daemons' own checks, run inside a node's namespace like the daemons
# themselves.  FRR's dry run must not report a refused line either, since
# its exit status does not say so.
bird_check() { "$AL" exec "$1" --lab "$2" -- "$BIRD" -p -c "$3"; }
frr_check() {
	local out pid rc args
	# bgpd: no user change, no listening socket; zebra: no file of ours
	# touched, its pid file and sockets would go to the test's directory.
	if [ "$4" = bgpd ]; then
		args="-S -p 0"
	else
		args="-i $TMPD/zebra.pid -z $TMPD/zserv.api --vty_socket $TMPD"
	fi
	out=$("$AL" exec "$1" --lab "$2" -- sh -c 'echo "pid $$"; exec "$0" $2 -C -f "$1" 2>&1' \
		"$FRR/$4" "$3" "$args")
	rc=$?
	pid=$(sed -n 's/^pid //p' <<<"$out" | head -1)
	# a dry run leaves its crash-log directory behind
	[ -n "$pid" ] && rm -rf "/var/tmp/frr/$4.$pid"
	printf '%s\n' "$out" | grep -v '^pid ' | grep -Ei 'no such command|unknown command|ambiguous|incomplete|error|failed' && return 1
	return $rc
}

# ---- the mixed world lab ----

topo=$(mixed_copy "$LAB")
out=$("$AL" up "$topo" 2>&1)
ok "up converges the mixed world lab" test $? -eq 0
like "it names the daemons the routers run" "$out" \
	"routers run 6 anycastlab \(builtin\), 7 BIRD 2, 1 FRR"
diag "$(grep -E 'convergence|is up' <<<"$out")"
json=$(js "$LAB")
is "the POPs run the built-in speaker, telstra FRR, the other ISPs BIRD" \
	"$(jq -r '[.labs[0].nodes[] | select(.kind != "user") | "\(.name)=\(.daemon)"] | join(" ")' <<<"$json")" \
	"lax=builtin fra=builtin syd=builtin gru=builtin sin=builtin bom=builtin comcast=bird vivo=bird dtag=bird airtel=bird mtn=bird singtel=bird telstra=frr ntt=bird"
ok "every BGP session is Established on both ends" sessions_up "$LAB"

# The daemons run in their nodes' namespaces, never in ours.
host_ns=$(readlink /proc/self/ns/net)
bad=
for n in dtag ntt telstra; do
	for pid in $(jq -r --arg n "$n" '.labs[0].nodes[] | select(.name == $n) | .pids[]' <<<"$json"); do
		[ "$(readlink "/proc/$pid/ns/net")" = "$(ip netns exec "$LAB-$n" readlink /proc/self/ns/net)" ] ||
			bad="$bad $n:$pid"
	done
done
is "bird, zebra and bgpd run in their node's namespace" "$bad" ""
is "telstra runs zebra and bgpd" \
	"$(for p in $(jq -r '.labs[0].nodes[] | select(.name == "telstra") | .pids[]' <<<"$json"); do cat "/proc/$p/comm"; done | sort | tr '\n' ' ')" \
	"bgpd zebra "
dpid=$(jq -r '.labs[0].nodes[] | select(.name == "dtag") | .pid' <<<"$json")
is "dtag runs bird" "$(cat "/proc/$dpid/comm")" bird
is "BIRD keeps only NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN and NET_RAW" \
	"$(awk '/^CapEff/ {print $2}' "/proc/$dpid/status")" 0000000000003c00
host=
for pid in $(pgrep -f "$ST/$LAB/"); do
	[ "$(readlink "/proc/$pid/ns/net")" = "$host_ns" ] && host="$host $pid"
done
is "no process of the lab runs in the host's namespace" "$host" ""

# The configurations pass the daemons' own checks.
ok "dtag's BIRD configuration passes bird -p" bird_check dtag "$LAB" "$ST/$LAB/dtag.bird.conf"
ok "telstra's bgpd configuration passes bgpd -C" frr_check telstra "$LAB" "$ST/$LAB/telstra.frr/bgpd.conf" bgpd
ok "telstra's zebra configuration passes zebra -C" frr_check telstra "$LAB" "$ST/$LAB/telstra.frr/zebra.conf" zebra
for f in "$ROOT"/tests/golden/daemon-*.bird.conf; do
	ok "$(basename "$f") passes bird -p" bird_check dtag "$LAB" "$f"
done
for f in "$ROOT"/tests/golden/daemon-*.bgpd.conf; do
	ok "$(basename "$f") passes bgpd -C" frr_check telstra "$LAB" "$f" bgpd
done

# The catchment of the table, on the data plane.
for u in $(table_users); do
	is "$u's pings are answered by $(expected_pop "$u") (record route)" \
		"$(rr_pop_wait "$u")" "$(expected_pop "$u")"
done

# ... and in the kernel FIBs, hop by hop from each user's ISP, every
# route put there by BGP (proto bird from BIRD, proto bgp from FRR and
# the built-in speaker).
for u in $(table_users); do
	want=$(expected_pop "$u")
	cur=$(jq -r --arg u "$u" '.labs[0].links[] |
		if .a == $u then .b elif .b == $u then .a else empty end' <<<"$json")
	path=$cur
	for _ in 1 2 3 4 5 6; do
		kind=$(jq -r --arg n "$cur" '.labs[0].nodes[] | select(.name == $n) | .kind' <<<"$json")
		[ "$kind" = pop ] && break
		nh=$(fib_via "$cur")
		[ -n "$nh" ] || { path="$path > (no route)"; break; }
		cur=$(owner_of "$nh")
		path="$path > $cur"
	done
	is "kernel routes from $u's ISP lead to $want ($path)" "$cur" "$want"
done

# routes asks BIRD and FRR, and what they say is what the kernel does.
for n in dtag telstra; do
	r=$("$AL" routes "$n" --lab "$LAB" --json)
	rib_nh=$(jq -r '.routes[] | select(.prefix == "104.16.0.0/24") | .nexthop' <<<"$r")
	fib_nh=$(fib_via "$n")
	is "$n ($(jq -r .daemon <<<"$r")): the kernel's next hop is the daemon's best path" "$fib_nh" "$rib_nh"
done
r=$("$AL" routes telstra --lab "$LAB" 2>&1)
like "routes telstra shows FRR's best path to syd" "$r" "104.16.0.0/24 +100.64.0.25 +syd +13335"
like "and how to ask FRR directly" "$r" "vtysh --vty_socket $ST/$LAB/telstra.frr"
r=$("$AL" routes mtn --lab "$LAB" 2>&1)
like "routes mtn shows BIRD's best path through airtel" "$r" "104.16.0.0/24 +[0-9.]+ +airtel +9498 13335"
r=$("$AL" routes telstra --adj-in singtel --lab "$LAB" 2>&1)
like "routes --adj-in shows what FRR accepted from a peer" "$r" "104.16.0.0/24 +100.64.0.32 +7473 13335"
r=$("$AL" routes dtag --adj-in u-ber --lab "$LAB" 2>&1)
like "routes --adj-in of a user is refused" "$r" "no BGP session with u-ber"
s=$("$AL" status "$LAB" 2>&1)
like "status shows BIRD's sessions" "$s" "dtag - fra +Established"
like "status shows FRR's sessions" "$s" "telstra - syd +Established"
like "status shows which daemon runs" "$s" "telstra +isp .*running \(frr, zebra pid [0-9]+, bgpd pid [0-9]+\)"

# Every failure mode of a POP next to FRR (syd) and next to BIRD (fra).
for pop in syd fra; do
	failover_modes "$LAB" "$pop"
done

# The failure verbs on BIRD and FRR routers themselves.
pids=$(js "$LAB" | jq -r '.labs[0].nodes[] | select(.name == "telstra") | .pids[]')
out=$("$AL" kill telstra --lab "$LAB" 2>&1)
like "kill telstra kills zebra and bgpd" "$out" "killed the router of telstra \(FRR, zebra pid [0-9]+, bgpd pid [0-9]+\) with SIGKILL"
alive=
for p in $pids; do kill -0 "$p" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$p/stat")" != Z ] && alive="$alive $p"; done
is "no process of telstra is left" "$alive" ""
gone=
for p in $(jq -r '.labs[0].nodes[] | select(.name == "telstra") | .pids | to_entries[] | "\(.key).\(.value)"' <<<"$json"); do
	[ -e "/var/tmp/frr/$p" ] && gone="$gone $p"
done
is "and none of the files FRR keeps outside the lab" "$gone" ""
like "status says telstra is stopped" "$("$AL" status "$LAB")" "telstra +isp .*stopped \(frr\)"
out=$("$AL" revive telstra --lab "$LAB" 2>&1)
like "revive telstra starts zebra and bgpd again" "$out" "revived the router of telstra \(FRR, zebra pid"
ok "telstra's sessions come back" sessions_up "$LAB"
is "u-syd is answered by syd again" "$(back_to u-syd syd)" syd
out=$("$AL" revive telstra --lab "$LAB" 2>&1)
like "revive of a running FRR is refused" "$out" "running already \(FRR, zebra pid"
out=$("$AL" freeze dtag --lab "$LAB" 2>&1)
like "freeze dtag stops BIRD" "$out" "froze the router of dtag"
like "status says dtag is frozen" "$("$AL" status "$LAB")" "dtag +isp .*frozen \(bird, pid"
"$AL" thaw dtag --lab "$LAB" >/dev/null
ok "dtag's sessions come back after thaw" sessions_up "$LAB"
is "u-ber is answered by fra again" "$(back_to u-ber fra)" fra

# ---- BIRD everywhere, but syd on FRR ----

world_copy "$L2" >/dev/null
sed -i '/^  syd:/s/}$/, daemon: frr}/' "$TMPD/$L2.yaml"
out=$("$AL" up "$TMPD/$L2.yaml" --daemon bird 2>&1)
ok "up --daemon bird converges the world lab" test $? -eq 0
like "syd keeps the daemon its node names" "$out" "routers run 13 BIRD 2, 1 FRR"
is "status knows each router's daemon from the lab's state" \
	"$(js "$L2" | jq -r '[.labs[0].nodes[] | select(.name == "syd" or .name == "fra" or .name == "telstra") | "\(.name)=\(.daemon)"] | join(" ")')" \
	"fra=bird syd=frr telstra=bird"
ok "every BGP session is Established on both ends" sessions_up "$L2"
ok "fra's BIRD configuration passes bird -p" bird_check fra "$L2" "$ST/$L2/fra.bird.conf"
ok "syd's bgpd configuration passes bgpd -C" frr_check syd "$L2" "$ST/$L2/syd.frr/bgpd.conf" bgpd
lab_save=$LAB
LAB=$L2
for u in $(table_users); do
	is "$u's pings are answered by $(expected_pop "$u") (record route)" \
		"$(rr_pop_wait "$u")" "$(expected_pop "$u")"
done
LAB=$lab_save
# A POP on BIRD or FRR serves HTTP too: anycastlab's web server runs
# beside the daemon, as a process of the node.
like "fra runs bird and a web server" \
	"$(js "$L2" | jq -r '.labs[0].nodes[] | select(.name == "fra") | .pids | keys | join(" ")')" \
	"^bird http$"
like "syd runs zebra, bgpd and a web server" \
	"$(js "$L2" | jq -r '.labs[0].nodes[] | select(.name == "syd") | .pids | keys | join(" ")')" \
	"^bgpd http zebra$"
for u in $(table_users); do
	want=$(expected_pop "$u")
	got=$(ip netns exec "$L2-$u" curl -s --max-time 3 -D - -o /dev/null \
		http://104.16.0.1/ | tr -d '\r' | awk -F': ' 'tolower($1) == "x-served-by" {print $2}')
	is "curl from $u is served by $want on $(js "$L2" | jq -r --arg p "$want" '.labs[0].nodes[] | select(.name == $p) | .daemon')" \
		"$got" "$want"
done
for pop in syd fra; do
	failover_modes "$L2" "$pop" withdraw kill
done
"$AL" withdraw fra --lab "$L2" >/dev/null
"$AL" withdraw syd --lab "$L2" >/dev/null
s=$("$AL" status "$L2")
like "status says BIRD's fra withdrew" "$s" "fra withdrawn"
like "status says FRR's syd withdrew" "$s" "syd withdrawn"
like "withdraw twice is refused (BIRD)" "$("$AL" withdraw fra --lab "$L2" 2>&1)" "fra: already withdrawn"
like "withdraw twice is refused (FRR)" "$("$AL" withdraw syd --lab "$L2" 2>&1)" "syd: already withdrawn"
"$AL" announce fra --lab "$L2" >/dev/null
"$AL" announce syd --lab "$L2" >/dev/null
LAB=$L2
is "u-syd is answered by syd after announce" "$(back_to u-syd syd)" syd
is "u-ber is answered by fra after announce" "$(back_to u-ber fra)" fra
LAB=$lab_save
# After kill and revive the web servers are back with their daemons.
like "anycastlab curl u-ber: fra (BIRD) serves it again" \
	"$("$AL" curl u-ber --lab "$L2" 2>&1)" "200 .*from fra"
like "anycastlab curl u-syd: syd (FRR) serves it again" \
	"$("$AL" curl u-syd --lab "$L2" 2>&1)" "200 .*from syd"

# ---- a daemon that is not there ----

L3=${LAB/#td/tf}
EXTRA_LABS+=("$L3")
world_copy "$L3" >/dev/null
out=$(ANYCASTLAB_BIRD=/nonexistent/bird "$AL" up "$TMPD/$L3.yaml" --daemon bird 2>&1)
rc=$?
is "up refuses a lab whose daemon is missing" "$rc" 1
like "and says which package to install, and how" "$out" "install the bird2 package \('scripts/deps interop', as root,"
is "having built nothing" "$(ip netns list | grep -c "^$L3-"; [ -e "$ST/$L3" ] && echo state)" 0

# ---- down ----

# Every FRR process the labs ever ran, killed ones included: the journal
# has them all.
frr_pids=$(awk '$1 == "daemon" && ($3 == "zebra" || $3 == "bgpd") { print $3 "." $4 }' \
	"$ST/$LAB/journal" "$ST/$L2/journal")
diag "FRR processes run: $(wc -w <<<"$frr_pids")"
"$AL" down "$LAB" >/dev/null
"$AL" down "$L2" >/dev/null
is "down leaves no bird, zebra or bgpd of the labs" \
	"$(pgrep -f "$ST/($LAB|$L2)/" | wc -l)" 0
is "and no namespace" "$(ip netns list | grep -cE "^($LAB|$L2)-")" 0
left=
for p in $frr_pids; do [ -e "/var/tmp/frr/$p" ] && left="$left $p"; done
is "and nothing FRR keeps outside the lab" "$left" ""
done_testing
