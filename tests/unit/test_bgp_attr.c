/*
 * The attribute table (attr.h): one row per malformed input with the RFC
 * 7606 outcome it must get (session reset with its NOTIFICATION, treat-
 * as-withdraw, or attribute discard), unknown attributes, RFC 6793 AS4
 * reconstruction, the encoder's exact bytes for 4-octet and 2-octet
 * peers, and decode(encode(x)) == x.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "bgp/aspath.h"
#include "bgp/attr.h"
#include "bgp/msg.h"

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))

#define A4(x)	(uint8_t)((x) >> 24), (uint8_t)((x) >> 16), \
		(uint8_t)((x) >> 8), (uint8_t)(x)
#define A2(x)	(uint8_t)((x) >> 8), (uint8_t)(x)

/* Well-formed mandatory attributes from AS 65001. */
#define ORIGIN		0x40, 0x01, 0x01, 0x00
#define PATH4		0x40, 0x02, 0x06, 0x02, 0x01, A4(65001)
#define PATH2		0x40, 0x02, 0x04, 0x02, 0x01, A2(65001)
#define NEXTHOP		0x40, 0x03, 0x04, 192, 0, 2, 1
#define BASE4		ORIGIN, PATH4, NEXTHOP
#define BASE2		ORIGIN, PATH2, NEXTHOP

enum { E4, I4, E2, I2 };

static const struct bgp_decode_ctx ctxs[] = {
	[E4] = { .as4 = true, .ebgp = true, .peer_as = 65001 },
	[I4] = { .as4 = true, .ebgp = false, .peer_as = 65001 },
	[E2] = { .as4 = false, .ebgp = true, .peer_as = 65001 },
	[I2] = { .as4 = false, .ebgp = false, .peer_as = 65001 },
};

static uint8_t scratch[BGP_UPDATE_SCRATCH];

static int decode(const uint8_t *p, size_t len, int ctx, bool nlri,
		  struct bgp_attrs *a, struct bgp_attr_result *r)
{
	return bgp_attrs_decode(p, len, &ctxs[ctx], nlri, a, scratch,
				sizeof(scratch), r);
}

/* --- the malformed-input table --- */

enum { OK = BGP_ACT_OK, DISC = BGP_ACT_DISCARD, WDR = BGP_ACT_WITHDRAW,
       RST = BGP_ACT_RESET };

struct attr_case {
	char name[64];		/* by value: workers get a copy */
	int ctx;
	bool nlri;
	uint8_t bytes[48];
	size_t len;
	int action;
	uint8_t type;		/* attribute blamed */
	uint8_t subcode;	/* of UPDATE Message Error */
	unsigned discarded;
};

#define ROW(n, c, nl, act, t, sub, disc, ...) \
	{ n, c, nl, { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), \
	  act, t, sub, disc }

