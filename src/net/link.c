/*
 * Links, addresses, routes and qdiscs over libnl-route-3 (see link.h).
 * libnl's synchronous calls set NLM_F_ACK and wait for the kernel's answer,
 * so every change is confirmed before the next one is made.
 */
#include "net/link.h"
#include "net/netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>

/* linux/if.h has it, but clashes with net/if.h. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000
#endif
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/route.h>

int rtsock_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:			return 0;
	case NLE_EXIST:		return -EEXIST;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_NODEV:		return -ENODEV;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_INVAL:		return -EINVAL;
	case NLE_BUSY:		return -EBUSY;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_NOADDR:	return -EADDRNOTAVAIL;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	default:		return -EIO;
	}
}

int rtsock_open(int nsfd, struct nl_sock **skp)
{
	struct nl_sock *sk;
	int r, l;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	r = netns_enter(nsfd);
	if (r < 0) {
		nl_socket_free(sk);
		return r;
	}
	/* The socket belongs to the namespace it was opened in, for good. */
	r = rtsock_errno(nl_connect(sk, NETLINK_ROUTE));
	l = netns_leave();
	if (r == 0 && l < 0) {
		rtsock_close(sk);
		return l;
	}
	if (r < 0) {
		nl_socket_free(sk);
		return r;
	}
	*skp = sk;
	return 0;
}

void rtsock_close(struct nl_sock *sk)
{
	if (sk) {
		nl_close(sk);
		nl_socket_free(sk);
	}
}

static void link_name_end(struct rtnl_link *l, const struct veth_end *e)
{
	rtnl_link_set_name(l, e->name);
	rtnl_link_set_ns_fd(l, e->nsfd);
	if (e->ifindex > 0)
		rtnl_link_set_ifindex(l, e->ifindex);
}

int link_veth_add(const struct veth_end *a, const struct veth_end *b)
{
	struct rtnl_link *l, *peer;
	int r, ifindex;

	l = rtnl_link_veth_alloc();
	if (!l)
		return -ENOMEM;
	peer = rtnl_link_veth_get_peer(l);
	link_name_end(l, a);
	link_name_end(peer, b);
	rtnl_link_set_flags(l, IFF_UP);
	r = rtsock_errno(rtnl_link_add(a->sk, l, NLM_F_CREATE | NLM_F_EXCL));
	rtnl_link_put(peer);
	rtnl_link_veth_release(l);
	if (r < 0)
		return r;
	/* The peer cannot come up in the same request: the kernel would
	 * open it before it is paired (veth_open: ENOTCONN). */
	ifindex = b->ifindex > 0 ? b->ifindex : link_index(b->sk, b->name);
	if (ifindex < 0)
		return ifindex;
	return link_set_up(b->sk, ifindex, true);
}

int link_set_up(struct nl_sock *sk, int ifindex, bool up)
{
	struct rtnl_link *change;
	struct rtnl_link *orig;
	int r;

	orig = rtnl_link_alloc();
	change = rtnl_link_alloc();
	if (!orig || !change) {
		r = -ENOMEM;
		goto out;
	}
	rtnl_link_set_ifindex(orig, ifindex);
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	r = rtsock_errno(rtnl_link_change(sk, orig, change, 0));
out:
	rtnl_link_put(change);
	rtnl_link_put(orig);
	return r;
}

int link_get(struct nl_sock *sk, const char *name, struct link_state *st)
{
	struct rtnl_link *l = NULL;
	unsigned flags;
	int r;

	r = rtsock_errno(rtnl_link_get_kernel(sk, 0, name, &l));
	if (r < 0)
		return r;
	flags = rtnl_link_get_flags(l);
	st->ifindex = rtnl_link_get_ifindex(l);
	st->up = flags & IFF_UP;
	st->carrier = flags & IFF_LOWER_UP;
	rtnl_link_put(l);
	return 0;
}

int link_index(struct nl_sock *sk, const char *name)
{
	struct link_state st;
	int r = link_get(sk, name, &st);

	return r < 0 ? r : st.ifindex;
}

static struct nl_addr *nladdr4(uint32_t a, unsigned plen)
{
	uint32_t be = htonl(a);
	struct nl_addr *n = nl_addr_build(AF_INET, &be, sizeof(be));

	if (n)
		nl_addr_set_prefixlen(n, (int)plen);
	return n;
}

int addr_add(struct nl_sock *sk, int ifindex, uint32_t addr, unsigned plen)
{
	struct rtnl_addr *ra;
	struct nl_addr *local;
	int r;

	ra = rtnl_addr_alloc();
	local = nladdr4(addr, plen);
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

static int route_put(struct nl_sock *sk, const struct prefix4 *dst,
		     uint32_t gw, int ifindex, int flags)
{
	struct rtnl_route *rt;
	struct rtnl_nexthop *nh;
	struct nl_addr *d, *g = NULL;
	int r;

	rt = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	d = nladdr4(dst->addr, dst->len);
	if (gw)
		g = nladdr4(gw, 32);
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

int tc_netem_add(struct nl_sock *sk, int ifindex, uint32_t delay_us,
		 uint32_t loss_ppm)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	int r;

	if (!q)
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(1, 0));
	r = rtsock_errno(rtnl_tc_set_kind(TC_CAST(q), "netem"));
	if (r == 0) {
		if (delay_us)
			rtnl_netem_set_delay(q, (int)delay_us);
		/* The kernel's loss is a probability scaled to 2^32 - 1. */
		if (loss_ppm)
			rtnl_netem_set_loss(q, (int)(uint32_t)((uint64_t)loss_ppm *
						UINT32_MAX / 1000000));
		rtnl_netem_set_limit(q, 10000);
		r = rtsock_errno(rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_EXCL));
	}
	rtnl_qdisc_put(q);
	return r;
}

int tc_rate_add(struct nl_sock *sk, int ifindex, bool under_netem,
		uint64_t rate_bps)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	uint64_t bytes = rate_bps / 8;
	int r;

	if (!q)
		return -ENOMEM;
	if (bytes > UINT32_MAX)
		bytes = UINT32_MAX;
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), under_netem ? TC_HANDLE(1, 1) : TC_H_ROOT);
	rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(10, 0));
	r = rtsock_errno(rtnl_tc_set_kind(TC_CAST(q), "tbf"));
	if (r == 0) {
		/* A burst of at least one MTU, else no packet ever passes. */
		int burst = (int)(bytes / 250 > 1600 ? bytes / 250 : 1600);

		rtnl_qdisc_tbf_set_rate(q, (int)bytes, burst, 0);
		rtnl_qdisc_tbf_set_limit_by_latency(q, 50000);
		r = rtsock_errno(rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_EXCL));
	}
	rtnl_qdisc_put(q);
	return r;
}

int sysctl_write(const char *path, const char *value)
{
	char full[PATH_MAX];
	size_t n = strlen(value);
	ssize_t w;
	int fd, r;

	r = snprintf(full, sizeof(full), "/proc/sys/%s", path);
	if (r < 0 || (size_t)r >= sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	w = write(fd, value, n);
	r = w < 0 ? -errno : (size_t)w == n ? 0 : -EIO;
	close(fd);
	return r;
}
