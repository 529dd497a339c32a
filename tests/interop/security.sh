#!/usr/bin/env bash
# Session security of our speaker against BIRD 2: TCP-MD5 (RFC 2385) and
# GTSM (RFC 5082), and the bounded log of connections from strangers.
#
# One lab: "us" (our speaker) and "peer" (daemon: none, running BIRD).
# The link has a password and the peer says ttl-security: true, so our
# router signs with the key and sends TTL 255 / accepts only 254 and up.
#  1. BIRD with the same password and "ttl security on": Established.
#  2. A python socket on the peer's address, right key: TTL 255 connects,
#     TTL 1 does not (IP_MINTTL drops the SYN), no key does not.
#  3. BIRD with a wrong password: never Established.
#  4. The password is nowhere in our log or status output.
#  5. 1000 connections from an address that is no peer: a bounded number
#     of "not a configured peer" lines, with the count of the rest.
. "$(dirname "$0")/lib.sh"
iop_init s bird birdc

fails() { ! "$@"; }
isnt() { if [ "$2" != "$3" ]; then pass "$1"; else fail "$1" "got: '$2'"; fi; }
unlike() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then
		fail "$1" "matched: $3"
	else
		pass "$1"
	fi
}

KEY=lab-md5-k3y
BADKEY=not-the-key

birdc_() { birdc -s "${P_DIR[$1]}/ctl" "${@:2}"; }

bird_conf() {
	local i=$1 pw=$2
	cat > "${P_DIR[$i]}/bird.conf" <<EOF
router id ${P_RID[$i]};
log "${P_DIR[$i]}/bird.log" all;
protocol device {}
protocol bgp al {
	local ${P_ADDR[$i]} as ${P_AS[$i]};
	neighbor ${P_US_ADDR[$i]} as ${P_US_AS[$i]};
	hold time 3;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
	ttl security on;
	password "$pw";
	ipv4 { import all; export none; };
}
EOF
}

drv_state() {
	birdc_ "$1" show protocols al 2>/dev/null | awk '$1 == "al" { print $6 }'
}

# connect_ttl LAB NODE SRC DST TTL KEY: exit 0 when a TCP connection to
# DST:179 from SRC with that TTL (and TCP-MD5 key, "" none) completes.
connect_ttl() {
	ip netns exec "$1-$2" "$PY" - "$3" "$4" "$5" "$6" <<'EOF'
import socket, struct, sys
src, dst, ttl, key = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
if key:
    sa = struct.pack("=H", socket.AF_INET) + struct.pack("!H", 0) + socket.inet_aton(dst)
    sa = sa.ljust(128, b"\0")
    md5 = sa + struct.pack("=BBHI", 0, 0, len(key), 0) + key.ljust(80, b"\0")
    s.setsockopt(socket.IPPROTO_TCP, 14, md5)  # TCP_MD5SIG
s.bind((src, 0))
s.settimeout(3)
try:
    s.connect((dst, 179))
except OSError:
    sys.exit(1)
s.close()
EOF
}

# strangers LAB NODE SRC DST N: N connections from SRC, closed at once.
strangers() {
	ip netns exec "$1-$2" "$PY" - "$3" "$4" "$5" <<'EOF'
import socket, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ok = 0
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
    s.bind((src, 0))
    s.settimeout(2)
    try:
        s.connect((dst, 179))
        ok += 1
    except OSError:
        pass
    s.close()
print(ok)
EOF
}

TOPO="defaults: {hold-time: 3, connect-retry: 1}
nodes:
  us:   {kind: pop, asn: 13335}
  peer: {kind: isp, asn: 64500, daemon: none, ttl-security: true}
links:
  - {endpoints: [peer, us], password: $KEY}"

iop_lab L x "$TOPO" || { ok "lab is up" false; done_testing; exit 1; }
peer_new p "$L" peer 64500 13335 3 0 1
bird_conf p "$KEY"
iop_bg bird "$L" peer bird -f -c "${P_DIR[p]}/bird.conf" -s "${P_DIR[p]}/ctl"

ok "1: with the same TCP-MD5 key and GTSM on both ends, BIRD and we are Established" \
	wait_for 30 sess_established "$L" peer
is "1: BIRD says Established too" "$(drv_state p)" Established
ok "1: the kernel signs our end of the connection (ss shows md5)" \
	bash -c "ip netns exec '$L-us' ss -tni state established '( sport = :179 or dport = :179 )' | grep -q md5"

iop_stop bird
wait_for 10 bash -c "! ip netns exec '$L-us' ss -tn state established | grep -q ':179'"
ok "2: from the peer's address with the key and TTL 255, a connection completes" \
	connect_ttl "$L" peer "${P_ADDR[p]}" "${P_US_ADDR[p]}" 255 "$KEY"
