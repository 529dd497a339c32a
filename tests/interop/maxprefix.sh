#!/usr/bin/env bash
# max-prefix (RFC 4486 section 4) of our speaker, against a peer that is a
# python script in a `daemon: none` node: it completes OPEN/KEEPALIVE,
# announces 40 prefixes (under the limit of 50 set on us), then 20 more.
# Checks: the 40 are in our RIB; past 50 the peer receives NOTIFICATION
# Cease 6/1 with data AFI 1, SAFI 1, limit 50 (7 octets); our log says why;
# the prefixes leave our RIB; our router connects again, not before the
# restart delay.  With max-prefix-action: stop it does not connect again;
# with warn the session stays and the log says so once.
. "$(dirname "$0")/lib.sh"
iop_init m
fails() { ! "$@"; }

TOPO="defaults: {hold-time: 3, connect-retry: 1}
nodes:
  us:   {kind: pop, asn: 13335, max-prefix: 50, max-prefix-restart: 4}
  peer: {kind: isp, asn: 64500, daemon: none}
links:
  - [peer, us]"

iop_lab L x "$TOPO" || { ok "lab is up" false; done_testing; exit 1; }
peer_new p "$L" peer 64500 13335 3 0 1
D=${P_DIR[p]}

# The peer: listens (our router connects to it), announces 10.9.N.0/24,
# N = 0..39, waits for "more" in its control file, announces 40..59, and
# writes each NOTIFICATION it receives as "code subcode datahex".  Then it
# keeps listening, and writes "reconnect" when our router comes back.
cat > "$D/peer.py" <<'EOF'
import os, socket, struct, sys, time
me, us, d = sys.argv[1], sys.argv[2], sys.argv[3]
def msg(t, body): return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), t) + body
def upd(lo, hi):
    attrs = (b"\x40\x01\x01\x00" + b"\x40\x02\x06\x02\x01" + struct.pack("!I", 64500) +
             b"\x40\x03\x04" + socket.inet_aton(me))
    nlri = b"".join(b"\x18" + bytes([10, 9, n]) for n in range(lo, hi))
    return msg(2, b"\0\0" + struct.pack("!H", len(attrs)) + attrs + nlri)
caps = b"\x02\x06\x01\x04\x00\x01\x00\x01" + b"\x02\x06\x41\x04" + struct.pack("!I", 64500)
opn = msg(1, struct.pack("!BHH4sB", 4, 64500, 3, socket.inet_aton(me), len(caps)) + caps)
def recv_msg(c):
    h = b""
    while len(h) < 19:
        x = c.recv(19 - len(h))
        if not x: return None
        h += x
    n = struct.unpack("!H", h[16:18])[0]
    b = b""
    while len(b) < n - 19:
        x = c.recv(n - 19 - len(b))
        if not x: return None
        b += x
    return h[18], b
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((me, 179)); l.listen(4)
def log(s):
    with open(d + "/peer.log", "a") as f: f.write(s + "\n")
c, _ = l.accept()
c.sendall(opn + msg(4, b""))
c.settimeout(0.5)
sent_more = False
t0 = time.time()
c.sendall(upd(0, 40))
sent_more2 = False
while True:
    if not sent_more and os.path.exists(d + "/more"):
        c.sendall(upd(40, 60)); sent_more = True
    if not sent_more2 and os.path.exists(d + "/more2"):
        c.sendall(upd(60, 80)); sent_more2 = True
    try:
        m = recv_msg(c)
    except socket.timeout:
        c.sendall(msg(4, b"")); continue
    if m is None: break
    if m[0] == 3:
        log("notification %d %d %s" % (m[1][0], m[1][1], m[1][2:].hex()))
        break
    if m[0] == 4: pass
log("closed %.1f" % time.time())
c.close()
l.settimeout(30)
c, _ = l.accept()
log("reconnect %.1f" % time.time())
c.close()
EOF
iop_bg peer "$L" peer "$PY" "$D/peer.py" "${P_ADDR[p]}" "${P_US_ADDR[p]}" "$D"

ok "our router and the peer are Established" wait_for 20 sess_established "$L" peer
wait_for 10 bash -c "[ \"\$('$AL' routes us --lab '$L' --json | jq '[.routes[] | select(.prefix | startswith(\"10.9.\"))] | length')\" = 40 ]"
is "40 prefixes, under max-prefix 50: all in our RIB" \
	"$("$AL" routes us --lab "$L" --json | jq '[.routes[] | select(.prefix | startswith("10.9."))] | length')" 40
