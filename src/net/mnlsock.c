/*
 * rtnetlink sockets and dumps over libmnl (see mnlsock.h).
 */
#include "net/mnlsock.h"

#include <errno.h>
#include <sys/socket.h>

#include <linux/netlink.h>

int mnlsock_open(int flags, unsigned groups, struct mnl_socket **nlp)
{
	struct mnl_socket *nl;
	int r;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | flags);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(nl);
		return r;
	}
	*nlp = nl;
	return 0;
}

int mnlsock_dump(struct mnl_socket *nl, uint32_t seq, void *buf, size_t size,
		 mnl_cb_t cb, void *data)
{
	struct nlmsghdr *h = buf;
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* Answers to the request only; MNL_CB_STOP at NLMSG_DONE. */
		r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (r <= MNL_CB_STOP)
			return r < 0 ? -errno : 0;
	}
}
