#!/usr/bin/env bash
# One client must not lock every other client out of a POP's HTTP
# responder.  u-del and u-jnb both reach bom (world.yaml's catchment); u-del
# opens a bounded flood of idle TCP connections to 104.16.0.1:80 (2,000,
# within 30 s, held at most 10 s) and, while they are held, u-jnb must be
# served within a second; u-del itself gets no more than its per-address
# cap (512 by default, src/http/server.h), the rest closed at once.
. "$(dirname "$0")/lib.sh"
lab_init tf

FLOOD=2000
PER_ADDR=512

topo=$(world_copy "$LAB")
"$AL" up "$topo" >/dev/null 2>&1
ok "the world lab is up" test $? -eq 0
is "u-del is answered by bom" "$(rr_pop u-del)" bom
is "u-jnb is answered by bom" "$(rr_pop u-jnb)" bom

# A flood: N connections, sending PAYLOAD (if any) on each; let the
# server sort them out (SETTLE s), count what it kept (no EOF, no reset)
# and say so in DIR/TAG.ready; wait for DIR/TAG.go (at most 8 s), count
# again, print both, and close everything.
cat > "$TMPD/flood.py" <<'PY'
import os, resource, select, socket, sys, time
n, d, tag, settle = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
payload = sys.argv[5].encode() if len(sys.argv) > 5 else b""
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
    time.sleep(0.05)
h2 = held(connected)
print(len(connected) - failed, h1, h2, failed, "%.1f" % (t1 - t0))
PY

# flood USER N TAG SETTLE [PAYLOAD]: start one in the background.
flood() {
	ip netns exec "$LAB-$1" timeout 60 python3 "$TMPD/flood.py" "$2" "$TMPD" "$3" "$4" ${5:+"$5"} \
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
# curl_jnb: u-jnb's request, its first line and its time in ms in $got/$ms.
curl_jnb() {
	local t0
	t0=$(date +%s%N)
	got=$(timeout 5 "$AL" curl u-jnb --lab "$LAB" 2>&1 | head -1)
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	diag "u-jnb: $got ($ms ms)"
}

flood u-del "$FLOOD" del 1
flood_pid=$!
ok "the flood is in place" wait_ready del
diag "flood (connected held failed): $(cat "$TMPD/del.ready" 2>/dev/null)"
curl_jnb
touch "$TMPD/del.go"
wait "$flood_pid"
like "while u-del floods, u-jnb gets 200 from bom" "$got" " -> 200 OK from bom "
ok "within a second" test "$ms" -lt 1000

read -r connected held1 held2 failed secs < "$TMPD/del.out"
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
# idle for over the pressure timeout (1 s), each new connection closes some
# of the longest idle ones first: u-del loses some, not all, and u-jnb's
# next request is served.
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
curl_jnb
touch "$TMPD/del2.go" "$TMPD/jnb.go"
wait "$del_pid" "$jnb_pid"
like "over half full, u-jnb gets 200 from bom" "$got" " -> 200 OK from bom "
ok "within a second" test "$ms" -lt 1000
read -r _ held1 held2 _ < "$TMPD/del2.out"
diag "u-del: $held1 idle held before u-jnb's request, $held2 after"
ok "some of u-del's idle connections were closed to make room" test "$held2" -lt "$held1"
ok "but not all of them" test "$held2" -gt 0
done_testing
