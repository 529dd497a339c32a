/*
 * Next hop checks for single-hop eBGP (bgp/nexthop.h, RFC 4271 §5.1.3,
 * §9.1.2.1): one row per kind of next hop a buggy or hostile peer has
 * sent, on the lab's /31 links, and the reason the RIB shows for it.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "bgp/nexthop.h"
#include "bgp/rib.h"

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

/* We are 10.0.0.2 on 10.0.0.2/31, the peer 10.0.0.3. */
#define US	IP(10, 0, 0, 2)

struct nh_case {
	char name[48];
	uint32_t nh;
	int why;
};

ParameterizedTestParameters(bgp_nexthop, check)
{
	static struct nh_case cases[] = {
		{ "the peer", IP(10, 0, 0, 3), RIB_ELIGIBLE },
		{ "0.0.0.0", 0, RIB_INELIGIBLE_NH_MARTIAN },
		{ "0.1.2.3", IP(0, 1, 2, 3), RIB_INELIGIBLE_NH_MARTIAN },
		{ "127.0.0.1", IP(127, 0, 0, 1), RIB_INELIGIBLE_NH_MARTIAN },
		{ "224.0.0.1", IP(224, 0, 0, 1), RIB_INELIGIBLE_NH_MARTIAN },
		{ "239.255.255.255", IP(239, 255, 255, 255),
		  RIB_INELIGIBLE_NH_MARTIAN },
		{ "240.0.0.1", IP(240, 0, 0, 1), RIB_INELIGIBLE_NH_MARTIAN },
		{ "255.255.255.255", 0xffffffffu, RIB_INELIGIBLE_NH_MARTIAN },
		{ "our own link address", US, RIB_INELIGIBLE_NH_OURS },
		{ "our loopback", IP(10, 255, 0, 1), RIB_INELIGIBLE_NH_OFF_LINK },
		{ "our other interface", IP(10, 0, 0, 4),
		  RIB_INELIGIBLE_NH_OFF_LINK },
		{ "the link's neighbour /31", IP(10, 0, 0, 1),
		  RIB_INELIGIBLE_NH_OFF_LINK },
		{ "a third party far away", IP(192, 0, 2, 1),
		  RIB_INELIGIBLE_NH_OFF_LINK },
	};

	return cr_make_param_array(struct nh_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct nh_case *c, bgp_nexthop, check)
{
	enum rib_ineligible why = bgp_nexthop_check(c->nh, US);

	cr_assert_eq((int)why, c->why, "%s: %d (%s)", c->name, (int)why,
		     rib_ineligible_str(why));
}

Test(bgp_nexthop, reasons_are_named)
{
	cr_assert_str_eq(rib_ineligible_str(RIB_INELIGIBLE_NH_MARTIAN),
			 "next hop is a martian address");
	cr_assert_str_eq(rib_ineligible_str(RIB_INELIGIBLE_NH_OURS),
			 "next hop is our own address");
	cr_assert_str_eq(rib_ineligible_str(RIB_INELIGIBLE_NH_OFF_LINK),
			 "next hop is not on the shared link");
}
