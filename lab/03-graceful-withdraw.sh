#!/usr/bin/env bash
# Scene 3: a POP goes offline on purpose.  It stays up but withdraws the
# anycast prefix (goOffline); its users move.  Announcing it again
# (comeOnline) brings them back.
. "$(dirname "$0")/lib.sh"
scenario_begin

say "Frankfurt serves Berlin"
run anycastlab curl u-ber
check "fra serves u-ber" has "from fra"

say "Frankfurt withdraws 104.16.0.0/24 (the POP keeps running)"
run anycastlab withdraw fra
check "fra withdrew" has "fra withdrew the anycast prefix"
check "u-ber moves to Mumbai, the next AS path (dtag > airtel > bom)" wait_pop u-ber bom 5
run anycastlab routes dtag
check "dtag's best path now goes through airtel" \
	has "104\.16\.0\.0/24 +[0-9.]+ +airtel +9498 13335"
run anycastlab status
check "status says fra is withdrawn" has "fra withdrawn"

say "Frankfurt announces again"
run anycastlab announce fra
check "fra announces" has "fra announces"
check "u-ber is back on fra" wait_pop u-ber fra 5
scenario_end
