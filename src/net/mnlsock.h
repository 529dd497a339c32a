/*
 * rtnetlink over libmnl in the caller's namespace: what the router
 * process talks at run time, for its kernel routes (router/fib_netlink.c)
 * and its link monitor (linkmon.h).  The orchestrator's requests, made
 * from outside the namespaces, go over libnl-route-3 (rtsock.h).
 */
#ifndef ANYCASTLAB_NET_MNLSOCK_H
#define ANYCASTLAB_NET_MNLSOCK_H

#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/*
 * A NETLINK_ROUTE socket, close-on-exec, with the extra socket(2) flags
 * (SOCK_NONBLOCK, 0: none), subscribed to the multicast groups (RTMGRP_*
 * bits, 0: none), with a port the kernel picks.
 */
int mnlsock_open(int flags, unsigned groups, struct mnl_socket **nl);

/*
 * Send the dump request at the start of buf (its type and family header
 * filled in by the caller; flags and seq are set here) and call cb on
 * each answer until the kernel's NLMSG_DONE, reading into the same size
 * bytes of buf.  0, or -errno: the kernel's error, or errno as cb left it
 * when it returned MNL_CB_ERROR.  Use a socket subscribed to no group: a
 * dump waits for its answers.
 */
int mnlsock_dump(struct mnl_socket *nl, uint32_t seq, void *buf, size_t size,
		 mnl_cb_t cb, void *data);

#endif