touch "$D/more"
ok "past 50 the peer receives a NOTIFICATION" wait_for 10 grep -q notification "$D/peer.log"
is "it is Cease 6/1 with AFI 1, SAFI 1 and the limit 50 as data (RFC 4486 section 4)" \
	"$(grep notification "$D/peer.log")" "notification 6 1 00010100000032"
like "our log says why" "$(our_log "$L")" \
	"peer peer: 60 prefixes, more than max-prefix 50: sending NOTIFICATION 6/1"
ok "the prefixes leave our RIB" wait_for 5 bash -c \
	"[ \"\$('$AL' routes us --lab '$L' --json | jq '[.routes[] | select(.prefix | startswith(\"10.9.\"))] | length')\" = 0 ]"
like "status says why the session ended" "$(sess "$L" peer last_error)" "max-prefix 50 exceeded"
ok "after the restart delay our router connects again" wait_for 15 grep -q reconnect "$D/peer.log"
closed=$(awk '/^closed/ { print $2 }' "$D/peer.log")
back=$(awk '/^reconnect/ { print $2 }' "$D/peer.log")
ok "not before max-prefix-restart (4 s): $closed -> $back" \
	awk -v a="$closed" -v b="$back" 'BEGIN { exit !(b - a >= 3.5) }'

# stop: no restart.
TOPO_S="defaults: {hold-time: 3, connect-retry: 1}
nodes:
  us:   {kind: pop, asn: 13335, max-prefix: 50, max-prefix-action: stop}
  peer: {kind: isp, asn: 64500, daemon: none}
links:
  - [peer, us]"
iop_lab LS s "$TOPO_S" || { ok "lab S is up" false; done_testing; exit 1; }
peer_new s "$LS" peer 64500 13335 3 0 1
DS=${P_DIR[s]}
cp "$D/peer.py" "$DS/peer.py"
iop_bg peers "$LS" peer "$PY" "$DS/peer.py" "${P_ADDR[s]}" "${P_US_ADDR[s]}" "$DS"
ok "stop: Established" wait_for 20 sess_established "$LS" peer
touch "$DS/more"
is "stop: past 50 the peer gets Cease 6/1 with the limit" \
	"$(wait_for 10 grep -q notification "$DS/peer.log"; grep notification "$DS/peer.log")" \
	"notification 6 1 00010100000032"
sleep 6
ok "stop: 6 s later our router has not connected again" fails grep -q reconnect "$DS/peer.log"
like "stop: status says it stays down" "$(sess "$LS" peer last_error)" "stopped until the router restarts"

# warn: past the limit the session stays and the log says so once.
TOPO_W="defaults: {hold-time: 3, connect-retry: 1}
nodes:
  us:   {kind: pop, asn: 13335, max-prefix: 50, max-prefix-action: warn}
  peer: {kind: isp, asn: 64500, daemon: none}
links:
  - [peer, us]"
iop_lab LW w "$TOPO_W" || { ok "lab W is up" false; done_testing; exit 1; }
peer_new w "$LW" peer 64500 13335 3 0 1
DW=${P_DIR[w]}
cp "$D/peer.py" "$DW/peer.py"
iop_bg peerw "$LW" peer "$PY" "$DW/peer.py" "${P_ADDR[w]}" "${P_US_ADDR[w]}" "$DW"
ok "warn: Established" wait_for 20 sess_established "$LW" peer
touch "$DW/more"
ok "warn: past 50, our log warns" wait_for 10 grep -q "more than max-prefix 50 (warn only" "/run/anycastlab/$LW/us.log"
touch "$DW/more2"
ok "warn: the session stays and takes all 80 prefixes" wait_for 10 \
	bash -c "[ \"\$('$AL' routes us --lab '$LW' --json | jq '[.routes[] | select(.prefix | startswith(\"10.9.\"))] | length')\" = 80 ]"
ok "warn: still Established" sess_established "$LW" peer
is "warn: said once for the session" \
	"$(grep -c "more than max-prefix 50 (warn only" "/run/anycastlab/$LW/us.log")" 1
ok "warn: no NOTIFICATION reached the peer" fails grep -q notification "$DW/peer.log"

done_testing
