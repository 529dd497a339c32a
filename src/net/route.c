/*
 * IPv4 routes over libnl-route-3 (see route.h).
 */
#include "net/route.h"
#include "net/nl_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/route.h>

static int route_put(struct nl_sock *sk, const struct prefix4 *dst,
		     uint32_t gw, int ifindex, int flags)
{
	struct rtnl_route *rt;
	struct rtnl_nexthop *nh;
	struct nl_addr *d, *g = NULL;
	int r;

	rt = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	d = rtsock_addr4(dst->addr, dst->len);
	if (gw)
		g = rtsock_addr4(gw, 32);
	if (!rt || !nh || !d || (gw && !g)) {
		r = -ENOMEM;
		rtnl_route_nh_free(nh);
		goto out;
	}
	rtnl_route_set_family(rt, AF_INET);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_protocol(rt, RTPROT_STATIC);
	rtnl_route_set_scope(rt, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	r = rtsock_errno(rtnl_route_set_dst(rt, d));
	if (gw)
		rtnl_route_nh_set_gateway(nh, g);
	if (ifindex > 0)
		rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh);	/* rt owns nh from here */
	if (r == 0)
		r = rtsock_errno(rtnl_route_add(sk, rt, flags));
out:
	nl_addr_put(g);
	nl_addr_put(d);
	rtnl_route_put(rt);
	return r;
}

int route_add(struct nl_sock *sk, const struct prefix4 *dst, uint32_t gw,
	      int ifindex)
{
	return route_put(sk, dst, gw, ifindex, NLM_F_CREATE | NLM_F_EXCL);
}

int route_replace(struct nl_sock *sk, const struct prefix4 *dst, uint32_t gw,
		  int ifindex)
{
	return route_put(sk, dst, gw, ifindex, NLM_F_CREATE | NLM_F_REPLACE);
}

struct route_match {
	const struct prefix4 *dst;
	uint32_t *gw;
	bool found;
};

static void route_match_one(struct nl_object *o, void *arg)
{
	struct rtnl_route *rt = (struct rtnl_route *)o;
	struct route_match *m = arg;
	struct nl_addr *d = rtnl_route_get_dst(rt);
	struct rtnl_nexthop *nh;
	struct nl_addr *g;
	uint32_t a = 0;

	if (m->found || rtnl_route_get_table(rt) != RT_TABLE_MAIN || !d ||
	    nl_addr_get_prefixlen(d) != m->dst->len)
		return;
	if (nl_addr_get_len(d) == 4)
		memcpy(&a, nl_addr_get_binary_addr(d), 4);
	if (ntohl(a) != m->dst->addr)
		return;
	m->found = true;
	*m->gw = 0;
	nh = rtnl_route_nexthop_n(rt, 0);
	g = nh ? rtnl_route_nh_get_gateway(nh) : NULL;
	if (g && nl_addr_get_len(g) == 4) {
		memcpy(&a, nl_addr_get_binary_addr(g), 4);
		*m->gw = ntohl(a);
	}
}

int route_find(struct nl_sock *sk, const struct prefix4 *dst, uint32_t *gw)
{
	struct nl_cache *cache;
	struct route_match m = { dst, gw, false };
	int r;

	r = rtsock_errno(rtnl_route_alloc_cache(sk, AF_INET, 0, &cache));
	if (r < 0)
		return r;
	nl_cache_foreach(cache, route_match_one, &m);
	nl_cache_free(cache);
	return m.found ? 0 : -ENOENT;
}
