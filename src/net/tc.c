/*
 * netem and tbf qdiscs over libnl-route-3 (see tc.h).
 */
#include "net/tc.h"
#include "net/nl_int.h"

#include <errno.h>

#include <netlink/netlink.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>

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