ParameterizedTestParameters(bgp_attr, malformed)
{
	static struct attr_case cases[] = {
		/* ORIGIN, RFC 7606 §7.1 */
		ROW("ORIGIN marked optional", E4, true, WDR, 1, 4, 0,
		    0xc0, 0x01, 0x01, 0x00, PATH4, NEXTHOP),
		ROW("ORIGIN of 2 octets", E4, true, WDR, 1, 5, 0,
		    0x40, 0x01, 0x02, 0x00, 0x00, PATH4, NEXTHOP),
		ROW("ORIGIN of 0 octets", E4, true, WDR, 1, 5, 0,
		    0x40, 0x01, 0x00, PATH4, NEXTHOP),
		ROW("ORIGIN 3", E4, true, WDR, 1, 6, 0,
		    0x40, 0x01, 0x01, 0x03, PATH4, NEXTHOP),
		/* AS_PATH, §7.2 */
		ROW("AS_PATH marked optional", E4, true, WDR, 2, 4, 0,
		    ORIGIN, 0xc0, 0x02, 0x06, 0x02, 0x01, A4(65001), NEXTHOP),
		ROW("AS_PATH count past the end", E4, true, WDR, 2, 11, 0,
		    ORIGIN, 0x40, 0x02, 0x06, 0x02, 0x02, A4(65001), NEXTHOP),
		ROW("AS_PATH count short of the end", E4, true, WDR, 2, 11, 0,
		    ORIGIN, 0x40, 0x02, 0x0a, 0x02, 0x01, A4(65001), A4(7),
		    NEXTHOP),
		ROW("AS_PATH segment type 0", E4, true, WDR, 2, 11, 0,
		    ORIGIN, 0x40, 0x02, 0x06, 0x00, 0x01, A4(65001), NEXTHOP),
		ROW("AS_PATH segment type 5", E4, true, WDR, 2, 11, 0,
		    ORIGIN, 0x40, 0x02, 0x06, 0x05, 0x01, A4(65001), NEXTHOP),
		ROW("AS_PATH empty segment", I4, true, WDR, 2, 11, 0,
		    ORIGIN, 0x40, 0x02, 0x02, 0x02, 0x00, NEXTHOP),
		ROW("AS_PATH 2-octet form from a 4-octet peer", E4, true, WDR,
		    2, 11, 0, BASE2),
		ROW("AS_PATH not starting with the peer AS", E4, true, WDR, 2,
		    11, 0, ORIGIN, 0x40, 0x02, 0x06, 0x02, 0x01, A4(65002),
		    NEXTHOP),
		ROW("AS_PATH starting with a set from eBGP", E4, true, WDR, 2,
		    11, 0, ORIGIN, 0x40, 0x02, 0x06, 0x01, 0x01, A4(65001),
		    NEXTHOP),
		ROW("AS_PATH empty from eBGP", E4, true, WDR, 2, 11, 0,
		    ORIGIN, 0x40, 0x02, 0x00, NEXTHOP),
		ROW("AS_PATH with a confederation sequence from eBGP", E4, true,
		    WDR, 2, 11, 0, ORIGIN, 0x40, 0x02, 0x0c, 0x02, 0x01,
		    A4(65001), 0x03, 0x01, A4(65010), NEXTHOP),
		ROW("AS_PATH with a confederation set from 2-octet eBGP", E2,
		    true, WDR, 2, 11, 0, ORIGIN, 0x40, 0x02, 0x08, 0x02, 0x01,
		    A2(65001), 0x04, 0x01, A2(65010), NEXTHOP),
		ROW("AS_PATH holding AS 0", I4, true, WDR, 2, 11, 0,
		    ORIGIN, 0x40, 0x02, 0x0a, 0x02, 0x02, A4(65001), A4(0),
		    NEXTHOP),
		/* NEXT_HOP, §7.3 */
		ROW("NEXT_HOP marked optional", E4, true, WDR, 3, 4, 0,
		    ORIGIN, PATH4, 0xc0, 0x03, 0x04, 192, 0, 2, 1),
		ROW("NEXT_HOP of 5 octets", E4, true, WDR, 3, 5, 0,
		    ORIGIN, PATH4, 0x40, 0x03, 0x05, 192, 0, 2, 1, 0),
		ROW("NEXT_HOP of 3 octets", E4, true, WDR, 3, 5, 0,
		    ORIGIN, PATH4, 0x40, 0x03, 0x03, 192, 0, 2),
		ROW("NEXT_HOP 0.0.0.0", E4, true, WDR, 3, 8, 0,
		    ORIGIN, PATH4, 0x40, 0x03, 0x04, 0, 0, 0, 0),
		ROW("NEXT_HOP 224.0.0.5", E4, true, WDR, 3, 8, 0,
		    ORIGIN, PATH4, 0x40, 0x03, 0x04, 224, 0, 0, 5),
		ROW("NEXT_HOP 127.0.0.1", E4, true, WDR, 3, 8, 0,
		    ORIGIN, PATH4, 0x40, 0x03, 0x04, 127, 0, 0, 1),
		/* MULTI_EXIT_DISC, §7.4 */
		ROW("MED marked well-known", E4, true, WDR, 4, 4, 0,
		    BASE4, 0x40, 0x04, 0x04, 0, 0, 0, 1),
		ROW("MED of 2 octets", E4, true, WDR, 4, 5, 0,
		    BASE4, 0x80, 0x04, 0x02, 0, 1),
		/* LOCAL_PREF, §7.5 */
		ROW("LOCAL_PREF marked optional from iBGP", I4, true, WDR, 5, 4,
		    0, BASE4, 0xc0, 0x05, 0x04, 0, 0, 0, 100),
		ROW("LOCAL_PREF of 3 octets from iBGP", I4, true, WDR, 5, 5, 0,
		    BASE4, 0x40, 0x05, 0x03, 0, 0, 100),
		ROW("LOCAL_PREF from eBGP", E4, true, DISC, 5, 1, 1,
		    BASE4, 0x40, 0x05, 0x04, 0, 0, 0, 100),
		ROW("LOCAL_PREF of 3 octets from eBGP", E4, true, DISC, 5, 1, 1,
		    BASE4, 0x40, 0x05, 0x03, 0, 0, 100),
		/* ATOMIC_AGGREGATE, §7.6 */
		ROW("ATOMIC_AGGREGATE of 1 octet", E4, true, DISC, 6, 5, 1,
		    BASE4, 0x40, 0x06, 0x01, 0x00),
		ROW("ATOMIC_AGGREGATE marked optional", E4, true, DISC, 6, 4, 1,
		    BASE4, 0xc0, 0x06, 0x00),
		/* AGGREGATOR, §7.7 */
		ROW("AGGREGATOR of 6 octets from a 4-octet peer", E4, true,
		    DISC, 7, 5, 1,
		    BASE4, 0xc0, 0x07, 0x06, A2(65001), 10, 0, 0, 1),
		ROW("AGGREGATOR of 8 octets from a 2-octet peer", E2, true,
		    DISC, 7, 5, 1,
		    BASE2, 0xc0, 0x07, 0x08, A4(65001), 10, 0, 0, 1),
		ROW("AGGREGATOR marked well-known", E4, true, DISC, 7, 4, 1,
		    BASE4, 0x40, 0x07, 0x08, A4(65001), 10, 0, 0, 1),
		ROW("AGGREGATOR of AS 0", E4, true, DISC, 7, 9, 1,
		    BASE4, 0xc0, 0x07, 0x08, A4(0), 10, 0, 0, 1),
		/* COMMUNITIES, §7.8 */
		ROW("COMMUNITIES of 6 octets", E4, true, WDR, 8, 5, 0,
		    BASE4, 0xc0, 0x08, 0x06, 1, 2, 3, 4, 5, 6),
		ROW("COMMUNITIES of 0 octets", E4, true, WDR, 8, 5, 0,
		    BASE4, 0xc0, 0x08, 0x00),
		ROW("COMMUNITIES marked non-transitive", E4, true, WDR, 8, 4, 0,
		    BASE4, 0x80, 0x08, 0x04, 1, 2, 3, 4),
		/* ORIGINATOR_ID and CLUSTER_LIST, §7.9, §7.10 */
		ROW("ORIGINATOR_ID of 3 octets", E4, true, WDR, 9, 5, 0,
		    BASE4, 0x80, 0x09, 0x03, 10, 0, 0),
		ROW("ORIGINATOR_ID marked transitive", E4, true, WDR, 9, 4, 0,
		    BASE4, 0xc0, 0x09, 0x04, 10, 0, 0, 1),
		ROW("ORIGINATOR_ID of 4 octets", E4, true, OK, 0, 0, 0,
		    BASE4, 0x80, 0x09, 0x04, 10, 0, 0, 1),
		ROW("CLUSTER_LIST of 6 octets", E4, true, WDR, 10, 5, 0,
		    BASE4, 0x80, 0x0a, 0x06, 10, 0, 0, 1, 0, 0),
		ROW("CLUSTER_LIST of 0 octets", E4, true, WDR, 10, 5, 0,
		    BASE4, 0x80, 0x0a, 0x00),
		/* EXTENDED_COMMUNITIES, §7.14 */
		ROW("EXTENDED_COMMUNITIES of 7 octets", E4, true, WDR, 16, 5, 0,
		    BASE4, 0xc0, 0x10, 0x07, 0, 2, 0xfd, 0xe8, 0, 0, 0),
		ROW("EXTENDED_COMMUNITIES of 12 octets", E4, true, WDR, 16, 5,
		    0, BASE4, 0xc0, 0x10, 0x0c, 0, 2, 0xfd, 0xe8, 0, 0, 0, 1,
		    1, 2, 3, 4),
		ROW("EXTENDED_COMMUNITIES of 0 octets", E4, true, WDR, 16, 5, 0,
		    BASE4, 0xc0, 0x10, 0x00),
		ROW("EXTENDED_COMMUNITIES marked non-transitive", E4, true,
		    WDR, 16, 4, 0, BASE4, 0x80, 0x10, 0x08, 0, 2, 0xfd, 0xe8,
		    0, 0, 0, 1),
		ROW("EXTENDED_COMMUNITIES of 16 octets", E4, true, OK, 0, 0, 0,
		    BASE4, 0xc0, 0x10, 0x10, 0, 2, 0xfd, 0xe8, 0, 0, 0, 1,
		    0, 2, 0xfd, 0xe8, 0, 0, 0, 2),
		/* IPv6 Address Specific Extended Community, §7.15 */
		ROW("IPV6_EXTENDED_COMMUNITIES of 19 octets", E4, true, WDR, 25,
		    5, 0, BASE4, 0xc0, 0x19, 0x13, 0, 2, 0x20, 0x01, 0x0d, 0xb8,
		    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0),
		/* Tunnel Encapsulation, RFC 9012 §2, §13 */
		ROW("TUNNEL_ENCAPSULATION empty", E4, true, WDR, 23, 9, 0,
		    BASE4, 0xc0, 0x17, 0x00),
		ROW("TUNNEL_ENCAPSULATION TLV header cut short", E4, true, WDR,
		    23, 9, 0, BASE4, 0xc0, 0x17, 0x03, 0, 8, 0),
		ROW("TUNNEL_ENCAPSULATION TLV past the attribute", E4, true,
		    WDR, 23, 9, 0, BASE4, 0xc0, 0x17, 0x06, 0, 8, 0, 5, 1, 0),
		ROW("TUNNEL_ENCAPSULATION sub-TLV past its TLV", E4, true, WDR,
		    23, 9, 0, BASE4, 0xc0, 0x17, 0x08, 0, 8, 0, 4, 1, 3, 0, 0),
		ROW("TUNNEL_ENCAPSULATION long sub-TLV header cut short", E4,
		    true, WDR, 23, 9, 0, BASE4, 0xc0, 0x17, 0x06, 0, 8, 0, 2,
		    128, 0),
		ROW("TUNNEL_ENCAPSULATION marked non-transitive", E4, true, WDR,
		    23, 4, 0, BASE4, 0x80, 0x17, 0x04, 0, 8, 0, 0),
		ROW("TUNNEL_ENCAPSULATION well-formed", E4, true, OK, 0, 0, 0,
		    BASE4, 0xc0, 0x17, 0x0d, 0, 8, 0, 9, 1, 2, 0, 0,
		    128, 0, 2, 0xab, 0xcd),
		/* AIGP, RFC 7311 §3.2: malformed is attribute discard */
		ROW("AIGP TLV of type 1 of 10 octets", E4, true, DISC, 26, 9, 1,
		    BASE4, 0x80, 0x1a, 0x0a, 1, 0, 10, 0, 0, 0, 0, 0, 0, 0),
		ROW("AIGP TLV past the attribute", E4, true, DISC, 26, 9, 1,
		    BASE4, 0x80, 0x1a, 0x03, 1, 0, 11),
		ROW("AIGP well-formed is dropped quietly", E4, true, OK, 0, 0, 0,
		    BASE4, 0x80, 0x1a, 0x0b, 1, 0, 11, 0, 0, 0, 0, 0, 0, 0, 5),
		/* LARGE_COMMUNITY, RFC 8092 §6 */
		ROW("LARGE_COMMUNITY of 11 octets", E4, true, WDR, 32, 5, 0,
		    BASE4, 0xc0, 0x20, 0x0b, A4(65001), A4(1), 0, 0, 2),
		ROW("LARGE_COMMUNITY of 0 octets", E4, true, WDR, 32, 5, 0,
		    BASE4, 0xc0, 0x20, 0x00),
		ROW("LARGE_COMMUNITY marked non-transitive", E4, true, WDR, 32,
		    4, 0, BASE4, 0x80, 0x20, 0x0c, A4(65001), A4(1), A4(2)),
		ROW("LARGE_COMMUNITY of 12 octets", E4, true, OK, 0, 0, 0,
		    BASE4, 0xc0, 0x20, 0x0c, A4(65001), A4(1), A4(2)),
		/* OTC, RFC 9234 §5 */
		ROW("OTC of 2 octets", E4, true, WDR, 35, 5, 0,
		    BASE4, 0xc0, 0x23, 0x02, 0xfd, 0xe9),
		/* ATTR_SET, §7.16, RFC 6368 §5 */
		ROW("ATTR_SET of 3 octets", E4, true, WDR, 128, 5, 0,
		    BASE4, 0xc0, 0x80, 0x03, 0, 0, 1),
		/* AS4_PATH and AS4_AGGREGATOR, RFC 6793 §6 */
		ROW("AS4_PATH from a 4-octet peer", E4, true, DISC, 17, 9, 1,
		    BASE4, 0xc0, 0x11, 0x06, 0x02, 0x01, A4(4200000001u)),
		ROW("AS4_AGGREGATOR from a 4-octet peer", E4, true, DISC, 18, 9,
		    1, BASE4, 0xc0, 0x12, 0x08, A4(4200000001u), 10, 0, 0, 1),
		ROW("AS4_PATH count past the end", E2, true, DISC, 17, 9, 1,
		    BASE2, 0xc0, 0x11, 0x06, 0x02, 0x02, A4(4200000001u)),
		ROW("AS4_PATH empty", E2, true, DISC, 17, 9, 1,
		    BASE2, 0xc0, 0x11, 0x00),
		ROW("AS4_PATH with a confederation segment", E2, true, DISC, 17,
		    9, 1, BASE2, 0xc0, 0x11, 0x06, 0x03, 0x01, A4(64512)),
		ROW("AS4_PATH holding AS 0", E2, true, DISC, 17, 9, 1,
		    BASE2, 0xc0, 0x11, 0x06, 0x02, 0x01, A4(0)),
		ROW("AS4_AGGREGATOR of 6 octets", E2, true, DISC, 18, 5, 1,
		    BASE2, 0xc0, 0x12, 0x06, A2(1), 10, 0, 0, 1),
		ROW("AS4_AGGREGATOR marked well-known", E2, true, DISC, 18, 4,
		    1, BASE2, 0x40, 0x12, 0x08, A4(4200000001u), 10, 0, 0, 1),
		/* MP_*, §7.11: flags conflicts reset too */
		ROW("MP_UNREACH_NLRI marked transitive", E4, true, RST, 15, 4,
		    0, BASE4, 0xc0, 0x0f, 0x03, 0x00, 0x01, 0x01),
		/* missing well-known mandatory attributes, §3 d */
		ROW("missing ORIGIN", E4, true, WDR, 1, 3, 0, PATH4, NEXTHOP),
		ROW("missing AS_PATH", E4, true, WDR, 2, 3, 0, ORIGIN, NEXTHOP),
		ROW("missing NEXT_HOP", E4, true, WDR, 3, 3, 0, ORIGIN, PATH4),
		ROW("missing ORIGIN without NLRI", E4, false, OK, 0, 0, 0,
		    PATH4, NEXTHOP),
		/* framing, §4 */
		ROW("attribute runs past the block", E4, true, WDR, 3, 1, 0,
		    ORIGIN, PATH4, 0x40, 0x03, 0x08, 192, 0, 2, 1),
		ROW("attribute header cut short", E4, true, WDR, 8, 1, 0,
		    BASE4, 0xc0, 0x08),
		ROW("lone flags octet", E4, true, WDR, 0, 1, 0, BASE4, 0xc0),
		ROW("extended length header cut short", E4, true, WDR, 8, 1, 0,
		    BASE4, 0xd0, 0x08, 0x00),
		/* repeats, §3 g */
		ROW("ORIGIN twice", E4, true, DISC, 1, 1, 1,
		    BASE4, 0x40, 0x01, 0x01, 0x02),
		ROW("COMMUNITIES twice", E4, true, DISC, 8, 1, 1,
		    BASE4, 0xc0, 0x08, 0x04, 1, 2, 3, 4,
		    0xc0, 0x08, 0x04, 5, 6, 7, 8),
		ROW("unknown optional attribute twice", E4, true, DISC, 99, 1,
		    1, BASE4, 0xc0, 99, 0x01, 1, 0xc0, 99, 0x01, 2),
		ROW("MP_UNREACH_NLRI twice", E4, false, RST, 15, 1, 0,
		    0x80, 0x0f, 0x03, 0x00, 0x01, 0x01,
		    0x80, 0x0f, 0x03, 0x00, 0x02, 0x01),
		/* unknown attributes, RFC 4271 §5, §6.3 */
		ROW("unrecognized well-known attribute", E4, true, RST, 99, 2,
		    0, BASE4, 0x40, 99, 0x01, 0x00),
		ROW("unrecognized well-known non-transitive", E4, true, RST, 99,
		    2, 0, BASE4, 0x00, 99, 0x00),
		ROW("unknown optional non-transitive", E4, true, OK, 0, 0, 0,
		    BASE4, 0x80, 200, 0x02, 1, 2),
		ROW("unknown optional transitive", E4, true, OK, 0, 0, 0,
		    BASE4, 0xc0, 200, 0x02, 1, 2),
		ROW("Partial on a well-known attribute", E4, true, OK, 0, 0, 0,
		    0x60, 0x01, 0x01, 0x00, PATH4, NEXTHOP),
		/* combining, §3 h and §5.2 */
		ROW("withdraw beats discard", E4, true, WDR, 8, 5, 1,
		    BASE4, 0x40, 0x06, 0x01, 0x00, 0xc0, 0x08, 0x02, 1, 2),
		ROW("first of equal outcomes is blamed", E4, true, WDR, 1, 6, 0,
		    0x40, 0x01, 0x01, 0x05, PATH4, NEXTHOP,
		    0xc0, 0x08, 0x02, 1, 2),
		ROW("reset beats withdraw", E4, true, RST, 99, 2, 0,
		    0x40, 0x01, 0x01, 0x05, PATH4, NEXTHOP, 0x40, 99, 0x00),
		ROW("withdraw without reachable NLRI resets", E4, false, RST, 1,
		    1, 0, 0x40, 0x01, 0x01, 0x05, PATH4, NEXTHOP),
		ROW("discard without NLRI stays a discard", E4, false, DISC, 6,
		    5, 1, BASE4, 0x40, 0x06, 0x01, 0x00),
		ROW("withdraw with only MP reachability", E4, false, WDR, 8, 5,
		    0, ORIGIN, PATH4, 0xc0, 0x08, 0x02, 1, 2,
		    0x80, 0x0e, 0x0d, 0x00, 0x01, 0x01, 0x04, 192, 0, 2, 1,
		    0x00, 0x18, 0x68, 0x10, 0x00),
	};

	return cr_make_param_array(struct attr_case, cases, ARRAY_SIZE(cases));
}

