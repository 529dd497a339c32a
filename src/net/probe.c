/*
 * Data-plane probes (see probe.h): ICMP echo (RFC 792) with the IP
 * record-route option (RFC 791 §3.1) from raw sockets inside the users'
 * namespaces, or HTTP GETs (one TCP connection each, closed with a reset
 * so no TIME_WAIT piles up at 1,000 probes a second) whose X-Served-By
 * names the POP.  The reply parser is pure and bounded, and a fuzz target.
 */
#include "net/probe.h"
#include "ev/ev.h"
#include "net/netns.h"
#include "dns/client.h"
#include "http/client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/icmp.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROBE_MAGIC	"anycastl"
#define PROBE_PAYLOAD	16		/* magic + send time */
#define PROBE_RING	8192		/* outstanding probes per user */
#define IPOPT_RR_TYPE	7

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint16_t inet_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void probe_rr_option(uint8_t opt[40])
{
	/* NOP, then RR with room for 9 addresses (39 octets, pointer at the
	 * first slot), as ping -R asks for it. */
	memset(opt, 0, 40);
	opt[0] = 1;
	opt[1] = IPOPT_RR_TYPE;
	opt[2] = 39;
	opt[3] = 4;
}

size_t probe_build_request(uint8_t *buf, size_t cap, uint16_t id,
			   uint16_t seq, uint64_t now_ns)
{
	size_t len = 8 + PROBE_PAYLOAD;
	uint16_t c;
	int i;

	if (cap < len)
		return 0;
	buf[0] = ICMP_ECHO;
	buf[1] = 0;
	buf[2] = buf[3] = 0;
	buf[4] = (uint8_t)(id >> 8);
	buf[5] = (uint8_t)id;
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
	memcpy(buf + 8, PROBE_MAGIC, 8);
	for (i = 0; i < 8; i++)
		buf[16 + i] = (uint8_t)(now_ns >> (56 - 8 * i));
	c = inet_csum(buf, len);
	buf[2] = (uint8_t)(c >> 8);
	buf[3] = (uint8_t)c;
	return len;
}

static int parse_options(const uint8_t *o, size_t len, struct probe_reply *r)
{
	size_t i = 0;

	while (i < len) {
		size_t olen, ptr, k;

		if (o[i] == 0)			/* end of option list */
			break;
		if (o[i] == 1) {		/* no-operation */
			i++;
			continue;
		}
		if (i + 2 > len)
			return -EINVAL;
		olen = o[i + 1];
		if (olen < 2 || olen > len - i)
			return -EINVAL;
		if (o[i] == IPOPT_RR_TYPE) {
			if (olen < 3)
				return -EINVAL;
			ptr = o[i + 2];
			/* ptr is 1-based and points past the last recorded
			 * address: (ptr - 4) / 4 addresses are filled in. */
			if (ptr < 4)
				return -EINVAL;
			for (k = 0; k + 1 < ptr / 4 && 3 + 4 * (k + 1) <= olen &&
				    r->nrr < PROBE_RR_MAX; k++)
				r->rr[r->nrr++] = get32(o + i + 3 + 4 * k);
		}
		i += olen;
	}
	return 0;
}

