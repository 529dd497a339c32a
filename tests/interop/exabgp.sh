#!/usr/bin/env bash
# Our BGP speaker against ExaBGP, each exabgp in the namespace of a
# `daemon: none` node, driven through its API by exabgp-api.py: commands
# go in through a FIFO, and what ExaBGP reports (JSON) comes out into a
# log that this file reads as ExaBGP's view.  The common checks are in
# lib.sh; the malformed-input checks (RFC 7606), which need a peer that
# can send arbitrary attributes, are here.
#
# ExaBGP's side of the configuration, and why:
#  - It runs as root without dropping privileges (it binds port 179 in
#    lab A, where it is passive) and without its CLI pipes.
#  - Its API reports state changes, the negotiated parameters, and the
#    OPENs, UPDATEs and NOTIFICATIONs it receives.
#  - Lab C: "capability { asn4 disable; }" makes it a 2-octet speaker.
#  - Lab M: "adj-rib-out false", so that after a session reset it does
#    not send again the malformed route that caused it.
#  - Its Cease is "neighbor ADDR teardown 2": ExaBGP's API takes no text,
#    it sends its own ("Administrative Shutdown") and reconnects by
#    itself, so drv_enable has nothing to do.
. "$(dirname "$0")/lib.sh"
iop_init e exabgp

DRV_NAME=ExaBGP
DRV_AS2=1
# ExaBGP rebuilds the path from AS4_PATH (RFC 6793 §4.2.3).
DRV_AS2_VIEW=4200000001
DRV_RECONNECTS=1
DRV_CEASE_RE="received NOTIFICATION 6/2, Shutdown Communication \"$SHUTDOWN_TEXT\""
API=$IOP_ROOT/tests/interop/exabgp-api.py
declare -A P_RIBOUT

