/*
 * Next hop resolvability for routes learned over single-hop eBGP (RFC 4271
 * §5.1.3, §9.1.2.1).  Pure: the caller gives the session's two link
 * addresses, the answer is whether a route via nh may take part in the
 * decision process, and if not, why (a RIB ineligible reason).
 */
#ifndef ANYCASTLAB_BGP_NEXTHOP_H
#define ANYCASTLAB_BGP_NEXTHOP_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp/rib.h"

/* The lab's links are /31s (topo plan): both ends, nothing else. */
#define BGP_LINK_PLEN	31

/*
 * RIB_ELIGIBLE when a route via nh, learned over the link where we are
 * local_addr, is usable: a unicast address,
 * not ours, on the shared /31.  Everything else (our loopback, our other
 * interfaces, a third party, an address off the link) the single-hop
 * session cannot resolve.
 */
enum rib_ineligible bgp_nexthop_check(uint32_t nh, uint32_t local_addr);

#endif
