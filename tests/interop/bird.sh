#!/usr/bin/env bash
# Our BGP speaker against BIRD 2 (bird, birdc), each BIRD in the namespace
# of a `daemon: none` node.  The checks are in lib.sh; this file says how
# to configure BIRD and how to read its view.
#
# BIRD's side of the configuration, and why:
#  - eBGP in BIRD 2 imports and exports nothing unless told (RFC 8212):
#    import all; export only its own static route.
#  - connect delay 1 s (default 5 s) and error wait 1-2 s (default
#    60-300 s), so a session comes back as fast as ours does; the checks
#    do not have to wait for BIRD's back-off.
#  - Lab C (a peer without the 4-octet AS capability) is not run: with
#    "enable as4 off" BIRD 2.0.12 refuses a neighbor AS above 65535 in
#    its configuration, yet still reads the 4-octet AS capability of the
#    OPEN it receives, so AS_TRANS as our AS fails with "Bad peer AS:
#    4200000001".  It cannot be the 2-octet peer of a 4-octet AS; the
#    ExaBGP and FRR tests cover that case.
#  - debug { states } logs every state change, which counts how many
#    times a session came up.
#
# One check only BIRD can make: it sends a Shutdown Communication as it
# is given, UTF-8 or not, which RFC 9003 §4 wants logged as malformed.
. "$(dirname "$0")/lib.sh"
iop_init b bird birdc

DRV_NAME=BIRD
DRV_AS2=0
# BIRD names 6/2 "Administrative shutdown" and quotes the text.
DRV_CEASE_RE="al: Received: Administrative shutdown: \"$SHUTDOWN_TEXT\""

birdc_() { birdc -s "${P_DIR[$1]}/ctl" "${@:2}"; }

# One static protocol per originated prefix, so each can be withdrawn.
static_name() { echo "s_$(tr './' '__' <<<"$1")"; }

drv_start() {
	local i=$1 d=${P_DIR[$1]} n
	{
		echo "router id ${P_RID[$i]};"
		echo "log \"$d/bird.log\" all;"
		echo "protocol device {}"
		for n in ${P_NETS[$i]}; do
			echo "protocol static $(static_name "$n") { ipv4; route $n blackhole; }"
		done
		cat <<EOF
protocol bgp al {
	local ${P_ADDR[$i]} as ${P_AS[$i]};
	neighbor ${P_US_ADDR[$i]} as ${P_US_AS[$i]};
	hold time ${P_HOLD[$i]};
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
	$([ "${P_PASSIVE[$i]}" = 1 ] && echo "passive on;")
	debug { states };
	ipv4 {
		import all;
		export where source = RTS_STATIC;
	};
}
EOF
	} > "$d/bird.conf"
	iop_bg "$i" "${P_LAB[$i]}" "${P_NODE[$i]}" \
		bird -f -c "$d/bird.conf" -s "$d/ctl" -P "$d/bird.pid"
	wait_for 30 birdc_ "$i" show status
}

drv_kill() { iop_stop "$1" KILL; }

drv_state() {
	birdc_ "$1" show protocols al | awk '$1 == "al" { print $6 }'
}

drv_hold() {
	birdc_ "$1" show protocols all al |
		awk '/Hold timer:/ { sub(/.*\//, "", $3); print $3 }'
}

drv_route() {
	birdc_ "$1" show route "$2" all | awk '
		/BGP.as_path:/ { sub(/.*BGP.as_path: */, ""); path = $0 }
		/BGP.next_hop:/ { nh = $2 }
		END { if (nh != "") print path "|" nh }'
}


# Communities as "a:b" / "a:b:c", sorted: BIRD shows (a,b) and (a, b, c).
drv_comms() {
	birdc_ "$1" show route "$2" all | awk '
		/BGP.community:/ { sub(/.*BGP.community: */, ""); s = $0
			while (match(s, /\([0-9]+,[0-9]+\)/)) {
				c = substr(s, RSTART + 1, RLENGTH - 2); gsub(",", ":", c); print c
				s = substr(s, RSTART + RLENGTH) } }
		/BGP.large_community:/ { sub(/.*BGP.large_community: */, ""); s = $0
			while (match(s, /\([0-9]+, *[0-9]+, *[0-9]+\)/)) {
				c = substr(s, RSTART + 1, RLENGTH - 2); gsub(" ", "", c); gsub(",", ":", c); print c
				s = substr(s, RSTART + RLENGTH) } }' | sort | paste -sd' ' -
}

drv_med() {
	birdc_ "$1" show route "$2" all | awk '/BGP.med:/ { print $2 }'
}
drv_withdraw() { birdc_ "$1" disable "$(static_name "$2")" >/dev/null; }
drv_announce() { birdc_ "$1" enable "$(static_name "$2")" >/dev/null; }

drv_shutdown() {
	birdc_ "$1" disable al "\"$2\"" >/dev/null
	echo "$2"
}

drv_enable() { birdc_ "$1" enable al >/dev/null; }

drv_cease_log() { grep 'Received:' "${P_DIR[$1]}/bird.log"; }

drv_ups() { grep -c 'al: State changed to up' "${P_DIR[$1]}/bird.log"; }

# A Cease whose Shutdown Communication is not UTF-8: logged as malformed
# (with its octets in hex) rather than dropped unseen.
bad_text() {
	local want='peer peer: received NOTIFICATION 6/2 (Cease, Administrative Shutdown), malformed Shutdown Communication (RFC 9003): 0x0b62616420fffe2074657874'
	birdc_ pd disable al "\"$(printf 'bad \xff\xfe text')\"" >/dev/null
	ok "D: a Cease whose text is not UTF-8: we log it as malformed, in hex" \
		wait_for 30 grep -qF "$want" "/run/anycastlab/$LD/us.log"
	drv_enable pd
	ok "D: and the session comes back" wait_for 30 session_up pd
}

std_begin || { diag "cannot build the labs"; done_testing; exit 1; }
std_routes
std_as4
std_restart
std_policy
bad_text
std_end
done_testing