drv_start() {
	local i=$1 d=${P_DIR[$1]} n us_as=${P_US_AS[$1]}
	# A 2-octet speaker knows a 4-octet AS only as AS_TRANS (RFC 6793
	# §4.1): ExaBGP without asn4 checks our OPEN's My AS against it.
	[ "${P_AS4[$i]}" = 1 ] || [ "$us_as" -le 65535 ] || us_as=23456
	[ -p "$d/cmd" ] || mkfifo "$d/cmd"
	# A new process, a new view: what the last one said is kept aside.
	[ -s "$d/rx.json" ] && mv "$d/rx.json" "$d/rx.$(date +%s%N).json"
	: > "$d/rx.json"
	{
		cat <<EOF
process api {
	run $PY $API $d/cmd $d/rx.json;
	encoder json;
}
neighbor ${P_US_ADDR[$i]} {
	router-id ${P_RID[$i]};
	local-address ${P_ADDR[$i]};
	local-as ${P_AS[$i]};
	peer-as $us_as;
	hold-time ${P_HOLD[$i]};
	adj-rib-out ${P_RIBOUT[$i]:-true};
	family { ipv4 unicast; }
	api {
		processes [ api ];
		neighbor-changes;
		negotiated;
		receive { parsed; packets; open; update; notification; }
	}
EOF
		[ "${P_PASSIVE[$i]}" = 1 ] && printf '\tpassive true;\n\tlisten 179;\n'
		[ "${P_AS4[$i]}" = 1 ] || printf '\tcapability { asn4 disable; }\n'
		printf '\tstatic {\n'
		for n in ${P_NETS[$i]}; do printf '\t\troute %s next-hop self;\n' "$n"; done
		printf '\t}\n}\n'
	} > "$d/exabgp.conf"
	iop_bg "$i" "${P_LAB[$i]}" "${P_NODE[$i]}" env \
		exabgp.daemon.user=root exabgp.daemon.drop=false \
		exabgp.api.cli=false exabgp.api.ack=false \
		exabgp.log.destination=stdout \
		exabgp "$d/exabgp.conf"
	wait_for 30 grep -q 'loaded new configuration' "$IOP_TMP/$i.out"
}

drv_kill() { iop_stop "$1" KILL; }

# exa_cmd INST LINE...: hand commands to ExaBGP's API.
exa_cmd() {
	local d=${P_DIR[$1]}
	shift
	printf '%s\n' "$@" | timeout 5 tee "$d/cmd" >/dev/null
}

# reports INST JQ: ExaBGP's JSON reports, filtered.
reports() {
	jq -cR 'fromjson? // empty' "${P_DIR[$1]}/rx.json" | jq -r "$2"
}

drv_state() {
	reports "$1" 'select(.type == "state") | .neighbor.state' | tail -1 |
		sed 's/^up$/Established/'
}

drv_hold() {
	reports "$1" 'select(.type == "negotiated") | .neighbor.negotiated.hold_time' |
		tail -1
}

drv_ups() {
	reports "$1" 'select(.type == "state" and .neighbor.state == "up") | 1' |
		wc -l
}

# The routes of the current session, from the UPDATEs received since its
# last change of state: "ASPATH|NEXTHOP" of PREFIX.
drv_route() {
	jq -cR 'fromjson? // empty' "${P_DIR[$1]}/rx.json" | jq -rs --arg p "$2" '
		reduce .[] as $m ({};
		  if $m.type == "state" then {}
		  elif $m.type == "update" then
		    ($m.neighbor.message.update) as $u |
		    reduce (($u.withdraw["ipv4 unicast"] // [])[] | .nlri) as $n
		      (.; del(.[$n])) |
		    reduce (($u.announce["ipv4 unicast"] // {}) | to_entries[] |
		            .key as $nh | .value[] | {nlri, nh: $nh}) as $a
		      (.; .[$a.nlri] = "\($u.attribute["as-path"] // [] |
		                          map(tostring) | join(" "))|\($a.nh)")
		  else . end) | .[$p] // empty'
}


# Communities of PREFIX's last announcement, as "a:b" / "a:b:c", sorted.
drv_comms() {
	jq -cR 'fromjson? // empty' "${P_DIR[$1]}/rx.json" | jq -rs --arg p "$2" '
		[.[] | select(.type == "update") | .neighbor.message.update |
		 select((.announce["ipv4 unicast"] // {}) | to_entries |
		        map(.value[] | .nlri) | index($p))] | last // empty |
		.attribute | ((.community // [])[] | map(tostring) | join(":")),
		             ((."large-community" // [])[] | map(tostring) | join(":"))' |
		sort | paste -sd' ' -
}

drv_med() {
	jq -cR 'fromjson? // empty' "${P_DIR[$1]}/rx.json" | jq -rs --arg p "$2" '
		[.[] | select(.type == "update") | .neighbor.message.update |
		 select((.announce["ipv4 unicast"] // {}) | to_entries |
		        map(.value[] | .nlri) | index($p))] | last // empty |
		.attribute.med // empty'
}
drv_withdraw() { exa_cmd "$1" "withdraw route $2 next-hop self"; }
drv_announce() { exa_cmd "$1" "announce route $2 next-hop self"; }

drv_shutdown() {
	exa_cmd "$1" "neighbor ${P_US_ADDR[$1]} teardown 2"
	echo "Administrative Shutdown"
}

drv_enable() { :; }

# ExaBGP 4.2.21 cannot decode a Cease that carries a Shutdown
# Communication (RFC 9003): its Notification class formats the text into
# bytes with a str ('%b requires a bytes-like object'), and it answers
# with 1/0 "can not decode".  What it received is read from the raw
# message it reports before decoding (api receive packets).
drv_cease_log() {
	reports "$1" 'select(.type == "notification" and
		.neighbor.direction == "receive" and .neighbor.message.body != null) |
		.neighbor.message.body' | "$PY" -c '
import sys
for line in sys.stdin:
    b = bytes.fromhex(line.strip().removeprefix("0x"))
    text = ""
    if len(b) > 3 and b[0] == 6 and b[1] in (2, 4):
        text = ", Shutdown Communication \"%s\"" % b[3:3 + b[2]].decode(errors="replace")
    print("received NOTIFICATION %d/%d%s" % (b[0], b[1], text))'
	reports "$1" 'select(.type == "state" and .neighbor.state == "down") |
		"session down: " + .neighbor.reason'
}

# ---- lab M: malformed attributes from a real peer (RFC 7606) ----
#
#   exa (AS64500, ExaBGP) -- us (AS13335) -- by (AS64501, GoBGP)
#
# ExaBGP sends UPDATEs with raw attributes ("attribute [ code flags
# value ]"); for each, our speaker must apply the RFC 7606 outcome, keep
# running, and keep its session with the bystander, GoBGP, which also
# shows what we pass on.  Each case has its own prefix, 10.77.N.0/24.
#
# Two cases ExaBGP 4.2.21 cannot send, left to the unit tests: a raw
# NEXT_HOP (code 3), so no NEXT_HOP of the wrong length (its encoder
# then calls a method GenericAttribute lacks and drops the session; the
# NEXT_HOPs no neighbour can have are sent with "next-hop" instead), and
# LOCAL_PREF to an external peer (its encoder leaves code 5 out for eBGP,
# raw or not).

# by_* : the bystander, GoBGP, in node "by".
by_() { ip netns exec "$LM-by" gobgp "$@"; }

by_start() {
	local d=$IOP_TMP/by
	mkdir -p "$d"
	cat > "$d/gobgpd.toml" <<EOT
[global.config]
  as = 64501
  router-id = "$(router_id "$LM" by)"
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$(link_addr "$LM" us by)"
    peer-as = 13335
  [neighbors.timers.config]
    hold-time = 9
    keepalive-interval = 3
    connect-retry = 1
  [neighbors.transport.config]
    local-address = "$(link_addr "$LM" by us)"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOT
	iop_bg by "$LM" by gobgpd -f "$d/gobgpd.toml" -t toml -l info -p \
		--pprof-disable
	wait_for 30 by_ global
	# A 4-octet AS on the path, for a 2-octet ExaBGP to get as AS4_PATH.
	by_ global rib add -a ipv4 "$PEER2_NET" aspath 4200000005 >/dev/null
}

# by_attrs PREFIX: the attributes of GoBGP's best path (a JSON array).
by_attrs() {
	by_ global rib -a ipv4 "$1" -j 2>/dev/null | jq -c --arg p "$1" \
		'.[$p] // [] | map(select(.best)) | .[0].attrs // empty'
}

by_has() { [ -n "$(by_attrs "$1")" ]; }

# by_attr PREFIX TYPE: the attribute of that type code, or nothing.
by_attr() {
	by_attrs "$1" | jq -c --argjson t "$2" '.[] | select(.type == $t)'
}

# by_community PREFIX VALUE: GoBGP has PREFIX with that community.
by_community() {
	by_attr "$1" 8 | jq -e --argjson v "$2" '.communities | index($v)' \
		>/dev/null
}

M_TOPO='defaults: {hold-time: 3, connect-retry: 1}
nodes:
  us:  {kind: pop, asn: 13335}
  exa: {kind: isp, asn: 64500, daemon: none}
  by:  {kind: isp, asn: 64501, daemon: none}
links:
  - [exa, us]
  - [by, us]'

m_begin() {
	iop_lab LM m "$M_TOPO" || return 1
	peer_new pm "$LM" exa 64500 13335 3 0 1 "$PEER_NET"
	P_RIBOUT[pm]=false
	drv_start pm
	by_start
}

# Both our sessions up, the bystander's never reset, our router the same
# process: checked after every case.
m_steady() {
	sess_established "$LM" exa && sess_established "$LM" by &&
		[ "$(sess "$LM" by established)" = 1 ] &&
		[ "$(our_pid "$LM")" = "$M_PID" ] && return 0
	echo "exa: $(sess "$LM" exa state), by: $(sess "$LM" by state)" \
		"(up $(sess "$LM" by established) times), pid $(our_pid "$LM")"
	return 1
}

# m_same_session UPS: the session with ExaBGP is the one that was up
# when it had come up UPS times, and the rest is steady.
m_same_session() {
	[ "$(sess "$LM" exa established)" = "$1" ] || {
		echo "the session with ExaBGP was reset"
		return 1
	}
	m_steady
}

m_prefix() { echo "10.77.$1.0/24"; }

# m_withdraw N DESC ATTR LOG: treat-as-withdraw.  The prefix is first
# announced clean, then again with the attribute: it must leave our
# Loc-RIB (and the bystander's), the session with ExaBGP staying up.
m_withdraw() {
	m_withdraw_as "$1" "$2" "next-hop self attribute [ $3 ]" \
		"UPDATE attribute $4: treat-as-withdraw \\(RFC 7606\\)"
}

# m_withdraw_as N DESC ROUTE LOG: the same with the route's arguments
# (after the prefix) and the line we log (after "peer exa: ") given whole.
m_withdraw_as() {
	local p ups
	p=$(m_prefix "$1")
	ups=$(sess "$LM" exa established)
	exa_cmd pm "announce route $p next-hop self"
	seen 30 by_has "$p"
	exa_cmd pm "announce route $p $3"
	ok "M: $2 ($3): treat-as-withdraw, $p leaves our Loc-RIB and the bystander's" \
		eval "gone 30 by_has $p && wait_not 30 has_our_route $LM $p"
	like "M: $2: we log it" "$(our_log "$LM")" "peer exa: $4"
	ok "M: $2: same session with ExaBGP, bystander untouched, same router" \
		m_same_session "$ups"
}

# m_discard N DESC ATTR TYPE LOG: attribute discard.  The prefix comes
# with community 65000:1, then with 65000:2 and the attribute: once the
# bystander has 65000:2, the route must be there without attribute TYPE.
m_discard() {
	local p ups
	p=$(m_prefix "$1")
	ups=$(sess "$LM" exa established)
	exa_cmd pm "announce route $p next-hop self community [ 65000:1 ]"
	wait_for 30 by_has "$p"
	exa_cmd pm "announce route $p next-hop self community [ 65000:2 ] attribute [ $3 ]"
	ok "M: $2 (attribute [ $3 ]): attribute discard, $p stays in our Loc-RIB and is passed on" \
		eval "wait_for 30 by_community $p 4259840002 && has_our_route $LM $p"
	is "M: $2: the bystander gets it without attribute $4" \
		"$(by_attr "$p" "$4")" ""
	# Said once per attribute type and peer: pass no LOG after the first.
	[ -z "$5" ] || like "M: $2: we log it" "$(our_log "$LM")" \
		"peer exa: UPDATE attribute $5: attribute discarded \\(RFC 7606\\)"
	ok "M: $2: same session with ExaBGP, bystander untouched, same router" \
		m_same_session "$ups"
}

# our_rejected LAB PREFIX: why our Adj-RIB-In from ExaBGP holds PREFIX
# without using it (empty when it is eligible or absent).
our_rejected() {
	"$AL" routes us --lab "$1" --adj-in exa --json | jq -r --arg p "$2" \
		'.adj_in[] | select(.prefix == $p) | .rejected // ""'
}

in_our_adj_in() {
	"$AL" routes us --lab "$1" --adj-in exa --json |
		jq -e --arg p "$2" '.adj_in | any(.prefix == $p)' >/dev/null
}

# m_long_path PREFIX: our best path to PREFIX is the long one (routes
# shows a path cut at 1 KiB, about 200 AS numbers).
m_long_path() {
	[ "$(our_route_field "$LM" "$1" aspath | wc -w)" -gt 100 ]
}

# m_ineligible N DESC NEXTHOP REASON: a route via a next hop this single-
# hop session cannot resolve (RFC 4271 §5.1.3, §9.1.2.1).  The prefix is
# first announced clean; then via NEXTHOP it must stay in our Adj-RIB-In
# marked with REASON, and leave our Loc-RIB, our FIB and the bystander.
m_ineligible() {
	local p ups
	p=$(m_prefix "$1")
	ups=$(sess "$LM" exa established)
	exa_cmd pm "announce route $p next-hop self"
	ok "M: $2: announced clean first, it is in our FIB and the bystander's RIB" \
		eval "wait_for 5 by_has $p && wait_for 5 has_fib $LM $p"
	exa_cmd pm "announce route $p next-hop $3"
	ok "M: $2 (next-hop $3): out of our Loc-RIB, our FIB and the bystander's" \
		eval "wait_not 5 has_our_route $LM $p && ! has_fib $LM $p && wait_not 5 by_has $p"
	ok "M: $2: still in our Adj-RIB-In from ExaBGP" in_our_adj_in "$LM" "$p"
	is "M: $2: marked rejected with its reason" "$(our_rejected "$LM" "$p")" "$4"
	like "M: $2: we log it" "$(our_log "$LM")" \
		"peer exa: UPDATE with unusable NEXT_HOP ${3//./\\.}: treated as withdraw, kept ineligible in Adj-RIB-In \\($4\\)"
	ok "M: $2: same session with ExaBGP, bystander untouched, same router" \
		m_same_session "$ups"
}

# m_fib_refusals PREFIX: how often we logged that the kernel refused it.
m_fib_refusals() {
	our_log "$LM" | grep -cE "fib: the kernel refused ${1//./\\.} via [0-9.]+: .+ \\(not said again for this prefix until it succeeds\\)"
}

# m_fib_errors: the kernel refuses a route (a more specific unreachable
# route to ExaBGP's address, of scope link so that the kernel's gateway
# check sees it, makes it an invalid gateway): we say so once
# per prefix, with the kernel's reason, and again only after a change to
# that prefix has succeeded in between.  Each refusing window is short,
# well inside the hold time, so the session stays up.
m_fib_errors() {
	local p gw
	p=$(m_prefix 41)
	gw=$(link_addr "$LM" exa us)
	exa_cmd pm "announce route $(m_prefix 40) next-hop self"
	ok "M: FIB: a route via ExaBGP is installed" \
		wait_for 5 has_fib "$LM" "$(m_prefix 40)"
	is "M: FIB: nothing refused yet" "$(m_fib_refusals "$p")" 0
	ip -n "$LM-us" route add unreachable "$gw/32" scope link
	exa_cmd pm "announce route $p next-hop self community [ 65000:1 ]"
	ok "M: FIB: with the gateway unreachable, $p is best but not installed" \
		eval "wait_for 5 by_community $p 4259840001 && ! has_fib $LM $p"
	exa_cmd pm "announce route $p next-hop self community [ 65000:2 ]"
	wait_for 5 by_community "$p" 4259840002
	sleep 0.3
	ip -n "$LM-us" route del unreachable "$gw/32"
	is "M: FIB: refused twice, said once" "$(m_fib_refusals "$p")" 1
	exa_cmd pm "announce route $p next-hop self community [ 65000:3 ]"
	ok "M: FIB: the gateway back, the next change is installed" \
		wait_for 5 has_fib "$LM" "$p"
	ip -n "$LM-us" route add unreachable "$gw/32" scope link
	exa_cmd pm "announce route $p next-hop self community [ 65000:4 ]"
	wait_for 5 by_community "$p" 4259840004
	sleep 0.3
	ip -n "$LM-us" route del unreachable "$gw/32"
	ok "M: FIB: refused again after a success: said again" \
		wait_for 5 eval '[ "$(m_fib_refusals "$p")" = 2 ]'
	ok "M: FIB: the session with ExaBGP survived" m_steady
}

# m_notified CODE SUBCODE DATA: ExaBGP reports a NOTIFICATION from us.
m_notified() {
	[ -n "$(reports pm "select(.type == \"notification\" and
		.neighbor.direction == \"receive\" and
		.neighbor.notification.code == $1 and
		.neighbor.notification.subcode == $2 and
		(.neighbor.notification.data | ascii_downcase) == \"$3\")")" ]
}

# m_back UPS: the session with ExaBGP came up again after UPS times.
m_back() {
	[ "$(sess "$LM" exa established)" -gt "$1" ] && sess_established "$LM" exa
}

# m_reset N DESC ATTR CODE SUBCODE DATA: session reset.  ExaBGP must get
# the NOTIFICATION (code, subcode, and the offending attribute as data,
# RFC 4271 §6.3), and the session must come back without the route.
m_reset() {
	local p ups
	p=$(m_prefix "$1")
	ups=$(sess "$LM" exa established)
	exa_cmd pm "announce route $p next-hop self attribute [ $3 ]"
	ok "M: $2 (attribute [ $3 ]): session reset, ExaBGP reports our NOTIFICATION $4/$5 with data $6" \
		wait_for 30 m_notified "$4" "$5" "$6"
	like "M: $2: we log it" "$(our_log "$LM")" \
		"peer exa: malformed UPDATE .*: resetting the session with NOTIFICATION $4/$5"
	ok "M: $2: the session with ExaBGP comes back" wait_for 30 m_back "$ups"
	ok "M: $2: without $p; bystander untouched, same router" \
		eval "! has_our_route $LM $p && m_steady"
}

m_checks() {
	local p
	ok "M: we are Established with ExaBGP and with the bystander (GoBGP)" \
		wait_for 30 eval 'session_up pm && sess_established $LM by'
	ok "M: the bystander's $PEER2_NET is in our FIB" \
		wait_for 30 has_fib "$LM" "$PEER2_NET"
	wait_for 30 peer_has pm "$PEER2_NET"
	is "M: ExaBGP gets it with AS_PATH [13335 64501 4200000005]" \
		"$(drv_route pm "$PEER2_NET")" "13335 64501 4200000005|${P_US_ADDR[pm]}"
	M_PID=$(our_pid "$LM")

	# Treat-as-withdraw (RFC 7606 §7.1-§7.4, §7.8, §3 c; RFC 7607).
	m_withdraw 1 "undefined ORIGIN value" "0x01 0x40 0x05" \
		"ORIGIN: undefined ORIGIN value"
	m_withdraw 2 "ORIGIN of length 2" "0x01 0x40 0x0000" \
		"ORIGIN: wrong attribute length"
	m_withdraw 3 "ORIGIN flagged optional" "0x01 0xc0 0x00" \
		"ORIGIN: conflicting attribute flags"
	m_withdraw 4 "AS_PATH segment of undefined type 5" \
		"0x02 0x40 0x05010000fbf4" "AS_PATH: malformed AS_PATH"
	m_withdraw 5 "AS_PATH segment running past the attribute" \
		"0x02 0x40 0x02020000fbf4" "AS_PATH: malformed AS_PATH"
	m_withdraw 6 "AS_PATH not starting with the peer's AS" \
		"0x02 0x40 0x02010000fde8" \
		"AS_PATH: AS_PATH does not start with the peer AS"
	m_withdraw 7 "AS_PATH holding AS 0" "0x02 0x40 0x02020000fbf400000000" \
		"AS_PATH: AS_PATH holds AS 0"
	# RFC 5065 §5: we are in no confederation, the peer is external.
	m_withdraw 27 "AS_PATH with a confederation segment after the peer's AS" \
		"0x02 0x40 0x02010000fbf403010000fde8" \
		"AS_PATH: AS_PATH holds confederation segments"
	m_withdraw 8 "MULTI_EXIT_DISC flagged transitive" "0x04 0xc0 0x00000064" \
		"MULTI_EXIT_DISC: conflicting attribute flags"
	m_withdraw 9 "MULTI_EXIT_DISC of length 3" "0x04 0x80 0x000064" \
		"MULTI_EXIT_DISC: wrong attribute length"
	m_withdraw 10 "COMMUNITIES length not a multiple of 4" \
		"0x08 0xc0 0x0001000200" "COMMUNITIES: wrong attribute length"
	# A NEXT_HOP that cannot be a neighbour (RFC 4271 §6.3, §5.1.3):
	# the route is ignored.
	m_withdraw_as 24 "NEXT_HOP 127.0.0.1" "next-hop 127.0.0.1" \
		"UPDATE attribute NEXT_HOP: NEXT_HOP is not a unicast host address: treat-as-withdraw"
	m_withdraw_as 25 "NEXT_HOP 224.0.0.1" "next-hop 224.0.0.1" \
		"UPDATE attribute NEXT_HOP: NEXT_HOP is not a unicast host address: treat-as-withdraw"
	m_withdraw_as 26 "NEXT_HOP our own address" "next-hop ${P_US_ADDR[pm]}" \
		"UPDATE with unusable NEXT_HOP ${P_US_ADDR[pm]//./\\.}: treated as withdraw"

	# Attribute discard (§7.5-§7.7; RFC 6793 §6; RFC 7607).
	m_discard 11 "ATOMIC_AGGREGATE with a length" "0x06 0x40 0x01" 6 \
		"ATOMIC_AGGREGATE: wrong attribute length"
	m_discard 12 "AGGREGATOR of length 7" "0x07 0xc0 0x0000fbf40a0000" 7 \
		"AGGREGATOR: wrong attribute length"
	m_discard 13 "AGGREGATOR holding AS 0" "0x07 0xc0 0x000000000a000001" 7 ""
	m_discard 15 "AS4_PATH from a 4-octet AS peer" "0x11 0xc0 0x02010000fde8" 17 \
		"AS4_PATH: AS4 attribute from a 4-octet AS peer"
	is "M: AS4_PATH from a 4-octet AS peer: our path stays [64500]" \
		"$(our_route_field "$LM" "$(m_prefix 15)" aspath)" 64500

	# Unknown attributes (RFC 4271 §5, §9.1.2; RFC 7606 §2).
	p=$(m_prefix 16)
	exa_cmd pm "announce route $p next-hop self attribute [ 0x99 0xc0 0x01020304 ]"
	ok "M: unknown optional transitive attribute 0x99: the route is kept and passed on" \
		wait_for 30 by_has "$p"
	is "M: the bystander gets 0x99 with Partial set (flags 0xe0) and its value" \
		"$(by_attr "$p" 153 | jq -c '[.flags, .value]')" '[224,"AQIDBA=="]'
	p=$(m_prefix 17)
	exa_cmd pm "announce route $p next-hop self attribute [ 0x9a 0x80 0x0102 ]"
	ok "M: unknown optional non-transitive attribute 0x9a: the route is kept" \
		wait_for 30 by_has "$p"
	is "M: and the bystander does not get 0x9a" "$(by_attr "$p" 154)" ""
	ok "M: unknown attributes: the sessions stayed up, same router" m_steady

	# Malformed attributes of known optional transitive types (RFC 7606
	# §7.14, RFC 8092 §6, RFC 9012 §13): before, they went on to the next
	# router, the payloads of the 2023 session-reset incidents.
	m_withdraw 30 "EXTENDED_COMMUNITIES of 7 octets" "0x10 0xc0 0x0002fde8000001" \
		"EXTENDED_COMMUNITIES: wrong attribute length"
	m_withdraw 31 "LARGE_COMMUNITY of 11 octets" \
		"0x20 0xc0 0x0000fbf40000000100000a" "LARGE_COMMUNITY: wrong attribute length"
	m_withdraw 32 "Tunnel Encapsulation TLV running past the attribute" \
		"0x17 0xc0 0x0008000501020000" \
		"TUNNEL_ENCAPSULATION: Tunnel Encapsulation TLV runs past the attribute"
	is "M: the bystander's log has no complaint about what we sent" \
		"$(grep -E 'treated as withdraw|[Mm]alformed' "$IOP_TMP/by.out")" ""
	# Well-formed ones go on as they came: no Partial bit added.
	p=$(m_prefix 33)
	exa_cmd pm "announce route $p next-hop self attribute [ 0x20 0xc0 0x0000fbf40000000100000002 ]"
	ok "M: a well-formed LARGE_COMMUNITY: the route reaches the bystander" \
		wait_for 5 by_has "$p"
	is "M: with the large community 64500:1:2" \
		"$(by_attr "$p" 32 | jq -c '.value | map([.[]])')" \
		'[[64500,1,2]]'

	# Next hops no single-hop session can reach (RFC 4271 §5.1.3,
	# §9.1.2.1): kept, marked, never used.
	m_ineligible 34 "NEXT_HOP of a third party" 192.0.2.1 \
		"next hop is not on the shared link"
	m_ineligible 35 "NEXT_HOP our own loopback" "$(router_id "$LM" us)" \
		"next hop is not on the shared link"
	m_ineligible 36 "NEXT_HOP our address on the other link" \
		"$(link_addr "$LM" us by)" "next hop is not on the shared link"
	# MP_REACH_NLRI carries 10.77.37.0/24 via 127.0.0.1; the UPDATE's
	# own NLRI, 10.77.38.0/24, shows it was processed.
	exa_cmd pm "announce route $(m_prefix 38) next-hop self attribute [ 0x0e 0x80 0x000101047f00000100180a4d25 ]"
	ok "M: MP_REACH_NLRI via 127.0.0.1: the UPDATE's other prefix is accepted" \
		wait_for 5 has_our_route "$LM" "$(m_prefix 38)"
	ok "M: MP_REACH_NLRI via 127.0.0.1: $(m_prefix 37) is in our Adj-RIB-In" \
		in_our_adj_in "$LM" "$(m_prefix 37)"
	is "M: MP_REACH_NLRI via 127.0.0.1: marked rejected as a martian" \
		"$(our_rejected "$LM" "$(m_prefix 37)")" "next hop is a martian address"
	ok "M: MP_REACH_NLRI via 127.0.0.1: not in our Loc-RIB, our FIB or the bystander's" \
		eval "! has_our_route $LM $(m_prefix 37) && ! has_fib $LM $(m_prefix 37) && ! by_has $(m_prefix 37)"

	# A path that fits an UPDATE to us but not after our prepend (RFC
	# 4271 §9.2): the bystander must lose the old path, not keep it.
	p=$(m_prefix 39)
	exa_cmd pm "announce route $p next-hop self"
	wait_for 5 by_has "$p"
	exa_cmd pm "announce route $p next-hop self as-path [ $(printf '64500 %.0s' $(seq 1010)) ]"
	ok "M: an AS_PATH of 1010 ASes (an UPDATE of 4094 octets) is in our Loc-RIB" \
		wait_for 5 m_long_path "$p"
	ok "M: too long for one UPDATE after our prepend: the bystander gets a withdrawal" \
		wait_not 5 by_has "$p"
	like "M: we log it" "$(our_log "$LM")" \
		"peer by: ${p//./\\.}: attributes too large for one UPDATE after our prepend; withdrawn instead"
	ok "M: same session with ExaBGP, bystander untouched, same router" m_steady

	m_fib_errors

	# Session reset, where nothing else is safe (RFC 7606 §3, §7.11;
	# RFC 4271 §6.3 for the data).
	m_reset 18 "unrecognized well-known attribute 0x50" "0x50 0x40 0x01" \
		3 2 0x40500101
	m_reset 19 "MP_REACH_NLRI for IPv4 with a 16-octet next hop" \
		"0x0e 0x80 0x0001011020010db80000000000000000000000010018c0a801" \
		3 9 0x800e190001011020010db80000000000000000000000010018c0a801
}

# Phase 2: ExaBGP restarted without the 4-octet AS capability, for what
# only a 2-octet peer sends: AS4_PATH (RFC 6793 §4.2.3, §6).
m_as2() {
	local p
	iop_stop pm
	P_AS4[pm]=0
	drv_start pm
	ok "M: ExaBGP restarted without the 4-octet AS capability: Established" \
		wait_for 30 session_up pm
	is "M: ExaBGP negotiated 2-octet AS numbers" \
		"$(reports pm 'select(.type == "negotiated") | .neighbor.negotiated.asn4' | tail -1)" \
		false
	# AS_PATH [13335 64501 23456] alone could not say 4200000005: the
	# AS4_PATH we add for a 2-octet peer (RFC 6793 §4.2.2) does.
	wait_for 30 peer_has pm "$PEER2_NET"
	is "M: ExaBGP, 2-octet now, rebuilds the bystander's path [13335 64501 4200000005] from our AS4_PATH" \
		"$(drv_route pm "$PEER2_NET")" "13335 64501 4200000005|${P_US_ADDR[pm]}"

	p=$(m_prefix 20)
	exa_cmd pm "announce route $p next-hop self as-path [ 64500 4200000009 ]"
	ok "M: a path with a 4-octet AS from a 2-octet peer is accepted" \
		wait_for 30 has_our_route "$LM" "$p"
	is "M: AS_PATH [64500 23456] and AS4_PATH merge into [64500 4200000009]" \
		"$(our_route_field "$LM" "$p" aspath)" "64500 4200000009"

	p=$(m_prefix 21)
	exa_cmd pm "announce route $p next-hop self as-path [ 64500 4200000009 ] attribute [ 0x11 0xc0 0x02020000fbf4fa56ea4d ]"
	ok "M: a second AS4_PATH (duplicate attribute, RFC 7606 §3 g): the route is kept" \
		wait_for 30 has_our_route "$LM" "$p"
	is "M: the first AS4_PATH counts, the repeated one is discarded" \
		"$(our_route_field "$LM" "$p" aspath)" "64500 4200000009"

	p=$(m_prefix 22)
	exa_cmd pm "announce route $p next-hop self as-path [ 64500 23456 ] attribute [ 0x11 0xc0 0x02030000fbf4fa56ea4d ]"
	ok "M: a malformed AS4_PATH from a 2-octet peer (RFC 6793 §6): the route is kept" \
		wait_for 30 has_our_route "$LM" "$p"
	is "M: with AS_PATH alone: AS4_PATH discarded" \
		"$(our_route_field "$LM" "$p" aspath)" "64500 23456"

	# AGGREGATOR [AS_TRANS, 10.0.0.1] and AS4_AGGREGATOR: the bystander,
	# a 4-octet peer, must get the 4-octet AGGREGATOR back.
	p=$(m_prefix 28)
	exa_cmd pm "announce route $p next-hop self aggregator ( 4200000009:10.0.0.1 )"
	ok "M: an aggregated route from a 2-octet peer (AGGREGATOR AS_TRANS + AS4_AGGREGATOR) is accepted" \
		wait_for 30 by_has "$p"
	is "M: the bystander gets AGGREGATOR 4200000009 10.0.0.1 from us" \
		"$(by_attr "$p" 7 | jq -c '[.as, .address]')" '[4200000009,"10.0.0.1"]'

	m_discard 23 "AGGREGATOR of 8 octets from a 2-octet peer" \
		"0x07 0xc0 0x0000fbf40a000001" 7 ""
	ok "M: the bystander's session was never reset, our router never restarted" \
		m_steady
	is "M: and GoBGP never found an UPDATE of ours malformed" \
		"$(grep -E 'treated as withdraw|[Mm]alformed' "$IOP_TMP/by.out")" ""
}

# Lab U: a lab like M whose router says unknown-attributes: discard:
# unknown optional transitive attributes are dropped on receipt, known
# ones still pass, and so does the route.
U_TOPO=${M_TOPO/"us:  {kind: pop, asn: 13335}"/"us:  {kind: pop, asn: 13335, unknown-attributes: discard}"}

m_unknown_discard() {
	local p
	iop_stop pm
	iop_stop by
	iop_lab LM u "$U_TOPO" || { fail "U: cannot build lab U"; return; }
	peer_new pm "$LM" exa 64500 13335 3 0 1 "$PEER_NET"
	P_RIBOUT[pm]=false
	drv_start pm
	by_start
	ok "U: our router (unknown-attributes: discard) is Established with ExaBGP and the bystander" \
		wait_for 20 eval 'session_up pm && sess_established $LM by'
	p=$(m_prefix 50)
	exa_cmd pm "announce route $p next-hop self community [ 65000:7 ] attribute [ 0x99 0xc0 0x01020304 ]"
	ok "U: a route with unknown optional transitive attribute 0x99 reaches the bystander, community and all" \
		wait_for 5 by_community "$p" 4259840007
	is "U: without attribute 0x99" "$(by_attr "$p" 153)" ""
}

std_begin || { diag "cannot build the labs"; done_testing; exit 1; }
M=
if command -v gobgpd >/dev/null && command -v gobgp >/dev/null; then
	m_begin && M=1 || diag "cannot build lab M"
fi
std_routes
std_as4
std_as2
std_restart
std_policy
if [ -n "$M" ]; then
	m_checks
	m_as2
	m_unknown_discard
else
	skip "lab M (RFC 7606) needs GoBGP as the bystander"
fi
std_end
done_testing