ParameterizedTest(struct attr_case *c, bgp_attr, malformed)
{
	struct bgp_attrs a;
	struct bgp_attr_result r;
	int rc = decode(c->bytes, c->len, c->ctx, c->nlri, &a, &r);

	cr_assert_eq(rc, c->action == RST ? -EBADMSG : 0, "%s: rc %d", c->name,
		     rc);
	cr_assert_eq((int)r.action, c->action, "%s: action %d (%s)", c->name,
		     (int)r.action, r.err.reason);
	cr_assert_eq(r.discarded, c->discarded, "%s: discarded %u", c->name,
		     r.discarded);
	cr_assert_not_null(r.err.reason);
	if (c->action == OK)
		return;
	cr_assert_eq(r.type, c->type, "%s: type %u", c->name, r.type);
	cr_assert_eq(r.err.code, BGP_ERR_UPDATE, "%s: code %u", c->name,
		     r.err.code);
	cr_assert_eq(r.err.subcode, c->subcode, "%s: subcode %u (%s)", c->name,
		     r.err.subcode, r.err.reason);
}

/* --- NOTIFICATION data (RFC 4271 §6.3) --- */

Test(bgp_attr, flags_error_quotes_the_attribute)
{
	const uint8_t blk[] = { BASE4, 0xc0, 0x0e, 0x05, 0x00, 0x01, 0x01,
				0x00, 0x00 };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), -EBADMSG);
	cr_assert_eq(r.err.subcode, BGP_ERR_UPD_FLAGS);
	cr_assert_eq(r.err.len, 8);
	cr_assert_eq(r.err.data, blk + 20);
}

