/*
 * Kernel routes over rtnetlink with libmnl (see fib.h), on the socket
 * and dump of net/mnlsock.h.
 *
 * Requests are packed back to back into one buffer (mnl_nlmsg_batch) and
 * sent with one sendmsg; rtnetlink handles each in turn and queues one ACK
 * per request, which we read back before returning, as iproute2's
 * rtnl_talk does.  NETLINK_CAP_ACK keeps the ACKs short and the receive
 * buffer is large enough for a full batch of them.
 *
 * Each request's prefix is remembered by its place in the batch, so a
 * refusal names it; the prefixes refused and not since accepted are kept
 * in a sorted array, so each is reported once (fib_set_error_cb).
 */
#include "bgp/fib.h"
#include "net/mnlsock.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/rtnetlink.h>

/*
 * Our routes' metric, as FRR's zebra uses for BGP: the key of a kernel
 * route includes its metric, so a BGP route for a prefix the router also
 * has as a connected route (metric 0) can never replace that one.
 */
#define FIB_METRIC	20

#define FIB_BATCH_BYTES	(256 * 1024)
/* Each request ~ 48 bytes; each capped ACK 36: stay far below rcvbuf. */
#define FIB_BATCH_MAX	2048

/* One request of the batch being filled, by sequence - first_seq. */
struct fib_req {
	struct prefix4 prefix;
	uint32_t nexthop;		/* 0: delete */
};

struct fib {
	struct mnl_socket *nl;
	uint32_t seq;
	uint32_t first_seq;	/* of the batch being filled */
	unsigned queued;
	struct mnl_nlmsg_batch *batch;
	char *buf;
	char rxbuf[32768];
	struct fib_req req[FIB_BATCH_MAX];
	/* Prefixes refused since their last accepted change, sorted. */
	struct prefix4 *failed;
	size_t nfailed, capfailed;
	fib_error_fn on_error;
	void *on_error_ctx;
};

