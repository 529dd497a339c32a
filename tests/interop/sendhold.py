# A BGP peer for tests/interop/sendhold.sh, run in a `daemon: none` node.
#   sendhold.py feed ME AS DIR MODE N: listens; once our router connects,
#     OPEN/KEEPALIVE, then MODE "once" announces N prefixes (10.x.y.0/24,
#     each with an AS_PATH of its own) and keeps the session; MODE "churn"
#     announces the same N prefixes again and again, a new path for each
#     every round, until DIR/stop exists (or 400 rounds).  Reads and discards what it is sent.
#   sendhold.py sink ME AS DIR: a receive buffer of 4 KiB; takes one
#     connection, answers OPEN/KEEPALIVE, then never reads again but sends
#     a KEEPALIVE every second, so only the send side of our router can
#     notice.  Writes DIR/sink.log: "established", then "reset" when a
#     send fails.
import os, socket, struct, sys, threading, time

role, me, asn, d = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def msg(t, body):
    return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), t) + body

def log(s):
    with open(os.path.join(d, role + ".log"), "a") as f:
        f.write(s + "\n")

caps = (b"\x02\x06\x01\x04\x00\x01\x00\x01" + b"\x02\x06\x41\x04" +
        struct.pack("!I", asn))
opn = msg(1, struct.pack("!BHH4sB", 4, 23456 if asn > 65535 else asn, 9,
                         socket.inet_aton(me), len(caps)) + caps)
ka = msg(4, b"")

def upd(i, path_as):
    pfx = b"\x18" + bytes([10, (i >> 8) & 0xff, i & 0xff])
    attrs = (b"\x40\x01\x01\x00" +
             b"\x40\x02\x0a\x02\x02" + struct.pack("!II", asn, path_as) +
             b"\x40\x03\x04" + socket.inet_aton(me))
    return msg(2, b"\0\0" + struct.pack("!H", len(attrs)) + attrs + pfx)

l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
if role == "sink":
    l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
l.bind((me, 179))
l.listen(1)
c, _ = l.accept()
l.close()
c.sendall(opn + ka)

if role == "sink":
    c.settimeout(2)
    try:
        c.recv(64)          # our router's OPEN, no more
    except OSError:
        pass
    log("established")
    while True:
        time.sleep(1)
        try:
            c.send(ka)
        except OSError as e:
            log("reset " + e.__class__.__name__)
            break
    sys.exit(0)

def drain():
    try:
        while c.recv(65536):
            pass
    except OSError:
        pass
threading.Thread(target=drain, daemon=True).start()
mode, n = sys.argv[5], int(sys.argv[6])
time.sleep(0.5)
if mode == "once":
    c.sendall(b"".join(upd(i, 100000 + i) for i in range(n)))
    log("sent %d" % n)
    while not os.path.exists(os.path.join(d, "stop")):
        c.sendall(ka)
        time.sleep(1)
else:
    r = 0
    while not os.path.exists(os.path.join(d, "stop")) and r < 400:
        c.sendall(b"".join(upd(i, 100000 + r * n + i) for i in range(n)) + ka)
        r += 1
        log("round %d" % r)
        time.sleep(0.05)
