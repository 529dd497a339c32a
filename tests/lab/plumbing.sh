#!/usr/bin/env bash
# Lab plumbing, observed in the kernel: up builds the planned namespaces,
# links, addresses and routes; status matches what is there; down leaves
# nothing behind, twice over; up refuses a running lab; a failed or
# killed up leaves nothing (or only what down --all then removes);
# nothing ever appears in the host namespace.
. "$(dirname "$0")/lib.sh"
lab_init tp

host_links_before=$(ip -o link | awk -F': ' '{print $2}' | sort)
topo=$(world_copy "$LAB")

out=$("$AL" up --no-routers "$topo" 2>&1)
ok "up --no-routers builds the world lab" test $? -eq 0
like "up prints one line per phase" "$out" "namespaces +21 .*"$'\n'".*links +22"

json=$(lab_json)
nodes=$(jq -r '.labs[0].nodes[].name' <<<"$json" | wc -l)
is "status --json lists every node" "$nodes" 21

# Every node's namespace exists and holds every address status claims.
missing=
while read -r node ns addrs; do
	ip netns list | grep -qw "^$ns" || missing="$missing $ns(netns)"
	have=$(ip -n "$ns" -o -4 addr show | awk '{print $4}')
	for a in $addrs; do
		grep -qx "$a" <<<"$have" || missing="$missing $node:$a"
	done
done < <(jq -r '.labs[0].nodes[] | "\(.name) \(.netns) \(.addresses | join(" "))"' <<<"$json")
is "every planned namespace and address is in the kernel" "$missing" ""

# Interface names are the peer's node name, on both ends of every link.
bad=
while read -r a b; do
	ip -n "$LAB-$a" link show "$b" >/dev/null 2>&1 || bad="$bad $a:$b"
	ip -n "$LAB-$b" link show "$a" >/dev/null 2>&1 || bad="$bad $b:$a"
done < <(jq -r '.labs[0].links[] | "\(.a) \(.b)"' <<<"$json")
is "each end is named after the node at the other end" "$bad" ""

# Both ends of every link answer each other.
fail=
while read -r a b aa ba; do
	ip netns exec "$LAB-$a" ping -n -c1 -W1 "${ba%/*}" >/dev/null 2>&1 || fail="$fail $a->$b"
	ip netns exec "$LAB-$b" ping -n -c1 -W1 "${aa%/*}" >/dev/null 2>&1 || fail="$fail $b->$a"
done < <(jq -r '.labs[0].links[] | "\(.a) \(.b) \(.a_addr) \(.b_addr)"' <<<"$json")
is "both ends of every link ping each other" "$fail" ""