Test(bgp_attr, unrecognized_well_known_quotes_the_attribute)
{
	const uint8_t blk[] = { BASE4, 0x50, 99, 0x00, 0x02, 0xab, 0xcd };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), -EBADMSG);
	cr_assert_eq(r.err.subcode, BGP_ERR_UPD_UNKNOWN_WK);
	cr_assert_eq(r.err.len, 6);
	cr_assert_arr_eq(r.err.data, blk + 20, 6);
}

Test(bgp_attr, missing_attribute_names_its_type)
{
	const uint8_t blk[] = { ORIGIN, NEXTHOP };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(r.err.subcode, BGP_ERR_UPD_MISSING_WK);
	cr_assert_eq(r.err.len, 1);
	cr_assert_eq(r.err.data[0], BGP_ATTR_AS_PATH);
}

Test(bgp_attr, block_larger_than_any_update)
{
	static uint8_t blk[BGP_MAX_MSG];
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, BGP_MAX_MSG - 22, E4, true, &a, &r),
		     -EBADMSG);
	cr_assert_eq(r.action, BGP_ACT_RESET);
	cr_assert_eq(r.err.code, BGP_ERR_UPDATE);
	cr_assert_eq(r.err.subcode, BGP_ERR_UPD_ATTR_LIST);
}

/* --- what is kept --- */

Test(bgp_attr, all_known_attributes_decoded)
{
	const uint8_t blk[] = {
		ORIGIN, PATH4, NEXTHOP,
		0x80, 0x04, 0x04, 0, 0, 0, 50,
		0x40, 0x06, 0x00,
		0xc0, 0x07, 0x08, A4(65001), 10, 0, 0, 1,
		0xc0, 0x08, 0x04, 0xfd, 0xe8, 0x00, 0x64,
		0x40, 0x05, 0x04, 0, 0, 0, 200,
	};
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), I4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(a.present, 0x1fe);
	cr_assert_eq(a.origin, 0);
	cr_assert_eq(a.nexthop, 0xc0000201);
	cr_assert_eq(a.med, 50);
	cr_assert_eq(a.local_pref, 200);
	cr_assert_eq(a.aggr_as, 65001);
	cr_assert_eq(a.aggr_addr, 0x0a000001);
	cr_assert_eq(a.aspath_len, 6);
	cr_assert_arr_eq(a.aspath, blk + 7, 6);
	cr_assert_eq(a.communities_len, 4);
	cr_assert_arr_eq(a.communities, blk + 44, 4);
	cr_assert_eq(a.unknown_len, 0);
}

