#!/usr/bin/env bash
# Scene 1: one IP, many doors.  Every POP holds 104.16.0.1; each user's
# ISP picks the shortest AS path, so each user lands on its nearest POP.
. "$(dirname "$0")/lib.sh"
scenario_begin

say "Every POP announces the same prefix; a user's ISP keeps the shortest AS path"
run anycastlab routes telstra
check "telstra reaches 104.16.0.0/24 through syd, one AS away" \
	has "104\.16\.0\.0/24 +[0-9.]+ +syd +13335 .*shortest AS path \(1 < 2\)"

say "A user in Sydney pings the anycast address: Sydney answers"
run anycastlab ping u-syd -c 3
check "every reply comes from syd, through telstra" \
	has "seq 3: reply from syd \(Sydney\) .*hops u-syd > telstra > syd"

say "Johannesburg has no POP on its continent: AS paths decide, not the map"
run anycastlab ping u-jnb -c 1
check "u-jnb is answered by bom, two ASes away (mtn > airtel > bom)" \
	has "reply from bom \(Mumbai\) .*hops u-jnb > mtn > airtel > bom"

say "The same holds for HTTP: the POP names itself in X-Served-By"
run anycastlab curl u-ber
check "a user in Berlin is served by Frankfurt" has "200 OK from fra \(Frankfurt\)"
run anycastlab curl u-nyc
check "a user in New York is served by Los Angeles" has "200 OK from lax"

say "Every user at once: the catchment"
run anycastlab status
check "status lists each user's POP" has "u-del +bom"
scenario_end
