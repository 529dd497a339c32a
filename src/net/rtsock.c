/*
 * rtnetlink sockets over libnl-route-3 (see rtsock.h), and what the
 * request files of net/ share (nl_int.h).  libnl's synchronous calls set
 * NLM_F_ACK and wait for the kernel's answer, so every change is
 * confirmed before the next one is made.
 */
#include "net/rtsock.h"
#include "net/nl_int.h"
#include "net/netns.h"

#include <arpa/inet.h>
#include <errno.h>

#include <netlink/addr.h>
#include <netlink/netlink.h>

int rtsock_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:			return 0;
	case NLE_EXIST:		return -EEXIST;
	case NLE_OBJ_NOTFOUND:	return -ENOENT;
	case NLE_NODEV:		return -ENODEV;
	case NLE_PERM:		return -EPERM;
	case NLE_NOACCESS:	return -EACCES;
	case NLE_NOMEM:		return -ENOMEM;
	case NLE_OPNOTSUPP:	return -EOPNOTSUPP;
	case NLE_INVAL:		return -EINVAL;
	case NLE_BUSY:		return -EBUSY;
	case NLE_AGAIN:		return -EAGAIN;
	case NLE_RANGE:		return -ERANGE;
	case NLE_MSGSIZE:	return -EMSGSIZE;
	case NLE_NOADDR:	return -EADDRNOTAVAIL;
	case NLE_AF_NOSUPPORT:	return -EAFNOSUPPORT;
	default:		return -EIO;
	}
}

struct nl_addr *rtsock_addr4(uint32_t addr, unsigned plen)
{
	uint32_t be = htonl(addr);
	struct nl_addr *n = nl_addr_build(AF_INET, &be, sizeof(be));

	if (n)
		nl_addr_set_prefixlen(n, (int)plen);
	return n;
}

int rtsock_open(int nsfd, struct nl_sock **skp)
{
	struct nl_sock *sk;
	int r, l;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	r = netns_enter(nsfd);
	if (r < 0) {
		nl_socket_free(sk);
		return r;
	}
	/* The socket belongs to the namespace it was opened in, for good. */
	r = rtsock_errno(nl_connect(sk, NETLINK_ROUTE));
	l = netns_leave();
	if (r == 0 && l < 0) {
		rtsock_close(sk);
		return l;
	}
	if (r < 0) {
		nl_socket_free(sk);
		return r;
	}
	*skp = sk;
	return 0;
}

void rtsock_close(struct nl_sock *sk)
{
	if (sk) {
		nl_close(sk);
		nl_socket_free(sk);
	}
}
