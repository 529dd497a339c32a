#!/usr/bin/env bash
# Every POP's authoritative DNS on the anycast address, asked with dig
# from every user's namespace: the same answer for everyone, from the POP
# world.yaml's table names for that user (by NSID and id.server); the
# RFC 1035 answers for names outside the zone and that do not exist; a
# malformed datagram that changes nothing; after a kill, the next POP;
# the same beside BIRD and FRR.
. "$(dirname "$0")/lib.sh"
lab_init td

topo=$(world_copy "$LAB")
"$AL" up "$topo" >/dev/null 2>&1
ok "the world lab is up" test $? -eq 0

q() { local u=$1; shift; ip netns exec "$LAB-$u" dig +time=2 +tries=2 @104.16.0.1 "$@" 2>&1; }
# The POP an NSID answer names ("" for none).
nsid_of() { q "$1" cdn.example.com A +nsid | sed -n 's/.*NSID: .*("\([^"]*\)").*/\1/p' | head -1; }

for u in $(table_users); do
	want=$(expected_pop "$u")
	is "$u resolves cdn.example.com to the anycast address" \
		"$(q "$u" +short cdn.example.com A)" "104.16.0.1"
	is "$u is answered by $want, by NSID" "$(nsid_of "$u")" "$want"
	like "$u: id.server names $want" \
		"$(q "$u" +short id.server CH TXT)" "\"$want"
	is "$u: hostname.bind is $want" \
		"$(q "$u" +short hostname.bind CH TXT)" "\"$want\""
done

out=$(q u-syd +tcp cdn.example.com A)
like "over TCP: an authoritative answer" "$out" "flags: qr aa"
like "over TCP: the anycast address" "$out" "104.16.0.1"
like "a name in the zone that does not exist: NXDOMAIN" \
	"$(q u-syd nope.cdn.example.com A)" "status: NXDOMAIN"
like "a name outside the zone: REFUSED" \
	"$(q u-syd www.example.org A)" "status: REFUSED"
like "the zone's SOA" "$(q u-syd +short cdn.example.com SOA)" \
	"ns1.cdn.example.com. hostmaster.cdn.example.com."

# A datagram that is no DNS message, then a query: still answered.
ip netns exec "$LAB-u-syd" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for m in (b"", b"\x00", b"\xff" * 12, b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01"):
    s.sendto(m, ("104.16.0.1", 53))
'
is "after malformed datagrams, syd still answers" "$(nsid_of u-syd)" "syd"

want=$(expected_pop u-syd syd)
"$AL" kill syd --lab "$LAB" >/dev/null 2>&1
ok "syd is killed" test $? -eq 0
got=
for _ in $(seq 50); do
	got=$(nsid_of u-syd)
	[ "$got" = "$want" ] && break
	sleep 0.1
done
is "after the kill, u-syd is answered by $want" "$got" "$want"
is "... with the same address" "$(q u-syd +short cdn.example.com A)" "104.16.0.1"

# POPs whose BGP BIRD or FRR speaks serve the same DNS from the process
# that serves their HTTP.
for d in bird frr; do
	command -v "$([ $d = bird ] && echo bird || echo /usr/lib/frr/bgpd)" >/dev/null 2>&1 || {
		skip "$d is not installed: DNS beside $d"; continue; }
	"$AL" down "$LAB" >/dev/null 2>&1
	"$AL" up "$topo" --daemon $d >/dev/null 2>&1
	ok "the world lab is up on $d" test $? -eq 0
	for u in u-syd u-ber; do
		want=$(expected_pop "$u")
		is "$d: $u resolves cdn.example.com" \
			"$(q "$u" +short cdn.example.com A)" "104.16.0.1"
		is "$d: $u is answered by $want, by NSID" "$(nsid_of "$u")" "$want"
	done
done

done_testing