int probe_parse_reply(const uint8_t *pkt, size_t len, struct probe_reply *r)
{
	const uint8_t *icmp;
	size_t ihl, tot, ilen;
	int i;

	memset(r, 0, sizeof(*r));
	if (len < 20 || (pkt[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	tot = get16(pkt + 2);
	if (ihl < 20 || ihl > len || tot < ihl)
		return -EINVAL;
	if (tot < len)
		len = tot;
	if (pkt[9] != IPPROTO_ICMP)
		return -EINVAL;
	if (parse_options(pkt + 20, ihl - 20, r) < 0)
		return -EINVAL;
	icmp = pkt + ihl;
	ilen = len - ihl;
	if (ilen < 8 + PROBE_PAYLOAD || icmp[0] != ICMP_ECHOREPLY || icmp[1] != 0)
		return -EINVAL;
	if (inet_csum(icmp, ilen) != 0)
		return -EINVAL;
	if (memcmp(icmp + 8, PROBE_MAGIC, 8))
		return -EINVAL;
	r->id = get16(icmp + 4);
	r->seq = get16(icmp + 6);
	r->src = get32(pkt + 12);
	r->ttl = pkt[8];
	for (i = 0; i < 8; i++)
		r->sent_ns = r->sent_ns << 8 | icmp[16 + i];
	return 0;
}

long probe_answering_pop(const struct probe_reply *r, uint32_t anycast,
			 long (*pop_of_link_addr)(void *ctx, uint32_t addr),
			 void *ctx)
{
	unsigned i;

	for (i = 1; i < r->nrr; i++)
		if (r->rr[i] == anycast)
			return pop_of_link_addr(ctx, r->rr[i - 1]);
	return -1;
}

/* ---- the prober ---- */

/* One HTTP probe: its connection and what came back so far. */
struct probe_conn {
	struct probe_user *u;
	uint16_t seq;
	int fd;
	bool sent;
	size_t len;
	char buf[1024];
};

struct probe_user {
	struct prober *p;
	int fd;			/* ICMP: the raw socket; HTTP: the namespace */
	size_t index;
	uint16_t id;
	uint16_t next_seq;	/* next to send */
	uint16_t oldest;	/* oldest not yet resolved */
	unsigned sent;
	uint64_t sent_ns[PROBE_RING];
	uint8_t pending[PROBE_RING];
	struct probe_conn **conn;	/* HTTP: per slot, NULL when none */
};

struct prober {
	struct ev_loop *l;
	uint32_t dst;
	uint64_t interval_ns, timeout_ns;
	probe_cb cb;
	void *ctx;
	struct probe_user **users;
	size_t n;
	struct ev_timer tick;
	uint64_t start_ns;
	uint64_t ticks;
	unsigned count;
	bool sending;
	bool finished;		/* the NULL event went out */
	bool http;
	bool dns;
	bool per_probe;		/* HTTP or DNS: a socket per probe */
	char dns_name[256];
};

int prober_new(struct ev_loop *l, uint32_t dst, uint64_t interval_ns,
	       uint64_t timeout_ns, probe_cb cb, void *ctx, struct prober **out)
{
	struct prober *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	if (interval_ns == 0 || timeout_ns / interval_ns >= PROBE_RING - 1) {
		free(p);
		return -EINVAL;
	}
	p->l = l;
	p->dst = dst;
	p->interval_ns = interval_ns;
	p->timeout_ns = timeout_ns;
	p->cb = cb;
	p->ctx = ctx;
	*out = p;
	return 0;
}

static void conn_close(struct probe_user *u, size_t slot)
{
	struct probe_conn *c = u->conn ? u->conn[slot] : NULL;

	if (!c)
		return;
	ev_io_del(u->p->l, c->fd);
	close(c->fd);
	free(c);
	u->conn[slot] = NULL;
}

static void user_resolve_as(struct probe_user *u, uint16_t seq, bool answered,
			    uint64_t now, const struct probe_reply *r,
			    const char *served_by)
{
	size_t slot = seq % PROBE_RING;
	struct probe_event ev = {
		.user = u->index,
		.seq = seq,
		.sent_ns = u->sent_ns[slot],
		.answered = answered,
		.rtt_ns = answered ? now - u->sent_ns[slot] : 0,
		.reply = r,
		.served_by = served_by,
	};

	u->pending[slot] = 0;
	u->p->cb(u->p->ctx, &ev);
	conn_close(u, slot);
}

static void user_resolve(struct probe_user *u, uint16_t seq, bool answered,
			 uint64_t now, const struct probe_reply *r)
{
	user_resolve_as(u, seq, answered, now, r, NULL);
}

/* ---- HTTP probes ---- */

static void conn_io(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	static const char req[] = "GET / HTTP/1.1\r\nHost: 104.16.0.1\r\n"
				  "User-Agent: anycastlab-probe\r\n"
				  "Connection: close\r\n\r\n";
	struct probe_conn *c = ctx;
	struct probe_user *u = c->u;
	struct http_response_head h;
	uint64_t now = ev_now_ns();
	uint16_t seq = c->seq;
	socklen_t len = sizeof(int);
	int err = 0;
	ssize_t n;

	(void)events;
	if (!c->sent) {
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
			/* Refused (no server there) or unreachable: lost. */
			user_resolve(u, seq, false, now, NULL);
			return;
		}
		if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) !=
		    (ssize_t)(sizeof(req) - 1)) {
			user_resolve(u, seq, false, now, NULL);
			return;
		}
		c->sent = true;
		ev_io_mod(l, fd, EPOLLIN);
		return;
	}
	n = recv(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		user_resolve(u, seq, false, now, NULL);
		return;
	}
	c->len += (size_t)n;
	err = http_response_head_parse(c->buf, c->len, &h);
	if (err == -EAGAIN && c->len < sizeof(c->buf) - 1)
		return;
	/* A head that does not fit, or is not HTTP, is no answer. */
	if (err < 0)
		user_resolve(u, seq, false, now, NULL);
	else
		user_resolve_as(u, seq, h.status < 500 && h.served_by[0], now,
				NULL, h.served_by);
}

/* Open a connection for probe seq of u; a failure is a lost probe,
 * found by the sweep. */
