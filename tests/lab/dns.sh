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

# Users resolve by name: a resolv.conf of the lab's under /etc/netns.
etc_before=$([ -d /etc/netns ] && echo yes || echo no)
for u in $(table_users); do
	f=/etc/netns/$LAB-$u/resolv.conf
	like "$u: $f names the anycast DNS" "$(cat "$f" 2>&1)" "^nameserver 104.16.0.1$"
done
is "getent in u-syd's namespace resolves the CDN's name" \
	"$(ip netns exec "$LAB-u-syd" getent hosts cdn.example.com | tr -s ' ')" \
	"104.16.0.1 cdn.example.com"
like "curl by name through ip netns exec" \
	"$(ip netns exec "$LAB-u-syd" curl -s -m 3 http://cdn.example.com/)" \
	"POP $(expected_pop u-syd) "
like "curl by name through anycastlab exec" \
	"$("$AL" exec u-ber --lab "$LAB" -- curl -s -m 3 http://cdn.example.com/)" \
	"POP $(expected_pop u-ber) "

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

# anycastlab dig: every user, the same answer, its own POP.
all=$("$AL" dig --all --json --lab "$LAB")
for u in $(table_users); do
	want=$(expected_pop "$u")
	is "dig --all: $u gets 104.16.0.1 from $want" \
		"$(jq -r --arg u "$u" '.users[] | select(.user == $u) | "\(.answer[0].data) \(.pop) \(.rcode) \(.aa)"' <<<"$all")" \
		"104.16.0.1 $want NOERROR true"
done
is "dig --all: the same answer for everyone" "$(jq -r .same_answer <<<"$all")" true
is "dig --all: from as many POPs as the table names" "$(jq -r .pops <<<"$all")" \
	"$(for u in $(table_users); do expected_pop "$u"; done | sort -u | wc -l)"
like "dig --all text: the summary line" "$("$AL" dig --all --lab "$LAB")" \
	"the same answer for all [0-9]+ users \(104.16.0.1\), from [0-9]+ POPs"
like "dig USER: the POP by NSID and its city" "$("$AL" dig u-syd --lab "$LAB")" \
	"^u-syd: cdn.example.com. IN A -> NOERROR \(authoritative\), answered by $(expected_pop u-syd) \("
like "dig USER id.server: CH TXT" "$("$AL" dig u-ber id.server --lab "$LAB")" \
	"id.server.[[:space:]]+0[[:space:]]+CH[[:space:]]+TXT[[:space:]]+\"$(expected_pop u-ber)"
like "dig USER --tcp" "$("$AL" dig u-ber cdn.example.com SOA --tcp --lab "$LAB")" "over TCP"
is "dig USER NXDOMAIN in JSON, with the SOA" \
	"$("$AL" dig u-ber nope.cdn.example.com --json --lab "$LAB" | jq -r '"\(.rcode) \(.authority[0].type)"')" \
	"NXDOMAIN SOA"
"$AL" dig u-ber cdn.example.com BOGUS --lab "$LAB" >/dev/null 2>&1
is "dig with a bad TYPE exits 2" "$?" 2
out=$("$AL" curl u-syd --name cdn.example.com --lab "$LAB")
like "curl --name: resolved through the lab's DNS, by the POP" "$out" \
	"^u-syd: cdn.example.com -> 104.16.0.1 \(answered by $(expected_pop u-syd) in"
like "curl --name: then served by the same POP" "$out" \
	"GET http://cdn.example.com/ -> 200 OK from $(expected_pop u-syd) "
"$AL" failover syd --probe dns --lab "$LAB" >"$TMPD/fo.out" 2>&1
is "failover --probe dns with the default rate limit is refused" "$?" 1
like "... saying how to lift it" "$(cat "$TMPD/fo.out")" "set dns: \{rate-limit: 0\}"

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

# A zone of the file's own, and the rate limit it sets: the same lab with a
# dns: block, then off.
"$AL" down "$LAB" >/dev/null 2>&1
zoned=$TMPD/zoned.yaml
cat > "$TMPD/dns.block" <<'EOF2'
dns:
  zone: cdn.example.com
  ttl: 300
  rate-limit: 20
  burst: 20
  slip: 0
  records:
    - {name: www, type: CNAME, data: "@"}
    - {name: "@", type: TXT, data: one IP for everyone}
    - {name: img, type: A, data: 104.16.0.1, ttl: 30}
EOF2
sed "/^name: /r $TMPD/dns.block" "$topo" > "$zoned"
"$AL" up "$zoned" >/dev/null 2>&1
ok "the world lab is up with a zone of its own" test $? -eq 0
is "www is a CNAME to the apex" "$(q u-syd +short www.cdn.example.com A | tr '\n' ' ')" \
	"cdn.example.com. 104.16.0.1 "
is "the apex TXT, written without quotes" "$(q u-ber +short cdn.example.com TXT)" \
	'"one IP for everyone"'
like "the apex address nobody wrote, with the block's ttl" \
	"$(q u-ber +noall +answer cdn.example.com A)" "cdn.example.com.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+104.16.0.1"
like "a record's own ttl" "$(q u-ber +noall +answer img.cdn.example.com A)" \
	"img.cdn.example.com.[[:space:]]+30[[:space:]]+IN"
