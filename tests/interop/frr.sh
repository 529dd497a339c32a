#!/usr/bin/env bash
# Our BGP speaker against FRR (bgpd with zebra, vtysh), each pair in the
# namespace of a `daemon: none` node, with its own vty and zserv sockets
# under the test's directory.  The checks are in lib.sh; this file says
# how to configure FRR and how to read its view.
#
# FRR's side of the configuration, and why:
#  - "no bgp ebgp-requires-policy": FRR otherwise neither accepts nor
#    sends eBGP routes without a route-map (RFC 8212).
#  - "no bgp network import-check": its prefix is announced with
#    "network" without a matching route in its RIB.
#  - "bgp log-neighbor-changes": the NOTIFICATIONs it receives go to its
#    log ("frr defaults traditional" leaves that off).
#  - Lab C: "neighbor ... dont-capability-negotiate" makes FRR send no
#    capability at all, 4-octet AS included.  FRR then still reads ours,
#    and, because we advertised the 4-octet AS capability, ignores the
#    AS4_PATH we send (bgp_attr_munge_as4_attrs checks only what the
#    peer advertised): it shows our route with AS_PATH [23456].  RFC 6793
#    §4.2.2 has us send AS_TRANS and AS4_PATH to a speaker that did not
#    advertise the capability, which the capture shows we do; the
#    AS4_PATH being ignored is FRR's half-OLD mode, not our speaker.
. "$(dirname "$0")/lib.sh"
iop_init f /usr/lib/frr/zebra /usr/lib/frr/bgpd vtysh

DRV_NAME=FRR
DRV_AS2=1
DRV_AS2_VIEW=23456
DRV_AS2_NOTE="FRR ignores our AS4_PATH because we advertised the 4-octet AS capability, though it did not (see frr.sh)"
DRV_CEASE_RE="%NOTIFICATION: received from neighbor [0-9.]+ 6/2 \(Cease/Administrative Shutdown\) \"$SHUTDOWN_TEXT\""

vtysh_() {
	local c=() a
	for a in "${@:2}"; do c+=(-c "$a"); done
	ip netns exec "${P_LAB[$1]}-${P_NODE[$1]}" \
		vtysh --vty_socket "${P_DIR[$1]}" "${c[@]}"
}

# Configuration mode commands for the BGP instance of INST.
bgp_conf() {
	vtysh_ "$1" "configure terminal" "router bgp ${P_AS[$1]}" "${@:2}"
}

# frr_daemon INST NAME: start /usr/lib/frr/NAME for INST.
frr_daemon() {
	local i=$1 d=${P_DIR[$1]}
	iop_bg "$i$2" "${P_LAB[$i]}" "${P_NODE[$i]}" "/usr/lib/frr/$2" \
		-f "$d/$2.conf" -i "$d/$2.pid" -z "$d/zserv.api" \
		--vty_socket "$d" -P 0
}

drv_start() {
	local i=$1 d=${P_DIR[$1]} n us=${P_US_ADDR[$1]}
	# The daemons run as frr: they write their sockets and logs here.
	chown frr:frr "$d"
	if [ ! -e "$d/zebra.conf" ]; then
		printf 'hostname %s\nlog file %s/zebra.log informational\n' \
			"${P_NODE[$i]}" "$d" > "$d/zebra.conf"
		frr_daemon "$i" zebra
		wait_for 30 test -S "$d/zserv.api"
	fi
	{
		cat <<EOF
hostname ${P_NODE[$i]}
log file $d/bgpd.log informational
router bgp ${P_AS[$i]}
 bgp router-id ${P_RID[$i]}
 bgp log-neighbor-changes
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor $us remote-as ${P_US_AS[$i]}
 neighbor $us timers $((P_HOLD[$i] / 3)) ${P_HOLD[$i]}
 neighbor $us timers connect 1
EOF
		[ "${P_PASSIVE[$i]}" = 1 ] && echo " neighbor $us passive"
		[ "${P_AS4[$i]}" = 1 ] || echo " neighbor $us dont-capability-negotiate"
		echo " address-family ipv4 unicast"
		for n in ${P_NETS[$i]}; do echo "  network $n"; done
		echo " exit-address-family"
	} > "$d/bgpd.conf"
	frr_daemon "$i" bgpd
	wait_for 30 vtysh_ "$i" "show bgp summary"
}

# A crash of bgpd; zebra stays, as it would.
drv_kill() { iop_stop "${1}bgpd" KILL; }

nbr_json() {
	vtysh_ "$1" "show bgp neighbors ${P_US_ADDR[$1]} json" |
		jq --arg a "${P_US_ADDR[$1]}" '.[$a]'
}

drv_state() { nbr_json "$1" | jq -r .bgpState; }
drv_hold() { nbr_json "$1" | jq -r '.bgpTimerHoldTimeMsecs / 1000'; }
drv_ups() { nbr_json "$1" | jq -r .connectionsEstablished; }

drv_route() {
	vtysh_ "$1" "show bgp ipv4 unicast $2 json" | jq -r '
		(.paths // []) | map(select(.bestpath.overall)) | .[0] // empty |
		"\(.aspath.string)|\(.nexthops[0].ip)"'
}


# Communities as "a:b" / "a:b:c", sorted; FRR names the well-known ones.
drv_comms() {
	vtysh_ "$1" "show bgp ipv4 unicast $2 json" | jq -r '
		(.paths // []) | map(select(.bestpath.overall)) | .[0] // empty |
		"\(.community.string // "") \(.largeCommunity.string // "")"' |
		tr ' ' '\n' | sed -e 's/^noExport$/65535:65281/' -e 's/^no-export$/65535:65281/' \
			-e 's/^noAdvertise$/65535:65282/' -e 's/^no-advertise$/65535:65282/' |
		grep . | sort | paste -sd' ' -
}

drv_med() {
	vtysh_ "$1" "show bgp ipv4 unicast $2 json" | jq -r '
		(.paths // []) | map(select(.bestpath.overall)) | .[0] // empty | .metric'
}
drv_withdraw() {
	bgp_conf "$1" "address-family ipv4 unicast" "no network $2" >/dev/null
}

drv_announce() {
	bgp_conf "$1" "address-family ipv4 unicast" "network $2" >/dev/null
}

drv_shutdown() {
	bgp_conf "$1" "neighbor ${P_US_ADDR[$1]} shutdown message $2" >/dev/null
	echo "$2"
}

drv_enable() {
	bgp_conf "$1" "no neighbor ${P_US_ADDR[$1]} shutdown" >/dev/null
}

drv_cease_log() { grep '%NOTIFICATION' "${P_DIR[$1]}/bgpd.log"; }

std_begin || { diag "cannot build the labs"; done_testing; exit 1; }
std_routes
std_as4
std_as2
std_restart
std_policy
std_end
done_testing