Test(bgp_attr, repeated_attribute_keeps_the_first)
{
	const uint8_t blk[] = { BASE4, 0x40, 0x01, 0x01, 0x02 };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), 0);
	cr_assert_eq(a.origin, BGP_ORIGIN_IGP);
	cr_assert_eq(r.discarded, 1);
}

Test(bgp_attr, discarded_attributes_are_absent)
{
	const uint8_t blk[] = { BASE4, 0x40, 0x05, 0x04, 0, 0, 0, 100,
				0xc0, 0x07, 0x06, A2(65001), 10, 0, 0, 1 };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_DISCARD);
	cr_assert_eq(r.discarded, 2);
	cr_assert_eq(r.type, BGP_ATTR_LOCAL_PREF);
	cr_assert_eq(a.present, 0xe);
}

Test(bgp_attr, unknown_transitive_kept_in_type_order_with_partial)
{
	static uint8_t blk[512];
	size_t len = 0, i;
	struct bgp_attrs a;
	struct bgp_attr_result r;
	const uint8_t head[] = {
		BASE4,
		0xc0, 40, 0x02, 0xaa, 0xbb,		/* type 40 */
		0x80, 41, 0x01, 0xcc,			/* non-transitive */
		0xd0, 60, 0x00, 0x01, 0xdd,		/* ext. length, 1 */
		0xe0, 33, 0x01, 0xee,			/* already partial */
		0xd0, 50, 0x01, 0x2c,			/* 300 octets */
	};

	memcpy(blk, head, sizeof(head));
	len = sizeof(head);
	for (i = 0; i < 300; i++)
		blk[len++] = (uint8_t)i;
	cr_assert_eq(decode(blk, len, E4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(a.unknown_len, 4 + 5 + 304 + 4);
	cr_assert_arr_eq(a.unknown, ((uint8_t[]){ 0xe0, 33, 0x01, 0xee,
						  0xe0, 40, 0x02, 0xaa, 0xbb,
						  0xf0, 50, 0x01, 0x2c, 0 }),
			 14);
	cr_assert_arr_eq(a.unknown + 13, blk + sizeof(head), 300);
	cr_assert_arr_eq(a.unknown + 313, ((uint8_t[]){ 0xe0, 60, 0x01, 0xdd }),
			 4);
}

/* Checked known transitive attributes travel on as received: no
 * Partial added, in type order among the unknown ones. */
Test(bgp_attr, checked_transitive_attributes_passed_on_as_received)
{
	const uint8_t blk[] = {
		BASE4,
		0xc0, 0x20, 0x0c, A4(65001), A4(1), A4(2),	/* LARGE */
		0xc0, 0x10, 0x08, 0, 2, 0xfd, 0xe8, 0, 0, 0, 1,	/* EXT */
		0xc0, 0x63, 0x01, 0x07,				/* unknown 99 */
		0x80, 0x09, 0x04, 10, 0, 0, 1,			/* ORIGINATOR_ID */
		0x80, 0x1a, 0x0b, 1, 0, 11, 0, 0, 0, 0, 0, 0, 0, 5, /* AIGP */
	};
	const uint8_t want[] = {
		0xc0, 0x10, 0x08, 0, 2, 0xfd, 0xe8, 0, 0, 0, 1,
		0xc0, 0x20, 0x0c, A4(65001), A4(1), A4(2),
		0xe0, 0x63, 0x01, 0x07,
	};
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK, "%s", r.err.reason);
	cr_assert_eq(a.unknown_len, sizeof(want));
	cr_assert_arr_eq(a.unknown, want, sizeof(want));
}

/* A malformed one is never passed on: the whole route goes. */
Test(bgp_attr, malformed_large_community_is_not_passed_on)
{
	const uint8_t blk[] = {
		BASE4, 0xc0, 0x20, 0x0b, A4(65001), A4(1), 0, 0, 2,
	};
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(a.unknown_len, 0);
}

/* unknown-attributes: discard drops unknown optional transitive
 * attributes, and only those. */
Test(bgp_attr, unknown_discard_drops_unknown_transitive_only)
{
	const uint8_t blk[] = {
		BASE4,
		0xc0, 0x10, 0x08, 0, 2, 0xfd, 0xe8, 0, 0, 0, 1,
		0xc0, 0x63, 0x01, 0x07,
	};
	struct bgp_decode_ctx ctx = ctxs[E4];
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), 0);
	cr_assert_eq(a.unknown_len, 11 + 4, "passed on by default");
	ctx.unknown_discard = true;
	cr_assert_eq(bgp_attrs_decode(blk, sizeof(blk), &ctx, true, &a,
				      scratch, sizeof(scratch), &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(r.discarded, 0);
	cr_assert_eq(a.unknown_len, 11);
	cr_assert_arr_eq(a.unknown, blk + 20, 11);
}

Test(bgp_attr, captured_attributes_from_bird)
{
	/* The attribute block of BIRD 2.0.12's UPDATE to a 2-octet peer
	 * (see test_bgp_msg.c): AS_PATH 65001 23456, AS4_PATH 65001
	 * 4200000099. */
	const uint8_t blk[] = {
		0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x06, 0x02,
		0x02, 0xfd, 0xe9, 0x5b, 0xa0, 0x40, 0x03, 0x04,
		0xc0, 0x00, 0x02, 0x05, 0xc0, 0x08, 0x04, 0xfd,
		0xe8, 0x01, 0x2c, 0xc0, 0x11, 0x0a, 0x02, 0x02,
		0x00, 0x00, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x63,
	};
	struct bgp_attrs a;
	struct bgp_attr_result r;
	char s[64];

	cr_assert_eq(decode(blk, sizeof(blk), E2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	aspath_format(a.aspath, a.aspath_len, s, sizeof(s));
	cr_assert_str_eq(s, "65001 4200000099");
	/* Read as a 4-octet peer would, AS4_PATH is discarded and the
	 * 2-octet AS_PATH is malformed. */
	cr_assert_eq(decode(blk, sizeof(blk), E4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(r.type, BGP_ATTR_AS_PATH);
	cr_assert_eq(r.discarded, 1);
}

/* --- RFC 6793 §4.2.3 from a 2-octet peer --- */

Test(bgp_attr, as4_path_merged)
{
	const uint8_t blk[] = {
		ORIGIN,
		0x40, 0x02, 0x08, 0x02, 0x03, A2(65001), A2(23456), A2(23456),
		NEXTHOP,
		0xc0, 0x11, 0x0a, 0x02, 0x02, A4(4200000099u),
		A4(4200000001u),
	};
	const uint8_t want[] = { 0x02, 0x01, A4(65001),
				 0x02, 0x02, A4(4200000099u), A4(4200000001u) };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(a.aspath_len, sizeof(want));
	cr_assert_arr_eq(a.aspath, want, sizeof(want));
	cr_assert_not(a.present & BGP_ATTR_BIT(BGP_ATTR_AS4_PATH));
}

Test(bgp_attr, as4_path_replacing_the_peer_as_is_discarded)
{
	/* As long as AS_PATH, AS4_PATH would take the place of 65001. */
	const uint8_t blk[] = {
		ORIGIN, PATH2, NEXTHOP,
		0xc0, 0x11, 0x06, 0x02, 0x01, A4(4200000001u),
	};
	const uint8_t want[] = { 0x02, 0x01, A4(65001) };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_DISCARD);
	cr_assert_eq(r.type, BGP_ATTR_AS4_PATH);
	cr_assert_eq(r.discarded, 1);
	cr_assert_arr_eq(a.aspath, want, sizeof(want));
	/* From an internal peer there is no neighbour AS to protect. */
	cr_assert_eq(decode(blk, sizeof(blk), I2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_arr_eq(a.aspath, blk + 18 + 3, 6);
}

Test(bgp_attr, as4_path_longer_than_as_path_ignored)
{
	const uint8_t blk[] = {
		ORIGIN, PATH2, NEXTHOP,
		0xc0, 0x11, 0x0a, 0x02, 0x02, A4(4200000099u),
		A4(4200000001u),
	};
	const uint8_t want[] = { 0x02, 0x01, A4(65001) };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(a.aspath_len, sizeof(want));
	cr_assert_arr_eq(a.aspath, want, sizeof(want));
}

Test(bgp_attr, as_trans_peer_starts_its_path_with_as_trans)
{
	/* A 2-octet session with a 4-octet AS: the path says AS_TRANS. */
	const struct bgp_decode_ctx ctx = { .as4 = false, .ebgp = true,
					    .peer_as = 4200000001u };
	const uint8_t blk[] = {
		ORIGIN, 0x40, 0x02, 0x04, 0x02, 0x01, A2(23456), NEXTHOP,
		0xc0, 0x11, 0x06, 0x02, 0x01, A4(4200000001u),
	};
	const uint8_t want[] = { 0x02, 0x01, A4(4200000001u) };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(bgp_attrs_decode(blk, sizeof(blk), &ctx, true, &a,
				      scratch, sizeof(scratch), &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_arr_eq(a.aspath, want, sizeof(want));
}

Test(bgp_attr, as4_aggregator_replaces_as_trans)
{
	const uint8_t blk[] = {
		BASE2,
		0xc0, 0x07, 0x06, A2(23456), 10, 0, 0, 1,
		0xc0, 0x12, 0x08, A4(4200000001u), 10, 0, 0, 2,
	};
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(a.aggr_as, 4200000001u);
	cr_assert_eq(a.aggr_addr, 0x0a000002);
	cr_assert_not(a.present & BGP_ATTR_BIT(BGP_ATTR_AS4_AGGREGATOR));
}

Test(bgp_attr, aggregator_not_as_trans_makes_as4_attributes_stale)
{
	const uint8_t blk[] = {
		ORIGIN,
		0x40, 0x02, 0x06, 0x02, 0x02, A2(65001), A2(23456),
		NEXTHOP,
		0xc0, 0x07, 0x06, A2(65010), 10, 0, 0, 1,
		0xc0, 0x11, 0x06, 0x02, 0x01, A4(4200000001u),
		0xc0, 0x12, 0x08, A4(4200000001u), 10, 0, 0, 2,
	};
	const uint8_t want[] = { 0x02, 0x02, A4(65001), A4(23456) };
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_eq(a.aggr_as, 65010);
	cr_assert_eq(a.aggr_addr, 0x0a000001);
	cr_assert_arr_eq(a.aspath, want, sizeof(want));
}

Test(bgp_attr, as4_aggregator_without_aggregator_ignored)
{
	const uint8_t blk[] = {
		BASE2, 0xc0, 0x12, 0x08, A4(4200000001u), 10, 0, 0, 2,
	};
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(decode(blk, sizeof(blk), E2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK);
	cr_assert_not(a.present & BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR));
	cr_assert_eq(a.aggr_as, 0);
}

/* --- scratch space --- */

/*
 * The largest AS_PATH a 2-octet peer can fit in one message, with an
 * AS4_PATH of k AS numbers: widened, rebuilt from a long head of it and
 * AS4_PATH, it is the worst case for scratch space.  Returns the block
 * length; *nas gets the AS_PATH's AS count.
 */
static size_t big_block(uint8_t *blk, size_t k, size_t *nas)
{
	size_t a4len = k ? 2 + k * 4 : 0, off = 0, start, left, i;

	memcpy(blk, (const uint8_t[]){ ORIGIN }, 4);
	off = 4;
	blk[off++] = 0x50;
	blk[off++] = BGP_ATTR_AS_PATH;
	off += 2;
	start = off;
	left = BGP_MAX_MSG - 23 - 4 - 4 - 7 - (k ? 3 + a4len : 0) - 4;
	*nas = 0;
	while (left >= 4) {
		size_t cnt = (left - 2) / 2 > 255 ? 255 : (left - 2) / 2;

		blk[off++] = BGP_AS_SEQUENCE;
		blk[off++] = (uint8_t)cnt;
		for (i = 0; i < cnt; i++, (*nas)++) {
			blk[off++] = 0xfd;
			blk[off++] = (uint8_t)(*nas % 200 + 1);
		}
		left -= 2 + cnt * 2;
	}
	blk[start - 2] = (uint8_t)((off - start) >> 8);
	blk[start - 1] = (uint8_t)(off - start);
	memcpy(blk + off, (const uint8_t[]){ NEXTHOP }, 7);
	off += 7;
	if (k) {
		blk[off++] = 0xc0;
		blk[off++] = BGP_ATTR_AS4_PATH;
		blk[off++] = (uint8_t)a4len;
		blk[off++] = BGP_AS_SEQUENCE;
		blk[off++] = (uint8_t)k;
		for (i = 0; i < k; i++, off += 4)
			memcpy(blk + off, (const uint8_t[]){ A4(4200000001u) },
			       4);
	}
	return off;
}

Test(bgp_attr, worst_case_fits_the_update_scratch)
{
	static uint8_t blk[BGP_MAX_MSG];
	size_t nas, len = big_block(blk, 1, &nas);
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_leq(len, BGP_MAX_MSG - 23 - 4);
	cr_assert_eq(decode(blk, len, I2, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK, "%s", r.err.reason);
	cr_assert_eq(aspath_count(a.aspath, a.aspath_len), nas);
	cr_assert(aspath_contains(a.aspath, a.aspath_len, 4200000001u));
	cr_assert_eq(aspath_check(a.aspath, a.aspath_len, 4), 0);
}

Test(bgp_attr, scratch_too_small_is_out_of_resources)
{
	static uint8_t blk[BGP_MAX_MSG], small[3 * BGP_MAX_MSG];
	size_t nas, len = big_block(blk, 1, &nas);
	struct bgp_attrs a;
	struct bgp_attr_result r;

	cr_assert_eq(bgp_attrs_decode(blk, len, &ctxs[I2], true, &a, small,
				      sizeof(small), &r), -EBADMSG);
	cr_assert_eq(r.action, BGP_ACT_RESET);
	cr_assert_eq(r.err.code, BGP_ERR_CEASE);
	cr_assert_eq(r.err.subcode, BGP_CEASE_OUT_OF_RESOURCES);
	cr_assert_eq(r.type, BGP_ATTR_AS4_PATH);
	len = big_block(blk, 0, &nas);
	cr_assert_eq(bgp_attrs_decode(blk, len, &ctxs[I2], true, &a, small,
				      100, &r), -EBADMSG);
	cr_assert_eq(r.err.subcode, BGP_CEASE_OUT_OF_RESOURCES);
	cr_assert_eq(r.type, BGP_ATTR_AS_PATH);
	cr_assert_eq(bgp_attrs_decode(blk, len, &ctxs[I2], true, &a, NULL, 0,
				      &r), -EBADMSG);
}

Test(bgp_attr, aspath_of_3000_asns_is_refused)
{
	/* 3,000 AS numbers: 12,024 octets of AS_PATH, no UPDATE holds it. */
	static uint8_t blk[16384];
	size_t off = 0, i, plen = 12 * 2 + 3000 * 4;
	struct bgp_attrs a;
	struct bgp_attr_result r;

	memcpy(blk, (const uint8_t[]){ ORIGIN }, 4);
	off = 4;
	blk[off++] = 0x50;
	blk[off++] = BGP_ATTR_AS_PATH;
	blk[off++] = (uint8_t)(plen >> 8);
	blk[off++] = (uint8_t)plen;
	for (i = 0; i < 3000; i++) {
		if (i % 255 == 0) {
			blk[off++] = BGP_AS_SEQUENCE;
			blk[off++] = (uint8_t)(3000 - i < 255 ? 3000 - i : 255);
		}
		memcpy(blk + off, (const uint8_t[]){ A4(65001) }, 4);
		off += 4;
	}
	memcpy(blk + off, (const uint8_t[]){ NEXTHOP }, 7);
	off += 7;
	cr_assert_eq(aspath_check(blk + 8, plen, 4), 0);
	cr_assert_eq(decode(blk, off, E4, true, &a, &r), -EBADMSG);
	cr_assert_eq(r.action, BGP_ACT_RESET);
	cr_assert_eq(r.err.code, BGP_ERR_UPDATE);
	cr_assert_eq(r.err.subcode, BGP_ERR_UPD_ATTR_LIST);
	/* Cut to what a message could carry, the path runs past the block:
	 * treat-as-withdraw, no read beyond it. */
	cr_assert_eq(decode(blk, BGP_MAX_MSG - 23 - 4, E4, true, &a, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_WITHDRAW);
	cr_assert_eq(r.type, BGP_ATTR_AS_PATH);
	cr_assert_eq(r.err.subcode, BGP_ERR_UPD_ATTR_LIST);
}

/* --- encoder --- */

static const uint8_t path_big[] = { 0x02, 0x02, A4(65001), A4(4200000001u) };
static const uint8_t comm_one[] = { 0xfd, 0xe8, 0x00, 0x64 };
static const uint8_t unknown_33[] = { 0xe0, 33, 0x01, 0x07 };

static struct bgp_attrs full_attrs(void)
{
	return (struct bgp_attrs){
		.present = 0x1fe,
		.origin = BGP_ORIGIN_IGP,
		.nexthop = 0x0a000001,
		.med = 100,
		.local_pref = 200,
		.aggr_as = 4200000001u,
		.aggr_addr = 0x0a000001,
		.aspath = path_big,
		.aspath_len = sizeof(path_big),
		.communities = comm_one,
		.communities_len = sizeof(comm_one),
		.unknown = unknown_33,
		.unknown_len = sizeof(unknown_33),
	};
}

static size_t encode(const struct bgp_attrs *a, bool as4, uint8_t *mem,
		     size_t cap)
{
	struct buf b;

	buf_init(&b, mem, cap);
	bgp_attrs_encode(&b, a, as4);
	cr_assert_eq(b.err, 0);
	return b.len;
}

Test(bgp_attr, encode_for_a_4octet_peer)
{
	const uint8_t want[] = {
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x0a, 0x02, 0x02, A4(65001), A4(4200000001u),
		0x40, 0x03, 0x04, 10, 0, 0, 1,
		0x80, 0x04, 0x04, 0, 0, 0, 100,
		0x40, 0x05, 0x04, 0, 0, 0, 200,
		0x40, 0x06, 0x00,
		0xc0, 0x07, 0x08, A4(4200000001u), 10, 0, 0, 1,
		0xc0, 0x08, 0x04, 0xfd, 0xe8, 0x00, 0x64,
		0xe0, 33, 0x01, 0x07,
	};
	struct bgp_attrs a = full_attrs();
	uint8_t mem[256];
	size_t len = encode(&a, true, mem, sizeof(mem));

	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_attr, encode_for_a_2octet_peer_uses_as_trans_and_as4_attributes)
{
	const uint8_t want[] = {
		0x40, 0x01, 0x01, 0x00,
		0x40, 0x02, 0x06, 0x02, 0x02, A2(65001), A2(23456),
		0x40, 0x03, 0x04, 10, 0, 0, 1,
		0x80, 0x04, 0x04, 0, 0, 0, 100,
		0x40, 0x05, 0x04, 0, 0, 0, 200,
		0x40, 0x06, 0x00,
		0xc0, 0x07, 0x06, A2(23456), 10, 0, 0, 1,
		0xc0, 0x08, 0x04, 0xfd, 0xe8, 0x00, 0x64,
		0xc0, 0x11, 0x0a, 0x02, 0x02, A4(65001), A4(4200000001u),
		0xc0, 0x12, 0x08, A4(4200000001u), 10, 0, 0, 1,
		0xe0, 33, 0x01, 0x07,
	};
	struct bgp_attrs a = full_attrs();
	uint8_t mem[256];
	size_t len = encode(&a, false, mem, sizeof(mem));

	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_attr, encode_no_as4_attributes_when_nothing_is_lost)
{
	const uint8_t path[] = { 0x02, 0x02, A4(65001), A4(65535) };
	const uint8_t want[] = {
		0x40, 0x02, 0x06, 0x02, 0x02, A2(65001), A2(65535),
		0xc0, 0x07, 0x06, A2(65002), 10, 0, 0, 1,
	};
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
			   BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR),
		.aspath = path, .aspath_len = sizeof(path),
		.aggr_as = 65002, .aggr_addr = 0x0a000001,
	};
	uint8_t mem[64];
	size_t len = encode(&a, false, mem, sizeof(mem));

	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_attr, encode_as4_path_leaves_out_confederation_segments)
{
	const uint8_t path[] = { 0x03, 0x01, A4(64512),
				 0x02, 0x01, A4(4200000001u) };
	const uint8_t want[] = {
		0x40, 0x02, 0x08, 0x03, 0x01, A2(64512), 0x02, 0x01, A2(23456),
		0xc0, 0x11, 0x06, 0x02, 0x01, A4(4200000001u),
	};
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_AS_PATH),
		.aspath = path, .aspath_len = sizeof(path),
	};
	uint8_t mem[64];
	size_t len = encode(&a, false, mem, sizeof(mem));

	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_attr, encode_no_as4_path_for_big_confederation_members_only)
{
	const uint8_t path[] = { 0x03, 0x01, A4(4200000002u),
				 0x02, 0x01, A4(65001) };
	const uint8_t want[] = {
		0x40, 0x02, 0x08, 0x03, 0x01, A2(23456), 0x02, 0x01, A2(65001),
	};
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_AS_PATH),
		.aspath = path, .aspath_len = sizeof(path),
	};
	uint8_t mem[64];
	size_t len = encode(&a, false, mem, sizeof(mem));

	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_attr, encode_extended_length_above_255)
{
	static uint8_t comm[300], mem[512];
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES),
		.communities = comm, .communities_len = sizeof(comm),
	};
	size_t len, i;

	for (i = 0; i < sizeof(comm); i++)
		comm[i] = (uint8_t)i;
	len = encode(&a, true, mem, sizeof(mem));
	cr_assert_eq(len, 4 + 300);
	cr_assert_arr_eq(mem, ((uint8_t[]){ 0xd0, 0x08, 0x01, 0x2c }), 4);
	cr_assert_arr_eq(mem + 4, comm, 300);
	a.communities_len = 255;
	len = encode(&a, true, mem, sizeof(mem));
	cr_assert_eq(len, 3 + 255);
	cr_assert_arr_eq(mem, ((uint8_t[]){ 0xc0, 0x08, 0xff }), 3);
}

Test(bgp_attr, encode_unknown_interleaved_in_type_order)
{
	const uint8_t unk[] = { 0xe0, 0x00, 0x00,	/* type 0 */
				0xe0, 0x09, 0x01, 0x01,
				0xe0, 0x10, 0x01, 0x02,
				0xe0, 0xff, 0x00 };
	const uint8_t want[] = {
		0xe0, 0x00, 0x00,
		0x40, 0x01, 0x01, 0x02,
		0xc0, 0x08, 0x04, 0xfd, 0xe8, 0x00, 0x64,
		0xe0, 0x09, 0x01, 0x01,
		0xe0, 0x10, 0x01, 0x02,
		0xe0, 0xff, 0x00,
	};
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) |
			   BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES),
		.origin = BGP_ORIGIN_INCOMPLETE,
		.communities = comm_one, .communities_len = 4,
		.unknown = unk, .unknown_len = sizeof(unk),
	};
	uint8_t mem[64];
	size_t len = encode(&a, true, mem, sizeof(mem));

	cr_assert_eq(len, sizeof(want));
	cr_assert_arr_eq(mem, want, sizeof(want));
}

