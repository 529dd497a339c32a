/*
 * rtnetlink sockets over libnl-route-3, one per namespace.  Every request
 * of link.h, addr.h, route.h and tc.h takes the socket of the namespace it
 * acts on and waits for the kernel's ACK; errors come back as -errno.
 */
#ifndef ANYCASTLAB_NET_RTSOCK_H
#define ANYCASTLAB_NET_RTSOCK_H

struct nl_sock;

/* An rtnetlink socket bound to the namespace behind nsfd. */
int rtsock_open(int nsfd, struct nl_sock **sk);
void rtsock_close(struct nl_sock *sk);

#endif
