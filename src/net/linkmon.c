/*
 * Link monitor over libmnl (see linkmon.h): one socket subscribed to
 * RTMGRP_LINK for the events, and one for the initial RTM_GETLINK dump,
 * closed once it is answered.  Events and dump answers are the same
 * RTM_NEWLINK / RTM_DELLINK messages, read by one callback.
 *
 * In the router it is opened before the sandbox; afterwards it only
 * reads (recvmsg), which the sandbox allows.
 */
#include "net/linkmon.h"
#include "net/mnlsock.h"

#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

/* linux/if.h has it, but clashes with net/if.h. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP	0x10000
#endif

struct linkmon {
	struct mnl_socket *nl;	/* subscribed, non-blocking */
	linkmon_fn fn;
	void *ctx;
	char buf[16384];
};

static int linkmon_msg(const struct nlmsghdr *h, void *data)
{
	struct linkmon *m = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(h);
	const struct nlattr *a;
	const char *name = NULL;
	bool up;

	if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, h, sizeof(*ifi))
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
			name = mnl_attr_get_str(a);
	if (!name)
		return MNL_CB_OK;
	up = h->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_UP) &&
	     (ifi->ifi_flags & IFF_LOWER_UP);
	m->fn(m->ctx, ifi->ifi_index, name, up);
	return MNL_CB_OK;
}

/* Every interface's state now, over a socket of its own: the subscribed
 * one is non-blocking and would mix events into the answers. */
static int linkmon_dump(struct linkmon *m)
{
	struct mnl_socket *nl;
	struct nlmsghdr *h;
	struct rtgenmsg *g;
	int r;

	r = mnlsock_open(0, 0, &nl);
	if (r < 0)
		return r;
	h = mnl_nlmsg_put_header(m->buf);
	h->nlmsg_type = RTM_GETLINK;
	g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->rtgen_family = AF_PACKET;
	r = mnlsock_dump(nl, 1, m->buf, sizeof(m->buf), linkmon_msg, m);
	mnl_socket_close(nl);
	return r;
}

int linkmon_open(linkmon_fn fn, void *ctx, struct linkmon **mp)
{
	struct linkmon *m;
	int r;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->fn = fn;
	m->ctx = ctx;
	r = mnlsock_open(SOCK_NONBLOCK, RTMGRP_LINK, &m->nl);
	if (r < 0)
		goto out_free;
	r = linkmon_dump(m);
	if (r < 0)
		goto out_close;
	*mp = m;
	return 0;

out_close:
	mnl_socket_close(m->nl);
out_free:
	free(m);
	return r;
}

void linkmon_close(struct linkmon *m)
{
	if (!m)
		return;
	mnl_socket_close(m->nl);
	free(m);
}

int linkmon_fd(const struct linkmon *m)
{
	return mnl_socket_get_fd(m->nl);
}

int linkmon_read(struct linkmon *m)
{
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(m->nl, m->buf, sizeof(m->buf));
		if (n == 0)
			return 0;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		/* Events carry no sequence number and come from the kernel
		 * (port 0): no check to make. */
		mnl_cb_run(m->buf, (size_t)n, 0, 0, linkmon_msg, m);
	}
}
