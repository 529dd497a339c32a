/*
 * IPv4 addresses on links inside one namespace, over libnl-route-3.
 * The call takes the namespace's socket (rtsock.h).
 */
#ifndef ANYCASTLAB_NET_ADDR_H
#define ANYCASTLAB_NET_ADDR_H

#include <stdint.h>

struct nl_sock;

/* addr/plen on ifindex; -EEXIST when it is there already. */
int addr_add(struct nl_sock *sk, int ifindex, uint32_t addr, unsigned plen);

#endif