# Every POP holds the anycast address on lo and answers it from its ISP
# once the ISP has a host route (no BGP in this lab).
fail=
while read -r pop; do
	ip -n "$LAB-$pop" -o addr show dev lo | grep -q ' 104.16.0.1/32 ' || fail="$fail $pop(lo)"
	read -r isp pop_addr < <(jq -r --arg p "$pop" '.labs[0].links[] |
		if .b == $p then "\(.a) \(.b_addr)" elif .a == $p then "\(.b) \(.a_addr)" else empty end' <<<"$json" | head -1)
	ip -n "$LAB-$isp" route replace 104.16.0.1/32 via "${pop_addr%/*}"
	ip netns exec "$LAB-$isp" ping -n -c1 -W1 104.16.0.1 >/dev/null 2>&1 || fail="$fail $isp->$pop"
	ip -n "$LAB-$isp" route del 104.16.0.1/32
done < <(jq -r '.labs[0].nodes[] | select(.kind == "pop") | .name' <<<"$json")
is "every POP has 104.16.0.1 on lo and answers it from its ISP" "$fail" ""

fwd=$(ip netns exec "$LAB-telstra" cat /proc/sys/net/ipv4/ip_forward)
rpf=$(ip netns exec "$LAB-telstra" cat /proc/sys/net/ipv4/conf/all/rp_filter)
ufwd=$(ip netns exec "$LAB-u-syd" cat /proc/sys/net/ipv4/ip_forward)
is "routers forward, users do not, no strict reverse-path filter" "$fwd $ufwd $rpf" "1 0 0"
gw=$(ip -n "$LAB-u-syd" route show default | awk '{print $3}')
is "a user's default route goes to its ISP's end of their link" "$gw" \
	"$(jq -r '.labs[0].links[] | select(.a == "u-syd") | .b_addr | sub("/31"; "")' <<<"$json")"

# exec runs in the node's namespace and passes the exit status through.
out=$("$AL" exec u-syd --lab "$LAB" -- ip -4 -o addr show dev telstra 2>&1)
like "exec runs a command in the node's namespace" "$out" " telstra +inet 100\.64\."
"$AL" exec u-syd --lab "$LAB" -- sh -c 'exit 7'
is "exec exits with the command's status" "$?" 7
is "exec gives the node's own /sys" \
	"$("$AL" exec --lab "$LAB" u-syd -- ls /sys/class/net | tr '\n' ' ')" "lo telstra "

out=$("$AL" up --no-routers "$topo" 2>&1)
rc=$?
ok "up refuses a lab that is already running" test "$rc" -ne 0
like "and says how to replace it" "$out" "already exists.*down $LAB.*--force"
ok "up --force replaces it" "$AL" up --force --no-routers "$topo"

out=$("$AL" down "$LAB" 2>&1)
ok "down removes the lab" test $? -eq 0
is "no namespace of the lab is left" "$(ip netns list | grep -c "^$LAB-")" 0
is "no /run/netns entry is left" "$(ls /run/netns | grep -c "^$LAB-")" 0
ok "no state directory is left" test ! -e "/run/anycastlab/$LAB"
is "the host namespace has the interfaces it had before" \
	"$(ip -o link | awk -F': ' '{print $2}' | sort)" "$host_links_before"
out=$("$AL" down "$LAB" 2>&1)
rc=$?
is "a second down succeeds" "$rc" 0
like "and says there is nothing to do" "$out" "not running; nothing to do"

# A failure half-way: a namespace someone else made blocks node u-syd.
ip netns add "$LAB-u-syd"
out=$("$AL" up --no-routers "$topo" 2>&1)
rc=$?
ok "up fails when it cannot create a namespace" test "$rc" -ne 0
like "and names the namespace" "$out" "namespace $LAB-u-syd already exists"
is "what it built is gone, the other namespace is untouched" \
	"$(ip netns list | awk '{print $1}' | grep "^$LAB-" | tr '\n' ' ')" "$LAB-u-syd "
ok "and it left no state directory" test ! -e "/run/anycastlab/$LAB"
ip netns delete "$LAB-u-syd"

# Bad input changes nothing.
printf 'name: %s\nnodes:\n  a: {kind: pop}\n' "$LAB" > "$TMPD/bad.yaml"
out=$("$AL" up "$TMPD/bad.yaml" 2>&1)
rc=$?
ok "a bad file is refused" test "$rc" -eq 1
like "with the problem and its position" "$out" "bad.yaml:3:[0-9]+: .*asn"
is "and nothing was built" "$(ip netns list | grep -c "^$LAB-")" 0

# Link emulation: applied where the kernel has it, a clear warning where
# it has not (no sch_netem here, for one), never a failed lab.
em=${LAB}e
EXTRA_LABS+=("$em")
printf 'name: %s\nnodes:\n  p: {kind: pop, asn: 13335}\n  i: {kind: isp, asn: 64500}\n  u: {kind: user}\nlinks:\n  - [u, i]\n  - {endpoints: [i, p], delay: 2ms, loss: 0.1%%, rate: 100mbit}\n' \
	"$em" > "$TMPD/em.yaml"
out=$("$AL" up --no-routers "$TMPD/em.yaml" 2>&1)
ok "a lab with delay, loss and rate comes up" test $? -eq 0
qd=$(tc -n "$em-i" qdisc show dev p 2>&1)
if grep -q netem <<<"$qd"; then
	like "delay and loss are netem on the link" "$qd" "netem .*delay 2ms.*loss 0\.1%"
else
	like "without sch_netem, one warning says delay and loss are not applied" \
		"$(grep -c 'delay/loss not applied: this kernel has no netem' <<<"$out")" "^1$"
fi
like "rate is a token bucket on both ends" "$qd $(tc -n "$em-p" qdisc show dev i 2>&1)" \
	"tbf .*rate 100Mbit.* tbf .*rate 100Mbit"
ok "and the link carries traffic" ip netns exec "$em-i" ping -c1 -W1 100.64.0.3
"$AL" down "$em" >/dev/null

# SIGKILL of the orchestrator half-way through a big lab; down --all
# must find what it left.  down --all removes every lab on the machine,
# so only run it when no other lab exists.
big=${LAB}k
EXTRA_LABS+=("$big")
others=$(ls /run/anycastlab 2>/dev/null | grep -vx "$big" || true)
if [ -n "$others" ]; then
	skip "down --all after SIGKILL: other labs are running ($others)"
else
	"$ROOT/scripts/gen-topology" "$big" 300 > "$TMPD/big.yaml"
	"$AL" up "$TMPD/big.yaml" >/dev/null 2>&1 &
	upid=$!
	for _ in $(seq 1 500); do
		n=$(grep -c '^netns' "/run/anycastlab/$big/journal" 2>/dev/null || true)
		[ "${n:-0}" -ge 50 ] && break
		sleep 0.01
	done
	kill -9 "$upid"
	wait "$upid" 2>/dev/null
	left=$(ip netns list | grep -c "^$big-")
	ok "SIGKILL half-way through up left namespaces behind ($left)" test "$left" -gt 0
	"$AL" down --all >/dev/null 2>&1
	is "down --all removes them" "$(ip netns list | grep -c "^$big-")" 0
	ok "and the state directory" test ! -e "/run/anycastlab/$big"
fi

# Privileges: a clear line and exit 1 without them; check needs none.
if command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$AL" up "$topo" 2>&1)
	rc=$?
	is "up without privileges exits 1" "$rc" 1
	is "with one line" "$(wc -l <<<"$out")" 1
	like "that names the capabilities" "$out" "CAP_SYS_ADMIN and CAP_NET_ADMIN"
	ok "check needs no privileges" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$AL" check "$topo"
	ok "nor does graph of a file" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$AL" graph "$topo"
	# Verbs that read a running lab need what they read: one line, exit 1.
	for verb in "status $LAB" "routes isp --lab $LAB" "graph --lab $LAB"; do
		out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all "$AL" $verb 2>&1)
		rc=$?
		is "${verb%% *} without privileges: exit 1 and one line" \
			"$rc $(wc -l <<<"$out")" "1 1"
	done
else
	skip "setpriv (util-linux) not installed"
fi

done_testing
