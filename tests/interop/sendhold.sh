#!/usr/bin/env bash
# The send side of our speaker against a peer that stops reading: RFC
# 9687's Send Hold Timer and the bound on the output held per connection.
# Both peers are python scripts (sendhold.py) in `daemon: none` nodes:
# "feed" announces prefixes to us, "sink" takes one connection, answers
# OPEN and KEEPALIVE and then never reads, while it keeps sending
# KEEPALIVEs (so our hold timer never fires: only the send side can tell).
#  A  send-hold-time 3 s: 5000 prefixes (about 200 KB of UPDATEs, under
#     the bound) stall in our output; 3 s later the connection is reset,
#     our log says why and the sink sees the reset.
#  B  RFC 9687's default (8 minutes here): the feed re-announces 2000
#     prefixes with new paths round after round, each round another
#     ~80 KB for the sink; our output stops at its bound (2 MiB) and the
#     connection is reset long before the 8 minutes, and our router's
#     RSS grows by less than 6 MiB meanwhile (without the bound it grows by
#     the whole of what the rounds queue, 16 MB for 200 rounds).
. "$(dirname "$0")/lib.sh"
iop_init h

SH=$IOP_ROOT/tests/interop/sendhold.py
fails() { ! "$@"; }

topo_of() {
	cat <<EOT
defaults: {hold-time: 3, connect-retry: 1$1}
nodes:
  us:   {kind: pop, asn: 13335, max-prefix: 0}
  feed: {kind: isp, asn: 64500, daemon: none}
  sink: {kind: isp, asn: 64501, daemon: none}
links:
  - [feed, us]
  - [sink, us]
EOT
}

rx_ge() { [ "$(sess "$1" "$2" rx)" -ge "$3" ] 2>/dev/null; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# ---- A ----
iop_lab LA a "$(topo_of ", send-hold-time: 3")" || { ok "lab A is up" false; done_testing; exit 1; }
DA=$IOP_TMP/a; mkdir -p "$DA"
iop_bg afeed "$LA" feed "$PY" "$SH" feed "$(link_addr "$LA" feed us)" 64500 "$DA" once 5000
ok "A: the feed is Established" wait_for 20 sess_established "$LA" feed
ok "A: and its 5000 prefixes are in our RIB" wait_for 20 rx_ge "$LA" feed 5000
iop_bg asink "$LA" sink "$PY" "$SH" sink "$(link_addr "$LA" sink us)" 64501 "$DA"
ok "A: the sink is Established with us" wait_for 20 grep -q "peer sink .*Established" "/run/anycastlab/$LA/us.log"
ok "A: within 10 s our send hold timer expires on it" \
	wait_for 10 grep -q "peer sink: send hold timer expired" "/run/anycastlab/$LA/us.log"
like "A: our log says how long and how much was left" "$(our_log "$LA")" \
	"peer sink: send hold timer expired \(3 s without progress, RFC 9687\), [0-9]+ bytes unsent: resetting the connection"
ok "A: the sink sees the connection reset" wait_for 5 grep -q "^reset" "$DA/sink.log"
ok "A: the session is down" fails sess_established "$LA" sink
like "A: and the session went down for it" "$(our_log "$LA")" \
	"peer sink: session down \(send hold timer expired"
touch "$DA/stop"

# ---- B ----
iop_lab LB b "$(topo_of "")" || { ok "lab B is up" false; done_testing; exit 1; }
DB=$IOP_TMP/b; mkdir -p "$DB"
pid=$(our_pid "$LB")
iop_bg bsink "$LB" sink "$PY" "$SH" sink "$(link_addr "$LB" sink us)" 64501 "$DB"
ok "B: the sink is Established with us" wait_for 20 grep -q established "$DB/sink.log"
iop_bg bfeed "$LB" feed "$PY" "$SH" feed "$(link_addr "$LB" feed us)" 64500 "$DB" churn 2000
ok "B: the feed's rounds start" wait_for 20 grep -q "round 3" "$DB/feed.log"
base=$(rss_kb "$pid")
max=$base
for ((k = 0; k < 600; k++)); do
	r=$(rss_kb "$pid"); [ -n "$r" ] && [ "$r" -gt "$max" ] && max=$r
	grep -q "peer sink: send buffer full" "/run/anycastlab/$LB/us.log" && break
	sleep 0.1
done
ok "B: the feed's session stayed up throughout" sess_established "$LB" feed
touch "$DB/stop"
like "B: our output to the sink reaches its bound and the connection is reset" \
	"$(our_log "$LB")" "peer sink: send buffer full \(2048 KiB\): the peer is not reading, [0-9]+ bytes unsent: resetting the connection"
ok "B: the sink sees the reset" wait_for 5 grep -q "^reset" "$DB/sink.log"
diag "B: $(grep -c round "$DB/feed.log") rounds; our RSS $base KiB -> at most $max KiB"
ok "B: our RSS grew by less than 6 MiB ($((max - base)) KiB)" [ $((max - base)) -lt 6144 ]

done_testing
