/*
 * IPv4 addresses over libnl-route-3 (see addr.h).
 */
#include "net/addr.h"
#include "net/nl_int.h"

#include <errno.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>

int addr_add(struct nl_sock *sk, int ifindex, uint32_t addr, unsigned plen)
{
	struct rtnl_addr *ra;
	struct nl_addr *local;
	int r;

	ra = rtnl_addr_alloc();
	local = rtsock_addr4(addr, plen);
	if (!ra || !local) {
		r = -ENOMEM;
		goto out;
	}
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, AF_INET);
	r = rtsock_errno(rtnl_addr_set_local(ra, local));
	if (r == 0)
		r = rtsock_errno(rtnl_addr_add(sk, ra, NLM_F_CREATE | NLM_F_EXCL));
out:
	nl_addr_put(local);
	rtnl_addr_put(ra);
	return r;
}
