/*
 * Links inside one namespace over libnl-route-3: veth pairs, admin state,
 * lookups by name.  Each call takes the namespace's socket (rtsock.h).
 */
#ifndef ANYCASTLAB_NET_LINK_H
#define ANYCASTLAB_NET_LINK_H

#include <stdbool.h>

struct nl_sock;

/*
 * One veth pair, each end created directly in its own namespace
 * (IFLA_NET_NS_FD), with the given names and interface indexes, and set
 * up.  Nothing is ever created in the caller's namespace.  The request
 * goes over a's socket; b's brings b up (the kernel cannot open the
 * second end inside the creating request: its partner is not registered
 * yet, ENOTCONN).
 */
struct veth_end {
	struct nl_sock *sk;	/* rtnetlink socket in the end's namespace */
	int nsfd;
	const char *name;
	int ifindex;		/* 0: let the kernel choose */
};
int link_veth_add(const struct veth_end *a, const struct veth_end *b);
int link_set_up(struct nl_sock *sk, int ifindex, bool up);
/* ifindex of name, or -errno. */
int link_index(struct nl_sock *sk, const char *name);

struct link_state {
	int ifindex;
	bool up;		/* IFF_UP */
	bool carrier;		/* IFF_LOWER_UP */
};
int link_get(struct nl_sock *sk, const char *name, struct link_state *st);

#endif
