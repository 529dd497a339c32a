#!/usr/bin/env bash
# One client must not lock every other client out of a POP's HTTP
# responder.  u-del and u-jnb both reach bom (world.yaml's catchment); u-del
# opens a bounded flood of idle TCP connections to 104.16.0.1:80 (2,000,
# within 30 s, held at most 10 s) and, while they are held, u-jnb must be
# served within a second; u-del itself gets no more than its per-address
# cap (512 by default, src/http/server.h), the rest closed at once.  Then
# the pressure rules (over half full, and full), with bounded floods too.
. "$(dirname "$0")/lib.sh"
lab_init tf

FLOOD=2000
PER_ADDR=512

topo=$(world_copy "$LAB")
"$AL" up "$topo" >/dev/null 2>&1
ok "the world lab is up" test $? -eq 0
is "u-del is answered by bom" "$(rr_pop u-del)" bom
is "u-jnb is answered by bom" "$(rr_pop u-jnb)" bom

# flood USER N TAG SETTLE [PAYLOAD [LATE]] (below) runs this in USER's
# namespace.  A flood: N connections, sending PAYLOAD (if any, "-" for
# none) on each; let the server sort them out (SETTLE s), count what it
# kept (no EOF, no reset) and say so in DIR/TAG.ready; wait for DIR/TAG.go
# (at most 8 s) and count again; with LATE, count a third time LATE s after
# the handshakes.  Prints "connected held held-at-go failed seconds-to-
# connect age-at-go [held-late]", ages from the last handshake.
cat > "$TMPD/flood.py" <<'PY'
import os, resource, select, socket, sys, time
n, d, tag, settle = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
payload = sys.argv[5].encode() if len(sys.argv) > 5 and sys.argv[5] != "-" else b""
late = float(sys.argv[6]) if len(sys.argv) > 6 else None
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 100), hard))
t0 = time.time()
socks, failed = [], 0
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.connect_ex(("104.16.0.1", 80))
    socks.append(s)
pending = set(socks)
while pending and time.time() - t0 < 30:
    p = select.poll()
    for s in pending:
        p.register(s, select.POLLOUT)
    for fd, ev in p.poll(500):
        s = next(x for x in pending if x.fileno() == fd)
        pending.discard(s)
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
            failed += 1
        elif payload:
            try:
                s.send(payload)
            except OSError:
                pass
tc = time.time()
connected = [s for s in socks if s not in pending]
time.sleep(settle)
def held(v):
    p = select.poll()
    for s in v:
        p.register(s, select.POLLIN)
    gone = {fd for fd, ev in p.poll(0)}
    return sum(1 for s in v if s.fileno() not in gone)
h1 = held(connected)
open(d + "/" + tag + ".ready", "w").write("%d %d %d\n" % (len(connected) - failed, h1, failed))
t1 = time.time()
while not os.path.exists(d + "/" + tag + ".go") and time.time() - t1 < 8:
    time.sleep(0.02)
h2 = held(connected)
out = [len(connected) - failed, h1, h2, failed, "%.2f" % (tc - t0), "%.2f" % (time.time() - tc)]
if late is not None:
    time.sleep(max(0, tc + late - time.time()))
    out.append(held(connected))
print(*out)
PY

# flood USER N TAG SETTLE [PAYLOAD [LATE]]: start one in the background, in $FLAB.
FLAB=$LAB
flood() {
	ip netns exec "$FLAB-$1" timeout 60 python3 "$TMPD/flood.py" "$2" "$TMPD" "$3" "$4" "${@:5}" \
		> "$TMPD/$3.out" 2> "$TMPD/$3.err" &
}
# wait_ready TAG: until the flood has counted (at most 40 s).
wait_ready() {
	local i
	for i in $(seq 1 800); do
		[ -s "$TMPD/$1.ready" ] && return 0
		sleep 0.05
	done
	return 1
}
# curl_user [USER]: one request from USER (u-jnb) in $FLAB; the first line
# of the answer and its time in ms in $got and $ms.
curl_user() {
	local t0 u=${1:-u-jnb}
	t0=$(date +%s%N)
	got=$(timeout 5 "$AL" curl "$u" --lab "$FLAB" 2>&1 | head -1)
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	diag "$u: $got ($ms ms)"
}

flood u-del "$FLOOD" del 1
flood_pid=$!
ok "the flood is in place" wait_ready del
diag "flood (connected held failed): $(cat "$TMPD/del.ready" 2>/dev/null)"
curl_user
touch "$TMPD/del.go"
wait "$flood_pid"
like "while u-del floods, u-jnb gets 200 from bom" "$got" " -> 200 OK from bom "
ok "within a second" test "$ms" -lt 1000

