# Shared by the interop tests (bash): anycastlab's BGP speaker against
# BIRD 2, FRR, GoBGP and ExaBGP, each run by the test inside the namespace
# of a `daemon: none` node.
#
# A test sources this file, calls iop_init TAG BINARY..., makes its labs
# with iop_lab, starts peers with iop_bg, checks with ok / is / like /
# ge, and ends with done_testing.  Everything it started (labs, daemons,
# captures) is stopped and removed when it exits, however it exits:
# processes by the pid recorded when they were started, labs with
# `anycastlab down`.
#
# Every lab built here has the same shape: node "us" is a POP running our
# speaker, and each other router is a node of its own, linked to us.  The
# addresses come from the plan (`anycastlab status --json`), never typed.

set -u
IOP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
AL=${ANYCASTLAB:-$IOP_ROOT/build/anycastlab}
PY=/usr/bin/python3
IOP_TAG=
IOP_TMP=
IOP_LABS=()
IOP_PIDS=()

# The anycast prefix every POP announces, and what the peers originate.
ANYCAST=104.16.0.0/24
PEER_NET=198.51.100.0/24
PEER2_NET=203.0.113.0/24
SHUTDOWN_TEXT="anycastlab router stopped"

. "$IOP_ROOT/tests/tap.sh"

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	"$@" >/dev/null 2>&1
}

# seen SECONDS CMD...: wait for CMD to succeed and remember whether it
# did.  An absence check (gone) must follow one: otherwise "no longer
# there" passes when it never arrived.
SEEN=0
seen() {
	SEEN=0
	wait_for "$@" && SEEN=1
}

# gone SECONDS CMD...: CMD stops succeeding within SECONDS, and the last
# seen found what it waited for; fails at once otherwise.
gone() {
	if [ "$SEEN" != 1 ]; then
		echo "never there in the first place: ${*:2}"
		return 1
	fi
	wait_not "$@"
}

# wait_not SECONDS CMD...: poll until CMD fails.
wait_not() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 10; i++)); do
		"$@" >/dev/null 2>&1 || return 0
		sleep 0.1
	done
	! "$@" >/dev/null 2>&1
}

# ---- setup and teardown ----

# proc_start PID: when the process started (field 22 of its stat), to
# tell it from a later process that got the same pid.
proc_start() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# ours PID START: PID is still the process we started.
ours() { [ -n "$2" ] && [ "$(proc_start "$1")" = "$2" ]; }

iop_cleanup() {
	local p l i alive
	# Daemons and captures first, each by the pid recorded when it was
	# started and only while that pid is still it: SIGTERM, then
	# SIGKILL for whatever is still there 3 s later.
	for p in "${IOP_PIDS[@]}"; do
		ours ${p/:/ } && kill -TERM "${p%:*}" 2>/dev/null
	done
	for ((i = 0; i < 30; i++)); do
		alive=
		for p in "${IOP_PIDS[@]}"; do
			ours ${p/:/ } && alive=1
		done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	for p in "${IOP_PIDS[@]}"; do
		ours ${p/:/ } && kill -KILL "${p%:*}" 2>/dev/null
	done
	# FRR's daemons keep a crash log in /var/tmp/frr/<daemon>.<pid>:
	# remove those of the daemons this test started.
	for p in "${IOP_PIDS[@]}"; do
		rm -rf /var/tmp/frr/zebra."${p%:*}" /var/tmp/frr/bgpd."${p%:*}"
	done
	# IOP_KEEP=DIR keeps everything for a post-mortem: our routers'
	# logs, the daemons' configurations, logs and reports, the captures.
	if [ -n "${IOP_KEEP:-}" ] && [ -n "$IOP_TMP" ]; then
		for l in "${IOP_LABS[@]}"; do
			mkdir -p "$IOP_TMP/run/$l"
			cp -a "/run/anycastlab/$l/"*.log "$IOP_TMP/run/$l/" 2>/dev/null
		done
		mkdir -p "$IOP_KEEP" && cp -a "$IOP_TMP" "$IOP_KEEP/" 2>/dev/null
	fi
	for l in "${IOP_LABS[@]}"; do
		"$AL" down "$l" >/dev/null 2>&1
	done
	[ -n "$IOP_TMP" ] && rm -rf "$IOP_TMP"
	return 0
}

