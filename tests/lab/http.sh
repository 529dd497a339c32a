#!/usr/bin/env bash
# The POP's HTTP responder under abuse, from a user's namespace to the
# anycast address of the lab (bounded in count and time): malformed
# requests get the right status and never crash or stall the router;
# the next client is still served; BGP keeps running.
. "$(dirname "$0")/lib.sh"
lab_init th

topo=$(world_copy "$LAB")
"$AL" up "$topo" >/dev/null 2>&1
ok "the world lab is up" test $? -eq 0
pid_before=$(jq -r '.labs[0].nodes[] | select(.name == "syd") | .pid' <<<"$(lab_json)")

py() { ip netns exec "$LAB-u-syd" python3 -c "$1"; }

CLIENT='
import socket, sys, time
def talk(data, wait=2.0, shut=True):
    s = socket.create_connection(("104.16.0.1", 80), timeout=wait)
    s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        pass
    s.close()
    return out
def status(out):
    return out.split(b"\r\n", 1)[0].decode(errors="replace")
'

check_status() {
	local desc=$1 want=$2 data=$3
	got=$(py "$CLIENT
print(status(talk($data)))")
	is "$desc" "$got" "$want"
}

check_status "a plain GET is 200" "HTTP/1.1 200 OK" \
	'b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"'
check_status "no request line is 400" "HTTP/1.1 400 Bad Request" \
	'b"\r\n\r\n\r\n"'
check_status "garbage is 400" "HTTP/1.1 400 Bad Request" \
	'bytes(range(1, 255)) + b"\r\n\r\n"'
check_status "a 100 KB header is 431" "HTTP/1.1 431 Request Header Fields Too Large" \
	'b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"'
check_status "NUL bytes are 400" "HTTP/1.1 400 Bad Request" \
	'b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n"'
check_status "a 3000-octet target is 414" "HTTP/1.1 414 URI Too Long" \
	'b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"'
check_status "POST is 405" "HTTP/1.1 405 Method Not Allowed" \
	'b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"'

got=$(py "$CLIENT
out = talk(b\"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n\")
print(out.count(b\"HTTP/1.1 \"), out.count(b\"X-Served-By: syd\"), status(out))")
is "three pipelined requests get three answers in order" "$got" "3 3 HTTP/1.1 404 Not Found"

# Slowloris: one client dribbles a request; another is served meanwhile,
# and the dribbler is cut off by the header timeout.
got=$(py "$CLIENT
import threading
res = {}
def slow():
    s = socket.create_connection((\"104.16.0.1\", 80), timeout=10)
    t0 = time.time()
    try:
        for c in b\"GET / HTTP/1.1\r\nHost: x\r\nX: \" + b\"y\" * 100:
            s.send(bytes([c]))
            time.sleep(0.1)
        res[\"slow\"] = \"never cut off\"
    except OSError:
        res[\"slow\"] = \"cut off after %.0f s\" % (time.time() - t0)
    s.close()
th = threading.Thread(target=slow); th.start()
time.sleep(1)
t0 = time.time()
fast = status(talk(b\"GET / HTTP/1.1\r\nHost: x\r\n\r\n\"))
res[\"fast\"] = \"%s in %s\" % (fast, \"under 1 s\" if time.time() - t0 < 1 else \"over 1 s\")
th.join()
print(res[\"fast\"], \"/\", res[\"slow\"])")
like "a slow client does not stall others, and is cut off" "$got" \
	"^HTTP/1.1 200 OK in under 1 s / cut off after [5-7] s$"

got=$(py "$CLIENT
import socket
socks = []
for i in range(300):
    socks.append(socket.create_connection((\"104.16.0.1\", 80), timeout=5))
for s in socks:
    s.sendall(b\"GET /health HTTP/1.1\r\nHost: x\r\n\r\n\")
ok = sum(1 for s in socks if s.recv(4096).startswith(b\"HTTP/1.1 200\"))
for s in socks: s.close()
print(ok)")
is "300 concurrent connections are all answered" "$got" 300

check_status "after all that, the next client gets 200" "HTTP/1.1 200 OK" \
	'b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"'
json=$(lab_json)
is "syd's router is the same process" \
	"$(jq -r '.labs[0].nodes[] | select(.name == "syd") | .pid' <<<"$json")" "$pid_before"
is "and its BGP session never dropped" \
	"$(jq -r '.labs[0].links[] | select(.a == "telstra" and .b == "syd") |
		"\(.session.a.state) \(.session.b.state)"' <<<"$json")" "Established Established"
is "u-syd is still answered by syd" "$(rr_pop u-syd)" syd
done_testing
