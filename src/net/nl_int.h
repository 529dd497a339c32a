/*
 * What the libnl-route-3 files of net/ share and nothing outside net/
 * uses: libnl's error codes as -errno, and IPv4 addresses as libnl
 * objects.
 */
#ifndef ANYCASTLAB_NET_NL_INT_H
#define ANYCASTLAB_NET_NL_INT_H

#include <stdint.h>

struct nl_addr;

/* libnl's -NLE_* codes as -errno. */
int rtsock_errno(int nlerr);
/* addr/plen as a new libnl address (NULL: out of memory); nl_addr_put it. */
struct nl_addr *rtsock_addr4(uint32_t addr, unsigned plen);

#endif