static void http_send(struct probe_user *u, size_t slot, uint16_t seq)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(80) };
	struct linger lg = { 1, 0 };
	struct probe_conn *c;
	int fd;

	to.sin_addr.s_addr = htonl(u->p->dst);
	fd = netns_socket(u->fd, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  0);
	if (fd < 0)
		return;
	/* Closed with a reset: a probe leaves no TIME_WAIT behind. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	c = calloc(1, sizeof(*c));
	if (!c || (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 &&
		   errno != EINPROGRESS) ||
	    ev_io_add(u->p->l, fd, EPOLLOUT, conn_io, c) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->u = u;
	c->seq = seq;
	c->fd = fd;
	u->conn[slot] = c;
}

/* ---- DNS probes ---- */

static void dns_io(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct probe_conn *c = ctx;
	struct probe_user *u = c->u;
	struct dns_query_opts o = { .id = c->seq, .nsid = true };
	struct dns_reply *r;
	uint8_t buf[1232];
	ssize_t n;

	(void)l;
	(void)events;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* Refused (no server there) or unreachable: lost. */
	if (n <= 0) {
		user_resolve(u, c->seq, false, ev_now_ns(), NULL);
		return;
	}
	r = malloc(sizeof(*r));
	/* An answer names the POP by its NSID; a slipped (truncated) one
	 * or an error is no answer. */
	if (r && dns_reply_parse(buf, (size_t)n, &o, u->p->dns_name, r) == 0 &&
	    r->rcode == 0 && !r->tc && r->nsid[0])
		user_resolve_as(u, c->seq, true, ev_now_ns(), NULL, r->nsid);
	else if (n >= 2 && (buf[0] << 8 | buf[1]) == c->seq)
		user_resolve(u, c->seq, false, ev_now_ns(), NULL);
	free(r);
}

/* One query for the lab's name with the NSID asked, id = seq, on a
 * socket of its own; a failure is a lost probe, found by the sweep. */
static void dns_send(struct probe_user *u, size_t slot, uint16_t seq)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct dns_query_opts o = { .id = seq, .nsid = true };
	struct probe_conn *c;
	uint8_t q[128];
	int fd, len;

	to.sin_addr.s_addr = htonl(u->p->dst);
	len = dns_query_build(q, sizeof(q), u->p->dns_name, &o);
	fd = netns_socket(u->fd, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			  0);
	if (fd < 0 || len < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 ||
	    ev_io_add(u->p->l, fd, EPOLLIN, dns_io, c) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->u = u;
	c->seq = seq;
	c->fd = fd;
	c->sent = true;
	u->conn[slot] = c;
	send(fd, q, (size_t)len, MSG_DONTWAIT);
}