# iop_init TAG BINARY...: skip unless root, our binary and every BINARY
# (the daemon under test and its tools) are there.
iop_init() {
	local b
	IOP_TAG=$1
	shift
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (network namespaces)"
	[ -x "$AL" ] || skip_all "no binary at $AL (build first)"
	for b in "$@" jq tshark "$PY"; do
		command -v "$b" >/dev/null 2>&1 || skip_all "$b is not installed"
	done
	IOP_TMP=$(mktemp -d /tmp/anycastlab-iop.XXXXXX)
	chmod 755 "$IOP_TMP"	# daemons that drop privileges read from it
	trap iop_cleanup EXIT
	trap 'exit 130' INT TERM
}

# iop_lab VAR SUFFIX YAML: build a lab named i<TAG><SUFFIX><pid> (at most
# 15 characters, unique on this machine) from the topology YAML, which
# says everything but the name, and set VAR to its name.
iop_lab() {
	local name="i$IOP_TAG$2$$" f
	name=${name:0:15}
	f="$IOP_TMP/$name.yaml"
	{ echo "name: $name"; printf '%s\n' "$3"; } > "$f"
	IOP_LABS+=("$name")
	printf -v "$1" '%s' "$name"
	"$AL" up "$f" > "$IOP_TMP/$name.up" 2>&1 && return 0
	sed 's/^/# up: /' "$IOP_TMP/$name.up"
	return 1
}

# iop_bg NAME LAB NODE CMD...: run CMD in LAB's NODE namespace in the
# background, output to $IOP_TMP/NAME.out; "pid start" goes to NAME.pid.
# `ip netns exec` execs CMD, so the pid is the daemon's own.
iop_bg() {
	local name=$1 lab=$2 node=$3 pid
	shift 3
	ip netns exec "$lab-$node" "$@" >> "$IOP_TMP/$name.out" 2>&1 &
	pid=$!
	# Ours to stop, not the shell's to report on when it is killed.
	disown "$pid"
	IOP_PIDS+=("$pid:$(proc_start "$pid")")
	echo "$pid $(proc_start "$pid")" > "$IOP_TMP/$name.pid"
}

# iop_stop NAME [SIGNAL]: signal a process started by iop_bg, if it is
# still running, and wait up to 5 s for it to exit.
iop_stop() {
	local pid start i
	read -r pid start < "$IOP_TMP/$1.pid" 2>/dev/null || return 0
	ours "$pid" "$start" || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		ours "$pid" "$start" || break
		sleep 0.1
	done
	return 0
}

# ---- the plan ----

lab_json() { "$AL" status "$1" --json; }

# link_addr LAB NODE OTHER: NODE's address on its link to OTHER.
link_addr() {
	lab_json "$1" | jq -r --arg n "$2" --arg o "$3" '.labs[0].links[] |
		if .a == $n and .b == $o then .a_addr
		elif .b == $n and .a == $o then .b_addr else empty end' |
		sed 's|/.*||'
}

router_id() {
	lab_json "$1" | jq -r --arg n "$2" '.labs[0].nodes[] |
		select(.name == $n) | .router_id'
}

our_pid() {
	lab_json "$1" | jq -r '.labs[0].nodes[] | select(.name == "us") | .pid'
}

# ---- our router's view ----