int fib_open(struct fib **fp)
{
	struct fib *f;
	int one = 1, rcv = 8 * 1024 * 1024, r;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->buf = malloc(FIB_BATCH_BYTES);
	if (!f->buf) {
		free(f);
		return -ENOMEM;
	}
	r = mnlsock_open(0, 0, &f->nl);
	if (r < 0)
		goto out_free;
	mnl_socket_setsockopt(f->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(f->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	/* SO_RCVBUFFORCE needs CAP_NET_ADMIN, which the router keeps. */
	if (setsockopt(mnl_socket_get_fd(f->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &rcv, sizeof(rcv)) < 0)
		setsockopt(mnl_socket_get_fd(f->nl), SOL_SOCKET, SO_RCVBUF,
			   &rcv, sizeof(rcv));
	f->seq = (uint32_t)time(NULL);
	if (f->seq == 0)
		f->seq = 1;
	f->batch = mnl_nlmsg_batch_start(f->buf, FIB_BATCH_BYTES);
	if (!f->batch) {
		r = -ENOMEM;
		goto out_close;
	}
	*fp = f;
	return 0;

out_close:
	mnl_socket_close(f->nl);
out_free:
	free(f->buf);
	free(f);
	return r;
}

void fib_close(struct fib *f)
{
	if (!f)
		return;
	mnl_nlmsg_batch_stop(f->batch);
	mnl_socket_close(f->nl);
	free(f->buf);
	free(f->failed);
	free(f);
}

void fib_set_error_cb(struct fib *f, fib_error_fn fn, void *ctx)
{
	f->on_error = fn;
	f->on_error_ctx = ctx;
}

static int prefix_cmp(const struct prefix4 *a, const struct prefix4 *b)
{
	if (a->addr != b->addr)
		return a->addr < b->addr ? -1 : 1;
	return (int)a->len - (int)b->len;
}

/* Where p is in f->failed, or where it would go (*found false). */
static size_t fib_failed_find(const struct fib *f, const struct prefix4 *p,
			      bool *found)
{
	size_t lo = 0, hi = f->nfailed;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = prefix_cmp(&f->failed[mid], p);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* The kernel answered request r with err (0: done). */
static void fib_answered(struct fib *f, const struct fib_req *r, int err)
{
	bool found = false;
	size_t i;

	if (!f->nfailed && !err)
		return;
	i = fib_failed_find(f, &r->prefix, &found);
	if (!err) {
		if (found) {
			memmove(f->failed + i, f->failed + i + 1,
				(f->nfailed - i - 1) * sizeof(*f->failed));
			f->nfailed--;
		}
		return;
	}
	if (found)
		return;
	if (f->nfailed == f->capfailed) {
		size_t cap = f->capfailed ? f->capfailed * 2 : 16;
		struct prefix4 *v = realloc(f->failed, cap * sizeof(*v));

		/* Without room we cannot remember it: say it anyway. */
		if (!v) {
			if (f->on_error)
				f->on_error(f->on_error_ctx, &r->prefix,
					    r->nexthop, err);
			return;
		}
		f->failed = v;
		f->capfailed = cap;
	}
	memmove(f->failed + i + 1, f->failed + i,
		(f->nfailed - i) * sizeof(*f->failed));
	f->failed[i] = r->prefix;
	f->nfailed++;
	if (f->on_error)
		f->on_error(f->on_error_ctx, &r->prefix, r->nexthop, err);
}

/* Read ACKs until every request of the batch has been answered. */
static int fib_wait_acks(struct fib *f, uint32_t first, unsigned count)
{
	unsigned answered = 0;
	int ret = 0;

	while (answered < count) {
		ssize_t n = mnl_socket_recvfrom(f->nl, f->rxbuf, sizeof(f->rxbuf));
		const struct nlmsghdr *h = (const struct nlmsghdr *)f->rxbuf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS: ACKs were lost; the routes were still
			 * processed, so report it and move on. */
			return -errno;
		}
		for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			const struct nlmsgerr *e;

			if (h->nlmsg_type != NLMSG_ERROR ||
			    h->nlmsg_seq - first >= count)
				continue;
			answered++;
			e = mnl_nlmsg_get_payload(h);
			/* ENOENT on delete / ESRCH: already gone, fine. */
			if (e->error && e->error != -ESRCH && e->error != -ENOENT) {
				if (!ret)
					ret = e->error;
				fib_answered(f, &f->req[h->nlmsg_seq - first],
					     e->error);
			} else {
				fib_answered(f, &f->req[h->nlmsg_seq - first], 0);
			}
		}
	}
	return ret;
}

int fib_commit(struct fib *f)
{
	ssize_t n;
	int r;

	if (!f->queued)
		return 0;
	n = mnl_socket_sendto(f->nl, mnl_nlmsg_batch_head(f->batch),
			      mnl_nlmsg_batch_size(f->batch));
	r = n < 0 ? -errno : fib_wait_acks(f, f->first_seq, f->queued);
	f->queued = 0;
	mnl_nlmsg_batch_reset(f->batch);
	return r;
}

static struct nlmsghdr *fib_next_msg(struct fib *f, int type, int flags)
{
	struct nlmsghdr *h;

	if (f->queued >= FIB_BATCH_MAX)
		fib_commit(f);
	h = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(f->batch));
	h->nlmsg_type = (uint16_t)type;
	h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
	if (++f->seq == 0)
		f->seq = 1;
	h->nlmsg_seq = f->seq;
	if (f->queued == 0)
		f->first_seq = f->seq;
	return h;
}

static void fib_queue(struct fib *f)
{
	f->queued++;
	/* false: the next message might not fit; send what we have. */
	if (!mnl_nlmsg_batch_next(f->batch))
		fib_commit(f);
}

static struct rtmsg *fib_rtmsg(struct nlmsghdr *h, const struct prefix4 *p)
{
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	uint32_t dst = htonl(p->addr);

	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = p->len;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BGP;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(h, RTA_DST, dst);
	mnl_attr_put_u32(h, RTA_PRIORITY, FIB_METRIC);
	return rt;
}

int fib_route_replace(struct fib *f, const struct prefix4 *p, uint32_t nexthop)
{
	struct nlmsghdr *h = fib_next_msg(f, RTM_NEWROUTE,
					  NLM_F_CREATE | NLM_F_REPLACE);

	fib_rtmsg(h, p);
	mnl_attr_put_u32(h, RTA_GATEWAY, htonl(nexthop));
	f->req[f->queued] = (struct fib_req){ *p, nexthop };
	fib_queue(f);
	return 0;
}

int fib_route_replace_multi(struct fib *f, const struct prefix4 *p,
			    const uint32_t *nexthop, size_t n)
{
	struct nlmsghdr *h;
	struct nlattr *mp;
	size_t i;

	if (n <= 1)
		return n ? fib_route_replace(f, p, nexthop[0]) : -EINVAL;
	if (n > FIB_MAX_NEXTHOPS)
		n = FIB_MAX_NEXTHOPS;
	h = fib_next_msg(f, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
	fib_rtmsg(h, p);
	mp = mnl_attr_nest_start(h, RTA_MULTIPATH);
	for (i = 0; i < n; i++) {
		struct rtnexthop *nh = mnl_nlmsg_get_payload_tail(h);

		h->nlmsg_len += MNL_ALIGN(sizeof(*nh));
		memset(nh, 0, sizeof(*nh));
		mnl_attr_put_u32(h, RTA_GATEWAY, htonl(nexthop[i]));
		nh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(h) -
						(char *)nh);
	}
	mnl_attr_nest_end(h, mp);
	f->req[f->queued] = (struct fib_req){ *p, nexthop[0] };
	fib_queue(f);
	return 0;
}

int fib_route_delete(struct fib *f, const struct prefix4 *p)
{
	struct nlmsghdr *h = fib_next_msg(f, RTM_DELROUTE, 0);

	fib_rtmsg(h, p);
	f->req[f->queued] = (struct fib_req){ *p, 0 };
	fib_queue(f);
	return 0;
}

struct fib_purge_ctx {
	struct prefix4 *v;
	size_t n, cap;
};

static int fib_purge_cb(const struct nlmsghdr *h, void *data)
{
	struct fib_purge_ctx *c = data;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(h);
	const struct nlattr *a;
	uint32_t dst = 0, metric = 0;

	if (rt->rtm_family != AF_INET || rt->rtm_protocol != RTPROT_BGP ||
	    rt->rtm_table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	mnl_attr_for_each(a, h, sizeof(*rt))
		if (mnl_attr_get_payload_len(a) == 4) {
			if (mnl_attr_get_type(a) == RTA_DST)
				dst = ntohl(mnl_attr_get_u32(a));
			else if (mnl_attr_get_type(a) == RTA_PRIORITY)
				metric = mnl_attr_get_u32(a);
		}
	if (metric != FIB_METRIC)
		return MNL_CB_OK;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct prefix4 *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return MNL_CB_ERROR;
		c->v = v;
		c->cap = cap;
	}
	c->v[c->n].addr = dst;
	c->v[c->n].len = rt->rtm_dst_len;
	c->n++;
	return MNL_CB_OK;
}

int fib_purge(struct fib *f)
{
	struct fib_purge_ctx c = { 0 };
	struct nlmsghdr *h;
	struct rtmsg *rt;
	size_t i;
	int r;

	fib_commit(f);
	h = mnl_nlmsg_put_header(f->rxbuf);
	h->nlmsg_type = RTM_GETROUTE;
	rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));
	rt->rtm_family = AF_INET;
	r = mnlsock_dump(f->nl, ++f->seq, f->rxbuf, sizeof(f->rxbuf),
			 fib_purge_cb, &c);
	for (i = 0; i < c.n; i++)
		fib_route_delete(f, &c.v[i]);
	if (r == 0)
		r = fib_commit(f);
	else
		fib_commit(f);
	free(c.v);
	return r;
}
