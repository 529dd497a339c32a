/*
 * Links over libnl-route-3 (see link.h).
 */
#include "net/link.h"
#include "net/nl_int.h"

#include <errno.h>
#include <net/if.h>

/* linux/if.h has it, but clashes with net/if.h. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000
#endif

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

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
