#!/usr/bin/env bash
# The POPs' authoritative DNS as three real clients see it: dig (BIND 9),
# kdig (Knot) and drill (ldns), from u-syd and u-ber of one world lab,
# each over UDP and TCP, without EDNS, with EDNS and with NSID, asking
# cdn.example.com A, SOA and NS, a name of the zone that does not exist
# and id.server CH TXT.  Every answer is checked on what the client
# printed: the records, the RCODE, the AA flag, EDNS present exactly when
# asked for, NSID (and id.server) naming the POP world.yaml's table names
# for the user, nothing on stderr and no warning.  The queries go out
# with RD clear, as a resolver asks an authoritative server; one more
# query per client with RD set checks that RD is copied and RA stays
# clear (dig warns "recursion requested but not available" then, as it
# does for NSD and Knot).
#
# All of it is captured in both users' namespaces (dumpcap, port 53) and
# read back with tshark: the capture must hold every query and answer,
# and no packet may be malformed or carry expert info of warning
# severity or above.  A malformed datagram in a capture of its own shows
# that the filter does catch one.
#
# Truncation: no answer of the default zone comes near 512 octets (ANY
# gets one RRset, RFC 8482), so that case is skipped, said with the
# largest answer captured; instead a bounded UDP burst from u-syd pushes
# its /24 over syd's response-rate limit, whose slipped answers are
# truncated, and dig must retry over TCP and get the answer there.
. "$(dirname "$0")/../lab/lib.sh"
lab_init idns

for b in dig kdig drill dumpcap tshark python3; do
	command -v "$b" >/dev/null 2>&1 ||
		skip_all "$b is not installed (scripts/deps test interop)"
done

ADDR=104.16.0.1
USERS=(u-syd u-ber)
CAPS=()		# "pid:start" of every capture started, for the cleanup
FLOOD=		# "pid:start" of the UDP burst while it runs

# proc_start PID: when the process started, to tell it from a later
# process that got the same pid.
proc_start() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'; }
ours() { [ -n "$2" ] && [ "$(proc_start "$1")" = "$2" ]; }