Test(bgp_attr, encode_refuses_malformed_unknown_block)
{
	const uint8_t past[] = { 0xe0, 40, 0x05, 0x01 };
	const uint8_t unsorted[] = { 0xe0, 40, 0x00, 0xe0, 33, 0x00 };
	struct bgp_attrs a = { .unknown = past, .unknown_len = sizeof(past) };
	uint8_t mem[64];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_attrs_encode(&b, &a, true);
	cr_assert_eq(b.err, -EINVAL);
	a.unknown = unsorted;
	a.unknown_len = sizeof(unsorted);
	buf_init(&b, mem, sizeof(mem));
	bgp_attrs_encode(&b, &a, true);
	cr_assert_eq(b.err, -EINVAL);
}

Test(bgp_attr, encode_into_a_short_buffer_latches)
{
	struct bgp_attrs a = full_attrs();
	uint8_t mem[20];
	struct buf b;

	buf_init(&b, mem, sizeof(mem));
	bgp_attrs_encode(&b, &a, true);
	cr_assert_eq(b.err, -ENOSPC);
	cr_assert_leq(b.len, sizeof(mem));
}

static void assert_attrs_eq(const struct bgp_attrs *x,
			    const struct bgp_attrs *y)
{
	cr_assert_eq(x->present, y->present);
	cr_assert_eq(x->origin, y->origin);
	cr_assert_eq(x->nexthop, y->nexthop);
	cr_assert_eq(x->med, y->med);
	cr_assert_eq(x->local_pref, y->local_pref);
	cr_assert_eq(x->aggr_as, y->aggr_as);
	cr_assert_eq(x->aggr_addr, y->aggr_addr);
	cr_assert_eq(x->aspath_len, y->aspath_len);
	cr_assert_arr_eq(x->aspath, y->aspath, x->aspath_len);
	cr_assert_eq(x->communities_len, y->communities_len);
	cr_assert_arr_eq(x->communities, y->communities, x->communities_len);
	cr_assert_eq(x->unknown_len, y->unknown_len);
	if (x->unknown_len)
		cr_assert_arr_eq(x->unknown, y->unknown, x->unknown_len);
}