read -r connected held1 held2 failed secs _ < "$TMPD/del.out"
diag "flood: $connected connected in ${secs}s, $held1 held, $held2 still held after u-jnb's request, $failed failed; $(head -3 "$TMPD/del.err")"
is "u-del's $FLOOD connections all completed the handshake" "$connected" "$FLOOD"
is "u-del keeps exactly its per-address cap" "$held1" "$PER_ADDR"
is "and still holds them after u-jnb was served" "$held2" "$PER_ADDR"
is "the rest were closed at once" "$((connected - held1))" "$((FLOOD - PER_ADDR))"

got=$(timeout 5 "$AL" curl u-del --lab "$LAB" 2>&1 | head -1)
like "once its flood is gone, u-del is served again" "$got" " -> 200 OK from bom "

# Pressure: u-del holds its 512 idle connections again and u-jnb 100 that
# are busy with a request they never finish (the header timeout, 5 s,
# bounds those), so bom holds over half its 1,024.  Once u-del's have been
# idle for over the pressure timeout (1 s), a new connection first closes
# the longest idle ones until no more than half are open: u-del loses
# some, not all, and u-jnb's next request is served.
flood u-del 600 del2 0.2
del_pid=$!
wait_ready del2
flood u-jnb 100 jnb 0.2 $'GET / HTTP/1.1\r\nHost: x\r\n'
jnb_pid=$!
wait_ready jnb
read -r _ dheld _ < "$TMPD/del2.ready"
read -r _ jheld _ < "$TMPD/jnb.ready"
is "u-del holds its cap of idle connections again" "$dheld" "$PER_ADDR"
is "u-jnb holds 100 unfinished requests" "$jheld" 100
sleep 1.5
curl_user
touch "$TMPD/del2.go" "$TMPD/jnb.go"
wait "$del_pid" "$jnb_pid"
like "over half full, u-jnb gets 200 from bom" "$got" " -> 200 OK from bom "
ok "within a second" test "$ms" -lt 1000
read -r _ held1 held2 _ < "$TMPD/del2.out"
diag "u-del: $held1 idle held before u-jnb's request, $held2 after"
ok "some of u-del's idle connections were closed to make room" test "$held2" -lt "$held1"
ok "but not all of them" test "$held2" -gt 0

# The global cap: in a lab of three users on one ISP and one POP, u-b
# holds 512 unfinished requests and then u-a its 512 idle connections, so
# the POP holds 1,024 of 1,024.  u-c is still served: the longest idle
# connection (u-a's) makes room, u-b's busy ones are not touched.  u-a's
# came in over half full, so they get the pressure timeout (1 s), not 10 s.
"$AL" down "$LAB" >/dev/null 2>&1
FLAB="tc$$"
FLAB=${FLAB:0:15}
EXTRA_LABS+=("$FLAB")
cat > "$TMPD/cap.yaml" <<YAML
name: $FLAB
anycast:
  prefix: 104.16.0.0/24
  address: 104.16.0.1
addressing:
  links: 100.64.0.0/16
  loopbacks: 100.127.0.0/24
defaults:
  hold-time: 3
  connect-retry: 1
nodes:
  pop: {kind: pop, asn: 13335}
  isp: {kind: isp, asn: 64500}
  u-a: {kind: user}
  u-b: {kind: user}
  u-c: {kind: user}
links:
  - [u-a, isp]
  - [u-b, isp]
  - [u-c, isp]
  - [isp, pop]
YAML
"$AL" up "$TMPD/cap.yaml" >/dev/null 2>&1
ok "a lab of three users behind one ISP and one POP is up" test $? -eq 0
for _ in $(seq 1 100); do
	curl_user u-c >/dev/null
	[[ $got == *" -> 200 OK from pop "* ]] && break
	sleep 0.1
done
like "u-c is served by pop" "$got" " -> 200 OK from pop "
flood u-b 600 b 0.2 $'GET / HTTP/1.1\r\nHost: x\r\n'
b_pid=$!
wait_ready b
flood u-a 600 a 0.1 - 3
a_pid=$!
wait_ready a
curl_user u-c
touch "$TMPD/a.go" "$TMPD/b.go"
wait "$a_pid" "$b_pid"
read -r _ a1 a2 _ _ age a3 < "$TMPD/a.out"
read -r _ b1 b2 _ < "$TMPD/b.out"
diag "u-b: $b1 unfinished held, $b2 after u-c's request; u-a: $a1 idle held, $a2 after u-c's request (${age}s after its handshakes), $a3 3 s after"
is "u-b and u-a hold 1,024 connections, the POP's cap" "$((a1 + b1))" 1024
like "at the cap, u-c gets 200 from pop" "$got" " -> 200 OK from pop "
ok "within a second" test "$ms" -lt 1000
is "u-b's unfinished requests were left alone" "$b2" "$b1"
if awk -v a="$age" 'BEGIN { exit !(a < 0.9) }'; then
	is "u-a's longest idle connection, and only that, made room" "$a2" "$((a1 - 1))"
else
	pass "u-a's longest idle connection made room # SKIP counted ${age}s after u-a's flood, past its 1 s timeout"
fi
is "u-a's idle connections, opened over half full, are gone within 3 s" "$a3" 0
done_testing
