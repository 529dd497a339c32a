#!/usr/bin/env bash
# Scene 10: same name, same answer, different door.  The CDN's own DNS is
# anycast too: every POP answers for cdn.example.com with the one address
# 104.16.0.1, no geo-IP, no per-region answer.  Which POP answered is told
# by NSID (RFC 5001) and id.server (RFC 4892), the way operators of anycast
# DNS tell their instances apart.  When a POP fails, the same question
# gets the same answer, from the next POP BGP picks.
. "$(dirname "$0")/lib.sh"
scenario_begin

say "Every user asks for the CDN's name: one answer for everyone"
run anycastlab dig --all
check "every user gets 104.16.0.1" has "the same answer for all [0-9]+ users \(104\.16\.0\.1\)"
check "... from a POP near it: Sydney for Sydney, Frankfurt for Berlin" \
	bash -c 'grep -Eq "^u-syd .* syd " <<<"$0" && grep -Eq "^u-ber .* fra " <<<"$0"' "$OUT"

say "Ask the instance its name, as DNS operators do"
run anycastlab dig u-syd id.server
check "id.server names syd (Sydney)" has 'CH +TXT +"syd \(Sydney\)"'

say "Resolve, then fetch: the name leads to the same POP as the address"
run anycastlab curl u-syd --name cdn.example.com
check "Sydney resolves the name" has "cdn.example.com -> 104.16.0.1 \(answered by syd"
check "... and serves the page" has "200 OK from syd"

say "Sydney crashes.  Same question, same answer, different door"
run anycastlab kill syd
check "the router is killed" has "killed the router of syd"
check "u-syd moves to Singapore" wait_pop u-syd sin 5
run anycastlab dig u-syd
check "the answer is still 104.16.0.1" has "A +104\.16\.0\.1"
check "... now from sin (Singapore)" has "answered by sin \(Singapore\)"
run anycastlab revive syd
check "u-syd is back on syd" wait_pop u-syd syd 10

say "Frankfurt withdraws gracefully; Berlin's resolver is answered elsewhere"
run anycastlab withdraw fra
run anycastlab dig u-ber
check "u-ber still gets 104.16.0.1, not from fra" \
	bash -c 'grep -Eq "A +104\.16\.0\.1" <<<"$0" && ! grep -q "answered by fra" <<<"$0"' "$OUT"
run anycastlab announce fra

say "The DNS failover, measured: a query every 10 ms, outage per run"
note "(10 ms keeps one user's queries under the POPs' response-rate limit)"
run anycastlab failover syd --probe dns --interval 10 --runs 3
check "u-syd's queries failed over to sin and came back each time" \
	has "median outage over 3 runs: u-syd"
check "no run reported a problem" bash -c '! grep -Eq "UNEXPECTED|DID NOT" <<<"$0"' "$OUT"
scenario_end
