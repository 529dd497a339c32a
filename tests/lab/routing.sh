#!/usr/bin/env bash
# The built-in BGP speakers converge the world lab to the catchment in
# topologies/world.yaml.  Checked on the data plane: which POP an echo
# reached is read from the record-route option of its reply, and which
# way each router forwards is read from its kernel FIB, not from our RIB.
. "$(dirname "$0")/lib.sh"
lab_init tr

topo=$(world_copy "$LAB")
out=$("$AL" up "$topo" 2>&1)
ok "up converges the world lab" test $? -eq 0
like "and prints the catchment" "$out" "catchment of 104.16.0.0/24"
diag "$(grep -E 'convergence|is up' <<<"$out")"

json=$(lab_json)
not_est=$(jq -r '.labs[0].links[] | select(.session != null) |
	select(.session.a.state != "Established" or .session.b.state != "Established") |
	"\(.a)-\(.b)"' <<<"$json")
is "every BGP session is Established on both ends" "$not_est" ""

for u in $(table_users); do
	want=$(expected_pop "$u")
	got=$(rr_pop "$u")
	is "$u's pings are answered by $want (record route)" "$got" "$want"
done

# Follow the kernel FIBs hop by hop from each user's ISP.
for u in $(table_users); do
	want=$(expected_pop "$u")
	cur=$(jq -r --arg u "$u" '.labs[0].links[] |
		if .a == $u then .b elif .b == $u then .a else empty end' <<<"$json")
	path=$cur
	for _ in 1 2 3 4 5 6; do
		kind=$(jq -r --arg n "$cur" '.labs[0].nodes[] | select(.name == $n) | .kind' <<<"$json")
		[ "$kind" = pop ] && break
		nh=$(ip -n "$LAB-$cur" route show 104.16.0.0/24 proto bgp | awk '/via/ {print $3; exit}')
		[ -n "$nh" ] || { path="$path > (no route)"; break; }
		cur=$(owner_of "$nh")
		path="$path > $cur"
	done
	is "kernel routes from $u's ISP lead to $want ($path)" "$cur" "$want"
done

# Every ISP has the anycast prefix in its FIB, installed by BGP.
missing=
for n in $(jq -r '.labs[0].nodes[] | select(.kind == "isp") | .name' <<<"$json"); do
	ip -n "$LAB-$n" route show 104.16.0.0/24 | grep -q 'proto bgp' || missing="$missing $n"
done
is "every ISP's kernel FIB holds 104.16.0.0/24 (proto bgp)" "$missing" ""

# The FIB's next hop is the one the router says it chose.
r=$("$AL" routes telstra --lab "$LAB" --json)
rib_nh=$(jq -r '.routes[] | select(.prefix == "104.16.0.0/24") | .nexthop' <<<"$r")
fib_nh=$(ip -n "$LAB-telstra" route show 104.16.0.0/24 | awk '{print $3}')
is "telstra's kernel next hop is its best path's" "$fib_nh" "$rib_nh"
like "routes explains why the best path won" \
	"$(jq -r '.routes[] | select(.prefix == "104.16.0.0/24") | .why' <<<"$r")" \
	"shortest AS path \(1 < 2\)"

# Users reach each other across ISPs (ISPs originate their users' networks).
dst=$(jq -r '.labs[0].links[] | select(.a == "u-nyc") | .a_addr | sub("/31"; "")' <<<"$json")
ok "u-syd reaches u-nyc across four ASes" ip netns exec "$LAB-u-syd" ping -n -c1 -W2 "$dst"

# Privileges and logs of a running router.
pid=$(jq -r '.labs[0].nodes[] | select(.name == "syd") | .pid' <<<"$json")
is "a router keeps only NET_ADMIN, NET_BIND_SERVICE and NET_RAW" \
	"$(awk '/^CapEff/ {print $2}' "/proc/$pid/status")" 0000000000003400
ok "a router logs to its own file" grep -q "Established" "/run/anycastlab/$LAB/syd.log"
is "a router runs in its node's namespace" \
	"$(readlink "/proc/$pid/ns/net")" \
	"$(ip netns exec "$LAB-syd" readlink /proc/self/ns/net)"

# A clean shutdown removes the kernel routes the router installed.
isp_pid=$(jq -r '.labs[0].nodes[] | select(.name == "mtn") | .pid' <<<"$json")
ge "before SIGTERM mtn has BGP routes in its FIB" \
	"$(ip -n "$LAB-mtn" route show proto bgp | wc -l)" 1
kill -TERM "$isp_pid"
for _ in $(seq 1 100); do kill -0 "$isp_pid" 2>/dev/null || break; sleep 0.02; done
is "after SIGTERM the router left no BGP route in its FIB" \
	"$(ip -n "$LAB-mtn" route show proto bgp | wc -l)" 0

# BGP that cannot converge: an ISP with no path to any POP, so its user
# never gets a route.  up says what is missing, shows the logs that
# explain it, exits non-zero, and removes the lab, or with
# --keep-on-failure leaves it up to debug.
nc=${LAB}n
EXTRA_LABS+=("$nc")
printf 'name: %s\nnodes:\n  p: {kind: pop, asn: 13335}\n  i: {kind: isp, asn: 64500}\n  j: {kind: isp, asn: 64501}\n  u: {kind: user}\n  v: {kind: user}\nlinks:\n  - [u, i]\n  - [i, p]\n  - [v, j]\n' \
	"$nc" > "$TMPD/nc.yaml"
out=$("$AL" up "$TMPD/nc.yaml" --timeout 1 2>&1)
rc=$?
is "up exits 1 when BGP does not converge in time" "$rc" 1
like "and says it removes what it built" "$out" "removing what was built of lab '$nc'"
ok "the lab is gone" test ! -e "/run/anycastlab/$nc"
is "namespaces and all" "$(ip netns list | grep -c "^$nc-")" 0
out=$("$AL" up "$TMPD/nc.yaml" --timeout 1 --keep-on-failure 2>&1)
rc=$?
is "with --keep-on-failure up exits 1 too" "$rc" 1
like "and names the user still without a route" "$out" \
	"did not converge in 1\.[0-9] s.*"$'\n'"  v: no route to the anycast prefix \(via j\)"
like "with the tail of that ISP's log" "$out" "log of j ends:"$'\n'"    [0-9-]+T.* j info: "
ok "the lab stays up for debugging" test -d "/run/anycastlab/$nc"
is "and the users that can reach a POP do" "$(ip netns exec "$nc-u" ping -c1 -W1 104.16.0.1 >/dev/null 2>&1; echo $?)" 0
ok "down removes it" "$AL" down "$nc"

out=$("$AL" down "$LAB")
ok "down stops the routers and removes the lab" test $? -eq 0
is "no router process of the lab is left" \
	"$(pgrep -f "anycastlab router --lab $LAB " | wc -l)" 0
done_testing