# ctl LAB NODE REQUEST: the control socket's reply as JSON lines, one
# object per record ({"kind": ..., key: value, ...}).  status --json
# does not show the negotiated hold time or how many times a session
# was established, so those are read here.
ctl() {
	"$PY" - "/run/anycastlab/$1/$2.sock" "$3" <<'EOF'
import json, socket, sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
for line in data.decode(errors="replace").splitlines():
    i, n = 0, len(line)
    while i < n and line[i] != " ":
        i += 1
    rec = {"kind": line[:i]}
    while i < n:
        while i < n and line[i] == " ":
            i += 1
        k = i
        while i < n and line[i] != "=":
            i += 1
        key = line[k:i]
        i += 1
        val = ""
        if i < n and line[i] == '"':
            i += 1
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                val += line[i]
                i += 1
            i += 1
        else:
            while i < n and line[i] != " ":
                val += line[i]
                i += 1
        if key:
            rec[key] = val
    print(json.dumps(rec))
EOF
}

# sess LAB PEER KEY: one field of our session with PEER (state, hold,
# since_ms, established, last_error, rx, tx, ...).
sess() {
	ctl "$1" us status | jq -r --arg p "$2" --arg k "$3" \
		'select(.kind == "session" and .peer == $p) | .[$k] // ""'
}

sess_established() { [ "$(sess "$1" "$2" state)" = Established ]; }

# our_route LAB PREFIX: "ASPATH|NEXTHOP|FROM" of our best path, or nothing
# (the AS path, an array in the JSON, as "64500 4200000009").
our_route() {
	"$AL" routes us --lab "$1" --json | jq -r --arg p "$2" '.routes[] |
		select(.prefix == $p) |
		"\(.aspath | map(tostring) | join(" "))|\(.nexthop)|\(.from)"'
}

# our_route_field LAB PREFIX KEY: one field of our best path to PREFIX.
our_route_field() {
	"$AL" routes us --lab "$1" --json | jq -r --arg p "$2" --arg k "$3" \
		'.routes[] | select(.prefix == $p) | .[$k] |
		if type == "array" then map(tostring) | join(" ")
		elif . == null then "" else tostring end'
}

has_our_route() { [ -n "$(our_route "$1" "$2")" ]; }

# fib LAB PREFIX: our kernel route to PREFIX.
fib() {
	ip -n "$1-us" route show "$2"
}

# has_fib LAB PREFIX: our speaker installed a route to PREFIX.
has_fib() { [ -n "$(ip -n "$1-us" route show "$2" proto bgp)" ]; }

our_log() { cat "/run/anycastlab/$1/us.log"; }

# tcp_role LAB PEER_ADDR: "initiator" when our end of the BGP connection
# with PEER_ADDR is the ephemeral port (we connected), "responder" when
# it is 179.
tcp_role() {
	local l
	l=$(ip netns exec "$1-us" ss -Htn state established "( sport = :179 or dport = :179 )" dst "$2" | head -1)
	[ -n "$l" ] || { echo none; return; }
	case "$(awk '{print $3}' <<<"$l")" in
	*:179) echo responder ;;
	*) echo initiator ;;
	esac
}

# ---- wire ----

# capture_start NAME LAB IFACE: tshark on our side of the link to IFACE,
# BGP only, into $IOP_TMP/NAME.pcap; returns once it is capturing.
capture_start() {
	mkdir -p "$IOP_TMP/pcap"
	iop_bg "$1" "$2" us tshark -n -i "$3" -f 'tcp port 179' \
		-w "$IOP_TMP/pcap/$1.pcap"
	wait_for 30 grep -q "Capturing on" "$IOP_TMP/$1.out"
}

capture_stop() {
	iop_stop "$1" INT
}

# pcap_count NAME FILTER: packets of the capture matching a display filter.
pcap_count() {
	tshark -n -r "$IOP_TMP/pcap/$1.pcap" -Y "$2" 2>/dev/null | wc -l
}

# pcap_fields NAME FILTER FIELD...: one line per matching packet.
pcap_fields() {
	local name=$1 filter=$2 args=() f
	shift 2
	for f in "$@"; do args+=(-e "$f"); done
	tshark -n -r "$IOP_TMP/pcap/$name.pcap" -Y "$filter" -T fields \
		-E separator='|' "${args[@]}" 2>/dev/null
}

