/*
 * Link emulation with qdiscs inside one namespace, over libnl-route-3:
 * netem (delay, loss) at the root of a link's egress, tbf (rate) at the
 * root or under netem.  Each call takes the namespace's socket
 * (rtsock.h).
 */
#ifndef ANYCASTLAB_NET_TC_H
#define ANYCASTLAB_NET_TC_H

#include <stdbool.h>
#include <stdint.h>

struct nl_sock;

/* Link emulation on the egress of ifindex; -ENOENT / -EOPNOTSUPP when the
 * kernel lacks the qdisc. */
int tc_netem_add(struct nl_sock *sk, int ifindex, uint32_t delay_us,
		 uint32_t loss_ppm);
int tc_rate_add(struct nl_sock *sk, int ifindex, bool under_netem,
		uint64_t rate_bps);

#endif
