/*
 * IPv4 routes of the main table inside one namespace, over libnl-route-3.
 * Each call takes the namespace's socket (rtsock.h).
 */
#ifndef ANYCASTLAB_NET_ROUTE_H
#define ANYCASTLAB_NET_ROUTE_H

#include <stdint.h>

#include "util/ip.h"

struct nl_sock;

/* Route to dst via gw (0: directly connected on ifindex). */
int route_add(struct nl_sock *sk, const struct prefix4 *dst, uint32_t gw,
	      int ifindex);

/* The same, replacing a route to dst that is there already. */
int route_replace(struct nl_sock *sk, const struct prefix4 *dst, uint32_t gw,
		  int ifindex);
/* 0 and the gateway (0: none) of the main table's route to exactly dst,
 * -ENOENT when there is none. */
int route_find(struct nl_sock *sk, const struct prefix4 *dst, uint32_t *gw);

#endif