# pcap_bad NAME: the packets of the capture Wireshark flags: malformed
# (it could not dissect them), or with expert info of error severity
# (PI_ERROR) or of the malformed group (PI_MALFORMED, warnings included).
# Asking for the expert fields makes tshark build the whole tree; a
# display filter alone would skip the expert info some dissectors only
# add while building it.
pcap_bad() {
	tshark -n -r "$IOP_TMP/pcap/$1.pcap" -T fields -E separator='|' \
		-E occurrence=a -E aggregator=';' -e frame.number \
		-e _ws.expert.severity -e _ws.expert.group -e _ws.malformed \
		-e _ws.expert.message 2>/dev/null | awk -F'|' '
		{
			bad = $4 != ""
			n = split($2, sev, ";")
			for (i = 1; i <= n; i++) if (sev[i] + 0 >= 8388608) bad = 1
			n = split($3, grp, ";")
			for (i = 1; i <= n; i++) if (grp[i] + 0 == 117440512) bad = 1
			if (bad) print "frame " $1 ": " $5
		}'
}

# ---- peers ----
#
# A peer instance INST is one daemon in one lab node.  peer_new records
# what its configuration needs; the test defines the driver, functions
# that act on an instance through the daemon's own configuration and CLI:
#
#   drv_start INST          write the configuration, start the daemon
#   drv_kill INST           crash it (SIGKILL)
#   drv_state INST          "Established" when it says the session is up
#   drv_hold INST           the hold time it negotiated, in seconds
#   drv_route INST PREFIX   "ASPATH|NEXTHOP" of its route, nothing if none
#                           (ASPATH: AS numbers separated by spaces)
#   drv_announce INST PREFIX / drv_withdraw INST PREFIX
#   drv_shutdown INST TEXT  send Cease/Administrative Shutdown; prints the
#                           Shutdown Communication it sent
#   drv_enable INST         let the session come back after drv_shutdown
#   drv_cease_log INST      what it logged of the NOTIFICATIONs it received
#   drv_ups INST            how many times the session came up, its view
#
# and sets DRV_NAME (for messages), DRV_CEASE_RE (what drv_cease_log must
# show of our Cease: code and Shutdown Communication), DRV_AS2 (1: it can
# run without the 4-octet AS capability), DRV_AS2_VIEW (the AS_PATH it
# shows for our route then, and DRV_AS2_NOTE why, if that is not what
# our AS4_PATH says) and DRV_RECONNECTS (1: after its own Cease it
# reconnects by itself, so our session is back before we look).

declare -A P_LAB P_NODE P_AS P_US_AS P_ADDR P_US_ADDR P_RID P_HOLD \
	P_PASSIVE P_AS4 P_NETS P_DIR

# peer_new INST LAB NODE AS OUR_AS HOLD PASSIVE(0|1) AS4(0|1) PREFIX...
peer_new() {
	local i=$1
	P_LAB[$i]=$2
	P_NODE[$i]=$3
	P_AS[$i]=$4
	P_US_AS[$i]=$5
	P_HOLD[$i]=$6
	P_PASSIVE[$i]=$7
	P_AS4[$i]=$8
	shift 8
	P_NETS[$i]="$*"
	P_ADDR[$i]=$(link_addr "${P_LAB[$i]}" "${P_NODE[$i]}" us)
	P_US_ADDR[$i]=$(link_addr "${P_LAB[$i]}" us "${P_NODE[$i]}")
	P_RID[$i]=$(router_id "${P_LAB[$i]}" "${P_NODE[$i]}")
	P_DIR[$i]=$IOP_TMP/$i
	mkdir -p "${P_DIR[$i]}"
	chmod 755 "${P_DIR[$i]}"
}