# stop_pid PID:START SIGNAL: signal it while it is still ours, wait up
# to 5 s for it to exit, then SIGKILL.
stop_pid() {
	local pid=${1%%:*} start=${1#*:} i
	ours "$pid" "$start" || return 0
	kill "-$2" "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		ours "$pid" "$start" || break
		sleep 0.1
	done
	ours "$pid" "$start" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

dns_cleanup() {
	local c
	[ -n "$FLOOD" ] && stop_pid "$FLOOD" TERM
	for c in "${CAPS[@]}"; do stop_pid "$c" INT; done
	lab_cleanup
}
trap dns_cleanup EXIT

# cap_start NAME USER: dumpcap on every interface of USER's namespace,
# port 53 only, into $TMPD/NAME.pcapng; returns once it is capturing.
# `ip netns exec` execs dumpcap, so the pid is dumpcap's own.
declare -A CAP_PID
cap_start() {
	local pid i
	ip netns exec "$LAB-$2" dumpcap -n -i any -f 'port 53' \
		-w "$TMPD/$1.pcapng" > "$TMPD/$1.dumpcap" 2>&1 &
	pid=$!
	CAP_PID[$1]="$pid:$(proc_start "$pid")"
	CAPS+=("${CAP_PID[$1]}")
	for ((i = 0; i < 100; i++)); do
		grep -q "Capturing on" "$TMPD/$1.dumpcap" && return 0
		sleep 0.1
	done
	return 1
}
cap_stop() { stop_pid "${CAP_PID[$1]}" INT; }

# cap_count NAME FILTER: the packets of a capture matching a display filter.
cap_count() { tshark -n -r "$TMPD/$1.pcapng" -Y "$2" 2>/dev/null | wc -l; }

# cap_bad NAME: what tshark prints of the packets it finds malformed or
# flags with expert info of warning severity or above (nothing when
# every packet is clean).
cap_bad() {
	tshark -n -r "$TMPD/$1.pcapng" \
		-Y '_ws.malformed || _ws.expert.severity >= warning' 2>&1 |
		grep -v '^Running as user "root"'
}

# ---- the clients ----

# ask USER CLIENT TRANSPORT EDNS NAME TYPE [CLASS] [rd]: one query, the
# client's stdout in $TMPD/out, stderr in $TMPD/err, its exit status in
# RC.  TRANSPORT: udp, tcp; EDNS: noedns, edns, nsid.  RD is clear unless
# the last argument is "rd".
ask() {
	local u=$1 c=$2 tr=$3 e=$4 name=$5 type=$6 class=${7:-IN} rd=${8:-} a=()
	case $c in
	dig)
		a=(+time=3 +tries=1)
		[ "$rd" = rd ] || a+=(+norecurse)
		if [ "$tr" = tcp ]; then a+=(+tcp); else a+=(+notcp); fi
		case $e in noedns) a+=(+noedns) ;; edns) a+=(+edns) ;; nsid) a+=(+nsid) ;; esac
		a+=("@$ADDR" "$name" "$class" "$type") ;;
	kdig)
		a=(+time=3 +retry=0)
		if [ "$rd" = rd ]; then a+=(+recurse); else a+=(+norecurse); fi
		if [ "$tr" = tcp ]; then a+=(+tcp); else a+=(+notcp); fi
		case $e in noedns) a+=(+noedns) ;; edns) a+=(+edns) ;; nsid) a+=(+nsid) ;; esac
		a+=("@$ADDR" "$name" "$class" "$type") ;;
	drill)
		# drill sends no OPT unless given a buffer size; -o rd clears RD.
		[ "$rd" = rd ] || a+=(-o rd)
		if [ "$tr" = tcp ]; then a+=(-t); else a+=(-u); fi
		[ "$e" = edns ] && a+=(-b 1232)
		a+=("$name" "@$ADDR" "$type" "$class") ;;
	esac
	ip netns exec "$LAB-$u" "$c" "${a[@]}" > "$TMPD/out" 2> "$TMPD/err"
	RC=$?
	NQ[$u]=$((${NQ[$u]:-0} + 1))
	[ "$tr" = tcp ] && NTCP[$u]=$((${NTCP[$u]:-0} + 1))
	return 0
}
declare -A NQ NTCP

# What the clients print for a warning or an error (case matters:
# "NOERROR" is none): dig ";; Warning" / ";; WARNING" / ";; ERROR", kdig
# ";; WARNING" / ";; ERROR", drill "Error" / "warning".
WARN_RE='[Ww]arning|WARNING|Error|^;; ERROR|communications error|timed out'

S='[[:space:]]+'
RR_A="^cdn\\.example\\.com\\.${S}60${S}IN${S}A${S}104\\.16\\.0\\.1\$"
RR_SOA="^cdn\\.example\\.com\\.${S}60${S}IN${S}SOA${S}ns1\\.cdn\\.example\\.com\\.${S}hostmaster\\.cdn\\.example\\.com\\.${S}1${S}3600${S}600${S}86400${S}60\$"
RR_NS="^cdn\\.example\\.com\\.${S}60${S}IN${S}NS${S}ns1\\.cdn\\.example\\.com\\.\$"
RR_GLUE="^ns1\\.cdn\\.example\\.com\\.${S}60${S}IN${S}A${S}104\\.16\\.0\\.1\$"

