#!/usr/bin/env bash
# Scene 4: a link is cut.  Both ends lose carrier; the routers see it in
# the kernel's link events and drop the session at once, without waiting
# for a hold timer.
. "$(dirname "$0")/lib.sh"
scenario_begin

say "Cut the link between vivo and the Sao Paulo POP"
run anycastlab cut vivo gru
check "both ends are down" has "cut link vivo-gru"
check "u-sao moves to Los Angeles (vivo > comcast > lax)" wait_pop u-sao lax 5
run anycastlab ping u-sao -c 1
check "the echo crosses comcast now" has "hops u-sao > vivo > comcast > lax"

say "Heal it"
run anycastlab heal vivo gru
check "both ends are up" has "healed link vivo-gru"
check "u-sao is back on gru" wait_pop u-sao gru 10

say "Measured: how long a cut link keeps users away"
run anycastlab failover gru --mode cut --runs 3
check "each run moved u-sao to lax and back" has "median outage over 3 runs: u-sao"
check "no run reported a problem" bash -c '! grep -Eq "UNEXPECTED|DID NOT" <<<"$0"' "$OUT"
scenario_end
