#!/usr/bin/env bash
# Scene 8: traffic engineering with LOCAL_PREF and MED.  An ISP hears the
# anycast prefix from two POPs of the same CDN, at the same path length.
# The CDN's MED on each session (lower wins, between paths from the same
# neighbour AS) says which door it wants used; the ISP's own LOCAL_PREF
# overrides anything the CDN says.
. "$(dirname "$0")/lib.sh"

TE=/tmp/te$$.yaml
te() {	# te MED_A MED_B [LP_A]
	printf 'name: te\nnodes:\n'
	printf '  a: {kind: pop, asn: 13335, city: Amsterdam}\n'
	printf '  b: {kind: pop, asn: 13335, city: Brussels}\n'
	printf '  isp: {kind: isp, asn: 64500}\n  u: {kind: user}\n'
	printf 'links:\n  - [u, isp]\n'
	printf '  - {endpoints: [isp, a], rel: provider, med: %s%s}\n' "$1" \
		"${3:+, local-pref: $3}"
	printf '  - {endpoints: [isp, b], rel: provider, med: %s}\n' "$2"
}
te 20 10 > "$TE"
scenario_begin "$TE"

say "a says MED 20, b says MED 10: the ISP takes b"
run anycastlab routes isp
check "isp picks b on the lower MED" has "104\.16\.0\.0/24 .* b +13335 .*lowest MED \(10 < 20, AS13335\) over a"
run anycastlab ping u -c 1
check "and u's pings reach b" has "reply from b "
scenario_cleanup

say "The ISP gives its link to a LOCAL_PREF 300: its own preference wins"
te 20 10 300 > "$TE"
scenario_begin "$TE"
run anycastlab routes isp
check "isp picks a on LOCAL_PREF, before MED is looked at" \
	has "104\.16\.0\.0/24 .* a +13335 .*highest local preference \(300 from a customer > 200 from a customer\) over b"
run anycastlab ping u -c 1
check "and u's pings reach a" has "reply from a "
rm -f "$TE"
scenario_end