like "SOA and NS added for a resolver" "$(q u-ber +short cdn.example.com NS)" "ns1.cdn.example.com."
# 100 queries at once from one /24 with 20/s and a burst of 20, slip 0:
# the first 20 or so are answered, the rest dropped.
n=$(ip netns exec "$LAB-u-syd" python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
q = lambda i: struct.pack(">6H", i, 0, 1, 0, 0, 0) + b"\3cdn\7example\3com\0\0\1\0\1"
for i in range(100):
    s.sendto(q(i), ("104.16.0.1", 53))
n = 0
try:
    while True:
        s.recv(4096); n += 1
except socket.timeout:
    pass
print(n)
')
ok "rate-limit 20, burst 20: 100 queries at once get 20-30 answers ($n)" \
	test "$n" -ge 20 -a "$n" -le 30
"$AL" down "$LAB" >/dev/null 2>&1
sed 's/^  rate-limit: 20$/  rate-limit: 0/' "$zoned" > "$TMPD/unlimited.yaml"
"$AL" up "$TMPD/unlimited.yaml" >/dev/null 2>&1
ok "the same with rate-limit: 0" test $? -eq 0
want=$(expected_pop u-syd syd)
fo=$("$AL" failover syd --probe dns --runs 2 --json --lab "$LAB" 2>&1)
is "failover --probe dns: every run of u-syd ends at $want" \
	"$(jq -r '[.runs[] | select(.user == "u-syd") | "\(.to) \(.ok)"] | unique | join(",")' <<<"$fo" 2>/dev/null)" "$want true"
is "failover --probe dns: two runs measured" "$(jq -r '.runs | length' <<<"$fo")" 2
n=$(ip netns exec "$LAB-u-syd" python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
q = lambda i: struct.pack(">6H", i, 0, 1, 0, 0, 0) + b"\3cdn\7example\3com\0\0\1\0\1"
n = 0
for i in range(500):
    s.sendto(q(i), ("104.16.0.1", 53))
    try:
        s.recv(4096); n += 1
    except socket.timeout:
        pass
print(n)
')
is "rate-limit 0: 500 queries in a row, 500 answers" "$n" 500
"$AL" down "$LAB" >/dev/null 2>&1
sed "/^name: /a dns: off" "$topo" > "$TMPD/off.yaml"
"$AL" up "$TMPD/off.yaml" >/dev/null 2>&1
ok "the world lab is up with dns: off" test $? -eq 0
is "HTTP still answers with dns: off" "$(answered "$LAB" u-syd)" "$(expected_pop u-syd)"
like "dns: off: no DNS answer" "$(q u-syd +tries=1 +time=1 cdn.example.com A)" \
	"no servers could be reached|connection refused|timed out"
"$AL" down "$LAB" >/dev/null 2>&1
"$AL" up "$topo" >/dev/null 2>&1

# down removes what up made under /etc/netns, and nothing else.
"$AL" down "$LAB" >/dev/null 2>&1
mkdir -p /etc/netns/"$LAB-u-syd"
echo "nameserver 192.0.2.53" > /etc/netns/"$LAB-u-syd"/resolv.conf
"$AL" up "$topo" > "$TMPD/up.out" 2>&1
ok "up with a resolv.conf that is not the lab's" test $? -eq 0
like "... says it leaves it alone" "$(cat "$TMPD/up.out")" "$LAB-u-syd/resolv.conf is not the lab's; left as it is"
is "... and leaves it alone" "$(cat /etc/netns/"$LAB-u-syd"/resolv.conf)" "nameserver 192.0.2.53"
like "u-ber's is the lab's" "$(cat /etc/netns/"$LAB-u-ber"/resolv.conf)" "nameserver 104.16.0.1"
"$AL" down "$LAB" >/dev/null 2>&1
ok "down removes the lab's resolv.conf" test ! -e /etc/netns/"$LAB-u-ber"
is "down keeps the one it did not write" "$(cat /etc/netns/"$LAB-u-syd"/resolv.conf)" "nameserver 192.0.2.53"
rm -rf /etc/netns/"$LAB-u-syd"
[ "$etc_before" = no ] && rmdir /etc/netns 2>/dev/null
is "/etc/netns is as it was before the test" "$([ -d /etc/netns ] && echo yes || echo no)" "$etc_before"
# An orphan: the lab's state gone, its file left; down of the name finds it.
"$AL" up "$topo" >/dev/null 2>&1
cp /etc/netns/"$LAB-u-del"/resolv.conf "$TMPD/orphan"
"$AL" down "$LAB" >/dev/null 2>&1
mkdir -p /etc/netns/"$LAB-u-del" && cp "$TMPD/orphan" /etc/netns/"$LAB-u-del"/resolv.conf
ok "an orphan resolv.conf of the lab's is there" test -s /etc/netns/"$LAB-u-del"/resolv.conf
"$AL" down "$LAB" >/dev/null 2>&1
ok "down LAB removes it without the lab's state" test ! -e /etc/netns/"$LAB-u-del"
[ "$etc_before" = no ] && rmdir /etc/netns 2>/dev/null
"$AL" up "$topo" >/dev/null 2>&1

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
