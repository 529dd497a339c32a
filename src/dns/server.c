/*
 * DNS server glue (see server.h): datagrams and TCP streams in, the answer
 * engine's bytes out, on the event loop.
 *
 * UDP: one recvmsg per datagram until EAGAIN, at most UDP_BUDGET per
 * wakeup (epoll is level-triggered, so the rest wait one pass and TCP
 * clients get their turn).  The reply goes out with sendmsg carrying the
 * query's destination as IP_PKTINFO / IPV6_PKTINFO source, and passes the
 * response-rate limiter first (limit.h): over the rate it slips (TC=1,
 * question only) or is dropped.
 *
 * TCP (RFC 7766): 2-octet length framing (§8), any number of queries per
 * connection, answered in order (§6.2.1.1 allows any order; in order is
 * simplest for the client).  Bounded:
 *   - time: one idle timer, rearmed on every read or write that moves;
 *   - memory: input holds at most one query (a length field cannot say
 *     more than 65535), output at most OUT_MAX before reading stops;
 *   - number: at max_tcp open, a new connection closes the one idle for
 *     longest (nothing buffered either way) to take its place, or is
 *     refused when none is idle (§6.2.3).
 * Every error is counted or closes one connection; none stops the server.
 */
#include "dns/server.h"

#include "dns/answer.h"
#include "dns/limit.h"
#include "dns/wire.h"
#include "ev/ev.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEF_MAX_TCP	256
#define DEF_IDLE_MS	10000
#define UDP_BUDGET	64	/* datagrams per socket per pass */
#define ACCEPT_BUDGET	64
#define QUERY_BUDGET	64	/* TCP queries per connection per pass */
#define UDP_OUT		4096
#define FRAME_MAX	(2 + 65535)
#define OUT_MAX		(4 * FRAME_MAX)	/* unsent octets before we stop
					 * reading that client */
#define IN_START	512

struct tconn {
	struct dns_server *srv;
	struct tconn *prev, *next;
	int fd;
	bool eof;		/* the client is done sending */
	uint64_t active_ms;	/* ev_now_ms() of the last progress */
	struct ev_timer timer;
	uint8_t *in;
	size_t in_len, in_cap;
	uint8_t *out;
	size_t out_off, out_len, out_cap;
};

struct dns_server {
	struct ev_loop *loop;
	char *pop, *city;
	struct dns_ident ident;
	const struct dns_zone *zone;
	bool rrl;
	struct dns_limit limit;
	unsigned max_tcp, idle_ms;
	int *udp, *tcp;
	size_t nudp, ntcp;
	struct tconn *conns;
	struct dns_stats st;
	uint8_t qbuf[65536];
	uint8_t rbuf[DNS_TCP_MAX];
};

static char *dup_or_null(const char *s, bool *fail)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*fail = true;
	return d;
}

struct dns_server *dns_server_new(struct ev_loop *loop,
				  const struct dns_config *cfg)
{
	struct dns_server *s;
	bool fail = false;
	uint64_t seed = 0;
	int err;

	if (!loop || !cfg || !cfg->zone) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->loop = loop;
	s->zone = cfg->zone;
	s->pop = dup_or_null(cfg->pop, &fail);
	s->city = dup_or_null(cfg->city, &fail);
	if (fail) {
		err = ENOMEM;
		goto out_free;
	}
	s->ident.pop = s->pop;
	s->ident.city = s->city;
	s->max_tcp = cfg->max_tcp ? cfg->max_tcp : DEF_MAX_TCP;
	s->idle_ms = cfg->tcp_idle_ms ? cfg->tcp_idle_ms : DEF_IDLE_MS;
	if (cfg->rate != ~0u) {
		if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
			seed = ev_now_ns() ^ (uint64_t)(uintptr_t)s;
		err = -dns_limit_init(&s->limit,
				      cfg->rate ? cfg->rate : DNS_LIMIT_DEF_RATE,
				      cfg->burst ? cfg->burst : DNS_LIMIT_DEF_BURST,
				      cfg->slip,
				      seed);
		if (err)
			goto out_free;
		s->rrl = true;
	}
	return s;

out_free:
	free(s->pop);
	free(s->city);
	free(s);
	errno = err;
	return NULL;
}