# parse CLIENT: read the answer in $TMPD/out (and $TMPD/err) once,
# whichever client printed it, into OUT (its lines) and G_RCODE,
# G_FLAGS (" qr aa "), G_NSID, G_EDNS (1: an EDNS section), G_TR (the
# transport the client says it used, "" when it does not say) and G_WARN
# (its warning lines).  Bash only: a check forks nothing.
parse() {
	local l
	mapfile -t OUT < "$TMPD/out"
	mapfile -t ERR < "$TMPD/err"
	G_RCODE= G_FLAGS= G_NSID= G_EDNS=0 G_TR= G_WARN=
	for l in "${OUT[@]}"; do
		[ -z "$G_RCODE" ] && [[ $l =~ (status|rcode):\ ([A-Z]+) ]] &&
			G_RCODE=${BASH_REMATCH[2]}
		[ -z "$G_FLAGS" ] && [[ $l =~ ^\;\;\ [Ff]lags:\ ([^\;]*)\; ]] &&
			G_FLAGS=" ${BASH_REMATCH[1]% } "
		[ -z "$G_NSID" ] && [[ $l =~ ^\;{1,2}\ NSID:\ .*\"([^\"]*)\" ]] &&
			G_NSID=${BASH_REMATCH[1]}
		case $1:$l in
		"dig:;; OPT PSEUDOSECTION:" | "kdig:;; EDNS PSEUDOSECTION:" | "drill:;; EDNS: version 0"*)
			G_EDNS=1 ;;
		esac
		[[ $1 = dig && $l =~ ^\;\;\ SERVER:\ .*\((UDP|TCP)\)$ ]] &&
			G_TR=${BASH_REMATCH[1],,}
		[[ $1 = kdig && $l =~ ^\;\;\ From\ .*\((UDP|TCP)\)\ in ]] &&
			G_TR=${BASH_REMATCH[1],,}
	done
	for l in "${OUT[@]}" "${ERR[@]}"; do
		[[ $l =~ $WARN_RE ]] && G_WARN+="${G_WARN:+ | }$l"
	done
	return 0
}
has_flag() { [[ $G_FLAGS == *" $1 "* ]]; }
has_line() {
	local l
	for l in "${OUT[@]}"; do [[ $l =~ $1 ]] && return 0; done
	return 1
}

# check DESC CLIENT TRANSPORT EDNS POP RCODE [REGEX...]: the answer in
# $TMPD/out is RCODE with qr and aa set, tc, rd and ra clear, and holds a
# line matching every REGEX; EDNS there exactly when asked for; NSID
# equal to POP when asked for, absent otherwise; the transport asked for
# where the client names it; nothing on stderr and no warning.
check() {
	local desc=$1 c=$2 tr=$3 e=$4 pop=$5 rcode=$6 p=() re f
	shift 6
	parse "$c"
	[ "$RC" -eq 0 ] || p+=("exit status $RC")
	[ ${#ERR[@]} -eq 0 ] || p+=("stderr: ${ERR[*]:0:3}")
	[ -n "$G_WARN" ] && p+=("warning: $G_WARN")
	[ "$G_RCODE" = "$rcode" ] || p+=("rcode '$G_RCODE', not $rcode")
	for f in qr aa; do has_flag $f || p+=("flag $f not set ($G_FLAGS)"); done
	for f in tc rd ra; do has_flag $f && p+=("flag $f set ($G_FLAGS)"); done
	for re in "$@"; do has_line "$re" || p+=("no line matching $re"); done
	if [ "$e" = noedns ]; then
		[ "$G_EDNS" = 1 ] && p+=("an EDNS section, none asked for")
	else
		[ "$G_EDNS" = 1 ] || p+=("no EDNS section")
	fi
	if [ "$e" = nsid ]; then
		[ "$G_NSID" = "$pop" ] || p+=("NSID '$G_NSID', not $pop")
	else
		[ -z "$G_NSID" ] || p+=("NSID '$G_NSID' sent unasked")
	fi
	case $c in
	dig | kdig)
		[ "$G_TR" = "$tr" ] || p+=("answered over '$G_TR', not $tr") ;;
	esac
	if [ ${#p[@]} -eq 0 ]; then
		pass "$desc"
	else
		fail "$desc" "${p[@]}" "--- $c printed:" "$(grep -v '^$' "$TMPD/out" | head -12)"
	fi
}

# ---- the lab ----

topo=$(world_copy "$LAB")
"$AL" up "$topo" > "$TMPD/up" 2>&1
rc=$?
ok "the world lab is up" test $rc -eq 0
if [ $rc -ne 0 ]; then
	sed 's/^/# up: /' "$TMPD/up"
	done_testing
	exit 1
fi

for u in "${USERS[@]}"; do
	ok "capturing port 53 in $u's namespace" cap_start "$u" "$u"
done

for u in "${USERS[@]}"; do
	pop=$(expected_pop "$u")
	for c in dig kdig drill; do
		for tr in udp tcp; do
			for e in noedns edns nsid; do
				if [ "$c" = drill ] && [ "$e" = nsid ]; then
					skip "$u drill $tr: NSID: drill 1.8.3 has no option to ask for it (drill -h)"
					continue
				fi
				t="$u $c $tr $e"
				ns=
				[ "$e" = nsid ] && ns=", NSID $pop"
				ask "$u" "$c" "$tr" "$e" cdn.example.com A
				check "$t: cdn.example.com A is 104.16.0.1, NOERROR, aa$ns" \
					"$c" "$tr" "$e" "$pop" NOERROR "$RR_A"
				ask "$u" "$c" "$tr" "$e" cdn.example.com SOA
				check "$t: the SOA, NOERROR, aa$ns" \
					"$c" "$tr" "$e" "$pop" NOERROR "$RR_SOA"
				ask "$u" "$c" "$tr" "$e" cdn.example.com NS
				check "$t: NS ns1.cdn.example.com. with its glue, NOERROR, aa$ns" \
					"$c" "$tr" "$e" "$pop" NOERROR "$RR_NS" "$RR_GLUE"
				ask "$u" "$c" "$tr" "$e" nope.cdn.example.com A
				check "$t: nope.cdn.example.com is NXDOMAIN with the SOA, aa$ns" \
					"$c" "$tr" "$e" "$pop" NXDOMAIN "$RR_SOA"
				ask "$u" "$c" "$tr" "$e" id.server TXT CH
				check "$t: id.server CH TXT names $pop, NOERROR, aa$ns" \
					"$c" "$tr" "$e" "$pop" NOERROR \
					"^id\\.server\\.${S}0${S}CH${S}TXT${S}\"$pop \\([^\"]*\\)\"\$"
			done
		done
	done
done

# RD set, as a stub would send it: copied into the answer, RA clear (we
# do not recurse).  dig says so with a warning, and only that one.
for c in dig kdig drill; do
	ask u-syd "$c" udp edns cdn.example.com A IN rd
	parse "$c"
	rdra=
	has_flag rd && rdra+=rd
	has_flag ra && rdra+=ra
	want=
	[ "$c" = dig ] && want=";; WARNING: recursion requested but not available"
	is "u-syd $c, RD set: the answer has rd and no ra, 104.16.0.1; warnings: '${want:-none}'" \
		"$G_RCODE $rdra $(has_line "$RR_A" && echo A) $G_WARN" \
		"NOERROR rd A $want"
done

# ANY over UDP without EDNS (+notcp: dig 9.18 sends ANY over TCP
# unless told not to): one RRset (RFC 8482), small, not truncated.
ask u-syd dig udp noedns cdn.example.com ANY
check "u-syd dig udp noedns: ANY is answered with one RRset (the A), not truncated" \
	dig udp noedns "" NOERROR "$RR_A"
is "... and only that one record" \
	"$(sed -n -E 's/^;; flags: .*ANSWER: ([0-9]+),.*/\1/p' "$TMPD/out")" 1

for u in "${USERS[@]}"; do
	sleep 0.2	# the last answers reach the capture
	cap_stop "$u"
	q=${NQ[$u]}
	ge "$u capture: at least the $q queries sent" \
		"$(cap_count "$u" 'dns.flags.response == 0')" "$q"
	ge "$u capture: and $q answers" \
		"$(cap_count "$u" 'dns.flags.response == 1 && dns.flags.authoritative == 1')" "$q"
	ge "$u capture: ${NTCP[$u]} of them over TCP" \
		"$(cap_count "$u" 'tcp && dns.flags.response == 1')" "${NTCP[$u]}"
	ge "$u capture: NSID answers carry the option (Wireshark decodes it)" \
		"$(cap_count "$u" "dns.opt.code == 3 && dns.flags.response == 1 && dns.opt.data == \"$(expected_pop "$u")\"")" 1
	is "$u capture: no packet malformed or with an expert warning" "$(cap_bad "$u")" ""
done

# The filter above does see a malformed DNS message: a query whose
# question is cut short, in a capture of its own.
cap_start bad u-syd || diag "the capture of the malformed datagram did not start"
ip netns exec "$LAB-u-syd" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x05ab", ("104.16.0.1", 53))'
sleep 0.3
cap_stop bad
like "a cut-short query is what that filter reports (the check can fail)" \
	"$(cap_bad bad)" "Malformed"

# Truncation by size: the largest answer captured over UDP.
big=$(for u in "${USERS[@]}"; do
	tshark -n -r "$TMPD/$u.pcapng" -Y 'udp && dns.flags.response == 1' \
		-T fields -e udp.length 2>/dev/null
done | sort -n | tail -1)
if [ -n "$big" ] && [ $((big - 8)) -gt 512 ]; then
	diag "an answer of $((big - 8)) octets: the zone has grown, test TC by size here"
fi
skip "TC by size: the default zone's largest answer is $((${big:-8} - 8)) octets over UDP (512 without EDNS), ANY gets one RRset; the unit tests cover TC by size"

# Truncation by rate limit: while u-syd's /24 is over syd's limit (200
# answers a second, a burst of 400), every second answer over it slips
# out truncated and the others are dropped; dig must retry a truncated
# answer over TCP (never limited).  The burst: 2,000 queries a second
# from one socket, at most 10 s, ended as soon as dig has retried.
ip netns exec "$LAB-u-syd" python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
q = b"\x03cdn\x07example\x03com\x00\x00\x01\x00\x01"
t0 = time.monotonic(); n = 0
while True:
    t = time.monotonic() - t0
    if t >= 10: break
    while n < t * 2000:
        try: s.sendto(struct.pack("!6H", n & 0xffff, 0, 1, 0, 0, 0) + q, ("104.16.0.1", 53))
        except BlockingIOError: pass
        n += 1
    time.sleep(0.001)
' > /dev/null 2>&1 &
FLOOD="$!:$(proc_start $!)"
sleep 0.5	# past the burst of 400
tc=
for i in $(seq 12); do
	ip netns exec "$LAB-u-syd" dig +norecurse +time=1 +tries=1 "@$ADDR" \
		cdn.example.com A > "$TMPD/out" 2>&1
	if grep -q '^;; Truncated, retrying in TCP mode' "$TMPD/out"; then
		tc=$i
		break
	fi
done
stop_pid "$FLOOD" TERM
FLOOD=
ok "over syd's rate limit, dig got a truncated answer (try ${tc:-none} of 12)" test -n "$tc"
if [ -n "$tc" ]; then
	like "... retried over TCP and got 104.16.0.1 there" \
		"$(grep -E '^;; SERVER:|^cdn' "$TMPD/out" | paste -sd' ' -)" \
		"^cdn\\.example\\.com\\.${S}60${S}IN${S}A${S}104\\.16\\.0\\.1 ;; SERVER: .*\\(TCP\\)$"
fi
# The bucket refills at 200 a second: 2 s later the limit has let go.
sleep 2.5
ask u-syd dig udp edns cdn.example.com A
check "after the burst, u-syd is answered over UDP again" \
	dig udp edns syd NOERROR "$RR_A"

done_testing