Test(bgp_attr, roundtrip_4octet_and_2octet)
{
	struct bgp_attrs a = full_attrs(), d;
	struct bgp_attr_result r;
	uint8_t mem[256];
	size_t len;

	len = encode(&a, true, mem, sizeof(mem));
	cr_assert_eq(decode(mem, len, I4, true, &d, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK, "%s", r.err.reason);
	assert_attrs_eq(&d, &a);

	/* Narrowed for a 2-octet peer and rebuilt from AS4_PATH and
	 * AS4_AGGREGATOR on the other side: nothing is lost. */
	len = encode(&a, false, mem, sizeof(mem));
	cr_assert_eq(decode(mem, len, I2, true, &d, &r), 0);
	cr_assert_eq(r.action, BGP_ACT_OK, "%s", r.err.reason);
	assert_attrs_eq(&d, &a);
}

Test(bgp_attr, names)
{
	cr_assert_str_eq(bgp_attr_name(BGP_ATTR_ORIGIN), "ORIGIN");
	cr_assert_str_eq(bgp_attr_name(BGP_ATTR_MED), "MULTI_EXIT_DISC");
	cr_assert_str_eq(bgp_attr_name(BGP_ATTR_AS4_AGGREGATOR),
			 "AS4_AGGREGATOR");
	cr_assert_str_eq(bgp_attr_name(99), "unknown");
	cr_assert_str_eq(bgp_attr_name(255), "unknown");
}
