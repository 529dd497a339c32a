#!/usr/bin/env bash
# Our BGP speaker against GoBGP (gobgpd, gobgp), each gobgpd in the
# namespace of a `daemon: none` node, its API on that namespace's own
# loopback.  The checks are in lib.sh; this file says how to configure
# GoBGP and how to read its view.
#
# GoBGP's side of the configuration, and why:
#  - GoBGP accepts and exports everything by default: no policy needed.
#  - The keepalive interval is set to a third of the hold time: GoBGP
#    derives it from the negotiated hold time only when that is smaller
#    than its own, and otherwise keeps the configured interval.
#  - Its prefixes are added through its API (gobgp global rib add).
#  - Lab C (a peer without the 4-octet AS capability) is not run: GoBGP
#    always advertises the capability and has no setting to leave it out.
#    The ExaBGP and FRR tests cover that case.
#  - The peer's Cease is sent with "gobgp neighbor ADDR shutdown
#    --reason": "disable --reason" in gobgp 3.10 sends the Cease without
#    the text.
. "$(dirname "$0")/lib.sh"
iop_init g gobgpd gobgp

DRV_NAME=GoBGP
DRV_AS2=0
DRV_CEASE_RE="msg=\"received notification\" Code=6 Communicated-Reason=\"$SHUTDOWN_TEXT\" .*Subcode=2"

gobgp_() {
	ip netns exec "${P_LAB[$1]}-${P_NODE[$1]}" gobgp "${@:2}"
}

drv_start() {
	local i=$1 d=${P_DIR[$1]} n
	cat > "$d/gobgpd.toml" <<EOF
[global.config]
  as = ${P_AS[$i]}
  router-id = "${P_RID[$i]}"
  local-address-list = ["${P_ADDR[$i]}"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "${P_US_ADDR[$i]}"
    peer-as = ${P_US_AS[$i]}
  [neighbors.timers.config]
    hold-time = ${P_HOLD[$i]}
    keepalive-interval = $((P_HOLD[$i] / 3))
    connect-retry = 1
  [neighbors.transport.config]
    local-address = "${P_ADDR[$i]}"
    passive-mode = $([ "${P_PASSIVE[$i]}" = 1 ] && echo true || echo false)
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
EOF
	iop_bg "$i" "${P_LAB[$i]}" "${P_NODE[$i]}" gobgpd -f "$d/gobgpd.toml" \
		-t toml -l info -p --pprof-disable
	wait_for 30 gobgp_ "$i" global
	for n in ${P_NETS[$i]}; do
		gobgp_ "$i" global rib add -a ipv4 "$n" >/dev/null
	done
}

drv_kill() { iop_stop "$1" KILL; }

# session_state 6 is Established.
drv_state() {
	[ "$(gobgp_ "$1" neighbor "${P_US_ADDR[$1]}" -j | jq -r .state.session_state)" = 6 ] &&
		echo Established
}

drv_hold() {
	gobgp_ "$1" neighbor "${P_US_ADDR[$1]}" -j |
		jq -r .timers.state.negotiated_hold_time
}

drv_route() {
	gobgp_ "$1" global rib -a ipv4 "$2" -j 2>/dev/null | jq -r --arg p "$2" '
		.[$p] // [] | map(select(.best)) | .[0] // empty | .attrs |
		"\(map(select(.type == 2) | .as_paths[].asns[]) | map(tostring) | join(" "))|\(
		   map(select(.type == 3) | .nexthop) | .[0])"'
}


# Communities as "a:b" / "a:b:c", sorted: GoBGP gives 32-bit values and
# large communities' three parts.
drv_comms() {
	gobgp_ "$1" global rib -a ipv4 "$2" -j 2>/dev/null | jq -r --arg p "$2" '
		.[$p] // [] | map(select(.best)) | .[0] // empty | .attrs[] |
		if .type == 8 then .communities[] | "\(. / 65536 | floor):\(. % 65536)"
		elif .type == 32 then .value[] |
			"\(.ASN // .asn):\(.LocalData1 // .local_data1):\(.LocalData2 // .local_data2)"
		else empty end' | sort | paste -sd' ' -
}

drv_med() {
	gobgp_ "$1" global rib -a ipv4 "$2" -j 2>/dev/null | jq -r --arg p "$2" '
		.[$p] // [] | map(select(.best)) | .[0] // empty | .attrs[] |
		select(.type == 4) | .metric'
}
drv_withdraw() { gobgp_ "$1" global rib del -a ipv4 "$2" >/dev/null; }
drv_announce() { gobgp_ "$1" global rib add -a ipv4 "$2" >/dev/null; }

drv_shutdown() {
	gobgp_ "$1" neighbor "${P_US_ADDR[$1]}" shutdown --reason "$2" >/dev/null 2>&1
	echo "$2"
}

drv_enable() { gobgp_ "$1" neighbor "${P_US_ADDR[$1]}" enable >/dev/null; }

drv_cease_log() { grep 'received notification' "$IOP_TMP/$1.out"; }

drv_ups() { grep -c 'msg="Peer Up"' "$IOP_TMP/$1.out"; }

std_begin || { diag "cannot build the labs"; done_testing; exit 1; }
std_routes
std_as4
std_restart
std_policy
std_end
done_testing
