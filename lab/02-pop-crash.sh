#!/usr/bin/env bash
# Scene 2: a POP crashes.  Its BGP sessions die with the process, the ISP
# picks its next-shortest path, and users move without any client or DNS
# change.  Then the POP comes back and takes its users back.
. "$(dirname "$0")/lib.sh"
scenario_begin

say "u-syd is answered by Sydney"
run anycastlab ping u-syd -c 1
check "syd answers" has "reply from syd"

say "Crash Sydney's router (SIGKILL: no goodbye, its TCP sessions just die)"
run anycastlab kill syd
check "the router is killed" has "killed the router of syd"
check "u-syd moves to Singapore" wait_pop u-syd sin 5
run anycastlab ping u-syd -c 1
check "the echo now goes telstra > singtel > sin" has "hops u-syd > telstra > singtel > sin"

say "Bring Sydney back: the ISP prefers the shorter path again"
run anycastlab revive syd
check "the router is running again" has "revived the router of syd"
check "u-syd is back on syd" wait_pop u-syd syd 10

say "The same, measured: probes every millisecond, outage per run"
run anycastlab failover syd --mode kill --runs 3
check "u-syd failed over to sin and came back each time" \
	has "median outage over 3 runs: u-syd"
check "no run reported a problem" bash -c '! grep -Eq "UNEXPECTED|DID NOT" <<<"$0"' "$OUT"
scenario_end
