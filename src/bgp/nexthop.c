/*
 * Next hop checks for single-hop eBGP (RFC 4271 §5.1.3, §9.1.2.1; RFC 6890
 * for the martian ranges).  §9.1.2.1 makes a route whose NEXT_HOP cannot
 * be resolved ineligible for the decision process; on a single-hop session
 * the only resolvable next hops are the addresses of the shared link, and
 * of those, ours would make the route point back at us (§5.1.3).  The
 * route is kept in the Adj-RIB-In with the reason, so an operator sees
 * what the peer sent.
 */
#include "bgp/nexthop.h"

#include "util/ip.h"

/* 0/8, 127/8, 224/4, 240/4 and 255.255.255.255 (host order). */
static bool bgp_nexthop_martian(uint32_t nh)
{
	unsigned top = nh >> 24;

	/* 240/4 includes 255.255.255.255 (limited broadcast). */
	return top == 0 || top == 127 || nh >= 0xe0000000u;
}

enum rib_ineligible bgp_nexthop_check(uint32_t nh, uint32_t local_addr)
{
	uint32_t mask = prefix4_mask(BGP_LINK_PLEN);

	if (bgp_nexthop_martian(nh))
		return RIB_INELIGIBLE_NH_MARTIAN;
	if (nh == local_addr)
		return RIB_INELIGIBLE_NH_OURS;
	if ((nh & mask) != (local_addr & mask))
		return RIB_INELIGIBLE_NH_OFF_LINK;
	return RIB_ELIGIBLE;
}