int prober_use(struct prober *p, enum probe_kind kind, const char *dns_name)
{
	struct rlimit rl;

	if (p->n)
		return -EBUSY;
	if (kind == PROBE_DNS &&
	    (!dns_name || strlen(dns_name) >= sizeof(p->dns_name)))
		return -EINVAL;
	if (kind == PROBE_DNS)
		strcpy(p->dns_name, dns_name);
	if (kind == PROBE_ICMP)
		return 0;
	p->http = kind == PROBE_HTTP;
	p->dns = kind == PROBE_DNS;
	p->per_probe = true;
	/* Up to a timeout's worth of connections per user at once. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return 0;
}

/* Give up on probes older than the timeout, oldest first. */
static void user_sweep(struct probe_user *u, uint64_t now)
{
	while (u->oldest != u->next_seq) {
		size_t slot = u->oldest % PROBE_RING;

		if (u->pending[slot]) {
			if (u->sent_ns[slot] + u->p->timeout_ns > now)
				break;
			user_resolve(u, u->oldest, false, now, NULL);
		}
		u->oldest++;
	}
}

static void prober_check_done(struct prober *p)
{
	if (!p->finished && prober_done(p)) {
		p->finished = true;
		ev_timer_stop(p->l, &p->tick);
		p->cb(p->ctx, NULL);
	}
}

static void user_rx(struct ev_loop *l, int fd, uint32_t events, void *ctx)
{
	struct probe_user *u = ctx;
	uint8_t pkt[2048];
	struct probe_reply r;
	ssize_t n;

	(void)l;
	(void)events;
	while ((n = recv(fd, pkt, sizeof(pkt), 0)) > 0) {
		uint64_t now = ev_now_ns();
		size_t slot;

		if (probe_parse_reply(pkt, (size_t)n, &r) < 0 || r.id != u->id)
			continue;
		slot = r.seq % PROBE_RING;
		/* Only a probe still outstanding, with our own timestamp. */
		if (!u->pending[slot] || u->sent_ns[slot] != r.sent_ns)
			continue;
		user_resolve(u, r.seq, true, now, &r);
		user_sweep(u, now);
	}
	prober_check_done(u->p);
}

static void prober_send_all(struct prober *p)
{
	uint8_t msg[64];
	struct sockaddr_in to = { .sin_family = AF_INET };
	size_t i, len;

	to.sin_addr.s_addr = htonl(p->dst);
	for (i = 0; i < p->n; i++) {
		struct probe_user *u = p->users[i];
		uint64_t now = ev_now_ns();
		size_t slot = u->next_seq % PROBE_RING;

		user_sweep(u, now);
		if (p->count && u->sent >= p->count)
			continue;
		if (u->pending[slot])		/* ring full: count it lost */
			user_resolve(u, (uint16_t)(u->next_seq - PROBE_RING), false,
				     now, NULL);
		u->sent_ns[slot] = now;
		u->pending[slot] = 1;
		u->next_seq++;
		u->sent++;
		if (p->http) {
			http_send(u, slot, (uint16_t)(u->next_seq - 1));
			continue;
		}
		if (p->dns) {
			dns_send(u, slot, (uint16_t)(u->next_seq - 1));
			continue;
		}
		len = probe_build_request(msg, sizeof(msg), u->id,
					  (uint16_t)(u->next_seq - 1), now);
		/* A send that fails (no route) is a probe that gets no answer. */
		sendto(u->fd, msg, len, MSG_DONTWAIT, (struct sockaddr *)&to,
		       sizeof(to));
	}
}

static void prober_tick(struct ev_loop *l, struct ev_timer *t, void *ctx)
{
	struct prober *p = ctx;
	uint64_t now = ev_now_ns(), next;
	size_t i;

	if (p->sending) {
		prober_send_all(p);
		if (p->count) {
			bool more = false;

			for (i = 0; i < p->n; i++)
				if (p->users[i]->sent < p->count)
					more = true;
			p->sending = more;
		}
	}
	for (i = 0; i < p->n; i++)
		user_sweep(p->users[i], now);
	if (prober_done(p)) {
		prober_check_done(p);
		return;
	}
	/* Absolute deadlines: a late tick does not push later ones back. */
	p->ticks++;
	next = p->start_ns + p->ticks * p->interval_ns;
	if (next <= now)
		next = now + 1000;
	ev_timer_arm_at(l, t, next);
}

int prober_add(struct prober *p, int nsfd, size_t index)
{
	struct icmp_filter filt = { ~(1u << ICMP_ECHOREPLY) };
	struct probe_user *u, **v;
	uint8_t opt[40];
	int rcv = 1 << 20, r;

	v = realloc(p->users, (p->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	p->users = v;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->p = p;
	u->index = index;
	u->id = (uint16_t)(getpid() * 131 + index * 7919 + 1);
	if (p->per_probe) {
		/* The namespace, for a socket per probe. */
		u->fd = fcntl(nsfd, F_DUPFD_CLOEXEC, 0);
		u->conn = calloc(PROBE_RING, sizeof(*u->conn));
		if (u->fd < 0 || !u->conn) {
			r = u->fd < 0 ? -errno : -ENOMEM;
			if (u->fd >= 0)
				close(u->fd);
			free(u->conn);
			free(u);
			return r;
		}
		p->users[p->n++] = u;
		return 0;
	}
	u->fd = netns_socket(nsfd, AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			     IPPROTO_ICMP);
	if (u->fd < 0) {
		r = u->fd;
		free(u);
		return r;
	}
	probe_rr_option(opt);
	setsockopt(u->fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt));
	setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(u->fd, IPPROTO_IP, IP_OPTIONS, opt, sizeof(opt)) < 0 ||
	    (r = ev_io_add(p->l, u->fd, EPOLLIN, user_rx, u)) < 0) {
		r = -errno;
		close(u->fd);
		free(u);
		return r;
	}
	p->users[p->n++] = u;
	return 0;
}

void prober_start(struct prober *p, unsigned count)
{
	ev_timer_init(&p->tick, prober_tick, p);
	p->count = count;
	p->sending = true;
	p->finished = false;
	p->start_ns = ev_now_ns();
	p->ticks = 0;
	prober_tick(p->l, &p->tick, p);
}

void prober_stop(struct prober *p)
{
	p->sending = false;
}

bool prober_done(const struct prober *p)
{
	size_t i;

	if (p->sending)
		return false;
	for (i = 0; i < p->n; i++)
		if (p->users[i]->oldest != p->users[i]->next_seq)
			return false;
	return true;
}

void prober_free(struct prober *p)
{
	size_t i;

	if (!p)
		return;
	ev_timer_stop(p->l, &p->tick);
	for (i = 0; i < p->n; i++) {
		struct probe_user *u = p->users[i];
		size_t k;

		for (k = 0; u->conn && k < PROBE_RING; k++)
			conn_close(u, k);
		free(u->conn);
		if (!p->per_probe)
			ev_io_del(p->l, u->fd);
		close(u->fd);
		free(u);
	}
	free(p->users);
	free(p);
}
