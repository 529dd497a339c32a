#!/usr/bin/env bash
# Scene 5: a silent failure.  The POP's router stops (SIGSTOP) but its
# links stay up and its kernel keeps acknowledging TCP: nothing tells the
# ISP except the missing keepalives.  The hold timer (3 s here) notices.
. "$(dirname "$0")/lib.sh"
scenario_begin

say "Freeze Singapore's router"
run anycastlab freeze sin
check "sin is frozen" has "froze the router of sin"
note "its session to singtel still looks Established..."
run anycastlab status
check "status shows sin frozen" has "sin frozen"

say "...until the hold timer expires (3 s) and singtel drops the session"
check "u-sin moves to Sydney within the hold time and a second" wait_pop u-sin syd 4
run anycastlab routes singtel
check "singtel's best path for the anycast prefix is through telstra" \
	has "104\.16\.0\.0/24 +[0-9.]+ +telstra +1221 13335"

say "Thaw it: the session comes back and so do the users"
run anycastlab thaw sin
check "sin runs again" has "thawed the router of sin"
check "u-sin is back on sin" wait_pop u-sin sin 10

say "Measured: a freeze is detected within the hold time"
run anycastlab failover sin --mode freeze
check "u-sin moved to syd after about the hold time" \
	has "u-sin +sin +syd +syd +[0-9]{4}\.[0-9] ms"
scenario_end