static void count_rcode(struct dns_server *s, unsigned rcode)
{
	switch (rcode) {
	case DNS_R_FORMERR:
		s->st.formerr++;
		break;
	case DNS_R_REFUSED:
		s->st.refused++;
		break;
	case DNS_R_NXDOMAIN:
		s->st.nxdomain++;
		break;
	case DNS_R_NOTIMP:
		s->st.notimp++;
		break;
	}
}

/* --- UDP ----------------------------------------------------------------- */

union ctl {
	struct cmsghdr align;
	uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		  CMSG_SPACE(sizeof(struct in_pktinfo))];
};

/*
 * The reply's control data from the query's: the address the query was
 * sent to becomes our source.  For IPv4 the interface is left to the
 * routing table (ipi_ifindex 0, ipi_spec_dst the address), so an anycast
 * address on lo answers out of whichever link leads back; for IPv6 the
 * interface is kept, which a link-local source needs.  Returns its length.
 */
static size_t reply_ctl(struct msghdr *in, union ctl *out)
{
	struct msghdr m = { .msg_control = out->b,
			    .msg_controllen = sizeof(out->b) };
	struct cmsghdr *c, *o = CMSG_FIRSTHDR(&m);
	size_t len = 0;

	memset(out, 0, sizeof(*out));
	for (c = CMSG_FIRSTHDR(in); c && o; c = CMSG_NXTHDR(in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			o->cmsg_level = IPPROTO_IP;
			o->cmsg_type = IP_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			len += CMSG_SPACE(sizeof(pi));
			break;
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			o->cmsg_level = IPPROTO_IPV6;
			o->cmsg_type = IPV6_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			len += CMSG_SPACE(sizeof(pi));
			break;
		}
	}
	return len;
}

static void udp_one(struct dns_server *s, int fd, struct msghdr *mh,
		    size_t qlen)
{
	struct dns_result res;
	union ctl ctl;
	struct iovec iov;
	struct msghdr out = { 0 };
	size_t len;

	s->st.udp_queries++;
	if (dns_answer(s->zone, &s->ident, s->qbuf, qlen, false, s->rbuf,
		       UDP_OUT, &res) == DNS_DROP) {
		s->st.dropped++;
		return;
	}
	len = res.len;
	if (s->rrl) {
		switch (dns_limit_check(&s->limit, mh->msg_name,
					mh->msg_namelen, false, ev_now_ms())) {
		case DNS_LIMIT_PASS:
			break;
		case DNS_LIMIT_SLIP:
			s->st.limited++;
			len = dns_answer_truncate(s->rbuf, len);
			if (!len) {
				s->st.dropped++;
				return;
			}
			res.tc = true;
			break;
		case DNS_LIMIT_DROP:
			s->st.limited++;
			s->st.dropped++;
			return;
		}
	}
	iov.iov_base = s->rbuf;
	iov.iov_len = len;
	out.msg_name = mh->msg_name;
	out.msg_namelen = mh->msg_namelen;
	out.msg_iov = &iov;
	out.msg_iovlen = 1;
	out.msg_controllen = reply_ctl(mh, &ctl);
	out.msg_control = out.msg_controllen ? ctl.b : NULL;
	if (sendmsg(fd, &out, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		s->st.dropped++;
		return;
	}
	s->st.replies++;
	if (res.tc)
		s->st.truncated++;
	count_rcode(s, res.rcode);
}

static void udp_readable(struct ev_loop *l, int fd, uint32_t events,
			 void *ctx)
{
	struct dns_server *s = ctx;
	unsigned i;

	for (i = 0; i < UDP_BUDGET; i++) {
		struct sockaddr_storage peer;
		union ctl ctl;
		struct iovec iov = { s->qbuf, sizeof(s->qbuf) };
		struct msghdr mh = {
			.msg_name = &peer, .msg_namelen = sizeof(peer),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
		};
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN: all read; anything else: next pass. */
			return;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			s->st.udp_queries++;
			s->st.dropped++;
			continue;
		}
		if (mh.msg_flags & MSG_CTRUNC)
			mh.msg_controllen = 0;
		udp_one(s, fd, &mh, (size_t)n);
	}
}

static int fd_list_add(int **list, size_t *n, int fd)
{
	int *nl = realloc(*list, (*n + 1) * sizeof(**list));

	if (!nl)
		return -ENOMEM;
	nl[(*n)++] = fd;
	*list = nl;
	return 0;
}