# Both ends say the session is up.
session_up() {
	sess_established "${P_LAB[$1]}" "${P_NODE[$1]}" &&
		[ "$(drv_state "$1")" = Established ]
}

peer_has() { [ -n "$(drv_route "$1" "$2")" ]; }

# topo OUR_AS PEER_AS [HOLD] [OUR_PASSIVE]: a POP "us" and one peer node.
topo() {
	cat <<EOT
defaults: {hold-time: ${3:-3}, connect-retry: 1}
nodes:
  us:   {kind: pop, asn: $1${4:+, passive: true}}
  peer: {kind: isp, asn: $2, daemon: none}
links:
  - [peer, us]
EOT
}

# ---- the checks every peer goes through ----
#
# Four labs run side by side, so that the 30 seconds of keepalives lab A
# and lab B must survive overlap every other check:
#   A  we connect (the peer is passive); hold time ours 3, theirs 9;
#      routes and withdrawals both ways; our Cease at the end; captured
#   B  the peer connects (we are passive); hold time ours 90, theirs 3;
#      4-octet AS numbers on both sides
#   C  the peer runs without the 4-octet AS capability (where it can);
#      our AS is 4-octet, so it gets AS_TRANS and AS4_PATH; captured
#   D  the peer crashes and comes back; the peer sends a Cease

std_begin() {
	iop_lab LA a "$(topo 13335 64500 3)" || return 1
	iop_lab LB b "$(topo 4200000001 4200000002 90 yes)" || return 1
	iop_lab LD d "$(topo 13335 64500 3)" || return 1
	peer_new pa "$LA" peer 64500 13335 9 1 1 "$PEER_NET"
	peer_new pb "$LB" peer 4200000002 4200000001 3 0 1 "$PEER_NET"
	peer_new pd "$LD" peer 64500 13335 9 0 1 "$PEER_NET"
	capture_start capa "$LA" peer || diag "capture of lab A did not start"
	if [ "$DRV_AS2" = 1 ]; then
		iop_lab LC c "$(topo 4200000001 64500 3)" || return 1
		peer_new pc "$LC" peer 64500 4200000001 9 0 0 "$PEER_NET"
		capture_start capc "$LC" peer || diag "capture of lab C did not start"
	fi
	drv_start pa
	drv_start pb
	drv_start pd
	[ "$DRV_AS2" = 1 ] && drv_start pc
	wait_for 30 session_up pa
	return 0
}

std_routes() {
	local i=pa lab="$LA"
	ok "A: $DRV_NAME and we are Established" session_up "$i"
	is "A: we initiated the connection ($DRV_NAME is passive)" \
		"$(tcp_role "$lab" "${P_ADDR[$i]}")" initiator
	is "A: our negotiated hold time is 3 s (ours 3, theirs 9)" \
		"$(sess "$lab" peer hold)" 3
	is "A: $DRV_NAME's negotiated hold time is 3 s" "$(drv_hold "$i")" 3

	wait_for 30 peer_has "$i" "$ANYCAST"
	is "A: $DRV_NAME learns $ANYCAST with AS_PATH [13335] and our next hop" \
		"$(drv_route "$i" "$ANYCAST")" "13335|${P_US_ADDR[$i]}"
	wait_for 30 has_fib "$lab" "$PEER_NET"
	is "A: we learn $PEER_NET from $DRV_NAME with AS_PATH [64500] and its next hop, and select it" \
		"$(our_route "$lab" "$PEER_NET")" "64500|${P_ADDR[$i]}|peer"
	like "A: and install it in our kernel FIB" "$(fib "$lab" "$PEER_NET")" \
		"^$PEER_NET via ${P_ADDR[$i]//./\\.} dev peer proto bgp metric 20"

	seen 30 peer_has "$i" "$ANYCAST"
	"$AL" withdraw us --lab "$lab" >/dev/null
	ok "A: after we withdraw $ANYCAST, $DRV_NAME no longer has it" \
		gone 30 peer_has "$i" "$ANYCAST"
	"$AL" announce us --lab "$lab" >/dev/null
	ok "A: after we announce it again, $DRV_NAME has it again" \
		wait_for 30 peer_has "$i" "$ANYCAST"

	seen 30 eval 'has_our_route "$lab" "$PEER_NET" && has_fib "$lab" "$PEER_NET"'
	drv_withdraw "$i" "$PEER_NET"
	ok "A: after $DRV_NAME withdraws $PEER_NET, it leaves our RIB" \
		gone 30 has_our_route "$lab" "$PEER_NET"
	ok "A: and our kernel FIB" gone 30 has_fib "$lab" "$PEER_NET"
	drv_announce "$i" "$PEER_NET"
	ok "A: after $DRV_NAME announces it again, it is back in our FIB" \
		wait_for 30 has_fib "$lab" "$PEER_NET"
}

