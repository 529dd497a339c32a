#!/usr/bin/env bash
# anycastlab runs as root: nothing a local user can write (a lab name, an
# environment variable, a process's command line, a loosened file mode)
# may make it delete files or signal processes that are not the lab's,
# and a running router holds nothing that reaches the host.  Each case
# replays an attack and looks at what survived.
. "$(dirname "$0")/lib.sh"
lab_init ts

PROBE=$(dirname "$AL")/tests/lab/sandbox_probe
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# ---- lab names: never a path ----

out=$("$AL" down ../../tmp 2>&1)
rc=$?
is "down ../../tmp is refused with a usage error" "$rc" 2
like "and says what a lab name is" "$out" "'../../tmp' is not a lab name"
out=$(ANYCASTLAB_LAB=../x "$AL" status 2>&1)
ok "ANYCASTLAB_LAB=../x is refused" test $? -ne 0
like "naming the variable's value" "$out" "'../x' is not a lab name"
out=$("$AL" kill syd --lab 'a/b' 2>&1)
like "--lab a/b is refused" "$out" "'a/b' is not a lab name"

# ---- a lab, built with a careless umask ----

topo=$(world_copy "$LAB")
out=$(umask 000; "$AL" up "$topo" 2>&1)
ok "up with umask 000 converges" test $? -eq 0 || diag "$out"
dir=/run/anycastlab/$LAB

is "the state directory is root's, 0711" "$(stat -c '%U %a' "$dir")" "root 711"
is "its parent too" "$(stat -c '%U %a' /run/anycastlab)" "root 711"
is "the journal is 0600" "$(stat -c '%a' "$dir/journal")" 600
is "the saved topology is 0600" "$(stat -c '%a' "$dir/topology.yaml")" 600
socks=$(find "$dir" -maxdepth 1 -name '*.sock' | wc -l)
is "every router has a control socket" "$socks" 14
loose=$(find "$dir" -maxdepth 1 \( -name '*.sock' -o -name '*.log' -o -name '*.pid' \) \
	! -perm 600 | head -3)
is "every socket, log and pid file is 0600" "$loose" ""

# ---- the control socket takes orders from root only ----

ctl() {	# ctl [PREFIX...] -- REQUEST: the answer's lines, or "refused"
	local pre=() req
	while [ "$1" != -- ]; do pre+=("$1"); shift; done
	req=$2
	"${pre[@]}" /usr/bin/python3 - "$dir/syd.sock" "$req" <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	try:
	    s.connect(sys.argv[1])
	    s.sendall(sys.argv[2].encode() + b"\n")
	    s.settimeout(3)
	    data = b""
	    while True:
	        b = s.recv(65536)
	        if not b:
	            break
	        data += b
	    print(data.decode().strip() or "no answer")
	except OSError as e:
	    print("refused", e.strerror)
	EOF
}
is "root asks syd's router and gets ok, then the end record" \
	"$(ctl -- ping | tr '\n' ' ')" "ok end "
like "nobody cannot even connect to the 0600 socket" \
	"$(ctl $NOBODY -- withdraw)" "refused"
chmod 666 "$dir/syd.sock"
like "with the socket loosened to 0666, nobody connects but is hung up on" \
	"$(ctl $NOBODY -- withdraw)" "^(no answer|refused (Broken pipe|Connection reset))"
chmod 600 "$dir/syd.sock"
is "and syd still announces the anycast prefix" \
	"$(lab_json | jq -r '.labs[0].nodes[] | select(.name == "syd") | .anycast')" \
	announcing

# ---- a running router: its own user, three capabilities, a filter ----

pid=$(cat "$dir/syd.pid")
status=$(cat "/proc/$pid/status")
uid=$(awk '/^Uid:/ { print $3 }' <<<"$status")
expect_uid=$(id -u anycastlab 2>/dev/null || echo 65534)
is "the router runs as its own user, not root" "$uid" "$expect_uid"
is "it keeps NET_ADMIN, NET_BIND_SERVICE and NET_RAW only" \
	"$(awk '/^CapEff:/ { print $2 }' <<<"$status")" 0000000000003400
is "under a seccomp filter" "$(awk '/^Seccomp:/ { print $2 }' <<<"$status")" 2
is "with no new privileges" "$(awk '/^NoNewPrivs:/ { print $2 }' <<<"$status")" 1
host_ns=$(readlink /proc/self/ns/net)
own_ns=$(readlink "/proc/$pid/ns/net")
ok "it lives in its own namespace" test "$own_ns" != "$host_ns"
fds=$(ls -l "/proc/$pid/fd" | grep -c 'socket:\|anon_inode')
ge "it has its sockets and loop open" "$fds" 5
is "and no descriptor on the host's network namespace" \
	"$(ls -l "/proc/$pid/fd" | grep -F "$host_ns")" ""