int dns_server_add_udp(struct dns_server *s, int fd)
{
	int err;

	if (fd < 0)
		return -EBADF;
	err = fd_list_add(&s->udp, &s->nudp, fd);
	if (err)
		return err;
	err = ev_io_add(s->loop, fd, EPOLLIN, udp_readable, s);
	if (err) {
		s->nudp--;
		return err;
	}
	return 0;
}

/* --- TCP ----------------------------------------------------------------- */

static size_t out_pending(const struct tconn *c)
{
	return c->out_len - c->out_off;
}

static bool tconn_idle(const struct tconn *c)
{
	return !c->in_len && !out_pending(c);
}

static void tconn_close(struct tconn *c)
{
	struct dns_server *s = c->srv;

	ev_io_del(s->loop, c->fd);
	ev_timer_stop(s->loop, &c->timer);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->st.tcp_conns_now--;
	free(c->in);
	free(c->out);
	free(c);
}

static void tconn_interest(struct tconn *c)
{
	uint32_t ev = 0;

	if (!c->eof && out_pending(c) < OUT_MAX)
		ev |= EPOLLIN;
	if (out_pending(c))
		ev |= EPOLLOUT;
	ev_io_mod(c->srv->loop, c->fd, ev);
}

static void tconn_touch(struct tconn *c)
{
	c->active_ms = ev_now_ms();
	/* -ENOMEM leaves it unarmed; the next activity tries again. */
	ev_timer_arm(c->srv->loop, &c->timer, c->srv->idle_ms);
}

static void tconn_timeout(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	tconn_close(ctx);
}

static int out_append(struct tconn *c, const uint8_t *p, size_t n)
{
	size_t need;
	uint8_t *np;

	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
	} else if (c->out_off) {
		memmove(c->out, c->out + c->out_off, out_pending(c));
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	need = c->out_len + 2 + n;
	if (need > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 1024;

		while (cap < need)
			cap *= 2;
		np = realloc(c->out, cap);
		if (!np)
			return -ENOMEM;
		c->out = np;
		c->out_cap = cap;
	}
	c->out[c->out_len] = (uint8_t)(n >> 8);
	c->out[c->out_len + 1] = (uint8_t)n;
	memcpy(c->out + c->out_len + 2, p, n);
	c->out_len += 2 + n;
	return 0;
}

static bool frame_ready(const struct tconn *c)
{
	return c->in_len >= 2 &&
	       c->in_len >= 2 + ((size_t)c->in[0] << 8 | c->in[1]);
}

/*
 * Answer the whole frames buffered, while output is under its cap.  What
 * the engine drops (a response, a runt) closes the connection: no client
 * of ours sends those, and every frame kept thus yields output, which
 * brings the loop back for the frames left over the budget.
 */
static int tconn_process(struct tconn *c)
{
	struct dns_server *s = c->srv;
	size_t off = 0;
	unsigned i;

	for (i = 0; i < QUERY_BUDGET && out_pending(c) < OUT_MAX; i++) {
		struct dns_result res;
		size_t qlen;

		if (c->in_len - off < 2)
			break;
		qlen = (size_t)c->in[off] << 8 | c->in[off + 1];
		if (c->in_len - off < 2 + qlen)
			break;
		s->st.tcp_queries++;
		if (dns_answer(s->zone, &s->ident, c->in + off + 2, qlen, true,
			       s->rbuf, sizeof(s->rbuf), &res) == DNS_DROP) {
			s->st.dropped++;
			return -EBADMSG;
		}
		if (out_append(c, s->rbuf, res.len) < 0)
			return -ENOMEM;
		s->st.replies++;
		if (res.tc)
			s->st.truncated++;
		count_rcode(s, res.rcode);
		off += 2 + qlen;
	}
	if (off) {
		memmove(c->in, c->in + off, c->in_len - off);
		c->in_len -= off;
	}
	return 0;
}

/* Write what is pending; -1 when the connection is gone. */
static int tconn_flush(struct tconn *c)
{
	while (out_pending(c)) {
		ssize_t n = send(c->fd, c->out + c->out_off, out_pending(c),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			tconn_close(c);
			return -1;
		}
		c->out_off += (size_t)n;
		tconn_touch(c);
	}
	if (c->eof && !c->in_len) {
		tconn_close(c);
		return -1;
	}
	return 0;
}