std_as4() {
	local i=pb lab="$LB"
	ok "B: $DRV_NAME (AS4200000002) and we (AS4200000001) are Established" \
		wait_for 30 session_up "$i"
	is "B: $DRV_NAME initiated the connection (we are passive)" \
		"$(tcp_role "$lab" "${P_ADDR[$i]}")" responder
	is "B: our negotiated hold time is 3 s (ours 90, theirs 3)" \
		"$(sess "$lab" peer hold)" 3
	is "B: $DRV_NAME's negotiated hold time is 3 s" "$(drv_hold "$i")" 3
	wait_for 30 peer_has "$i" "$ANYCAST"
	is "B: $DRV_NAME learns $ANYCAST with AS_PATH [4200000001]" \
		"$(drv_route "$i" "$ANYCAST")" "4200000001|${P_US_ADDR[$i]}"
	wait_for 30 has_fib "$lab" "$PEER_NET"
	is "B: we learn $PEER_NET with AS_PATH [4200000002]" \
		"$(our_route "$lab" "$PEER_NET")" "4200000002|${P_ADDR[$i]}|peer"
	ok "B: and install it in our kernel FIB" has_fib "$lab" "$PEER_NET"
}

std_as2() {
	[ "$DRV_AS2" = 1 ] || return 0
	local i=pc lab="$LC" us
	us=${P_US_ADDR[$i]//./\\.}
	ok "C: $DRV_NAME without the 4-octet AS capability and we (AS4200000001) are Established" \
		wait_for 30 session_up "$i"
	wait_for 30 peer_has "$i" "$ANYCAST"
	is "C: $DRV_NAME shows $ANYCAST with AS_PATH [$DRV_AS2_VIEW]" \
		"$(drv_route "$i" "$ANYCAST")" "$DRV_AS2_VIEW|${P_US_ADDR[$i]}"
	[ -n "${DRV_AS2_NOTE:-}" ] && diag "C: $DRV_AS2_NOTE"
	wait_for 30 has_fib "$lab" "$PEER_NET"
	is "C: we learn $PEER_NET with AS_PATH [64500] from its 2-octet encoding" \
		"$(our_route "$lab" "$PEER_NET")" "64500|${P_ADDR[$i]}|peer"
	capture_stop capc
	is "C: on the wire our OPEN says My AS 23456 (AS_TRANS) and 4200000001 in the capability" \
		"$(pcap_fields capc "bgp.type == 1 && ip.src == ${P_US_ADDR[$i]}" \
			bgp.open.myas bgp.cap.4as | head -1)" "23456|4200000001"
	is "C: and $DRV_NAME's OPEN has no 4-octet AS capability" \
		"$(pcap_count capc "bgp.type == 1 && ip.src == ${P_ADDR[$i]} && bgp.cap.type == 65")" 0
	is "C: our UPDATE carries AS_PATH [23456] and AS4_PATH [4200000001]" \
		"$(pcap_fields capc "bgp.type == 2 && ip.src == ${P_US_ADDR[$i]} && bgp.update.path_attribute.type_code == 17" \
			bgp.update.path_attribute.as_path_segment.as2 \
			bgp.update.path_attribute.as_path_segment.as4 | head -1)" \
		"23456|4200000001"
	is "C: nothing in the capture is malformed or an expert error" \
		"$(pcap_bad capc)" ""
}

std_restart() {
	local i=pd lab="$LD" pid text re ups
	ok "D: $DRV_NAME and we are Established" wait_for 30 session_up "$i"
	ok "D: its routes are in our FIB" seen 30 has_fib "$lab" "$PEER_NET"
	pid=$(our_pid "$lab")
	drv_kill "$i"
	ok "D: when $DRV_NAME is killed, our session goes down" \
		wait_not 30 sess_established "$lab" peer
	ok "D: and its routes leave our FIB" gone 30 has_fib "$lab" "$PEER_NET"
	drv_start "$i"
	ok "D: $DRV_NAME started again: the session is Established again" \
		wait_for 30 session_up "$i"
	ok "D: its routes are back in our FIB" wait_for 30 has_fib "$lab" "$PEER_NET"
	ok "D: and it has our $ANYCAST again" wait_for 30 peer_has "$i" "$ANYCAST"
	is "D: our router was not restarted (same pid)" "$(our_pid "$lab")" "$pid"

	ups=$(sess "$lab" peer established)
	text=$(drv_shutdown "$i" "maintenance window 42")
	re="received NOTIFICATION 6/2 \(Cease, Administrative Shutdown\): \"$text\""
	ok "D: when $DRV_NAME sends a Cease, we log its code and Shutdown Communication" \
		wait_for 30 grep -Eq "peer peer: $re" "/run/anycastlab/$lab/us.log"
	like "D: and that the session went down for it" "$(our_log "$lab")" \
		"peer peer: session down \($re\)"
	if [ "${DRV_RECONNECTS:-0}" = 0 ]; then
		like "D: status shows it as how the session ended" \
			"$(sess "$lab" peer last_error)" "$re"
	fi
	drv_enable "$i"
	ok "D: the session comes back when $DRV_NAME allows it" \
		wait_for 30 session_up "$i"
	is "D: it came up once more in our view" "$(sess "$lab" peer established)" \
		"$((ups + 1))"
	is "D: still the same router (same pid)" "$(our_pid "$lab")" "$pid"
}

# still_up INST: the session of INST has not flapped for 30 s, both views.
still_up() {
	local i=$1 lab=${P_LAB[$1]} name=$2
	ok "$name: the session is still Established" session_up "$i"
	ge "$name: for at least 30 s in our view (since_ms)" \
		"$(sess "$lab" peer since_ms)" 30000
	is "$name: it came up once in our view" "$(sess "$lab" peer established)" 1
	is "$name: it came up once in $DRV_NAME's view" "$(drv_ups "$i")" 1
}

# aged LAB: our session with "peer" has been in its state for 30 s.
aged() {
	local v
	v=$(sess "$1" peer since_ms)
	[ "${v:-0}" -ge 30000 ]
}

# ---- our policy on the wire: prepend, MED, communities ----
#
# Lab P: "us" announces the anycast prefix with two extra copies of its
# AS, MED 5, a standard, a well-known and a large community.  The peer
# must decode all of it, as drv_comms prints it: communities as "a:b" and
# "a:b:c" (well-known ones as numbers), sorted, space-separated.
POLICY_COMMS="13335:1:2 64500:77 65535:65281"

std_policy() {
	local us
	iop_lab LP p "defaults: {hold-time: 3, connect-retry: 1}
nodes:
  us:   {kind: pop, asn: 13335}
  peer: {kind: isp, asn: 64500, daemon: none}
links:
  - {endpoints: [peer, us], prepend: 2, med: 5, communities: [\"64500:77\", no-export, \"13335:1:2\"]}" ||
		{ fail "P: cannot build the policy lab"; return; }
	peer_new pp "$LP" peer 64500 13335 9 0 1 "$PEER_NET"
	capture_start capp "$LP" peer || diag "capture of lab P did not start"
	drv_start pp
	ok "P: the session comes up" wait_for 30 session_up pp
	seen 30 peer_has pp "$ANYCAST"
	is "P: $DRV_NAME sees our prepend: our AS three times" \
		"$(drv_route pp "$ANYCAST")" "13335 13335 13335|${P_US_ADDR[pp]}"
	is "P: $DRV_NAME decodes our communities, the large one too" \
		"$(drv_comms pp "$ANYCAST")" "$POLICY_COMMS"
	[ -n "$(declare -F drv_med)" ] &&
		is "P: $DRV_NAME reads our MED" "$(drv_med pp "$ANYCAST")" "5"
	sleep 1
	capture_stop capp
	us=${P_US_ADDR[pp]}
	is "P wire: our UPDATE carries COMMUNITIES, Wireshark reads 64500:77" \
		"$(pcap_fields capp "bgp.type == 2 && ip.src == $us && bgp.nlri_prefix == 104.16.0.0" bgp.update.path_attribute.community_as bgp.update.path_attribute.community_value | sort -u | head -1)" \
		"64500|77"
	ge "P wire: and NO_EXPORT" \
		"$(pcap_count capp "bgp.type == 2 && ip.src == $us && bgp.update.path_attribute.community_wellknown == 0xffffff01")" 1
	ge "P wire: and LARGE_COMMUNITY" \
		"$(pcap_count capp "bgp.type == 2 && ip.src == $us && bgp.update.path_attribute.type_code == 32")" 1
	is "P wire: no packet is malformed or carries an expert error" \
		"$(pcap_bad capp)" ""
}

std_end() {
	local pid us peer
	wait_for 40 aged "$LA"
	wait_for 40 aged "$LB"
	still_up pa A
	still_up pb B

	us=${P_US_ADDR[pa]}
	peer=${P_ADDR[pa]}
	pid=$(our_pid "$LA")
	kill -TERM "$pid"
	wait_not 5 kill -0 "$pid"
	wait_for 30 eval '[[ "$(drv_cease_log pa)" =~ $DRV_CEASE_RE ]]'
	like "A: after SIGTERM to our router, $DRV_NAME logs our Cease with its code and text" \
		"$(drv_cease_log pa)" "$DRV_CEASE_RE"
	diag "A: $DRV_NAME: $(drv_cease_log pa | tail -1)"

	capture_stop capa
	ge "A wire: OPEN from us" "$(pcap_count capa "bgp.type == 1 && ip.src == $us")" 1
	ge "A wire: OPEN from $DRV_NAME" "$(pcap_count capa "bgp.type == 1 && ip.src == $peer")" 1
	ge "A wire: UPDATEs from us" "$(pcap_count capa "bgp.type == 2 && ip.src == $us")" 2
	ge "A wire: UPDATEs from $DRV_NAME" "$(pcap_count capa "bgp.type == 2 && ip.src == $peer")" 2
	ge "A wire: KEEPALIVEs from us over 30 s at 1 s" \
		"$(pcap_count capa "bgp.type == 4 && ip.src == $us")" 28
	ge "A wire: KEEPALIVEs from $DRV_NAME" \
		"$(pcap_count capa "bgp.type == 4 && ip.src == $peer")" 28
	is "A wire: our one NOTIFICATION is a Cease/Administrative Shutdown with our text" \
		"$(pcap_fields capa "bgp.type == 3 && ip.src == $us" bgp.notify.major_error \
			bgp.notify.minor_error_cease bgp.notify.communication)" \
		"6|2|$SHUTDOWN_TEXT"
	is "A wire: no packet is malformed or carries an expert error" \
		"$(pcap_bad capa)" ""
	diag "A wire: $(pcap_count capa bgp) BGP packets captured"
}