ok "2: with the key and TTL 1, it does not (GTSM: IP_MINTTL 254)" \
	fails connect_ttl "$L" peer "${P_ADDR[p]}" "${P_US_ADDR[p]}" 1 "$KEY"
ok "2: with TTL 255 and no key, it does not (TCP-MD5)" \
	fails connect_ttl "$L" peer "${P_ADDR[p]}" "${P_US_ADDR[p]}" 255 ""

bird_conf p "$BADKEY"
iop_bg bird2 "$L" peer bird -f -c "${P_DIR[p]}/bird.conf" -s "${P_DIR[p]}/ctl"
wait_for 10 bash -c "birdc -s '${P_DIR[p]}/ctl' show status >/dev/null"
sleep 8
ok "3: with a wrong password, 8 s later there is still no session" \
	fails sess_established "$L" peer
isnt "3: BIRD is not Established either" "$(drv_state p)" Established
iop_stop bird2

like "4: our log says how the session went" "$(our_log "$L")" "peer peer .*Established"
unlike "4: the password is not in our log" "$(our_log "$L")" "$KEY"
st=$("$AL" status "$L" 2>&1; "$AL" status "$L" --json 2>&1; ctl "$L" us status 2>&1)
like "4: status shows the session" "$st" "peer"
unlike "4: the password is not in status output" "$st" "$KEY"

n0=$(our_log "$L" | grep -c "not a configured peer")
got=$(strangers "$L" us "${P_US_ADDR[p]}" "${P_US_ADDR[p]}" 1000)
is "5: 1000 connections from our own address (no peer) complete" "$got" 1000
wait_for 5 bash -c "[ \$(grep -c 'not a configured peer' /run/anycastlab/$L/us.log) -gt $n0 ]"
n=$(( $(our_log "$L" | grep -c "not a configured peer") - n0 ))
ok "5: they are logged ($n lines)" [ "$n" -ge 1 ]
ok "5: at most 3 lines for 1000 connections in a few seconds ($n)" [ "$n" -le 3 ]

# ---- the same against FRR (bgpd, with zebra for its sockets) ----
frr_daemon() {
	local i=$1 d=${P_DIR[$1]}
	iop_bg "$i$2" "${P_LAB[$i]}" "${P_NODE[$i]}" "/usr/lib/frr/$2" \
		-f "$d/$2.conf" -i "$d/$2.pid" -z "$d/zserv.api" \
		--vty_socket "$d" -P 0
}
vtysh_() {
	local c=() a
	for a in "${@:2}"; do c+=(-c "$a"); done
	ip netns exec "${P_LAB[$1]}-${P_NODE[$1]}" \
		vtysh --vty_socket "${P_DIR[$1]}" "${c[@]}"
}
frr_state() {
	vtysh_ "$1" "show bgp neighbors ${P_US_ADDR[$1]} json" |
		jq -r --arg a "${P_US_ADDR[$1]}" '.[$a].bgpState'
}

iop_lab LF f "$TOPO" || { ok "FRR lab is up" false; done_testing; exit 1; }
peer_new f "$LF" peer 64500 13335 3 0 1
FD=${P_DIR[f]}
chown frr:frr "$FD"
printf 'hostname peer\nlog file %s/zebra.log informational\n' "$FD" > "$FD/zebra.conf"
frr_daemon f zebra
wait_for 10 test -S "$FD/zserv.api"
{
	echo "hostname peer"
	echo "log file $FD/bgpd.log informational"
	echo "router bgp 64500"
	echo " bgp router-id ${P_RID[f]}"
	echo " no bgp ebgp-requires-policy"
	echo " neighbor ${P_US_ADDR[f]} remote-as 13335"
	echo " neighbor ${P_US_ADDR[f]} timers 1 3"
	echo " neighbor ${P_US_ADDR[f]} timers connect 1"
	echo " neighbor ${P_US_ADDR[f]} ttl-security hops 1"
	echo " neighbor ${P_US_ADDR[f]} password $KEY"
} > "$FD/bgpd.conf"
frr_daemon f bgpd
ok "6: FRR with the same key and ttl-security hops 1: we are Established" \
	wait_for 30 sess_established "$LF" peer
is "6: FRR says Established too" "$(frr_state f)" Established
vtysh_ f "configure terminal" "router bgp 64500" \
	"neighbor ${P_US_ADDR[f]} password $BADKEY" >/dev/null
vtysh_ f "clear bgp ${P_US_ADDR[f]}" >/dev/null
ok "6: after FRR changes its key, the session goes down" \
	wait_not 15 sess_established "$LF" peer
sleep 8
ok "6: and 8 s later it has not come back" fails sess_established "$LF" peer
isnt "6: FRR is not Established either" "$(frr_state f)" Established
unlike "6: the password is not in our log" "$(our_log "$LF")" "$KEY"

done_testing