/* Room for the frame being read: at least its whole length when known. */
static int in_room(struct tconn *c)
{
	size_t need = c->in_len < 2 ? IN_START :
		      2 + ((size_t)c->in[0] << 8 | c->in[1]);
	uint8_t *p;

	if (need < c->in_len + 1)
		need = c->in_len + 1;
	if (need > FRAME_MAX)
		need = FRAME_MAX;
	if (need <= c->in_cap)
		return 0;
	p = realloc(c->in, need);
	if (!p)
		return -ENOMEM;
	c->in = p;
	c->in_cap = need;
	return 0;
}

static void tconn_event(struct ev_loop *l, int fd, uint32_t events,
			void *ctx)
{
	struct tconn *c = ctx;

	if ((events & EPOLLIN) && !c->eof && out_pending(c) < OUT_MAX) {
		ssize_t n;

		if (c->in_len >= c->in_cap && in_room(c) < 0)
			goto out_close;
		if (c->in_len < c->in_cap) {
			n = recv(fd, c->in + c->in_len, c->in_cap - c->in_len,
				 MSG_DONTWAIT);
			if (n == 0) {
				c->eof = true;
			} else if (n < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK &&
				    errno != EINTR)
					goto out_close;
			} else {
				c->in_len += (size_t)n;
				tconn_touch(c);
			}
		}
		if (tconn_process(c) < 0 || in_room(c) < 0)
			goto out_close;
		/* A client gone with half a query will never finish it. */
		if (c->eof && !frame_ready(c))
			c->in_len = 0;
	} else if (events & (EPOLLHUP | EPOLLERR)) {
		if (!(events & EPOLLOUT))
			goto out_close;
	}
	if (tconn_flush(c) < 0)
		return;
	/* Output drained below the cap: buffered queries may go on. */
	if (c->in_len && out_pending(c) < OUT_MAX) {
		if (tconn_process(c) < 0)
			goto out_close;
		if (tconn_flush(c) < 0)
			return;
	}
	tconn_interest(c);
	return;

out_close:
	tconn_close(c);
}

/* The connection idle for longest, or NULL. */
static struct tconn *oldest_idle(struct dns_server *s)
{
	struct tconn *c, *best = NULL;

	for (c = s->conns; c; c = c->next)
		if (tconn_idle(c) && (!best || c->active_ms < best->active_ms))
			best = c;
	return best;
}

static void tcp_accept(struct ev_loop *l, int lfd, uint32_t events,
		       void *ctx)
{
	struct dns_server *s = ctx;
	unsigned i;

	for (i = 0; i < ACCEPT_BUDGET; i++) {
		struct tconn *c;
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;		/* EAGAIN, or out of fds: next pass */
		if (s->st.tcp_conns_now >= s->max_tcp) {
			struct tconn *old = oldest_idle(s);

			if (!old) {
				close(fd);
				s->st.dropped++;
				continue;
			}
			tconn_close(old);
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->srv = s;
		c->fd = fd;
		ev_timer_init(&c->timer, tconn_timeout, c);
		if (ev_io_add(l, fd, EPOLLIN, tconn_event, c) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
		s->st.tcp_conns_now++;
		tconn_touch(c);
	}
}

int dns_server_add_tcp(struct dns_server *s, int listen_fd)
{
	int err;

	if (listen_fd < 0)
		return -EBADF;
	err = fd_list_add(&s->tcp, &s->ntcp, listen_fd);
	if (err)
		return err;
	err = ev_io_add(s->loop, listen_fd, EPOLLIN, tcp_accept, s);
	if (err) {
		s->ntcp--;
		return err;
	}
	return 0;
}

void dns_server_stats(const struct dns_server *s, struct dns_stats *out)
{
	*out = s->st;
}

void dns_server_free(struct dns_server *s)
{
	size_t i;

	if (!s)
		return;
	while (s->conns)
		tconn_close(s->conns);
	for (i = 0; i < s->nudp; i++) {
		ev_io_del(s->loop, s->udp[i]);
		close(s->udp[i]);
	}
	for (i = 0; i < s->ntcp; i++) {
		ev_io_del(s->loop, s->tcp[i]);
		close(s->tcp[i]);
	}
	free(s->udp);
	free(s->tcp);
	if (s->rrl)
		dns_limit_free(&s->limit);
	free(s->pop);
	free(s->city);
	free(s);
}
