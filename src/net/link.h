/*
 * Links, addresses and routes inside one namespace, over libnl-route-3.
 * Every call takes the rtnetlink socket of the namespace it acts on (see
 * nl_open_in) and waits for the kernel's ACK; errors come back as -errno.
 */
#ifndef ANYCASTLAB_NET_LINK_H
#define ANYCASTLAB_NET_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "util/ip.h"

struct nl_sock;

/* An rtnetlink socket bound to the namespace behind nsfd. */
int rtsock_open(int nsfd, struct nl_sock **sk);
void rtsock_close(struct nl_sock *sk);
/* libnl's -NLE_* codes as -errno. */
int rtsock_errno(int nlerr);

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

int addr_add(struct nl_sock *sk, int ifindex, uint32_t addr, unsigned plen);
/* Route to dst via gw (0: directly connected on ifindex). */
int route_add(struct nl_sock *sk, const struct prefix4 *dst, uint32_t gw,
	      int ifindex);

/* The same, replacing a route to dst that is there already. */
int route_replace(struct nl_sock *sk, const struct prefix4 *dst, uint32_t gw,
		  int ifindex);
/* 0 and the gateway (0: none) of the main table's route to exactly dst,
 * -ENOENT when there is none. */
int route_find(struct nl_sock *sk, const struct prefix4 *dst, uint32_t *gw);

/* Link emulation on the egress of ifindex; -ENOENT / -EOPNOTSUPP when the
 * kernel lacks the qdisc. */
int tc_netem_add(struct nl_sock *sk, int ifindex, uint32_t delay_us,
		 uint32_t loss_ppm);
int tc_rate_add(struct nl_sock *sk, int ifindex, bool under_netem,
		uint64_t rate_bps);

/* Write a sysctl (path below /proc/sys) in the caller's namespace. */
int sysctl_write(const char *path, const char *value);

#endif