any_ns=$(for f in /proc/"$pid"/fd/*; do readlink "$f"; done | grep -c '^net:')
is "nor on any network namespace" "$any_ns" 0

mkdir -p "$TMPD/sbx"
chmod 777 "$TMPD/sbx"
sbx=$("$PROBE" "$TMPD/sbx" 2>&1)
like "in the sandbox a router still opens sockets" "$sbx" "allowed socket-inet"
like "and reads /proc" "$sbx" "allowed open-read"
like "but cannot create a file" "$sbx" "refused open-write EPERM"
ok "(none was created)" test ! -e "$TMPD/sbx/written-by-router"
like "nor make a namespace" "$sbx" "refused unshare-net EPERM"
like "nor enter one" "$sbx" "refused setns EPERM"
like "nor mount" "$sbx" "refused mount EPERM"
like "nor run a program" "$sbx" "refused execve EPERM"
like "nor become root again" "$sbx" "refused setuid-root EPERM"

# ---- a planted journal is not obeyed ----

victim=$TMPD/victim
echo secret > "$victim"
chmod 600 "$victim"
sleep 300 &
bystander=$!
start=$(sed 's/.*) //' "/proc/$bystander/stat" | awk '{ print $20 }')
ok "the bystander process runs" kill -0 "$bystander"
# /run/netns/../..$victim is $victim; the old code unmounted and
# unlinked it, and signalled every journal pid.
rel=../..$victim
printf 'netns %s\nnetns %s-%s\nproc syd %s %s\ndaemon telstra bird %s %s\n' \
	"$rel" "$LAB" "$rel" "$bystander" "$start" "$bystander" "$start" \
	>> "$dir/journal"
out=$("$AL" down "$LAB" 2>&1)
ok "down removes the lab" test $? -eq 0
like "stopping its routers" "$out" "1[45] processes stopped"
is "its namespaces are gone" "$(ip netns list | grep -c "^$LAB-")" 0
ok "the file a journal line pointed at is still there" test -f "$victim"
ok "the process a journal line named still runs" kill -0 "$bystander"
kill "$bystander"
wait "$bystander" 2>/dev/null

# ---- a state directory others may write is refused ----

mkdir -m 0711 "/run/anycastlab/${LAB}x"
chmod 0777 "/run/anycastlab/${LAB}x"
EXTRA_LABS+=("${LAB}x")
out=$("$AL" down "${LAB}x" 2>&1)
ok "down refuses a lab directory others may write" test $? -ne 0
like "saying why" "$out" "mode 0777: others may write in it"
ok "and leaves it alone" test -d "/run/anycastlab/${LAB}x"
rmdir "/run/anycastlab/${LAB}x"
ln -s "$TMPD" "/run/anycastlab/${LAB}y"
out=$("$AL" down "${LAB}y" 2>&1)
ok "down refuses a lab directory that is a symbolic link" test $? -ne 0
like "saying so" "$out" "is a symbolic link"
ok "and the directory it points to is untouched" test -d "$TMPD/sbx"
rm -f "/run/anycastlab/${LAB}y"

# ---- down --all believes no command line of somebody else's ----

others=$(ls /run/anycastlab 2>/dev/null | grep -v "^$LAB" | head -1)
if [ -n "$others" ]; then
	skip "down --all with another lab running ($others)"
else
	mkdir -p "$TMPD/fake"
	printf 'import time\ntime.sleep(120)\n' > "$TMPD/fake/router"
	chmod 755 "$TMPD/fake" "$TMPD/fake/router"
	# argv: anycastlab router --lab fakelab, run by nobody.
	(cd "$TMPD/fake" && exec $NOBODY bash -c \
		'exec -a anycastlab /usr/bin/python3 router --lab fakelab') &
	fake=$!
	sleep 0.5
	like "a process of nobody's claims to be a router of lab fakelab" \
		"$(tr '\0' ' ' < "/proc/$fake/cmdline")" "^anycastlab router --lab fakelab"
	"$AL" down --all >/dev/null 2>&1
	ok "down --all leaves it running" kill -0 "$fake"
	kill "$fake" 2>/dev/null
	wait "$fake" 2>/dev/null
fi

done_testing
